import { TZDate } from '@date-fns/tz';
import { addDays, addMinutes, isValid, max as latest, parse, startOfDay } from 'date-fns';
import { createEvent, type Attendee } from 'ics';

import { formatTime } from './describe';
import { ROLE_TITLES, type Incident, type Role } from './model';
import { followUpDeadline, isWorkingDay, parseClock, type WorkingHours } from './timers';

const STEP_MINUTES = 30;

/** One proposed time for the blameless postmortem review. */
export interface ReviewSlot {
  /** ISO 8601 instants. */
  start: string;
  end: string;
  inWorkingHours: boolean;
  /** Ends by the 48-hour deadline. */
  beforeDeadline: boolean;
}

export interface SlotProposal {
  /** Resolution plus 48 hours. */
  deadline: string;
  /** The proposal first, then alternatives, at most `max`. */
  slots: ReviewSlot[];
  /** Said when the proposal is not a working-hours slot before the deadline: why, and what instead. */
  note?: string;
}

export interface SlotOptions {
  resolvedAt: string;
  now: Date;
  durationMinutes: number;
  hours: WorkingHours;
  /** Notice the attendees get at the least; an hour by default. */
  leadMinutes?: number;
  max?: number;
}

/**
 * Slots for the review inside the 48 hours after resolution: the next working-hours slot in the
 * team's time zone (on the half hour, an hour's notice), then alternatives on the same and the
 * following working days. When no working-hours slot fits (a Friday-evening resolution), the
 * last slot that ends by the deadline, with a note saying so; when even that is gone (the
 * deadline has passed), the next working-hours slot, also with a note.
 */
export function proposeReviewSlots(options: SlotOptions): SlotProposal {
  const { hours, durationMinutes } = options;
  const max = options.max ?? 5;
  const deadline = new Date(followUpDeadlineOf(options.resolvedAt));
  const earliest = ceilToStep(
    addMinutes(latest([options.now, new Date(options.resolvedAt)]), options.leadMinutes ?? 60),
    hours.timeZone,
  );
  const slot = (start: Date): ReviewSlot => {
    const end = addMinutes(start, durationMinutes);
    return {
      start: start.toISOString(),
      end: end.toISOString(),
      inWorkingHours: fitsWorkingHours(start, end, hours),
      beforeDeadline: end <= deadline,
    };
  };

  const inside = workingSlots(earliest, deadline, options, max).map(slot);
  if (inside.length > 0) return { deadline: deadline.toISOString(), slots: inside };

  const window = `${hours.start}–${hours.end} ${hours.timeZone}`;
  const by = `${formatTime(deadline.toISOString(), hours.timeZone)} (${hours.timeZone})`;
  const afterDeadline = workingSlots(earliest, undefined, options, Math.max(1, max - 1)).map(slot);
  const last = floorToStep(addMinutes(deadline, -durationMinutes), hours.timeZone);
  if (last >= earliest) {
    return {
      deadline: deadline.toISOString(),
      slots: [slot(last), ...afterDeadline],
      note:
        `No working-hours slot (${window}) fits before the 48-hour deadline, ${by}: ` +
        'the proposal is the last slot that ends by it, outside working hours.',
    };
  }
  return {
    deadline: deadline.toISOString(),
    slots: afterDeadline,
    note:
      `The 48-hour deadline (${by}) has passed or is too close for a ${durationMinutes}-minute ` +
      `review: the proposal is the next working-hours slot (${window}).`,
  };
}

function followUpDeadlineOf(resolvedAt: string): string {
  return addMinutes(new Date(resolvedAt), 48 * 60).toISOString();
}

/**
 * Working-hours starts from `earliest` on, at most two a day three hours apart, until `until`
 * (or two weeks, when there is no deadline to keep).
 */
function workingSlots(
  earliest: Date,
  until: Date | undefined,
  options: SlotOptions,
  max: number,
): Date[] {
  const { hours, durationMinutes } = options;
  const [openH, openM] = parseClock(hours.start);
  const [closeH, closeM] = parseClock(hours.end);
  const lastDay = until ?? addDays(earliest, 14);
  const starts: Date[] = [];
  for (
    let day = startOfDay(new TZDate(earliest, hours.timeZone));
    day <= lastDay && starts.length < max;
    day = addDays(day, 1)
  ) {
    if (!isWorkingDay(day, hours)) continue;
    const open = new TZDate(
      day.getFullYear(),
      day.getMonth(),
      day.getDate(),
      openH,
      openM,
      hours.timeZone,
    );
    const close = new TZDate(
      day.getFullYear(),
      day.getMonth(),
      day.getDate(),
      closeH,
      closeM,
      hours.timeZone,
    );
    let start = ceilToStep(latest([open, earliest]), hours.timeZone);
    for (let today = 0; today < 2 && starts.length < max; today += 1) {
      const end = addMinutes(start, durationMinutes);
      if (end > close || (until && end > until)) break;
      starts.push(new Date(start.getTime()));
      start = addMinutes(start, 180);
    }
  }
  return starts;
}

function fitsWorkingHours(start: Date, end: Date, hours: WorkingHours): boolean {
  const local = new TZDate(start, hours.timeZone);
  if (!isWorkingDay(local, hours)) return false;
  const [openH, openM] = parseClock(hours.start);
  const [closeH, closeM] = parseClock(hours.end);
  const day = [local.getFullYear(), local.getMonth(), local.getDate()] as const;
  return (
    start >= new TZDate(...day, openH, openM, hours.timeZone) &&
    end <= new TZDate(...day, closeH, closeM, hours.timeZone)
  );
}

/** The next half hour of the zone's clock at or after `date` (zones off by 45 min included). */
function ceilToStep(date: Date, timeZone: string): Date {
  const floor = floorToStep(date, timeZone);
  return floor < date ? addMinutes(floor, STEP_MINUTES) : floor;
}

function floorToStep(date: Date, timeZone: string): Date {
  const local = new TZDate(date, timeZone);
  const minutes = local.getMinutes() - (local.getMinutes() % STEP_MINUTES);
  local.setMinutes(minutes, 0, 0);
  return new Date(local.getTime());
}

// ---------------------------------------------------------------------------------------------
// Who is invited

/** A person with an address, as a calendar invitation needs. */
export interface Invitee {
  name?: string;
  email: string;
}

export interface ReviewAttendees {
  invited: Invitee[];
  /**
   * Responders known only by name: a calendar attendee must have an address, so they are named
   * in the invitation's description for the organiser to forward it to.
   */
  withoutEmail: string[];
  /** Entries of `freelms.review.attendees` that are not an address. */
  invalid: string[];
}

/**
 * An address as the HTML standard defines a valid one (what `<input type=email>` and the
 * calendar library accept: ASCII only), with a dot in the domain.
 */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * The review's attendees: each responder with a role, and every entry of
 * `freelms.review.attendees` (`dana@example.com` or `Dana Smith <dana@example.com>`). A
 * responder whose name is an address, or matches the name of a configured entry, is invited at
 * that address; the others are listed in `withoutEmail`.
 */
export function reviewAttendees(
  incident: Incident,
  configured: readonly string[],
): ReviewAttendees {
  const invited: Invitee[] = [];
  const invalid: string[] = [];
  const invite = (invitee: Invitee) => {
    const email = invitee.email.toLowerCase();
    if (!invited.some((other) => other.email.toLowerCase() === email)) invited.push(invitee);
  };
  for (const entry of configured) {
    const parsed = parseAddress(entry);
    if (parsed) invite(parsed);
    else if (entry.trim()) invalid.push(entry.trim());
  }

  const withoutEmail: string[] = [];
  for (const role of Object.keys(ROLE_TITLES) as Role[]) {
    const name = incident.roles[role]?.trim();
    if (!name) continue;
    const own = parseAddress(name);
    const known = invited.find((invitee) => invitee.name?.toLowerCase() === name.toLowerCase());
    if (own) invite(own);
    else if (!known && !withoutEmail.includes(name)) withoutEmail.push(name);
  }
  return { invited, withoutEmail, invalid };
}

function parseAddress(entry: string): Invitee | undefined {
  const text = entry.trim();
  if (EMAIL.test(text)) return { email: text };
  const named = /^(.*?)\s*<([^<>]+)>$/.exec(text);
  if (named && EMAIL.test(named[2]!.trim())) {
    const name = named[1]!.replace(/^"|"$/g, '').trim();
    return { ...(name ? { name } : {}), email: named[2]!.trim() };
  }
  return undefined;
}

/** How an attendee is listed on the timeline: `Dana Smith <dana@example.com>` or the name. */
export function attendeeLabels(attendees: ReviewAttendees): string[] {
  return [
    ...attendees.invited.map((i) => (i.name ? `${i.name} <${i.email}>` : i.email)),
    ...attendees.withoutEmail,
  ];
}

// ---------------------------------------------------------------------------------------------
// The calendar invitation

/** The same event for every scheduling of one incident's review, so a new time replaces the old. */
export function reviewUid(incidentId: string): string {
  return `${incidentId}.postmortem-review@freelms`;
}

/** Each re-scheduling raises the event's SEQUENCE, so calendars take the newer time. */
export function reviewSequence(incident: Incident): number {
  return incident.events.filter((event) => event.type === 'review.scheduled').length;
}

/** The calendar library refused the event; the message says which field. */
export class InvitationError extends Error {
  override readonly name = 'InvitationError';
}

export interface InvitationInput {
  incident: Incident;
  start: Date;
  durationMinutes: number;
  attendees: ReviewAttendees;
  timeZone: string;
  /** Where the postmortem can be read: a web address or a path in the repository. */
  postmortemLink?: string;
}

/** `Blameless postmortem: <title>`, the invitation's summary. */
export function reviewSummary(incident: Incident): string {
  return `Blameless postmortem: ${incident.title}`;
}

/**
 * The review's calendar invitation (`.ics`, RFC 5545): one VEVENT with a UID stable per
 * incident and a SEQUENCE counting earlier schedulings, times in UTC, the responders as
 * attendees and a description with the postmortem's link. Published, not sent: the organiser's
 * calendar sends it when they add it.
 */
export function renderReviewInvitation(input: InvitationInput): string {
  const { incident, attendees, timeZone } = input;
  const result = createEvent({
    productId: 'freelms/incident-response',
    uid: reviewUid(incident.id),
    sequence: reviewSequence(incident),
    title: reviewSummary(incident),
    description: invitationDescription(input),
    start: input.start.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { minutes: input.durationMinutes },
    status: 'CONFIRMED',
    categories: ['postmortem', 'incident'],
    ...(input.postmortemLink && /^https?:\/\//.test(input.postmortemLink)
      ? { url: input.postmortemLink }
      : {}),
    attendees: attendees.invited.map((invitee): Attendee => ({
      name: calendarName(invitee.name ?? invitee.email),
      email: invitee.email,
      rsvp: true,
      partstat: 'NEEDS-ACTION',
      role: 'REQ-PARTICIPANT',
    })),
  });
  if (result.error || !result.value) {
    // The library names an attendee by its index (`attendees[2].email`): say which one it is.
    const index = /attendees\[(\d+)\]/.exec(result.error?.message ?? '')?.[1];
    const invitee = index === undefined ? undefined : attendees.invited[Number(index)];
    const who = invitee ? ` The address refused is ${invitee.email}.` : '';
    throw new InvitationError(
      `The review invitation for ${incident.id} could not be written: ` +
        `${result.error?.message ?? 'no output'} (time zone ${timeZone}).${who}`,
    );
  }
  return result.value;
}

/**
 * A name as an attendee's CN can carry it: a calendar parameter is quoted, and cannot hold a
 * double quote or a line break, so `Zoë "Z" O'Neil` is written `Zoë 'Z' O'Neil`.
 */
function calendarName(name: string): string {
  return name.replace(/"/g, "'").replace(/[\r\n\t]+/g, ' ');
}

function invitationDescription(input: InvitationInput): string {
  const { incident, attendees, timeZone } = input;
  const lines: string[] = [];
  const resolved = incident.resolvedAt
    ? `, resolved ${formatTime(incident.resolvedAt, timeZone)} (${timeZone})`
    : '';
  lines.push(
    `Blameless postmortem review of ${incident.severity} ${incident.title} (${incident.id})${resolved}.`,
  );
  lines.push(
    input.postmortemLink
      ? `Postmortem: ${input.postmortemLink}`
      : 'Postmortem: not written yet (FreeLMS: Generate Postmortem).',
  );
  const deadline = followUpDeadline(incident);
  if (deadline)
    lines.push(`Post-incident steps due by ${formatTime(deadline, timeZone)} (${timeZone}).`);
  const roles = (Object.keys(ROLE_TITLES) as Role[])
    .filter((role) => incident.roles[role])
    .map((role) => `${ROLE_TITLES[role]}: ${incident.roles[role]}`);
  if (roles.length) lines.push(`Responders: ${roles.join('; ')}.`);
  if (attendees.withoutEmail.length)
    lines.push(
      `No e-mail address known for ${attendees.withoutEmail.join(', ')}: please forward this invitation.`,
    );
  lines.push(
    'The review is blameless: it asks how the system and the process let this happen and how ' +
      'to make them safer, not who is at fault.',
  );
  return lines.join('\n');
}

/**
 * A review start as typed: an ISO 8601 instant (`2026-12-04T13:00:00Z`), or `YYYY-MM-DD HH:mm`
 * on the team's clock. Undefined when it is neither.
 */
export function parseReviewStart(text: string, timeZone: string): Date | undefined {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(trimmed)) {
    const local = parse(trimmed, 'yyyy-MM-dd HH:mm', new TZDate(0, timeZone));
    return isValid(local) ? new Date(local.getTime()) : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(trimmed))
    return undefined;
  const instant = new Date(trimmed);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}
