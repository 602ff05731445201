import * as vscode from 'vscode';

import { Commands } from '../ids';
import type { LineLink } from './recentErrorsText';

export const RECENT_ERRORS_SCHEME = 'freelms-errors';

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
