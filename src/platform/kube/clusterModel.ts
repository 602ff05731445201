import type { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';

import type { KubeConnection } from './connection';
import { Emitter } from './emitter';
import type { KubeError } from './errors';
import { ListWatch } from './listWatch';
import type { WatchState } from './listWatch';
import { computePodStatus } from './podStatus';
import type { PodHealth, PodView } from './podStatus';
import { groupOf, slimPod, worst } from './podGrouping';
import type { GroupKind } from './podGrouping';
import { computeDeploymentStatus, computeStatefulSetStatus } from './workloadStatus';
import type { DeploymentView, StatefulSetView } from './workloadStatus';

/** One node under the namespace: a Deployment, StatefulSet, Job… with its pods, or the standalone pods. */
export interface WorkloadGroup {
  /** Stable id, `Deployment/course-service`, used by the tree as the element id. */
  id: string;
  kind: GroupKind;
  name: string;
  deployment?: DeploymentView;
  statefulSet?: StatefulSetView;
  podCount: number;
  /** Pods whose health is `warning` or `failing`. */
  unhealthyCount: number;
  /** The worst of the workload's own state and its pods. */
  health: PodHealth;
}

/** A pod with the group it is shown under. */
export interface PodNode extends PodView {
  groupId: string;
}

/** What changed since the last notification, for a tree to refresh only those nodes. */
export interface ClusterChange {
  /** A full relist happened (first load or resync): refresh from the root. */
  reset: boolean;
  /** Groups added or changed (their counts, status or pod set). */
  groups: WorkloadGroup[];
  removedGroups: string[];
  /** Pods added or changed. */
  pods: PodNode[];
  removedPods: { uid: string; name: string; groupId: string }[];
}

/** Where the model's watches stand; `failed` carries the error to show in the view. */
export type ClusterState =
  | { phase: 'connecting' }
  | { phase: 'live' }
  | { phase: 'retrying'; error: KubeError }
  | { phase: 'failed'; error: KubeError };

/** Options of the model; the defaults suit the extension, tests shorten the timings. */
export interface ClusterModelOptions {
  /** Events arriving within this window are sent as one change. */
  batchMs?: number;
  backoff?: { initialDelay: number; maxDelay: number };
  watchTimeoutSeconds?: number;
  /** Skip the namespace existence check (for users not allowed to read namespaces at all). */
  skipNamespaceCheck?: boolean;
}

interface GroupState {
  kind: GroupKind;
  name: string;
  deployment?: V1Deployment;
  statefulSet?: V1StatefulSet;
  pods: Map<string, { pod: V1Pod; health: PodHealth }>;
  unhealthy: number;
  failing: number;
  done: number;
}

const KIND_ORDER: Record<GroupKind, number> = {
  Deployment: 0,
  StatefulSet: 1,
  DaemonSet: 2,
  Job: 3,
  ReplicaSet: 4,
  Standalone: 5,
};
const unhealthy = (h: PodHealth) => h === 'warning' || h === 'failing';

/**
 * The Cluster view's model of one namespace: Deployments, StatefulSets and their pods, kept
 * current by watches (never polling). Each watch event updates one pod and one group in O(1);
 * listeners get the changed nodes in batches, so a 10,000-pod namespace in turmoil stays
 * responsive. Nothing here imports `vscode`: the tree view maps groups and pods to items.
 */
export class ClusterModel {
  private readonly groupsById = new Map<string, GroupState>();
  private readonly podIndex = new Map<string, string>();
  private readonly watches: ListWatch<{ metadata?: { uid?: string } }>[] = [];
  private readonly changeEmitter = new Emitter<ClusterChange>();
  private readonly stateEmitter = new Emitter<ClusterState>();
  private pending: ClusterChange | undefined;
  private pendingGroups = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private currentState: ClusterState = { phase: 'connecting' };

  /** Fires with the changed groups and pods; subscribe from the tree view. */
  readonly onDidChange = this.changeEmitter.event;
  /** Fires when the watches connect, retry or fail. */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    readonly connection: KubeConnection,
    private readonly options: ClusterModelOptions = {},
  ) {}

  get state(): ClusterState {
    return this.currentState;
  }

  /**
   * Checks the namespace, lists and starts watching. Resolves when the first lists are in (or
   * failed: see `state`); throws only for a missing namespace.
   */
  async start(): Promise<void> {
    if (!this.options.skipNamespaceCheck) {
      await this.connection.checkNamespace();
    }
    const ns = encodeURIComponent(this.connection.namespace);
    const common = {
      connection: this.connection,
      backoff: this.options.backoff,
      watchTimeoutSeconds: this.options.watchTimeoutSeconds,
    };
    const deployments = new ListWatch<V1Deployment>(
      { ...common, resource: 'deployments', path: `/apis/apps/v1/namespaces/${ns}/deployments` },
      {
        reset: (items) => this.resetWorkloads('Deployment', items),
        event: (type, d) => this.setWorkload('Deployment', d, type === 'DELETED'),
      },
    );
    const statefulSets = new ListWatch<V1StatefulSet>(
      { ...common, resource: 'statefulsets', path: `/apis/apps/v1/namespaces/${ns}/statefulsets` },
      {
        reset: (items) => this.resetWorkloads('StatefulSet', items),
        event: (type, s) => this.setWorkload('StatefulSet', s, type === 'DELETED'),
      },
    );
    const pods = new ListWatch<V1Pod>(
      { ...common, resource: 'pods', path: `/api/v1/namespaces/${ns}/pods` },
      {
        reset: (items) => this.resetPods(items),
        event: (type, p) => (type === 'DELETED' ? this.removePod(p) : this.upsertPod(p)),
      },
    );
    this.watches.push(deployments, statefulSets, pods);
    for (const w of this.watches) {
      w.onDidChangeState(() => this.updateState());
    }
    await Promise.all(this.watches.map((w) => w.start()));
    this.updateState();
    this.flush();
  }

  /** Stops every watch and drops listeners. */
  async dispose(): Promise<void> {
    clearTimeout(this.flushTimer);
    await Promise.all(this.watches.map((w) => w.stop()));
    this.changeEmitter.dispose();
    this.stateEmitter.dispose();
  }

  /** The namespace's workloads, Deployments first; with `onlyUnhealthy`, those needing attention. */
  groups(filter: { onlyUnhealthy?: boolean } = {}): WorkloadGroup[] {
    const result: WorkloadGroup[] = [];
    for (const [id, g] of this.groupsById) {
      const view = this.groupView(id, g);
      if (!filter.onlyUnhealthy || unhealthy(view.health) || view.unhealthyCount > 0) {
        result.push(view);
      }
    }
    return result.sort(
      (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name),
    );
  }

  /** The pods of one group, by name, with ages computed now. */
  pods(groupId: string, filter: { onlyUnhealthy?: boolean } = {}, now = new Date()): PodNode[] {
    const g = this.groupsById.get(groupId);
    if (!g) {
      return [];
    }
    const result: PodNode[] = [];
    for (const { pod, health } of g.pods.values()) {
      if (!filter.onlyUnhealthy || unhealthy(health)) {
        result.push({ ...computePodStatus(pod, now), groupId });
      }
    }
    return result.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every unhealthy pod of the namespace, failing first: `FreeLMS: Show Unhealthy Pods`. */
  unhealthyPods(now = new Date()): PodNode[] {
    const result: PodNode[] = [];
    for (const [groupId, g] of this.groupsById) {
      if (g.unhealthy === 0) continue;
      for (const { pod, health } of g.pods.values()) {
        if (unhealthy(health)) result.push({ ...computePodStatus(pod, now), groupId });
      }
    }
    const rank = (p: PodNode) => (p.health === 'failing' ? 0 : 1);
    return result.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  }

  /** One pod by name, or undefined. Linear in the number of groups, not of pods. */
  pod(name: string, now = new Date()): PodNode | undefined {
    for (const [groupId, g] of this.groupsById) {
      for (const entry of g.pods.values()) {
        if (entry.pod.metadata?.name === name)
          return { ...computePodStatus(entry.pod, now), groupId };
      }
    }
    return undefined;
  }

  /** The number of pods the model holds. */
  get podCount(): number {
    return this.podIndex.size;
  }

  private group(kind: GroupKind, name: string): [string, GroupState] {
    const id = `${kind}/${name}`;
    let g = this.groupsById.get(id);
    if (!g) {
      g = { kind, name, pods: new Map(), unhealthy: 0, failing: 0, done: 0 };
      this.groupsById.set(id, g);
    }
    return [id, g];
  }

  private groupView(id: string, g: GroupState): WorkloadGroup {
    const deployment = g.deployment ? computeDeploymentStatus(g.deployment) : undefined;
    const statefulSet = g.statefulSet ? computeStatefulSetStatus(g.statefulSet) : undefined;
    const podHealth: PodHealth =
      g.failing > 0
        ? 'failing'
        : g.unhealthy > 0
          ? 'warning'
          : g.pods.size > 0 && g.done === g.pods.size
            ? 'done'
            : 'healthy';
    return {
      id,
      kind: g.kind,
      name: g.name,
      deployment,
      statefulSet,
      podCount: g.pods.size,
      unhealthyCount: g.unhealthy,
      health: worst(podHealth, deployment?.health ?? statefulSet?.health ?? podHealth),
    };
  }

  private count(g: GroupState, health: PodHealth, delta: number): void {
    if (unhealthy(health)) g.unhealthy += delta;
    if (health === 'failing') g.failing += delta;
    if (health === 'done') g.done += delta;
  }

  private upsertPod(raw: V1Pod, now = new Date()): void {
    const uid = raw.metadata?.uid ?? raw.metadata?.name ?? '';
    const pod = slimPod(raw);
    const [kind, name] = groupOf(pod);
    const [groupId, g] = this.group(kind, name);
    const previousGroup = this.podIndex.get(uid);
    if (previousGroup !== undefined && previousGroup !== groupId) {
      this.removePod(raw);
    }
    const old = g.pods.get(uid);
    if (old) {
      if (
        old.pod.metadata?.resourceVersion === pod.metadata?.resourceVersion &&
        old.pod.metadata?.resourceVersion
      ) {
        return;
      }
      this.count(g, old.health, -1);
    }
    const view = computePodStatus(pod, now);
    g.pods.set(uid, { pod, health: view.health });
    this.count(g, view.health, +1);
    this.podIndex.set(uid, groupId);
    this.change().pods.push({ ...view, groupId });
    this.pendingGroups.add(groupId);
  }

  private removePod(raw: V1Pod): void {
    const uid = raw.metadata?.uid ?? raw.metadata?.name ?? '';
    const groupId = this.podIndex.get(uid);
    const g = groupId === undefined ? undefined : this.groupsById.get(groupId);
    if (!g || groupId === undefined) return;
    const entry = g.pods.get(uid);
    if (entry) {
      this.count(g, entry.health, -1);
      g.pods.delete(uid);
    }
    this.podIndex.delete(uid);
    this.change().removedPods.push({ uid, name: raw.metadata?.name ?? '', groupId });
    this.pendingGroups.add(groupId);
    this.dropIfEmpty(groupId, g);
  }

  private resetPods(items: V1Pod[]): void {
    const seen = new Set<string>();
    const now = new Date();
    for (const p of items) {
      seen.add(p.metadata?.uid ?? p.metadata?.name ?? '');
      this.upsertPod(p, now);
    }
    for (const [uid, groupId] of [...this.podIndex]) {
      if (!seen.has(uid)) {
        const entry = this.groupsById.get(groupId)?.pods.get(uid);
        if (entry) this.removePod(entry.pod);
      }
    }
    this.change().reset = true;
    this.scheduleFlush();
  }

  private setWorkload(
    kind: 'Deployment' | 'StatefulSet',
    obj: V1Deployment | V1StatefulSet,
    deleted: boolean,
  ): void {
    const [id, g] = this.group(kind, obj.metadata?.name ?? '');
    if (kind === 'Deployment') g.deployment = deleted ? undefined : (obj as V1Deployment);
    else g.statefulSet = deleted ? undefined : (obj as V1StatefulSet);
    this.pendingGroups.add(id);
    this.change();
    this.dropIfEmpty(id, g);
    this.scheduleFlush();
  }

  private resetWorkloads(
    kind: 'Deployment' | 'StatefulSet',
    items: (V1Deployment | V1StatefulSet)[],
  ): void {
    const names = new Set(items.map((i) => i.metadata?.name ?? ''));
    for (const g of [...this.groupsById.values()]) {
      if (g.kind === kind && !names.has(g.name)) {
        this.setWorkload(kind, { metadata: { name: g.name } }, true);
      }
    }
    for (const item of items) this.setWorkload(kind, item, false);
    this.change().reset = true;
  }

  private dropIfEmpty(id: string, g: GroupState): void {
    if (g.pods.size === 0 && !g.deployment && !g.statefulSet) {
      this.groupsById.delete(id);
      this.change().removedGroups.push(id);
      this.pendingGroups.delete(id);
    }
  }

  private change(): ClusterChange {
    this.pending ??= { reset: false, groups: [], removedGroups: [], pods: [], removedPods: [] };
    this.scheduleFlush();
    return this.pending;
  }

  private scheduleFlush(): void {
    if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => this.flush(), this.options.batchMs ?? 100);
    }
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const change = this.pending;
    if (!change) return;
    this.pending = undefined;
    for (const id of this.pendingGroups) {
      const g = this.groupsById.get(id);
      if (g) change.groups.push(this.groupView(id, g));
    }
    this.pendingGroups = new Set();
    this.changeEmitter.fire(change);
  }

  private updateState(): void {
    const states = this.watches.map((w) => w.state);
    const failed = states.find(
      (s): s is Extract<WatchState, { phase: 'failed' }> => s.phase === 'failed',
    );
    const retrying = states.find(
      (s): s is Extract<WatchState, { phase: 'retrying' }> => s.phase === 'retrying',
    );
    const next: ClusterState = failed
      ? { phase: 'failed', error: failed.error }
      : retrying
        ? { phase: 'retrying', error: retrying.error }
        : states.every((s) => s.phase === 'live' || s.phase === 'stopped')
          ? { phase: 'live' }
          : { phase: 'connecting' };
    if (JSON.stringify(next.phase) !== JSON.stringify(this.currentState.phase) || 'error' in next) {
      this.currentState = next;
      this.stateEmitter.fire(next);
    }
  }
}
