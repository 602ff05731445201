import type { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';

import { groupOf, slimPod, worst } from './podGrouping';
import type { GroupKind } from './podGrouping';
import { computePodStatus } from './podStatus';
import type { PodHealth, PodView } from './podStatus';
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

/** The filter of the Cluster view's "only unhealthy" toggle. */
export interface GroupFilter {
  onlyUnhealthy?: boolean;
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

/** True for the health classes the "only unhealthy" toggle keeps. */
export const isUnhealthy = (h: PodHealth): boolean => h === 'warning' || h === 'failing';

/**
 * The namespace's workloads and pods, indexed so one watch event costs O(1): pods by uid and by
 * name, per-group counts of unhealthy, failing and finished pods kept up to date on each change.
 */
export class ClusterIndex {
  private readonly groupsById = new Map<string, GroupState>();
  private readonly groupOfPod = new Map<string, string>();
  private readonly uidByName = new Map<string, string>();

  get podCount(): number {
    return this.groupOfPod.size;
  }

  /** Uids of every pod held. */
  podUids(): string[] {
    return [...this.groupOfPod.keys()];
  }

  /** Names of the workloads of a kind that have their object (not only pods). */
  workloadNames(kind: 'Deployment' | 'StatefulSet'): string[] {
    return [...this.groupsById.values()]
      .filter((g) => g.kind === kind && (g.deployment ?? g.statefulSet))
      .map((g) => g.name);
  }

  /**
   * Adds or replaces a pod. Returns the pod as shown and the groups touched (the old one too
   * when its owner changed), or `undefined` when this exact version is already held.
   */
  upsertPod(
    raw: V1Pod,
    now: Date,
  ): { pod: PodNode; groups: string[]; removedGroups: string[] } | undefined {
    const uid = raw.metadata?.uid ?? raw.metadata?.name ?? '';
    const pod = slimPod(raw);
    const [kind, name] = groupOf(pod);
    const groupId = `${kind}/${name}`;
    const groups = [groupId];
    const removedGroups: string[] = [];
    const previous = this.groupOfPod.get(uid);
    if (previous !== undefined && previous !== groupId) {
      const moved = this.removePod(uid);
      if (moved?.groupRemoved) removedGroups.push(moved.groupId);
      else if (moved) groups.push(moved.groupId);
    }
    const g = this.group(kind, name);
    const old = g.pods.get(uid);
    const version = pod.metadata?.resourceVersion;
    if (old && version && old.pod.metadata?.resourceVersion === version) {
      return undefined;
    }
    if (old) this.count(g, old.health, -1);
    const view = computePodStatus(pod, now);
    g.pods.set(uid, { pod, health: view.health });
    this.count(g, view.health, +1);
    this.groupOfPod.set(uid, groupId);
    this.uidByName.set(view.name, uid);
    return { pod: { ...view, groupId }, groups, removedGroups };
  }

  /** Removes a pod by uid; tells whether its group went away with it. */
  removePod(
    uid: string,
  ): { uid: string; name: string; groupId: string; groupRemoved: boolean } | undefined {
    const groupId = this.groupOfPod.get(uid);
    const g = groupId === undefined ? undefined : this.groupsById.get(groupId);
    if (!g || groupId === undefined) return undefined;
    const entry = g.pods.get(uid);
    const name = entry?.pod.metadata?.name ?? '';
    if (entry) {
      this.count(g, entry.health, -1);
      g.pods.delete(uid);
    }
    this.groupOfPod.delete(uid);
    if (this.uidByName.get(name) === uid) this.uidByName.delete(name);
    return { uid, name, groupId, groupRemoved: this.dropIfEmpty(groupId, g) };
  }

  /** Sets or clears a Deployment's or StatefulSet's object; tells whether its group went away. */
  setWorkload(
    kind: 'Deployment' | 'StatefulSet',
    obj: V1Deployment | V1StatefulSet | undefined,
    name: string,
  ): { groupId: string; groupRemoved: boolean } {
    const g = this.group(kind, name);
    if (kind === 'Deployment') g.deployment = obj as V1Deployment | undefined;
    else g.statefulSet = obj as V1StatefulSet | undefined;
    const groupId = `${kind}/${name}`;
    return { groupId, groupRemoved: this.dropIfEmpty(groupId, g) };
  }

  /** A group as the tree shows it, or `undefined` once it is gone. */
  groupById(id: string): WorkloadGroup | undefined {
    const g = this.groupsById.get(id);
    return g ? this.view(id, g) : undefined;
  }

  groups(filter: GroupFilter = {}): WorkloadGroup[] {
    const result: WorkloadGroup[] = [];
    for (const [id, g] of this.groupsById) {
      const view = this.view(id, g);
      if (!filter.onlyUnhealthy || isUnhealthy(view.health) || view.unhealthyCount > 0) {
        result.push(view);
      }
    }
    return result.sort(
      (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name),
    );
  }

  pods(groupId: string, filter: GroupFilter, now: Date): PodNode[] {
    const g = this.groupsById.get(groupId);
    const result: PodNode[] = [];
    for (const { pod, health } of g?.pods.values() ?? []) {
      if (!filter.onlyUnhealthy || isUnhealthy(health)) {
        result.push({ ...computePodStatus(pod, now), groupId });
      }
    }
    return result.sort((a, b) => a.name.localeCompare(b.name));
  }

  unhealthyPods(now: Date): PodNode[] {
    const result: PodNode[] = [];
    for (const [groupId, g] of this.groupsById) {
      if (g.unhealthy === 0) continue;
      for (const { pod, health } of g.pods.values()) {
        if (isUnhealthy(health)) result.push({ ...computePodStatus(pod, now), groupId });
      }
    }
    const rank = (p: PodNode) => (p.health === 'failing' ? 0 : 1);
    return result.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  }

  pod(name: string, now: Date): PodNode | undefined {
    const uid = this.uidByName.get(name);
    const groupId = uid === undefined ? undefined : this.groupOfPod.get(uid);
    const entry = groupId === undefined ? undefined : this.groupsById.get(groupId)?.pods.get(uid!);
    return entry ? { ...computePodStatus(entry.pod, now), groupId: groupId! } : undefined;
  }

  /** The raw (slimmed) pod objects of a group, e.g. for a workload log stream. */
  rawPods(groupId: string): V1Pod[] {
    return [...(this.groupsById.get(groupId)?.pods.values() ?? [])].map((e) => e.pod);
  }

  private group(kind: GroupKind, name: string): GroupState {
    const id = `${kind}/${name}`;
    let g = this.groupsById.get(id);
    if (!g) {
      g = { kind, name, pods: new Map(), unhealthy: 0, failing: 0, done: 0 };
      this.groupsById.set(id, g);
    }
    return g;
  }

  private view(id: string, g: GroupState): WorkloadGroup {
    const deployment = g.deployment ? computeDeploymentStatus(g.deployment) : undefined;
    const statefulSet = g.statefulSet ? computeStatefulSetStatus(g.statefulSet) : undefined;
    let podHealth: PodHealth = 'healthy';
    if (g.failing > 0) podHealth = 'failing';
    else if (g.unhealthy > 0) podHealth = 'warning';
    else if (g.pods.size > 0 && g.done === g.pods.size) podHealth = 'done';
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
    if (isUnhealthy(health)) g.unhealthy += delta;
    if (health === 'failing') g.failing += delta;
    if (health === 'done') g.done += delta;
  }

  private dropIfEmpty(id: string, g: GroupState): boolean {
    if (g.pods.size === 0 && !g.deployment && !g.statefulSet) {
      this.groupsById.delete(id);
      return true;
    }
    return false;
  }
}
