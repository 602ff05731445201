import * as vscode from 'vscode';

import {
  evaluateChecklist,
  type ChecklistPhase,
  type ItemState,
  type PhaseState,
} from '../../incident/checklist';
import type { DeliveryState, DeliveryStatus } from '../../incident/deliveries';
import { describeEvent, formatTime } from '../../incident/describe';
import { ROLE_TITLES, type Incident, type IncidentEvent, type Role } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import type { TimerConfig } from '../../incident/timers';
import { watchShortText } from '../../incident/watch';
import {
  followThroughChildren,
  followThroughItem,
  followThroughSections,
  type FollowThroughNode,
  type RowContext,
} from '../followThrough/followThroughRows';
import { ContextKeys } from '../ids';
import { watchTreeItem, type WatchSource } from '../watch/watchRow';
import { bySeverity, clockText } from './clock';

type Section = 'roles' | 'checklist' | 'deliveries' | 'timeline';

/** The outbox as the view needs it. */
export interface DeliveriesSource {
  deliveries(id: string): Promise<DeliveryState[]>;
  onDidChange(listener: (id: string) => void): vscode.Disposable;
}

const DELIVERY_ICONS: Readonly<Record<DeliveryStatus, vscode.ThemeIcon>> = {
  sent: new vscode.ThemeIcon('check', new vscode.ThemeColor('testing.iconPassed')),
  pending: new vscode.ThemeIcon('sync'),
  blocked: new vscode.ThemeIcon('clock'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  notConfigured: new vscode.ThemeIcon('circle-slash'),
};

/** One row of the Incidents view. */
export type IncidentNode =
  | { kind: 'incident'; incident: Incident }
  | { kind: 'watch'; incident: Incident }
  | { kind: 'resolved'; incidents: Incident[] }
  | { kind: 'section'; incident: Incident; section: Section }
  | { kind: 'delivery'; incident: Incident; state: DeliveryState }
  | { kind: 'role'; incident: Incident; role: Role }
  | { kind: 'phase'; incident: Incident; phase: PhaseState }
  | { kind: 'item'; incident: Incident; item: ItemState }
  | { kind: 'event'; incident: Incident; event: IncidentEvent; text: string }
  | FollowThroughNode;

const SEVERITY_ICONS = {
  P1: new vscode.ThemeIcon('flame', new vscode.ThemeColor('errorForeground')),
  P2: new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground')),
  P3: new vscode.ThemeIcon('info', new vscode.ThemeColor('editorInfo.foreground')),
  P4: new vscode.ThemeIcon('circle-outline'),
} as const;

/** What the view needs besides the store; read when it refreshes, so setting changes apply. */
export interface IncidentsTreeOptions {
  checklist: () => ChecklistPhase[];
  timers: () => TimerConfig;
  timeZone: () => string;
  now?: () => Date;
}

/**
 * The Incidents view: active incidents with their roles, runbook checklist and timeline (newest
 * first); resolved incidents grouped below. It reloads when a journal changes, in this window
 * or another, and every half minute so the response clocks move.
 */
export class IncidentsTree implements vscode.TreeDataProvider<IncidentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<IncidentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private incidents: Incident[] = [];
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly now: () => Date;
  private deliveriesSource: DeliveriesSource | undefined;
  private watchSource: WatchSource | undefined;
  /** The watch rows shown, by incident id, so a countdown tick redraws only them. */
  private readonly watchRows = new Map<string, Extract<IncidentNode, { kind: 'watch' }>>();

  constructor(
    private readonly store: IncidentStore,
    private readonly options: IncidentsTreeOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.disposables.push(store.onDidChange(() => void this.reload()));
    const tick = setInterval(() => this.changed.fire(undefined), 30_000);
    this.disposables.push({ dispose: () => clearInterval(tick) });
  }

  /** Shows each incident's deliveries to PagerDuty, Slack and the status page, and follows them. */
  attachDeliveries(source: DeliveriesSource): void {
    this.deliveriesSource = source;
    this.disposables.push(source.onDidChange(() => this.changed.fire(undefined)));
  }

  /** Shows each incident's monitoring watch with what this window's checks found. */
  attachWatch(source: WatchSource): void {
    this.watchSource = source;
    this.disposables.push(
      source.onDidChange((id) => {
        // A tick moves only the countdowns of running watches; a check redraws its own row.
        const rows = id
          ? [this.watchRows.get(id)]
          : [...this.watchRows.values()].filter((row) => row.incident.watch?.state === 'running');
        for (const row of rows) if (row) this.changed.fire(row);
      }),
    );
  }

  /** Reads every journal again and redraws. */
  async reload(): Promise<void> {
    this.incidents = await this.store.list();
    void vscode.commands.executeCommand(
      'setContext',
      ContextKeys.hasIncidents,
      this.incidents.length > 0,
    );
    this.changed.fire(undefined);
  }

  /** The post-incident rows read the checklist, the time zone and the clock when drawn. */
  private readonly rows: RowContext = {
    checklist: () => this.options.checklist(),
    timeZone: () => this.options.timeZone(),
    now: () => this.now(),
  };

  get resolved(): Incident[] {
    return this.incidents.filter((incident) => incident.status === 'resolved');
  }

  /** The runbook checklist the view shows, for the post-incident reminders. */
  checklist(): ChecklistPhase[] {
    return this.options.checklist();
  }

  get active(): Incident[] {
    return this.incidents.filter((incident) => incident.status !== 'resolved').sort(bySeverity);
  }

  /** The row of an incident, for revealing it. */
  nodeOf(id: string): IncidentNode | undefined {
    const incident = this.incidents.find((candidate) => candidate.id === id);
    return incident ? { kind: 'incident', incident } : undefined;
  }

  getChildren(node?: IncidentNode): IncidentNode[] | Promise<IncidentNode[]> {
    if (!node) {
      const resolved = this.incidents.filter((incident) => incident.status === 'resolved');
      const rows: IncidentNode[] = this.active.map((incident) => ({ kind: 'incident', incident }));
      if (resolved.length) rows.push({ kind: 'resolved', incidents: resolved });
      return rows;
    }
    switch (node.kind) {
      case 'resolved':
        return node.incidents
          .sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''))
          .map((incident) => ({ kind: 'incident', incident }));
      case 'incident': {
        const sections: IncidentNode[] = (
          ['roles', 'checklist', 'deliveries', 'timeline'] as const
        ).map((section) => ({ kind: 'section', incident: node.incident, section }));
        sections.unshift(...followThroughSections(node.incident));
        if (!node.incident.watch) return sections;
        const watch = { kind: 'watch', incident: node.incident } as const;
        this.watchRows.set(node.incident.id, watch);
        return [watch, ...sections];
      }
      case 'section':
        return this.sectionChildren(node.incident, node.section);
      case 'phase':
        return node.phase.items.map((item) => ({ kind: 'item', incident: node.incident, item }));
      case 'item':
        return node.item.items.map((item) => ({ kind: 'item', incident: node.incident, item }));
      case 'postIncident':
      case 'followUps':
        return followThroughChildren(node, this.rows);
      default:
        return [];
    }
  }

  private async deliveryRows(incident: Incident): Promise<IncidentNode[]> {
    const states = (await this.deliveriesSource?.deliveries(incident.id)) ?? [];
    return states.map((state) => ({ kind: 'delivery', incident, state }));
  }

  private sectionChildren(
    incident: Incident,
    section: Section,
  ): IncidentNode[] | Promise<IncidentNode[]> {
    if (section === 'deliveries') return this.deliveryRows(incident);
    if (section === 'roles') {
      return (Object.keys(ROLE_TITLES) as Role[]).map((role) => ({ kind: 'role', incident, role }));
    }
    if (section === 'checklist') {
      return evaluateChecklist(this.options.checklist(), incident, this.now()).map((phase) => ({
        kind: 'phase',
        incident,
        phase,
      }));
    }
    const rows: IncidentNode[] = [];
    for (const event of incident.events) {
      const text = describeEvent(event);
      if (text) rows.push({ kind: 'event', incident, event, text });
    }
    return rows.reverse();
  }

  getParent(node: IncidentNode): IncidentNode | undefined {
    if (node.kind === 'incident' && node.incident.status === 'resolved') {
      return {
        kind: 'resolved',
        incidents: this.incidents.filter((incident) => incident.status === 'resolved'),
      };
    }
    return undefined;
  }

  getTreeItem(node: IncidentNode): vscode.TreeItem {
    const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'incident': {
        const { incident } = node;
        const item = new vscode.TreeItem(
          incident.title,
          incident.status === 'resolved' ? Collapsed : Expanded,
        );
        item.id = `incident:${incident.id}`;
        item.iconPath = SEVERITY_ICONS[incident.severity];
        item.contextValue =
          incident.status === 'resolved' ? 'incident.resolved' : 'incident.active';
        if (incident.status === 'resolved') {
          item.description = `${incident.severity} · resolved ${formatTime(incident.resolvedAt!, this.options.timeZone())}`;
          item.tooltip = `${incident.id}: resolved`;
        } else {
          const clock = clockText(incident, this.now(), this.options.timers().workingHours);
          const status =
            incident.watch?.state === 'running'
              ? watchShortText(incident.watch, this.now())
              : incident.status;
          item.description = `${clock.text} · ${status}`;
          item.tooltip = new vscode.MarkdownString(undefined, true);
          item.tooltip.appendText(
            `${incident.id}\n\n${incident.severity}, ${incident.status}: ${clock.detail}`,
          );
        }
        return item;
      }
      case 'watch':
        return watchTreeItem(
          node.incident,
          this.now(),
          this.options.timeZone(),
          this.watchSource?.progress(node.incident.watch!.id),
        );
      case 'resolved': {
        const item = new vscode.TreeItem('Resolved', Collapsed);
        item.id = 'resolved';
        item.description = String(node.incidents.length);
        item.iconPath = new vscode.ThemeIcon('pass');
        return item;
      }
      case 'section': {
        const labels = {
          roles: 'Roles',
          checklist: 'Runbook',
          deliveries: 'Deliveries',
          timeline: 'Timeline',
        };
        const item = new vscode.TreeItem(
          labels[node.section],
          node.section === 'checklist' ? Expanded : Collapsed,
        );
        item.id = `${node.incident.id}:${node.section}`;
        item.iconPath = new vscode.ThemeIcon(
          { roles: 'person', checklist: 'checklist', deliveries: 'send', timeline: 'history' }[
            node.section
          ],
        );
        return item;
      }
      case 'role': {
        const name = node.incident.roles[node.role];
        const item = new vscode.TreeItem(ROLE_TITLES[node.role], None);
        item.id = `${node.incident.id}:role:${node.role}`;
        item.description = name ?? 'unassigned';
        item.iconPath = new vscode.ThemeIcon(name ? 'account' : 'circle-large-outline');
        return item;
      }
      case 'phase': {
        const item = new vscode.TreeItem(node.phase.title, node.phase.done ? Collapsed : Expanded);
        item.id = `${node.incident.id}:phase:${node.phase.id}`;
        item.iconPath = new vscode.ThemeIcon(
          node.phase.done ? 'pass-filled' : 'circle-large-outline',
        );
        const ticked = node.phase.items.filter((entry) => entry.ticked).length;
        item.description = `${ticked}/${node.phase.items.length}`;
        return item;
      }
      case 'item': {
        const item = new vscode.TreeItem(
          node.item.title,
          node.item.items.length ? Collapsed : None,
        );
        item.id = `${node.incident.id}:item:${node.item.id}`;
        item.iconPath = new vscode.ThemeIcon(node.item.ticked ? 'pass' : 'circle-large-outline');
        if (node.item.tickedAt)
          item.description = formatTime(node.item.tickedAt, this.options.timeZone(), 'HH:mm');
        return item;
      }
      case 'delivery': {
        const { state } = node;
        const item = new vscode.TreeItem(state.label, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.incident.id}:delivery:${state.key}`;
        item.iconPath = DELIVERY_ICONS[state.status];
        item.description =
          state.status === 'sent' ? (state.note ?? 'sent') : (state.reason ?? state.status);
        item.tooltip = `${state.label}\n${state.status}${state.reason ? `: ${state.reason}` : ''}${
          state.attempts ? `\n${state.attempts} attempt(s)` : ''
        }`;
        item.contextValue = `delivery.${state.status}`;
        return item;
      }
      case 'postIncident':
      case 'deadline':
      case 'postIncidentStep':
      case 'followUps':
      case 'followUp':
        return followThroughItem(node, this.rows);
      case 'event': {
        const item = new vscode.TreeItem(node.text, None);
        item.id = `${node.incident.id}:event:${node.event.id}`;
        item.description = formatTime(node.event.at, this.options.timeZone(), 'HH:mm');
        item.tooltip = `${formatTime(node.event.at, this.options.timeZone(), 'yyyy-MM-dd HH:mm:ss zzz')}${
          node.event.by ? ` · ${node.event.by}` : ''
        }\n${node.text}`;
        return item;
      }
    }
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
