import type * as vscode from 'vscode';

import type { ResolutionDeps } from '../followThrough/deps';

/** The monitoring watch: its checks, countdown, regression alerts and Stop Monitoring Watch. */
export function registerWatch(deps: ResolutionDeps): vscode.Disposable[] {
  void deps;
  return [];
}
