import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';

import type { Action } from '../../incident/model';
import { ageSince, toDate } from './age';
import type { KubeConnection } from './connection';
import { kubeRequest } from './request';
import { selectorOf } from './deploymentSelector';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
const HASH_LABEL = 'pod-template-hash';

/**
 * Annotations `kubectl rollout undo` keeps from the Deployment rather than taking from the
 * ReplicaSet (kubectl's `annotationsToSkip`); every other Deployment annotation is replaced by
 * the target ReplicaSet's own.
 */
const KEPT_FROM_DEPLOYMENT = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/** Why a rollback was refused before anything was changed. */
export type RolloutErrorKind = 'paused' | 'revisionNotFound' | 'noHistory';

/** A rollback refused by the rules `kubectl rollout undo` applies, with what to do instead. */
export class RolloutError extends Error {
  override readonly name = 'RolloutError';

  constructor(
    readonly kind: RolloutErrorKind,
    message: string,
    readonly deployment: string,
    /** The revisions that exist, for `revisionNotFound`. */
    readonly revisions: number[] = [],
  ) {
    super(message);
  }
}

/** One revision of a Deployment: a ReplicaSet it owns, as `kubectl rollout history` lists it. */
export interface RevisionEntry {
  revision: number;
  replicaSet: string;
  changeCause?: string;
  /** Images of its containers, in container order. */
  images: string[];
  createdAt?: Date;
  /** AGE as kubectl prints it. */
  age: string;
  /** The revision whose template the Deployment runs now. */
  current: boolean;
  /** Replicas the ReplicaSet wants and has ready now. */
  replicas: number;
  readyReplicas: number;
}

/** A Deployment's rollout history, oldest revision first. */
export interface RolloutHistory {
  deployment: string;
  namespace: string;
  currentRevision?: number;
  paused: boolean;
  revisions: RevisionEntry[];
}

/** What `undoRollout` did. */
export interface UndoResult {
  /** `skipped`: the Deployment already runs that template; nothing was sent. */
  outcome: 'rolledBack' | 'skipped' | 'dryRun';
  deployment: string;
  namespace: string;
  context: string;
  fromRevision?: number;
  /** The revision rolled back to, as history named it (the controller gives it the next number). */
  toRevision: number;
  changeCause?: string;
  fromImages: string[];
  toImages: string[];
  /** kubectl's own sentence: `deployment.apps/x rolled back`. */
  message: string;
}

/** Options of `undoRollout`. */
export interface UndoOptions {
  /** `kubectl rollout undo --to-revision`; the previous revision when absent or 0. */
  toRevision?: number;
  /** `--dry-run=server`: the server validates the patch without storing it. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

const deploymentPath = (ns: string, name: string) =>
  `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments/${encodeURIComponent(name)}`;

/** JSON with sorted keys, without nulls and empty objects/lists: what a server default adds. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(canonical);
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = canonical((value as Record<string, unknown>)[key]);
      const empty = inner && typeof inner === 'object' && Object.keys(inner).length === 0;
      if (inner !== null && inner !== undefined && !empty) {
        out[key] = inner;
      }
    }
    return out;
  }
  return value;
}

function withoutHash(template: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const copy = structuredClone(template ?? {}) as V1PodTemplateSpec;
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[HASH_LABEL];
  }
  return copy;
}

/**
 * kubectl's `EqualIgnoreHash`, made tolerant of the empty values a round trip adds or drops
 * (`resources: {}`, `creationTimestamp: null`).
 */
export function sameTemplate(a: V1PodTemplateSpec | undefined, b: V1PodTemplateSpec | undefined) {
  return JSON.stringify(canonical(withoutHash(a))) === JSON.stringify(canonical(withoutHash(b)));
}

function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number {
  const n = Number.parseInt(obj.metadata?.annotations?.[REVISION_ANNOTATION] ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

const imagesOf = (t: V1PodTemplateSpec | undefined) =>
  (t?.spec?.containers ?? []).map((c) => c.image ?? '');

/** The Deployment and the ReplicaSets it controls (by controller ownerReference and uid). */
export async function ownedReplicaSets(
  connection: KubeConnection,
  name: string,
  signal?: AbortSignal,
): Promise<{ deployment: V1Deployment; replicaSets: V1ReplicaSet[] }> {
  const ns = connection.namespace;
  const deployment = await connection.getJson<V1Deployment>(
    { verb: 'get', resource: 'deployments', name },
    deploymentPath(ns, name),
    {},
    signal,
  );
  const list = await connection.getJson<{ items?: V1ReplicaSet[] }>(
    { verb: 'list', resource: 'replicasets' },
    `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/replicasets`,
    { labelSelector: selectorOf(deployment) },
    signal,
  );
  const uid = deployment.metadata?.uid;
  const replicaSets = (list.items ?? []).filter((rs) =>
    (rs.metadata?.ownerReferences ?? []).some((o) => o.controller === true && o.uid === uid),
  );
  return { deployment, replicaSets };
}

function entryOf(rs: V1ReplicaSet, d: V1Deployment, now: Date): RevisionEntry {
  const created = toDate(rs.metadata?.creationTimestamp);
  return {
    revision: revisionOf(rs),
    replicaSet: rs.metadata?.name ?? '',
    changeCause: rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION],
    images: imagesOf(rs.spec?.template),
    createdAt: created,
    age: ageSince(created, now),
    current: sameTemplate(rs.spec?.template, d.spec?.template),
    replicas: rs.spec?.replicas ?? 0,
    readyReplicas: rs.status?.readyReplicas ?? 0,
  };
}

/** `kubectl rollout history deployment/<name>`, with images and ages besides the change-cause. */
export async function rolloutHistory(
  connection: KubeConnection,
  name: string,
  options: { signal?: AbortSignal; now?: Date } = {},
): Promise<RolloutHistory> {
  const { deployment, replicaSets } = await ownedReplicaSets(connection, name, options.signal);
  const now = options.now ?? new Date();
  const revisions = replicaSets
    .map((rs) => entryOf(rs, deployment, now))
    .sort((a, b) => a.revision - b.revision);
  const revision = revisionOf(deployment);
  return {
    deployment: name,
    namespace: connection.namespace,
    currentRevision: revision || undefined,
    paused: deployment.spec?.paused === true,
    revisions,
  };
}

/** kubectl's `deploymentRevision`: the given revision, or the second newest for 0. */
function targetOf(
  name: string,
  where: string,
  replicaSets: V1ReplicaSet[],
  toRevision: number,
): V1ReplicaSet {
  const existing = [...new Set(replicaSets.map(revisionOf))].sort((a, b) => a - b);
  if (toRevision !== 0) {
    const found = replicaSets.find((rs) => revisionOf(rs) === toRevision);
    if (!found) {
      throw new RolloutError(
        'revisionNotFound',
        `unable to find specified revision ${toRevision} in history of deployment ${name} ` +
          `(${where}). Revisions in history: ${existing.join(', ') || 'none'}; pick one of them.`,
        name,
        existing,
      );
    }
    return found;
  }
  const sorted = [...replicaSets].sort((a, b) => revisionOf(b) - revisionOf(a));
  const previous = sorted.find((rs) => revisionOf(rs) < revisionOf(sorted[0]!));
  if (!previous) {
    throw new RolloutError(
      'noHistory',
      `no rollout history found for deployment "${name}" (${where}): it has no earlier ` +
        'revision to roll back to. Fix forward, scale, or switch the feature off instead.',
      name,
      existing,
    );
  }
  return previous;
}

/**
 * The value kubectl sends as `/spec/template`: the ReplicaSet's template without the
 * pod-template-hash label, with `resources: {}` on every container as Go's struct serialisation
 * writes it, so our rollback stores what kubectl's would.
 */
function patchTemplate(template: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const t = withoutHash(template);
  for (const c of [...(t.spec?.containers ?? []), ...(t.spec?.initContainers ?? [])]) {
    c.resources ??= {};
  }
  return t;
}

/**
 * `kubectl rollout undo deployment/<name> [--to-revision=N]`, step for step: the target
 * ReplicaSet among those the Deployment controls, unknown revisions refused, a paused
 * Deployment refused, "skipped rollback" when the template already matches, else one JSON
 * patch replacing `/spec/template` and `/metadata/annotations`. Like kubectl it does not bump
 * the revision: the Deployment controller gives the revived ReplicaSet the next one.
 * Throws `RolloutError` for refusals and `KubeError` for failed requests (403, 404, 409…).
 */
export async function undoRollout(
  connection: KubeConnection,
  name: string,
  options: UndoOptions = {},
): Promise<UndoResult> {
  const toRevision = options.toRevision ?? 0;
  const { deployment, replicaSets } = await ownedReplicaSets(connection, name, options.signal);
  const where = `namespace ${connection.namespace}, context ${connection.context}`;
  const target = targetOf(name, where, replicaSets, toRevision);
  if (deployment.spec?.paused) {
    throw new RolloutError(
      'paused',
      `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume ` +
        `deployment/${name} -n ${connection.namespace}' and try again.`,
      name,
    );
  }
  const base = {
    deployment: name,
    namespace: connection.namespace,
    context: connection.context,
    fromRevision: revisionOf(deployment) || undefined,
    toRevision: revisionOf(target),
    changeCause: target.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION],
    fromImages: imagesOf(deployment.spec?.template),
    toImages: imagesOf(target.spec?.template),
  };
  if (sameTemplate(target.spec?.template, deployment.spec?.template)) {
    return {
      ...base,
      outcome: 'skipped',
      message:
        `deployment.apps/${name} skipped rollback (current template already matches revision ` +
        `${toRevision})`,
    };
  }
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(deployment.metadata?.annotations ?? {})) {
    if (KEPT_FROM_DEPLOYMENT.has(key)) {
      annotations[key] = value;
    }
  }
  for (const [key, value] of Object.entries(target.metadata?.annotations ?? {})) {
    if (!KEPT_FROM_DEPLOYMENT.has(key)) {
      annotations[key] = value;
    }
  }
  const patch = [
    { op: 'replace', path: '/spec/template', value: patchTemplate(target.spec?.template) },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
  await kubeRequest(
    connection,
    { verb: 'patch', resource: 'deployments', name },
    'PATCH',
    deploymentPath(connection.namespace, name),
    {
      body: patch,
      contentType: 'application/json-patch+json',
      query: { dryRun: options.dryRun ? 'All' : undefined },
      signal: options.signal,
    },
  );
  connection.log.info(
    `rolled back deployment ${name} in ${connection.namespace} on ${connection.context} ` +
      `from revision ${base.fromRevision ?? '?'} to ${base.toRevision}` +
      (options.dryRun ? ' (dry run)' : ''),
  );
  return {
    ...base,
    outcome: options.dryRun ? 'dryRun' : 'rolledBack',
    message: `deployment.apps/${name} rolled back${options.dryRun ? ' (server dry run)' : ''}`,
  };
}

/** The journal's record of a rollback that was carried out. */
export function rollbackAction(result: UndoResult): Action {
  return {
    kind: 'rollback',
    deployment: result.deployment,
    fromRevision: result.fromRevision,
    toRevision: result.toRevision,
    changeCause: result.changeCause,
  };
}
