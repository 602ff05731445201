import * as vscode from 'vscode';

import type { Incident } from '../../incident/model';
import { SETTINGS_SECTION } from '../ids';
import { dashboardUrl, type Dashboard } from './dashboardUrl';

/** `FreeLMS: Open Dashboard`: Grafana or Jaeger from settings, at the incident's time window. */
export async function openDashboard(
  incident: Incident,
  which?: Dashboard,
  open = true,
): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const configured = (['grafana', 'jaeger'] as const)
    .map((dashboard) => ({ dashboard, base: config.get<string>(`dashboards.${dashboard}Url`, '') }))
    .filter((entry) => entry.base);
  if (configured.length === 0) {
    const choice = await vscode.window.showWarningMessage(
      'No dashboard is configured: set freelms.dashboards.grafanaUrl or freelms.dashboards.jaegerUrl.',
      'Open Settings',
    );
    if (choice)
      void vscode.commands.executeCommand('workbench.action.openSettings', 'freelms.dashboards');
    return undefined;
  }
  const entry =
    configured.find((candidate) => candidate.dashboard === which) ??
    (configured.length === 1 && !which
      ? configured[0]
      : (
          await vscode.window.showQuickPick(
            configured.map((candidate) => ({
              label: candidate.dashboard === 'grafana' ? 'Grafana' : 'Jaeger',
              candidate,
            })),
            { title: 'Open which dashboard?' },
          )
        )?.candidate);
  if (!entry) return undefined;
  let url: string;
  try {
    url = dashboardUrl(entry.base, entry.dashboard, incident, new Date());
  } catch {
    void vscode.window.showErrorMessage(
      `freelms.dashboards.${entry.dashboard}Url is not a valid URL: ${entry.base}`,
    );
    return undefined;
  }
  // `open: false` gives a script the link (to paste in the channel, say) without a browser.
  if (open) await vscode.env.openExternal(vscode.Uri.parse(url));
  return url;
}
