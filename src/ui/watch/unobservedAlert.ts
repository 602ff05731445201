import * as vscode from 'vscode';

import { withoutLinks } from '../../common/notificationText';

import type { Incident, WatchEndedEvent } from '../../incident/model';
import { Commands } from '../ids';

const VERIFY_FIX = 'Verify Fix';
const WATCH_AGAIN = 'Watch Again';
const SHOW_DETAILS = 'Show Details';

/**
 * The end of a watch no round measured to its end (VS Code closed, the VPN down): it found no
 * regression, but nothing says the fix held, so there is no offer to resolve; Verify Fix
 * measures the services now. Shown by the window that journaled the end.
 */
export function unobservedWatchAlert(incident: Incident, event: WatchEndedEvent): void {
  const text = withoutLinks(
    `${incident.severity} ${incident.title}: the monitoring watch ended without a measurement ` +
      `of its end (${event.summary}), so it cannot say the fix held. Run Verify Fix, or ` +
      'watch again, before resolving.',
  );
  const actions = [VERIFY_FIX, WATCH_AGAIN, SHOW_DETAILS];
  void vscode.window.showWarningMessage(text, ...actions).then(async (choice) => {
    if (choice === VERIFY_FIX) {
      await vscode.commands.executeCommand(Commands.verifyFix, { incidentId: incident.id });
    } else if (choice === WATCH_AGAIN) {
      await vscode.commands.executeCommand(Commands.updateStatus, {
        incidentId: incident.id,
        status: 'monitoring',
        note: `Watching again: the last watch ended unobserved (${event.summary})`,
      });
    } else if (choice === SHOW_DETAILS) {
      await vscode.commands.executeCommand(Commands.revealIncident, incident.id);
    }
  });
}
