import * as vscode from 'vscode';

import { Views } from '../ids';
import type { ClusterSession } from './clusterSession';
import type { ClusterTree } from './clusterTree';

/**
 * `FreeLMS: Choose Cluster Context and Namespace`: a context of the kubeconfig, then a
 * namespace (typed, defaulting to the current one). Scriptable with `{ context, namespace }`.
 */
export async function selectContext(
  session: ClusterSession,
  argument?: { context?: string; namespace?: string },
): Promise<{ context: string; namespace: string } | undefined> {
  let contexts;
  try {
    contexts = session.kubeconfig().contexts;
  } catch (error) {
    void vscode.window
      .showErrorMessage((error as Error).message, 'Open Kubernetes Settings')
      .then((choice) => {
        if (choice)
          void vscode.commands.executeCommand('workbench.action.openSettings', 'freelms.kube');
      });
    return undefined;
  }
  const state = session.state;
  const context =
    argument?.context ??
    (
      await vscode.window.showQuickPick(
        contexts.map((entry) => ({
          label: entry.name,
          description: entry.name === state.context ? 'current' : undefined,
          detail: `${entry.server ?? entry.cluster} · ${entry.auth}`,
        })),
        { title: 'Kubernetes context for the Cluster view (your kubeconfig is not changed)' },
      )
    )?.label;
  if (!context) return undefined;
  const namespace =
    argument?.namespace ??
    (await vscode.window.showInputBox({
      title: `Namespace in ${context}`,
      value: state.namespace ?? 'freelms',
      validateInput: (value) =>
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)
          ? undefined
          : 'A namespace is lowercase letters, digits and -.',
    }));
  if (!namespace) return undefined;
  await session.select({ context, namespace });
  return { context, namespace };
}

/** `FreeLMS: Show Unhealthy Pods`: the Cluster view, filtered to what needs attention. */
export async function showUnhealthyPods(
  session: ClusterSession,
  tree: ClusterTree,
): Promise<number> {
  await session.ensureStarted();
  tree.setOnlyUnhealthy(true);
  await vscode.commands.executeCommand(`${Views.cluster}.focus`);
  return session.model?.unhealthyPods().length ?? 0;
}
