/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * The steps of a pod's life as the scheduler and kubelet take them: scheduling (or
 * Unschedulable), binding to a node, init containers one by one, the main containers' start,
 * readiness, and the failures a behaviour asks for — crash or OOMKilled with the doubling
 * back-off, image pull failures, completion, eviction. Each step changes the pod's runtime
 * state, records its events and plans the next step at a simulated time; the kubelet
 * (`kubelet.ts`) decides when planned steps run.
 */
import { createHash } from 'node:crypto';

import type { Timings } from './clock';
import type { EventRecorder } from './events';
import { notReady, setCondition, type ContainerRt, type PodRt, type State } from './podruntime';
import type { ObjectStore } from './store';
import type { KObject } from './types';

export class PodSteps {
  private nodeCursor = 0;
  private ipCounter = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly timings: Timings,
    private readonly events: EventRecorder,
  ) {}

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

  /** The first step of a new pod: the scheduler places it on a node, or cannot. */
  created(rt: PodRt, at: number): void {
    const nodes = this.store.list('nodes').filter((n) => !n.spec?.unschedulable);
    if (rt.behaviour === 'unschedulable' || nodes.length === 0) {
      const total = this.store.count('nodes');
      const message =
        total === 0
          ? 'no nodes available to schedule pods'
          : `0/${total} nodes are available: ${total} Insufficient memory. preemption: 0/${total} ` +
            `nodes are available: ${total} No preemption victims found for incoming pod.`;
      setCondition(rt, 'PodScheduled', 'False', at, 'Unschedulable', message);
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
    setCondition(rt, 'PodScheduled', 'True', at);
    setCondition(
      rt,
      'Initialized',
      rt.init.length ? 'False' : 'True',
      at,
      rt.init.length ? 'ContainersNotInitialized' : undefined,
      rt.init.length
        ? `containers with incomplete status: [${rt.init.map((c) => c.name).join(' ')}]`
        : undefined,
    );
    notReady(rt, at);
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
        setCondition(rt, 'Initialized', 'True', t);
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
      setCondition(rt, 'Ready', 'True', at);
      setCondition(rt, 'ContainersReady', 'True', at);
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
    notReady(rt, at);
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
    setCondition(rt, 'Ready', 'False', at, 'PodCompleted');
    setCondition(rt, 'ContainersReady', 'False', at, 'PodCompleted');
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
    setCondition(
      rt,
      'DisruptionTarget',
      'True',
      at,
      'TerminationByKubelet',
      'The node was low on resource: memory. ',
    );
    setCondition(rt, 'Ready', 'False', at, 'PodFailed');
    setCondition(rt, 'ContainersReady', 'False', at, 'PodFailed');
    this.events.record(this.podObject(rt), 'Warning', 'Evicted', rt.message, {
      component: 'kubelet',
      host: rt.node,
    });
  }
}
