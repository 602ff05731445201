import assert from 'node:assert/strict';

import { ClusterModel } from '../../../src/platform/kube/clusterModel';
import type { ClusterChange } from '../../../src/platform/kube/clusterModel';
import { connect } from '../../../src/platform/kube/connection';
import type { KubeError } from '../../../src/platform/kube/errors';
import { loadKubeconfig } from '../../../src/platform/kube/kubeconfig';
import { listPodEvents } from '../../../src/platform/kube/podEvents';
import { cs, pod } from './fixtures/pods';
import { memoryLog, tempDir, tokenKubeconfig } from './helpers/fakeApi';
import { FakeCluster } from './helpers/fakeCluster';

type Obj = Parameters<FakeCluster['put']>[1];

function deployment(
  name: string,
  desired: number,
  ready: number,
  extra: Record<string, unknown> = {},
): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, generation: 2, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: desired },
    status: {
      observedGeneration: 2,
      replicas: desired,
      readyReplicas: ready,
      updatedReplicas: desired,
      availableReplicas: ready,
    },
    ...extra,
  };
}

function deploymentPod(
  deploy: string,
  suffix: string,
  status: Record<string, unknown> = { containerStatuses: [cs('app')] },
): Obj {
  const p = pod({
    name: `${deploy}-6d4b75cb6d-${suffix}`,
    owner: { kind: 'ReplicaSet', name: `${deploy}-6d4b75cb6d` },
    status,
  });
  p.metadata!.labels = { ...p.metadata!.labels, 'pod-template-hash': '6d4b75cb6d', app: deploy };
  return p as unknown as Obj;
}

const crashing = {
  containerStatuses: [
    cs('app', {
      ready: false,
      restartCount: 4,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s' } },
    }),
  ],
};

describe('the Cluster view model', () => {
  let cluster: FakeCluster;
  let tmp: ReturnType<typeof tempDir>;
  let model: ClusterModel | undefined;
  let changes: ClusterChange[];

  const startModel = async (options = {}) => {
    const file = tmp.write('config', tokenKubeconfig(cluster.url));
    const conn = connect(
      loadKubeconfig({ kubeconfigPath: file }),
      { context: 'sandbox', namespace: 'freelms' },
      { log: memoryLog().log },
    );
    model = new ClusterModel(conn, {
      batchMs: 5,
      backoff: { initialDelay: 10, maxDelay: 50 },
      ...options,
    });
    changes = [];
    model.onDidChange((c) => changes.push(c));
    await model.start();
    return model;
  };
  const nextChange = async (
    predicate: (c: ClusterChange) => boolean,
    timeoutMs = 5000,
  ): Promise<ClusterChange> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = changes.find(predicate);
      if (found) return found;
      if (Date.now() > until) throw new Error('no matching change');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  beforeEach(async () => {
    cluster = await FakeCluster.start();
    tmp = tempDir();
    cluster.put('deployments', deployment('course-service', 2, 2));
    cluster.put('deployments', deployment('payment-service', 2, 1));
    cluster.put('statefulsets', {
      metadata: { name: 'postgres' },
      spec: { replicas: 1 },
      status: { readyReplicas: 1 },
    });
    cluster.put('pods', deploymentPod('course-service', 'aaaaa'));
    cluster.put('pods', deploymentPod('course-service', 'bbbbb'));
    cluster.put('pods', deploymentPod('payment-service', 'ccccc'));
    cluster.put('pods', deploymentPod('payment-service', 'ddddd', crashing));
    cluster.put(
      'pods',
      pod({
        name: 'postgres-0',
        owner: { kind: 'StatefulSet', name: 'postgres' },
        status: { containerStatuses: [cs('postgres')] },
      }) as unknown as Obj,
    );
    cluster.put(
      'pods',
      pod({
        name: 'db-migrate-29000000-x1y2z',
        phase: 'Succeeded',
        owner: { kind: 'Job', name: 'db-migrate-29000000' },
        containers: ['migrate'],
        status: {
          containerStatuses: [
            cs('migrate', {
              ready: false,
              state: { terminated: { exitCode: 0, reason: 'Completed' } },
            }),
          ],
        },
      }) as unknown as Obj,
    );
    cluster.put(
      'pods',
      pod({ name: 'debug-shell', status: { containerStatuses: [cs('app')] } }) as unknown as Obj,
    );
  });
  afterEach(async () => {
    await model?.dispose();
    model = undefined;
    await cluster.close();
    tmp.dispose();
  });

  it('groups pods under their Deployment, postgres-0 under its StatefulSet, jobs and bare pods apart', async () => {
    const m = await startModel();
    const groups = m.groups();
    assert.deepEqual(
      groups.map((g) => [g.id, g.podCount, g.health]),
      [
        ['Deployment/course-service', 2, 'healthy'],
        ['Deployment/payment-service', 2, 'failing'],
        ['StatefulSet/postgres', 1, 'healthy'],
        ['Job/db-migrate-29000000', 1, 'done'],
        ['Standalone/standalone pods', 1, 'healthy'],
      ],
    );
    const payment = groups[1]!;
    assert.equal(payment.deployment?.readyText, '1/2');
    assert.equal(payment.deployment?.revision, '2');
    assert.equal(payment.unhealthyCount, 1);
    assert.deepEqual(
      m.pods('Deployment/payment-service').map((p) => p.status),
      ['Running', 'CrashLoopBackOff'],
    );
    assert.equal(m.state.phase, 'live');
    assert.equal(changes[0]?.reset, true);
  });

  it('shows only what needs attention with the "only unhealthy" filter', async () => {
    const m = await startModel();
    assert.deepEqual(
      m.groups({ onlyUnhealthy: true }).map((g) => g.id),
      ['Deployment/payment-service'],
    );
    assert.deepEqual(
      m.pods('Deployment/payment-service', { onlyUnhealthy: true }).map((p) => p.name),
      ['payment-service-6d4b75cb6d-ddddd'],
    );
    assert.deepEqual(
      m.unhealthyPods().map((p) => p.name),
      ['payment-service-6d4b75cb6d-ddddd'],
    );
  });

  it('tells the tree exactly which pod and group changed when a pod starts crashing', async () => {
    const m = await startModel();
    await cluster.waitForWatchers('pods');
    changes.length = 0;
    cluster.emit('pods', 'MODIFIED', deploymentPod('course-service', 'aaaaa', crashing));

    const change = await nextChange((c) => c.pods.length > 0);
    assert.equal(change.reset, false);
    assert.deepEqual(
      change.pods.map((p) => [p.name, p.status, p.groupId]),
      [['course-service-6d4b75cb6d-aaaaa', 'CrashLoopBackOff', 'Deployment/course-service']],
    );
    assert.deepEqual(
      change.groups.map((g) => [g.id, g.unhealthyCount, g.health]),
      [['Deployment/course-service', 1, 'failing']],
    );
    assert.equal(m.groups({ onlyUnhealthy: true }).length, 2);
  });

  it('follows a rollout: new pods appear, old pods go, and the Deployment shows the rollout in progress', async () => {
    const m = await startModel();
    await cluster.waitForWatchers('pods');
    await cluster.waitForWatchers('deployments');
    cluster.emit(
      'deployments',
      'MODIFIED',
      deployment('course-service', 2, 2, {
        status: {
          observedGeneration: 3,
          replicas: 3,
          readyReplicas: 2,
          updatedReplicas: 1,
          availableReplicas: 2,
        },
      }),
    );
    cluster.emit('pods', 'DELETED', deploymentPod('course-service', 'bbbbb'));
    await nextChange((c) => c.removedPods.length > 0);
    await nextChange((c) => c.groups.some((g) => g.deployment?.rollout === 'progressing'));

    const group = m.groups().find((g) => g.id === 'Deployment/course-service')!;
    assert.equal(group.podCount, 1);
    assert.match(group.deployment!.rolloutMessage, /1 out of 2 new replicas have been updated/);
  });

  it('lists again after 410 Gone and drops pods deleted while the watch was expired', async () => {
    const m = await startModel();
    await cluster.waitForWatchers('pods');
    cluster.store.get('pods')!.delete('debug-shell');
    cluster.put('pods', deploymentPod('course-service', 'eeeee'));
    changes.length = 0;
    cluster.expire('pods');

    await nextChange((c) => c.removedPods.some((p) => p.name === 'debug-shell'));
    assert.equal(cluster.lists.get('pods'), 2);
    assert.equal(m.pod('debug-shell'), undefined);
    assert.equal(m.pod('course-service-6d4b75cb6d-eeeee')?.groupId, 'Deployment/course-service');
    assert.equal(
      m.groups().some((g) => g.kind === 'Standalone'),
      false,
    );
  });

  it('reconnects a cut watch from the last resource version seen, without listing again', async () => {
    await startModel();
    await cluster.waitForWatchers('pods');
    const changed = deploymentPod('course-service', 'aaaaa', crashing);
    changes.length = 0;
    cluster.emit('pods', 'MODIFIED', changed);
    await nextChange((c) => c.pods.length > 0);
    const lastVersion = changed.metadata.resourceVersion;
    cluster.cut('pods');

    await cluster.waitForWatchers('pods');
    const versions = cluster.watchVersions.get('pods')!;
    assert.equal(versions.length, 2);
    assert.equal(versions[1], lastVersion);
    assert.equal(cluster.lists.get('pods'), 1);
  });

  it('retries a watch refused with 503 and comes back live', async () => {
    const m = await startModel();
    await cluster.waitForWatchers('pods');
    cluster.failNext('watch pods', 503, 'ServiceUnavailable', 'etcdserver: leader changed', 2);
    const states: string[] = [];
    m.onDidChangeState((s) => states.push(s.phase));
    cluster.cut('pods');

    await cluster.waitForWatchers('pods');
    assert.ok(states.includes('retrying'), states.join());
    assert.equal(m.state.phase, 'live');
  });

  it('starts while the API server answers 503, shows retrying, then comes live by itself', async () => {
    cluster.failNext('list pods', 503, 'ServiceUnavailable', 'etcdserver: request timed out', 3);
    const m = await startModel();
    const states = [m.state.phase as string];
    m.onDidChangeState((s) => states.push(s.phase));
    await nextChange((c) => c.pods.length === 7);
    assert.equal(states[0], 'retrying');
    assert.equal(m.state.phase, 'live');
  });

  it('fails with the verb and resource when listing pods is forbidden', async () => {
    cluster.failNext(
      'list pods',
      403,
      'Forbidden',
      'pods is forbidden: User "oncall" cannot list resource "pods" in API group "" in the namespace "freelms"',
    );
    const m = await startModel();
    assert.equal(m.state.phase, 'failed');
    const error = (m.state as { error: KubeError }).error;
    assert.equal(error.kind, 'forbidden');
    assert.equal(error.target.verb, 'list');
    assert.equal(error.target.resource, 'pods');
  });

  it('says the namespace does not exist instead of showing an empty view', async () => {
    cluster.namespaceExists = false;
    await assert.rejects(startModel(), (e: KubeError) => e.kind === 'namespaceNotFound');
  });

  it('lists the namespaces for the namespace picker', async () => {
    const m = await startModel();
    assert.deepEqual(await m.connection.listNamespaces(), ['default', 'freelms']);
  });

  it('loads a 10,000-pod namespace quickly and applies each later event without a rebuild', async function () {
    this.timeout(20_000);
    for (let i = 0; i < 10_000; i++) {
      cluster.put('pods', deploymentPod(`svc-${i % 20}`, `p${i}`));
    }
    const started = Date.now();
    const m = await startModel();
    const loadMs = Date.now() - started;
    assert.equal(m.podCount, 10_007);
    assert.ok(loadMs < 8000, `loading took ${loadMs} ms`);

    await cluster.waitForWatchers('pods');
    changes.length = 0;
    const t = Date.now();
    for (let i = 0; i < 500; i++) {
      cluster.emit('pods', 'MODIFIED', deploymentPod(`svc-${i % 20}`, `p${i}`, crashing));
    }
    await nextChange(() => changes.reduce((n, c) => n + c.pods.length, 0) === 500);
    assert.ok(Date.now() - t < 3000, `500 events took ${Date.now() - t} ms`);
    assert.ok(changes.every((c) => !c.reset && c.groups.length <= 20));
    assert.equal(m.unhealthyPods().length, 501);
  });

  it('lists a pod’s events newest first for the hover, even with eventTime null', async () => {
    const m = await startModel();
    const involved = {
      kind: 'Pod',
      name: 'payment-service-6d4b75cb6d-ddddd',
      namespace: 'freelms',
    };
    cluster.put('events', {
      metadata: { name: 'e1' },
      involvedObject: involved,
      type: 'Normal',
      reason: 'Scheduled',
      message: 'Successfully assigned',
      eventTime: null,
      firstTimestamp: '2026-03-10T11:00:00Z',
      lastTimestamp: '2026-03-10T11:00:00Z',
      count: 1,
      source: { component: 'default-scheduler' },
      reportingComponent: '',
    });
    cluster.put('events', {
      metadata: { name: 'e2' },
      involvedObject: involved,
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container app',
      eventTime: null,
      lastTimestamp: '2026-03-10T11:58:00Z',
      count: 12,
      source: { component: 'kubelet' },
    });
    cluster.put('events', {
      metadata: { name: 'e3' },
      involvedObject: { ...involved, name: 'other' },
      type: 'Normal',
      reason: 'Pulled',
    });

    const events = await listPodEvents(m.connection, 'payment-service-6d4b75cb6d-ddddd');
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.count, e.source]),
      [
        ['Warning', 'BackOff', 12, 'kubelet'],
        ['Normal', 'Scheduled', 1, 'default-scheduler'],
      ],
    );
  });
});
