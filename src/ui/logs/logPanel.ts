import * as v from 'valibot';
import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import type { KubeConnection } from '../../platform/kube/connection';
import { LogFilterError } from '../../platform/kube/logFilter';
import { webviewOptions, renderPage } from '../webviewHtml';
import { Batcher } from './batcher';
import { copyLog, saveLog, type ExportSource } from './logExport';
import { LogFeed } from './logFeed';
import { containersOf, defaultContainer, readPodSpec, type PodSpecView } from './podSpec';
import {
  FromLogPageSchema,
  type ContainerChoice,
  type FilterSpec,
  type LogNotice,
  type LogRow,
  type LogTarget,
  type StreamOptions,
  type StreamState,
  type ToLogPage,
} from './protocol';
import { LogRows } from './rows';

export const LOG_VIEW_TYPE = 'freelms.logs';

/** Rows per message when the page's rows are replaced. */
const RESET_SLICE = 20_000;

/** What a panel needs from the extension. */
export interface LogPanelDeps {
  extensionUri: vscode.Uri;
  /** The cluster connection, once the session has connected; throws a `KubeError` otherwise. */
  connection: () => Promise<KubeConnection>;
  lineBudget: () => number;
  log: Log;
}

/** What `freelms.showLogs` returns: where the panel stands, for scripts and tests. */
export interface LogPanelSnapshot {
  key: string;
  title: string;
  target: LogTarget;
  options: StreamOptions;
  state: StreamState;
  /** Entries and lines held by the panel's buffer, and lines dropped to stay in budget. */
  entries: number;
  lines: number;
  droppedLines: number;
  /** Rows the page reported holding after its last batch. */
  pageRows: number;
  /** The pods whose lines the buffer holds (several in workload mode). */
  pods: string[];
  /** The panel's notices so far, newest last (at most 50). */
  notices: LogNotice[];
}

/** The key of a panel: one per pod, per container of a pod, per workload. */
export function panelKey(target: LogTarget, container: string | undefined): string {
  const name = target.kind === 'pod' ? `pod/${target.pod}` : `deployment/${target.deployment}`;
  return container ? `${name}/${container}` : name;
}

function titleOf(target: LogTarget, options: StreamOptions): string {
  const name = target.kind === 'pod' ? target.pod : `${target.deployment} (all pods)`;
  return `Logs: ${name}${options.container ? ` / ${options.container}` : ''}${options.previous ? ' (previous)' : ''}`;
}

export const DEFAULT_OPTIONS: StreamOptions = { follow: true, tailLines: 1000, previous: false };
export const DEFAULT_FILTER: FilterSpec = { levels: [], include: '', exclude: '' };

/**
 * A log panel: one pod, one container, or every pod of a Deployment merged. The extension side
 * owns the bounded buffer and the filter and sends the page only rows that pass, batched at
 * most every 100 ms; the page renders only the visible rows. Opening the same target again
 * reveals the panel. The page keeps target, options and filter in its state, so a reload
 * reopens the same log.
 */
export class LogPanel implements vscode.Disposable {
  private static readonly open = new Map<string, LogPanel>();

  private readonly disposables: vscode.Disposable[] = [];
  private readonly rows: LogRows;
  private readonly batcher: Batcher<LogRow>;
  private disposed = false;
  private feed: LogFeed | undefined;
  private state: StreamState = 'connecting';
  private pageRows = 0;
  private readonly notices: LogNotice[] = [];
  private droppedSent = 0;
  private key: string;

  /** Opens the panel of a target, or reveals it (applying new options when given). */
  static async show(
    deps: LogPanelDeps,
    target: LogTarget,
    options: Partial<StreamOptions> = {},
  ): Promise<LogPanel> {
    const existing = LogPanel.open.get(panelKey(target, options.container));
    if (existing) {
      existing.panel.reveal();
      const next = { ...existing.options, ...options };
      if (JSON.stringify(next) !== JSON.stringify(existing.options)) existing.restart(next);
      return existing;
    }
    const full = { ...DEFAULT_OPTIONS, ...options };
    const panel = vscode.window.createWebviewPanel(
      LOG_VIEW_TYPE,
      titleOf(target, full),
      vscode.ViewColumn.Active,
      webviewOptions(deps.extensionUri),
    );
    return LogPanel.adopt(panel, deps, target, full, DEFAULT_FILTER);
  }

  /** Takes over a panel, new or restored by VS Code after a reload. */
  static async adopt(
    panel: vscode.WebviewPanel,
    deps: LogPanelDeps,
    target: LogTarget,
    options: StreamOptions,
    filter: FilterSpec,
  ): Promise<LogPanel> {
    panel.webview.options = webviewOptions(deps.extensionUri);
    const logPanel = new LogPanel(panel, deps, target, options, filter);
    panel.webview.html = await renderPage(panel.webview, deps.extensionUri, 'logs');
    return logPanel;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: LogPanelDeps,
    readonly target: LogTarget,
    private options: StreamOptions,
    private filter: FilterSpec,
  ) {
    this.rows = new LogRows(deps.lineBudget(), target.kind === 'workload');
    this.key = panelKey(target, options.container);
    LogPanel.open.get(this.key)?.dispose();
    LogPanel.open.set(this.key, this);
    this.batcher = new Batcher((rows) => {
      this.post({ type: 'append', rows });
      this.postDropped();
    });
    try {
      this.rows.setFilter(filter);
    } catch {
      // A restored filter that no longer compiles starts empty; `init` shows the page the empty one.
      this.filter = DEFAULT_FILTER;
    }
    panel.iconPath = new vscode.ThemeIcon('output');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
    );
  }

  snapshot(): LogPanelSnapshot {
    return {
      key: this.key,
      title: this.panel.title,
      target: this.target,
      options: this.options,
      state: this.state,
      ...this.rows.stats,
      pageRows: this.pageRows,
      pods: [...new Set(this.rows.entries(false).map((entry) => entry.pod ?? ''))].sort(),
      notices: [...this.notices],
    };
  }

  private post(message: ToLogPage): void {
    void this.panel.webview.postMessage(message);
  }

  private notice(notice: LogNotice): void {
    this.notices.push(notice);
    if (this.notices.length > 50) this.notices.shift();
    // Notices go out in order with the lines around them.
    this.batcher.flush();
    this.post({ type: 'notice', notice });
    if (notice.severity === 'error') this.deps.log.warn(`${this.key}: ${notice.message}`);
  }

  /** Replaces the page's rows; the page hides its dropped marker, so it is sent again. */
  private reset(rows: LogRow[]): void {
    // In slices: one message holding a million rows would stall both sides while it is copied.
    this.post({ type: 'reset', rows: rows.slice(0, RESET_SLICE) });
    for (let from = RESET_SLICE; from < rows.length; from += RESET_SLICE) {
      this.post({ type: 'append', rows: rows.slice(from, from + RESET_SLICE) });
    }
    this.droppedSent = 0;
    this.postDropped();
  }

  private postDropped(): void {
    const dropped = this.rows.stats.droppedLines;
    if (dropped !== this.droppedSent) {
      this.droppedSent = dropped;
      this.post({ type: 'dropped', lines: dropped });
    }
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = v.safeParse(FromLogPageSchema, raw);
    if (!parsed.success) {
      // The page validates its inputs; an invalid message is a bug in the page.
      this.deps.log.warn(
        `ignored an invalid message from ${this.key}: ${v.summarize(parsed.issues)}`,
      );
      return;
    }
    const message = parsed.output;
    switch (message.type) {
      case 'ready':
        await this.init();
        break;
      case 'setOptions':
        this.restart(message.options);
        break;
      case 'setFilter':
        this.applyFilter(message.filter);
        break;
      case 'copy':
        await copyLog(this.exportSource(), message.selection);
        break;
      case 'save':
        await saveLog(this.exportSource(), message.filtered);
        break;
      case 'clear':
        this.batcher.discard();
        this.rows.clear();
        this.reset([]);
        break;
      case 'rendered':
        this.pageRows = message.rows;
        break;
    }
  }

  private postInit(containers: ContainerChoice[], fallback: string | undefined): void {
    this.post({
      type: 'init',
      target: this.target,
      title: this.panel.title,
      containers,
      defaultContainer: fallback,
      options: this.options,
      filter: this.filter,
      lineBudget: this.rows.lineBudget,
    });
  }

  private async init(): Promise<void> {
    // The page shows its toolbar at once; the container picker fills in when the spec is read.
    this.postInit([], undefined);
    if (!this.feed) this.restart(this.options);
    else {
      // The page was reloaded (a hidden tab shown again): give it what the buffer holds.
      this.reset(this.rows.visibleRows());
      this.post({ type: 'state', state: this.state });
    }
    const spec = await this.readSpec().catch(() => undefined);
    if (spec) this.postInit(containersOf(spec), defaultContainer(spec));
  }

  /** The pod spec (or the Deployment's template), read once for the container picker. */
  private spec: Promise<PodSpecView> | undefined;

  private readSpec(): Promise<PodSpecView> {
    this.spec ??= this.deps.connection().then((connection) => readPodSpec(connection, this.target));
    this.spec.catch(() => (this.spec = undefined));
    return this.spec;
  }

  private restart(options: StreamOptions): void {
    const previousFeed = this.feed;
    this.feed = undefined;
    void previousFeed?.stop();
    this.options = options;
    const key = panelKey(this.target, options.container);
    if (key !== this.key) {
      LogPanel.open.delete(this.key);
      LogPanel.open.get(key)?.panel.dispose();
      LogPanel.open.set(key, this);
      this.key = key;
    }
    this.panel.title = titleOf(this.target, options);
    this.batcher.discard();
    this.rows.clear();
    this.reset([]);
    this.setState('connecting');
    void this.startFeed(options);
  }

  private async startFeed(options: StreamOptions): Promise<void> {
    let connection: KubeConnection;
    try {
      connection = await this.deps.connection();
    } catch (error) {
      this.notice({
        severity: 'error',
        message: `Cannot read logs: ${(error as Error).message}`,
        hint: 'Check the Kubernetes settings (freelms.kube.*) and the Cluster view.',
      });
      this.setState('failed');
      return;
    }
    const container =
      options.container ?? (await this.readSpec().then(defaultContainer, () => undefined));
    if (this.options !== options || this.disposed) return;
    const feed = new LogFeed(
      connection,
      this.target,
      { ...options, container },
      {
        entries: (entries) => this.batcher.push(this.rows.add(entries)),
        notice: (notice) => this.notice(notice),
        state: (state, detail) => this.setState(state, detail),
      },
    );
    this.feed = feed;
    feed.start();
  }

  private setState(state: StreamState, detail?: string): void {
    this.state = state;
    if (state === 'ended' || state === 'failed') this.batcher.flush();
    this.post({ type: 'state', state, detail });
  }

  private applyFilter(filter: FilterSpec): void {
    try {
      this.rows.setFilter(filter);
    } catch (error) {
      if (error instanceof LogFilterError) {
        this.post({ type: 'filterError', field: error.field, message: error.message });
        return;
      }
      throw error;
    }
    this.filter = filter;
    this.post({ type: 'filterError' });
    this.batcher.discard();
    this.reset(this.rows.visibleRows());
  }

  private exportSource(): ExportSource {
    return {
      name: this.key.replace(/^(pod|deployment)\//, '').replace(/\//g, '-'),
      entries: (filtered) => this.rows.entries(filtered),
      workload: this.target.kind === 'workload',
      filterActive: Boolean(
        this.filter.levels.length || this.filter.include || this.filter.exclude,
      ),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (LogPanel.open.get(this.key) === this) LogPanel.open.delete(this.key);
    this.batcher.dispose();
    void this.feed?.stop();
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
