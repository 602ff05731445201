import * as vscode from 'vscode';

import { withoutLinks } from '../../common/notificationText';

import type { Incident, WatchEndedEvent, WatchRegressedEvent } from '../../incident/model';
import { leaveMonitoringDecision, staleText } from '../../incident/leaveMonitoring';
import type { IncidentStore } from '../../incident/store';
import { minutesText } from '../../incident/watch';
import { Commands } from '../ids';
import { showError } from '../mitigation/shared';
import { clockTime } from '../settings';
import { reopenMitigation } from './stopWatchCommand';
import type { WatchAlerts } from './watchService';

const REOPEN = 'Reopen Mitigation';
const SHOW_LOGS = 'Show Logs';
const SHOW_DETAILS = 'Show Details';
const RESOLVE = 'Resolve Incident';
const VERIFY_FIX = 'Verify Fix';
const WATCH_AGAIN = 'Watch Again';

/** The service named by a regression's problems (`pods:api-gateway`), for Show Logs. */
function serviceOf(event: WatchRegressedEvent): string | undefined {
  const key = event.problems?.find((problem) => /^(pods|ready):/.test(problem));
  return key?.slice(key.indexOf(':') + 1);
}

/**
 * Runs a notification button's action: a button clicked long after its notification appeared
 * has no caller left to see a failure, so it is shown here, naming the button, the incident
 * and what to do instead.
 */
async function onButton(
  button: string,
  incident: Incident,
  instead: string,
  action: () => Thenable<unknown>,
): Promise<void> {
  try {
    await action();
  } catch (error) {
    showError(
      `${button} did not complete for ${incident.id}: ${(error as Error).message}. ${instead}`,
    );
  }
}

/**
 * The watch's notifications: a regression at once, as a warning with the way back to
 * mitigation one click away; the end with the offer to resolve when it was clean. Shown by the
 * window that journaled the event, so two windows do not both ask. A button decides on the
 * journal as it is when clicked, not as it was when the notification appeared.
 */
export const watchAlerts = (store: IncidentStore): WatchAlerts => ({
  regressed(incident: Incident, event: WatchRegressedEvent): void {
    const service = serviceOf(event);
    const actions = service ? [REOPEN, SHOW_LOGS, SHOW_DETAILS] : [REOPEN, SHOW_DETAILS];
    const text = withoutLinks(
      `${incident.severity} ${incident.title}: regression during monitoring. ${event.summary}`,
    );
    void vscode.window.showWarningMessage(text, ...actions).then(async (choice) => {
      if (choice === REOPEN) {
        await onButton(
          REOPEN,
          incident,
          'Run FreeLMS: Stop Monitoring Watch or Update Status to move it back to identified.',
          () => reopenMitigation(store, incident.id, event),
        );
      } else if (choice === SHOW_LOGS && service) {
        await onButton(SHOW_LOGS, incident, `Run FreeLMS: Show Logs for ${service}.`, () =>
          vscode.commands.executeCommand(Commands.showLogs, { deployment: service }),
        );
      } else if (choice === SHOW_DETAILS) {
        await onButton(SHOW_DETAILS, incident, 'Open it from the Incidents view.', () =>
          vscode.commands.executeCommand(Commands.revealIncident, incident.id),
        );
      }
    });
  },

  ended(incident: Incident): void {
    const watch = incident.watch;
    if (!watch) return;
    if (watch.clean) {
      const text = withoutLinks(
        `${incident.severity} ${incident.title}: ${minutesText(watch.minutes)} of monitoring ` +
          'without a regression. Resolve the incident?',
      );
      void vscode.window.showInformationMessage(text, RESOLVE).then(async (choice) => {
        if (choice === RESOLVE)
          await onButton(
            RESOLVE,
            incident,
            'Run FreeLMS: Resolve Incident again (anything you typed is filled in).',
            async () => {
              // Offered for this clean watch: not once a newer watch or a status change followed.
              const fresh = await store.get(incident.id);
              const decision =
                fresh && leaveMonitoringDecision(fresh, watch.id, { running: false });
              if (fresh && decision && !decision.act) {
                void vscode.window.showInformationMessage(
                  `Not resolving from this notification: ${staleText(fresh, decision.why, clockTime)}. ` +
                    'Check the incident, then run FreeLMS: Resolve Incident.',
                );
                return;
              }
              await vscode.commands.executeCommand(Commands.resolveIncident, {
                incidentId: incident.id,
              });
            },
          );
      });
      return;
    }
    const count = watch.regressions.length;
    const text = withoutLinks(
      `${incident.severity} ${incident.title}: the monitoring watch ended with ${count} ` +
        `regression${count === 1 ? '' : 's'} (last: ${watch.regressions.at(-1)?.summary}). ` +
        'Fix and monitor again before resolving.',
    );
    void vscode.window.showWarningMessage(text, SHOW_DETAILS).then(async (choice) => {
      if (choice === SHOW_DETAILS)
        await onButton(SHOW_DETAILS, incident, 'Open it from the Incidents view.', () =>
          vscode.commands.executeCommand(Commands.revealIncident, incident.id),
        );
    });
  },
  /**
   * An end no round measured to its end: it found no regression, but nothing says the fix held,
   * so there is no offer to resolve; Verify Fix measures the services now.
   */
  unobserved(incident: Incident, event: WatchEndedEvent): void {
    const text = withoutLinks(
      `${incident.severity} ${incident.title}: the monitoring watch ended without a measurement ` +
        `of its end (${event.summary}), so it cannot say the fix held. Run Verify Fix, or ` +
        'watch again, before resolving.',
    );
    const instead = 'Run it from the palette, or open the incident from the Incidents view.';
    void vscode.window
      .showWarningMessage(text, VERIFY_FIX, WATCH_AGAIN, SHOW_DETAILS)
      .then(async (choice) => {
        if (choice === VERIFY_FIX)
          await onButton(VERIFY_FIX, incident, instead, () =>
            vscode.commands.executeCommand(Commands.verifyFix, { incidentId: incident.id }),
          );
        else if (choice === WATCH_AGAIN)
          await onButton(WATCH_AGAIN, incident, instead, () =>
            vscode.commands.executeCommand(Commands.updateStatus, {
              incidentId: incident.id,
              status: 'monitoring',
              note: `Watching again: the last watch ended unobserved (${event.summary})`,
              watchId: event.watchId,
            }),
          );
        else if (choice === SHOW_DETAILS)
          await onButton(SHOW_DETAILS, incident, instead, () =>
            vscode.commands.executeCommand(Commands.revealIncident, incident.id),
          );
      });
  },
});
