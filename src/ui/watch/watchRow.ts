import * as vscode from 'vscode';

import { formatTime } from '../../incident/describe';
import type { Incident } from '../../incident/model';
import {
  minutesText,
  watchRowText,
  watchShortText,
  type WatchProgress,
} from '../../incident/watch';

/** Where the Incidents view learns how the running watches are going. */
export interface WatchSource {
  progress(watchId: string): WatchProgress | undefined;
  /** Fires with an incident id when its watch checked, or undefined each countdown tick. */
  onDidChange(listener: (incidentId: string | undefined) => void): vscode.Disposable;
}

/** The incident's watch row: the countdown while it runs, how it ended after. */
export function watchTreeItem(
  incident: Incident,
  now: Date,
  timeZone: string,
  progress: WatchProgress | undefined,
): vscode.TreeItem {
  const watch = incident.watch!;
  const item = new vscode.TreeItem(
    watchRowText(watch, now, timeZone, progress),
    vscode.TreeItemCollapsibleState.None,
  );
  item.id = `${incident.id}:watch`;
  item.contextValue = `watch.${watch.state}`;
  const regressed = watch.regressions.length > 0 || (progress?.lastProblems.length ?? 0) > 0;
  item.iconPath =
    watch.state === 'running'
      ? new vscode.ThemeIcon(
          regressed ? 'warning' : 'eye',
          regressed ? new vscode.ThemeColor('editorWarning.foreground') : undefined,
        )
      : new vscode.ThemeIcon(watch.clean ? 'pass' : 'eye-closed');

  const time = (iso: string) => formatTime(iso, timeZone, 'HH:mm:ss');
  const lines = [
    `Monitoring watch of ${minutesText(watch.minutes)}: ${time(watch.startedAt)} to ${time(watch.endsAt)}`,
    ...watch.regressions.map((event) => `Regressed at ${time(event.at)}: ${event.summary}`),
  ];
  if (watch.state === 'ended' && watch.outcome === 'unobserved') {
    lines.push(
      'No check measured its end (VS Code was closed, or nothing could be reached): it cannot ' +
        'say the fix held. Run Verify Fix, or watch again, before resolving.',
    );
  }
  if (watch.state === 'running' && progress) {
    const checks = progress.checksOk + progress.checksFailing + progress.checksUnmeasured;
    const nothing = progress.checksUnmeasured
      ? `, ${progress.checksUnmeasured} measured nothing`
      : '';
    lines.push(
      `Checked here ${checks} times, ${progress.checksOk} ok${nothing}` +
        (progress.lastCheckAt ? `, last at ${time(progress.lastCheckAt)}` : ''),
      ...progress.lastProblems.map((problem) => `Now: ${problem.text}`),
      ...progress.lastUnmeasured.map((line) => `Not measured: ${line}`),
    );
  }
  item.tooltip = lines.join('\n');
  return item;
}

/** The status bar while the incident's watch runs: `P1 · monitoring 23m left`. */
export function watchStatusText(
  incident: Incident,
  now: Date,
  timeZone: string,
): { text: string; tooltip: string; regressed: boolean } | undefined {
  const watch = incident.watch;
  if (watch?.state !== 'running') return undefined;
  const regressed = watch.regressions.length > 0;
  const last = watch.regressions.at(-1);
  return {
    text: `${regressed ? '$(warning)' : '$(eye)'} ${incident.severity} · ${watchShortText(watch, now)}`,
    tooltip:
      `${incident.title}\nmonitoring: the ${watch.minutes}-minute watch ends at ${formatTime(watch.endsAt, timeZone, 'HH:mm')}` +
      (last ? `\nregressed: ${last.summary}` : '') +
      '\nClick to show it in the Incidents view.',
    regressed,
  };
}
