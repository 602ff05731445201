import * as vscode from 'vscode';

import type { ChecklistPhase, ItemState } from '../../incident/checklist';
import { formatTime } from '../../incident/describe';
import type { FollowUp, Incident } from '../../incident/model';
import { postIncidentDeadline, postIncidentPhase } from '../../incident/postIncident';
import { stepAction } from './postIncidentNotifier';

/** The Incidents view's rows for what comes after an incident. */
export type FollowThroughNode =
  | { kind: 'postIncident'; incident: Incident }
  | { kind: 'deadline'; incident: Incident }
  | { kind: 'postIncidentStep'; incident: Incident; item: ItemState }
  | { kind: 'followUps'; incident: Incident }
  | { kind: 'followUp'; incident: Incident; followUp: FollowUp };

export const FOLLOW_THROUGH_KINDS: ReadonlySet<string> = new Set<FollowThroughNode['kind']>([
  'postIncident',
  'deadline',
  'postIncidentStep',
  'followUps',
  'followUp',
]);

/** What the rows read when drawn, so a changed setting or an hour passing shows at once. */
export interface RowContext {
  checklist(): ChecklistPhase[];
  timeZone(): string;
  now(): Date;
}

const { Expanded, None } = vscode.TreeItemCollapsibleState;

/**
 * The sections an incident starts with: a resolved one its post-incident checklist and its
 * follow-ups; an active one its follow-ups once it has some.
 */
export function followThroughSections(incident: Incident): FollowThroughNode[] {
  if (incident.status === 'resolved')
    return [
      { kind: 'postIncident', incident },
      { kind: 'followUps', incident },
    ];
  return incident.followUps.length ? [{ kind: 'followUps', incident }] : [];
}

export function followThroughChildren(
  node: FollowThroughNode,
  context: RowContext,
): FollowThroughNode[] {
  const { incident } = node;
  if (node.kind === 'postIncident') {
    const phase = postIncidentPhase(context.checklist(), incident, context.now());
    return [
      { kind: 'deadline', incident },
      ...(phase?.items ?? []).map((item) => ({
        kind: 'postIncidentStep' as const,
        incident,
        item,
      })),
    ];
  }
  if (node.kind === 'followUps')
    return incident.followUps.map((followUp) => ({ kind: 'followUp', incident, followUp }));
  return [];
}

export function followThroughItem(node: FollowThroughNode, context: RowContext): vscode.TreeItem {
  switch (node.kind) {
    case 'postIncident':
      return postIncidentItem(node.incident, context);
    case 'deadline':
      return deadlineItem(node.incident, context);
    case 'postIncidentStep':
      return stepItem(node.incident, node.item, context);
    case 'followUps': {
      const { followUps } = node.incident;
      const item = new vscode.TreeItem('Follow-ups', followUps.length ? Expanded : None);
      item.id = `${node.incident.id}:followUps`;
      item.iconPath = new vscode.ThemeIcon('tasklist');
      item.description = followUps.length
        ? `${followUps.filter((f) => f.done).length}/${followUps.length} done`
        : 'none yet';
      item.contextValue = 'followUps';
      return item;
    }
    case 'followUp':
      return followUpItem(node.incident, node.followUp, context);
  }
}

function postIncidentItem(incident: Incident, context: RowContext): vscode.TreeItem {
  const now = context.now();
  const phase = postIncidentPhase(context.checklist(), incident, now);
  const deadline = postIncidentDeadline(incident, now, context.timeZone());
  const item = new vscode.TreeItem(phase?.title ?? 'Post-Incident', Expanded);
  item.id = `${incident.id}:postIncident`;
  const ticked = phase?.items.filter((entry) => entry.ticked).length ?? 0;
  const total = phase?.items.length ?? 0;
  const done = phase?.done ?? false;
  item.description = done
    ? `${ticked}/${total} done`
    : `${ticked}/${total} · ${deadline?.text ?? ''}`;
  item.iconPath = done
    ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'))
    : deadline?.overdue
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'))
      : new vscode.ThemeIcon('checklist');
  return item;
}

function deadlineItem(incident: Incident, context: RowContext): vscode.TreeItem {
  const now = context.now();
  const deadline = postIncidentDeadline(incident, now, context.timeZone());
  const done = postIncidentPhase(context.checklist(), incident, now)?.done ?? false;
  const text = deadline?.text ?? 'due 48 hours after resolution';
  const item = new vscode.TreeItem(text.charAt(0).toUpperCase() + text.slice(1), None);
  item.id = `${incident.id}:postIncident:deadline`;
  item.description = deadline?.byText;
  item.tooltip = 'The runbook gives the post-incident steps 48 hours from resolution.';
  item.iconPath =
    deadline?.overdue && !done
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'))
      : new vscode.ThemeIcon('watch');
  return item;
}

function stepItem(incident: Incident, step: ItemState, context: RowContext): vscode.TreeItem {
  const item = new vscode.TreeItem(step.title, None);
  item.id = `${incident.id}:postIncident:${step.id}`;
  item.iconPath = new vscode.ThemeIcon(step.ticked ? 'pass' : 'circle-large-outline');
  if (step.tickedAt) item.description = formatTime(step.tickedAt, context.timeZone());
  const action = stepAction(step);
  item.tooltip = step.ticked ? `${step.title}: done` : `${step.title}: ${action.label}`;
  // Which inline button the step gets: `postIncident.step.<rule>.<open|done>`.
  item.contextValue = `postIncident.step.${step.rule ?? 'other'}.${step.ticked ? 'done' : 'open'}`;
  return item;
}

function followUpItem(
  incident: Incident,
  followUp: FollowUp,
  context: RowContext,
): vscode.TreeItem {
  const item = new vscode.TreeItem(followUp.text, None);
  item.id = `${incident.id}:followUp:${followUp.id}`;
  const today = formatTime(context.now().toISOString(), context.timeZone(), 'yyyy-MM-dd');
  const late = !followUp.done && followUp.due !== undefined && followUp.due < today;
  item.description = [
    followUp.owner,
    followUp.due && `due ${followUp.due}${late ? ' (overdue)' : ''}`,
    followUp.issueUrl && issueLabel(followUp.issueUrl),
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = followUp.done
    ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
    : late
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'))
      : new vscode.ThemeIcon('circle-large-outline');
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendText(followUp.text);
  if (followUp.issueUrl) tooltip.appendMarkdown(`\n\n[Issue](${followUp.issueUrl})`);
  item.tooltip = tooltip;
  item.contextValue = followUp.done ? 'followUp.done' : 'followUp.open';
  return item;
}

function issueLabel(url: string): string {
  const number = /\/issues\/(\d+)$/.exec(url)?.[1];
  return number ? `#${number}` : 'issue';
}
