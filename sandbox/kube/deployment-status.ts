/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * The status the Deployment controller writes: replica counts summed over the Deployment's
 * ReplicaSets, and the Available and Progressing conditions as the real controller sets them —
 * NewReplicaSetAvailable once the rollout is complete, ReplicaSetUpdated while it progresses,
 * ProgressDeadlineExceeded when it has not progressed within `progressDeadlineSeconds`, and
 * DeploymentPaused/DeploymentResumed.
 */
import type { SandboxClock } from './clock';
import { rolloutBounds } from './deployment-spec';
import type { ObjectStore } from './store';
import { controllerOf, deepClone, type KObject } from './types';

export interface Condition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** A condition of `d` as of now; its transition time kept while its status is unchanged. */
export function condition(
  clock: SandboxClock,
  d: KObject,
  type: string,
  status: string,
  reason: string,
  message: string,
): Condition {
  const now = clock.iso();
  const existing = (d.status?.conditions ?? []).find((c: Condition) => c.type === type);
  return {
    type,
    status,
    lastUpdateTime: now,
    lastTransitionTime: existing && existing.status === status ? existing.lastTransitionTime : now,
    reason,
    message,
  };
}

/** What `deploymentStatus` computes. */
export interface ComputedStatus {
  status: Record<string, any>;
  /** The new ReplicaSet as it is in the store now. */
  fresh: KObject | undefined;
  /** When the progress deadline falls, if the Deployment has to be looked at again then. */
  recheckAt?: number;
}

/**
 * The status of `d` from its ReplicaSets; `forced` is a Progressing condition the sync has
 * already decided on (a new or revived ReplicaSet).
 */
export function deploymentStatus(
  store: ObjectStore,
  clock: SandboxClock,
  d: KObject,
  newRS: KObject | undefined,
  forced: Condition | undefined,
): ComputedStatus {
  let recheckAt: number | undefined;
  const all = store
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
      condition(
        clock,
        d,
        'Available',
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
      ),
    );
  } else {
    set(
      condition(
        clock,
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
    set(condition(clock, d, 'Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused'));
  } else if (current?.reason === 'DeploymentPaused') {
    set(
      condition(clock, d, 'Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed'),
    );
  } else if (deadline !== undefined && deadline !== null) {
    const complete =
      status.updatedReplicas === replicas && status.replicas === replicas && available === replicas;
    const alreadyComplete =
      status.replicas === status.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
    const old = d.status ?? {};
    const progressed =
      status.updatedReplicas > (old.updatedReplicas ?? 0) ||
      status.replicas - status.updatedReplicas < (old.replicas ?? 0) - (old.updatedReplicas ?? 0) ||
      status.readyReplicas > (old.readyReplicas ?? 0) ||
      available > (old.availableReplicas ?? 0);
    if (!alreadyComplete) {
      if (complete) {
        set(
          condition(
            clock,
            d,
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${rsName}" has successfully progressed.`,
          ),
        );
      } else if (progressed && !forced) {
        const c = condition(
          clock,
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
        if (due <= clock.now()) {
          set(
            condition(
              clock,
              d,
              'Progressing',
              'False',
              'ProgressDeadlineExceeded',
              `ReplicaSet "${rsName}" has timed out progressing.`,
            ),
          );
        } else {
          recheckAt = due;
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
  return { status, fresh, recheckAt };
}
