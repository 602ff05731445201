import * as v from 'valibot';
import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import type { KubeConnection } from '../../platform/kube/connection';
import { KubeError } from '../../platform/kube/errors';
import { recentErrors } from '../../platform/kube/recentErrors';
import type { ClusterSession } from '../cluster/clusterSession';
import type { ClusterNode } from '../cluster/clusterTree';
import { Commands, SETTINGS_SECTION } from '../ids';
import { LOG_VIEW_TYPE, LogPanel, type LogPanelDeps, type LogPanelSnapshot } from './logPanel';
import { LogPageStateSchema, type LogTarget, type StreamOptions } from './protocol';
import { RecentErrorsDocuments } from './recentErrorsDocument';
import { renderRecentErrors } from './recentErrorsText';

/** The argument `freelms.showLogs` accepts from scripts, keybindings and other extensions. */
export const ShowLogsArgumentSchema = v.pipe(
  v.object({
    pod: v.optional(v.pipe(v.string(), v.minLength(1))),
    deployment: v.optional(v.pipe(v.string(), v.minLength(1))),
    container: v.optional(v.pipe(v.string(), v.minLength(1))),
    previous: v.optional(v.boolean()),
    follow: v.optional(v.boolean()),
    sinceSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    tailLines: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  }),
  v.check((a) => !(a.pod && a.deployment), 'Give either a pod or a deployment, not both.'),
);
export type ShowLogsArgument = v.InferOutput<typeof ShowLogsArgumentSchema>;

const DEFAULT_LINE_BUDGET = 50_000;

/** The part of the argument that sets stream options; the rest names the target. */
function optionsOf(argument: ShowLogsArgument): Partial<StreamOptions> {
  const options: Partial<StreamOptions> = {};
  for (const key of ['container', 'previous', 'follow', 'sinceSeconds', 'tailLines'] as const) {
    if (argument[key] !== undefined) (options as Record<string, unknown>)[key] = argument[key];
  }
  return options;
}

type LogRowNode = Extract<ClusterNode, { kind: 'pod' | 'group' }>;

function isTreeNode(argument: unknown): argument is LogRowNode {
  const kind = (argument as { kind?: unknown } | undefined)?.kind;
  return kind === 'pod' || kind === 'group';
}

async function connectionOf(session: ClusterSession): Promise<KubeConnection> {
  await session.ensureStarted();
  const connection = session.connection;
  if (connection) return connection;
  const state = session.state;
  throw 'error' in state
    ? state.error
    : new KubeError('unknown', 'The cluster is not connected yet; try again in a moment.');
}

function showKubeError(error: unknown, what: string): void {
  const message = `${what}: ${(error as Error).message}`;
  void vscode.window.showErrorMessage(message, 'Open Kubernetes Settings').then((choice) => {
    if (choice)
      void vscode.commands.executeCommand('workbench.action.openSettings', 'freelms.kube');
  });
}

/** A pod picked from the Cluster view's model, for the palette without an argument. */
async function pickPod(session: ClusterSession): Promise<LogTarget | undefined> {
  await connectionOf(session);
  const model = session.model;
  if (!model) throw new Error('The cluster is not connected yet; try again in a moment.');
  // Pods in trouble first: they are the ones whose logs are wanted at 3 a.m.
  const rank = { failing: 0, warning: 1, healthy: 2, done: 3 } as const;
  const items = model
    .groups()
    .flatMap((group) => model.pods(group.id).map((pod) => ({ pod, group })))
    .sort((a, b) => rank[a.pod.health] - rank[b.pod.health] || a.pod.name.localeCompare(b.pod.name))
    .map(({ pod, group }) => ({
      label: pod.name,
      description: `${pod.status} · restarts ${pod.restartsText}`,
      detail: group.name,
    }));
  const choice = await vscode.window.showQuickPick(items, {
    title: 'Show the logs of which pod?',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return choice ? { kind: 'pod', pod: choice.label } : undefined;
}

/**
 * `FreeLMS: Show Logs`. Takes `{ pod | deployment, container?, previous?, follow?,
 * sinceSeconds?, tailLines? }`, a Cluster view row, or nothing (then a pod is picked). Opens or
 * reveals the panel and returns its snapshot, so a script can poll it by calling again.
 */
export async function showLogs(
  deps: LogPanelDeps,
  session: ClusterSession,
  argument?: unknown,
): Promise<LogPanelSnapshot | undefined> {
  let target: LogTarget | undefined;
  let options: Partial<StreamOptions> = {};
  if (isTreeNode(argument)) {
    if (argument.kind === 'pod') target = { kind: 'pod', pod: argument.pod.name };
    else if (argument.group.kind === 'Deployment')
      target = { kind: 'workload', deployment: argument.group.name };
    else throw new Error(`${argument.group.name} is not a Deployment; open one of its pods.`);
  } else if (argument !== undefined) {
    const parsed = v.safeParse(ShowLogsArgumentSchema, argument);
    if (!parsed.success) throw new Error(`freelms.showLogs: ${v.summarize(parsed.issues)}`);
    const a = parsed.output;
    options = optionsOf(a);
    if (a.pod) target = { kind: 'pod', pod: a.pod };
    else if (a.deployment) target = { kind: 'workload', deployment: a.deployment };
  }
  if (!target) {
    try {
      target = await pickPod(session);
    } catch (error) {
      showKubeError(error, 'Cannot list pods');
      return undefined;
    }
  }
  if (!target) return undefined;
  const panel = await LogPanel.show(deps, target, options);
  return panel.snapshot();
}

/** `FreeLMS: Show Recent Errors`: `{ minutes? }`; returns the counts per service. */
export async function showRecentErrors(
  session: ClusterSession,
  documents: RecentErrorsDocuments,
  log: Log,
  argument?: { minutes?: number },
): Promise<
  { services: { service: string; count: number }[]; podCount: number; uri: string } | undefined
> {
  let minutes = argument?.minutes;
  if (minutes === undefined) {
    const choice = await vscode.window.showQuickPick(
      ['5', '15', '30', '60'].map((m) => ({ label: `${m} minutes`, minutes: Number(m) })),
      { title: 'ERROR lines of the last…' },
    );
    if (!choice) return undefined;
    minutes = choice.minutes;
  }
  if (!Number.isFinite(minutes) || minutes <= 0)
    throw new Error('minutes must be a positive number.');
  const selector = vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .get<string>('kube.partOfLabel', '');
  try {
    const connection = await connectionOf(session);
    const started = Date.now();
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Reading recent errors',
        cancellable: true,
      },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return recentErrors(connection, {
          minutes: minutes!,
          selector: selector || undefined,
          signal: abort.signal,
        });
      },
    );
    log.info(
      `recent errors of ${minutes} min in ${connection.namespace}: ${result.podCount} pods, ` +
        `${result.failures.length} failed, ${Date.now() - started} ms`,
    );
    const report = renderRecentErrors(result, {
      context: connection.context,
      namespace: connection.namespace,
      minutes,
      at: new Date(),
    });
    const uri = documents.add(report, minutes);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'log');
    await vscode.window.showTextDocument(document, { preview: false });
    return {
      services: result.services.map(({ service, count }) => ({ service, count })),
      podCount: result.podCount,
      uri: uri.toString(),
    };
  } catch (error) {
    showKubeError(error, 'Cannot read recent errors');
    return undefined;
  }
}

/** Registers the log panel, its commands and its restore after a reload. */
export function registerLogCommands(
  context: vscode.ExtensionContext,
  session: ClusterSession,
  log: Log,
): vscode.Disposable[] {
  const deps: LogPanelDeps = {
    extensionUri: context.extensionUri,
    connection: () => connectionOf(session),
    lineBudget: () =>
      vscode.workspace
        .getConfiguration(SETTINGS_SECTION)
        .get<number>('logs.lineBudget', DEFAULT_LINE_BUDGET),
    log,
  };
  const documents = new RecentErrorsDocuments();
  return [
    documents,
    vscode.commands.registerCommand(Commands.showLogs, (argument?: unknown) =>
      showLogs(deps, session, argument),
    ),
    vscode.commands.registerCommand(Commands.showRecentErrors, (argument?: { minutes?: number }) =>
      showRecentErrors(session, documents, log, argument),
    ),
    vscode.window.registerWebviewPanelSerializer(LOG_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const parsed = v.safeParse(LogPageStateSchema, state);
        if (!parsed.success) {
          // Nothing says which log this was; a blank panel would only confuse.
          panel.dispose();
          return;
        }
        const { target, options, filter } = parsed.output;
        await LogPanel.adopt(panel, deps, target, options, filter);
      },
    }),
  ];
}
