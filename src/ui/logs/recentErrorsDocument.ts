import * as vscode from 'vscode';

import type { RecentErrorsResult } from '../../platform/kube/recentErrors';
import { Commands } from '../ids';

export const RECENT_ERRORS_SCHEME = 'freelms-errors';

/** Where a line of the document links to: that pod's logs around the error. */
interface LineLink {
  line: number;
  start: number;
  end: number;
  pod: string;
  container: string;
}

/** The most stack lines shown under an error; the rest are in the pod's log a click away. */
const STACK_LINES = 6;

/** The text of a recent-errors report and the pod links on its lines. Plain, for unit tests. */
export function renderRecentErrors(
  result: RecentErrorsResult,
  where: { context: string; namespace: string; minutes: number; at: Date },
): { text: string; links: LineLink[] } {
  const lines: string[] = [];
  const links: LineLink[] = [];
  const total = result.services.reduce((sum, s) => sum + s.count, 0);
  lines.push(
    `ERROR lines of the last ${where.minutes} minutes in ${where.namespace} (${where.context}), ` +
      `read ${where.at.toISOString()} from ${result.podCount} pods: ${total} errors in ` +
      `${result.services.length} services.`,
    'Click a pod to open its logs.',
  );
  for (const failure of result.failures) {
    lines.push(`Could not read ${failure.pod}/${failure.container}: ${failure.error.message}`);
  }
  if (total === 0) lines.push('', 'No ERROR lines.');
  for (const service of result.services) {
    lines.push(
      '',
      `== ${service.service}: ${service.count} ERROR ${service.count === 1 ? 'line' : 'lines'} ==`,
    );
    for (const error of service.errors) {
      const source = `${error.pod}/${error.container}`;
      const prefix = `${error.timestamp ?? ''}  `;
      links.push({
        line: lines.length,
        start: prefix.length,
        end: prefix.length + source.length,
        pod: error.pod,
        container: error.container,
      });
      lines.push(`${prefix}${source}  ${error.plain}`);
      const stack = error.continuation.slice(0, STACK_LINES);
      for (const frame of stack) lines.push(`    ${frame.trim()}`);
      if (error.continuation.length > stack.length) {
        lines.push(`    … ${error.continuation.length - stack.length} more lines in the pod's log`);
      }
    }
  }
  return { text: `${lines.join('\n')}\n`, links };
}

/**
 * Recent errors as a read-only virtual document rather than a webview: the editor already
 * gives search, selection, copy, "log" colouring and split views, and each pod on a line is a
 * document link that opens that pod's logs. Documents are kept until their tab closes.
 */
export class RecentErrorsDocuments
  implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable
{
  private readonly documents = new Map<string, { text: string; links: LineLink[] }>();
  private run = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(RECENT_ERRORS_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider({ scheme: RECENT_ERRORS_SCHEME }, this),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.documents.delete(document.uri.toString());
      }),
    );
  }

  /** Registers a report and returns its URI. */
  add(report: { text: string; links: LineLink[] }, minutes: number): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: RECENT_ERRORS_SCHEME,
      path: `/Recent errors (${minutes} min).log`,
      query: `run=${++this.run}`,
    });
    this.documents.set(uri.toString(), report);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      this.documents.get(uri.toString())?.text ??
      'This report is gone (it was closed or VS Code reloaded). Run FreeLMS: Show Recent Errors again.\n'
    );
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const report = this.documents.get(document.uri.toString());
    return (report?.links ?? []).map((link) => {
      const args = [{ pod: link.pod, container: link.container }];
      const target = vscode.Uri.parse(
        `command:${Commands.showLogs}?${encodeURIComponent(JSON.stringify(args))}`,
      );
      const item = new vscode.DocumentLink(
        new vscode.Range(link.line, link.start, link.line, link.end),
        target,
      );
      item.tooltip = `Open the logs of ${link.pod}/${link.container}`;
      return item;
    });
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
