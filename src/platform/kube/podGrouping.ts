import type { V1Pod } from '@kubernetes/client-node';

import type { PodHealth } from './podStatus';

/** The kinds of owner a pod is shown under; `Standalone` gathers pods without a controller. */
export type GroupKind =
  'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'ReplicaSet' | 'Standalone';

/** The name of the group of pods without a controller. */
export const STANDALONE = 'standalone pods';

/**
 * The workload a pod belongs to, from its controller ownerReference. A ReplicaSet made by a
 * Deployment is named `<deployment>-<pod-template-hash>`, and its pods carry that hash as a
 * label, so the Deployment is known without watching ReplicaSets; a ReplicaSet of another
 * origin stays a group of its own. The pods of a CronJob are grouped per Job, not under the
 * CronJob, because Jobs are not watched.
 */
export function groupOf(pod: V1Pod): [GroupKind, string] {
  const owner =
    pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (!owner) {
    return ['Standalone', STANDALONE];
  }
  switch (owner.kind) {
    case 'ReplicaSet': {
      const hash = pod.metadata?.labels?.['pod-template-hash'];
      if (hash && owner.name.endsWith(`-${hash}`)) {
        return ['Deployment', owner.name.slice(0, -hash.length - 1)];
      }
      return ['ReplicaSet', owner.name];
    }
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return [owner.kind, owner.name];
    default:
      return ['Standalone', STANDALONE];
  }
}

/**
 * Keeps only what the status, grouping and log panel read, so 10,000 pods cost a few megabytes
 * rather than the hundreds that managedFields, volumes and env would take.
 */
export function slimPod(pod: V1Pod): V1Pod {
  const m = pod.metadata ?? {};
  const container = (c: { name: string; restartPolicy?: string }) =>
    c.restartPolicy ? { name: c.name, restartPolicy: c.restartPolicy } : { name: c.name };
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
      deletionTimestamp: m.deletionTimestamp,
      labels: m.labels,
      ownerReferences: m.ownerReferences,
    },
    spec: {
      nodeName: pod.spec?.nodeName,
      initContainers: pod.spec?.initContainers?.map(container),
      containers: (pod.spec?.containers ?? []).map(container),
    },
    status: pod.status,
  } as V1Pod;
}

const RANK: Record<PodHealth, number> = { failing: 3, warning: 2, healthy: 1, done: 0 };

/** The more worrying of two health classes. */
export function worst(a: PodHealth, b: PodHealth): PodHealth {
  return RANK[a] >= RANK[b] ? a : b;
}
