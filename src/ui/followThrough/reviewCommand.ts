import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import * as vscode from 'vscode';

import { formatTime } from '../../incident/describe';
import type { Incident } from '../../incident/model';
import {
  attendeeLabels,
  parseReviewStart,
  proposeReviewSlots,
  renderReviewInvitation,
  reviewAttendees,
  reviewSequence,
  type ReviewSlot,
} from '../../incident/review';
import type { IncidentStore } from '../../incident/store';
import { postmortemFolder } from '../commands/postmortemCommand';
import { resolveIncident, type IncidentArgument } from '../commands/pickIncident';
import { me, showError } from '../mitigation/shared';
import { timeZone, timerConfig } from '../settings';
import { configuredAttendees, forJournal, postmortemLink, reviewDurationMinutes } from './settings';

/** `{ incidentId?, start?, attendees? }`: `start` an ISO instant or `YYYY-MM-DD HH:mm` on the team's clock. */
export type ReviewArgument = IncidentArgument & { start?: string; attendees?: string[] };

/** What scheduling wrote. */
export interface ReviewScheduled {
  incidentId: string;
  /** The `.ics` file. */
  path: string;
  start: string;
  end: string;
  durationMinutes: number;
  attendees: string[];
  /** The invitation's SEQUENCE: 0 the first time, one more at each re-scheduling. */
  sequence: number;
  /** Why the slot is outside working hours or after the deadline, when it is. */
  note?: string;
}

const PAST_START = 'a review is proposed for a time still to come.';

/** Thrown for a `start` argument that is not a time, or one that has passed. */
export class ReviewStartError extends Error {
  override readonly name = 'ReviewStartError';
}

/**
 * `FreeLMS: Schedule Postmortem Review`: proposes a slot inside the 48 hours after resolution
 * (or takes `start`), writes `<postmortem folder>/<id>-review.ics` with the responders invited
 * and the postmortem's link, and journals `review.scheduled`, which the outbox posts to the
 * incident channel. Scheduling again rewrites the same event (same UID, SEQUENCE one more).
 */
export async function schedulePostmortemReview(
  context: vscode.ExtensionContext,
  store: IncidentStore,
  argument?: ReviewArgument,
): Promise<ReviewScheduled | undefined> {
  const incident = await resolveIncident(store, argument, { includeResolved: true });
  if (!incident) return undefined;
  const zone = timeZone();
  const durationMinutes = reviewDurationMinutes();

  let start: Date | undefined;
  let note: string | undefined;
  if (argument?.start !== undefined) {
    start = parseReviewStart(argument.start, zone);
    if (!start)
      throw new ReviewStartError(
        `start "${argument.start}" is not a time: give an ISO 8601 instant ` +
          `(2026-12-04T13:00:00Z) or YYYY-MM-DD HH:mm in ${zone}.`,
      );
    if (start.getTime() < Date.now())
      throw new ReviewStartError(`start "${argument.start}" has passed: ${PAST_START}`);
  } else {
    const proposal = proposeReviewSlots({
      resolvedAt: incident.resolvedAt ?? new Date().toISOString(),
      now: new Date(),
      durationMinutes,
      hours: timerConfig().workingHours,
    });
    note = proposal.note;
    start = await pickSlot(incident, proposal.slots, note, zone);
    if (!start) return undefined;
  }

  const attendees = reviewAttendees(incident, [
    ...configuredAttendees(),
    ...(argument?.attendees ?? []),
  ]);
  if (attendees.invalid.length)
    showError(
      `Not invited, since they are not e-mail addresses: ${attendees.invalid.join(', ')}. ` +
        'Write them as name@example.com or "Name <name@example.com>".',
      'freelms.review.attendees',
    );
  const link = postmortemLink(incident);
  const ics = renderReviewInvitation({
    incident,
    start,
    durationMinutes,
    attendees,
    timeZone: zone,
    postmortemLink: link,
  });
  const path = join(postmortemFolder(context), `${incident.id}-review.ics`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, ics);

  const labels = attendeeLabels(attendees);
  await store.append(incident.id, {
    type: 'review.scheduled',
    when: start.toISOString(),
    durationMinutes,
    path: forJournal(path),
    attendees: labels,
    timeZone: zone,
    ...(link ? { link } : {}),
    by: me(),
  });
  offerToOpen(path, start, zone, attendees.withoutEmail, note);

  return {
    incidentId: incident.id,
    path,
    start: start.toISOString(),
    end: new Date(start.getTime() + durationMinutes * 60_000).toISOString(),
    durationMinutes,
    attendees: labels,
    sequence: reviewSequence(incident),
    ...(note ? { note } : {}),
  };
}

async function pickSlot(
  incident: Incident,
  slots: readonly ReviewSlot[],
  note: string | undefined,
  zone: string,
): Promise<Date | undefined> {
  const other = { label: '$(edit) Another time…', slot: undefined };
  const picked = await vscode.window.showQuickPick(
    [
      ...slots.map((slot, index) => ({
        label:
          `${index === 0 ? '$(star-full) ' : ''}` +
          `${formatTime(slot.start, zone, 'EEE yyyy-MM-dd HH:mm')}–${formatTime(slot.end, zone, 'HH:mm')}`,
        description: [
          slot.inWorkingHours ? undefined : 'outside working hours',
          slot.beforeDeadline ? undefined : 'after the 48-hour deadline',
        ]
          .filter(Boolean)
          .join(', '),
        slot,
      })),
      other,
    ],
    {
      title: `Blameless postmortem review of ${incident.title} (${zone})`,
      placeHolder: note ?? 'The first slot is the proposal; pick it or another',
    },
  );
  if (!picked) return undefined;
  if (picked.slot) return new Date(picked.slot.start);
  const typed = await vscode.window.showInputBox({
    title: `Review start, on the team's clock (${zone})`,
    value: slots[0] ? formatTime(slots[0].start, zone) : '',
    prompt: 'YYYY-MM-DD HH:mm',
    validateInput: (value) => {
      const start = parseReviewStart(value, zone);
      if (!start) return 'Write the start as YYYY-MM-DD HH:mm.';
      return start.getTime() < Date.now() ? `That time has passed: ${PAST_START}` : undefined;
    },
  });
  return typed ? parseReviewStart(typed, zone) : undefined;
}

/** Says where the invitation is, with one click to open it in the calendar app or see the file. */
function offerToOpen(
  path: string,
  start: Date,
  zone: string,
  withoutEmail: readonly string[],
  note: string | undefined,
): void {
  const forward = withoutEmail.length
    ? ` No address for ${withoutEmail.join(', ')}: forward it to them.`
    : '';
  const when = `${formatTime(start.toISOString(), zone)} (${zone})`;
  const message =
    `Review invitation for ${when} written to ${forJournal(path)}.` +
    `${note ? ` ${note}` : ''}${forward}`;
  void vscode.window
    .showInformationMessage(message, 'Open in Calendar', 'Show in Explorer')
    .then((choice) => {
      const uri = vscode.Uri.file(path);
      if (choice === 'Open in Calendar') void vscode.env.openExternal(uri);
      if (choice === 'Show in Explorer')
        void vscode.commands.executeCommand('revealInExplorer', uri);
    });
}
