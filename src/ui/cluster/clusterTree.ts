import * as vscode from 'vscode';

import type { PodNode, WorkloadGroup } from '../../platform/kube/clusterModel';
import type { PodHealth } from '../../platform/kube/podStatus';
import { ContextKeys } from '../ids';
import type { ClusterSession } from './clusterSession';

/** One row of the Cluster view. */
export type ClusterNode =
  | { kind: 'where' }
  | { kind: 'problem' }
  | { kind: 'group'; id: string; group: WorkloadGroup }
  | { kind: 'pod'; id: string; pod: PodNode };

const HEALTH_ICONS: Readonly<Record<PodHealth, vscode.ThemeIcon>> = {
  healthy: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground')),
  failing: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  done: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

/**
 * The Cluster view: where it is connected, then the namespace's Deployments and StatefulSets
 * with their pods, each with the status kubectl would print. It follows the cluster by watch:
 * a change redraws only the workloads it touched. "Only unhealthy" hides what is fine.
 */
export class ClusterTree implements vscode.TreeDataProvider<ClusterNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  /** The nodes handed to VS Code, kept so a change can name exactly the rows to redraw. */
  private readonly groupNodes = new Map<string, Extract<ClusterNode, { kind: 'group' }>>();
  private onlyUnhealthy = false;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly session: ClusterSession) {
    this.disposables.push(
      session.onDidChange((change) => {
        const partial =
          change && !change.reset && change.removedGroups.length === 0 && !this.onlyUnhealthy;
        const rows = partial ? this.rowsOf(change) : undefined;
        if (rows === undefined) this.changed.fire(undefined);
        else for (const row of rows) this.changed.fire(row);
      }),
    );
    void vscode.commands.executeCommand('setContext', ContextKeys.clusterConnected, true);
  }

  /** The rows a change touched, or undefined when the root must redraw (a group came or went). */
  private rowsOf(change: { groups: WorkloadGroup[]; pods: PodNode[] }): ClusterNode[] | undefined {
    const rows = new Set<ClusterNode>();
    for (const group of change.groups) {
      const node = this.groupNodes.get(group.id);
      if (!node) return undefined;
      node.group = group;
      rows.add(node);
    }
    for (const pod of change.pods) {
      const node = this.groupNodes.get(pod.groupId);
      if (!node) return undefined;
      rows.add(node);
    }
    return [...rows];
  }

  get showingOnlyUnhealthy(): boolean {
    return this.onlyUnhealthy;
  }

  setOnlyUnhealthy(value: boolean): void {
    this.onlyUnhealthy = value;
    void vscode.commands.executeCommand('setContext', ContextKeys.onlyUnhealthy, value);
    this.changed.fire(undefined);
  }

  getChildren(node?: ClusterNode): ClusterNode[] {
    const model = this.session.model;
    if (!node) {
      const rows: ClusterNode[] = [{ kind: 'where' }];
      const state = this.session.state;
      if (state.phase === 'failed' || state.phase === 'retrying') rows.push({ kind: 'problem' });
      if (!model) return rows;
      const seen = new Set<string>();
      for (const group of model.groups({ onlyUnhealthy: this.onlyUnhealthy })) {
        seen.add(group.id);
        const existing = this.groupNodes.get(group.id);
        if (existing) existing.group = group;
        else this.groupNodes.set(group.id, { kind: 'group', id: group.id, group });
        rows.push(this.groupNodes.get(group.id)!);
      }
      for (const id of this.groupNodes.keys()) if (!seen.has(id)) this.groupNodes.delete(id);
      return rows;
    }
    if (node.kind === 'group' && model) {
      return model
        .pods(node.id, { onlyUnhealthy: this.onlyUnhealthy })
        .map((pod) => ({ kind: 'pod', id: `${node.id}/${pod.uid}`, pod }));
    }
    return [];
  }

  getParent(node: ClusterNode): ClusterNode | undefined {
    return node.kind === 'pod' ? this.groupNodes.get(node.pod.groupId) : undefined;
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    switch (node.kind) {
      case 'where':
        return this.whereItem();
      case 'problem':
        return this.problemItem();
      case 'group':
        return groupItem(node.group, this.onlyUnhealthy);
      case 'pod':
        return podItem(node.pod);
    }
  }

  private whereItem(): vscode.TreeItem {
    const state = this.session.state;
    const label = state.context ? `${state.context} / ${state.namespace}` : 'No cluster';
    const item = new vscode.TreeItem(label);
    item.id = 'where';
    item.iconPath = new vscode.ThemeIcon(
      state.phase === 'live'
        ? 'cloud'
        : state.phase === 'connecting'
          ? 'loading~spin'
          : 'debug-disconnect',
    );
    item.description = {
      connecting: 'connecting…',
      live: 'watching',
      retrying: 'reconnecting…',
      failed: 'not connected',
    }[state.phase];
    item.tooltip =
      'Context and namespace of the Cluster view. Click to choose another; your kubeconfig is not changed.';
    item.command = { title: 'Choose Context', command: 'freelms.selectContext' };
    item.contextValue = 'cluster.where';
    return item;
  }

  private problemItem(): vscode.TreeItem {
    const state = this.session.state;
    const message = 'error' in state ? state.error.message : '';
    const item = new vscode.TreeItem(message);
    item.id = 'problem';
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = message;
    item.contextValue = 'cluster.problem';
    return item;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function groupItem(group: WorkloadGroup, onlyUnhealthy: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(group.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = group.id;
  item.iconPath = HEALTH_ICONS[group.health];
  const parts: string[] = [group.kind === 'Standalone' ? 'pods' : group.kind];
  if (group.deployment) {
    parts.push(`${group.deployment.readyText} ready`);
    if (group.deployment.paused) parts.push('paused');
    else if (group.deployment.rollout !== 'complete')
      parts.push(`rollout ${group.deployment.rollout}`);
  } else if (group.statefulSet) {
    parts.push(`${group.statefulSet.readyText} ready`);
  } else {
    parts.push(`${group.podCount} pods`);
  }
  if (group.unhealthyCount > 0) parts.push(`${group.unhealthyCount} unhealthy`);
  item.description = parts.join(' · ');
  item.tooltip = group.deployment?.rolloutMessage ?? item.description;
  item.contextValue = `cluster.${group.kind.toLowerCase()}${onlyUnhealthy ? '.filtered' : ''}`;
  return item;
}

function podItem(pod: PodNode): vscode.TreeItem {
  const item = new vscode.TreeItem(pod.name, vscode.TreeItemCollapsibleState.None);
  item.id = `${pod.groupId}/${pod.uid}`;
  item.iconPath = HEALTH_ICONS[pod.health];
  item.description = `${pod.status} · ${pod.ready} · ${pod.restartsText} restarts · ${pod.age}`;
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${pod.name}**  \n`);
  tooltip.appendText(
    `${pod.status}${pod.reason && pod.reason !== pod.status ? ` (${pod.reason})` : ''}\n`,
  );
  if (pod.message) tooltip.appendText(`${pod.message}\n`);
  tooltip.appendText(
    `Ready ${pod.ready} · restarts ${pod.restartsText} · age ${pod.age}${pod.node ? ` · node ${pod.node}` : ''}`,
  );
  item.tooltip = tooltip;
  item.contextValue = 'cluster.pod';
  return item;
}
