import * as vscode from 'vscode';

import type { KubeConnection } from '../../platform/kube/connection';
import { KubeError } from '../../platform/kube/errors';
import {
  rollbackAction,
  rolloutHistory,
  RolloutError,
  undoRollout,
  type RevisionEntry,
  type UndoResult,
} from '../../platform/kube/rollout';
import { followRollout, type RolloutStatusResult } from '../../platform/kube/rolloutStatus';
import { SETTINGS_SECTION } from '../ids';
import { revisionChoices, revisionsLeft } from './revisionChoice';
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

/** `{ deployment, toRevision?, confirm?, incidentId? }`, a Cluster view row, or nothing. */
export interface RollbackArgument {
  deployment?: string;
  /** The revision to return to; the previous one when absent or 0. */
  toRevision?: number;
  /** Skips the modal confirmation (scripts and tests only). */
  confirm?: boolean;
  /** Records on this incident instead of the most severe active one. */
  incidentId?: string;
}

/** What `FreeLMS: Rollback Deployment` did. */
export interface RollbackOutcome {
  outcome: 'rolledBack' | 'skipped' | 'refused' | 'cancelled' | 'failed';
  deployment?: string;
  fromRevision?: number;
  toRevision?: number;
  fromImages?: string[];
  toImages?: string[];
  /** How following the rollout ended, when it was followed. */
  rollout?: RolloutStatusResult['outcome'];
  /** `paused`, `revisionNotFound`, `noHistory` for a refusal. */
  reason?: string;
  message: string;
  /** The incident the rollback was recorded on. */
  incidentId?: string;
}

const rolloutTimeoutMs = () =>
  vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .get<number>('mitigation.rolloutTimeoutSeconds', 600) * 1000;

function imageText(images: string[]): string {
  return images.map((image) => image.slice(image.lastIndexOf('/') + 1)).join(', ') || '?';
}

/**
 * Asks which revision to return to, newest first, with the revisions an incident rolled back
 * from marked and listed last (see `revisionChoices`).
 */
async function pickRevision(
  deps: CommandDeps,
  connection: KubeConnection,
  deployment: string,
): Promise<number | undefined> {
  const history = await rolloutHistory(connection, deployment);
  const left = revisionsLeft(await deps.store.list().catch(() => []), deployment);
  const ordered = revisionChoices(history.revisions, left);
  if (ordered.length === 0) return 0; // undoRollout explains there is nothing to roll back to
  // kubectl's "previous": the newest revision that is not current.
  const previous = Math.max(...ordered.map((entry) => entry.revision));
  const item = (entry: RevisionEntry) => {
    const leftAt = left.get(entry.revision);
    return {
      label:
        `${leftAt ? '$(warning) ' : ''}Revision ${entry.revision}` +
        `${entry.revision === previous ? ' (previous)' : ''}`,
      description: entry.changeCause ?? '',
      detail:
        (leftAt
          ? `Rolled back from in ${leftAt}: returning to it brings that release back · `
          : '') +
        `${imageText(entry.images)} · ${entry.age} old · ` +
        `${entry.readyReplicas}/${entry.replicas} ready`,
      revision: entry.revision,
    };
  };
  const current = history.revisions.find((entry) => entry.current);
  const picked = await vscode.window.showQuickPick(ordered.map(item), {
    title:
      `Roll ${deployment} back to which revision? Now at revision ` +
      `${history.currentRevision ?? '?'} (${imageText(current?.images ?? [])})`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.revision;
}

function refusal(error: RolloutError, connection: KubeConnection): RollbackOutcome {
  const where = `(context ${connection.context}, namespace ${connection.namespace})`;
  const message = error.message.includes(connection.namespace)
    ? error.message
    : `${error.message} ${where}`;
  if (error.kind === 'paused') {
    void vscode.window
      .showWarningMessage(message, { modal: false }, 'Copy Resume Command')
      .then((choice) => {
        if (choice)
          void vscode.env.clipboard.writeText(
            `kubectl --context ${connection.context} -n ${connection.namespace} ` +
              `rollout resume deployment/${error.deployment}`,
          );
      });
  } else {
    void vscode.window.showErrorMessage(message);
  }
  return { outcome: 'refused', deployment: error.deployment, reason: error.kind, message };
}

function describeEnd(undo: UndoResult, status: RolloutStatusResult): string {
  const moved =
    `${undo.deployment} rolled back from revision ${undo.fromRevision ?? '?'} to ` +
    `${undo.toRevision} (${imageText(undo.toImages)})`;
  switch (status.outcome) {
    case 'complete':
      return (
        `${moved}: rollout complete, ${status.last?.available ?? '?'} of ` +
        `${status.last?.desired ?? '?'} available.`
      );
    case 'failed':
    case 'timedOut': {
      const pods = status.podReasons
        .slice(0, 3)
        .map((pod) => {
          const after = pod.lastTermination ? ` after ${pod.lastTermination}` : '';
          return `${pod.pod} ${pod.status}${after}`;
        })
        .join('; ');
      return (
        `${moved}, but the rollout did not finish: ${status.message}` +
        `${pods ? `. ${pods}` : ''}. Look at its pods in the Cluster view.`
      );
    }
    case 'cancelled':
      return `${moved}. Stopped following the rollout; it goes on in the cluster (Cluster view).`;
    case 'deleted':
      return `${moved}, but the Deployment was deleted during the rollout.`;
  }
}

/**
 * `FreeLMS: Rollback Deployment`: Deployment, revision (previous by default), a server dry run
 * that refuses what `kubectl rollout undo` refuses before anything is asked, a modal
 * confirmation naming context, namespace, revisions and images, the rollback, then the
 * rollout followed under a cancellable progress. Recorded on the most severe active incident.
 */
export async function rollbackDeployment(
  deps: CommandDeps,
  argument?: RollbackArgument | object,
): Promise<RollbackOutcome | undefined> {
  const a = (argument ?? {}) as RollbackArgument;
  let connection: KubeConnection;
  try {
    connection = await connectionOf(deps.cluster);
  } catch (error) {
    showError(`Cannot roll back: ${(error as Error).message}`, 'freelms.kube');
    return { outcome: 'failed', message: (error as Error).message };
  }
  const where = `context ${connection.context}, namespace ${connection.namespace}`;
  let deployment = deploymentOf(argument);
  try {
    deployment ??= await pickDeployment(deps.cluster, `Roll back which Deployment (${where})?`);
    if (!deployment) return undefined;
    let toRevision = typeof a.toRevision === 'number' ? a.toRevision : undefined;
    if (toRevision === undefined && !preconfirmed(argument)) {
      toRevision = await pickRevision(deps, connection, deployment);
      if (toRevision === undefined) return undefined;
    }
    // The server dry run gives the exact from/to and every refusal before the user is asked.
    const plan = await undoRollout(connection, deployment, { toRevision, dryRun: true });
    if (plan.outcome === 'skipped') {
      const message =
        `${deployment} already runs revision ${plan.toRevision} (${imageText(plan.toImages)}) ` +
        `in ${where}; nothing was changed. Pick another revision to roll back further.`;
      void vscode.window.showInformationMessage(message);
      return { ...summaryOf(plan), outcome: 'skipped', message };
    }
    if (!preconfirmed(argument)) {
      const confirmed = await confirmChange({
        message: `Roll back ${deployment} in ${connection.namespace} on ${connection.context}?`,
        detail:
          `Context: ${connection.context}\nNamespace: ${connection.namespace}\n` +
          `Deployment: ${deployment}\n` +
          `Revision ${plan.fromRevision ?? '?'} → ${plan.toRevision}` +
          `${plan.changeCause ? ` (${plan.changeCause})` : ''}\n` +
          `Images: ${imageText(plan.fromImages)} → ${imageText(plan.toImages)}`,
        button: 'Roll Back',
        context: connection.context,
        typed: deployment,
      });
      if (!confirmed)
        return { ...summaryOf(plan), outcome: 'cancelled', message: 'Not confirmed.' };
    }
    const name = deployment;
    const { undo, status } = await withCancellableProgress(
      `Rolling back ${name} (${where})`,
      async (signal, report) => {
        const undo = await undoRollout(connection, name, { toRevision: plan.toRevision, signal });
        report(undo.message);
        // The cluster has changed: say so on the timeline now, before a rollout that may take
        // minutes, so a closed window or a crash cannot leave a production change unrecorded.
        await record(
          deps,
          { type: 'note', text: `${undo.message} (${where}); following the rollout`, by: me() },
          a.incidentId,
        );
        const status = await followRollout(connection, name, {
          signal,
          timeoutMs: rolloutTimeoutMs(),
          onProgress: (progress) => report(progress.message),
        });
        return { undo, status };
      },
    );
    const message = describeEnd(undo, status);
    const ok = status.outcome === 'complete';
    const incidentId = await record(
      deps,
      { type: 'action.taken', action: rollbackAction(undo), ok, summary: message, by: me() },
      a.incidentId,
    );
    deps.log.info(message);
    if (ok) void vscode.window.showInformationMessage(message);
    else showError(message);
    return {
      ...summaryOf(undo),
      outcome: 'rolledBack',
      rollout: status.outcome,
      message,
      incidentId,
    };
  } catch (error) {
    if (error instanceof RolloutError) return refusal(error, connection);
    const message =
      error instanceof KubeError
        ? `Rollback of ${deployment ?? 'the Deployment'} failed (${where}): ${error.message}`
        : `Rollback of ${deployment ?? 'the Deployment'} failed: ${(error as Error).message}`;
    deps.log.error(message);
    showError(message, 'freelms.kube');
    return { outcome: 'failed', deployment, message };
  }
}

function summaryOf(result: UndoResult) {
  return {
    deployment: result.deployment,
    fromRevision: result.fromRevision,
    toRevision: result.toRevision,
    fromImages: result.fromImages,
    toImages: result.toImages,
  };
}
