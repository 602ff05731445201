import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';

import * as vscode from 'vscode';

import { renderPostmortem } from '../../incident/postmortem';
import { mergePostmortem } from '../../incident/postmortemMerge';
import type { IncidentStore } from '../../incident/store';
import { SETTINGS_SECTION } from '../ids';
import { timeZone } from '../settings';
import { resolveIncident, type IncidentArgument } from './pickIncident';

/** Where postmortems are written: the setting's folder in the workspace, else the extension's storage. */
export function postmortemFolder(context: vscode.ExtensionContext): string {
  const configured = vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .get<string>('postmortem.folder', 'postmortems');
  const workspace = vscode.workspace.workspaceFolders?.[0];
  if (workspace && workspace.uri.scheme === 'file') return join(workspace.uri.fsPath, configured);
  return join(context.globalStorageUri.fsPath, 'postmortems');
}

/**
 * `FreeLMS: Generate Postmortem`: writes `<folder>/<incident id>.md` from the journal and opens
 * it. Running it again refreshes the generated sections and keeps what the authors wrote.
 */
export async function generatePostmortem(
  context: vscode.ExtensionContext,
  store: IncidentStore,
  argument?: IncidentArgument,
): Promise<{ incidentId: string; path: string } | undefined> {
  const incident = await resolveIncident(store, argument, { includeResolved: true });
  if (!incident) return undefined;
  const path = join(postmortemFolder(context), `${incident.id}.md`);

  const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === path);
  if (open?.isDirty) {
    void vscode.window.showWarningMessage(
      `The postmortem ${path} has unsaved edits. Save it first, then generate again: your edits are kept.`,
    );
    return undefined;
  }

  const generated = renderPostmortem(incident, { timeZone: timeZone() });
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, existing === undefined ? generated : mergePostmortem(existing, generated));
  await store.append(incident.id, { type: 'postmortem.written', path, by: userInfo().username });

  await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: false });
  return { incidentId: incident.id, path };
}
