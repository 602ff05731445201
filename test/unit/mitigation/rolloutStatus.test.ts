import assert from 'node:assert/strict';

import type { KubeError } from '../../../src/platform/kube/errors';
import { undoRollout } from '../../../src/platform/kube/rollout';
import { followRollout } from '../../../src/platform/kube/rolloutStatus';
import type { RolloutProgress } from '../../../src/platform/kube/rolloutStatus';
import { startCluster } from './helpers';
import type { Cluster } from './helpers';

describe('rollout status (kubectl rollout status)', function () {
  this.timeout(30_000);
  let c: Cluster;
  beforeEach(async () => {
    c = await startCluster();
  });
  afterEach(async () => {
    await c.stop();
  });

  it('follows the rollback of the crashing api-gateway until it has successfully rolled out', async () => {
    assert.equal(c.sandbox.isApiGatewayReady(), false);
    await undoRollout(c.connection, 'api-gateway');
    const seen: RolloutProgress[] = [];
    const result = await followRollout(c.connection, 'api-gateway', {
      onProgress: (p) => seen.push(p),
      timeoutMs: 20_000,
    });
    assert.equal(result.outcome, 'complete');
    assert.equal(result.message, 'deployment "api-gateway" successfully rolled out');
    assert.equal(result.last?.revision, 4);
    const messages = seen.map((p) => p.message);
    const updating =
      /^Waiting for deployment "api-gateway" rollout to finish: \d out of 3 new replicas have been updated\.\.\.$/;
    assert.ok(
      messages.some((m) => updating.test(m)),
      messages.join('\n'),
    );
    assert.equal(new Set(messages).size, messages.length, 'each line reported once');
    assert.equal(c.sandbox.isApiGatewayReady(), true);
    const kubectl = await c.kubectl('rollout', 'status', 'deployment/api-gateway', '--timeout=5s');
    assert.equal(kubectl.out.trim(), result.message);
  });

  it('reports a rollout stuck past its progress deadline with the new pods’ reasons', async () => {
    const patched = await c.kubectl(
      'patch',
      'deployment/api-gateway',
      '-p',
      '{"spec":{"progressDeadlineSeconds":1}}',
    );
    assert.ok(patched.ok, patched.out);
    const result = await followRollout(c.connection, 'api-gateway', { timeoutMs: 20_000 });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.message, 'deployment "api-gateway" exceeded its progress deadline');
    assert.equal(result.podReasons.length, 3);
    for (const pod of result.podReasons) {
      assert.match(pod.pod, /^api-gateway-/);
      assert.match(`${pod.status} ${pod.lastTermination}`, /CrashLoopBackOff|OOMKilled/);
    }
    const kubectl = await c.kubectl('rollout', 'status', 'deployment/api-gateway', '--timeout=5s');
    assert.equal(kubectl.ok, false);
    assert.match(kubectl.out, /exceeded its progress deadline/);
  });

  /** A release whose new pods crash: a rollout that is under way for a while. */
  const badRelease = async () => {
    const set = await c.kubectl(
      'set',
      'image',
      'deployment/user-service',
      'user-service=registry.freelms.io/user-service:3.3.0-crash',
    );
    assert.ok(set.ok, set.out);
  };

  it('stops following when cancelled', async () => {
    await badRelease();
    const abort = new AbortController();
    const result = await followRollout(c.connection, 'user-service', {
      signal: abort.signal,
      onProgress: () => setTimeout(() => abort.abort(), 50),
    });
    assert.equal(result.outcome, 'cancelled');
    assert.match(result.last?.message ?? '', /Waiting for deployment "user-service"/);
  });

  it('gives up after its timeout and says which pods hold the rollout back', async () => {
    await badRelease();
    const result = await followRollout(c.connection, 'user-service', { timeoutMs: 1000 });
    assert.equal(result.outcome, 'timedOut');
    assert.match(result.message, /timed out waiting for the rollout of deployment "user-service"/);
    assert.ok(result.podReasons.length > 0);
    assert.ok(result.podReasons.every((p) => p.pod.startsWith('user-service-')));
  });

  it('keeps following across a failed watch request', async () => {
    c.sandbox.faults.addSpec(
      'kubernetes:GET /apis/apps/v1/namespaces/freelms/deployments:500:times=2',
    );
    await undoRollout(c.connection, 'api-gateway');
    const result = await followRollout(c.connection, 'api-gateway', {
      timeoutMs: 20_000,
      retryDelayMs: 20,
    });
    assert.equal(result.outcome, 'complete');
  });

  it('fails at once for a Deployment that does not exist', async () => {
    await assert.rejects(followRollout(c.connection, 'no-such-service'), (e: KubeError) => {
      assert.equal(e.kind, 'notFound');
      return true;
    });
  });
});
