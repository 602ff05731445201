import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import type { Incident } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { resolveIncident, type IncidentArgument } from '../commands/pickIncident';

/** `{ incidentId, reason }` stops without prompts. */
export type StopWatchArgument = IncidentArgument & { reason?: string };

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
  await store.append(incident.id, {
    type: 'status.changed',
    status: 'identified',
    note: `Monitoring watch stopped: ${reason.trim()}`,
    by: userInfo().username,
  });
  return incident.id;
}
