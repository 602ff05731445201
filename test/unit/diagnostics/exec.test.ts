import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { silentLog } from '../../../src/common/log';
import { connect } from '../../../src/platform/kube/connection';
import { loadKubeconfig } from '../../../src/platform/kube/kubeconfig';

import type { KubeError } from '../../../src/platform/kube/errors';
import { execInPod } from '../../../src/platform/kube/exec';
import { startCluster } from '../mitigation/helpers';
import type { Cluster } from '../mitigation/helpers';

describe('running a command in a pod (kubectl exec)', function () {
  this.timeout(20_000);
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c.stop();
  });
  afterEach(() => c.sandbox.faults.clear());

  it('collects what the command prints in the default container', async () => {
    const result = await execInPod(c.connection, 'redis-0', ['hostname']);
    assert.deepEqual([result.stdout.trim(), result.exitCode], ['redis-0', 0]);
  });

  it('reports a non-zero exit as a result with its code, as kubectl does', async () => {
    const result = await execInPod(c.connection, 'redis-0', ['sh', '-c', 'exit 3']);
    assert.equal(result.exitCode, 3);
    const kubectl = await c.kubectl('exec', 'redis-0', '--', 'sh', '-c', 'exit 3');
    assert.equal(kubectl.ok, false);
    assert.match(kubectl.out, /exit code 3/);
  });

  it('fails for a pod that does not exist and for a container that is not in the pod', async () => {
    await assert.rejects(
      execInPod(c.connection, 'redis-9', ['hostname']),
      (e: KubeError) => e.kind === 'notFound' && /redis-9/.test(e.message),
    );
    await assert.rejects(
      execInPod(c.connection, 'redis-0', ['hostname'], { container: 'nope' }),
      (e: KubeError) =>
        e.kind === 'badRequest' && /container "nope" of pod redis-0/.test(e.message),
    );
  });

  it('says the result is unknown when the connection drops before the command ends', async () => {
    c.sandbox.faults.addSpec('kubernetes:exec:cut=10:times=2');
    await assert.rejects(
      execInPod(c.connection, 'redis-0', ['redis-cli', 'INFO']),
      (e: KubeError) =>
        e.kind === 'unreachable' &&
        /closed before `redis-cli INFO` in redis-0 \(namespace freelms, context \S+\) finished/.test(
          e.message,
        ) &&
        /whether it ran is unknown/.test(e.message),
    );
    const kubectl = await c.kubectl('exec', 'redis-0', '--', 'redis-cli', 'INFO');
    assert.equal(kubectl.ok, false, 'kubectl fails on the same cut');
    const after = await execInPod(c.connection, 'redis-0', ['redis-cli', 'INFO']);
    assert.match(after.stdout, /^redis_version:/m, 'the next run, without the fault, works');
  });

  it('explains an exec the cluster refuses', async () => {
    c.sandbox.faults.addSpec('kubernetes:exec:403:times=1');
    await assert.rejects(
      execInPod(c.connection, 'redis-0', ['hostname']),
      (e: KubeError) => e.kind === 'forbidden' && e.httpStatus === 403,
    );
  });

  it('gives up at its timeout on an upgrade the cluster holds unanswered, or when cancelled', async () => {
    c.sandbox.faults.addSpec('kubernetes:exec:timeout');
    const started = Date.now();
    await assert.rejects(
      execInPod(c.connection, 'redis-0', ['hostname'], { container: 'redis', timeoutMs: 500 }),
      (e: KubeError) =>
        e.kind === 'unreachable' &&
        /`hostname` in redis-0 .* gave no result within 0.5 s/.test(e.message),
    );
    assert.ok(Date.now() - started < 5000, 'ended at the timeout');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    await assert.rejects(
      execInPod(c.connection, 'redis-0', ['hostname'], { signal: abort.signal }),
      (e: KubeError) => e.kind === 'cancelled',
    );
  });

  it('gives up at its timeout when finding the pod’s container hangs', async () => {
    c.sandbox.faults.addSpec('kubernetes:GET /api/v1/namespaces/freelms/pods/redis-0:timeout');
    await assert.rejects(
      execInPod(c.connection, 'redis-0', ['hostname'], { timeoutMs: 500 }),
      (e: KubeError) =>
        e.kind === 'unreachable' &&
        /`hostname` was not run in redis-0 .*no answer within 0.5 s/.test(e.message),
    );
  });

  it('says a command cancelled after its request went out may already have run', async () => {
    c.sandbox.faults.addSpec('kubernetes:exec:latency=600:times=1');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    await assert.rejects(
      execInPod(c.connection, 'redis-0', ['redis-cli', 'SET', 'freelms-exec-probe', 'ran'], {
        container: 'redis',
        signal: abort.signal,
      }),
      (e: KubeError) => e.kind === 'cancelled' && /may already have run in redis-0/.test(e.message),
    );
  });

  it('gives up at its timeout while a credential plugin is still signing in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'freelms-exec-auth-'));
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    const plugin = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'sh',
      args: ['-c', 'sleep 5; echo \'{"kind":"ExecCredential","status":{"token":"t"}}\''],
      interactiveMode: 'Never',
    };
    const config = readFileSync(c.sandbox.endpoints.kubeconfig, 'utf8').replace(
      'user: {}',
      `user: ${JSON.stringify({ exec: plugin })}`,
    );
    writeFileSync(kubeconfig, config);
    const slow = connect(
      loadKubeconfig({ kubeconfigPath: kubeconfig }),
      { context: c.sandbox.endpoints.context, namespace: c.sandbox.endpoints.namespace },
      { log: silentLog },
    );
    const started = Date.now();
    await assert.rejects(
      execInPod(slow, 'redis-0', ['hostname'], { container: 'redis', timeoutMs: 500 }),
      (e: KubeError) => e.kind === 'unreachable' && /was not run/.test(e.message),
    );
    assert.ok(Date.now() - started < 3000, `ended after ${Date.now() - started} ms`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the cluster cannot be reached when the connection fails, naming the cause', async () => {
    const gone = await startCluster();
    await gone.stop();
    await assert.rejects(
      execInPod(gone.connection, 'redis-0', ['hostname'], { container: 'redis' }),
      (e: KubeError) => e.kind === 'unreachable' && /connection refused/.test(e.message),
    );
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(
      execInPod(c.connection, 'redis-0', ['hostname'], { signal: abort.signal }),
      (e: KubeError) => e.kind === 'cancelled',
    );
  });
});
