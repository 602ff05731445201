import type { Heading, Nodes } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';

import {
  checklistFromMarkdown,
  evaluateChecklist,
  type ItemState,
  type PhaseKind,
} from './checklist';
import { redact } from '../common/log';
import type { Incident } from './model';
import { repairMojibake } from './mojibake';
import { parseRunbook } from './runbook';

/** A phase heading of a runbook file, where a note about that phase goes. */
export interface PhaseHeading {
  /** The heading without `Phase n:` and time box: `Mitigation`. */
  title: string;
  /** As written: `Phase 3: Mitigation (15-60 min)`. */
  heading: string;
  /** 1-based line of the heading's end, in the file as it is on disk. */
  endLine: number;
  /** Length of that line, for a heading on the file's last line. */
  endColumn: number;
}

/**
 * The phase headings of a runbook, with their place in the file. The phases are the checklist's
 * (`parseRunbook`); the places come from parsing the file as it is, since the parser's copy has
 * its emoji repaired and so different offsets.
 */
export function phaseHeadings(markdown: string): PhaseHeading[] {
  const phases = parseRunbook(markdown).phases;
  const tree = fromMarkdown(markdown.replace(/^\uFEFF/, ''));
  const headings: PhaseHeading[] = [];
  for (const node of tree.children) {
    if (node.type !== 'heading' || !node.position) continue;
    const text = repairMojibake(textOf(node)).trim();
    const phase = phases.find((candidate) => candidate.heading === text);
    if (!phase || headings.some((h) => h.heading === text)) continue;
    headings.push({
      title: phase.title,
      heading: text,
      endLine: node.position.end.line,
      endColumn: node.position.end.column - 1,
    });
  }
  return headings;
}

function textOf(node: Heading | Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  return 'children' in node ? (node.children as Nodes[]).map(textOf).join('') : '';
}

/** The heading a phase name means: its title, its heading, or its kind (`mitigation`). */
export function findPhaseHeading(
  headings: readonly PhaseHeading[],
  phase: string,
): PhaseHeading | undefined {
  const wanted = phase.trim().toLowerCase();
  return (
    headings.find((h) => h.title.toLowerCase() === wanted) ??
    headings.find((h) => h.heading.toLowerCase() === wanted) ??
    headings.find((h) => h.title.toLowerCase().startsWith(wanted)) ??
    headings.find((h) => h.title.toLowerCase().includes(wanted))
  );
}

/**
 * The phase an incident found lacking: the first phase before post-incident with a step left
 * open, else the mitigation phase, else the first. Returned as its title.
 */
export function lackingPhase(
  markdown: string,
  incident: Incident,
  now: Date,
): { title: string; open: ItemState[] } | undefined {
  const { phases } = checklistFromMarkdown(markdown);
  const states = evaluateChecklist(phases, incident, now);
  const isBefore = (kind: PhaseKind) => kind !== 'postIncident';
  const lacking =
    states.find((state) => isBefore(state.kind) && !state.done) ??
    states.find((state) => state.kind === 'mitigation') ??
    states[0];
  return lacking && { title: lacking.title, open: lacking.items.filter((i) => !i.ticked) };
}

/** What happened and what was missing, as the note's default text. */
export function defaultRunbookNote(incident: Incident, open: readonly ItemState[]): string {
  const what = incident.rootCause ?? incident.summary ?? incident.description ?? incident.title;
  const missing = open.length
    ? `Steps left open: ${open.map((item) => item.title).join('; ')}`
    : 'What step was missing here?';
  return `${incident.title}: ${what}. ${missing}`;
}

/**
 * The HTML comment put under the phase's heading: `<!-- FreeLMS <id>, <date>: <note> -->`,
 * on one line, with no `--` inside (which would end or break the comment) and no secret.
 */
export function runbookComment(incidentId: string, date: string, note: string): string {
  // The runbook is a team file kept in git: a token pasted into the note stays out of it.
  const safe = redact(note).replace(/\s+/g, ' ').replace(/-{2,}/g, '—').replace(/-?>$/, '').trim();
  return `<!-- FreeLMS ${incidentId}, ${date}: ${safe} -->`;
}

/** Where and what to insert so the comment is the line right under the heading. */
export function commentInsertion(
  markdown: string,
  heading: PhaseHeading,
  comment: string,
): { line: number; character: number; text: string } {
  const lines = markdown.split(/\r?\n/);
  const eol = markdown.includes('\r\n') ? '\r\n' : '\n';
  // 0-based: the line after the heading, when there is one.
  if (heading.endLine < lines.length)
    return { line: heading.endLine, character: 0, text: `${comment}${eol}` };
  return { line: heading.endLine - 1, character: heading.endColumn, text: `${eol}${comment}` };
}
