import assert from 'node:assert/strict';

import { startSandbox, type Sandbox } from '../../../sandbox/index';
import { FAST_TIMINGS } from './kube-harness';
import { apiClient } from './kube-http';

/** The API as any client sees it over HTTP, writing: patch types, the scale subresource, revisions. */
describe('sandbox Kubernetes API over HTTP, writes', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let base: string;
  const { get, send } = apiClient(() => base);

  beforeEach(async () => {
    sandbox = await startSandbox({ timings: FAST_TIMINGS, watchHistory: 200 });
    base = sandbox.endpoints.kubernetes;
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  /** A strategic merge patch of a Deployment that sets one container's image, as kubectl set image sends. */
  const setImage = (path: string, container: string, image: string) =>
    send(
      'PATCH',
      path,
      { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
      'application/strategic-merge-patch+json',
    );

  it('applies JSON, merge and strategic merge patches, and refuses an unknown patch type', async () => {
    const path = '/apis/apps/v1/namespaces/freelms/deployments/payment-service';
    const json = await send(
      'PATCH',
      path,
      [
        { op: 'replace', path: '/spec/revisionHistoryLimit', value: 3 },
        { op: 'add', path: '/metadata/labels/tier', value: 'backend' },
      ],
      'application/json-patch+json',
    );
    assert.equal(json.status, 200);
    assert.equal(json.body.spec.revisionHistoryLimit, 3);
    assert.equal(json.body.metadata.labels.tier, 'backend');

    const failedTest = await send(
      'PATCH',
      path,
      [{ op: 'test', path: '/spec/replicas', value: 99 }],
      'application/json-patch+json',
    );
    assert.equal(failedTest.status, 422);

    const merge = await send(
      'PATCH',
      path,
      { metadata: { labels: { tier: null } }, spec: { minReadySeconds: 5 } },
      'application/merge-patch+json',
    );
    assert.equal(merge.body.metadata.labels.tier, undefined);
    assert.equal(merge.body.spec.minReadySeconds, 5);

    const strategic = await setImage(
      path,
      'payment-service',
      'registry.freelms.io/payment-service:1.5.1',
    );
    const container = strategic.body.spec.template.spec.containers[0];
    assert.equal(container.image, 'registry.freelms.io/payment-service:1.5.1');
    assert.ok(container.env.length > 0, 'the rest of the container is kept: lists merge by name');
    assert.equal(
      strategic.body.metadata.generation,
      merge.body.metadata.generation + 1,
      'a spec change bumps the generation',
    );

    const apply = await send('PATCH', path, 'spec: {}', 'application/apply-patch+yaml');
    assert.equal(apply.status, 415);
    assert.equal(apply.body.reason, 'UnsupportedMediaType');
  });

  it('scales through the scale subresource and answers with an autoscaling/v1 Scale', async () => {
    const scale = await send(
      'PATCH',
      '/apis/apps/v1/namespaces/freelms/deployments/course-service/scale',
      { spec: { replicas: 5 } },
      'application/merge-patch+json',
    );
    assert.equal(scale.status, 200);
    assert.equal(scale.body.kind, 'Scale');
    assert.equal(scale.body.apiVersion, 'autoscaling/v1');
    assert.equal(scale.body.spec.replicas, 5);
    assert.equal(scale.body.status.selector, 'app=course-service');
    const negative = await send(
      'PUT',
      '/apis/apps/v1/namespaces/freelms/deployments/course-service/scale',
      { spec: { replicas: -1 } },
    );
    assert.equal(negative.status, 422);
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const path = '/apis/apps/v1/namespaces/freelms/deployments/user-service';
    await send(
      'PATCH',
      path,
      { spec: { revisionHistoryLimit: 1 } },
      'application/merge-patch+json',
    );
    for (const version of ['3.3.0', '3.3.1']) {
      await setImage(path, 'user-service', `registry.freelms.io/user-service:${version}`);
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const d = (await get(path)).body;
        if (
          d.status.updatedReplicas === 2 &&
          d.status.availableReplicas === 2 &&
          d.status.replicas === 2
        )
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const deadline = Date.now() + 10_000;
    let sets: Array<{ metadata: { annotations: Record<string, string> } }> = [];
    while (Date.now() < deadline) {
      sets = (
        await get('/apis/apps/v1/namespaces/freelms/replicasets?labelSelector=app%3Duser-service')
      ).body.items;
      if (sets.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(
      sets.map((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision']).sort(),
      ['4', '5'],
    );
  });
});
