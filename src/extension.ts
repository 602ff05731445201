import * as vscode from 'vscode';

import { DECLARE_VIEW_TYPE, DeclarePanel, type DeclareHandler } from './ui/declare/declarePanel';
import { currentOffer } from './ui/declare/declareOffer';
import { Commands, ContextKeys, Views } from './ui/ids';
import { ExtensionLog } from './ui/logging';
import { EmptyView } from './ui/emptyView';

/** What `activate` hands to the integration tests. */
export interface FreeLmsApi {
  /** How long `activate()` took, in milliseconds. */
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): FreeLmsApi {
  const started = performance.now();
  const log = new ExtensionLog();
  context.subscriptions.push(log);

  const services = async (): Promise<string[]> => [];
  const declare: DeclareHandler = async () => {
    throw new Error('this build keeps no incident journal yet, so nothing was declared or sent');
  };
  const openDeclareForm = () =>
    DeclarePanel.show(
      context.extensionUri,
      () => currentOffer(context.secrets, services),
      declare,
      log.for('declare'),
    );

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.declareIncident, openDeclareForm),
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
    vscode.window.registerWebviewPanelSerializer(DECLARE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        await DeclarePanel.adopt(
          panel,
          context.extensionUri,
          () => currentOffer(context.secrets, services),
          declare,
          log.for('declare'),
        );
      },
    }),
    vscode.window.registerTreeDataProvider(Views.incidents, new EmptyView()),
    vscode.window.registerTreeDataProvider(Views.cluster, new EmptyView()),
    vscode.window.registerTreeDataProvider(Views.diagnostics, new EmptyView()),
  );
  void vscode.commands.executeCommand('setContext', ContextKeys.activated, true);

  const activationMs = performance.now() - started;
  log.for('extension').info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs };
}

export function deactivate(): void {
  // Everything is disposed through `context.subscriptions`.
}
