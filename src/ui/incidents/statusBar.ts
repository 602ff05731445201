import * as vscode from 'vscode';

import type { TimerConfig } from '../../incident/timers';
import { Commands } from '../ids';
import { watchStatusText } from '../watch/watchRow';
import { clockText } from './clock';
import type { IncidentsTree } from './incidentsTree';

/**
 * The most severe active incident in the status bar, `P1 · 23m / 15m`, in the warning colour
 * once its response target is breached. Clicking it reveals the incident in the Incidents view.
 */
export class IncidentStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'freelms.incident',
    vscode.StatusBarAlignment.Left,
    100,
  );
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly tree: IncidentsTree,
    private readonly timers: () => TimerConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.item.name = 'FreeLMS Incident';
    this.subscription = tree.onDidChangeTreeData(() => this.update());
    this.update();
  }

  update(): void {
    const [incident] = this.tree.active;
    if (!incident) {
      this.item.hide();
      return;
    }
    const clock = clockText(incident, this.now(), this.timers().workingHours);
    const icon = clock.breached ? '$(warning)' : '$(flame)';
    this.item.text = `${icon} ${clock.text}`;
    this.item.tooltip = `${incident.title}\n${incident.status}: ${clock.detail}\nClick to show it in the Incidents view.`;
    this.item.backgroundColor = clock.breached
      ? new vscode.ThemeColor('statusBarItem.warningBackground')
      : undefined;
    // While the monitoring watch runs, its countdown is what the responder waits on.
    const watching = watchStatusText(incident, this.now(), this.timers().workingHours.timeZone);
    if (watching) {
      this.item.text = watching.text;
      this.item.tooltip = watching.tooltip;
      this.item.backgroundColor = watching.regressed
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    }
    this.item.command = {
      title: 'Show Incident',
      command: Commands.revealIncident,
      arguments: [incident.id],
    };
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
