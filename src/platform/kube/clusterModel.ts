import type { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';

import { ClusterIndex } from './clusterIndex';
import type { GroupFilter, PodNode, WorkloadGroup } from './clusterIndex';

// The Cluster view imports these with the model; they live in the index.
export type { GroupFilter, PodNode, WorkloadGroup } from './clusterIndex';
import type { KubeConnection } from './connection';
import { Emitter } from './emitter';
import type { KubeError } from './errors';
import { ListWatch } from './listWatch';
import type { WatchState } from './listWatch';

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

/**
 * The Cluster view's model of one namespace: Deployments, StatefulSets and their pods, kept
 * current by watches (never polling). Each watch event updates one pod and one group in O(1);
 * listeners get the changed nodes in batches, so a 10,000-pod namespace in turmoil stays
 * responsive. Nothing here imports `vscode`: the tree view maps groups and pods to items.
 */
export class ClusterModel {
  private readonly index = new ClusterIndex();
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

  /** The number of pods the model holds. */
  get podCount(): number {
    return this.index.podCount;
  }

  /**
   * Checks the namespace, lists and starts watching. Resolves when the first lists are in, failed
   * or are being retried (see `state`); throws a `KubeError` when the namespace is missing or the
   * credentials are refused.
   */
  async start(): Promise<void> {
    if (!this.options.skipNamespaceCheck) {
      try {
        await this.connection.checkNamespace();
      } catch (err) {
        // A cluster that is down or throttling is retried by the watches and shown as `retrying`;
        // a missing namespace or rejected credentials will not fix themselves.
        if (!(err as KubeError).transient) throw err;
      }
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
        event: (type, p) =>
          type === 'DELETED' ? this.removePod(p) : this.upsertPod(p, new Date()),
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
  groups(filter: GroupFilter = {}): WorkloadGroup[] {
    return this.index.groups(filter);
  }

  /** One group by id, or `undefined` once it is gone. */
  group(id: string): WorkloadGroup | undefined {
    return this.index.groupById(id);
  }

  /** The pods of one group, by name, with ages computed now. */
  pods(groupId: string, filter: GroupFilter = {}, now = new Date()): PodNode[] {
    return this.index.pods(groupId, filter, now);
  }

  /** Every unhealthy pod of the namespace, failing first: `FreeLMS: Show Unhealthy Pods`. */
  unhealthyPods(now = new Date()): PodNode[] {
    return this.index.unhealthyPods(now);
  }

  /** One pod by name, or `undefined`. */
  pod(name: string, now = new Date()): PodNode | undefined {
    return this.index.pod(name, now);
  }

  private upsertPod(raw: V1Pod, now: Date): void {
    const result = this.index.upsertPod(raw, now);
    if (!result) return;
    const change = this.change();
    change.pods.push(result.pod);
    change.removedGroups.push(...result.removedGroups);
    result.groups.forEach((g) => this.pendingGroups.add(g));
  }

  private removePod(raw: V1Pod): void {
    const removed = this.index.removePod(raw.metadata?.uid ?? raw.metadata?.name ?? '');
    if (!removed) return;
    const change = this.change();
    change.removedPods.push({ uid: removed.uid, name: removed.name, groupId: removed.groupId });
    this.touch(removed.groupId, removed.groupRemoved);
  }

  private resetPods(items: V1Pod[]): void {
    const seen = new Set<string>();
    const now = new Date();
    for (const p of items) {
      seen.add(p.metadata?.uid ?? p.metadata?.name ?? '');
      this.upsertPod(p, now);
    }
    for (const uid of this.index.podUids()) {
      if (!seen.has(uid)) this.removePod({ metadata: { uid } });
    }
    this.change().reset = true;
  }

  private setWorkload(
    kind: 'Deployment' | 'StatefulSet',
    obj: V1Deployment | V1StatefulSet,
    deleted: boolean,
  ): void {
    const name = obj.metadata?.name ?? '';
    const { groupId, groupRemoved } = this.index.setWorkload(kind, deleted ? undefined : obj, name);
    this.touch(groupId, groupRemoved);
  }

  private resetWorkloads(
    kind: 'Deployment' | 'StatefulSet',
    items: (V1Deployment | V1StatefulSet)[],
  ): void {
    const names = new Set(items.map((i) => i.metadata?.name ?? ''));
    for (const name of this.index.workloadNames(kind)) {
      if (!names.has(name)) this.setWorkload(kind, { metadata: { name } }, true);
    }
    for (const item of items) this.setWorkload(kind, item, false);
    this.change().reset = true;
  }

  private touch(groupId: string, removed: boolean): void {
    const change = this.change();
    if (removed) {
      change.removedGroups.push(groupId);
      this.pendingGroups.delete(groupId);
    } else {
      this.pendingGroups.add(groupId);
    }
  }

  private change(): ClusterChange {
    this.pending ??= { reset: false, groups: [], removedGroups: [], pods: [], removedPods: [] };
    if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => this.flush(), this.options.batchMs ?? 100);
    }
    return this.pending;
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const change = this.pending;
    if (!change) return;
    this.pending = undefined;
    for (const id of this.pendingGroups) {
      const g = this.index.groupById(id);
      if (g) change.groups.push(g);
    }
    this.pendingGroups = new Set();
    this.changeEmitter.fire(change);
  }

  private updateState(): void {
    const states: WatchState[] = this.watches.map((w) => w.state);
    const failed = states.find((s) => s.phase === 'failed');
    const retrying = states.find((s) => s.phase === 'retrying');
    let next: ClusterState;
    if (failed) next = { phase: 'failed', error: failed.error };
    else if (retrying) next = { phase: 'retrying', error: retrying.error };
    else if (states.every((s) => s.phase === 'live' || s.phase === 'stopped'))
      next = { phase: 'live' };
    else next = { phase: 'connecting' };
    if (next.phase !== this.currentState.phase || 'error' in next) {
      this.currentState = next;
      this.stateEmitter.fire(next);
    }
  }
}
