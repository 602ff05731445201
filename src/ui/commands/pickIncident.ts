import * as vscode from 'vscode';

import type { Incident } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { bySeverity } from '../incidents/clock';

/**
 * What a command may be handed to say which incident it is for: an argument object with
 * `incidentId` (keybindings, tasks, tests), a row of the Incidents view, or nothing.
 */
export type IncidentArgument =
  { incidentId?: string } | { kind: string; incident?: Incident } | undefined;

/**
 * The incident a command acts on: the one named by its argument, else the only active one,
 * else the responder picks among the active ones (most severe first). Undefined when there is
 * none or the pick was dismissed; the user has been told which.
 */
export async function resolveIncident(
  store: IncidentStore,
  argument: IncidentArgument,
  options: { includeResolved?: boolean } = {},
): Promise<Incident | undefined> {
  if (argument && 'incident' in argument && argument.incident)
    return store.get(argument.incident.id);
  if (argument && 'incidentId' in argument && argument.incidentId) {
    const incident = await store.get(argument.incidentId);
    if (!incident)
      void vscode.window.showErrorMessage(`No incident ${argument.incidentId} in ${store.folder}.`);
    return incident;
  }
  const incidents = (await store.list())
    .filter((incident) => options.includeResolved || incident.status !== 'resolved')
    .sort(bySeverity);
  if (incidents.length === 0) {
    void vscode.window.showInformationMessage('There is no active incident. Declare one first.');
    return undefined;
  }
  if (incidents.length === 1) return incidents[0];
  const picked = await vscode.window.showQuickPick(
    incidents.map((incident) => ({
      label: `${incident.severity} ${incident.title}`,
      description: incident.status,
      detail: incident.id,
      incident,
    })),
    { title: 'Which incident?', matchOnDetail: true },
  );
  return picked?.incident;
}
