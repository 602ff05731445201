import type { V1Deployment } from '@kubernetes/client-node';

import type { Action } from '../../incident/model';
import type { KubeConnection } from './connection';
import { kubeRequest } from './request';

/** A Deployment's replicas now, as the scale prompt shows them. */
export interface ReplicaCounts {
  deployment: string;
  /** `spec.replicas`: what is asked for. */
  desired: number;
  ready: number;
  available: number;
  /** All pods, old ones still terminating included. */
  current: number;
}

/** Something the responder should confirm before scaling. */
export interface ScaleWarning {
  kind: 'zero' | 'largeIncrease' | 'largeDecrease';
  message: string;
}

/** A requested replica count that cannot be applied. */
export class ScaleError extends Error {
  override readonly name = 'ScaleError';

  constructor(
    readonly kind: 'invalidCount' | 'badAnswer',
    message: string,
  ) {
    super(message);
  }
}

/** When a change counts as a large jump: at least this factor and this many replicas apart. */
export interface JumpThresholds {
  factor: number;
  replicas: number;
}

const DEFAULT_JUMP: JumpThresholds = { factor: 3, replicas: 5 };

const deploymentPath = (ns: string, name: string) =>
  `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments/${encodeURIComponent(name)}`;

function countsOf(d: V1Deployment): ReplicaCounts {
  return {
    deployment: d.metadata?.name ?? '',
    desired: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    current: d.status?.replicas ?? 0,
  };
}

/** Reads the Deployment's replica counts (`kubectl get deployment`). */
export async function readReplicas(
  connection: KubeConnection,
  name: string,
  signal?: AbortSignal,
): Promise<ReplicaCounts> {
  const d = await connection.getJson<V1Deployment>(
    { verb: 'get', resource: 'deployments', name },
    deploymentPath(connection.namespace, name),
    {},
    signal,
  );
  return countsOf(d);
}

/**
 * Checks a requested count: a negative or fractional one throws `ScaleError`; zero and large
 * jumps come back as warnings for the UI to confirm, as they are sometimes exactly what is meant.
 */
export function validateReplicas(
  deployment: string,
  from: number,
  to: number,
  jump: JumpThresholds = DEFAULT_JUMP,
): ScaleWarning[] {
  if (!Number.isSafeInteger(to) || to < 0) {
    throw new ScaleError(
      'invalidCount',
      `Cannot scale ${deployment} to ${to}: the replica count must be a whole number, 0 or more.`,
    );
  }
  const warnings: ScaleWarning[] = [];
  if (to === 0 && from > 0) {
    warnings.push({
      kind: 'zero',
      message:
        `Scaling ${deployment} to 0 stops all ${from} of its pods: the service will be down ` +
        'until it is scaled up again.',
    });
  }
  if (to > from && to - from >= jump.replicas && to >= from * jump.factor) {
    warnings.push({
      kind: 'largeIncrease',
      message:
        `Scaling ${deployment} from ${from} to ${to} replicas is a large jump: check that the ` +
        'nodes, the database connection pool and any quota can take it.',
    });
  }
  if (to > 0 && to < from && from - to >= jump.replicas && from >= to * jump.factor) {
    warnings.push({
      kind: 'largeDecrease',
      message:
        `Scaling ${deployment} from ${from} down to ${to} replicas removes most of its ` +
        'capacity: the remaining pods may not carry the load.',
    });
  }
  return warnings;
}

/** What `scaleDeployment` did. */
export interface ScaleResult {
  deployment: string;
  namespace: string;
  context: string;
  fromReplicas: number;
  toReplicas: number;
}

/**
 * `kubectl scale deployment/<name> --replicas=N`: reads the Deployment, then a merge patch
 * `{"spec":{"replicas":N}}` on its `scale` subresource, whose answer must be a `Scale`.
 * Throws `ScaleError` for a negative count, `KubeError` for a failed request.
 */
export async function scaleDeployment(
  connection: KubeConnection,
  name: string,
  replicas: number,
  signal?: AbortSignal,
): Promise<ScaleResult> {
  const before = await readReplicas(connection, name, signal);
  validateReplicas(name, before.desired, replicas);
  const answer = await kubeRequest<{ kind?: string; spec?: { replicas?: number } }>(
    connection,
    { verb: 'patch', resource: 'deployments/scale', name },
    'PATCH',
    `${deploymentPath(connection.namespace, name)}/scale`,
    { body: { spec: { replicas } }, contentType: 'application/merge-patch+json', signal },
  );
  if (answer?.kind !== 'Scale') {
    throw new ScaleError(
      'badAnswer',
      `The API server answered the scale of ${name} with ${answer?.kind ?? 'nothing'} instead ` +
        'of a Scale: the change may or may not have been applied. Check the Deployment.',
    );
  }
  connection.log.info(
    `scaled deployment ${name} in ${connection.namespace} on ${connection.context} ` +
      `from ${before.desired} to ${replicas}`,
  );
  return {
    deployment: name,
    namespace: connection.namespace,
    context: connection.context,
    fromReplicas: before.desired,
    toReplicas: answer.spec?.replicas ?? replicas,
  };
}

/** How following a scale ended. */
export interface ReadinessResult {
  outcome: 'ready' | 'timedOut' | 'cancelled';
  counts: ReplicaCounts;
  elapsedMs: number;
  message: string;
}

/** Options of `waitForReplicas`. */
export interface ReadinessOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Between two reads of the Deployment. */
  pollMs?: number;
  onProgress?: (counts: ReplicaCounts) => void;
}

/**
 * Follows a scaled Deployment until exactly `replicas` pods exist and are available (none left
 * terminating), the time runs out, or the caller cancels. Reads the Deployment on an interval:
 * a scale settles in seconds to minutes, so a watch would buy little here. A read that fails
 * is logged and retried until the deadline.
 */
export async function waitForReplicas(
  connection: KubeConnection,
  name: string,
  replicas: number,
  options: ReadinessOptions,
): Promise<ReadinessResult> {
  const started = Date.now();
  let counts: ReplicaCounts = {
    deployment: name,
    desired: replicas,
    ready: 0,
    available: 0,
    current: 0,
  };
  let lastText = '';
  const done = (outcome: ReadinessResult['outcome'], message: string): ReadinessResult => ({
    outcome,
    counts,
    elapsedMs: Date.now() - started,
    message,
  });
  while (!options.signal?.aborted) {
    try {
      counts = await readReplicas(connection, name, options.signal);
      const text = JSON.stringify(counts);
      if (text !== lastText) {
        lastText = text;
        options.onProgress?.(counts);
      }
      if (counts.available === replicas && counts.current === replicas) {
        return done(
          'ready',
          `deployment "${name}" has ${replicas} of ${replicas} replicas available`,
        );
      }
    } catch (err) {
      if (options.signal?.aborted) {
        break;
      }
      connection.log.debug(
        `reading deployment ${name} for its readiness: ${(err as Error).message}`,
      );
    }
    const left = options.timeoutMs - (Date.now() - started);
    if (left <= 0) {
      return done(
        'timedOut',
        `deployment "${name}" has ${counts.available} of ${replicas} replicas available ` +
          `(${counts.current} pods) after ${Math.round(options.timeoutMs / 1000)} s`,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(left, options.pollMs ?? 1000)));
  }
  return done('cancelled', `stopped following the scale of deployment "${name}"`);
}

/** The journal's record of a scale. */
export function scaleAction(result: ScaleResult): Action {
  return {
    kind: 'scale',
    deployment: result.deployment,
    fromReplicas: result.fromReplicas,
    toReplicas: result.toReplicas,
  };
}
