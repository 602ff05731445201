import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import { appendOnce } from '../../incident/appendOnce';
import {
  leaveMonitoringDecision,
  staleText,
  type StaleReason,
} from '../../incident/leaveMonitoring';
import {
  ROLE_TITLES,
  SEVERITIES,
  type Incident,
  type IncidentStatus,
  type Role,
  type Severity,
} from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { RESPONSE_TARGET_TEXT } from '../../incident/timers';
import { clockTime } from '../settings';
import { monitoringEvent, watchSettings } from '../watch/watchSettings';
import { resolveIncident, type IncidentArgument } from './pickIncident';

/*
 * The commands that record what happened: notes, roles, severity and status (resolving is in
 * `resolveCommand.ts`). Each takes an optional argument object so it can run without prompts
 * (keybindings, tasks, tests) and returns the incident id it wrote to, or undefined when
 * nothing was written. Prompts appear only for what the argument leaves out.
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

/**
 * Whether moving to `status` changes anything: another status, or monitoring again once the
 * watch ended (unobserved, say), which starts another watch.
 */
function changesStatus(incident: Incident, status: IncidentStatus): boolean {
  if (status !== incident.status) return true;
  return status === 'monitoring' && incident.watch?.state !== 'running';
}

export async function updateStatus(
  store: IncidentStore,
  argument?: WithIncident<{
    status: Exclude<IncidentStatus, 'resolved'>;
    note: string;
    /**
     * Act only while this watch is still the incident's and it is still monitoring: a button of
     * an alert about that watch (Watch Again) must not act on a newer state.
     */
    watchId: string;
  }>,
) {
  const incident = await resolveIncident(store, argument);
  if (!incident) return undefined;
  const offered = (status: IncidentStatus) => changesStatus(incident, status);
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
  const change =
    status === 'monitoring'
      ? monitoringEvent(argument?.note, me())
      : ({ type: 'status.changed', status, note: argument?.note, by: me() } as const);
  // Decided on the journal as it is now: the incident may have been resolved, or moved to this
  // status, since the pick; a resolved one would still post the change to Slack and PagerDuty.
  let stale: StaleReason | undefined;
  const { written, incident: now } = await appendOnce(store, incident.id, (fresh) => {
    const decision =
      argument?.watchId === undefined
        ? undefined
        : leaveMonitoringDecision(fresh, argument.watchId, { running: false });
    if (decision && !decision.act) stale = decision.why;
    return stale || fresh.status === 'resolved' || !changesStatus(fresh, status) ? [] : [change];
  });
  if (written.length === 0) {
    void vscode.window.showInformationMessage(
      now && stale
        ? `Nothing was changed: ${staleText(now, stale, clockTime)}.`
        : `Nothing was changed: ${incident.id} is already ${now?.status ?? 'gone'}.`,
    );
    return undefined;
  }
  return incident.id;
}
