import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';

import type { KubeConnection } from './connection';
import type { KubeError } from './errors';
import { LineSplitter } from './lines';
import { computePodStatus } from './podStatus';
import { selectorOf } from './deploymentSelector';
import { ownedReplicaSets, REVISION_ANNOTATION, sameTemplate } from './rollout';
import { computeDeploymentStatus } from './workloadStatus';
import type { RolloutPhase } from './workloadStatus';

/** One step of a rollout as `kubectl rollout status` prints it. */
export interface RolloutProgress {
  /** kubectl's line: `Waiting for deployment "x" rollout to finish: 1 out of 3 new replicas…`. */
  message: string;
  phase: RolloutPhase;
  desired: number;
  updated: number;
  available: number;
  /** All replicas, old ones pending termination included. */
  replicas: number;
  revision?: number;
}

/** Why a new pod of a stuck rollout is not available. */
export interface PodReason {
  pod: string;
  /** STATUS as kubectl prints it: `CrashLoopBackOff`, `ImagePullBackOff`, `Pending`. */
  status: string;
  reason?: string;
  message?: string;
  restarts: number;
  /** Why its container last ended: `OOMKilled (exit 137)`. */
  lastTermination?: string;
}

/** How following a rollout ended. */
export interface RolloutStatusResult {
  /**
   * `complete`: successfully rolled out; `failed`: ProgressDeadlineExceeded; `timedOut`: our own
   * deadline passed first; `cancelled`: the caller aborted; `deleted`: the Deployment went away.
   */
  outcome: 'complete' | 'failed' | 'timedOut' | 'cancelled' | 'deleted';
  /** kubectl's last line, or what ended the wait. */
  message: string;
  last?: RolloutProgress;
  /** For `failed` and `timedOut`: the new ReplicaSet's pods and what holds them back. */
  podReasons: PodReason[];
  elapsedMs: number;
}

/** Options of `followRollout`. */
export interface RolloutStatusOptions {
  signal?: AbortSignal;
  /** Gives up after this long, like `--timeout`; forever when absent. */
  timeoutMs?: number;
  /** Called with each new status line (repeats of the same line are left out). */
  onProgress?: (progress: RolloutProgress) => void;
  /** Wait after a failed watch before opening it again. */
  retryDelayMs?: number;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: V1Deployment & { code?: number; message?: string };
}

function progressOf(d: V1Deployment): RolloutProgress {
  const view = computeDeploymentStatus(d);
  const revision = Number.parseInt(d.metadata?.annotations?.[REVISION_ANNOTATION] ?? '', 10);
  return {
    message: view.rolloutMessage,
    phase: view.rollout,
    desired: view.desired,
    updated: view.updated,
    available: view.available,
    replicas: d.status?.replicas ?? 0,
    revision: Number.isFinite(revision) ? revision : undefined,
  };
}

/** The pods of the ReplicaSet that runs the Deployment's current template, with their reasons. */
export async function newPodReasons(
  connection: KubeConnection,
  name: string,
  signal?: AbortSignal,
): Promise<PodReason[]> {
  const { deployment, replicaSets } = await ownedReplicaSets(connection, name, signal);
  const current: V1ReplicaSet | undefined = replicaSets.find((rs) =>
    sameTemplate(rs.spec?.template, deployment.spec?.template),
  );
  const hash = current?.metadata?.labels?.['pod-template-hash'];
  if (!hash) {
    return [];
  }
  const pods = await connection.getJson<{ items?: V1Pod[] }>(
    { verb: 'list', resource: 'pods' },
    `/api/v1/namespaces/${encodeURIComponent(connection.namespace)}/pods`,
    { labelSelector: `${selectorOf(deployment)},pod-template-hash=${hash}` },
    signal,
  );
  const now = new Date();
  return (pods.items ?? []).map((pod) => {
    const view = computePodStatus(pod, now);
    const last = view.containers.find((c) => c.lastTermination)?.lastTermination;
    return {
      pod: view.name,
      status: view.status,
      reason: view.reason,
      message: view.message,
      restarts: view.restarts,
      lastTermination: last ? `${last.reason ?? 'terminated'} (exit ${last.exitCode})` : undefined,
    };
  });
}

/**
 * `kubectl rollout status deployment/<name>`: reads the Deployment, then watches it and judges
 * every version with kubectl's rules (spec observed, N of M updated, old replicas pending
 * termination, N of M available, done). `ProgressDeadlineExceeded` ends it as `failed` with the
 * new pods' reasons. A watch the server closes is opened again from the last version seen, as
 * kubectl does; a 410 or a failed request starts over from a fresh read. Rejects only when the
 * Deployment cannot be read at the start (`KubeError`: 404, 403, unreachable).
 */
export async function followRollout(
  connection: KubeConnection,
  name: string,
  options: RolloutStatusOptions = {},
): Promise<RolloutStatusResult> {
  const started = Date.now();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort);
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop.abort();
        }, options.timeoutMs);
  const ns = encodeURIComponent(connection.namespace);
  const path = `/apis/apps/v1/namespaces/${ns}/deployments/${encodeURIComponent(name)}`;
  let last: RolloutProgress | undefined;
  let resourceVersion: string | undefined;
  let firstRead = true;

  const end = async (
    outcome: RolloutStatusResult['outcome'],
    message: string,
  ): Promise<RolloutStatusResult> => {
    let podReasons: PodReason[] = [];
    if (outcome === 'failed' || outcome === 'timedOut') {
      podReasons = await newPodReasons(connection, name).catch(() => []);
    }
    return { outcome, message, last, podReasons, elapsedMs: Date.now() - started };
  };
  /** Judges one version; returns a result when the rollout has ended. */
  const judge = (d: V1Deployment): RolloutProgress => {
    resourceVersion = d.metadata?.resourceVersion ?? resourceVersion;
    const progress = progressOf(d);
    if (progress.message !== last?.message) {
      options.onProgress?.(progress);
    }
    last = progress;
    return progress;
  };
  const stopped = () =>
    timedOut
      ? end('timedOut', `timed out waiting for the rollout of deployment "${name}" to finish`)
      : end('cancelled', `stopped following the rollout of deployment "${name}"`);

  try {
    while (!stop.signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          const d = await connection.getJson<V1Deployment>(
            { verb: 'get', resource: 'deployments', name },
            path,
            {},
            stop.signal,
          );
          firstRead = false;
          const progress = judge(d);
          if (progress.phase === 'complete' || progress.phase === 'stalled') {
            return await end(
              progress.phase === 'complete' ? 'complete' : 'failed',
              progress.message,
            );
          }
        }
        const body = await connection.stream(
          { verb: 'watch', resource: 'deployments', name },
          `/apis/apps/v1/namespaces/${ns}/deployments`,
          {
            fieldSelector: `metadata.name=${name}`,
            watch: true,
            resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: 300,
          },
          stop.signal,
        );
        const lines = new LineSplitter();
        for await (const chunk of body) {
          for (const line of lines.push(chunk as Buffer)) {
            if (!line.trim()) {
              continue;
            }
            const event = JSON.parse(line) as WatchEvent;
            if (event.type === 'ERROR') {
              // 410 Gone and friends: start over from a fresh read.
              connection.log.debug(`watch of deployment ${name} ended: ${event.object.message}`);
              resourceVersion = undefined;
              break;
            }
            if (event.type === 'DELETED') {
              body.destroy();
              return await end('deleted', `deployment "${name}" was deleted during the rollout`);
            }
            if (event.type === 'BOOKMARK') {
              resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
              continue;
            }
            const progress = judge(event.object);
            if (progress.phase === 'complete' || progress.phase === 'stalled') {
              body.destroy();
              const outcome = progress.phase === 'complete' ? 'complete' : 'failed';
              return await end(outcome, progress.message);
            }
          }
          if (resourceVersion === undefined) {
            body.destroy();
            break;
          }
        }
      } catch (err) {
        if (stop.signal.aborted) {
          break;
        }
        const e = err as KubeError;
        if (firstRead || e.kind === 'notFound' || e.kind === 'forbidden') {
          throw err;
        }
        if (e.kind === 'gone') {
          resourceVersion = undefined;
        }
        connection.log.debug(`rollout status of ${name}: ${e.message}; watching again`);
        await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 1000));
      }
    }
    return await stopped();
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
