import assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { Commands } from '../../src/ui/ids';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
}

async function until<T>(
  probe: () => T | undefined,
  what: string,
  context: () => unknown = () => '',
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} ${JSON.stringify(context())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the Cluster view against the FreeLMS sandbox', function () {
  before(function () {
    if (!process.env['FREELMS_SANDBOX_ENDPOINTS']) {
      console.warn(
        'FREELMS_SANDBOX_ENDPOINTS is not set: run through `npm test`, which starts the sandbox',
      );
      this.skip();
    }
  });

  it('connects to the context and namespace of the settings and lists the FreeLMS workloads', async () => {
    const { cluster } = await api();
    await cluster.ensureStarted();
    await until(
      () => (cluster.state.phase === 'live' ? true : undefined),
      'the watches to go live',
      () => cluster.state,
    );
    assert.equal(cluster.state.context, 'freelms-sandbox');
    assert.equal(cluster.state.namespace, 'freelms');

    const groups = await until(() => {
      const found = cluster.model?.groups() ?? [];
      return found.some((group) => group.name === 'api-gateway') ? found : undefined;
    }, 'the api-gateway Deployment');
    const names = groups.map((group) => `${group.kind}/${group.name}`);
    for (const expected of [
      'Deployment/api-gateway',
      'Deployment/payment-service',
      'StatefulSet/postgres',
    ]) {
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    }
  });

  it('shows the crash-looping api-gateway pods with the status kubectl prints', async () => {
    const { cluster } = await api();
    const pods = cluster.model!.pods('Deployment/api-gateway');
    assert.ok(pods.length > 0);
    for (const pod of pods) assert.match(pod.status, /CrashLoopBackOff|Error|Running/);
    const count = await vscode.commands.executeCommand<number>(Commands.showUnhealthyPods);
    assert.ok(count >= pods.filter((pod) => pod.health !== 'healthy').length);
    await vscode.commands.executeCommand(Commands.showAllPods);
  });

  it('says which namespace is missing instead of showing an empty tree', async () => {
    const { cluster } = await api();
    await vscode.commands.executeCommand(Commands.selectContext, {
      context: 'freelms-sandbox',
      namespace: 'freelms-typo',
    });
    const state = await until(
      () => (cluster.state.phase === 'failed' ? cluster.state : undefined),
      'the connection to fail',
      () => cluster.state,
    );
    assert.match(state.error.message, /freelms-typo/);

    await vscode.commands.executeCommand(Commands.selectContext, {
      context: 'freelms-sandbox',
      namespace: 'freelms',
    });
    await until(
      () => (cluster.state.phase === 'live' ? true : undefined),
      'the watches to go live again',
      () => cluster.state,
    );
  });
});
