import type {
  V1Container,
  V1ContainerStatus,
  V1Pod,
  V1PodCondition,
} from '@kubernetes/client-node';

import { ageSince, toDate } from './age';

/**
 * How worrying a pod is, for the icon and colour of the Cluster view and the "only unhealthy"
 * toggle: `failing` needs someone now, `warning` is on its way somewhere (starting, terminating,
 * not ready, just restarted), `done` finished its work (a Job's pod that completed).
 */
export type PodHealth = 'healthy' | 'warning' | 'failing' | 'done';

/** One container of a pod, init containers included, as the log panel's container choice shows it. */
export interface ContainerView {
  name: string;
  /** An init container; `sidecar` tells a native sidecar (init container with `restartPolicy: Always`). */
  init: boolean;
  sidecar: boolean;
  /** `running`, `waiting`, `terminated`, or `unknown` when the kubelet has not reported it yet. */
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  ready: boolean;
  restartCount: number;
  /** Waiting or terminated reason (`CrashLoopBackOff`, `OOMKilled`…). */
  reason?: string;
  message?: string;
  exitCode?: number;
  /** Why the previous instance ended: the answer to "why did it restart" (`OOMKilled`, exit 137). */
  lastTermination?: { reason?: string; exitCode: number; finishedAt?: Date };
  /** True when `previous` logs exist, i.e. the container has restarted at least once. */
  hasPreviousLogs: boolean;
}

/** A pod as the Cluster view shows it: every column of `kubectl get pods -o wide` that matters. */
export interface PodView {
  name: string;
  namespace: string;
  uid: string;
  /** STATUS exactly as kubectl prints it. */
  status: string;
  /** READY as kubectl prints it, `1/2`. */
  ready: string;
  readyCount: number;
  totalCount: number;
  restarts: number;
  /** RESTARTS as kubectl prints it: `5 (2m ago)`, or `0`. */
  restartsText: string;
  lastRestartAt?: Date;
  /** AGE as kubectl prints it. */
  age: string;
  createdAt?: Date;
  node?: string;
  health: PodHealth;
  /** The reason behind the status, for a tooltip (`Unschedulable`, `OOMKilled`, `Evicted`). */
  reason?: string;
  /** The kubelet's or scheduler's message behind the status, for a tooltip. */
  message?: string;
  containers: ContainerView[];
}

const RECENT_RESTART_MS = 10 * 60_000;

const FAILING_STATUSES = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
  'PostStartHookError',
  'ContainerCannotRun',
  'OOMKilled',
  'Error',
  'Failed',
  'Evicted',
  'DeadlineExceeded',
  'Unknown',
  'NodeLost',
  'NodeAffinity',
  'OutOfcpu',
  'OutOfmemory',
]);

const NODE_UNREACHABLE_REASON = 'NodeLost';

interface Decisive {
  reason?: string;
  message?: string;
}

function isSidecar(container: V1Container | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

function conditionIsTrue(conditions: V1PodCondition[] | undefined, type: string): boolean {
  return conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

function later(current: Date | undefined, candidate: Date | undefined): Date | undefined {
  if (candidate === undefined) {
    return current;
  }
  return current === undefined || candidate > current ? candidate : current;
}

function terminatedText(prefix: string, status: V1ContainerStatus): string {
  const terminated = status.state!.terminated!;
  if (terminated.reason) {
    return prefix + terminated.reason;
  }
  return terminated.signal
    ? `${prefix}Signal:${terminated.signal}`
    : `${prefix}ExitCode:${terminated.exitCode}`;
}

/**
 * Computes a pod's STATUS, READY and RESTARTS the way kubectl's `printPod` does (Kubernetes
 * 1.29+, native sidecars included), plus a health class and the reason and message behind it.
 * Total over any pod object: missing statuses, an unknown phase or odd timestamps never throw.
 */
export function computePodStatus(pod: V1Pod, now: Date = new Date()): PodView {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const phase = status.phase ?? 'Pending';
  const initSpecs = new Map((spec?.initContainers ?? []).map((c) => [c.name, c]));
  let total = spec?.containers?.length ?? 0;
  for (const c of initSpecs.values()) {
    if (isSidecar(c)) {
      total++;
    }
  }

  let reason = status.reason || phase;
  if (status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }
  let decisive: Decisive = { reason: status.reason, message: status.message };

  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: Date | undefined;
  let lastSidecarRestart: Date | undefined;
  let initializing = false;

  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const finished = toDate(c.lastState?.terminated?.finishedAt);
    restarts += c.restartCount ?? 0;
    lastRestart = later(lastRestart, finished);
    const sidecar = isSidecar(initSpecs.get(c.name));
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, finished);
    }
    const { terminated, waiting } = c.state ?? {};
    if (terminated && terminated.exitCode === 0) {
      continue;
    }
    if (sidecar && c.started) {
      if (c.ready) {
        ready++;
      }
      continue;
    }
    initializing = true;
    if (terminated) {
      reason = terminatedText('Init:', c);
      decisive = {
        reason: terminated.reason ?? `exit code ${terminated.exitCode}`,
        message: terminated.message,
      };
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
      decisive = { reason: waiting.reason, message: waiting.message };
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
      decisive = {
        reason: 'Initializing',
        message: `Waiting for init container ${c.name}`,
      };
    }
    break;
  }

  if (!initializing || conditionIsTrue(status.conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // kubectl walks the containers backwards, so the first container's state wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount ?? 0;
      lastRestart = later(lastRestart, toDate(c.lastState?.terminated?.finishedAt));
      const { terminated, waiting, running } = c.state ?? {};
      if (waiting?.reason) {
        reason = waiting.reason;
        decisive = {
          reason: waiting.reason,
          message: withLastExit(waiting.message, c),
        };
      } else if (terminated) {
        reason = terminatedText('', c);
        decisive = {
          reason: terminated.reason ?? `exit code ${terminated.exitCode}`,
          message: terminated.message,
        };
      } else if (c.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditionIsTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting =
    pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null;
  if (deleting && status.reason === NODE_UNREACHABLE_REASON) {
    reason = 'Unknown';
    decisive = {
      reason: NODE_UNREACHABLE_REASON,
      message: status.message ?? 'The node stopped reporting.',
    };
  } else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
    decisive = {
      reason: 'Terminating',
      message: `Deletion requested ${ageSince(pod.metadata!.deletionTimestamp, now)} ago`,
    };
  }

  const restartsText =
    restarts !== 0 && lastRestart
      ? `${restarts} (${ageSince(lastRestart, now)} ago)`
      : `${restarts}`;
  const containers = containerViews(pod);
  const health = classify(reason, phase, ready, total, lastRestart, now);
  const explained = explain(decisive, pod, reason, health, containers);

  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    uid: pod.metadata?.uid ?? '',
    status: reason,
    ready: `${ready}/${total}`,
    readyCount: ready,
    totalCount: total,
    restarts,
    restartsText,
    lastRestartAt: lastRestart,
    age: ageSince(pod.metadata?.creationTimestamp, now),
    createdAt: toDate(pod.metadata?.creationTimestamp),
    node: spec?.nodeName || undefined,
    health,
    reason: explained.reason,
    message: explained.message?.trim() || undefined,
    containers,
  };
}

/** A back-off message alone hides why the container keeps dying; the last exit tells (`OOMKilled`). */
function withLastExit(message: string | undefined, status: V1ContainerStatus): string | undefined {
  const last = status.lastState?.terminated;
  if (!last) {
    return message;
  }
  const exit = `Last exit: ${last.reason ?? 'terminated'} (exit code ${last.exitCode}).`;
  return message ? `${message}. ${exit}` : exit;
}

function classify(
  status: string,
  phase: string,
  ready: number,
  total: number,
  lastRestart: Date | undefined,
  now: Date,
): PodHealth {
  if (status === 'Completed' || (phase === 'Succeeded' && status !== 'Terminating')) {
    return 'done';
  }
  if (
    FAILING_STATUSES.has(status) ||
    phase === 'Failed' ||
    /^(Init:(?!\d+\/\d+$)|ExitCode:|Signal:)/.test(status)
  ) {
    return 'failing';
  }
  if (status !== 'Running' || ready < total) {
    return 'warning';
  }
  if (lastRestart && now.getTime() - lastRestart.getTime() < RECENT_RESTART_MS) {
    return 'warning';
  }
  return 'healthy';
}

function explain(
  decisive: Decisive,
  pod: V1Pod,
  status: string,
  health: PodHealth,
  containers: ContainerView[],
): Decisive {
  if (decisive.reason || decisive.message) {
    return decisive;
  }
  const conditions = pod.status?.conditions ?? [];
  const unscheduled = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) {
    return { reason: unscheduled.reason, message: unscheduled.message };
  }
  if (health === 'warning' && status === 'Running') {
    const restarted = containers.find((c) => c.lastTermination && c.restartCount > 0);
    if (restarted?.lastTermination) {
      const last = restarted.lastTermination;
      return {
        reason: last.reason ?? 'Restarted',
        message: `Container ${restarted.name} restarted: ${last.reason ?? 'exited'} (exit code ${last.exitCode})`,
      };
    }
    const notReady = conditions.find((c) => c.type === 'Ready' && c.status === 'False');
    if (notReady) {
      return { reason: notReady.reason, message: notReady.message };
    }
  }
  return decisive;
}

function containerViews(pod: V1Pod): ContainerView[] {
  const statusOf = new Map<string, V1ContainerStatus>();
  for (const s of [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]) {
    statusOf.set(s.name, s);
  }
  const view = (c: V1Container, init: boolean): ContainerView => {
    const s = statusOf.get(c.name);
    const { running, waiting, terminated } = s?.state ?? {};
    const last = s?.lastState?.terminated;
    return {
      name: c.name,
      init,
      sidecar: init && isSidecar(c),
      state: running ? 'running' : waiting ? 'waiting' : terminated ? 'terminated' : 'unknown',
      ready: s?.ready ?? false,
      restartCount: s?.restartCount ?? 0,
      reason: waiting?.reason ?? terminated?.reason,
      message: waiting?.message ?? terminated?.message,
      exitCode: terminated?.exitCode,
      lastTermination: last
        ? {
            reason: last.reason,
            exitCode: last.exitCode,
            finishedAt: toDate(last.finishedAt),
          }
        : undefined,
      hasPreviousLogs: (s?.restartCount ?? 0) > 0 || last !== undefined,
    };
  };
  return [
    ...(pod.spec?.initContainers ?? []).map((c) => view(c, true)),
    ...(pod.spec?.containers ?? []).map((c) => view(c, false)),
  ];
}
