/**
 * The Deployment controller, after the real one: a template change makes a new ReplicaSet
 * with the next `deployment.kubernetes.io/revision` (a rollback revives the old ReplicaSet
 * and gives it the next revision), `kubernetes.io/change-cause` is copied to it, pods are
 * rolled over within maxSurge/maxUnavailable (or all at once for Recreate), old ReplicaSets
 * beyond `revisionHistoryLimit` are deleted, and the status carries `observedGeneration`, the
 * replica counts and the Progressing/Available conditions, including ProgressDeadlineExceeded.
 * `spec.paused` stops rollouts but not scaling.
 *
 * Known shortcoming: scaling a Deployment in the middle of a rollout scales the new
 * ReplicaSet only, where the real controller scales all active ones proportionally.
 */
import type { SandboxClock } from './clock';
import { rolloutRecreate, rolloutRolling, scaleReplicaSet } from './deployment-rollout';
import {
  CHANGE_CAUSE,
  DESIRED_REPLICAS,
  HASH_LABEL,
  MAX_REPLICAS,
  NOT_COPIED,
  REVISION,
  REVISION_HISTORY,
  revisionOf,
  rolloutBounds,
  templateHash,
  templateKey,
} from './deployment-spec';
import { condition, deploymentStatus, type Condition } from './deployment-status';
import type { EventRecorder } from './events';
import { ownerRef } from './replicaset';
import { objectKey, type ObjectStore } from './store';
import { controllerOf, deepClone, type KObject } from './types';
import { WorkQueue } from './workqueue';

export class DeploymentController {
  private readonly queue = new WorkQueue((key) => this.sync(key));
  private readonly deadlineTimers = new Map<string, NodeJS.Timeout>();
  private unsubscribe?: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SandboxClock,
    private readonly events: EventRecorder,
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((event) => {
      const obj = event.object;
      const ns = obj.metadata.namespace;
      if (event.resource === 'deployments') {
        if (event.type !== 'DELETED') this.queue.add(objectKey(ns, obj.metadata.name));
      } else if (event.resource === 'replicasets') {
        const owner = controllerOf(obj);
        if (owner?.kind === 'Deployment') this.queue.add(objectKey(ns, owner.name));
      } else if (event.resource === 'pods') {
        const rsRef = controllerOf(obj);
        if (rsRef?.kind !== 'ReplicaSet') return;
        const rs = this.store.get('replicasets', ns, rsRef.name);
        const owner = rs && controllerOf(rs);
        if (owner?.kind === 'Deployment') this.queue.add(objectKey(ns, owner.name));
      }
    });
    for (const d of this.store.list('deployments'))
      this.queue.add(objectKey(d.metadata.namespace, d.metadata.name));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
    for (const timer of this.deadlineTimers.values()) this.clock.cancel(timer);
  }

  private sync(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const d = this.store.get('deployments', namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;

    const owned = this.store
      .ownedBy(d.metadata.uid, 'replicasets')
      .filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const wanted = templateKey(d.spec.template);
    let newRS = owned.find((rs) => templateKey(rs.spec?.template) === wanted);
    const oldRSs = () =>
      this.store
        .ownedBy(d.metadata.uid, 'replicasets')
        .filter(
          (rs) =>
            controllerOf(rs)?.uid === d.metadata.uid && rs.metadata.uid !== newRS?.metadata.uid,
        )
        .sort(
          (a, b) =>
            Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp) ||
            revisionOf(a) - revisionOf(b),
        );

    let progressing: Condition | undefined;
    const templateChanged = (d.metadata.generation ?? 1) > (d.status?.observedGeneration ?? 0);
    if (!d.spec.paused) {
      const maxOld = Math.max(0, ...oldRSs().map(revisionOf));
      if (!newRS) {
        newRS = this.createReplicaSet(d, owned, maxOld + 1);
        progressing = condition(
          this.clock,
          d,
          'Progressing',
          'True',
          'NewReplicaSetCreated',
          `Created new replica set "${newRS.metadata.name}"`,
        );
      } else {
        const revived = revisionOf(newRS) <= maxOld;
        newRS = this.adoptAsNew(d, newRS, maxOld);
        if (revived && templateChanged) {
          // A rollback: the deadline is counted afresh from now, as for a new ReplicaSet.
          progressing = condition(
            this.clock,
            d,
            'Progressing',
            'True',
            'FoundNewReplicaSet',
            `Found new replica set "${newRS.metadata.name}"`,
          );
        }
      }
      if (d.spec.strategy?.type === 'Recreate')
        rolloutRecreate(this.store, this.events, d, newRS, oldRSs());
      else rolloutRolling(this.store, this.events, d, newRS, oldRSs());
    } else if (newRS && oldRSs().every((rs) => (rs.spec?.replicas ?? 0) === 0)) {
      if ((newRS.spec?.replicas ?? 0) !== d.spec.replicas)
        scaleReplicaSet(this.store, this.events, d, newRS, d.spec.replicas, 'Scaled');
    }
    this.syncStatus(d.metadata.namespace!, d.metadata.name, newRS, progressing);
  }

  private createReplicaSet(d: KObject, owned: KObject[], revision: number): KObject {
    let collision = d.status?.collisionCount ?? 0;
    let hash = templateHash(d.spec.template, collision);
    while (
      owned.some((rs) => rs.metadata.name === `${d.metadata.name}-${hash}`) ||
      this.store.get('replicasets', d.metadata.namespace, `${d.metadata.name}-${hash}`)
    ) {
      hash = templateHash(d.spec.template, ++collision);
    }
    const template = deepClone(d.spec.template);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [HASH_LABEL]: hash };
    const { maxSurge } = rolloutBounds(d);
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {}))
      if (!NOT_COPIED.has(k)) annotations[k] = v;
    annotations[DESIRED_REPLICAS] = String(d.spec.replicas);
    annotations[MAX_REPLICAS] = String(d.spec.replicas + maxSurge);
    annotations[REVISION] = String(revision);
    const rs = this.store.create('replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        annotations,
        ownerReferences: ownerRef(d),
      } as KObject['metadata'],
      spec: {
        replicas: 0,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: {
          ...d.spec.selector,
          matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), [HASH_LABEL]: hash },
        },
        template,
      },
      status: { replicas: 0 },
    });
    if (collision !== (d.status?.collisionCount ?? 0)) {
      this.store.mutate('deployments', d.metadata.namespace, d.metadata.name, (obj) => {
        obj.status = { ...(obj.status ?? {}), collisionCount: collision };
      });
    }
    return rs;
  }

  /** Gives a revived ReplicaSet the next revision and the Deployment's change-cause. */
  private adoptAsNew(d: KObject, rs: KObject, maxOld: number): KObject {
    const current = revisionOf(rs);
    const cause = d.metadata.annotations?.[CHANGE_CAUSE];
    const needsRevision = current <= maxOld;
    const needsCause = cause !== undefined && rs.metadata.annotations?.[CHANGE_CAUSE] !== cause;
    if (!needsRevision && !needsCause) return rs;
    return (
      this.store.mutate('replicasets', rs.metadata.namespace, rs.metadata.name, (obj) => {
        const annotations = (obj.metadata.annotations ??= {});
        if (needsRevision) {
          const history = annotations[REVISION_HISTORY]
            ? annotations[REVISION_HISTORY].split(',')
            : [];
          if (current) history.push(String(current));
          annotations[REVISION_HISTORY] = history.join(',');
          annotations[REVISION] = String(maxOld + 1);
        }
        if (needsCause) annotations[CHANGE_CAUSE] = cause!;
      }) ?? rs
    );
  }

  private cleanup(d: KObject, newRS: KObject | undefined): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const dead = this.store
      .ownedBy(d.metadata.uid, 'replicasets')
      .filter(
        (rs) => rs.metadata.uid !== newRS?.metadata.uid && controllerOf(rs)?.uid === d.metadata.uid,
      )
      .filter(
        (rs) =>
          (rs.spec?.replicas ?? 0) === 0 &&
          (rs.status?.replicas ?? 0) === 0 &&
          this.store.ownedBy(rs.metadata.uid, 'pods').length === 0,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of dead.slice(0, Math.max(0, dead.length - limit))) {
      this.store.remove('replicasets', rs.metadata.namespace, rs.metadata.name);
    }
  }

  private syncStatus(
    namespace: string,
    name: string,
    newRS: KObject | undefined,
    forced: Condition | undefined,
  ): void {
    const d = this.store.get('deployments', namespace, name);
    if (!d) return;
    const { status, fresh, recheckAt } = deploymentStatus(this.store, this.clock, d, newRS, forced);
    if (recheckAt !== undefined) this.requeueAt(d, recheckAt);
    const replicas: number = d.spec.replicas;

    const complete =
      status.updatedReplicas === replicas &&
      (status.availableReplicas ?? 0) === replicas &&
      (status.replicas ?? 0) === replicas;
    if (complete || d.spec.paused) this.cleanup(d, fresh);

    this.store.mutate('deployments', namespace, name, (obj) => {
      if (fresh) {
        const revision = fresh.metadata.annotations?.[REVISION];
        if (revision && obj.metadata.annotations?.[REVISION] !== revision) {
          obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [REVISION]: revision };
        }
      }
      obj.status = status;
    });
  }

  private requeueAt(d: KObject, at: number): void {
    const key = objectKey(d.metadata.namespace, d.metadata.name);
    this.clock.cancel(this.deadlineTimers.get(key));
    this.deadlineTimers.set(
      key,
      this.clock.after(at - this.clock.now() + 50, () => {
        this.deadlineTimers.delete(key);
        this.queue.add(key);
      }),
    );
  }
}
