/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * The pods' lifecycle, as a scheduler and kubelet would drive it: Pending → scheduled →
 * init containers → Running → Ready, and the failures on-call engineers meet: crash loops
 * (Error or OOMKilled, restarts with `lastState`, CrashLoopBackOff with the kubelet's doubling
 * back-off), ErrImagePull/ImagePullBackOff, Init:N/M stuck, Unschedulable (no container
 * statuses), Evicted, Completed, and Terminating after a delete.
 *
 * Each pod's future is a chain of steps at simulated times (`podsteps.ts`). A pod created in
 * the past (the scenario back-dates its pods) is replayed step by step up to now, so it starts
 * out with the restarts and ages it would have; after that, timers drive it live. This file
 * adopts pods, runs their steps, handles deletion and writes the status (`podstatus.ts`).
 */
import type { SandboxClock, Timings } from './clock';
import type { EventRecorder } from './events';
import {
  notReady,
  seedRunsFromStatus,
  type Behaviour,
  type ContainerRt,
  type ContainerRun,
  type PodRt,
} from './podruntime';
import { renderPodStatus } from './podstatus';
import { PodSteps } from './podsteps';
import type { ObjectStore } from './store';
import type { KObject } from './types';

export interface KubeletOptions {
  behaviourOf(pod: KObject): Behaviour;
}

const MAX_REPLAY_STEPS = 5000;

export class Kubelet {
  private readonly pods = new Map<string, PodRt>();
  private unsubscribe?: () => void;
  private readonly steps: PodSteps;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SandboxClock,
    private readonly timings: Timings,
    private readonly events: EventRecorder,
    private readonly options: KubeletOptions,
  ) {
    this.steps = new PodSteps(store, timings, events);
  }

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
      seedRunsFromStatus(rt, pod);
      if (pod.metadata.deletionTimestamp) this.terminate(pod);
      return;
    }
    const created = Date.parse(pod.metadata.creationTimestamp) || this.clock.now();
    rt.next = { at: created, run: (at) => this.steps.created(rt, at) };
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
      notReady(rt, this.clock.now());
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

  // ---- writing the status ----

  private write(rt: PodRt): void {
    if (rt.frozen) return;
    const pod = this.store.get('pods', rt.namespace, rt.name);
    if (!pod || pod.metadata.uid !== rt.uid) return;
    this.store.mutate('pods', rt.namespace, rt.name, (p) => {
      if (rt.node && p.spec.nodeName !== rt.node) p.spec.nodeName = rt.node;
      p.status = renderPodStatus(rt, p, this.clock);
    });
  }
}
