/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * The pods' lifecycle, as a scheduler and kubelet would drive it: Pending → scheduled →
 * init containers → Running → Ready, and the failures on-call engineers meet: crash loops
 * (Error or OOMKilled, restarts with `lastState`, CrashLoopBackOff with the kubelet's doubling
 * back-off), ErrImagePull/ImagePullBackOff, Init:N/M stuck, Unschedulable (no container
 * statuses), Evicted, Completed, and Terminating after a delete.
 *
 * Each pod's future is a chain of steps at simulated times. A pod created in the past (the
 * scenario back-dates its pods) is replayed step by step up to now, so it starts out with the
 * restarts and ages it would have; after that, timers drive it live.
 */
import { createHash } from 'node:crypto';

import type { SandboxClock, Timings } from './clock';
import { qosClass } from './defaults';
import type { EventRecorder } from './events';
import type { ObjectStore } from './store';
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

type State =
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

interface ContainerRt {
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

interface Condition {
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  at: number;
}

interface PodRt {
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

export interface KubeletOptions {
  behaviourOf(pod: KObject): Behaviour;
}

const MAX_REPLAY_STEPS = 5000;

export class Kubelet {
  private readonly pods = new Map<string, PodRt>();
  private unsubscribe?: () => void;
  private nodeCursor = 0;
  private ipCounter = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SandboxClock,
    private readonly timings: Timings,
    private readonly events: EventRecorder,
    private readonly options: KubeletOptions,
  ) {}

  start(): void {
    for (const pod of this.store.list('pods')) this.adopt(pod);
    this.unsubscribe = this.store.subscribe((event) => {
      if (event.resource !== 'pods') return;
      const pod = event.object;
      if (event.type === 'ADDED') this.adopt(pod);
      else if (event.type === 'DELETED') this.forget(pod.metadata.uid);
      else if (pod.metadata.deletionTimestamp) {
        this.terminate(pod);
        const rt = this.pods.get(pod.metadata.uid);
        if (rt?.stopped) this.removeIfDone(rt);
      }
    });
  }

  stop(): void {
    this.unsubscribe?.();
    for (const rt of this.pods.values()) this.clock.cancel(rt.timer);
    this.pods.clear();
  }

  /** The runs of a container, oldest first (at most the last three are kept). */
  runs(podUid: string, container: string): ContainerRun[] {
    const rt = this.pods.get(podUid);
    const c = rt && [...rt.init, ...rt.main].find((x) => x.name === container);
    return c ? c.runs : [];
  }

  /** Whether the container's latest run is still going. */
  isRunning(podUid: string, container: string): boolean {
    const rt = this.pods.get(podUid);
    const c = rt && [...rt.init, ...rt.main].find((x) => x.name === container);
    return c?.state.kind === 'running' && !rt?.terminating;
  }

  isManaged(podUid: string): boolean {
    const rt = this.pods.get(podUid);
    return !!rt && !rt.frozen;
  }

  private adopt(pod: KObject): void {
    if (this.pods.has(pod.metadata.uid)) return;
    const spec = pod.spec ?? {};
    // A pod that comes with more status than the API server's `Pending` was recorded
    // elsewhere (seeded): it is shown as it is.
    const status = pod.status ?? {};
    const frozen =
      (!!status.phase && status.phase !== 'Pending') ||
      !!status.conditions?.length ||
      !!status.containerStatuses?.length ||
      !!status.initContainerStatuses?.length;
    const container = (c: any): ContainerRt => ({
      name: c.name,
      image: c.image,
      state: { kind: 'waiting', reason: 'ContainerCreating' },
      ready: false,
      started: false,
      restartCount: 0,
      runs: [],
    });
    const rt: PodRt = {
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      behaviour: this.options.behaviourOf(pod),
      restartPolicy: spec.restartPolicy ?? 'Always',
      phase: 'Pending',
      conditions: new Map(),
      init: (spec.initContainers ?? []).map(container),
      main: (spec.containers ?? []).map(container),
      deaths: 0,
      pullAttempts: 0,
      terminating: false,
      frozen,
      evicted: false,
    };
    this.pods.set(rt.uid, rt);
    if (frozen) {
      this.seedRunsFromStatus(rt, pod);
      if (pod.metadata.deletionTimestamp) this.terminate(pod);
      return;
    }
    const created = Date.parse(pod.metadata.creationTimestamp) || this.clock.now();
    rt.next = { at: created, run: (at) => this.created(rt, at) };
    const replaying = created < this.clock.now() - 1000;
    this.events.muted = replaying;
    try {
      this.advance(rt);
    } finally {
      this.events.muted = false;
    }
    this.write(rt);
    this.schedule(rt);
  }

  /** Runs of a frozen pod, read from the container statuses it came with. */
  private seedRunsFromStatus(rt: PodRt, pod: KObject): void {
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

  private forget(uid: string): void {
    const rt = this.pods.get(uid);
    if (!rt) return;
    this.clock.cancel(rt.timer);
    this.pods.delete(uid);
  }

  /** A deleted pod stops its containers and goes away after its grace period. */
  private terminate(pod: KObject): void {
    const rt = this.pods.get(pod.metadata.uid);
    if (!rt || rt.terminating) return;
    rt.terminating = true;
    rt.next = undefined;
    this.clock.cancel(rt.timer);
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    const delay = Math.min(grace, this.timings.termination);
    if (!rt.frozen) {
      for (const c of rt.main) {
        if (c.state.kind === 'running')
          this.events.record(
            pod,
            'Normal',
            'Killing',
            `Stopping container ${c.name}`,
            { component: 'kubelet', host: rt.node },
            `spec.containers{${c.name}}`,
          );
        c.ready = false;
      }
      this.setCondition(
        rt,
        'Ready',
        'False',
        this.clock.now(),
        'ContainersNotReady',
        `containers with unready status: [${rt.main.map((c) => c.name).join(' ')}]`,
      );
      this.setCondition(
        rt,
        'ContainersReady',
        'False',
        this.clock.now(),
        'ContainersNotReady',
        `containers with unready status: [${rt.main.map((c) => c.name).join(' ')}]`,
      );
      this.write(rt);
    }
    rt.timer = this.clock.after(delay, () => {
      rt.stopped = true;
      this.removeIfDone(rt);
    });
  }

  /** A stopped pod goes once no finalizer holds it (as the API server removes it). */
  private removeIfDone(rt: PodRt): void {
    const current = this.store.get('pods', rt.namespace, rt.name);
    if (!rt.stopped || !current || current.metadata.uid !== rt.uid) return;
    if (current.metadata.finalizers?.length) return;
    this.store.remove('pods', rt.namespace, rt.name);
  }

  private advance(rt: PodRt): void {
    const now = this.clock.now();
    let steps = 0;
    while (rt.next && rt.next.at <= now && steps++ < MAX_REPLAY_STEPS) {
      const step = rt.next;
      rt.next = undefined;
      step.run(step.at);
    }
  }

  private schedule(rt: PodRt): void {
    this.clock.cancel(rt.timer);
    rt.timer = undefined;
    if (!rt.next || rt.terminating) return;
    rt.timer = this.clock.after(rt.next.at - this.clock.now(), () => {
      if (!this.pods.has(rt.uid) || rt.terminating) return;
      this.advance(rt);
      this.write(rt);
      this.schedule(rt);
    });
  }

  private plan(rt: PodRt, at: number, run: (at: number) => void): void {
    rt.next = { at, run };
  }

  private podObject(rt: PodRt): KObject {
    return (
      this.store.get('pods', rt.namespace, rt.name) ??
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: rt.name, namespace: rt.namespace, uid: rt.uid },
      } as KObject)
    );
  }

  private event(
    rt: PodRt,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    container?: string,
  ): void {
    this.events.record(
      this.podObject(rt),
      type,
      reason,
      message,
      { component: 'kubelet', host: rt.node },
      container ? `spec.containers{${container}}` : undefined,
    );
  }

  private setCondition(
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

  private notReady(rt: PodRt, at: number): void {
    const names = rt.main
      .filter((c) => !c.ready)
      .map((c) => c.name)
      .join(' ');
    this.setCondition(
      rt,
      'Ready',
      'False',
      at,
      'ContainersNotReady',
      `containers with unready status: [${names}]`,
    );
    this.setCondition(
      rt,
      'ContainersReady',
      'False',
      at,
      'ContainersNotReady',
      `containers with unready status: [${names}]`,
    );
  }

  // ---- the steps ----

  private created(rt: PodRt, at: number): void {
    const nodes = this.store.list('nodes').filter((n) => !n.spec?.unschedulable);
    if (rt.behaviour === 'unschedulable' || nodes.length === 0) {
      const total = this.store.count('nodes');
      const message =
        total === 0
          ? 'no nodes available to schedule pods'
          : `0/${total} nodes are available: ${total} Insufficient memory. preemption: 0/${total} ` +
            `nodes are available: ${total} No preemption victims found for incoming pod.`;
      this.setCondition(rt, 'PodScheduled', 'False', at, 'Unschedulable', message);
      this.events.record(this.podObject(rt), 'Warning', 'FailedScheduling', message, {
        component: 'default-scheduler',
      });
      return;
    }
    this.plan(rt, at + this.timings.schedule, (t) => this.bind(rt, t, nodes));
  }

  private bind(rt: PodRt, at: number, nodes: KObject[]): void {
    const node = nodes[this.nodeCursor++ % nodes.length]!;
    const nodeIndex = Math.max(0, this.store.keys('nodes').indexOf(node.metadata.name));
    rt.node = node.metadata.name;
    rt.hostIP =
      node.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address ??
      `10.0.0.${nodeIndex + 10}`;
    const n = this.ipCounter++;
    rt.podIP = `10.244.${nodeIndex % 250}.${(n % 250) + 2}`;
    rt.startTime = at;
    this.setCondition(rt, 'PodScheduled', 'True', at);
    this.setCondition(
      rt,
      'Initialized',
      rt.init.length ? 'False' : 'True',
      at,
      rt.init.length ? 'ContainersNotInitialized' : undefined,
      rt.init.length
        ? `containers with incomplete status: [${rt.init.map((c) => c.name).join(' ')}]`
        : undefined,
    );
    this.notReady(rt, at);
    this.events.record(
      this.podObject(rt),
      'Normal',
      'Scheduled',
      `Successfully assigned ${rt.namespace}/${rt.name} to ${rt.node}`,
      { component: 'default-scheduler' },
    );
    for (const c of rt.init) c.state = { kind: 'waiting', reason: 'PodInitializing' };
    for (const c of rt.main)
      c.state = {
        kind: 'waiting',
        reason: rt.init.length ? 'PodInitializing' : 'ContainerCreating',
      };
    if (rt.init.length)
      this.plan(rt, at + this.timings.containerStart, (t) => this.startInit(rt, 0, t));
    else this.plan(rt, at + this.timings.containerStart, (t) => this.startMain(rt, t));
  }

  private run(rt: PodRt, c: ContainerRt, at: number): void {
    const id = createHash('sha256')
      .update(`${rt.uid}/${c.name}/${c.restartCount}/${at}`)
      .digest('hex');
    c.state = { kind: 'running', startedAt: at };
    c.started = true;
    c.ready = false;
    c.lastId = c.runs.at(-1)?.id;
    c.runs.push({ index: c.restartCount, id, startedAt: at });
    if (c.runs.length > 3) c.runs.shift();
    this.event(
      rt,
      'Normal',
      'Pulled',
      `Container image "${c.image}" already present on machine`,
      c.name,
    );
    this.event(rt, 'Normal', 'Created', `Created container: ${c.name}`, c.name);
    this.event(rt, 'Normal', 'Started', `Started container ${c.name}`, c.name);
  }

  private exit(c: ContainerRt, at: number, reason: string, exitCode: number): void {
    const startedAt = c.state.kind === 'running' ? c.state.startedAt : at;
    c.state = { kind: 'terminated', reason, exitCode, startedAt, finishedAt: at };
    c.ready = false;
    c.started = false;
    const run = c.runs.at(-1);
    if (run && run.finishedAt === undefined)
      Object.assign(run, { finishedAt: at, reason, exitCode });
  }

  private startInit(rt: PodRt, i: number, at: number): void {
    const c = rt.init[i]!;
    this.run(rt, c, at);
    const stuckAt = Math.min(1, rt.init.length - 1);
    if (rt.behaviour === 'init-stuck' && i === stuckAt) return;
    this.plan(rt, at + this.timings.initContainer, (t) => {
      this.exit(c, t, 'Completed', 0);
      if (i + 1 < rt.init.length) {
        this.startInit(rt, i + 1, t);
      } else {
        this.setCondition(rt, 'Initialized', 'True', t);
        for (const m of rt.main) m.state = { kind: 'waiting', reason: 'ContainerCreating' };
        this.plan(rt, t + this.timings.containerStart / 2, (t2) => this.startMain(rt, t2));
      }
    });
  }

  private startMain(rt: PodRt, at: number): void {
    if (rt.behaviour === 'pull') return this.pullFailed(rt, at);
    rt.phase = 'Running';
    for (const c of rt.main) this.run(rt, c, at);
    this.planAfterStart(rt, at);
  }

  private planAfterStart(rt: PodRt, at: number): void {
    switch (rt.behaviour) {
      case 'crash':
      case 'oom':
        this.plan(rt, at + this.timings.crash, (t) => this.die(rt, t));
        break;
      case 'complete':
      case 'fail':
        this.plan(rt, at + this.timings.complete, (t) => this.finish(rt, t));
        break;
      default:
        this.plan(rt, at + this.timings.ready, (t) => this.becomeReady(rt, t));
    }
  }

  private becomeReady(rt: PodRt, at: number): void {
    for (const c of rt.main) c.ready = c.state.kind === 'running';
    if (rt.main.every((c) => c.ready)) {
      this.setCondition(rt, 'Ready', 'True', at);
      this.setCondition(rt, 'ContainersReady', 'True', at);
    }
    if (rt.behaviour === 'oom-once' && rt.deaths === 0) {
      this.plan(rt, at + this.timings.crash * 15, (t) => this.die(rt, t));
    } else if (rt.behaviour === 'evicted') {
      this.plan(rt, at + this.timings.crash * 10, (t) => this.evict(rt, t));
    }
  }

  /** The app container exits: OOMKilled (137) or Error (1); the pod restarts it after a back-off. */
  private die(rt: PodRt, at: number): void {
    const c = rt.main[0]!;
    const oom = rt.behaviour === 'oom' || rt.behaviour === 'oom-once';
    this.exit(c, at, oom ? 'OOMKilled' : 'Error', oom ? 137 : 1);
    c.last = c.state as Extract<State, { kind: 'terminated' }>;
    rt.deaths++;
    c.restartCount = rt.deaths;
    this.notReady(rt, at);
    if (rt.restartPolicy === 'Never') {
      rt.phase = 'Failed';
      return;
    }
    const delay = Math.min(this.timings.backOff * 2 ** (rt.deaths - 1), this.timings.backOffMax);
    this.plan(rt, at + Math.min(1000, delay / 2), (t) => {
      c.state = {
        kind: 'waiting',
        reason: 'CrashLoopBackOff',
        message:
          `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.name} ` +
          `pod=${rt.name}_${rt.namespace}(${rt.uid})`,
      };
      this.event(
        rt,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${rt.name}_${rt.namespace}(${rt.uid})`,
        c.name,
      );
      this.plan(rt, at + delay, (t2) => {
        this.run(rt, c, t2);
        if (rt.behaviour === 'oom-once')
          this.plan(rt, t2 + this.timings.ready, (t3) => this.becomeReady(rt, t3));
        else this.planAfterStart(rt, t2);
      });
      void t;
    });
  }

  private pullFailed(rt: PodRt, at: number): void {
    const c = rt.main[0]!;
    rt.pullAttempts++;
    c.state = {
      kind: 'waiting',
      reason: 'ErrImagePull',
      message:
        `failed to pull and unpack image "${c.image}": failed to resolve reference ` +
        `"${c.image}": ${c.image}: not found`,
    };
    for (const other of rt.main.slice(1))
      if (other.state.kind === 'waiting')
        other.state = { kind: 'waiting', reason: 'PodInitializing' };
    this.event(
      rt,
      'Warning',
      'Failed',
      `Failed to pull image "${c.image}": rpc error: code = NotFound desc = ${(c.state as any).message}`,
      c.name,
    );
    this.plan(rt, at + this.timings.imagePull, (t) => {
      c.state = {
        kind: 'waiting',
        reason: 'ImagePullBackOff',
        message: `Back-off pulling image "${c.image}"`,
      };
      this.event(rt, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, c.name);
      const delay = Math.min(
        this.timings.backOff * 2 ** (rt.pullAttempts - 1),
        this.timings.backOffMax,
      );
      this.plan(rt, t + delay, (t2) => this.pullFailed(rt, t2));
    });
  }

  private finish(rt: PodRt, at: number): void {
    const ok = rt.behaviour === 'complete';
    for (const c of rt.main) this.exit(c, at, ok ? 'Completed' : 'Error', ok ? 0 : 3);
    rt.phase = ok ? 'Succeeded' : 'Failed';
    this.setCondition(rt, 'Ready', 'False', at, 'PodCompleted');
    this.setCondition(rt, 'ContainersReady', 'False', at, 'PodCompleted');
  }

  private evict(rt: PodRt, at: number): void {
    const c = rt.main[0]!;
    for (const m of rt.main) this.exit(m, at, 'Error', 137);
    rt.evicted = true;
    rt.phase = 'Failed';
    rt.reason = 'Evicted';
    rt.message =
      `The node was low on resource: memory. Threshold quantity: 100Mi, available: ` +
      `41276Ki. Container ${c.name} was using 1483212Ki, request is 512Mi, has larger consumption of memory. `;
    this.setCondition(
      rt,
      'DisruptionTarget',
      'True',
      at,
      'TerminationByKubelet',
      'The node was low on resource: memory. ',
    );
    this.setCondition(rt, 'Ready', 'False', at, 'PodFailed');
    this.setCondition(rt, 'ContainersReady', 'False', at, 'PodFailed');
    this.events.record(this.podObject(rt), 'Warning', 'Evicted', rt.message, {
      component: 'kubelet',
      host: rt.node,
    });
  }

  // ---- writing the status ----

  private write(rt: PodRt): void {
    if (rt.frozen) return;
    const pod = this.store.get('pods', rt.namespace, rt.name);
    if (!pod || pod.metadata.uid !== rt.uid) return;
    this.store.mutate('pods', rt.namespace, rt.name, (p) => {
      if (rt.node && p.spec.nodeName !== rt.node) p.spec.nodeName = rt.node;
      p.status = this.render(rt, p);
    });
  }

  private render(rt: PodRt, pod: KObject): Record<string, unknown> {
    const iso = (t: number) => this.clock.iso(t);
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
        at: rt.startTime ?? this.clock.now(),
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
        status.initContainerStatuses = rt.init.map((c) => this.containerStatus(c));
      if (!rt.evicted) status.containerStatuses = rt.main.map((c) => this.containerStatus(c));
    }
    status.qosClass = qosClass(pod);
    return status;
  }

  private containerStatus(c: ContainerRt): Record<string, unknown> {
    const iso = (t: number) => this.clock.iso(t);
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
}
