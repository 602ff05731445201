import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import * as vscode from 'vscode';

import { BUILT_IN_RUNBOOK } from '../../incident/checklist';
import { formatTime } from '../../incident/describe';
import type { Incident } from '../../incident/model';
import {
  commentInsertion,
  defaultRunbookNote,
  findPhaseHeading,
  lackingPhase,
  phaseHeadings,
  runbookComment,
} from '../../incident/runbookNote';
import type { IncidentStore } from '../../incident/store';
import { resolveIncident, type IncidentArgument } from '../commands/pickIncident';
import { SETTINGS_SECTION } from '../ids';
import { me } from '../mitigation/shared';
import { timeZone } from '../settings';
import { forJournal, inWorkspace, runbookPath, workspaceRoot } from './settings';

/** `{ incidentId?, phase?, note? }`: the phase by title (`Mitigation`) or heading. */
export type RunbookArgument = IncidentArgument & { phase?: string; note?: string };

/** Where the built-in runbook goes when the team takes it over. */
const COPIED_RUNBOOK = 'runbooks/incident-response.md';

/** The runbook or its phase cannot be found; the message says which and what to do. */
export class RunbookNoteError extends Error {
  override readonly name = 'RunbookNoteError';
}

/**
 * `FreeLMS: Update Runbook`: opens the runbook at the heading of the phase the incident found
 * lacking and inserts `<!-- FreeLMS <id>, <date>: <note> -->` under it through a WorkspaceEdit,
 * so it can be undone and is saved by the author, not by us. Journals `runbook.annotated`.
 * Returns the runbook's path and the phase.
 */
export async function updateRunbook(
  store: IncidentStore,
  argument?: RunbookArgument,
): Promise<{ path: string; phase: string; line: number } | undefined> {
  const incident = await resolveIncident(store, argument, { includeResolved: true });
  if (!incident) return undefined;
  const path = runbookPath() ?? (await offerToCopyBuiltIn());
  if (!path) return undefined;

  const document = await openRunbook(path);
  const markdown = document.getText();
  const headings = phaseHeadings(markdown);
  if (headings.length === 0)
    throw new RunbookNoteError(
      `${path} has no "Phase" headings with steps under them, so there is no phase to note ` +
        'under. Check freelms.runbook.path.',
    );

  const lacking = lackingPhase(markdown, incident, new Date());
  const phaseName =
    argument?.phase ??
    (await pickPhase(
      headings.map((h) => h.title),
      lacking?.title,
    ));
  if (!phaseName) return undefined;
  const heading = findPhaseHeading(headings, phaseName);
  if (!heading)
    throw new RunbookNoteError(
      `${path} has no phase "${phaseName}"; its phases are ${headings.map((h) => h.title).join(', ')}.`,
    );

  const suggested = defaultRunbookNote(
    incident,
    lacking?.title === heading.title ? lacking.open : [],
  );
  const note = argument?.note ?? (await askNote(incident, heading.title, suggested));
  if (note === undefined || !note.trim()) return undefined;

  const date = formatTime(new Date().toISOString(), timeZone(), 'yyyy-MM-dd');
  const insertion = commentInsertion(markdown, heading, runbookComment(incident.id, date, note));
  const edit = new vscode.WorkspaceEdit();
  edit.insert(
    document.uri,
    new vscode.Position(insertion.line, insertion.character),
    insertion.text,
  );
  if (!(await vscode.workspace.applyEdit(edit)))
    throw new RunbookNoteError(
      `The note could not be inserted into ${path}: the editor refused the edit.`,
    );

  const line = insertion.character === 0 ? insertion.line : insertion.line + 1;
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const commentLine = document.lineAt(line).range;
  editor.selection = new vscode.Selection(commentLine.start, commentLine.end);
  editor.revealRange(commentLine, vscode.TextEditorRevealType.InCenterIfOutsideViewport);

  await store.append(incident.id, {
    type: 'runbook.annotated',
    path: forJournal(path),
    phase: heading.title,
    by: me(),
  });
  return { path, phase: heading.title, line };
}

/** The runbook as a document, or an error that names the setting when it is not a file. */
async function openRunbook(path: string): Promise<vscode.TextDocument> {
  const kind = await stat(path).then(
    (found) => (found.isFile() ? 'file' : 'not a file'),
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? 'missing' : error.message),
  );
  if (kind === 'missing' || kind === 'not a file')
    throw new RunbookNoteError(
      `The runbook ${path} ${kind === 'missing' ? 'does not exist' : 'is a folder, not a file'}. ` +
        "Set freelms.runbook.path to the team's runbook (a Markdown file in the workspace), or " +
        'clear it to be offered a copy of the built-in one.',
    );
  if (kind !== 'file') throw new RunbookNoteError(`The runbook ${path} cannot be read: ${kind}.`);
  return vscode.workspace.openTextDocument(vscode.Uri.file(path));
}

async function pickPhase(
  titles: string[],
  lacking: string | undefined,
): Promise<string | undefined> {
  // The phase with steps left open comes first, so Enter takes it.
  const ordered = [...titles].sort((a, b) => Number(b === lacking) - Number(a === lacking));
  const picked = await vscode.window.showQuickPick(
    ordered.map((title) => ({
      label: title,
      description: title === lacking ? 'steps left open in this incident' : undefined,
    })),
    { title: 'Which phase of the runbook did the incident find lacking?' },
  );
  return picked?.label;
}

function askNote(incident: Incident, phase: string, suggested: string) {
  return vscode.window.showInputBox({
    title: `Runbook note under "${phase}"`,
    prompt: `What happened in ${incident.id}, and what the runbook was missing; the author turns it into a step`,
    value: suggested,
  });
}

/**
 * No runbook file is set: the built-in one cannot be edited, so offer to copy it into the
 * workspace and point `freelms.runbook.path` at the copy.
 */
async function offerToCopyBuiltIn(): Promise<string | undefined> {
  const root = workspaceRoot();
  if (!root) {
    void vscode.window.showWarningMessage(
      'The built-in runbook cannot be edited. Open a folder and set freelms.runbook.path to ' +
        'the team runbook, then update it.',
    );
    return undefined;
  }
  const answer = await vscode.window.showInformationMessage(
    'No runbook file is set (freelms.runbook.path), and the built-in runbook cannot be edited.',
    {
      modal: true,
      detail: `Copy it to ${COPIED_RUNBOOK} in this workspace and use the copy from now on?`,
    },
    'Copy into the Workspace',
  );
  if (!answer) return undefined;
  const path = inWorkspace(COPIED_RUNBOOK);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `# FreeLMS Incident Response Runbook\n${BUILT_IN_RUNBOOK}`, {
    flag: 'wx',
  }).catch((error: NodeJS.ErrnoException) => {
    // A copy made earlier is kept as it is: it may hold the team's edits.
    if (error.code !== 'EEXIST') throw error;
  });
  await vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .update('runbook.path', COPIED_RUNBOOK, vscode.ConfigurationTarget.Workspace);
  return path;
}
