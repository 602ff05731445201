/**
 * What the kubelet keeps about each pod between steps: the behaviour it was given, its phase
 * and conditions, and per container the current state, restarts and the runs that logs are
 * generated from. The status the API shows is rendered from this (`podstatus.ts`); the steps
 * that change it are in `podsteps.ts`. Also here, the few helpers that only touch this state:
 * setting a condition, marking containers unready, and reading the runs of a seeded pod.
 */
import type { KObject } from './types';

/** How a pod behaves; chosen per pod by its image or the `sandbox.freelms.io/behaviour` annotation. */
export type Behaviour =
  | 'normal'
  | 'crash'
  | 'oom'
  | 'oom-once'
  | 'pull'
  | 'unschedulable'
  | 'init-stuck'
  | 'evicted'
  | 'complete'
  | 'fail';

export const BEHAVIOURS: readonly Behaviour[] = [
  'normal',
  'crash',
  'oom',
  'oom-once',
  'pull',
  'unschedulable',
  'init-stuck',
  'evicted',
  'complete',
  'fail',
];
export const BEHAVIOUR_ANNOTATION = 'sandbox.freelms.io/behaviour';

/** One run of a container, from start to exit; logs are generated per run. */
export interface ContainerRun {
  /** 0 for the first run, 1 after the first restart… */
  index: number;
  id: string;
  startedAt: number;
  finishedAt?: number;
  reason?: string;
  exitCode?: number;
}

export type State =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: number }
  | {
      kind: 'terminated';
      reason: string;
      exitCode: number;
      startedAt: number;
      finishedAt: number;
      message?: string;
    };

export interface ContainerRt {
  name: string;
  image: string;
  state: State;
  ready: boolean;
  started: boolean;
  restartCount: number;
  last?: Extract<State, { kind: 'terminated' }>;
  lastId?: string;
  runs: ContainerRun[];
}

export interface Condition {
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  at: number;
}

export interface PodRt {
  namespace: string;
  name: string;
  uid: string;
  behaviour: Behaviour;
  restartPolicy: string;
  node?: string;
  hostIP?: string;
  podIP?: string;
  startTime?: number;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  reason?: string;
  message?: string;
  conditions: Map<string, Condition>;
  init: ContainerRt[];
  main: ContainerRt[];
  deaths: number;
  pullAttempts: number;
  next?: { at: number; run: (at: number) => void };
  timer?: NodeJS.Timeout;
  terminating: boolean;
  /** Its containers have stopped after a delete; only finalizers keep it. */
  stopped?: boolean;
  /** Seeded with a status of its own: shown as given, only deletion is simulated. */
  frozen: boolean;
  evicted: boolean;
}

export function setCondition(
  rt: PodRt,
  type: string,
  status: 'True' | 'False',
  at: number,
  reason?: string,
  message?: string,
): void {
  const current = rt.conditions.get(type);
  const transitioned = !current || current.status !== status;
  rt.conditions.set(type, { status, reason, message, at: transitioned ? at : current!.at });
}

export function notReady(rt: PodRt, at: number): void {
  const names = rt.main
    .filter((c) => !c.ready)
    .map((c) => c.name)
    .join(' ');
  setCondition(
    rt,
    'Ready',
    'False',
    at,
    'ContainersNotReady',
    `containers with unready status: [${names}]`,
  );
  setCondition(
    rt,
    'ContainersReady',
    'False',
    at,
    'ContainersNotReady',
    `containers with unready status: [${names}]`,
  );
}

/** Runs of a frozen pod, read from the container statuses it came with. */
export function seedRunsFromStatus(rt: PodRt, pod: KObject): void {
  for (const status of [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]) {
    const c = [...rt.init, ...rt.main].find((x) => x.name === status.name);
    if (!c) continue;
    const restarts = status.restartCount ?? 0;
    const last = status.lastState?.terminated;
    if (last?.startedAt) {
      c.runs.push({
        index: Math.max(0, restarts - 1),
        id: last.containerID ?? `${rt.uid}-${c.name}-prev`,
        startedAt: Date.parse(last.startedAt),
        finishedAt: Date.parse(last.finishedAt ?? last.startedAt),
        reason: last.reason,
        exitCode: last.exitCode,
      });
    }
    const state = status.state ?? {};
    const current = state.running ?? state.terminated;
    if (current?.startedAt) {
      c.runs.push({
        index: restarts,
        id: status.containerID ?? `${rt.uid}-${c.name}`,
        startedAt: Date.parse(current.startedAt),
        ...(state.terminated
          ? {
              finishedAt: Date.parse(state.terminated.finishedAt ?? current.startedAt),
              reason: state.terminated.reason,
              exitCode: state.terminated.exitCode,
            }
          : {}),
      });
      if (state.running) c.state = { kind: 'running', startedAt: Date.parse(current.startedAt) };
    }
  }
}
