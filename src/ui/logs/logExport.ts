import { writeFile } from 'node:fs/promises';

import * as vscode from 'vscode';

import type { LogEntry } from '../../platform/kube/logEntries';
import { plainText } from './rows';

/** What copy and save read from a panel. */
export interface ExportSource {
  /** The panel's target as a file name: `course-service-abc`, `api-gateway-x-envoy`. */
  name: string;
  /** Entries passing the filter (`true`) or every entry held. */
  entries(filtered: boolean): LogEntry[];
  /** Lines name their pod when several pods are merged. */
  workload: boolean;
  filterActive: boolean;
}

function text(source: ExportSource, filtered: boolean): { text: string; count: number } {
  const entries = source.entries(filtered);
  const lines = entries.map((e) => plainText(e, { pod: source.workload, timestamps: true }));
  return { text: lines.length ? `${lines.join('\n')}\n` : '', count: entries.length };
}

/** Copies the page's selection, or every entry passing the filter when nothing is selected. */
export async function copyLog(source: ExportSource, selection: string | undefined): Promise<void> {
  if (selection) {
    await vscode.env.clipboard.writeText(selection);
    vscode.window.setStatusBarMessage('Copied the selected log lines.', 3000);
    return;
  }
  const { text: all, count } = text(source, true);
  await vscode.env.clipboard.writeText(all);
  vscode.window.setStatusBarMessage(`Copied ${count} log entries.`, 3000);
}

/**
 * Saves the log to a file the user picks: with a filter on, first asks whether to save the
 * lines passing it or the whole buffer (`preferFiltered` is offered first).
 */
export async function saveLog(source: ExportSource, preferFiltered: boolean): Promise<void> {
  let filtered = false;
  if (source.filterActive) {
    const shown = { label: 'Lines passing the filter', filtered: true };
    const all = { label: 'Every line held by the panel', filtered: false };
    const choice = await vscode.window.showQuickPick(preferFiltered ? [shown, all] : [all, shown], {
      title: 'Save which lines?',
    });
    if (!choice) return;
    filtered = choice.filtered;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    title: `Save the log of ${source.name}`,
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${source.name}.log`) : undefined,
    filters: { Logs: ['log', 'txt'] },
  });
  if (!uri) return;
  const { text: content, count } = text(source, filtered);
  try {
    if (uri.scheme === 'file') await writeFile(uri.fsPath, content, 'utf8');
    else await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
    vscode.window.setStatusBarMessage(`Saved ${count} log entries to ${uri.fsPath}.`, 5000);
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Could not save the log of ${source.name} to ${uri.fsPath}: ${(error as Error).message}. ` +
        'Choose another folder.',
    );
  }
}
