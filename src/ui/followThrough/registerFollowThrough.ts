import * as vscode from 'vscode';

import { FollowUpInputError } from '../../incident/followUpInput';
import { InvitationError } from '../../incident/review';
import { Commands } from '../ids';
import { showError } from '../mitigation/shared';
import { timeZone } from '../settings';
import type { ResolutionDeps } from './deps';
import { exportFollowUps, type ExportArgument } from './exportCommand';
import {
  addFollowUp,
  completeFollowUp,
  FollowUpNotFoundError,
  removeFollowUp,
  type AddFollowUpArgument,
  type FollowUpArgument,
} from './followUpCommands';
import { PostIncidentNotifier } from './postIncidentNotifier';
import { watchPostmortemSaves } from './postmortemFollowUps';
import { ReviewStartError, schedulePostmortemReview, type ReviewArgument } from './reviewCommand';
import { RunbookNoteError, updateRunbook, type RunbookArgument } from './runbookCommand';

/** Errors of bad input or a missing file: expected, so not logged as failures. */
const EXPECTED = [
  FollowUpInputError,
  FollowUpNotFoundError,
  ReviewStartError,
  InvitationError,
  RunbookNoteError,
];

/**
 * Follow-ups (add, done, remove, export to Markdown or GitHub), the postmortem review's
 * invitation, runbook notes, follow-ups read from saved postmortems, and the reminders of the
 * post-incident checklist's 48-hour deadline.
 */
export function registerFollowThrough(deps: ResolutionDeps): vscode.Disposable[] {
  const { context, store, log } = deps;
  const command = <A, R>(id: string, run: (argument?: A) => Promise<R>) =>
    vscode.commands.registerCommand(id, async (argument?: A) => {
      try {
        return await run(argument);
      } catch (error) {
        const known = EXPECTED.some((type) => error instanceof type);
        if (!known) log.error(`${id} failed: ${(error as Error).stack ?? String(error)}`);
        showError((error as Error).message);
        // A script (a keybinding, a task, a test) gets the error; the palette or a view row, which
        // would only show it a second time, does not.
        const scripted = typeof argument === 'object' && argument !== null && !('kind' in argument);
        if (scripted) throw error;
        return undefined;
      }
    });

  return [
    command<AddFollowUpArgument, unknown>(Commands.addFollowUp, (a) => addFollowUp(store, a)),
    command<FollowUpArgument, unknown>(Commands.completeFollowUp, (a) =>
      completeFollowUp(store, a),
    ),
    command<FollowUpArgument, unknown>(Commands.removeFollowUp, (a) => removeFollowUp(store, a)),
    command<ExportArgument, unknown>(Commands.exportFollowUps, (a) =>
      exportFollowUps(context, store, log, a),
    ),
    command<ReviewArgument, unknown>(Commands.schedulePostmortemReview, (a) =>
      schedulePostmortemReview(context, store, a),
    ),
    command<RunbookArgument, unknown>(Commands.updateRunbook, (a) => updateRunbook(store, a)),
    watchPostmortemSaves(context, store, log),
    new PostIncidentNotifier(deps.tree, timeZone, context.workspaceState),
  ];
}
