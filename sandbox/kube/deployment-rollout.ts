/**
 * How a Deployment's pods are rolled over from old ReplicaSets to the new one, one step per
 * sync: within maxSurge/maxUnavailable for RollingUpdate, all at once for Recreate. Every
 * change of a ReplicaSet's replicas records a ScalingReplicaSet event, as the real controller's.
 */
import { DESIRED_REPLICAS, MAX_REPLICAS, rolloutBounds } from './deployment-spec';
import type { EventRecorder } from './events';
import type { ObjectStore } from './store';
import type { KObject } from './types';

/** Scales a ReplicaSet of `d`, with the event the real controller records. */
export function scaleReplicaSet(
  store: ObjectStore,
  events: EventRecorder,
  d: KObject,
  rs: KObject,
  replicas: number,
  verb?: string,
): KObject {
  const from = rs.spec?.replicas ?? 0;
  if (from === replicas) return rs;
  const { maxSurge } = rolloutBounds(d);
  const updated =
    store.mutate('replicasets', rs.metadata.namespace, rs.metadata.name, (obj) => {
      obj.spec.replicas = replicas;
      obj.metadata.annotations = {
        ...(obj.metadata.annotations ?? {}),
        [DESIRED_REPLICAS]: String(d.spec.replicas),
        [MAX_REPLICAS]: String(d.spec.replicas + maxSurge),
      };
    }) ?? rs;
  const direction = verb ?? (replicas > from ? 'Scaled up' : 'Scaled down');
  events.record(
    d,
    'Normal',
    'ScalingReplicaSet',
    `${direction === 'Scaled' ? (replicas > from ? 'Scaled up' : 'Scaled down') : direction} ` +
      `replica set ${rs.metadata.name} from ${from} to ${replicas}`,
    { component: 'deployment-controller' },
  );
  return updated;
}

/**
 * One step of a RollingUpdate: the new ReplicaSet scaled up within maxSurge, then old ones
 * scaled down, unhealthy pods first, as far as maxUnavailable allows.
 */
export function rolloutRolling(
  store: ObjectStore,
  events: EventRecorder,
  d: KObject,
  newRS: KObject,
  olds: KObject[],
): void {
  const replicas: number = d.spec.replicas;
  const { maxSurge, maxUnavailable } = rolloutBounds(d);
  const specReplicas = (rs: KObject) => rs.spec?.replicas ?? 0;
  const available = (rs: KObject) => rs.status?.availableReplicas ?? 0;

  // Scale the new ReplicaSet up (or down when the Deployment was scaled down).
  const newReplicas = specReplicas(newRS);
  if (newReplicas > replicas) {
    newRS = scaleReplicaSet(store, events, d, newRS, replicas);
  } else if (newReplicas < replicas) {
    const total = specReplicas(newRS) + olds.reduce((n, rs) => n + specReplicas(rs), 0);
    const room = replicas + maxSurge - total;
    if (room > 0) {
      scaleReplicaSet(
        store,
        events,
        d,
        newRS,
        newReplicas + Math.min(room, replicas - newReplicas),
      );
      return;
    }
  }

  // Scale old ReplicaSets down as far as availability allows.
  const fresh = (rs: KObject) =>
    store.get('replicasets', rs.metadata.namespace, rs.metadata.name) ?? rs;
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
    scaleReplicaSet(store, events, d, rs, specReplicas(rs) - count);
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
    scaleReplicaSet(store, events, d, rs, specReplicas(rs) - count);
    done += count;
  }
}

/** One step of a Recreate rollout: old pods all gone before the new ReplicaSet is scaled up. */
export function rolloutRecreate(
  store: ObjectStore,
  events: EventRecorder,
  d: KObject,
  newRS: KObject,
  olds: KObject[],
): void {
  let waiting = false;
  for (const rs of olds) {
    if ((rs.spec?.replicas ?? 0) > 0) {
      scaleReplicaSet(store, events, d, rs, 0);
      waiting = true;
    }
    if (store.ownedBy(rs.metadata.uid, 'pods').length > 0) waiting = true;
  }
  if (waiting) return;
  if ((newRS.spec?.replicas ?? 0) !== d.spec.replicas)
    scaleReplicaSet(store, events, d, newRS, d.spec.replicas);
}
