/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * A pod's READY, STATUS and RESTARTS as `kubectl get pods` prints them, computed the way the
 * API server's pod printer does: init containers first (Init:N/M, Init:CrashLoopBackOff…),
 * sidecars counted as containers, the last container's waiting or terminated reason winning,
 * Terminating for a deleted pod, and restarts with how long ago the last one was.
 */
import { humanDuration } from './clock';
import type { KObject } from './types';

/** STATUS, READY and RESTARTS of a pod, as `kubectl get pods` prints them. */
export function podSummary(
  pod: KObject,
  now: number,
): { ready: string; status: string; restarts: string; readyCount: number; total: number } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const containers: any[] = spec.containers ?? [];
  const initContainers: any[] = spec.initContainers ?? [];
  let total = containers.length;
  let readyCount = 0;
  let restarts = 0;
  let lastRestart = 0;
  let reason: string = status.reason || status.phase || '';
  const conditions: any[] = status.conditions ?? [];
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated'))
    reason = 'SchedulingGated';

  const restartable = (name: string) =>
    initContainers.find((c) => c.name === name)?.restartPolicy === 'Always';
  total += initContainers.filter((c) => c.restartPolicy === 'Always').length;

  const countRestarts = (c: any) => {
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished));
  };

  let initializing = false;
  const initStatuses: any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    countRestarts(c);
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (restartable(c.name) && c.started) {
      if (c.ready) readyCount++;
      continue;
    }
    if (terminated) {
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  const initialized = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = 0;
    lastRestart = 0;
    let hasRunning = false;
    const statuses: any[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      countRestarts(c);
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated)
        reason = terminated.signal
          ? `Signal:${terminated.signal}`
          : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyCount++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True')
        ? 'Running'
        : 'NotReady';
    }
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartText =
    restarts !== 0 && lastRestart
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts);
  return {
    ready: `${readyCount}/${total}`,
    status: reason,
    restarts: restartText,
    readyCount,
    total,
  };
}
