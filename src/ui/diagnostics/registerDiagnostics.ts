import * as vscode from 'vscode';

import type { CheckKind } from '../../incident/model';
import { Commands, Views } from '../ids';
import type { MitigationDeps } from '../mitigation/registerMitigation';
import { initialAssessment, runCheck, type CheckArgument } from './diagnosticsCommands';
import { DiagnosticsTree } from './diagnosticsTree';

/**
 * The Diagnostics view and its commands: Run Health Check, Check Database, Redis Status, Kafka
 * Consumer Lag, Initial Assessment, and a row's click running its check again.
 */
export function registerDiagnostics(deps: MitigationDeps): vscode.Disposable[] {
  const tree = new DiagnosticsTree();
  const all = { ...deps, tree };
  const check = (kind: CheckKind) => (argument?: CheckArgument) => runCheck(all, kind, argument);
  return [
    tree,
    vscode.window.registerTreeDataProvider(Views.diagnostics, tree),
    vscode.commands.registerCommand(Commands.runHealthCheck, check('health')),
    vscode.commands.registerCommand(Commands.checkDatabase, check('database')),
    vscode.commands.registerCommand(Commands.redisStatus, check('redis')),
    vscode.commands.registerCommand(Commands.kafkaLag, check('kafka')),
    vscode.commands.registerCommand(Commands.initialAssessment, (argument?: CheckArgument) =>
      initialAssessment(all, argument),
    ),
    vscode.commands.registerCommand(
      Commands.rerunDiagnostic,
      (argument?: { check?: CheckKind; kind?: string }) =>
        argument?.check ? runCheck(all, argument.check) : undefined,
    ),
  ];
}
