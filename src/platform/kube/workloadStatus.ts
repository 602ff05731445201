import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';

import type { PodHealth } from './podStatus';

/** Where a Deployment's rollout stands, in `kubectl rollout status` terms. */
export type RolloutPhase = 'complete' | 'progressing' | 'stalled' | 'paused';

/** A Deployment as the Cluster view shows it. */
export interface DeploymentView {
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  /** READY as kubectl prints it, `2/3`. */
  readyText: string;
  paused: boolean;
  /** `deployment.kubernetes.io/revision`, the number `rollout undo` speaks of. */
  revision?: string;
  rollout: RolloutPhase;
  /** kubectl's rollout status sentence (`Waiting for deployment … 1 of 3 updated replicas are available...`). */
  rolloutMessage: string;
  health: PodHealth;
}

/** A StatefulSet (postgres, redis, kafka) as the Cluster view shows it. */
export interface StatefulSetView {
  name: string;
  desired: number;
  ready: number;
  readyText: string;
  health: PodHealth;
}

const waiting = (name: string) => `Waiting for deployment "${name}" rollout to finish: `;

/** Reads a Deployment's counts and rollout state the way `kubectl rollout status` judges them. */
export function computeDeploymentStatus(d: V1Deployment): DeploymentView {
  const name = d.metadata?.name ?? '';
  const status = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const paused = d.spec?.paused === true;
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');

  let rollout: RolloutPhase;
  let rolloutMessage: string;
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    rollout = 'progressing';
    rolloutMessage = 'Waiting for deployment spec update to be observed...';
  } else if (progressing?.reason === 'ProgressDeadlineExceeded') {
    rollout = 'stalled';
    rolloutMessage = `deployment "${name}" exceeded its progress deadline`;
  } else if (updated < desired) {
    rollout = 'progressing';
    rolloutMessage = `${waiting(name)}${updated} out of ${desired} new replicas have been updated...`;
  } else if (replicas > updated) {
    rollout = 'progressing';
    rolloutMessage = `${waiting(name)}${replicas - updated} old replicas are pending termination...`;
  } else if (available < updated) {
    rollout = 'progressing';
    rolloutMessage = `${waiting(name)}${available} of ${updated} updated replicas are available...`;
  } else {
    rollout = 'complete';
    rolloutMessage = `deployment "${name}" successfully rolled out`;
  }
  if (paused && rollout !== 'complete') {
    rollout = 'paused';
    rolloutMessage = `deployment "${name}" is paused: ${rolloutMessage}`;
  }

  let health: PodHealth = 'healthy';
  if (rollout === 'stalled' || (desired > 0 && ready === 0)) {
    health = 'failing';
  } else if (ready < desired || rollout !== 'complete') {
    health = 'warning';
  }
  return {
    name,
    desired,
    ready,
    updated,
    available,
    readyText: `${ready}/${desired}`,
    paused,
    revision: d.metadata?.annotations?.['deployment.kubernetes.io/revision'],
    rollout,
    rolloutMessage,
    health,
  };
}

/** Reads a StatefulSet's READY the way kubectl prints it. */
export function computeStatefulSetStatus(s: V1StatefulSet): StatefulSetView {
  const desired = s.spec?.replicas ?? 1;
  const ready = s.status?.readyReplicas ?? 0;
  const health: PodHealth =
    desired > 0 && ready === 0 ? 'failing' : ready < desired ? 'warning' : 'healthy';
  return { name: s.metadata?.name ?? '', desired, ready, readyText: `${ready}/${desired}`, health };
}
