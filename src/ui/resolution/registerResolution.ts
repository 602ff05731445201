import * as vscode from 'vscode';

import type { ResolutionDeps } from '../followThrough/deps';
import { Commands } from '../ids';
import { runSmokeTests } from './smokeTestsCommand';
import { verifyFix, type VerifyArgument } from './verifyFixCommand';

/** An Incidents view row stands for its incident. */
function rowOf(argument: unknown): { incidentId: string } | undefined {
  const row = argument as { kind?: unknown; incident?: { id?: unknown } } | undefined;
  return typeof row?.kind === 'string' && typeof row.incident?.id === 'string'
    ? { incidentId: row.incident.id }
    : undefined;
}

/**
 * Registers Verify Fix and Run Smoke Tests. The baseline they compare with is taken at
 * declaration by `baselineRecorder`, which `extension.ts` hands to every way of declaring.
 */
export function registerResolution(deps: ResolutionDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.verifyFix, (argument?: VerifyArgument) =>
      verifyFix(deps, argument),
    ),
    vscode.commands.registerCommand(Commands.runSmokeTests, (argument?: unknown) =>
      runSmokeTests(deps, rowOf(argument) ?? argument),
    ),
  ];
}
