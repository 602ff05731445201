import * as vscode from 'vscode';

import type { KubeConnection } from '../../platform/kube/connection';
import {
  readReplicas,
  scaleAction,
  scaleDeployment,
  ScaleError,
  validateReplicas,
  waitForReplicas,
  type ReadinessResult,
} from '../../platform/kube/scale';
import { SETTINGS_SECTION } from '../ids';
import {
  confirmChange,
  connectionOf,
  deploymentOf,
  me,
  pickDeployment,
  preconfirmed,
  record,
  showError,
  withCancellableProgress,
  type CommandDeps,
} from './shared';

/** `{ deployment, replicas, confirm?, incidentId? }`, a Cluster view row, or nothing. */
export interface ScaleArgument {
  deployment?: string;
  replicas?: number;
  /** Skips the confirmation and the warnings' questions (scripts and tests only). */
  confirm?: boolean;
  incidentId?: string;
}

/** What `FreeLMS: Scale Deployment` did. */
export interface ScaleOutcome {
  outcome: 'scaled' | 'unchanged' | 'refused' | 'cancelled' | 'failed';
  deployment?: string;
  fromReplicas?: number;
  toReplicas?: number;
  readiness?: ReadinessResult['outcome'];
  warnings?: string[];
  message: string;
  incidentId?: string;
}

/**
 * `FreeLMS: Scale Deployment`: the current replicas shown, the new count validated (zero and
 * large jumps ask again), a modal confirmation naming context, namespace and from → to, the
 * scale, then readiness followed under a cancellable progress; recorded on the timeline.
 */
export async function scaleDeploymentCommand(
  deps: CommandDeps,
  argument?: ScaleArgument | object,
): Promise<ScaleOutcome | undefined> {
  const a = (argument ?? {}) as ScaleArgument;
  let connection: KubeConnection;
  try {
    connection = await connectionOf(deps.cluster);
  } catch (error) {
    showError(`Cannot scale: ${(error as Error).message}`, 'freelms.kube');
    return { outcome: 'failed', message: (error as Error).message };
  }
  const where = `context ${connection.context}, namespace ${connection.namespace}`;
  let deployment = deploymentOf(argument);
  try {
    deployment ??= await pickDeployment(deps.cluster, `Scale which Deployment (${where})?`);
    if (!deployment) return undefined;
    const counts = await readReplicas(connection, deployment);
    let replicas = typeof a.replicas === 'number' ? a.replicas : undefined;
    if (replicas === undefined) {
      const typed = await vscode.window.showInputBox({
        title: `Scale ${deployment} (${where})`,
        prompt:
          `Now ${counts.desired} desired, ${counts.ready} ready, ${counts.available} available. ` +
          'New replica count:',
        value: String(counts.desired),
        validateInput: (value) =>
          /^\d+$/.test(value.trim()) ? undefined : 'A whole number, 0 or more.',
      });
      if (typed === undefined) return undefined;
      replicas = Number(typed.trim());
    }
    const warnings = validateReplicas(deployment, counts.desired, replicas);
    if (replicas === counts.desired) {
      const message =
        `${deployment} already has ${replicas} desired replicas (${where}); ` + 'nothing changed.';
      void vscode.window.showInformationMessage(message);
      return {
        outcome: 'unchanged',
        deployment,
        fromReplicas: counts.desired,
        toReplicas: replicas,
        message,
      };
    }
    if (!preconfirmed(argument)) {
      const confirmed = await confirmChange({
        message: `Scale ${deployment} in ${connection.namespace} on ${connection.context}?`,
        detail:
          `Context: ${connection.context}\nNamespace: ${connection.namespace}\n` +
          `Deployment: ${deployment}\nReplicas: ${counts.desired} → ${replicas}` +
          (warnings.length ? `\n\n${warnings.map((w) => w.message).join('\n')}` : ''),
        button: 'Scale',
        context: connection.context,
        typed: deployment,
      });
      if (!confirmed) return { outcome: 'cancelled', deployment, message: 'Not confirmed.' };
    }
    const name = deployment;
    const target = replicas;
    const timeoutMs =
      vscode.workspace
        .getConfiguration(SETTINGS_SECTION)
        .get<number>('mitigation.rolloutTimeoutSeconds', 600) * 1000;
    const { result, readiness } = await withCancellableProgress(
      `Scaling ${name} to ${target} (${where})`,
      async (signal, report) => {
        const result = await scaleDeployment(connection, name, target, signal);
        const readiness = await waitForReplicas(connection, name, target, {
          timeoutMs,
          signal,
          onProgress: (c) =>
            report(`${c.available} of ${target} available, ${c.current} pods in all`),
        });
        return { result, readiness };
      },
    );
    const ok = readiness.outcome === 'ready';
    const message =
      `${name} scaled from ${result.fromReplicas} to ${result.toReplicas} (${where}): ` +
      (ok ? `${readiness.counts.available} available.` : readiness.message);
    const incidentId = await record(
      deps,
      { type: 'action.taken', action: scaleAction(result), ok, summary: message, by: me() },
      a.incidentId,
    );
    if (ok) void vscode.window.showInformationMessage(message);
    else void vscode.window.showWarningMessage(message);
    return {
      outcome: 'scaled',
      deployment: name,
      fromReplicas: result.fromReplicas,
      toReplicas: result.toReplicas,
      readiness: readiness.outcome,
      warnings: warnings.map((w) => w.message),
      message,
      incidentId,
    };
  } catch (error) {
    const what = deployment ?? 'the Deployment';
    const message = `Scale of ${what} (${where}): ${(error as Error).message}`;
    if (error instanceof ScaleError && error.kind === 'invalidCount') {
      void vscode.window.showErrorMessage(message);
      return { outcome: 'refused', deployment, message };
    }
    deps.log.error(message);
    showError(message, 'freelms.kube');
    return { outcome: 'failed', deployment, message };
  }
}
