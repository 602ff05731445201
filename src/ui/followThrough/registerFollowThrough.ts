import type * as vscode from 'vscode';

import type { ResolutionDeps } from './deps';

/** Follow-ups, their export, the postmortem review invitation and runbook notes. */
export function registerFollowThrough(deps: ResolutionDeps): vscode.Disposable[] {
  void deps;
  return [];
}
