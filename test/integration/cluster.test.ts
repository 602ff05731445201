import assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { Commands } from '../../src/ui/ids';
import { control, sandbox, until } from './sandbox';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
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
      20_000,
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
      20_000,
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
      20_000,
      () => cluster.state,
    );
  });
});

describe('the Cluster view follows the cluster and explains refusals', function () {
  before(function () {
    if (!sandbox()) this.skip();
  });

  afterEach(async () => {
    await control('DELETE', '/faults');
  });

  it('sees a deleted pod go and its replacement come, by watch', async () => {
    const { cluster } = await api();
    await cluster.ensureStarted();
    const endpoints = sandbox()!;
    const [victim] = await until(() => {
      const pods = cluster.model?.pods('Deployment/course-service') ?? [];
      return pods.length ? pods : undefined;
    }, 'course-service pods');
    const response = await fetch(
      `${endpoints.kubernetes}/api/v1/namespaces/freelms/pods/${victim!.name}?gracePeriodSeconds=0`,
      { method: 'DELETE' },
    );
    assert.ok(response.ok, `DELETE answered ${response.status}`);
    await until(() => {
      const names = (cluster.model?.pods('Deployment/course-service') ?? []).map((pod) => pod.name);
      return !names.includes(victim!.name) && names.length > 0 ? names : undefined;
    }, `${victim!.name} to be replaced`);
  });

  it('lists again after 410 Gone when its watch history expired, and keeps following', async () => {
    const { cluster } = await api();
    await cluster.ensureStarted();
    await until(
      () => (cluster.state.phase === 'live' ? true : undefined),
      'the watches to go live',
    );
    await control('DELETE', '/calls');
    await control('POST', '/watches/expire');

    const lists = async () =>
      (
        (await control('GET', '/calls?service=kubernetes')) as {
          calls: Array<{ method: string; url: string }>;
        }
      ).calls
        .filter(
          (call) => call.method === 'GET' && /\/namespaces\/freelms\/pods(\?|$)/.test(call.url),
        )
        .filter((call) => !/[?&]watch=(true|1)/.test(call.url));
    await until(
      async () => ((await lists()).length > 0 ? true : undefined),
      'the pods to be listed again',
    );
    await until(
      () => (cluster.state.phase === 'live' ? true : undefined),
      'the watches to go live again',
    );

    const endpoints = sandbox()!;
    const [victim] = cluster.model!.pods('Deployment/user-service');
    await fetch(
      `${endpoints.kubernetes}/api/v1/namespaces/freelms/pods/${victim!.name}?gracePeriodSeconds=0`,
      {
        method: 'DELETE',
      },
    );
    await until(() => {
      const names = (cluster.model?.pods('Deployment/user-service') ?? []).map((pod) => pod.name);
      return !names.includes(victim!.name) && names.length > 0 ? true : undefined;
    }, 'the watch after the resync to see a change');
  });

  it('says which verb and resource were refused when the API answers 403', async () => {
    const { cluster } = await api();
    await control('POST', '/faults', {
      spec: 'kubernetes:GET /api/v1/namespaces/freelms/pods:403',
    });
    await vscode.commands.executeCommand(Commands.refreshCluster);
    const state = await until(
      () =>
        (cluster.state.phase === 'failed' || cluster.state.phase === 'retrying') &&
        'error' in cluster.state
          ? cluster.state
          : undefined,
      'the refusal to show',
    );
    assert.equal(state.error.kind, 'forbidden');
    assert.match(state.error.message, /list/);
    assert.match(state.error.message, /pods/);

    await control('DELETE', '/faults');
    await vscode.commands.executeCommand(Commands.refreshCluster);
    await until(() => (cluster.state.phase === 'live' ? true : undefined), 'the view to recover');
  });
});
