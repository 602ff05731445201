import assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { Commands } from '../../src/ui/ids';
import { note } from './output';

const EXTENSION_ID = 'freelms.freelms-incident-response';

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function declareTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter(
      (tab) =>
        tab.input instanceof vscode.TabInputWebview &&
        tab.input.viewType.endsWith('freelms.declareIncident'),
    );
}

describe('the extension in a real VS Code', () => {
  it('runs in VS Code 1.139 and activates lazily, on its first command', async () => {
    note(`VS Code ${vscode.version}, extension host on Node ${process.versions.node}`);
    assert.match(vscode.version, /^1\.139\./);
    const extension = vscode.extensions.getExtension<FreeLmsApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    assert.equal(
      extension.isActive,
      false,
      'nothing activated it before a FreeLMS view or command was used',
    );

    await vscode.commands.executeCommand(Commands.showLog);
    assert.equal(extension.isActive, true);
    note(`activate() took ${extension.exports.activationMs.toFixed(1)} ms`);
  });

  it('registers every command the manifest contributes', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: Array<{ command: string; category: string }> };
    };
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command, category } of manifest.contributes.commands) {
      assert.ok(registered.has(command), `${command} is registered`);
      assert.equal(category, 'FreeLMS');
    }
  });

  it('reads its settings with the runbook defaults', () => {
    const config = vscode.workspace.getConfiguration('freelms');
    assert.equal(config.get('kube.namespace'), 'freelms');
    assert.equal(config.get('kube.partOfLabel'), 'app.kubernetes.io/part-of=freelms');
    assert.equal(config.get('slack.channelPrefix'), 'incident-');
  });

  it('opens the Declare Incident form as one webview, revealed again rather than duplicated', async () => {
    await vscode.commands.executeCommand(Commands.declareIncident);
    const [tab] = await until(
      () => (declareTabs().length ? declareTabs() : undefined),
      'the form tab',
    );
    assert.equal(tab!.label, 'Declare Incident');

    await vscode.commands.executeCommand(Commands.declareIncident);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(declareTabs().length, 1);

    await vscode.window.tabGroups.close(declareTabs());
    await until(() => (declareTabs().length === 0 ? true : undefined), 'the form to close');
  });
});
