/**
 * The Incident Report page: scope, impact, summary, root cause and follow-ups, saved to the
 * incident's journal. Typed text survives a reload (webview state) until it is saved.
 */
import type { FollowUpRow, FromReport, Report, ToReport } from '../../src/ui/report/protocol';

interface WebviewApi<State> {
  postMessage(message: FromReport): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<State>(): WebviewApi<State>;

type Draft = Partial<Report>;

const vscode = acquireVsCodeApi<Draft>();
let draft: Draft = vscode.getState() ?? {};
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const fields = ['usersImpacted', 'impact', 'summary', 'rootCause'] as const;

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
  };
}

function fill(report: Omit<Report, 'newFollowUps' | 'done'>): void {
  $<HTMLInputElement>('services').value = report.services.join(', ');
  for (const id of fields) $<HTMLInputElement>(id).value = report[id];
  $<HTMLSelectElement>('dataAtRisk').value = report.dataAtRisk;
}

function renderFollowUps(rows: FollowUpRow[]): void {
  const list = $('followUps');
  list.replaceChildren(
    ...rows.map((row) => {
      const item = document.createElement('li');
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = row.id;
      box.checked = row.done;
      box.disabled = row.done;
      label.append(box, document.createTextNode(` ${row.text}`));
      item.append(label);
      return item;
    }),
  );
}

function renderAdded(): void {
  $('added').replaceChildren(
    ...(draft.newFollowUps ?? []).map((text) =>
      Object.assign(document.createElement('li'), { textContent: `new: ${text}` }),
    ),
  );
}

$('report').addEventListener('input', () => {
  const { newFollowUps, ...rest } = read();
  draft = { ...rest, newFollowUps };
  vscode.setState(draft);
});

$<HTMLInputElement>('newFollowUp').addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  event.preventDefault();
  const input = event.target as HTMLInputElement;
  if (input.value.trim()) draft.newFollowUps = [...(draft.newFollowUps ?? []), input.value.trim()];
  input.value = '';
  vscode.setState(draft);
  renderAdded();
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
    fill({ ...message.report, ...draft });
    renderFollowUps(message.followUps);
    renderAdded();
    $('deadline').textContent = message.deadline
      ? `Due within 48 hours of resolution: by ${message.deadline}.`
      : '';
  } else if (message.type === 'saved') {
    draft = {};
    vscode.setState(draft);
    renderAdded();
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
