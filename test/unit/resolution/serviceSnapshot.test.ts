import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { connect, type KubeConnection } from '../../../src/platform/kube/connection';
import { KubeError } from '../../../src/platform/kube/errors';
import { loadKubeconfig } from '../../../src/platform/kube/kubeconfig';
import { measureSnapshot, type SnapshotOptions } from '../../../src/platform/serviceSnapshot';
import { cs, pod } from '../kube/fixtures/pods';
import { memoryLog, tempDir, tokenKubeconfig } from '../kube/helpers/fakeApi';
import { FakeCluster } from '../kube/helpers/fakeCluster';
import { FakeLogs } from '../kube/helpers/fakeLogs';

type Stored = Parameters<FakeCluster['put']>[1];

/** A loopback actuator answering with the given status and body. */
async function actuator(status: number, body: unknown) {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/actuator/health`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function deployment(name: string, desired: number, ready: number): Stored {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, generation: 1 },
    spec: { replicas: desired, selector: { matchLabels: { app: name } } },
    status: {
      observedGeneration: 1,
      replicas: desired,
      updatedReplicas: desired,
      readyReplicas: ready,
      availableReplicas: ready,
    },
  };
}

const crashLooping = {
  ready: false,
  started: false,
  restartCount: 7,
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
  lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
};

function servicePod(name: string, app: string, crashing: boolean): Stored {
  const p = pod({
    name,
    owner: { kind: 'ReplicaSet', name: `${app}-7c9` },
    status: {
      containerStatuses: [cs('app', crashing ? crashLooping : {})],
      conditions: [{ type: 'Ready', status: crashing ? 'False' : 'True' }],
    },
  });
  p.metadata!.labels = { 'app.kubernetes.io/part-of': 'freelms', app, 'pod-template-hash': '7c9' };
  return p as unknown as Stored;
}

describe('the snapshot Verify Fix compares: health, replicas, unhealthy pods, ERROR lines', () => {
  let cluster: FakeCluster;
  let logs: FakeLogs;
  let tmp: ReturnType<typeof tempDir>;
  let conn: KubeConnection;
  const closers: (() => Promise<void>)[] = [];
  const recent = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();

  const options = (extra: Partial<SnapshotOptions>): SnapshotOptions => ({
    services: ['api-gateway'],
    connection: async () => conn,
    log: memoryLog().log,
    ...extra,
  });

  beforeEach(async () => {
    cluster = await FakeCluster.start();
    logs = new FakeLogs(cluster);
    tmp = tempDir();
    conn = connect(
      loadKubeconfig({ kubeconfigPath: tmp.write('config', tokenKubeconfig(cluster.url)) }),
      { context: 'sandbox', namespace: 'freelms' },
      { log: memoryLog().log },
    );
    // The api-gateway outage: one pod of three up, two crash-looping, errors in every log.
    cluster.put('deployments', deployment('api-gateway', 3, 1));
    cluster.put('pods', servicePod('api-gateway-7c9-a', 'api-gateway', false));
    cluster.put('pods', servicePod('api-gateway-7c9-b', 'api-gateway', true));
    cluster.put('pods', servicePod('api-gateway-7c9-c', 'api-gateway', true));
    cluster.put('deployments', deployment('course-service', 2, 2));
    cluster.put('pods', servicePod('course-service-7c9-a', 'course-service', false));
    const errors = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        ts: recent(200 - i),
        text: `ERROR upstream course-service timed out (${i})`,
      }));
    logs.set('api-gateway-7c9-a', 'app', {
      state: 'running',
      lines: [
        { ts: recent(900), text: 'ERROR before the window' },
        ...errors(4),
        { ts: recent(10), text: 'INFO GET /health 200' },
      ],
    });
    logs.set('api-gateway-7c9-b', 'app', { state: 'crashLoop', lines: errors(3) });
    logs.set('api-gateway-7c9-c', 'app', { state: 'crashLoop', lines: errors(2) });
    logs.set('course-service-7c9-a', 'app', { state: 'running', lines: errors(1) });
  });

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await cluster.close();
    tmp.dispose();
  });

  it('measures a crash-looping api-gateway: 1 of 3 ready, its two crashing pods, 9 ERROR lines in 5 min, health DOWN', async () => {
    const health = await actuator(503, { status: 'DOWN', components: { ping: { status: 'UP' } } });
    closers.push(health.close);
    const snapshot = await measureSnapshot(options({ healthUrl: health.url }));
    assert.deepEqual(snapshot.health, { status: 'DOWN', httpStatus: 503, url: health.url });
    assert.deepEqual(snapshot.services, [
      {
        service: 'api-gateway',
        ready: 1,
        desired: 3,
        unhealthyPods: [
          { name: 'api-gateway-7c9-b', status: 'CrashLoopBackOff' },
          { name: 'api-gateway-7c9-c', status: 'CrashLoopBackOff' },
        ],
        errorLines: 9,
      },
    ]);
    assert.equal(snapshot.errorWindowMinutes, 5);
    assert.equal(snapshot.problems, undefined);
    assert.ok(logs.requests.every((url) => url.searchParams.get('sinceSeconds') === '300'));
    assert.ok(
      !logs.requests.some((url) => url.pathname.includes('course-service')),
      'only the affected service’s logs are read',
    );
  });

  it('measures each affected service on its own, by its Deployment’s selector', async () => {
    const snapshot = await measureSnapshot(
      options({ services: ['api-gateway', 'course-service'] }),
    );
    assert.deepEqual(
      snapshot.services.map((s) => [s.service, s.ready, s.desired, s.errorLines]),
      [
        ['api-gateway', 1, 3, 9],
        ['course-service', 2, 2, 1],
      ],
    );
  });

  it('measures a StatefulSet such as redis when no Deployment has the service’s name', async () => {
    cluster.put('statefulsets', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'redis' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'redis' } } },
      status: { replicas: 1, readyReplicas: 0 },
    });
    cluster.put('pods', servicePod('redis-0', 'redis', true));
    logs.set('redis-0', 'app', { state: 'crashLoop', lines: [] });
    const snapshot = await measureSnapshot(options({ services: ['redis'] }));
    assert.deepEqual(snapshot.services, [
      {
        service: 'redis',
        ready: 0,
        desired: 1,
        unhealthyPods: [{ name: 'redis-0', status: 'CrashLoopBackOff' }],
        errorLines: 0,
      },
    ]);
  });

  it('names a service that has no Deployment, and still measures the others', async () => {
    const snapshot = await measureSnapshot(
      options({ services: ['media-transcoder', 'course-service'] }),
    );
    assert.deepEqual(snapshot.services[0], { service: 'media-transcoder', unhealthyPods: [] });
    assert.equal(snapshot.services[1]!.ready, 2);
    assert.ok(
      snapshot.problems?.includes(
        'media-transcoder: no Deployment or StatefulSet named media-transcoder in namespace freelms',
      ),
      JSON.stringify(snapshot.problems),
    );
  });

  it('says the health endpoint is not configured instead of failing', async () => {
    const snapshot = await measureSnapshot(options({ healthUrl: '' }));
    assert.equal(snapshot.health, undefined);
    assert.equal(
      snapshot.problems?.[0],
      'health: no health endpoint configured (freelms.health.url)',
    );
    assert.equal(snapshot.services[0]!.ready, 1);
  });

  it('keeps a password in the health URL out of the snapshot, which the journal keeps', async () => {
    const health = await actuator(200, { status: 'UP' });
    closers.push(health.close);
    const withPassword = health.url.replace('http://', 'http://monitor:hunter2@');
    const snapshot = await measureSnapshot(options({ healthUrl: withPassword }));
    // fetch refuses URLs with credentials, so the error names the URL too: redacted as well.
    assert.equal(snapshot.health?.url, withPassword.replace('hunter2', '***'));
    assert.doesNotMatch(JSON.stringify(snapshot), /hunter2/);
  });

  it('records an endpoint that gives no answer as UNKNOWN with why', async () => {
    const health = await actuator(200, { status: 'UP' });
    await health.close();
    const snapshot = await measureSnapshot(
      options({ healthUrl: health.url, healthTimeoutMs: 2000 }),
    );
    assert.equal(snapshot.health?.status, 'UNKNOWN');
    assert.equal(snapshot.health?.httpStatus, undefined);
    assert.match(snapshot.health?.error ?? '', /No answer from/);
    assert.match(snapshot.problems?.[0] ?? '', /^health: No answer from/);
  });

  it('turns a cluster out of reach into a problem: nothing thrown, nothing invented', async () => {
    const snapshot = await measureSnapshot(
      options({
        connection: () =>
          Promise.reject(new KubeError('unreachable', 'cannot reach https://k8s.example.test')),
      }),
    );
    assert.deepEqual(snapshot.services, [{ service: 'api-gateway', unhealthyPods: [] }]);
    assert.deepEqual(snapshot.problems?.slice(-1), [
      'pods, replicas and errors: the cluster cannot be reached: cannot reach https://k8s.example.test',
    ]);
  });

  it('counts the logs it could read and names the one it could not', async () => {
    logs.logs.get('api-gateway-7c9-c/app')!.refuse = {
      code: 403,
      reason: 'Forbidden',
      message: 'pods "api-gateway-7c9-c" is forbidden: cannot get resource "pods/log"',
      times: 5,
    };
    const snapshot = await measureSnapshot(options({}));
    assert.equal(snapshot.services[0]!.errorLines, 7);
    const problem = snapshot.problems?.find((p) => p.startsWith('api-gateway: logs not read'));
    assert.match(problem ?? '', /api-gateway-7c9-c\/app/, JSON.stringify(snapshot.problems));
  });
});
