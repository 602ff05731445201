import assert from 'node:assert/strict';

import { KubeError } from '../../../src/platform/kube/errors';
import { connect } from '../../../src/platform/kube/connection';
import { loadKubeconfig } from '../../../src/platform/kube/kubeconfig';
import { rollbackAction, rolloutHistory, undoRollout } from '../../../src/platform/kube/rollout';
import type { RolloutError } from '../../../src/platform/kube/rollout';
import { startCluster, until } from './helpers';
import type { Cluster } from './helpers';

const NS = 'freelms';

/** JSON with sorted keys: Go and JavaScript write object keys in different orders. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** What a rollback changes on a Deployment: its template and annotations, and its revision. */
function rolledBackState(c: Cluster, name: string) {
  const d = c.sandbox.store.get('deployments', NS, name);
  return sortedJson({
    annotations: d?.metadata.annotations,
    generation: d?.metadata.generation,
    spec: d?.spec,
  });
}

/** Waits until the Deployment controller has taken the change in (revision bumped). */
async function settled(c: Cluster, name: string) {
  await until(() => {
    const d = c.sandbox.store.get('deployments', NS, name);
    return (d?.status?.observedGeneration ?? 0) >= (d?.metadata.generation ?? 0);
  });
}

const historyLines = (out: string) => out.trim().split('\n').slice(1).join('\n');

describe('rollback (kubectl rollout undo)', function () {
  this.timeout(30_000);
  const clusters: Cluster[] = [];
  const cluster = async () => {
    const c = await startCluster();
    clusters.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clusters.splice(0).map((c) => c.stop()));
  });

  it('lists the history with revision, change-cause, images and age, as kubectl does', async () => {
    const c = await cluster();
    const history = await rolloutHistory(c.connection, 'api-gateway');
    assert.deepEqual(
      history.revisions.map((r) => [r.revision, r.changeCause, r.images[0], r.current]),
      [
        [1, 'Release 2.3.0: tenant routing', 'registry.freelms.io/api-gateway:2.3.0', false],
        [
          2,
          'Release 2.4.0: per-tenant rate limiting',
          'registry.freelms.io/api-gateway:2.4.0',
          false,
        ],
        [
          3,
          'Release 2.4.1: response cache for course catalogue',
          'registry.freelms.io/api-gateway:2.4.1',
          true,
        ],
      ],
    );
    assert.equal(history.currentRevision, 3);
    assert.equal(history.revisions[2]!.age, '25m');
    const kubectl = await c.kubectl('rollout', 'history', 'deployment/api-gateway');
    const listed = history.revisions.map((r) => `${r.revision}\t${r.changeCause}`).join('\n');
    assert.equal(
      historyLines(kubectl.out)
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/\s{2,}/, '\t'))
        .join('\n'),
      listed,
    );
  });

  for (const toRevision of [undefined, 1]) {
    const label = toRevision ? `--to-revision=${toRevision}` : 'the previous revision';
    it(`rolls back to ${label} leaving the Deployment exactly as kubectl's undo does`, async () => {
      const [ours, theirs] = [await cluster(), await cluster()];
      const result = await undoRollout(ours.connection, 'api-gateway', { toRevision });
      const args = toRevision ? [`--to-revision=${toRevision}`] : [];
      const kubectl = await theirs.kubectl('rollout', 'undo', 'deployment/api-gateway', ...args);
      assert.ok(kubectl.ok, kubectl.out);
      assert.equal(result.message, kubectl.out.trim());
      assert.equal(result.outcome, 'rolledBack');
      assert.equal(result.fromRevision, 3);
      assert.equal(result.toRevision, toRevision ?? 2);
      await Promise.all([settled(ours, 'api-gateway'), settled(theirs, 'api-gateway')]);
      assert.equal(rolledBackState(ours, 'api-gateway'), rolledBackState(theirs, 'api-gateway'));
      const [a, b] = await Promise.all([
        ours.kubectl('rollout', 'history', 'deployment/api-gateway'),
        theirs.kubectl('rollout', 'history', 'deployment/api-gateway'),
      ]);
      assert.equal(a.out, b.out);
      assert.match(a.out, new RegExp(`4\\s+${result.changeCause}`));
      assert.deepEqual(rollbackAction(result), {
        kind: 'rollback',
        deployment: 'api-gateway',
        fromRevision: 3,
        toRevision: toRevision ?? 2,
        changeCause: result.changeCause,
      });
    });
  }

  it('rolls a rollback back again the same way kubectl does', async () => {
    const [ours, theirs] = [await cluster(), await cluster()];
    for (let i = 0; i < 2; i++) {
      await undoRollout(ours.connection, 'api-gateway');
      const kubectl = await theirs.kubectl('rollout', 'undo', 'deployment/api-gateway');
      assert.ok(kubectl.ok, kubectl.out);
      await Promise.all([settled(ours, 'api-gateway'), settled(theirs, 'api-gateway')]);
    }
    assert.equal(rolledBackState(ours, 'api-gateway'), rolledBackState(theirs, 'api-gateway'));
    const history = await rolloutHistory(ours.connection, 'api-gateway');
    assert.deepEqual(
      history.revisions.map((r) => [r.revision, r.images[0]?.split(':')[1], r.current]),
      [
        [1, '2.3.0', false],
        [4, '2.4.0', false],
        [5, '2.4.1', true],
      ],
    );
  });

  it('checks a rollback with a server dry run and changes nothing', async () => {
    const c = await cluster();
    const before = rolledBackState(c, 'api-gateway');
    const result = await undoRollout(c.connection, 'api-gateway', { dryRun: true });
    assert.equal(result.outcome, 'dryRun');
    assert.deepEqual(result.toImages, [
      'registry.freelms.io/api-gateway:2.4.0',
      'envoyproxy/envoy:v1.31.2',
    ]);
    assert.equal(rolledBackState(c, 'api-gateway'), before);
  });

  it('refuses when the Deployment has no earlier revision, as kubectl does', async () => {
    const c = await cluster();
    // POSTed as JSON: `kubectl create deployment` sends protobuf, which the sandbox does not read.
    const labels = { app: 'solo' };
    const created = await fetch(
      `${c.sandbox.endpoints.kubernetes}/apis/apps/v1/namespaces/${NS}/deployments`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'solo', labels },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: { containers: [{ name: 'solo', image: 'nginx:1.27' }] },
            },
          },
        }),
      },
    );
    assert.equal(created.status, 201, await created.text());
    await until(async () => (await rolloutHistory(c.connection, 'solo')).revisions.length === 1);
    const kubectl = await c.kubectl('rollout', 'undo', 'deployment/solo');
    assert.match(kubectl.out, /no rollout history found for deployment "solo"/);
    await assert.rejects(undoRollout(c.connection, 'solo'), (e: RolloutError) => {
      assert.equal(e.kind, 'noHistory');
      assert.match(e.message, /no rollout history found for deployment "solo"/);
      return true;
    });
  });

  it('skips the rollback when the Deployment already runs that revision', async () => {
    const c = await cluster();
    const before = rolledBackState(c, 'api-gateway');
    const result = await undoRollout(c.connection, 'api-gateway', { toRevision: 3 });
    assert.equal(result.outcome, 'skipped');
    const kubectl = await c.kubectl('rollout', 'undo', 'deployment/api-gateway', '--to-revision=3');
    assert.equal(result.message, kubectl.out.trim());
    assert.equal(rolledBackState(c, 'api-gateway'), before);
  });

  it('refuses a paused Deployment and says how to resume it, as kubectl does', async () => {
    const c = await cluster();
    const paused = await c.kubectl('rollout', 'pause', 'deployment/api-gateway');
    assert.ok(paused.ok, paused.out);
    const before = rolledBackState(c, 'api-gateway');
    const kubectl = await c.kubectl('rollout', 'undo', 'deployment/api-gateway');
    assert.match(kubectl.out, /you cannot rollback a paused deployment/);
    await assert.rejects(undoRollout(c.connection, 'api-gateway'), (e: RolloutError) => {
      assert.equal(e.kind, 'paused');
      assert.match(e.message, /you cannot rollback a paused deployment/);
      assert.match(e.message, /kubectl rollout resume deployment\/api-gateway -n freelms/);
      return true;
    });
    assert.equal(rolledBackState(c, 'api-gateway'), before);
  });

  it('refuses a revision no longer in history and lists those that are', async () => {
    const c = await cluster();
    const kubectl = await c.kubectl('rollout', 'undo', 'deployment/api-gateway', '--to-revision=9');
    assert.match(kubectl.out, /unable to find specified revision 9 in history/);
    await assert.rejects(
      undoRollout(c.connection, 'api-gateway', { toRevision: 9 }),
      (e: RolloutError) => {
        assert.equal(e.kind, 'revisionNotFound');
        assert.deepEqual(e.revisions, [1, 2, 3]);
        assert.match(e.message, /unable to find specified revision 9 in history/);
        assert.match(e.message, /\(namespace freelms, context freelms-sandbox\)/);
        assert.match(e.message, /Revisions in history: 1, 2, 3; pick one of them/);
        return true;
      },
    );
    await assert.rejects(
      undoRollout(c.connection, 'api-gateway', { toRevision: -1 }),
      (e: RolloutError) => e.kind === 'revisionNotFound',
    );
  });

  it('explains a 403 on the patch and logs the failed request', async () => {
    const c = await cluster();
    c.sandbox.faults.addSpec('kubernetes:PATCH /apis/apps/v1/namespaces/freelms/deployments/*:403');
    await assert.rejects(undoRollout(c.connection, 'api-gateway'), (e: KubeError) => {
      assert.ok(e instanceof KubeError);
      assert.equal(e.kind, 'forbidden');
      assert.match(e.message, /not allowed to patch deployments/);
      return true;
    });
    assert.ok(
      c.lines.some((l) => /warn .*patch deployments\/api-gateway in freelms .* 403/.test(l)),
    );
  });

  it('reports a 409 conflict as changed by someone else', async () => {
    const c = await cluster();
    c.sandbox.faults.addSpec('kubernetes:PATCH /apis/apps/v1/namespaces/freelms/deployments/*:409');
    await assert.rejects(undoRollout(c.connection, 'api-gateway'), (e: KubeError) => {
      assert.equal(e.kind, 'conflict');
      assert.match(e.message, /changed by someone else/);
      return true;
    });
  });

  it('reports a Deployment that does not exist', async () => {
    const c = await cluster();
    await assert.rejects(undoRollout(c.connection, 'no-such-service'), (e: KubeError) => {
      assert.equal(e.kind, 'notFound');
      assert.match(e.message, /no-such-service/);
      return true;
    });
  });

  it('reports an unreachable API server', async () => {
    const c = await cluster();
    const kubeconfig = c.sandbox.endpoints.kubeconfig;
    await c.stop();
    clusters.splice(clusters.indexOf(c), 1);
    const connection = connect(
      loadKubeconfig({ kubeconfigPath: kubeconfig }),
      { context: 'freelms-sandbox', namespace: NS },
      { log: c.connection.log },
    );
    await assert.rejects(undoRollout(connection, 'api-gateway'), (e: KubeError) => {
      assert.equal(e.kind, 'unreachable');
      return true;
    });
  });
});
