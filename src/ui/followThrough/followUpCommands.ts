import * as vscode from 'vscode';

import { withoutLinks } from '../../common/notificationText';

import { checkFollowUp, FollowUpInputError } from '../../incident/followUpInput';
import type { FollowUp, FollowUpAddedEvent, Incident } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { resolveIncident, type IncidentArgument } from '../commands/pickIncident';
import { me } from '../mitigation/shared';

/** `{ incidentId?, text, owner?, due? }`, or nothing to be asked. */
export type AddFollowUpArgument = IncidentArgument & {
  text?: string;
  owner?: string;
  due?: string;
};

/** `{ incidentId?, followUpId }`, a follow-up row of the Incidents view, or nothing. */
export type FollowUpArgument =
  | (IncidentArgument & { followUpId?: string })
  | { kind: 'followUp'; incident: Incident; followUp: FollowUp };

/**
 * `FreeLMS: Add Follow-up`: text, owner and due date (`YYYY-MM-DD`) on the incident's
 * timeline. Returns `{ incidentId, followUpId }`; bad input given as an argument throws a
 * `FollowUpInputError` naming the field.
 */
export async function addFollowUp(
  store: IncidentStore,
  argument?: AddFollowUpArgument,
): Promise<{ incidentId: string; followUpId: string } | undefined> {
  const incident = await resolveIncident(store, argument, { includeResolved: true });
  if (!incident) return undefined;
  const scripted = argument && 'text' in argument && argument.text !== undefined;
  const input = scripted
    ? checkFollowUp({ text: argument.text!, owner: argument.owner, due: argument.due })
    : await askFollowUp(incident);
  if (!input) return undefined;

  // The journal redacts a secret in the text, so the follow-up is found by the event's id.
  const { written } = await store.write(incident.id, {
    type: 'followup.added',
    ...input,
    by: me(),
  });
  if (!scripted) {
    // As the journal keeps it: a secret in what was typed is not shown back.
    const added = written[0] as FollowUpAddedEvent;
    const details = [added.owner, added.due && `due ${added.due}`].filter(Boolean).join(', ');
    void vscode.window.showInformationMessage(
      withoutLinks(
        `Follow-up added to "${incident.title}": ${added.text}${details ? ` (${details})` : ''}`,
      ),
    );
  }
  return { incidentId: incident.id, followUpId: written[0]!.id };
}

async function askFollowUp(incident: Incident) {
  const title = `Follow-up for ${incident.title}`;
  const text = await vscode.window.showInputBox({
    title,
    prompt: 'What is to be done (one line; details go in the ticket)',
    validateInput: (value) => validation(() => checkFollowUp({ text: value })),
  });
  if (!text?.trim()) return undefined;
  const owner = await vscode.window.showInputBox({
    title,
    prompt: 'Owner: one name or handle (optional)',
    validateInput: (value) => validation(() => checkFollowUp({ text, owner: value })),
  });
  if (owner === undefined) return undefined;
  const due = await vscode.window.showInputBox({
    title,
    prompt: 'Due date, YYYY-MM-DD (optional)',
    placeHolder: 'YYYY-MM-DD',
    validateInput: (value) => validation(() => checkFollowUp({ text, due: value })),
  });
  if (due === undefined) return undefined;
  return checkFollowUp({ text, owner, due });
}

function validation(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof FollowUpInputError) return error.message;
    throw error;
  }
}

/** `FreeLMS: Mark Follow-up Done`. Returns the follow-up's id, or undefined when nothing changed. */
export async function completeFollowUp(
  store: IncidentStore,
  argument?: FollowUpArgument,
): Promise<string | undefined> {
  const target = await pickFollowUp(store, argument, 'Which follow-up is done?', (f) => !f.done);
  if (!target) return undefined;
  const { incident, followUp } = target;
  if (followUp.done) return followUp.id;
  await store.append(incident.id, { type: 'followup.done', followUpId: followUp.id, by: me() });
  return followUp.id;
}

/**
 * `FreeLMS: Remove Follow-up`: for one added by mistake. Asks for confirmation unless the
 * argument names the follow-up by id (scripts, tests). A follow-up already opened as an issue is
 * removed from the incident only; the issue stays, and the message says so.
 */
export async function removeFollowUp(
  store: IncidentStore,
  argument?: FollowUpArgument,
): Promise<string | undefined> {
  const target = await pickFollowUp(store, argument, 'Which follow-up to remove?', () => true);
  if (!target) return undefined;
  const { incident, followUp } = target;
  const byId = argument !== undefined && 'followUpId' in argument && !!argument.followUpId;
  if (!byId) {
    const issue = followUp.issueUrl ? ` Its issue ${followUp.issueUrl} stays open on GitHub.` : '';
    const answer = await vscode.window.showWarningMessage(
      withoutLinks(`Remove the follow-up "${followUp.text}" from ${incident.title}?`),
      { modal: true, detail: `The timeline keeps a line saying it was removed.${issue}` },
      'Remove',
    );
    if (answer !== 'Remove') return undefined;
  }
  await store.append(incident.id, { type: 'followup.removed', followUpId: followUp.id, by: me() });
  return followUp.id;
}

async function pickFollowUp(
  store: IncidentStore,
  argument: FollowUpArgument | undefined,
  title: string,
  offered: (followUp: FollowUp) => boolean,
): Promise<{ incident: Incident; followUp: FollowUp } | undefined> {
  const incident = await resolveIncident(store, argument, { includeResolved: true });
  if (!incident) return undefined;
  const wanted =
    argument && 'followUp' in argument
      ? argument.followUp.id
      : argument && 'followUpId' in argument
        ? argument.followUpId
        : undefined;
  if (wanted) {
    const followUp = incident.followUps.find((candidate) => candidate.id === wanted);
    if (!followUp) {
      throw new FollowUpNotFoundError(incident.id, wanted);
    }
    return { incident, followUp };
  }
  const candidates = incident.followUps.filter(offered);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`${incident.title} has no follow-up to choose.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((followUp) => ({
      label: followUp.text,
      description: [followUp.owner, followUp.due && `due ${followUp.due}`]
        .filter(Boolean)
        .join(' · '),
      followUp,
    })),
    { title },
  );
  return picked && { incident, followUp: picked.followUp };
}

/** A follow-up id the incident does not have (any more): removed, or from another incident. */
export class FollowUpNotFoundError extends Error {
  override readonly name = 'FollowUpNotFoundError';
  constructor(
    readonly incidentId: string,
    readonly followUpId: string,
  ) {
    super(
      `The incident ${incidentId} has no follow-up ${followUpId}: it was removed, or belongs to another incident.`,
    );
  }
}
