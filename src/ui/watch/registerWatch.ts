import * as vscode from 'vscode';

import type { ResolutionDeps } from '../followThrough/deps';
import { Commands } from '../ids';
import { stopWatch, type StopWatchArgument } from './stopWatchCommand';
import { unobservedWatchAlert } from './unobservedAlert';
import { watchAlerts } from './watchAlerts';
import { WatchService } from './watchService';

/** The monitoring watch: its checks, countdown, regression alerts and Stop Monitoring Watch. */
export function registerWatch(deps: ResolutionDeps): vscode.Disposable[] {
  const service = new WatchService({
    store: deps.store,
    cluster: deps.cluster,
    log: deps.log,
    alerts: watchAlerts,
    unobserved: unobservedWatchAlert,
  });
  deps.tree.attachWatch(service);
  // A watch that was running when the window closed resumes now, or ends if its time is up.
  void service.refresh();
  return [
    service,
    vscode.commands.registerCommand(Commands.stopWatch, (argument?: StopWatchArgument) =>
      stopWatch(deps.store, argument),
    ),
  ];
}
