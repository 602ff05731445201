import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { eventually, KubectlHarness, parseTable } from './kube-harness';

/** A pod captured from another cluster, replayed as it was: crash-looping with a last OOM kill. */
const CAPTURED_POD = `
apiVersion: v1
kind: Pod
metadata:
  name: search-indexer-7d4f9-x2kqp
  namespace: replay
  labels: {app: search-indexer}
spec:
  containers:
  - {name: indexer, image: "example.org/search-indexer:5.2.0"}
  - {name: exporter, image: "example.org/metrics-exporter:1.1"}
status:
  phase: Running
  conditions:
  - {type: Ready, status: "False"}
  containerStatuses:
  - name: indexer
    ready: false
    restartCount: 12
    state: {waiting: {reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container"}}
    lastState: {terminated: {reason: OOMKilled, exitCode: 137, startedAt: "2025-01-14T10:00:00Z", finishedAt: "2025-01-14T10:02:00Z"}}
  - name: exporter
    ready: true
    restartCount: 0
    state: {running: {startedAt: "2025-01-14T08:00:00Z"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: search-api, namespace: replay}
spec:
  replicas: 2
  selector: {matchLabels: {app: search-api}}
  template:
    metadata: {labels: {app: search-api}}
    spec:
      containers: [{name: api, image: "example.org/search-api:1.0.0"}]
`;

describe('sandbox replaying captured manifests and logs (--seed, --logs)', function () {
  this.timeout(60_000);
  let k: KubectlHarness;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'freelms-seed-'));
    mkdirSync(join(dir, 'seed'));
    mkdirSync(join(dir, 'logs', 'search-indexer-7d4f9-x2kqp'), { recursive: true });
    writeFileSync(join(dir, 'seed', 'captured.yaml'), CAPTURED_POD);
    writeFileSync(
      join(dir, 'seed', 'services.json'),
      JSON.stringify({
        kind: 'List',
        apiVersion: 'v1',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'search-api', namespace: 'replay' },
            spec: { ports: [{ port: 80 }], selector: { app: 'search-api' } },
          },
        ],
      }),
    );
    const lines = Array.from(
      { length: 50 },
      (_, i) => `2025-01-14T10:01:${String(i).padStart(2, '0')}Z INFO indexed batch ${i}`,
    );
    writeFileSync(
      join(dir, 'logs', 'search-indexer-7d4f9-x2kqp', 'indexer.log'),
      lines.join('\n') + '\n',
    );
    k = await KubectlHarness.start({ seedDir: join(dir, 'seed'), logsDir: join(dir, 'logs') });
  });

  after(async () => {
    await k.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a seeded pod exactly as it was captured', async () => {
    const row = parseTable(await k.ok(['get', 'pods', '-n', 'replay'])).get(
      'search-indexer-7d4f9-x2kqp',
    );
    assert.equal(row?.READY, '1/2');
    assert.equal(row?.STATUS, 'CrashLoopBackOff');
    assert.match(row?.RESTARTS ?? '', /^12 \(/);
  });

  it('runs a seeded Deployment like any other', async () => {
    await k.ok(['rollout', 'status', '-n', 'replay', 'deployment/search-api', '--timeout=30s'], {
      timeoutMs: 40_000,
    });
    await eventually(
      async () =>
        (await k.ok(['get', 'pods', '-n', 'replay', '-l', 'app=search-api', '--no-headers']))
          .trim()
          .split('\n').length === 2,
    );
    assert.match(await k.ok(['get', 'svc', '-n', 'replay']), /search-api\s+ClusterIP/);
  });

  it('serves the recorded log file with --tail and --since-time', async () => {
    const tail = await k.ok([
      'logs',
      '-n',
      'replay',
      'search-indexer-7d4f9-x2kqp',
      '-c',
      'indexer',
      '--tail',
      '3',
    ]);
    assert.equal(
      tail,
      '2025-01-14T10:01:47Z INFO indexed batch 47\n2025-01-14T10:01:48Z INFO indexed batch ' +
        '48\n2025-01-14T10:01:49Z INFO indexed batch 49\n',
    );
    const since = await k.ok([
      'logs',
      '-n',
      'replay',
      'search-indexer-7d4f9-x2kqp',
      '-c',
      'indexer',
      '--since-time',
      '2025-01-14T10:01:45Z',
    ]);
    assert.equal(since.trim().split('\n').length, 5);
  });
});

describe('sandbox Kubernetes API with faults switched on', function () {
  this.timeout(60_000);
  let k: KubectlHarness;

  before(async () => {
    k = await KubectlHarness.start({
      faults: [
        'kubernetes:GET /api/v1/namespaces/freelms/pods:503:times=1',
        'kubernetes:pods/*/log:cut=300',
      ],
    });
  });

  after(async () => {
    await k.stop();
  });

  it('answers kubectl with the faulted Status once, then normally', async () => {
    const failed = await k.run(['get', 'pods']);
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /Error from server \(ServiceUnavailable\)/);
    assert.match(await k.ok(['get', 'pods']), /api-gateway-/);
  });

  it('cuts a log stream part-way', async () => {
    const logs = await k.run(['logs', 'deploy/user-service']);
    assert.ok(logs.stdout.length <= 300, `at most the first 300 bytes, got ${logs.stdout.length}`);
  });
});
