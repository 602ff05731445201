import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import { appendOnce } from '../../incident/appendOnce';
import { formatTime } from '../../incident/describe';
import {
  ROLE_TITLES,
  SEVERITIES,
  type Incident,
  type IncidentStatus,
  type NewEvent,
  type ResolvedEvent,
  type Role,
  type Severity,
} from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { RESPONSE_TARGET_TEXT } from '../../incident/timers';
import { countdown, needsEarlyReason } from '../../incident/watch';
import { timeZone } from '../settings';
import { monitoringEvent, watchSettings } from '../watch/watchSettings';
import { resolveIncident, type IncidentArgument } from './pickIncident';

/*
 * The commands that record what happened: notes, roles, severity, status and resolution. Each
 * takes an optional argument object so it can run without prompts (keybindings, tasks, tests)
 * and returns the incident id it wrote to, or undefined when nothing was written. Prompts
 * appear only for what the argument leaves out.
 */

const me = () => userInfo().username;

type WithIncident<T> = IncidentArgument & Partial<T>;

export async function addNote(store: IncidentStore, argument?: WithIncident<{ text: string }>) {
  const incident = await resolveIncident(store, argument);
  if (!incident) return undefined;
  const text =
    argument?.text ??
    (await vscode.window.showInputBox({
      title: `Add a timeline note to ${incident.id}`,
      prompt: 'What happened, what was decided, what was seen',
      validateInput: (value) => (value.trim() ? undefined : 'Write the note, or press Escape.'),
    }));
  if (!text?.trim()) return undefined;
  await store.append(incident.id, { type: 'note', text: text.trim(), by: me() });
  return incident.id;
}

export async function assignRole(
  store: IncidentStore,
  argument?: WithIncident<{ role: Role; name: string }>,
) {
  const incident = await resolveIncident(store, argument);
  if (!incident) return undefined;
  const role =
    argument?.role ??
    (
      await vscode.window.showQuickPick(
        (Object.keys(ROLE_TITLES) as Role[]).map((key) => ({
          label: ROLE_TITLES[key],
          description: incident.roles[key] ?? 'unassigned',
          role: key,
        })),
        { title: `Assign a role in ${incident.id}` },
      )
    )?.role;
  if (!role) return undefined;
  const name =
    argument?.name ??
    (await vscode.window.showInputBox({
      title: `${ROLE_TITLES[role]} of ${incident.id}`,
      value: incident.roles[role] ?? '',
      prompt: 'Name of the responder',
      validateInput: (value) => (value.trim() ? undefined : 'Name the responder, or press Escape.'),
    }));
  if (!name?.trim()) return undefined;
  await store.append(incident.id, { type: 'role.assigned', role, name: name.trim(), by: me() });
  return incident.id;
}

export async function changeSeverity(
  store: IncidentStore,
  argument?: WithIncident<{ severity: Severity; reason: string }>,
) {
  const incident = await resolveIncident(store, argument);
  if (!incident) return undefined;
  const severity =
    argument?.severity ??
    (
      await vscode.window.showQuickPick(
        SEVERITIES.filter((candidate) => candidate !== incident.severity).map((candidate) => ({
          label: candidate,
          description: `respond ${candidate === 'P4' ? '' : 'within '}${RESPONSE_TARGET_TEXT[candidate]}`,
          severity: candidate,
        })),
        { title: `Change the severity of ${incident.id} (now ${incident.severity})` },
      )
    )?.severity;
  if (!severity || severity === incident.severity) return undefined;
  const reason =
    argument?.reason ??
    (await vscode.window.showInputBox({
      title: `Why ${severity}?`,
      prompt: 'Optional; it goes on the timeline',
    }));
  if (reason === undefined) return undefined;
  await store.append(incident.id, {
    type: 'severity.changed',
    severity,
    reason: reason.trim() || undefined,
    by: me(),
  });
  return incident.id;
}

const STATUSES: ReadonlyArray<{ status: Exclude<IncidentStatus, 'resolved'>; detail: string }> = [
  { status: 'investigating', detail: 'looking for the cause' },
  { status: 'identified', detail: 'the cause is known, a fix is being prepared' },
  { status: 'mitigated', detail: 'users are no longer affected' },
  { status: 'monitoring', detail: 'a fix is in; watching for %d minutes before resolving' },
];

export async function updateStatus(
  store: IncidentStore,
  argument?: WithIncident<{ status: Exclude<IncidentStatus, 'resolved'>; note: string }>,
) {
  const incident = await resolveIncident(store, argument);
  if (!incident) return undefined;
  // Monitoring whose watch ended (unobserved, say) can start another watch.
  const watchAgain = incident.status === 'monitoring' && incident.watch?.state !== 'running';
  const offered = (status: IncidentStatus) =>
    status !== incident.status || (watchAgain && status === 'monitoring');
  const status =
    argument?.status ??
    (
      await vscode.window.showQuickPick(
        STATUSES.filter((entry) => offered(entry.status)).map((entry) => ({
          label: entry.status,
          detail: entry.detail.replace('%d', String(watchSettings().minutes)),
          status: entry.status,
        })),
        { title: `Status of ${incident.id} (now ${incident.status})` },
      )
    )?.status;
  if (!status || !offered(status)) return undefined;
  // Moving to monitoring starts the watch, its length fixed in the journal from the settings.
  await store.append(
    incident.id,
    status === 'monitoring'
      ? monitoringEvent(argument?.note, me())
      : { type: 'status.changed', status, note: argument?.note, by: me() },
  );
  return incident.id;
}

/** A scripted Resolve during a running monitoring watch that did not say why it cannot wait. */
export class EarlyResolutionError extends Error {
  override readonly name = 'EarlyResolutionError';

  constructor(
    readonly incidentId: string,
    readonly endsAt: string,
    message: string,
  ) {
    super(message);
  }
}

/** `{ incidentId, summary, rootCause, impact?, earlyReason? }`: resolves without prompts. */
export type ResolveArgument = WithIncident<{
  summary: string;
  rootCause: string;
  /** Who was affected, how long, what data; the prompt starts from what the incident says. */
  impact: string;
  /** Required while the monitoring watch runs: why the incident cannot wait for its end. */
  earlyReason: string;
}>;

/**
 * Resolves the incident with its summary, root cause and impact. Before the monitoring watch
 * has ended the runbook's 30 minutes are cut short, so a reason is asked for and journaled; a
 * scripted call without one is refused (`EarlyResolutionError`) rather than resolving quietly.
 */
export async function resolveIncidentCommand(store: IncidentStore, argument?: ResolveArgument) {
  const incident = await resolveIncident(store, argument);
  if (!incident) return undefined;
  if (incident.status === 'resolved') {
    void vscode.window.showInformationMessage(`${incident.id} is already resolved.`);
    return undefined;
  }
  const early = needsEarlyReason(incident, new Date());
  const endsAt = incident.watch?.endsAt ?? '';
  const left = early ? `${countdown(Date.parse(endsAt) - Date.now())} left` : '';
  const scripted = argument?.summary !== undefined;
  if (scripted && early && !argument?.earlyReason?.trim()) {
    throw new EarlyResolutionError(
      incident.id,
      endsAt,
      `Not resolving ${incident.id}: its monitoring watch still has ${left} (until ` +
        `${endsAt}). Pass earlyReason to record why it cannot wait, or wait for the watch to end.`,
    );
  }
  if (!scripted) {
    const answer = await vscode.window.showWarningMessage(
      `Resolve ${incident.severity} "${incident.title}"?`,
      { modal: true, detail: resolveDetail(incident.status, left) },
      'Resolve',
    );
    if (answer !== 'Resolve') return undefined;
  }
  const summary =
    argument?.summary ??
    (await vscode.window.showInputBox({
      title: 'Resolution',
      prompt: 'What fixed it, in one line (optional)',
    }));
  if (summary === undefined) return undefined;
  const rootCause =
    argument?.rootCause ??
    (await vscode.window.showInputBox({
      title: 'Root cause',
      prompt: 'Brief, if known (optional)',
    }));
  if (rootCause === undefined) return undefined;
  const impact =
    argument?.impact ??
    (scripted
      ? ''
      : await vscode.window.showInputBox({
          title: 'Impact',
          value: incident.impact ?? incident.usersImpacted ?? '',
          prompt: 'Who was affected, for how long, and whether data was at risk (optional)',
        }));
  if (impact === undefined) return undefined;
  // A reason given while no watch runs would say something that did not happen; it is dropped.
  const earlyReason = early
    ? (argument?.earlyReason ??
      (await vscode.window.showInputBox({
        title: `Why resolve before the monitoring watch ends (${left})?`,
        prompt:
          `The watch runs ${incident.watch?.minutes} minutes after the fix; ` +
          'the reason goes on the timeline',
        validateInput: (value) =>
          value.trim() ? undefined : 'Say why it cannot wait, or press Escape.',
      })))
    : undefined;
  if (early && !earlyReason?.trim()) return undefined;
  const resolution = {
    type: 'resolved',
    summary: summary.trim() || undefined,
    rootCause: rootCause.trim() || undefined,
    impact: impact.trim() || undefined,
    earlyReason: earlyReason?.trim(),
    by: me(),
  } satisfies NewEvent;
  // Decided on the journal as it is now, under the incident's lock: another window may have
  // resolved it while these prompts were open, and Slack and PagerDuty hear of one resolution.
  const { written, incident: now } = await appendOnce(store, incident.id, (fresh) =>
    fresh.status === 'resolved' ? [] : [resolution],
  );
  if (written.length === 0) {
    offerAsNote(store, now ?? incident, resolution);
    return undefined;
  }
  return incident.id;
}

/**
 * The incident was resolved elsewhere first: says by whom and when, and offers to keep what was
 * typed here as a timeline note instead of a second resolution.
 */
function offerAsNote(
  store: IncidentStore,
  incident: Incident,
  resolution: Extract<NewEvent, { type: 'resolved' }>,
): void {
  const first = incident.events.find((event): event is ResolvedEvent => event.type === 'resolved');
  const who = first?.by ? ` by ${first.by}` : '';
  const when = first ? ` at ${formatTime(first.at, timeZone(), 'HH:mm')}` : '';
  const typed = [
    resolution.summary,
    resolution.rootCause && `root cause: ${resolution.rootCause}`,
    resolution.impact && `impact: ${resolution.impact}`,
  ].filter(Boolean);
  const actions = typed.length ? ['Add Mine as a Note'] : [];
  void vscode.window
    .showWarningMessage(
      `${incident.id} was resolved${who}${when} while you were resolving it: yours was not ` +
        'recorded or sent.',
      ...actions,
    )
    .then((choice) =>
      choice
        ? store.append(incident.id, {
            type: 'note',
            text: `Resolution also given: ${typed.join('; ')}`,
            by: resolution.by,
          })
        : undefined,
    )
    .then(undefined, (error: unknown) => {
      void vscode.window.showErrorMessage(
        `The note was not added to ${incident.id}: ${(error as Error).message}`,
      );
    });
}

function resolveDetail(status: IncidentStatus, left: string): string {
  if (left) {
    return `The monitoring watch still has ${left}. Resolving now ends it early: you will be asked why.`;
  }
  return status === 'monitoring'
    ? 'The fix is being monitored. Resolving ends the incident for everyone.'
    : `The incident is ${status}, not monitoring: the runbook asks for 30 minutes of monitoring first.`;
}
