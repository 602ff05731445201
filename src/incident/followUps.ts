import type { ListItem, Nodes, Paragraph } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';

import { formatTime } from './describe';
import {
  checkFollowUp,
  FollowUpInputError,
  oneLine,
  sameFollowUpText,
  type FollowUpInput,
} from './followUpInput';
import type { FollowUp, FollowUpAddedEvent, Incident } from './model';
import { followUpDeadline } from './timers';

/** Every text ever added to the journal, removed ones included, so nothing comes back twice. */
function addedTexts(incident: Incident): string[] {
  return incident.events
    .filter((e): e is FollowUpAddedEvent => e.type === 'followup.added')
    .map((e) => e.text);
}

// ---------------------------------------------------------------------------------------------
// The Markdown task line: `text — owner, due 2026-12-05`

/**
 * A follow-up as one task-list line. The export writes the owner bare (`— Lee, due …`); the
 * postmortem writes it `@Lee`, the form its checklist items are read back in.
 */
export function taskLine(followUp: FollowUp, style: 'export' | 'postmortem'): string {
  const tail: string[] = [];
  if (followUp.owner) tail.push(style === 'postmortem' ? `@${followUp.owner}` : followUp.owner);
  if (followUp.due) tail.push(`due ${followUp.due}`);
  if (style === 'export' && followUp.issueUrl)
    tail.push(`[${issueName(followUp.issueUrl)}](${followUp.issueUrl})`);
  const box = followUp.done ? '[x]' : '[ ]';
  return `- ${box} ${oneLine(followUp.text)}${tail.length ? ` — ${tail.join(', ')}` : ''}`;
}

/** A follow-up's task line without its box: what a reader of the file sees after `[ ]`. */
function writtenLine(followUp: FollowUp, style: 'export' | 'postmortem'): string {
  return taskLine({ ...followUp, done: false }, style).replace(/^- \[ \] /, '');
}

/** `owner/repo#12` from an issue's web address; the address itself when it is not one. */
function issueName(url: string): string {
  const match = /\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(url);
  return match ? `${match[1]}/${match[2]}#${match[3]}` : url;
}

const DUE = /^due\s+(\d{4}-\d{2}-\d{2})$/i;
const ISSUE_LINK = /^\[[^\]]*\]\([^)]*\)$/;

/** How a task line names its owner: `@Lee` (the postmortem) or bare, `Lee` (the export). */
export type OwnerStyle = 'at' | 'bare';

/**
 * Reads a task item's text back into a follow-up: `text — @owner, due 2026-12-05`, or the
 * same annotations at the end without the dash (`text @lee due 2026-12-05`). With the `at`
 * style an owner needs its `@`, so a dash in a sentence ("— it fires too late") stays part of
 * the text; the `bare` style reads the export's own lines (`text — Lee, due 2026-12-05`).
 */
export function parseTaskText(raw: string, owners: OwnerStyle = 'at'): FollowUpInput {
  let text = oneLine(raw);
  let owner: string | undefined;
  let due: string | undefined;

  const dash = /\s+[—–]\s+([^—–]+)$/.exec(text);
  if (dash) {
    const parts = dash[1]!.split(/,\s*(?![^[]*\])/).map((part) => part.trim());
    const kind = (part: string) =>
      DUE.test(part)
        ? 'due'
        : ISSUE_LINK.test(part)
          ? 'link'
          : /^@\S/.test(part) || (owners === 'bare' && part !== '')
            ? 'owner'
            : undefined;
    const kinds = parts.map(kind);
    if (kinds.every((k) => k !== undefined) && kinds.filter((k) => k === 'owner').length <= 1) {
      parts.forEach((part, index) => {
        if (kinds[index] === 'due') due = DUE.exec(part)![1];
        if (kinds[index] === 'owner') owner = part.replace(/^@/, '').trim();
      });
      text = text.slice(0, dash.index);
    }
  }
  for (;;) {
    const trailing = /[\s,]+(?:@(\S+)|due\s+(\d{4}-\d{2}-\d{2}))$/i.exec(text);
    if (!trailing) break;
    if (trailing[1] && !owner) owner = trailing[1];
    if (trailing[2] && !due) due = trailing[2];
    text = text.slice(0, trailing.index);
  }
  return { text: text.trim(), ...(owner ? { owner } : {}), ...(due ? { due } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Follow-ups from the postmortem's checklist

/** The postmortem's stand-in item when there are no follow-ups yet; never imported. */
export const PLACEHOLDER_TASK = 'Create follow-up tickets';

/** The sections a postmortem keeps its follow-ups in. */
export const FOLLOW_UP_SECTION = /follow-?ups?|action items?/i;

/** A task item of a follow-ups section, as written. */
export interface TaskItem extends FollowUpInput {
  checked: boolean;
  /** The item's text as written after its box, on one line. */
  source: string;
  /** 1-based line in the document, for messages. */
  line: number;
}

/**
 * The task items (`- [ ] …`, `- [x] …`) under the headings matching `section` (the
 * follow-ups or action items of a postmortem by default), read with a Markdown parser: a task
 * in a code block or in another section is not one.
 */
export function followUpTasks(
  markdown: string,
  options: { section?: RegExp; owners?: OwnerStyle } = {},
): TaskItem[] {
  const section = options.section ?? FOLLOW_UP_SECTION;
  const tree = fromMarkdown(markdown, {
    extensions: [gfmTaskListItem()],
    mdastExtensions: [gfmTaskListItemFromMarkdown()],
  });
  const tasks: TaskItem[] = [];
  let sectionDepth: number | undefined;
  for (const node of tree.children) {
    if (node.type === 'heading') {
      if (sectionDepth !== undefined && node.depth <= sectionDepth) sectionDepth = undefined;
      if (sectionDepth === undefined && section.test(plainText(node))) sectionDepth = node.depth;
      continue;
    }
    if (sectionDepth === undefined || node.type !== 'list') continue;
    for (const item of node.children) {
      const task = taskOf(item, markdown, options.owners ?? 'at');
      if (task) tasks.push(task);
    }
  }
  return tasks;
}

function taskOf(item: ListItem, markdown: string, owners: OwnerStyle): TaskItem | undefined {
  if (typeof item.checked !== 'boolean') return undefined;
  const paragraph = item.children.find((n): n is Paragraph => n.type === 'paragraph');
  const start = paragraph?.position?.start.offset;
  const end = paragraph?.position?.end.offset;
  if (start === undefined || end === undefined) return undefined;
  // The source as written keeps the authors' inline code and links in the follow-up's text.
  const source = oneLine(markdown.slice(start, end));
  const input = parseTaskText(source, owners);
  if (!input.text) return undefined;
  return { ...input, checked: item.checked, source, line: paragraph!.position!.start.line };
}

function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  return 'children' in node ? (node.children as Nodes[]).map(plainText).join('') : '';
}

/** The documents follow-ups are written into by hand. */
export type FollowUpDocument = 'postmortem' | 'export';

/** What a saved document adds, and what it had to leave out. */
export interface NewFollowUps {
  added: FollowUpInput[];
  /** Items that could not be follow-ups (a bad due date…), with the reason. */
  rejected: Array<{ line: number; text: string; reason: string }>;
}

/**
 * The unchecked task items that people wrote into a document and the journal does not have yet:
 * the follow-ups section of a saved postmortem (owners `@lee`), or the task list of an earlier
 * export (owners bare, `— Lee`). A text the journal ever had (done or removed included) is not
 * added again, nor the same text twice from one document, nor the generated stand-in item.
 */
export function newFollowUpsIn(
  incident: Incident,
  markdown: string,
  document: FollowUpDocument = 'postmortem',
): NewFollowUps {
  const known = addedTexts(incident);
  known.push(PLACEHOLDER_TASK);
  // The lines the document was generated with, matched whole: an owner the rules of today
  // would refuse ("Lee, Sam") does not read back, and must not make its line look new.
  const generated = incident.followUps.map((followUp) => writtenLine(followUp, document));
  const added: FollowUpInput[] = [];
  const rejected: NewFollowUps['rejected'] = [];
  const tasks =
    document === 'export'
      ? followUpTasks(markdown, { section: EXPORT_TASK_SECTION, owners: 'bare' })
      : followUpTasks(markdown);
  for (const task of tasks) {
    if (task.checked) continue;
    if (generated.some((line) => sameFollowUpText(line, task.source))) continue;
    if (known.some((text) => sameFollowUpText(text, task.text))) continue;
    try {
      added.push(checkFollowUp(task));
      known.push(task.text);
    } catch (error) {
      if (!(error instanceof FollowUpInputError)) throw error;
      rejected.push({ line: task.line, text: task.text, reason: error.message });
    }
  }
  return { added, rejected };
}

// ---------------------------------------------------------------------------------------------
// The Markdown export

/** Where the export's header links; each line is left out when unknown. */
export interface ExportLinks {
  /** The postmortem, relative to the exported file or absolute. */
  postmortem?: string;
}

/**
 * The follow-ups of an incident as a Markdown document: the incident's title, its links
 * (postmortem, Slack channel, PagerDuty, status page) and the 48-hour deadline, then one task
 * line per follow-up. Deterministic for a journal, so an export diffs cleanly in git.
 */
export function renderFollowUpsMarkdown(
  incident: Incident,
  options: { timeZone: string; links?: ExportLinks },
): string {
  const tz = options.timeZone;
  const out: string[] = [`# Follow-ups: ${oneLine(incident.title)}`, ''];
  const resolved = incident.resolvedAt
    ? `resolved ${formatTime(incident.resolvedAt, tz)} (${tz})`
    : incident.status;
  out.push(`Incident \`${incident.id}\` · ${incident.severity} · ${resolved}.`);
  const deadline = followUpDeadline(incident);
  if (deadline)
    out.push(`Due within 48 hours of resolution: by ${formatTime(deadline, tz)} (${tz}).`);
  out.push('');

  const links: string[] = [];
  const postmortem = options.links?.postmortem;
  if (postmortem)
    links.push(`- Postmortem: [${postmortem.split('/').at(-1)}](${encodeURI(postmortem)})`);
  if (incident.slack)
    links.push(
      `- Slack: ${linked(`#${incident.slack.channelName ?? incident.slack.channelId}`, incident.slack.url)}`,
    );
  if (incident.pagerduty) {
    const { number, incidentId, url } = incident.pagerduty;
    links.push(`- PagerDuty: ${linked(number ? `#${number}` : incidentId, url)}`);
  }
  if (incident.statusPage)
    links.push(`- Status page: ${linked(incident.statusPage.incidentId, incident.statusPage.url)}`);
  if (links.length) out.push(...links, '');

  out.push('## Tasks', '');
  if (incident.followUps.length === 0) out.push('No follow-ups were recorded.');
  for (const followUp of incident.followUps) out.push(taskLine(followUp, 'export'));
  out.push('');
  return out.join('\n');
}

function linked(text: string, url: string | undefined): string {
  return url ? `[${text}](${url})` : text;
}

/** The export's task section. */
export const EXPORT_TASK_SECTION = /^tasks$/i;

/**
 * Follow-ups still open in the journal that an earlier export's file has ticked `[x]`: someone
 * ticked them there, and exporting again must not untick them. A ticked line is the follow-up's
 * when it is the line the export wrote for it, or when its text reads the same once the owner,
 * due date and issue link are taken off (the line was edited after the export).
 */
export function tickedInExport(incident: Incident, exported: string): FollowUp[] {
  const ticked = followUpTasks(exported, { section: EXPORT_TASK_SECTION, owners: 'bare' }).filter(
    (task) => task.checked,
  );
  return incident.followUps.filter(
    (followUp) =>
      !followUp.done &&
      ticked.some(
        (task) =>
          sameFollowUpText(task.source, writtenLine(followUp, 'export')) ||
          sameFollowUpText(task.text, followUp.text),
      ),
  );
}
