/**
 * The pod status the kubelet writes, rendered from its runtime state (`podruntime.ts`) as a
 * real kubelet would report it: conditions in kubelet order with their transition times, host
 * and pod IPs once bound, and per container the state, `lastState` of the previous run,
 * restart count, image ID and containerd container ID.
 */
import { createHash } from 'node:crypto';

import type { SandboxClock } from './clock';
import { qosClass } from './defaults';
import type { ContainerRt, PodRt, State } from './podruntime';
import type { KObject } from './types';

export function renderPodStatus(
  rt: PodRt,
  pod: KObject,
  clock: SandboxClock,
): Record<string, unknown> {
  const iso = (t: number) => clock.iso(t);
  const conditionOrder = [
    'PodReadyToStartContainers',
    'DisruptionTarget',
    'Initialized',
    'Ready',
    'ContainersReady',
    'PodScheduled',
  ];
  if (rt.node && !rt.conditions.has('PodReadyToStartContainers')) {
    rt.conditions.set('PodReadyToStartContainers', {
      status: 'True',
      at: rt.startTime ?? clock.now(),
    });
  }
  const conditions = conditionOrder
    .filter((type) => rt.conditions.has(type))
    .map((type) => {
      const c = rt.conditions.get(type)!;
      return {
        type,
        status: c.status,
        lastProbeTime: null,
        lastTransitionTime: iso(c.at),
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.message ? { message: c.message } : {}),
      };
    });
  const status: Record<string, unknown> = { phase: rt.phase, conditions };
  if (rt.reason) status.reason = rt.reason;
  if (rt.message) status.message = rt.message;
  if (rt.node) {
    status.hostIP = rt.hostIP;
    status.hostIPs = [{ ip: rt.hostIP }];
    if (rt.podIP && !rt.evicted) {
      status.podIP = rt.podIP;
      status.podIPs = [{ ip: rt.podIP }];
    }
    status.startTime = iso(rt.startTime!);
    if (rt.init.length)
      status.initContainerStatuses = rt.init.map((c) => containerStatus(c, clock));
    if (!rt.evicted) status.containerStatuses = rt.main.map((c) => containerStatus(c, clock));
  }
  status.qosClass = qosClass(pod);
  return status;
}

function containerStatus(c: ContainerRt, clock: SandboxClock): Record<string, unknown> {
  const iso = (t: number) => clock.iso(t);
  const state = (s: State): Record<string, unknown> => {
    switch (s.kind) {
      case 'waiting':
        return { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } };
      case 'running':
        return { running: { startedAt: iso(s.startedAt) } };
      case 'terminated':
        return {
          terminated: {
            exitCode: s.exitCode,
            reason: s.reason,
            startedAt: iso(s.startedAt),
            finishedAt: iso(s.finishedAt),
            containerID: `containerd://${c.runs.at(-1)?.id ?? ''}`,
          },
        };
    }
  };
  const pulled = c.runs.length > 0;
  const current = c.state.kind === 'waiting' ? undefined : c.runs.at(-1)?.id;
  return {
    name: c.name,
    state: state(c.state),
    lastState: c.last
      ? {
          terminated: {
            ...(state(c.last).terminated as object),
            containerID: `containerd://${c.state.kind === 'waiting' ? c.runs.at(-1)?.id : c.lastId}`,
          },
        }
      : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: pulled
      ? `${c.image.split(':')[0]}@sha256:${createHash('sha256').update(c.image).digest('hex')}`
      : '',
    ...(current ? { containerID: `containerd://${current}` } : {}),
    started: c.started,
  };
}
