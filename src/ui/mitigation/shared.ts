import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import type { Incident, NewEvent } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import type { KubeConnection } from '../../platform/kube/connection';
import { KubeError } from '../../platform/kube/errors';
import type { ClusterSession } from '../cluster/clusterSession';
import type { ClusterNode } from '../cluster/clusterTree';
import { Commands, SETTINGS_SECTION } from '../ids';
import { bySeverity } from '../incidents/clock';
import { looksLikeProduction } from './production';

/** What every mitigation and diagnostics command needs from the extension. */
export interface CommandDeps {
  store: IncidentStore;
  cluster: ClusterSession;
  log: Log;
}

export const me = () => userInfo().username;

/** The cluster connection, waiting for the first connect; throws the session's own error. */
export async function connectionOf(session: ClusterSession): Promise<KubeConnection> {
  await session.ensureStarted();
  const connection = session.connection;
  if (connection) return connection;
  const state = session.state;
  throw 'error' in state
    ? state.error
    : new KubeError('unknown', 'The cluster is not connected yet; try again in a moment.');
}

/**
 * The incident a mitigation is recorded on: the named one, else the most severe active one.
 * Never prompts: a rollback at 3 a.m. must not wait on a question about bookkeeping.
 */
export async function recordingIncident(
  store: IncidentStore,
  incidentId?: string,
): Promise<Incident | undefined> {
  if (incidentId) return store.get(incidentId);
  const active = (await store.list())
    .filter((incident) => incident.status !== 'resolved')
    .sort(bySeverity);
  return active[0];
}

/** Appends to the recording incident's timeline, if there is one; returns its id. */
export async function record(
  deps: CommandDeps,
  events: NewEvent | NewEvent[],
  incidentId?: string,
): Promise<string | undefined> {
  try {
    const incident = await recordingIncident(deps.store, incidentId);
    if (!incident) return undefined;
    await deps.store.append(incident.id, events);
    return incident.id;
  } catch (error) {
    // The action itself happened; a journal that cannot be written must not hide that.
    deps.log.error(`could not record on the timeline: ${(error as Error).message}`);
    void vscode.window.showWarningMessage(
      `Done, but not recorded on the incident timeline: ${(error as Error).message}`,
    );
    return undefined;
  }
}

/** A Deployment named by a Cluster view row, an argument's `deployment`, or nothing. */
export function deploymentOf(argument: unknown): string | undefined {
  const node = argument as ClusterNode | { deployment?: unknown } | undefined;
  if (node && 'kind' in node && node.kind === 'group') return node.group.name;
  if (node && 'deployment' in node && typeof node.deployment === 'string') return node.deployment;
  return undefined;
}

/** `confirm: true` skips the confirmation only in a programmatic argument, never a view row. */
export function preconfirmed(argument: unknown): boolean {
  const a = argument as { kind?: unknown; confirm?: unknown } | undefined;
  return a?.confirm === true && a.kind === undefined;
}

/**
 * A modal confirmation naming where the change lands. With `freelms.mitigation
 * .confirmByTypingName` on and a production-looking context, the user then types `typed`.
 */
export async function confirmChange(options: {
  message: string;
  detail: string;
  button: string;
  context: string;
  typed?: string;
}): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    options.message,
    { modal: true, detail: options.detail },
    options.button,
  );
  if (choice !== options.button) return false;
  const typeName = vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .get<boolean>('mitigation.confirmByTypingName', true);
  if (!options.typed || !typeName || !looksLikeProduction(options.context)) return true;
  const typed = await vscode.window.showInputBox({
    title: `${options.context} looks like production: type ${options.typed} to go ahead`,
    ignoreFocusOut: true,
    validateInput: (value) =>
      value === options.typed ? undefined : `Type ${options.typed} exactly.`,
  });
  return typed === options.typed;
}

/** An error the user can act on, with "Open Log" and the relevant settings one click away. */
export function showError(message: string, settings?: string): void {
  const actions = settings ? ['Open Log', 'Open Settings'] : ['Open Log'];
  void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
    if (choice === 'Open Log') void vscode.commands.executeCommand(Commands.showLog);
    if (choice === 'Open Settings')
      void vscode.commands.executeCommand('workbench.action.openSettings', settings);
  });
}

/** Runs `task` under a cancellable notification, handing it an AbortSignal and a reporter. */
export function withCancellableProgress<T>(
  title: string,
  task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      return task(abort.signal, (message) => progress.report({ message })).finally(() =>
        subscription.dispose(),
      );
    },
  );
}

/** The Deployments of the Cluster view's model, for a quick pick. */
export async function pickDeployment(
  session: ClusterSession,
  title: string,
): Promise<string | undefined> {
  await connectionOf(session);
  const groups = (session.model?.groups() ?? []).filter((group) => group.kind === 'Deployment');
  const picked = await vscode.window.showQuickPick(
    groups.map((group) => ({
      label: group.name,
      description: `${group.podCount} pods, ${group.unhealthyCount} unhealthy`,
    })),
    { title },
  );
  return picked?.label;
}
