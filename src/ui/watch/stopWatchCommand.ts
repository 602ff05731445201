import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import { appendOnce } from '../../incident/appendOnce';
import { leaveMonitoringDecision, staleText } from '../../incident/leaveMonitoring';
import type { Incident, NewEvent, WatchRegressedEvent } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { resolveIncident, type IncidentArgument } from '../commands/pickIncident';
import { clockTime } from '../settings';

/**
 * `{ incidentId, reason }` stops without prompts; `watchId` (the id of the event that started
 * the watch) stops only that watch, not one started after it.
 */
export type StopWatchArgument = IncidentArgument & { reason?: string; watchId?: string };

/** The incident named by the argument, else the one being watched, else the responder picks. */
async function watchedIncident(
  store: IncidentStore,
  argument: StopWatchArgument | undefined,
): Promise<Incident | undefined> {
  if (argument && ('incidentId' in argument || 'incident' in argument))
    return resolveIncident(store, argument);
  const watched = (await store.list()).filter((incident) => incident.watch?.state === 'running');
  if (watched.length <= 1) {
    if (watched.length === 0)
      void vscode.window.showInformationMessage('No incident has a monitoring watch running.');
    return watched[0];
  }
  const picked = await vscode.window.showQuickPick(
    watched.map((incident) => ({
      label: `${incident.severity} ${incident.title}`,
      detail: incident.id,
      incident,
    })),
    { title: 'Stop the monitoring watch of which incident?' },
  );
  return picked?.incident;
}

/**
 * `FreeLMS: Stop Monitoring Watch`: the fix did not hold, or monitoring started too soon. The
 * incident goes back to `identified` with the reason on its timeline, which ends the watch.
 * Returns the incident id, or undefined when nothing was written.
 */
export async function stopWatch(
  store: IncidentStore,
  argument?: StopWatchArgument,
): Promise<string | undefined> {
  const incident = await watchedIncident(store, argument);
  if (!incident) return undefined;
  if (incident.watch?.state !== 'running') {
    void vscode.window.showInformationMessage(
      `${incident.id} has no monitoring watch running (it is ${incident.status}).`,
    );
    return undefined;
  }
  const reason =
    argument?.reason ??
    (await vscode.window.showInputBox({
      title: `Stop monitoring ${incident.title}`,
      prompt: 'Why? The incident goes back to identified; the reason goes on the timeline',
      validateInput: (value) => (value.trim() ? undefined : 'Say why, or press Escape.'),
    }));
  if (!reason?.trim()) return undefined;
  // The reason took a while to type: the watch it stops must still be the one running.
  const watchId = argument?.watchId ?? incident.watch.id;
  const done = await leaveMonitoring(
    store,
    incident.id,
    watchId,
    { running: true },
    {
      type: 'status.changed',
      status: 'identified',
      note: `Monitoring watch stopped: ${reason.trim()}`,
      by: userInfo().username,
    },
  );
  return done ? incident.id : undefined;
}

/**
 * Reopen Mitigation on a regression alert: back to identified, which stops the watch, so the
 * runbook's mitigation options are next. Only if the alert's watch is still the incident's
 * and the incident is not resolved; otherwise the responder is told why nothing was done.
 */
export async function reopenMitigation(
  store: IncidentStore,
  incidentId: string,
  event: WatchRegressedEvent,
): Promise<string | undefined> {
  const done = await leaveMonitoring(
    store,
    incidentId,
    event.watchId,
    { running: false },
    {
      type: 'status.changed',
      status: 'identified',
      note: `Mitigation reopened after a regression: ${event.summary}`,
      by: userInfo().username,
    },
  );
  return done ? incidentId : undefined;
}

/** Appends `change` if the journal, read again under the lock, still wants it; says why not. */
async function leaveMonitoring(
  store: IncidentStore,
  incidentId: string,
  watchId: string,
  options: { running: boolean },
  change: NewEvent,
): Promise<boolean> {
  let why: Parameters<typeof staleText>[1] | undefined;
  const { written, incident } = await appendOnce(store, incidentId, (fresh) => {
    const decision = leaveMonitoringDecision(fresh, watchId, options);
    why = decision.act ? undefined : decision.why;
    return decision.act ? [change] : [];
  });
  if (written.length > 0) return true;
  const text =
    incident && why ? staleText(incident, why, clockTime) : `${incidentId} has no journal`;
  void vscode.window.showInformationMessage(`Nothing was changed: ${text}.`);
  return false;
}
