/**
 * The ReplicaSet and StatefulSet controllers: keep the number of pods a set asks for, pick
 * which pods to delete as the real controller ranks them (unscheduled, pending, not ready,
 * most restarts, newest first), and report replicas/ready/available in the set's status.
 */
import type { SandboxClock } from './clock';
import { fnv1a, safeEncode } from './clock';
import type { EventRecorder } from './events';
import { deleteObject } from './ops';
import { objectKey, type ObjectStore } from './store';
import { controllerOf, deepClone, type KObject } from './types';
import { WorkQueue } from './workqueue';

export function isPodReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );
}

export function isPodActive(pod: KObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

/** The `ownerReferences` that make `owner` the controller of an object (as kube-controller-manager sets them). */
export function ownerRef(owner: KObject): KObject['metadata']['ownerReferences'] {
  return [
    {
      apiVersion: owner.apiVersion,
      kind: owner.kind,
      name: owner.metadata.name,
      uid: owner.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

/** A pod made from a set's template, owned by the set. */
export function podFromTemplate(
  owner: KObject,
  name: string,
  extraLabels: Record<string, string> = {},
): KObject {
  const template = deepClone(owner.spec.template ?? {});
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(template.metadata ?? {}),
      name,
      namespace: owner.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
      ownerReferences: ownerRef(owner),
    } as KObject['metadata'],
    spec: template.spec,
  };
}

function rank(pod: KObject): number[] {
  const scheduled = pod.spec?.nodeName ? 1 : 0;
  const running = pod.status?.phase === 'Running' ? 1 : 0;
  const ready = isPodReady(pod) ? 1 : 0;
  const restarts = (pod.status?.containerStatuses ?? []).reduce(
    (n: number, c: { restartCount?: number }) => n + (c.restartCount ?? 0),
    0,
  );
  const created = Date.parse(pod.metadata.creationTimestamp) || 0;
  return [scheduled, running, ready, -restarts, -created];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export class ReplicaSetController {
  private readonly queue = new WorkQueue((key) => this.sync(key));
  private unsubscribe?: () => void;
  private suffixCounter = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SandboxClock,
    private readonly events: EventRecorder,
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((event) => {
      if (event.resource === 'replicasets' || event.resource === 'statefulsets') {
        if (event.type !== 'DELETED')
          this.queue.add(
            `${event.resource}|${objectKey(event.object.metadata.namespace, event.object.metadata.name)}`,
          );
      } else if (event.resource === 'pods') {
        const owner = controllerOf(event.object);
        if (owner?.kind === 'ReplicaSet')
          this.queue.add(`replicasets|${objectKey(event.object.metadata.namespace, owner.name)}`);
        if (owner?.kind === 'StatefulSet')
          this.queue.add(`statefulsets|${objectKey(event.object.metadata.namespace, owner.name)}`);
      }
    });
    for (const rs of this.store.list('replicasets'))
      this.queue.add(`replicasets|${objectKey(rs.metadata.namespace, rs.metadata.name)}`);
    for (const sts of this.store.list('statefulsets'))
      this.queue.add(`statefulsets|${objectKey(sts.metadata.namespace, sts.metadata.name)}`);
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private sync(queueKey: string): void {
    const [resource, key] = queueKey.split('|') as [string, string];
    const [namespace, name] = key.split('/') as [string, string];
    const set = this.store.get(resource, namespace, name);
    if (!set || set.metadata.deletionTimestamp) return;
    if (resource === 'replicasets') this.syncReplicaSet(set);
    else this.syncStatefulSet(set);
  }

  private owned(set: KObject): KObject[] {
    return this.store
      .ownedBy(set.metadata.uid, 'pods')
      .filter((p) => controllerOf(p)?.uid === set.metadata.uid);
  }

  private syncReplicaSet(rs: KObject): void {
    const pods = this.owned(rs);
    const active = pods.filter(isPodActive);
    const desired = rs.spec?.replicas ?? 1;
    const diff = active.length - desired;
    if (diff < 0) {
      for (let i = 0; i < -diff; i++) {
        const seed = fnv1a(`${rs.metadata.uid}/${this.suffixCounter++}/${this.clock.now()}`);
        const name = `${rs.metadata.name}-${safeEncode(seed, 5)}`;
        if (this.store.get('pods', rs.metadata.namespace, name)) continue;
        const pod = this.store.create('pods', podFromTemplate(rs, name));
        active.push(pod);
        this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, {
          component: 'replicaset-controller',
        });
      }
    } else if (diff > 0) {
      const victims = [...active].sort((a, b) => compareRank(rank(a), rank(b))).slice(0, diff);
      for (const pod of victims) {
        deleteObject(this.store, this.clock, 'pods', pod.metadata.namespace, pod.metadata.name);
        this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, {
          component: 'replicaset-controller',
        });
      }
    }
    const current = this.owned(rs).filter(isPodActive);
    const ready = current.filter(isPodReady).length;
    this.store.mutate('replicasets', rs.metadata.namespace, rs.metadata.name, (obj) => {
      const status: Record<string, unknown> = {
        replicas: current.length,
        fullyLabeledReplicas: current.length,
        readyReplicas: ready,
        availableReplicas: ready,
        terminatingReplicas: this.owned(rs).filter((p) => p.metadata.deletionTimestamp).length,
        observedGeneration: obj.metadata.generation ?? 1,
      };
      for (const field of [
        'fullyLabeledReplicas',
        'readyReplicas',
        'availableReplicas',
        'terminatingReplicas',
      ]) {
        if (status[field] === 0) delete status[field];
      }
      obj.status = status;
    });
  }

  /** Pods `<name>-0…<name>-N-1`, created in order and removed from the highest ordinal. */
  private syncStatefulSet(sts: KObject): void {
    const desired = sts.spec?.replicas ?? 1;
    const pods = this.owned(sts);
    const byName = new Map(pods.map((p) => [p.metadata.name, p]));
    const revision = `${sts.metadata.name}-${safeEncode(fnv1a(JSON.stringify(sts.spec?.template ?? {})), 10)}`;
    for (let i = 0; i < desired; i++) {
      const name = `${sts.metadata.name}-${i}`;
      const existing = byName.get(name);
      if (existing) {
        if (!isPodReady(existing) && sts.spec?.podManagementPolicy !== 'Parallel') break;
        continue;
      }
      if (this.store.get('pods', sts.metadata.namespace, name)) break;
      this.store.create(
        'pods',
        podFromTemplate(sts, name, {
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(i),
          'controller-revision-hash': revision,
        }),
      );
      this.events.record(
        sts,
        'Normal',
        'SuccessfulCreate',
        `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`,
        { component: 'statefulset-controller' },
      );
      break;
    }
    for (const pod of pods) {
      const ordinal = Number(pod.metadata.name.slice(sts.metadata.name.length + 1));
      if (ordinal >= desired && isPodActive(pod)) {
        deleteObject(this.store, this.clock, 'pods', pod.metadata.namespace, pod.metadata.name);
      }
    }
    const current = this.owned(sts).filter(isPodActive);
    const ready = current.filter(isPodReady).length;
    this.store.mutate('statefulsets', sts.metadata.namespace, sts.metadata.name, (obj) => {
      obj.status = {
        observedGeneration: obj.metadata.generation ?? 1,
        replicas: current.length,
        readyReplicas: ready,
        currentReplicas: current.length,
        updatedReplicas: current.length,
        availableReplicas: ready,
        currentRevision: revision,
        updateRevision: revision,
        collisionCount: 0,
      };
    });
  }
}
