import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Log } from '../../src/common/log';
import { IncidentStore } from '../../src/incident/store';
import type { ClusterSession } from '../../src/ui/cluster/clusterSession';
import { WatchService } from '../../src/ui/watch/watchService';
import { until } from './sandbox';

/**
 * One VS Code window's view of the api-gateway, as its own cluster model holds it: windows
 * watch the cluster each on their own connection, and one may see a change before the other.
 * `hold()` keeps this window's next round waiting on the cluster until it is let go.
 */
function windowCluster() {
  const view = { ready: 3, failing: 0 };
  let gate: Promise<void> = Promise.resolve();
  const cluster = {
    state: { phase: 'live' },
    connection: { namespace: 'freelms' },
    ensureStarted: () => gate,
    model: {
      group: (id: string) =>
        id === 'Deployment/api-gateway'
          ? { id, deployment: { ready: view.ready, desired: 3, rollout: 'complete' } }
          : undefined,
      pods: () =>
        Array.from({ length: view.failing }, (_, i) => ({
          name: `api-gateway-7d9f-${i}`,
          status: 'CrashLoopBackOff',
          restarts: 4,
          health: 'failing',
        })),
    },
  };
  return {
    cluster: cluster as unknown as ClusterSession,
    healthy: () => Object.assign(view, { ready: 3, failing: 0 }),
    broken: () => Object.assign(view, { ready: 0, failing: 3 }),
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = Promise.resolve();
        release();
      };
    },
  };
}

describe('two windows watching one incident', () => {
  const quiet: Log = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  let folder: string;
  const services: WatchService[] = [];

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'freelms-two-windows-'));
  });

  afterEach(async () => {
    for (const service of services.splice(0)) service.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  /** A window's watch service on the shared journal; its rounds run only when a test says. */
  function openWindow(store: IncidentStore, cluster: ClusterSession) {
    const alerts: string[] = [];
    const service = new WatchService({
      store,
      cluster,
      log: quiet,
      alerts: {
        regressed: (_incident, event) => alerts.push(event.summary),
        ended: () => undefined,
        unobserved: () => undefined,
      },
      // No timer round within the test: an hour apart, and no health endpoint to ask.
      settings: () => ({ minutes: 30, intervalSeconds: 3600, healthUrl: '' }),
    });
    services.push(service);
    const internals = service as unknown as {
      round(now: boolean): Promise<void>;
      roundRunning: boolean;
    };
    return { service, alerts, round: () => internals.round(false), internals };
  }

  it('does not report again what another window journaled while this one still measured, and reports it after seeing it recover', async () => {
    // The journal on disk is shared; each window's progress is its own.
    const store = await IncidentStore.open({ folder, timeZone: 'UTC' });
    const declared = await store.declare({
      title: 'api-gateway crash-loops after the fix',
      severity: 'P1',
      services: ['api-gateway'],
    });
    const viewA = windowCluster();
    const viewB = windowCluster();
    const a = openWindow(store, viewA.cluster);
    const b = openWindow(store, viewB.cluster);
    const monitoring = await store.append(declared.id, {
      type: 'status.changed',
      status: 'monitoring',
      watchMinutes: 30,
    });
    const watchId = monitoring.watch!.id;
    const regressions = async () => (await store.get(declared.id))!.watch!.regressions;

    // Each window's first round, on the healthy gateway: both see it fine.
    await Promise.all([a.service.refresh(), b.service.refresh()]);
    for (const window of [a, b])
      await until(
        () =>
          (window.service.progress(watchId)?.checksOk === 1 && !window.internals.roundRunning) ||
          undefined,
        'the first round of each window',
      );

    // The gateway breaks. Window B's round is slow on the cluster and its view lags: it still
    // sees the gateway fine, while window A's round finds it broken and journals it.
    viewA.broken();
    const release = viewB.hold();
    const slow = b.round();
    await a.round();
    release();
    await slow;
    const [first, ...more] = await regressions();
    assert.deepEqual(more, [], 'one regression');
    assert.match(first!.summary, /^api-gateway: 3 pods failing \(.*\); api-gateway: 0 of 3 ready$/);
    assert.deepEqual(a.alerts, [first!.summary]);

    // Window B's next round sees the pods failing: window A journaled it already.
    viewB.broken();
    await b.round();
    assert.equal((await regressions()).length, 1, 'not journaled (nor sent) twice');
    assert.deepEqual(b.alerts, [], 'no second alert');
    assert.equal(a.alerts.length, 1);

    // Window B sees it recover, then break again: that is a regression of its own.
    viewB.healthy();
    await b.round();
    viewB.broken();
    await b.round();
    assert.equal((await regressions()).length, 2);
    assert.equal(b.alerts.length, 1);

    // Window A never saw it recover: to A it stayed broken, and B has reported it.
    await a.round();
    assert.equal((await regressions()).length, 2);
    assert.equal(a.alerts.length, 1);
  });
});
