import * as vscode from 'vscode';

import { withoutLinks } from '../../common/notificationText';

import type { Incident, SnapshotTakenEvent } from '../../incident/model';
import { baselineOf, compareSnapshots, type Verification } from '../../incident/verify';
import { resolveIncident, type IncidentArgument } from '../commands/pickIncident';
import { Commands, Views } from '../ids';
import { me, showError } from '../mitigation/shared';
import { takeSnapshot, type SnapshotDeps } from './snapshots';

/** `{ incidentId?, quiet? }`, an Incidents view row, or nothing (then the incident is asked). */
export type VerifyArgument = IncidentArgument & { quiet?: boolean };

/** Runs a button's command, showing a failure: no caller is left to see it. */
function onButton(what: string, command: string, argument: unknown): void {
  void Promise.resolve(vscode.commands.executeCommand(command, argument)).catch((error: unknown) =>
    showError(`${what} did not complete: ${(error as Error).message}. Run it from the palette.`),
  );
}

/** What the responder is offered next: the logs of what still fails, or the smoke tests. */
function notify(incident: Incident, verification: Verification): void {
  const { title } = incident;
  const lines = verification.comparison.join('; ');
  if (verification.ok) {
    void vscode.window
      .showInformationMessage(
        withoutLinks(`Fix verified for "${title}": healthy. ${lines}`),
        'Run Smoke Tests',
      )
      .then((choice) => {
        // The smoke tests are recorded on this incident, whichever is most severe by then.
        if (choice)
          onButton(`Run Smoke Tests for ${incident.id}`, Commands.runSmokeTests, {
            incidentId: incident.id,
          });
      });
    return;
  }
  const service = verification.failingServices[0];
  const logs = service ? `Show Logs of ${service}` : undefined;
  const actions = [...(logs ? [logs] : []), 'Open Diagnostics'];
  void vscode.window
    .showWarningMessage(
      withoutLinks(`"${title}" is not healthy yet: ${verification.failing.join(', ')}. ${lines}`),
      ...actions,
    )
    .then((choice) => {
      if (choice && choice === logs)
        onButton(`Show Logs of ${service}`, Commands.showLogs, { deployment: service });
      if (choice === 'Open Diagnostics')
        onButton('Open Diagnostics', `${Views.diagnostics}.focus`, undefined);
    });
}

/**
 * `FreeLMS: Verify Fix`: measures the affected services again, compares them with the baseline
 * taken at declaration and writes the comparison to the timeline as a `verify` snapshot, whose
 * `ok` ticks the runbook's "Verify fix". Returns the appended event; undefined when no incident
 * was chosen or the measuring was cancelled (then nothing is written).
 */
export async function verifyFix(
  deps: SnapshotDeps,
  argument?: VerifyArgument,
): Promise<SnapshotTakenEvent | undefined> {
  const incident = await resolveIncident(deps.store, argument);
  if (!incident) return undefined;

  const abort = new AbortController();
  const measurement = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Verifying the fix: health, pods and errors of ${incident.services.join(', ') || 'the platform'}…`,
      cancellable: true,
    },
    (_progress, token) => {
      const subscription = token.onCancellationRequested(() => abort.abort());
      return takeSnapshot(deps, incident.services, abort.signal).finally(() =>
        subscription.dispose(),
      );
    },
  );
  if (abort.signal.aborted) return undefined;

  const verification = compareSnapshots(baselineOf(incident), measurement);
  let appended: SnapshotTakenEvent | undefined;
  try {
    const { written } = await deps.store.write(incident.id, {
      type: 'snapshot.taken',
      purpose: 'verify',
      ...measurement,
      comparison: verification.comparison,
      ok: verification.ok,
      by: me(),
    });
    appended = written[0] as SnapshotTakenEvent;
  } catch (error) {
    deps.log.error(`verify fix of ${incident.id} not recorded: ${(error as Error).message}`);
    showError(`The fix was measured but not recorded on the timeline: ${(error as Error).message}`);
    return undefined;
  }
  deps.log.info(
    `verify fix of ${incident.id}: ${verification.ok ? 'healthy' : 'not healthy'}; ` +
      verification.comparison.join('; '),
  );
  const quiet = argument && 'quiet' in argument && argument.quiet === true;
  if (!quiet) notify(incident, verification);
  return appended;
}
