import assert from 'node:assert/strict';

import type { KubeError } from '../../../src/platform/kube/errors';
import {
  readReplicas,
  scaleAction,
  scaleDeployment,
  validateReplicas,
  waitForReplicas,
} from '../../../src/platform/kube/scale';
import type { ScaleError } from '../../../src/platform/kube/scale';
import { startCluster } from './helpers';
import type { Cluster } from './helpers';

describe('scale (kubectl scale)', function () {
  this.timeout(30_000);

  describe('checking the new count', () => {
    it('refuses a negative or fractional count', () => {
      for (const to of [-1, 2.5, Number.NaN]) {
        assert.throws(
          () => validateReplicas('payment-service', 2, to),
          (e: ScaleError) => e.kind === 'invalidCount' && /whole number, 0 or more/.test(e.message),
        );
      }
    });

    it('warns before scaling to zero, as the service goes down', () => {
      const warnings = validateReplicas('payment-service', 2, 0);
      assert.deepEqual(
        warnings.map((w) => w.kind),
        ['zero'],
      );
      assert.match(warnings[0]!.message, /stops all 2 of its pods/);
    });

    it('warns on large jumps up and down but not on the runbook’s 2 → 5', () => {
      assert.deepEqual(validateReplicas('api-gateway', 2, 5), []);
      assert.deepEqual(
        validateReplicas('api-gateway', 3, 30).map((w) => w.kind),
        ['largeIncrease'],
      );
      assert.deepEqual(
        validateReplicas('api-gateway', 30, 3).map((w) => w.kind),
        ['largeDecrease'],
      );
      assert.deepEqual(validateReplicas('api-gateway', 0, 3), []);
    });
  });

  describe('against the sandbox', () => {
    let c: Cluster;
    beforeEach(async () => {
      c = await startCluster();
    });
    afterEach(async () => {
      await c.stop();
    });

    it('scales payment-service up to 5 through the scale subresource and follows it to ready', async () => {
      assert.deepEqual(await readReplicas(c.connection, 'payment-service'), {
        deployment: 'payment-service',
        desired: 2,
        ready: 2,
        available: 2,
        current: 2,
      });
      const result = await scaleDeployment(c.connection, 'payment-service', 5);
      assert.deepEqual(scaleAction(result), {
        kind: 'scale',
        deployment: 'payment-service',
        fromReplicas: 2,
        toReplicas: 5,
      });
      const seen: number[] = [];
      const ready = await waitForReplicas(c.connection, 'payment-service', 5, {
        timeoutMs: 15_000,
        pollMs: 50,
        onProgress: (counts) => seen.push(counts.available),
      });
      assert.equal(ready.outcome, 'ready');
      assert.equal(ready.counts.available, 5);
      assert.ok(seen.length >= 2);
      const kubectl = await c.kubectl(
        'get',
        'deployment/payment-service',
        '-o',
        'jsonpath={.spec.replicas} {.status.readyReplicas}',
      );
      assert.equal(kubectl.out, '5 5');
    });

    it('scales down to zero and waits until the pods are gone', async () => {
      await scaleDeployment(c.connection, 'user-service', 0);
      const result = await waitForReplicas(c.connection, 'user-service', 0, {
        timeoutMs: 15_000,
        pollMs: 50,
      });
      assert.equal(result.outcome, 'ready');
      assert.equal(result.counts.current, 0);
    });

    it('times out when the new pods never become ready', async () => {
      await scaleDeployment(c.connection, 'api-gateway', 4);
      const result = await waitForReplicas(c.connection, 'api-gateway', 4, {
        timeoutMs: 400,
        pollMs: 50,
      });
      assert.equal(result.outcome, 'timedOut');
      assert.match(result.message, /has 0 of 4 replicas available/);
    });

    it('stops following when cancelled', async () => {
      await scaleDeployment(c.connection, 'api-gateway', 4);
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      const result = await waitForReplicas(c.connection, 'api-gateway', 4, {
        timeoutMs: 10_000,
        pollMs: 20,
        signal: abort.signal,
      });
      assert.equal(result.outcome, 'cancelled');
    });

    it('explains a 403 on the scale subresource', async () => {
      c.sandbox.faults.addSpec(
        'kubernetes:PATCH /apis/apps/v1/namespaces/freelms/deployments/*/scale:403',
      );
      await assert.rejects(scaleDeployment(c.connection, 'payment-service', 5), (e: KubeError) => {
        assert.equal(e.kind, 'forbidden');
        assert.match(e.message, /not allowed to patch/);
        return true;
      });
      assert.equal((await readReplicas(c.connection, 'payment-service')).desired, 2);
    });

    it('reports a Deployment that does not exist and a 409 conflict', async () => {
      await assert.rejects(
        scaleDeployment(c.connection, 'nope', 1),
        (e: KubeError) => e.kind === 'notFound',
      );
      c.sandbox.faults.addSpec(
        'kubernetes:PATCH /apis/apps/v1/namespaces/freelms/deployments/*/scale:409',
      );
      await assert.rejects(
        scaleDeployment(c.connection, 'payment-service', 3),
        (e: KubeError) => e.kind === 'conflict',
      );
    });
  });
});
