/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * What the Deployment controller reads off a Deployment and its ReplicaSets: the annotations it
 * keeps (revision, change-cause, revision history, desired and max replicas), the pod template
 * hash that names a ReplicaSet (templates compared tolerantly, without the hash label, nulls or
 * empty values), a ReplicaSet's revision, and maxSurge/maxUnavailable resolved against the
 * desired replicas.
 */
import { fnv1a, safeEncode } from './clock';
import { deepClone, type KObject } from './types';

export const REVISION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
/** Annotations of a Deployment that its ReplicaSets do not get. */
export const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
]);
export const HASH_LABEL = 'pod-template-hash';

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
/** A template as compared: whether a ReplicaSet runs the Deployment's template. */
export function templateKey(template: any): string {
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
