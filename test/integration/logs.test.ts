import assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { Commands } from '../../src/ui/ids';
import type { LogPanelSnapshot } from '../../src/ui/logs/logPanel';
import { note } from './output';
import { control, sandbox, until } from './sandbox';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
}

function logTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter(
      (tab) =>
        tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('freelms.logs'),
    );
}

/** Runs `freelms.showLogs`; with the same argument again it reveals the panel and reports. */
function showLogs(argument: object): Thenable<LogPanelSnapshot> {
  return vscode.commands.executeCommand<LogPanelSnapshot>(Commands.showLogs, argument);
}

/** Polls the panel of `argument` until `done` holds, failing with its last snapshot. */
async function waitFor(
  argument: object,
  done: (snapshot: LogPanelSnapshot) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<LogPanelSnapshot> {
  let last: LogPanelSnapshot | undefined;
  try {
    return await until(
      async () => {
        last = await showLogs(argument);
        return done(last) ? last : undefined;
      },
      what,
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last snapshot ${JSON.stringify(last)}`, {
      cause: error,
    });
  }
}

async function podsOf(deployment: string): Promise<string[]> {
  const { cluster } = await api();
  await cluster.ensureStarted();
  return until(() => {
    const pods = cluster.model?.pods(`Deployment/${deployment}`).map((pod) => pod.name) ?? [];
    return pods.length > 0 ? pods : undefined;
  }, `the pods of ${deployment}`);
}

describe('the log panel against the FreeLMS sandbox', function () {
  before(function () {
    if (!sandbox()) {
      note('FREELMS_SANDBOX_ENDPOINTS is not set: the log panel tests need `npm test`, skipped');
      this.skip();
    }
  });

  afterEach(async () => {
    await control('DELETE', '/faults').catch(() => undefined);
    await vscode.window.tabGroups.close(logTabs());
  });

  it('shows the previous logs of a crash-looping api-gateway pod, with the crash', async () => {
    const [pod] = await podsOf('api-gateway');
    const argument = { pod, container: 'api-gateway', previous: true, follow: false };
    const started = Date.now();
    const snapshot = await waitFor(
      argument,
      (s) => s.state === 'ended' && s.entries > 0 && s.pageRows > 0,
      'the previous log to reach the page',
    );
    note(
      `previous log of ${pod}: ${snapshot.lines} lines on the page in ${Date.now() - started} ms`,
    );
    assert.equal(snapshot.title, `Logs: ${pod} / api-gateway (previous)`);
    assert.equal(snapshot.pageRows, snapshot.entries, 'no filter: every entry reached the page');
    assert.deepEqual(
      snapshot.notices.filter((n) => n.severity === 'error'),
      [],
      'no stream error',
    );
    assert.equal(logTabs().length, 1);
  });

  it('reveals the open panel when the same pod is asked for again, rather than a second one', async () => {
    const [pod] = await podsOf('api-gateway');
    const first = await showLogs({ pod, container: 'api-gateway', follow: false });
    // A tab reaches `tabGroups` a moment after the panel opens.
    await until(() => (logTabs().length === 1 ? true : undefined), 'the log tab');
    const again = await showLogs({ pod, container: 'api-gateway' });
    assert.equal(again.key, first.key);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(logTabs().length, 1);
    await showLogs({ pod, container: 'envoy', follow: false });
    await until(() => (logTabs().length === 2 ? true : undefined), 'a second tab');
    assert.equal(logTabs().length, 2, 'another container is another panel');
  });

  it('merges every pod of a Deployment, each line tagged with its pod', async () => {
    const pods = await podsOf('course-service');
    const snapshot = await waitFor(
      { deployment: 'course-service', tailLines: 20, follow: false },
      (s) => s.state === 'ended' && s.pods.length === pods.length && s.pageRows > 0,
      'lines from every course-service pod',
    );
    assert.deepEqual(snapshot.pods, [...pods].sort());
    assert.equal(snapshot.title, 'Logs: course-service (all pods)');
  });

  it('says what to do when a container has no previous logs', async () => {
    const [pod] = await podsOf('payment-service');
    const snapshot = await waitFor(
      { pod, previous: true, follow: false },
      (s) => s.state === 'failed',
      'the stream to fail',
    );
    const error = snapshot.notices.find((n) => n.severity === 'error');
    assert.match(error?.message ?? '', /no previous logs/i);
    assert.match(error?.hint ?? '', /Turn off "previous"/);
  });

  it('reconnects a cut stream and says so', async () => {
    const [pod] = await podsOf('user-service');
    await control('POST', '/faults', { spec: 'kubernetes:GET log:cut=1500:times=1' });
    const argument = { pod, follow: true, tailLines: 100 };
    const snapshot = await waitFor(
      argument,
      (s) => s.notices.some((n) => /Reconnected/.test(n.message)) && s.state === 'streaming',
      'the stream to reconnect',
      30_000,
    );
    assert.ok(
      snapshot.notices.some((n) => n.severity === 'warning' && /interrupted/.test(n.message)),
    );
    assert.ok(snapshot.entries > 0);
  });

  it("lists recent ERROR lines by service, each linking to its pod's logs", async () => {
    const result = await vscode.commands.executeCommand<{
      services: { service: string; count: number }[];
      podCount: number;
      uri: string;
    }>(Commands.showRecentErrors, { minutes: 15 });
    assert.ok(result.podCount > 0);
    assert.ok(result.services.length > 0, 'the sandbox writes ERROR lines');
    const uri = vscode.Uri.parse(result.uri);
    const document = await until(
      () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.uri),
      'the report to open',
    );
    assert.match(document.getText(), new RegExp(`== ${result.services[0]!.service}: `));
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>(
      'vscode.executeLinkProvider',
      uri,
    );
    assert.ok(links.length > 0);
    assert.equal(links[0]!.target?.scheme, 'command');
    assert.match(decodeURIComponent(links[0]!.target!.query), /"pod":"[a-z0-9-]+"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
