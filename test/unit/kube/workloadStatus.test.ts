import assert from 'node:assert/strict';

import type { V1Deployment, V1Pod } from '@kubernetes/client-node';

import { groupOf } from '../../../src/platform/kube/podGrouping';
import {
  computeDeploymentStatus,
  computeStatefulSetStatus,
} from '../../../src/platform/kube/workloadStatus';

const deployment = (spec: object, status: object, generation = 3): V1Deployment =>
  ({
    metadata: {
      name: 'course-service',
      generation,
      annotations: { 'deployment.kubernetes.io/revision': '3' },
    },
    spec: { replicas: 2, ...spec },
    status: { observedGeneration: 3, ...status },
  }) as unknown as V1Deployment;

describe('Deployment rollout state as kubectl rollout status judges it', () => {
  it('calls a rollout that exceeded its progress deadline stalled and failing', () => {
    const d = computeDeploymentStatus(
      deployment(
        {},
        {
          replicas: 2,
          updatedReplicas: 1,
          readyReplicas: 1,
          availableReplicas: 1,
          unavailableReplicas: 1,
          conditions: [
            { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "course-service-6d4b75cb6d" has timed out progressing.',
            },
          ],
        },
      ),
    );
    assert.equal(d.rollout, 'stalled');
    assert.equal(d.health, 'failing');
    assert.equal(d.readyText, '1/2');
    assert.equal(d.revision, '3');
    assert.equal(d.rolloutMessage, 'deployment "course-service" exceeded its progress deadline');
  });

  it('waits for old replicas pending termination, then for updated replicas to be available', () => {
    const old = computeDeploymentStatus(
      deployment({}, { replicas: 3, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 }),
    );
    assert.match(old.rolloutMessage, /1 old replicas are pending termination/);
    const unavailable = computeDeploymentStatus(
      deployment({}, { replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 }),
    );
    assert.match(unavailable.rolloutMessage, /1 of 2 updated replicas are available/);
    assert.equal(unavailable.health, 'warning');
  });

  it('waits for the spec update to be observed before judging', () => {
    const d = computeDeploymentStatus(
      deployment(
        {},
        { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
        4,
      ),
    );
    assert.equal(d.rollout, 'progressing');
    assert.equal(d.rolloutMessage, 'Waiting for deployment spec update to be observed...');
  });

  it('says a paused rollout is paused, and a finished one is complete and healthy', () => {
    const paused = computeDeploymentStatus(
      deployment(
        { paused: true },
        { replicas: 2, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 },
      ),
    );
    assert.equal(paused.rollout, 'paused');
    assert.equal(paused.paused, true);
    const done = computeDeploymentStatus(
      deployment({}, { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }),
    );
    assert.equal(done.rollout, 'complete');
    assert.equal(done.health, 'healthy');
  });

  it('shows a StatefulSet with no ready replica as failing', () => {
    const s = computeStatefulSetStatus({
      metadata: { name: 'postgres' },
      spec: { replicas: 1 },
      status: { replicas: 1 },
    } as never);
    assert.equal(s.readyText, '0/1');
    assert.equal(s.health, 'failing');
  });
});

describe('which workload a pod is shown under', () => {
  const owned = (kind: string, name: string, labels: Record<string, string> = {}): V1Pod =>
    ({
      metadata: {
        name: 'x',
        labels,
        ownerReferences: [{ kind, name, controller: true, apiVersion: 'v1', uid: 'u' }],
      },
    }) as V1Pod;

  it('finds the Deployment of a ReplicaSet from the pod-template-hash label', () => {
    assert.deepEqual(
      groupOf(
        owned('ReplicaSet', 'course-service-6d4b75cb6d', { 'pod-template-hash': '6d4b75cb6d' }),
      ),
      ['Deployment', 'course-service'],
    );
  });

  it('keeps a ReplicaSet of its own, DaemonSet and Job pods under their owner, and bare pods apart', () => {
    assert.deepEqual(groupOf(owned('ReplicaSet', 'legacy-rs')), ['ReplicaSet', 'legacy-rs']);
    assert.deepEqual(groupOf(owned('DaemonSet', 'log-shipper')), ['DaemonSet', 'log-shipper']);
    assert.deepEqual(groupOf(owned('Job', 'db-migrate-29000000')), ['Job', 'db-migrate-29000000']);
    assert.deepEqual(groupOf({ metadata: { name: 'debug' } } as V1Pod), [
      'Standalone',
      'standalone pods',
    ]);
  });
});
