import * as vscode from 'vscode';

import type { Credentials } from '../credentials';
import { Commands } from '../ids';
import { runCorrectiveQuery, type CorrectiveArgument } from './correctiveQuery';
import { toggleFeatureFlag, type FlagArgument } from './flagCommand';
import { rollbackDeployment } from './rollbackCommand';
import { scaleDeploymentCommand } from './scaleCommand';
import type { CommandDeps } from './shared';

/** Everything the mitigation commands need; `extension.ts` builds it once. */
export interface MitigationDeps extends CommandDeps {
  credentials: Credentials;
}

/** Registers Rollback, Scale, Toggle Feature Flag and Run Corrective Query. */
export function registerMitigationCommands(deps: MitigationDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.rollbackDeployment, (argument?: object) =>
      rollbackDeployment(deps, argument),
    ),
    vscode.commands.registerCommand(Commands.scaleDeployment, (argument?: object) =>
      scaleDeploymentCommand(deps, argument),
    ),
    vscode.commands.registerCommand(Commands.toggleFeatureFlag, (argument?: FlagArgument) =>
      toggleFeatureFlag(deps, argument),
    ),
    vscode.commands.registerCommand(Commands.runCorrectiveQuery, (argument?: CorrectiveArgument) =>
      runCorrectiveQuery(deps, argument),
    ),
  ];
}
