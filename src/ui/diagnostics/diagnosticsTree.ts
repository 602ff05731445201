import * as vscode from 'vscode';

import type { CheckKind } from '../../incident/model';
import { ageSince } from '../../platform/kube/age';
import { Commands, ContextKeys } from '../ids';
import type { Detail, DiagnosticResult } from './summaries';

/** A row of the Diagnostics view: a check, or a detail under it. */
export type DiagnosticNode =
  | { kind: 'check'; check: CheckKind }
  | { kind: 'detail'; check: CheckKind; detail: Detail; id: string };

const TITLES: Partial<Record<CheckKind, string>> = {
  health: 'Health endpoint',
  database: 'Database',
  redis: 'Redis',
  kafka: 'Kafka consumer lag',
  pods: 'Unhealthy pods',
  errors: 'Recent errors',
};

/** The rows always shown; pods and errors appear once an Initial Assessment has run. */
const ALWAYS: CheckKind[] = ['health', 'database', 'redis', 'kafka'];

/**
 * The Diagnostics view: each check's last result, when it was taken, and its details. A click
 * on a check runs it again. Results live for the window only; the timeline keeps the record.
 */
export class DiagnosticsTree implements vscode.TreeDataProvider<DiagnosticNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DiagnosticNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly results = new Map<CheckKind, DiagnosticResult>();
  private readonly running = new Set<CheckKind>();
  /** Redraws the "2m ago" of every row while the view is open. */
  private readonly ticker = setInterval(() => this.changed.fire(undefined), 30_000);

  constructor() {
    void vscode.commands.executeCommand('setContext', ContextKeys.hasDiagnostics, true);
  }

  /** The last result of a check, for tests and the Initial Assessment. */
  result(check: CheckKind): DiagnosticResult | undefined {
    return this.results.get(check);
  }

  setRunning(check: CheckKind, running: boolean): void {
    if (running) this.running.add(check);
    else this.running.delete(check);
    this.changed.fire(undefined);
  }

  set(result: DiagnosticResult): void {
    this.results.set(result.check, result);
    this.running.delete(result.check);
    this.changed.fire(undefined);
  }

  getChildren(node?: DiagnosticNode): DiagnosticNode[] {
    if (!node) {
      const extra = (['pods', 'errors'] as CheckKind[]).filter((c) => this.results.has(c));
      return [...ALWAYS, ...extra].map((check) => ({ kind: 'check', check }));
    }
    const details =
      node.kind === 'check'
        ? (this.results.get(node.check)?.details ?? [])
        : (node.detail.children ?? []);
    const prefix = node.kind === 'check' ? node.check : node.id;
    return details.map((detail, index) => ({
      kind: 'detail',
      check: node.check,
      detail,
      id: `${prefix}/${index}`,
    }));
  }

  getTreeItem(node: DiagnosticNode): vscode.TreeItem {
    if (node.kind === 'detail') {
      const item = new vscode.TreeItem(
        node.detail.label,
        node.detail.children?.length
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None,
      );
      item.description = node.detail.description;
      item.tooltip = [node.detail.label, node.detail.description].filter(Boolean).join(': ');
      if (node.detail.warning)
        item.iconPath = new vscode.ThemeIcon(
          'warning',
          new vscode.ThemeColor('editorWarning.foreground'),
        );
      return item;
    }
    const result = this.results.get(node.check);
    const item = new vscode.TreeItem(
      TITLES[node.check] ?? node.check,
      result?.details.length
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `diagnostic.${node.check}`;
    item.contextValue = `diagnostic.${node.check}`;
    if (this.running.has(node.check)) {
      item.description = 'running…';
      item.iconPath = new vscode.ThemeIcon('loading~spin');
    } else if (result) {
      item.description = `${result.summary} · ${ageSince(result.at, new Date())} ago`;
      item.iconPath = result.ok
        ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
        : new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.tooltip = new vscode.MarkdownString(
        `**${TITLES[node.check] ?? node.check}**: ${result.summary}\n\n` +
          `${result.target ? `${result.target}\n\n` : ''}Taken ${result.at.toLocaleString()}. ` +
          'Click to run again.',
      );
    } else {
      item.description = 'not run yet · click to run';
      item.iconPath = new vscode.ThemeIcon('circle-large-outline');
    }
    item.command = {
      command: Commands.rerunDiagnostic,
      title: 'Run Again',
      arguments: [{ check: node.check }],
    };
    return item;
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.changed.dispose();
  }
}
