import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import { defaultChecklist, type ChecklistPhase } from './incident/checklist';
import { IncidentStore } from './incident/store';
import { joinFromPagerDuty, type JoinArgument } from './ui/commands/pagerdutyCommands';
import { openDashboard } from './ui/commands/dashboardCommand';
import type { Dashboard } from './ui/commands/dashboardUrl';
import { resolveIncident, type IncidentArgument } from './ui/commands/pickIncident';
import { generatePostmortem } from './ui/commands/postmortemCommand';
import { ComposePanel, postUpdate } from './ui/compose/composePanel';
import type { TemplateId } from './ui/compose/protocol';
import { resolveIncidentCommand } from './ui/commands/resolveCommand';
import { addNote, assignRole, changeSeverity, updateStatus } from './ui/commands/timelineCommands';
import { DECLARE_VIEW_TYPE, DeclarePanel, type DeclareHandler } from './ui/declare/declarePanel';
import { currentOffer } from './ui/declare/declareOffer';
import { selectContext, showUnhealthyPods } from './ui/cluster/clusterCommands';
import { ClusterSession } from './ui/cluster/clusterSession';
import { ClusterTree, type ClusterNode } from './ui/cluster/clusterTree';
import { Commands, ContextKeys, Views } from './ui/ids';
import { declareFromForm, formFromArgument } from './ui/incidents/declareIncident';
import { IncidentsTree, type IncidentNode } from './ui/incidents/incidentsTree';
import { ReminderNotifier } from './ui/incidents/reminderNotifier';
import { IncidentStatusBar } from './ui/incidents/statusBar';
import { adoptSandboxCredentials, Credentials, setCredentials } from './ui/credentials';
import { DeliveryService } from './ui/delivery/deliveryService';
import { retryDelivery, type RetryArgument } from './ui/delivery/retryCommand';
import { ExtensionLog } from './ui/logging';
import { ReportDrafts } from './ui/report/reportDrafts';
import { ReportPanel } from './ui/report/reportPanel';
import { registerLogCommands } from './ui/logs/logCommands';
import { registerMitigationCommands } from './ui/mitigation/registerMitigation';
import { registerDiagnostics } from './ui/diagnostics/registerDiagnostics';
import { incidentsFolder, timeZone, timerConfig } from './ui/settings';
import { registerResolution } from './ui/resolution/registerResolution';
import { baselineRecorder } from './ui/resolution/snapshots';
import { registerWatch } from './ui/watch/registerWatch';
import { registerFollowThrough } from './ui/followThrough/registerFollowThrough';

/** `{ incidentId, template, text }` posts without the composer. */
type PostUpdateArgument = IncidentArgument & { template?: TemplateId; text?: string };

/** What `activate` hands to the integration tests. */
export interface FreeLmsApi {
  /** How long `activate()` took, in milliseconds. */
  activationMs: number;
  /** The incident journals this window reads and writes. */
  store: IncidentStore;
  /** The connection to the cluster the Cluster view shows. */
  cluster: ClusterSession;
  /** The outbox delivering journal events to PagerDuty and Slack. */
  delivery: DeliveryService;
}

export async function activate(context: vscode.ExtensionContext): Promise<FreeLmsApi> {
  const started = performance.now();
  const log = new ExtensionLog();
  context.subscriptions.push(log);

  const store = await IncidentStore.open({
    folder: incidentsFolder(context),
    timeZone: timeZone(),
    log: log.for('journal'),
  });
  // Parsing the built-in runbook waits until a checklist is first shown, off the activation path.
  let checklist: ChecklistPhase[] | undefined;
  const tree = new IncidentsTree(store, {
    checklist: () => (checklist ??= defaultChecklist()),
    timers: timerConfig,
    timeZone,
  });
  const incidentsView = vscode.window.createTreeView<IncidentNode>(Views.incidents, {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const revealIncident = async (id: string) => {
    await tree.reload();
    const node = tree.nodeOf(id);
    if (node) await incidentsView.reveal(node, { select: true, focus: false, expand: true });
  };
  context.subscriptions.push(
    tree,
    incidentsView,
    store.watch(),
    new IncidentStatusBar(tree, timerConfig),
  );

  const me = () => userInfo().username;
  const cluster = new ClusterSession(context.workspaceState, log.for('kube'));
  const clusterTree = new ClusterTree(cluster);
  const clusterView = vscode.window.createTreeView<ClusterNode>(Views.cluster, {
    treeDataProvider: clusterTree,
    showCollapseAll: true,
  });
  // The cluster is contacted when something first needs it, not on activation.
  if (clusterView.visible) void cluster.ensureStarted();
  context.subscriptions.push(
    cluster,
    clusterTree,
    clusterView,
    clusterView.onDidChangeVisibility((event) => {
      if (event.visible) void cluster.ensureStarted();
    }),
  );
  /** The Deployments offered as affected services; empty when the cluster cannot be reached. */
  const services = async (): Promise<string[]> => {
    await Promise.race([
      cluster.ensureStarted(),
      new Promise((resolve) => setTimeout(resolve, 2000)),
    ]);
    return (cluster.model?.groups() ?? [])
      .filter((group) => group.kind === 'Deployment')
      .map((group) => group.name);
  };
  const credentials = new Credentials(context.secrets);
  void adoptSandboxCredentials(credentials, log.for('credentials'));
  const delivery = new DeliveryService(store, credentials, log.for('outbox'));
  context.subscriptions.push(delivery);
  tree.attachDeliveries(delivery);
  context.subscriptions.push(
    new ReminderNotifier(tree, store, timerConfig, context.workspaceState),
  );

  // Every way of declaring hands the new incident to this, for Verify Fix's baseline.
  const recordBaseline = baselineRecorder({ store, cluster, log: log.for('resolution') });
  const declare: DeclareHandler = declareFromForm(store, delivery, me, (id) => {
    void revealIncident(id);
    recordBaseline(id);
  });
  const offer = () => currentOffer(() => delivery.unconfigured(), services);
  const reportDrafts = new ReportDrafts(context.workspaceState);

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.declareIncident, async (argument?: object) => {
      if (argument === undefined) {
        await DeclarePanel.show(context.extensionUri, offer, declare, log.for('declare'));
        return undefined;
      }
      return declare(formFromArgument(argument, me()), () => undefined);
    }),
    vscode.commands.registerCommand(Commands.revealIncident, revealIncident),
    vscode.commands.registerCommand(Commands.addNote, (argument?) => addNote(store, argument)),
    vscode.commands.registerCommand(Commands.assignRole, (argument?) =>
      assignRole(store, argument),
    ),
    vscode.commands.registerCommand(Commands.changeSeverity, (argument?) =>
      changeSeverity(store, argument),
    ),
    vscode.commands.registerCommand(Commands.updateStatus, (argument?) =>
      updateStatus(store, argument),
    ),
    vscode.commands.registerCommand(Commands.postUpdate, async (argument?: PostUpdateArgument) => {
      const incident = await resolveIncident(store, argument);
      if (!incident) return undefined;
      if (argument?.text) {
        await postUpdate(store, incident.id, argument.template ?? 'internal', argument.text);
        return incident.id;
      }
      const slackUnavailable = async () => (await delivery.unconfigured()).slack;
      await ComposePanel.show(
        context.extensionUri,
        store,
        incident,
        slackUnavailable,
        log.for('compose'),
      );
      return incident.id;
    }),
    vscode.commands.registerCommand(
      Commands.openDashboard,
      async (argument?: IncidentArgument & { dashboard?: Dashboard; open?: boolean }) => {
        const incident = await resolveIncident(store, argument, { includeResolved: true });
        return incident
          ? openDashboard(incident, argument?.dashboard, argument?.open ?? true)
          : undefined;
      },
    ),
    vscode.commands.registerCommand(
      Commands.openIncidentReport,
      async (argument?: IncidentArgument) => {
        const incident = await resolveIncident(store, argument, { includeResolved: true });
        if (incident)
          await ReportPanel.show(
            context.extensionUri,
            store,
            reportDrafts,
            incident.id,
            log.for('report'),
          );
        return incident?.id;
      },
    ),
    vscode.commands.registerCommand(Commands.resolveIncident, (argument?) =>
      resolveIncidentCommand(store, argument),
    ),
    vscode.commands.registerCommand(Commands.generatePostmortem, (argument?) =>
      generatePostmortem(context, store, argument),
    ),
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
    vscode.commands.registerCommand(Commands.acknowledgeAlert, (argument?: JoinArgument) =>
      joinFromPagerDuty(store, delivery, true, argument, recordBaseline),
    ),
    vscode.commands.registerCommand(Commands.joinIncident, (argument?: JoinArgument) =>
      joinFromPagerDuty(store, delivery, false, argument, recordBaseline),
    ),
    vscode.commands.registerCommand(Commands.setCredentials, (argument?) =>
      setCredentials(credentials, argument),
    ),
    vscode.commands.registerCommand(Commands.retryDelivery, (argument?: RetryArgument) =>
      retryDelivery(delivery, () => tree.active, argument),
    ),
    vscode.window.registerWebviewPanelSerializer(DECLARE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        await DeclarePanel.adopt(panel, context.extensionUri, offer, declare, log.for('declare'));
      },
    }),
    vscode.commands.registerCommand(Commands.selectContext, (argument?) =>
      selectContext(cluster, argument),
    ),
    vscode.commands.registerCommand(Commands.refreshCluster, () => cluster.restart()),
    vscode.commands.registerCommand(Commands.showUnhealthyPods, () =>
      showUnhealthyPods(cluster, clusterTree),
    ),
    vscode.commands.registerCommand(Commands.showAllPods, () =>
      clusterTree.setOnlyUnhealthy(false),
    ),
  );
  context.subscriptions.push(...registerLogCommands(context, cluster, log.for('logs')));
  context.subscriptions.push(
    ...registerMitigationCommands({ store, cluster, credentials, log: log.for('mitigation') }),
  );
  context.subscriptions.push(
    ...registerDiagnostics({ store, cluster, credentials, log: log.for('diagnostics') }),
  );
  const resolutionDeps = { store, cluster, credentials, delivery, tree, context };
  context.subscriptions.push(
    ...registerResolution({ ...resolutionDeps, log: log.for('resolution') }),
    ...registerWatch({ ...resolutionDeps, log: log.for('watch') }),
    ...registerFollowThrough({ ...resolutionDeps, log: log.for('follow-through') }),
  );
  void tree.reload();
  void vscode.commands.executeCommand('setContext', ContextKeys.activated, true);

  const activationMs = performance.now() - started;
  log.for('extension').info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, store, cluster, delivery };
}

export async function deactivate(): Promise<void> {
  // Everything else is disposed through `context.subscriptions`. An open Incident Report writes
  // the draft it holds first, so a window closed just after typing keeps the last keystrokes.
  await ReportPanel.disposeAll();
}
