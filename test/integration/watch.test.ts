import assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import type { Log } from '../../src/common/log';
import { deriveIncident } from '../../src/incident/derive';
import type {
  Incident,
  IncidentEvent,
  WatchEndedEvent,
  WatchRegressedEvent,
} from '../../src/incident/model';
import type { IncidentStore } from '../../src/incident/store';
import { rolloutHistory } from '../../src/platform/kube/rollout';
import { Commands } from '../../src/ui/ids';
import type { RollbackOutcome } from '../../src/ui/mitigation/rollbackCommand';
import { WatchService } from '../../src/ui/watch/watchService';
import {
  crashApiGateway,
  setApiGatewayImage,
  GOOD_IMAGE,
  healthStatus,
} from '../support/apiGateway';
import { note } from './output';
import { sandbox, until } from './sandbox';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
}

const settings = () => vscode.workspace.getConfiguration('freelms');

/** A release of the api-gateway whose pods crash on start (the sandbox reads the tag). */
const CRASH_AGAIN_IMAGE = 'registry.freelms.io/api-gateway:2.4.2-crash';

async function declare(title: string): Promise<string> {
  return vscode.commands.executeCommand<string>(Commands.declareIncident, {
    title,
    severity: 'P2',
    affectedServices: ['api-gateway'],
    createSlackChannel: false,
    pagePagerDuty: false,
    publishStatusPage: false,
  });
}

async function eventsOf<T extends IncidentEvent['type']>(
  id: string,
  type: T,
): Promise<Extract<IncidentEvent, { type: T }>[]> {
  const incident = await (await api()).store.get(id);
  return (incident?.events ?? []).filter(
    (event): event is Extract<IncidentEvent, { type: T }> => event.type === type,
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rolls the api-gateway back to the good release unless it runs it, and waits until it is healthy. */
async function healApiGateway(incidentId?: string): Promise<void> {
  const { cluster } = await api();
  await cluster.ensureStarted();
  const history = await rolloutHistory(cluster.connection!, 'api-gateway');
  const current = history.revisions.find((entry) => entry.current);
  if (current?.images[0] !== GOOD_IMAGE) {
    const good = history.revisions.find((entry) => entry.images[0] === GOOD_IMAGE);
    assert.ok(good, `a revision runs ${GOOD_IMAGE}: ${JSON.stringify(history.revisions)}`);
    const result = await vscode.commands.executeCommand<RollbackOutcome>(
      Commands.rollbackDeployment,
      { deployment: 'api-gateway', toRevision: good.revision, confirm: true, incidentId },
    );
    assert.equal(result.outcome, 'rolledBack', result.message);
  }
  await until(
    async () => ((await healthStatus(sandbox()!)) === 'UP' ? true : undefined),
    'the health endpoint UP',
    60_000,
  );
  // The watch reads pods from the cluster model: wait until it too sees every pod healthy.
  await until(
    () => {
      const group = cluster.model?.group('Deployment/api-gateway');
      const deployment = group?.deployment;
      const failing = cluster.model
        ?.pods('Deployment/api-gateway')
        .some((pod) => pod.health === 'failing');
      return deployment && deployment.ready === deployment.desired && !failing ? true : undefined;
    },
    'every api-gateway pod ready in the Cluster view',
    60_000,
  );
}

describe('the monitoring watch against the sandbox', function () {
  this.timeout(240_000);

  before(async function () {
    if (!sandbox()) this.skip();
    const target = vscode.ConfigurationTarget.Workspace;
    await settings().update('watch.intervalSeconds', 1, target);
    await settings().update('watch.minutes', 2, target);
    await healApiGateway();
  });

  after(async () => {
    const target = vscode.ConfigurationTarget.Workspace;
    await settings().update('watch.intervalSeconds', undefined, target);
    await settings().update('watch.minutes', undefined, target);
    // Later suites expect the seeded, crash-looping api-gateway.
    if (sandbox()) await crashApiGateway(sandbox()!);
  });

  it('starts the watch with the configured length when the status moves to monitoring', async () => {
    const id = await declare('Watch starts from Update Status');
    await vscode.commands.executeCommand(Commands.updateStatus, {
      incidentId: id,
      status: 'monitoring',
    });
    const [started] = await eventsOf(id, 'status.changed');
    assert.equal(started?.watchMinutes, 2);
    const watch = (await (await api()).store.get(id))!.watch!;
    assert.equal(watch.state, 'running');
    assert.equal(Date.parse(watch.endsAt) - Date.parse(watch.startedAt), 2 * 60_000);
    await vscode.commands.executeCommand(Commands.stopWatch, {
      incidentId: id,
      reason: 'only the start was to be seen',
    });
  });

  it('journals a regression once when the healed api-gateway crash-loops again, and Stop Monitoring Watch reopens mitigation', async () => {
    const { store } = await api();
    const id = await declare('api-gateway crash-loops after the fix');
    await vscode.commands.executeCommand(Commands.updateStatus, {
      incidentId: id,
      status: 'monitoring',
    });
    // A few rounds on the healthy gateway: nothing to report.
    await pause(3_000);
    assert.deepEqual(await eventsOf(id, 'watch.regressed'), []);

    const brokenAt = Date.now();
    await setApiGatewayImage(sandbox()!, CRASH_AGAIN_IMAGE);
    const [regressed] = await until(
      async () => {
        const events = await eventsOf(id, 'watch.regressed');
        return events.length > 0 ? events : undefined;
      },
      'a watch.regressed event',
      60_000,
    );
    note(`regression journaled ${Date.parse(regressed!.at) - brokenAt} ms after the bad rollout`);
    const watch = (await store.get(id))!.watch!;
    assert.equal(regressed!.watchId, watch.id);
    assert.ok(regressed!.problems?.includes('pods:api-gateway'), JSON.stringify(regressed));
    assert.match(regressed!.summary, /api-gateway: \d+ pods? failing \(api-gateway-/);

    // The pod keeps crashing through more rounds, and what else they find while it does (fewer
    // ready pods, health DOWN) is the same regression: nothing more is journaled.
    await pause(4_000);
    const all = await eventsOf(id, 'watch.regressed');
    assert.equal(
      all.length,
      1,
      `one regression: ${all.map((event: WatchRegressedEvent) => event.summary).join(' | ')}`,
    );

    const stopped = await vscode.commands.executeCommand<string>(Commands.stopWatch, {
      incidentId: id,
      reason: 'the new release crashes again; rolling back',
    });
    assert.equal(stopped, id);
    const after = (await store.get(id))!;
    assert.equal(after.status, 'identified');
    assert.equal(after.watch!.state, 'stopped');
    const reason = (await eventsOf(id, 'status.changed')).at(-1)!.note;
    assert.equal(reason, 'Monitoring watch stopped: the new release crashes again; rolling back');

    await healApiGateway(id);
  });

  it('resumes a watch that started before this window read the journal, ending it when its time is up and not before', async () => {
    const { store } = await api();
    const id = await declare('Watch resumed with its time left');
    // As after a restart: the watch began 50 s ago, for one minute; 10 s are left, not 60.
    const startedAt = Date.now() - 50_000;
    await store.append(id, {
      type: 'status.changed',
      status: 'monitoring',
      watchMinutes: 1,
      at: new Date(startedAt).toISOString(),
    });
    const endsAt = startedAt + 60_000;
    const [ended] = await until(
      async () => {
        const events = await eventsOf(id, 'watch.ended');
        return events.length > 0 ? events : undefined;
      },
      'the watch to end',
      45_000,
    );
    const endedAt = Date.parse(ended!.at);
    assert.ok(endedAt >= endsAt, `ended ${endsAt - endedAt} ms before its end`);
    // Restarting the minute from when it was read would end it about 50 s late.
    assert.ok(endedAt < endsAt + 20_000, `ended ${endedAt - endsAt} ms after its end`);
    assert.equal(ended!.clean, true, ended!.summary);
    assert.equal((await store.get(id))!.watch!.state, 'ended');
  });

  it('ends at once, and once, a watch whose end passed while no window was open, unobserved and without the offer to resolve', async () => {
    const { store } = await api();
    const id = await declare('Watch ended while VS Code was closed');
    await store.append(id, {
      type: 'status.changed',
      status: 'monitoring',
      watchMinutes: 5,
      at: new Date(Date.now() - 10 * 60_000).toISOString(),
    });
    await until(
      async () => ((await eventsOf(id, 'watch.ended')).length > 0 ? true : undefined),
      'the overdue watch to end',
      15_000,
    );
    // More rounds and more journal changes do not end it again.
    await store.append(id, { type: 'note', text: 'checked the dashboards' });
    await pause(3_000);
    const ended: WatchEndedEvent[] = await eventsOf(id, 'watch.ended');
    assert.equal(ended.length, 1);
    // No window checked anything while it ran: nothing says the fix held.
    assert.equal(ended[0]!.clean, false);
    assert.equal(ended[0]!.outcome, 'unobserved');
    assert.equal(
      ended[0]!.summary,
      '5 minutes, unobserved: it ended while no VS Code window was running its checks',
    );
    const watch = (await store.get(id))!.watch!;
    assert.equal(watch.outcome, 'unobserved');

    // Watch Again, as the unobserved alert offers it: monitoring again starts a new watch.
    const watchAgain = {
      incidentId: id,
      status: 'monitoring',
      note: 'Watching again',
      watchId: watch.id,
    };
    await vscode.commands.executeCommand(Commands.updateStatus, watchAgain);
    const again = (await store.get(id))!.watch!;
    assert.notEqual(again.id, watch.id);
    assert.equal(again.state, 'running');

    // The same button clicked again, from the old alert: the newer watch is left alone.
    const statusChanges = async () =>
      (await store.get(id))!.events.filter((e) => e.type === 'status.changed').length;
    const before = await statusChanges();
    assert.equal(
      await vscode.commands.executeCommand(Commands.updateStatus, watchAgain),
      undefined,
    );
    assert.equal(await statusChanges(), before);
    assert.equal((await store.get(id))!.watch!.id, again.id);
  });

  it('starts no timer when it is disposed while it still reads the journals', async () => {
    const { cluster } = await api();
    const running: Incident = deriveIncident([
      {
        type: 'declared',
        id: 'declared',
        at: new Date().toISOString(),
        incidentId: 'disposed-while-reading',
        title: 'Disposed while reading',
        severity: 'P3',
        services: ['api-gateway'],
      } as IncidentEvent,
      {
        type: 'status.changed',
        id: 'monitoring',
        at: new Date().toISOString(),
        status: 'monitoring',
        watchMinutes: 30,
      },
    ]);
    let listed!: (incidents: Incident[]) => void;
    let reading!: () => void;
    const read = new Promise<void>((resolve) => (reading = resolve));
    const store = {
      list: () =>
        new Promise<Incident[]>((resolve) => {
          listed = resolve;
          reading();
        }),
      onDidChange: () => new vscode.Disposable(() => undefined),
    } as unknown as IncidentStore;
    const quiet: Log = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    const service = new WatchService({
      store,
      cluster,
      log: quiet,
      alerts: { regressed: () => undefined, ended: () => undefined, unobserved: () => undefined },
    });
    const refreshed = service.refresh();
    await read;
    service.dispose();
    listed([running]);
    await refreshed;
    // What a refresh that went on after the dispose would have set, and nothing would clear.
    const timers = service as unknown as Record<'tickTimer' | 'endTimer' | 'roundTimer', unknown>;
    assert.deepEqual(
      [timers.tickTimer, timers.endTimer, timers.roundTimer],
      [undefined, undefined, undefined],
    );
  });

  it('leaves a newer watch running when Stop Monitoring Watch names the watch it was asked for', async () => {
    const { store } = await api();
    const id = await declare('Stop clicked on an older watch');
    await vscode.commands.executeCommand(Commands.updateStatus, {
      incidentId: id,
      status: 'monitoring',
    });
    const first = (await store.get(id))!.watch!.id;
    await vscode.commands.executeCommand(Commands.updateStatus, {
      incidentId: id,
      status: 'identified',
    });
    await vscode.commands.executeCommand(Commands.updateStatus, {
      incidentId: id,
      status: 'monitoring',
    });
    const stopped = await vscode.commands.executeCommand<string | undefined>(Commands.stopWatch, {
      incidentId: id,
      reason: 'the 14:05 regression',
      watchId: first,
    });
    assert.equal(stopped, undefined);
    const watch = (await store.get(id))!.watch!;
    assert.notEqual(watch.id, first);
    assert.equal(watch.state, 'running', 'the newer watch still runs');
  });

  it('does not post a status change to an incident resolved since', async () => {
    const { store } = await api();
    const id = await declare('Status change after the resolution');
    await vscode.commands.executeCommand(Commands.resolveIncident, {
      incidentId: id,
      summary: 'Restarted the gateway',
      rootCause: 'A stuck connection pool',
    });
    const changed = await vscode.commands.executeCommand<string | undefined>(
      Commands.updateStatus,
      { incidentId: id, status: 'identified', note: 'Mitigation reopened after a regression' },
    );
    assert.equal(changed, undefined);
    assert.equal((await eventsOf(id, 'status.changed')).length, 0);
    assert.equal((await store.get(id))!.status, 'resolved');
  });

  it('refuses a scripted resolve during a running watch without a reason, and records one given', async () => {
    const { store } = await api();
    const id = await declare('Resolved before the watch ends');
    await vscode.commands.executeCommand(Commands.updateStatus, {
      incidentId: id,
      status: 'monitoring',
    });
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(Commands.resolveIncident, {
          incidentId: id,
          summary: 'Rolled back',
          rootCause: 'A bad release',
        }),
      ),
      /monitoring watch still has \d+:\d{2} left.*Pass earlyReason/,
    );
    assert.equal((await store.get(id))!.status, 'monitoring', 'nothing was written');
    assert.deepEqual(await eventsOf(id, 'resolved'), []);

    await vscode.commands.executeCommand(Commands.resolveIncident, {
      incidentId: id,
      summary: 'Rolled back',
      rootCause: 'A bad release',
      impact: 'Learners could not open courses for 20 minutes',
      earlyReason: 'the error rate is zero and the release freeze starts now',
    });
    const incident = (await store.get(id))!;
    assert.equal(incident.status, 'resolved');
    assert.equal(incident.watch!.state, 'stopped');
    const [resolved] = await eventsOf(id, 'resolved');
    assert.equal(resolved!.earlyReason, 'the error rate is zero and the release freeze starts now');
    assert.equal(resolved!.impact, 'Learners could not open courses for 20 minutes');
    assert.equal(incident.earlyResolutionReason, resolved!.earlyReason);
  });

  it('resolves an incident that is not monitoring from summary and root cause alone', async () => {
    const { store } = await api();
    const id = await declare('Resolved without monitoring');
    await vscode.commands.executeCommand(Commands.resolveIncident, {
      incidentId: id,
      summary: 'Restarted the gateway',
      rootCause: 'A stuck connection pool',
    });
    const [resolved] = await eventsOf(id, 'resolved');
    assert.equal((await store.get(id))!.status, 'resolved');
    assert.equal(resolved!.earlyReason, undefined);
  });

  it('resolves once when two responders resolve at the same moment, the second told it was done', async () => {
    const id = await declare('Resolved from two windows');
    const resolve = (summary: string) =>
      vscode.commands.executeCommand<string | undefined>(Commands.resolveIncident, {
        incidentId: id,
        summary,
        rootCause: 'A stuck connection pool',
      });
    const results = await Promise.all([resolve('Restarted the pods'), resolve('Rolled back')]);
    assert.deepEqual(
      results.filter((result) => result === id),
      [id],
      'one of the two resolved it',
    );
    const resolved = await eventsOf(id, 'resolved');
    assert.equal(resolved.length, 1, resolved.map((event) => event.summary).join(' | '));
  });
});
