import { basename, dirname, resolve } from 'node:path';

import * as vscode from 'vscode';

import { withoutLinks } from '../../common/notificationText';

import type { Log } from '../../common/log';
import { newFollowUpsIn } from '../../incident/followUps';
import type { IncidentStore } from '../../incident/store';
import { postmortemFolder } from '../commands/postmortemCommand';
import { me } from '../mitigation/shared';

/**
 * Follow-ups from the postmortem's checklist: when an author saves `<postmortem folder>/<id>.md`
 * with new unchecked task items in its follow-ups or action-items section, they are added to the
 * incident (owner from `@owner`, date from `due YYYY-MM-DD`). A text the journal already has is
 * never added again. Generating the postmortem writes the file directly, which is no save.
 */
export function watchPostmortemSaves(
  context: vscode.ExtensionContext,
  store: IncidentStore,
  log: Log,
): vscode.Disposable {
  // One import at a time: two quick saves must not both see the items as new.
  let queue = Promise.resolve();
  return vscode.workspace.onDidSaveTextDocument((document) => {
    if (document.uri.scheme !== 'file' || !document.fileName.endsWith('.md')) return;
    if (resolve(dirname(document.fileName)) !== resolve(postmortemFolder(context))) return;
    const incidentId = basename(document.fileName, '.md');
    const markdown = document.getText();
    queue = queue
      .then(() => importFollowUps(store, incidentId, markdown, log))
      .catch((error: unknown) =>
        log.error(`reading follow-ups from ${document.fileName}: ${(error as Error).message}`),
      );
  });
}

async function importFollowUps(
  store: IncidentStore,
  incidentId: string,
  markdown: string,
  log: Log,
): Promise<void> {
  const incident = await store.get(incidentId);
  if (!incident) return;
  const { added, rejected } = newFollowUpsIn(incident, markdown);
  if (added.length) {
    await store.append(
      incident.id,
      added.map((input) => ({ type: 'followup.added' as const, ...input, by: me() })),
    );
    log.info(`${added.length} follow-up(s) added to ${incident.id} from its postmortem`);
    void vscode.window.showInformationMessage(
      withoutLinks(
        `Added ${added.length} follow-up(s) from the postmortem to ${incident.title}: ` +
          `${added.map((f) => f.text).join('; ')}.`,
      ),
    );
  }
  if (rejected.length) {
    void vscode.window.showWarningMessage(
      withoutLinks(
        `Not added from the postmortem: ${rejected.map((r) => `line ${r.line} "${r.text}": ${r.reason}`).join(' ')}`,
      ),
    );
  }
}
