import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import type { IncidentStore } from '../../incident/store';
import type { SnapshotMeasurement } from '../../incident/verify';
import { measureSnapshot } from '../../platform/serviceSnapshot';
import type { ClusterSession } from '../cluster/clusterSession';
import { SETTINGS_SECTION } from '../ids';
import { connectionOf, me } from '../mitigation/shared';

/** What taking a snapshot needs from the extension. */
export interface SnapshotDeps {
  store: IncidentStore;
  cluster: ClusterSession;
  log: Log;
}

/** A snapshot of the services with the health URL of the settings and the shared cluster. */
export function takeSnapshot(
  deps: SnapshotDeps,
  services: readonly string[],
  signal?: AbortSignal,
): Promise<SnapshotMeasurement> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return measureSnapshot({
    services,
    healthUrl: config.get<string>('health.url', ''),
    connection: () => connectionOf(deps.cluster),
    log: deps.log,
    signal,
  });
}

/**
 * The hook every way of declaring calls with the new incident's id: it measures the affected
 * services in the background and records them as the baseline Verify Fix compares with. The
 * declaration and its deliveries never wait for it; a baseline that cannot be recorded is
 * logged and Verify Fix says it had nothing to compare with.
 */
export function baselineRecorder(deps: SnapshotDeps): (incidentId: string) => void {
  const record = async (incidentId: string) => {
    const incident = await deps.store.get(incidentId);
    if (!incident) throw new Error('the incident journal could not be read');
    const measurement = await takeSnapshot(deps, incident.services);
    await deps.store.append(incidentId, {
      type: 'snapshot.taken',
      purpose: 'declaration',
      ...measurement,
      by: me(),
    });
  };
  return (incidentId) => {
    void record(incidentId).catch((error: unknown) =>
      deps.log.error(`no baseline for ${incidentId}: ${(error as Error).message}`),
    );
  };
}
