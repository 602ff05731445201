/**
 * The Incident Report page: scope, impact, summary, root cause and follow-ups (text, owner, due
 * date; ticked done or removed), saved to the incident's journal. What is typed and not saved
 * yet, a follow-up not added yet included, survives the tab being hidden or reloaded (webview
 * state) and, sent to the extension as a draft, the tab being closed: the next form opened for
 * the incident starts from it, saying so, with a way to discard it.
 */
import {
  checkFollowUp,
  FollowUpInputError,
  sameFollowUpText,
  type FollowUpInput,
} from '../../src/incident/followUpInput';
import type {
  FollowUpRow,
  FromReport,
  NewFollowUp,
  Report,
  ReportDraft,
  ToReport,
} from '../../src/ui/report/protocol';

interface WebviewApi<State> {
  postMessage(message: FromReport): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<State>(): WebviewApi<State>;

/** What the page keeps across hiding and reloading until it is saved. */
interface PageState extends ReportDraft {
  /** When the draft shown was typed, if it was restored from a closed form: `03:12`. */
  restoredFrom?: string;
}

const vscode = acquireVsCodeApi<PageState>();
const { restoredFrom: keptFrom, ...kept } = vscode.getState() ?? {};
/** What is typed and not saved yet. */
let draft: ReportDraft = kept;
let restoredFrom = keptFrom;
/**
 * Whether the page holds its own draft: after hiding or reloading it does, and the extension's
 * copy of it is no newer; a newly opened form starts from the extension's.
 */
let seeded = vscode.getState() !== undefined;
/** The incident's follow-ups as the extension last sent them. */
let recorded: FollowUpRow[] = [];
/** The report as saved, as the extension last sent it, for Discard. */
let saved: Omit<Report, 'newFollowUps' | 'done' | 'removed'> | undefined;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const fields = ['usersImpacted', 'impact', 'summary', 'rootCause'] as const;
const pendingFields = { text: 'newFollowUp', owner: 'newOwner', due: 'newDue' } as const;

function read(): Report {
  return {
    services: $<HTMLInputElement>('services')
      .value.split(',')
      .map((service) => service.trim())
      .filter(Boolean),
    usersImpacted: $<HTMLInputElement>('usersImpacted').value,
    dataAtRisk: $<HTMLSelectElement>('dataAtRisk').value as Report['dataAtRisk'],
    impact: $<HTMLTextAreaElement>('impact').value,
    summary: $<HTMLTextAreaElement>('summary').value,
    rootCause: $<HTMLTextAreaElement>('rootCause').value,
    newFollowUps: draft.newFollowUps ?? [],
    done: [
      ...document.querySelectorAll<HTMLInputElement>('#followUps input:checked:not(:disabled)'),
    ].map((box) => box.value),
    removed: draft.removed ?? [],
  };
}

function readPending(): NewFollowUp {
  return {
    text: $<HTMLInputElement>(pendingFields.text).value,
    owner: $<HTMLInputElement>(pendingFields.owner).value,
    due: $<HTMLInputElement>(pendingFields.due).value,
  };
}

/**
 * Keeps the draft in the webview state and sends it to the extension, both at once, on every
 * change: a message is cheap, and the page has no later moment it can count on. Closing the tab
 * (Ctrl+W) ends the page with no message of its own reaching the extension, so a draft held back
 * here, even for a moment, would lose the last keystrokes typed.
 */
function persist(): void {
  vscode.setState(restoredFrom ? { ...draft, restoredFrom } : draft);
  vscode.postMessage({ type: 'draft', draft });
}

function remember(): void {
  const { newFollowUps, removed, ...rest } = read();
  draft = { ...rest, newFollowUps, removed, pending: readPending() };
  persist();
}

function showRestored(): void {
  $('restored').hidden = !restoredFrom;
  $('restoredText').textContent = restoredFrom
    ? `Unsaved changes from ${restoredFrom} restored.`
    : '';
}

function fill(report: Omit<Report, 'newFollowUps' | 'done' | 'removed'>): void {
  $<HTMLInputElement>('services').value = report.services.join(', ');
  for (const id of fields) $<HTMLInputElement>(id).value = report[id];
  $<HTMLSelectElement>('dataAtRisk').value = report.dataAtRisk;
  const pending = draft.pending ?? { text: '', owner: '', due: '' };
  for (const key of Object.keys(pendingFields) as Array<keyof NewFollowUp>)
    $<HTMLInputElement>(pendingFields[key]).value = pending[key];
}

function meta(parts: Array<string | undefined>): HTMLSpanElement {
  return Object.assign(document.createElement('span'), {
    className: 'meta',
    textContent: parts.filter(Boolean).join(' · '),
  });
}

function linkButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const button = Object.assign(document.createElement('button'), {
    type: 'button',
    className: 'link',
    textContent: text,
    title,
  });
  button.addEventListener('click', onClick);
  return button;
}

function renderFollowUps(rows: FollowUpRow[]): void {
  const removed = new Set(draft.removed ?? []);
  const ticked = new Set(draft.done ?? []);
  $('followUps').replaceChildren(
    ...rows.map((row) => {
      const item = document.createElement('li');
      item.dataset.removed = String(removed.has(row.id));
      const label = document.createElement('label');
      const box = Object.assign(document.createElement('input'), {
        type: 'checkbox',
        value: row.id,
      });
      box.checked = row.done || ticked.has(row.id);
      box.disabled = row.done;
      label.append(box, document.createTextNode(row.text));
      const issue = row.issueUrl ? `issue ${row.issueUrl.split('/').at(-1)}` : undefined;
      item.append(label, meta([row.owner, row.due && `due ${row.due}`, issue]));
      const isRemoved = removed.has(row.id);
      item.append(
        linkButton(isRemoved ? 'Keep' : 'Remove', isRemoved ? 'Keep it' : 'Remove on save', () => {
          const next = new Set(draft.removed ?? []);
          if (next.has(row.id)) next.delete(row.id);
          else next.add(row.id);
          draft.removed = [...next];
          persist();
          renderFollowUps(rows);
        }),
      );
      return item;
    }),
  );
}

function renderAdded(): void {
  const added = draft.newFollowUps ?? [];
  $('added').replaceChildren(
    ...added.map((followUp, index) => {
      const item = document.createElement('li');
      item.append(
        document.createTextNode(`new: ${followUp.text}`),
        meta([followUp.owner, followUp.due && `due ${followUp.due}`]),
        linkButton('×', 'Do not add this one', () => {
          draft.newFollowUps = added.filter((_, other) => other !== index);
          persist();
          renderAdded();
        }),
      );
      return item;
    }),
  );
}

/**
 * Checks the typed follow-up where it is typed, by the rules Add Follow-up applies, and refuses
 * one the incident has already (the same text, case and final punctuation aside).
 */
function addPending(): void {
  let checked: FollowUpInput | undefined;
  let error: [string, string] | undefined;
  try {
    checked = checkFollowUp(readPending());
  } catch (problem) {
    if (!(problem instanceof FollowUpInputError)) throw problem;
    error = [pendingFields[problem.field], problem.message];
  }
  const typed = checked?.text;
  const texts = [...recorded, ...(draft.newFollowUps ?? [])].map((followUp) => followUp.text);
  if (typed !== undefined && texts.some((text) => sameFollowUpText(text, typed))) {
    error = [pendingFields.text, `"${typed}" is a follow-up already.`];
    checked = undefined;
  }
  for (const id of Object.values(pendingFields))
    $(id).setAttribute('aria-invalid', String(error?.[0] === id));
  $('newFollowUp-error').textContent = error?.[1] ?? '';
  if (!checked) {
    if (error) $(error[0]).focus();
    return;
  }
  const { text, owner = '', due = '' } = checked;
  draft.newFollowUps = [...(draft.newFollowUps ?? []), { text, owner, due }];
  for (const id of Object.values(pendingFields)) $<HTMLInputElement>(id).value = '';
  remember();
  renderAdded();
  $(pendingFields.text).focus();
}

$('report').addEventListener('input', remember);
$('addFollowUp').addEventListener('click', addPending);
for (const id of Object.values(pendingFields)) {
  $<HTMLInputElement>(id).addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    addPending();
  });
}

$('discard').addEventListener('click', () => {
  draft = {};
  restoredFrom = undefined;
  vscode.setState(draft);
  vscode.postMessage({ type: 'discard' });
  if (saved) fill(saved);
  renderFollowUps(recorded);
  renderAdded();
  showRestored();
  $('newFollowUp-error').textContent = '';
});

$('report').addEventListener('submit', (event) => {
  event.preventDefault();
  $<HTMLButtonElement>('save').disabled = true;
  $('outcome').textContent = 'Saving…';
  vscode.postMessage({ type: 'save', report: read() });
});

window.addEventListener('message', (event: MessageEvent<ToReport>) => {
  const message = event.data;
  if (message.type === 'init') {
    $('incident').textContent = `${message.incidentId}: ${message.title}`;
    if (!seeded && message.draft) {
      draft = message.draft.values;
      restoredFrom = message.draft.when;
      vscode.setState({ ...draft, restoredFrom });
    }
    seeded = true;
    saved = message.report;
    fill({ ...message.report, ...draft });
    showRestored();
    recorded = message.followUps;
    renderFollowUps(recorded);
    renderAdded();
    $('deadline').textContent = message.deadline ? `Post-incident steps ${message.deadline}.` : '';
  } else if (message.type === 'saved') {
    // What was typed for the next follow-up is not part of the save, so it stays.
    draft = { pending: draft.pending };
    restoredFrom = undefined;
    persist();
    renderAdded();
    showRestored();
    $('outcome').textContent = message.changes
      ? `Saved: ${message.changes} change(s) on the timeline.`
      : 'Nothing changed.';
    $<HTMLButtonElement>('save').disabled = false;
  } else {
    $('outcome').textContent = `Not saved: ${message.message}`;
    $<HTMLButtonElement>('save').disabled = false;
  }
});

vscode.postMessage({ type: 'ready' });
