/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
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
import { fnv1a, safeEncode } from './clock';
import type { EventRecorder } from './events';
import { ownerRef } from './replicaset';
import { objectKey, type ObjectStore } from './store';
import { controllerOf, deepClone, type KObject } from './types';
import { WorkQueue } from './workqueue';

export const REVISION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
]);
const HASH_LABEL = 'pod-template-hash';

/** JSON with sorted keys, leaving out nulls and empty objects/lists: templates compare tolerantly. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = canonical((value as Record<string, unknown>)[key]);
      if (inner === null || inner === undefined) continue;
      if (typeof inner === 'object' && Object.keys(inner as object).length === 0) continue;
      out[key] = inner;
    }
    return out;
  }
  return value;
}

function templateKey(template: any): string {
  const copy = deepClone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
  return JSON.stringify(canonical(copy));
}

export function templateHash(template: unknown, collisionCount = 0): string {
  return safeEncode(
    fnv1a(templateKey(template) + (collisionCount ? `/${collisionCount}` : '')),
    10,
  );
}

export function revisionOf(rs: KObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
}

function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value.endsWith('%')) {
      const scaled = (Number.parseInt(value, 10) * total) / 100;
      return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
    }
    return Number.parseInt(value, 10) || 0;
  }
  return 0;
}

/** maxSurge and maxUnavailable resolved against the desired replicas. */
export function rolloutBounds(d: KObject): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec?.replicas ?? 1;
  if (d.spec?.strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: 0 };
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const maxSurge = resolveIntOrPercent(ru.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = resolveIntOrPercent(ru.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

interface Condition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

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
        progressing = this.condition(
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
          progressing = this.condition(
            d,
            'Progressing',
            'True',
            'FoundNewReplicaSet',
            `Found new replica set "${newRS.metadata.name}"`,
          );
        }
      }
      if (d.spec.strategy?.type === 'Recreate') this.rolloutRecreate(d, newRS, oldRSs());
      else this.rolloutRolling(d, newRS, oldRSs());
    } else if (newRS && oldRSs().every((rs) => (rs.spec?.replicas ?? 0) === 0)) {
      if ((newRS.spec?.replicas ?? 0) !== d.spec.replicas)
        this.scale(d, newRS, d.spec.replicas, 'Scaled');
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

  private scale(d: KObject, rs: KObject, replicas: number, verb?: string): KObject {
    const from = rs.spec?.replicas ?? 0;
    if (from === replicas) return rs;
    const { maxSurge } = rolloutBounds(d);
    const updated =
      this.store.mutate('replicasets', rs.metadata.namespace, rs.metadata.name, (obj) => {
        obj.spec.replicas = replicas;
        obj.metadata.annotations = {
          ...(obj.metadata.annotations ?? {}),
          [DESIRED_REPLICAS]: String(d.spec.replicas),
          [MAX_REPLICAS]: String(d.spec.replicas + maxSurge),
        };
      }) ?? rs;
    const direction = verb ?? (replicas > from ? 'Scaled up' : 'Scaled down');
    this.events.record(
      d,
      'Normal',
      'ScalingReplicaSet',
      `${direction === 'Scaled' ? (replicas > from ? 'Scaled up' : 'Scaled down') : direction} ` +
        `replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      { component: 'deployment-controller' },
    );
    return updated;
  }

  private rolloutRolling(d: KObject, newRS: KObject, olds: KObject[]): void {
    const replicas: number = d.spec.replicas;
    const { maxSurge, maxUnavailable } = rolloutBounds(d);
    const specReplicas = (rs: KObject) => rs.spec?.replicas ?? 0;
    const available = (rs: KObject) => rs.status?.availableReplicas ?? 0;

    // Scale the new ReplicaSet up (or down when the Deployment was scaled down).
    const newReplicas = specReplicas(newRS);
    if (newReplicas > replicas) {
      newRS = this.scale(d, newRS, replicas);
    } else if (newReplicas < replicas) {
      const total = specReplicas(newRS) + olds.reduce((n, rs) => n + specReplicas(rs), 0);
      const room = replicas + maxSurge - total;
      if (room > 0) {
        this.scale(d, newRS, newReplicas + Math.min(room, replicas - newReplicas));
        return;
      }
    }

    // Scale old ReplicaSets down as far as availability allows.
    const fresh = (rs: KObject) =>
      this.store.get('replicasets', rs.metadata.namespace, rs.metadata.name) ?? rs;
    let oldSets = olds.map(fresh);
    newRS = fresh(newRS);
    if (oldSets.every((rs) => specReplicas(rs) === 0)) return;
    const minAvailable = replicas - maxUnavailable;
    const allPods = specReplicas(newRS) + oldSets.reduce((n, rs) => n + specReplicas(rs), 0);
    const newUnavailable = Math.max(0, specReplicas(newRS) - available(newRS));
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;

    let scaledDown = 0;
    for (const rs of oldSets) {
      if (scaledDown >= maxScaledDown) break;
      const unhealthy = specReplicas(rs) - available(rs);
      if (specReplicas(rs) === 0 || unhealthy <= 0) continue;
      const count = Math.min(maxScaledDown - scaledDown, unhealthy);
      this.scale(d, rs, specReplicas(rs) - count);
      scaledDown += count;
    }

    oldSets = oldSets.map(fresh);
    const availableNow = available(newRS) + oldSets.reduce((n, rs) => n + available(rs), 0);
    if (availableNow <= minAvailable) return;
    const budget = Math.min(availableNow - minAvailable, maxScaledDown - scaledDown);
    let done = 0;
    for (const rs of oldSets) {
      if (done >= budget) break;
      if (specReplicas(rs) === 0) continue;
      const count = Math.min(specReplicas(rs), budget - done);
      this.scale(d, rs, specReplicas(rs) - count);
      done += count;
    }
  }

  private rolloutRecreate(d: KObject, newRS: KObject, olds: KObject[]): void {
    let waiting = false;
    for (const rs of olds) {
      if ((rs.spec?.replicas ?? 0) > 0) {
        this.scale(d, rs, 0);
        waiting = true;
      }
      if (this.store.ownedBy(rs.metadata.uid, 'pods').length > 0) waiting = true;
    }
    if (waiting) return;
    if ((newRS.spec?.replicas ?? 0) !== d.spec.replicas) this.scale(d, newRS, d.spec.replicas);
  }

  private condition(
    d: KObject,
    type: string,
    status: string,
    reason: string,
    message: string,
  ): Condition {
    const now = this.clock.iso();
    const existing = (d.status?.conditions ?? []).find((c: Condition) => c.type === type);
    return {
      type,
      status,
      lastUpdateTime: now,
      lastTransitionTime:
        existing && existing.status === status ? existing.lastTransitionTime : now,
      reason,
      message,
    };
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
    const all = this.store
      .ownedBy(d.metadata.uid, 'replicasets')
      .filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const fresh = newRS && all.find((rs) => rs.metadata.uid === newRS.metadata.uid);
    const sum = (sets: KObject[], pick: (rs: KObject) => number | undefined) =>
      sets.reduce((n, rs) => n + (pick(rs) ?? 0), 0);
    const replicas: number = d.spec.replicas;
    const { maxUnavailable } = rolloutBounds(d);
    const available = sum(all, (rs) => rs.status?.availableReplicas);
    const status: Record<string, any> = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: sum(all, (rs) => rs.status?.replicas),
      updatedReplicas: fresh ? (fresh.status?.replicas ?? 0) : 0,
      readyReplicas: sum(all, (rs) => rs.status?.readyReplicas),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, sum(all, (rs) => rs.spec?.replicas) - available),
      terminatingReplicas: sum(all, (rs) => rs.status?.terminatingReplicas),
      ...(d.status?.collisionCount ? { collisionCount: d.status.collisionCount } : {}),
    };
    const conditions: Condition[] = deepClone(d.status?.conditions ?? []);
    const set = (c: Condition, keepIfSameReason = true) => {
      const i = conditions.findIndex((x) => x.type === c.type);
      if (i >= 0) {
        const old = conditions[i]!;
        if (keepIfSameReason && old.status === c.status && old.reason === c.reason) return;
        if (old.status === c.status) c.lastTransitionTime = old.lastTransitionTime;
        conditions[i] = c;
      } else {
        conditions.push(c);
      }
    };
    if (available >= replicas - (d.spec.strategy?.type === 'Recreate' ? 0 : maxUnavailable)) {
      set(
        this.condition(
          d,
          'Available',
          'True',
          'MinimumReplicasAvailable',
          'Deployment has minimum availability.',
        ),
      );
    } else {
      set(
        this.condition(
          d,
          'Available',
          'False',
          'MinimumReplicasUnavailable',
          'Deployment does not have minimum availability.',
        ),
      );
    }
    if (forced) set(forced, false);

    const rsName = fresh?.metadata.name;
    const current = conditions.find((c) => c.type === 'Progressing');
    const deadline = d.spec.progressDeadlineSeconds;
    if (d.spec.paused) {
      set(this.condition(d, 'Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused'));
    } else if (current?.reason === 'DeploymentPaused') {
      set(
        this.condition(d, 'Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed'),
      );
    } else if (deadline !== undefined && deadline !== null) {
      const complete =
        status.updatedReplicas === replicas &&
        status.replicas === replicas &&
        available === replicas;
      const alreadyComplete =
        status.replicas === status.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
      const old = d.status ?? {};
      const progressed =
        status.updatedReplicas > (old.updatedReplicas ?? 0) ||
        status.replicas - status.updatedReplicas <
          (old.replicas ?? 0) - (old.updatedReplicas ?? 0) ||
        status.readyReplicas > (old.readyReplicas ?? 0) ||
        available > (old.availableReplicas ?? 0);
      if (!alreadyComplete) {
        if (complete) {
          set(
            this.condition(
              d,
              'Progressing',
              'True',
              'NewReplicaSetAvailable',
              `ReplicaSet "${rsName}" has successfully progressed.`,
            ),
          );
        } else if (progressed && !forced) {
          const c = this.condition(
            d,
            'Progressing',
            'True',
            'ReplicaSetUpdated',
            `ReplicaSet "${rsName}" is progressing.`,
          );
          set(c, false);
        } else if (current && current.reason !== 'ProgressDeadlineExceeded') {
          const since = Date.parse(current.lastUpdateTime);
          const due = since + deadline * 1000;
          if (due <= this.clock.now()) {
            set(
              this.condition(
                d,
                'Progressing',
                'False',
                'ProgressDeadlineExceeded',
                `ReplicaSet "${rsName}" has timed out progressing.`,
              ),
            );
          } else {
            this.requeueAt(d, due);
          }
        }
      }
    }
    status.conditions = conditions;
    for (const field of [
      'replicas',
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
      'unavailableReplicas',
      'terminatingReplicas',
    ]) {
      if (status[field] === 0) delete status[field];
    }

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
