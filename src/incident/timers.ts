import { TZDate } from '@date-fns/tz';
import { addDays, addMinutes, differenceInMilliseconds, isAfter, set } from 'date-fns';

import type { EscalationLevel, Incident, Severity } from './model';

/** The team's working hours, for the P4 "next business day" target. */
export interface WorkingHours {
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** Start and end of the working day, `HH:mm` in that zone. */
  start: string;
  end: string;
  /** Working days as ISO weekday numbers, 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  /** Public holidays, `yyyy-MM-dd` in that zone. */
  holidays?: readonly string[];
}

/** Who to contact at each step of the escalation path (names, handles or phone numbers). */
export type EscalationContacts = Partial<Record<EscalationLevel, string>>;

export interface TimerConfig {
  workingHours: WorkingHours;
  escalation: EscalationContacts;
  /** Minutes between customer updates while unresolved; the runbook promises 30. */
  customerUpdateMinutes?: number;
  /** Minutes unresolved before the team lead is brought in; the runbook says 30. */
  teamLeadAfterMinutes?: number;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = {
  timeZone: 'UTC',
  start: '09:00',
  end: '17:00',
  days: [1, 2, 3, 4, 5],
};

/** The runbook's response times; P4's "next business day" is computed from working hours. */
export const RESPONSE_MINUTES: Readonly<Record<Exclude<Severity, 'P4'>, number>> = {
  P1: 15,
  P2: 60,
  P3: 240,
};

export const RESPONSE_TARGET_TEXT: Readonly<Record<Severity, string>> = {
  P1: '15 min',
  P2: '1 hour',
  P3: '4 hours',
  P4: 'next business day',
};

export const ESCALATION_TITLES: Readonly<Record<EscalationLevel, string>> = {
  onCall: 'On-Call Engineer',
  teamLead: 'Team Lead',
  engineeringManager: 'Engineering Manager',
  cto: 'CTO',
};

/**
 * The deadline to respond to an incident of `severity` that started at `start`. For P4 it is
 * the end of the next working day after the day the incident started (a Friday incident is
 * due by Monday evening; holidays are skipped).
 */
export function responseDeadline(
  severity: Severity,
  start: Date,
  hours: WorkingHours = DEFAULT_WORKING_HOURS,
): Date {
  if (severity !== 'P4') return addMinutes(start, RESPONSE_MINUTES[severity]);
  let day = new TZDate(start, hours.timeZone);
  do {
    day = addDays(day, 1);
  } while (!isWorkingDay(day, hours));
  const [h, m] = parseClock(hours.end);
  return new Date(set(day, { hours: h, minutes: m, seconds: 0, milliseconds: 0 }).getTime());
}

/** Whether the day of `day` (in its own zone) is a working day: a listed weekday, no holiday. */
export function isWorkingDay(day: TZDate, hours: WorkingHours): boolean {
  const isoWeekday = day.getDay() === 0 ? 7 : day.getDay();
  const date = `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
  return hours.days.includes(isoWeekday) && !(hours.holidays ?? []).includes(date);
}

/** `HH:mm` as hours and minutes; throws naming the text when it is not a time of day. */
export function parseClock(text: string): [number, number] {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) throw new Error(`working hours must be HH:mm, got "${text}"`);
  return [Number(match[1]), Number(match[2])];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The response-time countdown of an incident at `now`. */
export interface ResponseClock {
  severity: Severity;
  startedAt: string;
  deadline: string;
  /** The target as the runbook writes it, e.g. `15 min`. */
  targetText: string;
  /** From detection to acknowledgement, or to `now` while unacknowledged. */
  elapsedMs: number;
  targetMs: number;
  /** Negative once breached. */
  remainingMs: number;
  respondedAt?: string;
  breached: boolean;
}

export function responseClock(
  incident: Incident,
  now: Date,
  config?: Pick<TimerConfig, 'workingHours'>,
): ResponseClock {
  const start = new Date(incident.detectedAt);
  const deadline = responseDeadline(incident.severity, start, config?.workingHours);
  const end = incident.acknowledgedAt ? new Date(incident.acknowledgedAt) : now;
  return {
    severity: incident.severity,
    startedAt: incident.detectedAt,
    deadline: deadline.toISOString(),
    targetText: RESPONSE_TARGET_TEXT[incident.severity],
    elapsedMs: Math.max(0, differenceInMilliseconds(end, start)),
    targetMs: differenceInMilliseconds(deadline, start),
    remainingMs: differenceInMilliseconds(deadline, end),
    respondedAt: incident.acknowledgedAt,
    breached: isAfter(end, deadline),
  };
}

export type ReminderState = 'pending' | 'due' | 'done';

/** Something a responder must do at a time: post a customer update, escalate, close monitoring. */
export interface Reminder {
  kind: 'customerUpdate' | 'escalation' | 'monitoringEnded';
  level?: EscalationLevel;
  contact?: string;
  dueAt: string;
  state: ReminderState;
  message: string;
}

/**
 * The reminders of an incident at `now`, derived from its journal alone so they survive a
 * restart: the customer update every 30 minutes while unresolved, the escalation path, and
 * the end of the monitoring watch.
 */
export function reminders(incident: Incident, now: Date, config: TimerConfig): Reminder[] {
  const result: Reminder[] = [];
  const resolved = incident.status === 'resolved';
  const stateAt = (dueAt: Date, done: boolean): ReminderState =>
    done ? 'done' : isAfter(dueAt, now) ? 'pending' : 'due';

  if (!resolved) {
    const last = new Date(incident.lastCustomerUpdateAt ?? incident.declaredAt);
    const dueAt = addMinutes(last, config.customerUpdateMinutes ?? 30);
    result.push({
      kind: 'customerUpdate',
      dueAt: dueAt.toISOString(),
      state: stateAt(dueAt, false),
      message: incident.lastCustomerUpdateAt
        ? 'Post the next customer update (every 30 minutes while unresolved)'
        : 'Post the first customer update',
    });
  }

  for (const step of escalationPath(incident, config)) {
    const done =
      incident.escalations.some((e) => e.level === step.level) ||
      (step.level === 'onCall' && !!incident.acknowledgedAt);
    if (resolved && !done) continue;
    const contact = config.escalation[step.level];
    result.push({
      kind: 'escalation',
      level: step.level,
      contact,
      dueAt: step.dueAt.toISOString(),
      state: stateAt(step.dueAt, done),
      message: `Escalate to the ${ESCALATION_TITLES[step.level]}${contact ? ` (${contact})` : ''}: ${step.why}`,
    });
  }

  // The watch's own length, fixed in the journal when it started.
  if (incident.watch) {
    const dueAt = new Date(incident.watch.endsAt);
    result.push({
      kind: 'monitoringEnded',
      dueAt: dueAt.toISOString(),
      state: stateAt(dueAt, resolved),
      message: 'Monitoring window over: verify and close the incident in PagerDuty',
    });
  }
  return result.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

/** When the UI should next wake up to show a reminder, or undefined when nothing is pending. */
export function nextReminderAt(list: readonly Reminder[]): string | undefined {
  return list.find((r) => r.state === 'pending')?.dueAt;
}

function escalationPath(
  incident: Incident,
  config: TimerConfig,
): Array<{ level: EscalationLevel; dueAt: Date; why: string }> {
  const declaredAt = new Date(incident.declaredAt);
  const path: Array<{ level: EscalationLevel; dueAt: Date; why: string }> = [
    { level: 'onCall', dueAt: declaredAt, why: 'first responder' },
    {
      level: 'teamLead',
      dueAt: addMinutes(declaredAt, config.teamLeadAfterMinutes ?? 30),
      why: 'not resolved in 30 minutes',
    },
  ];
  const becameP1 = incident.events.find(
    (e) => (e.type === 'declared' || e.type === 'severity.changed') && e.severity === 'P1',
  );
  if (incident.severity === 'P1' && becameP1) {
    path.push({ level: 'engineeringManager', dueAt: new Date(becameP1.at), why: 'P1 incident' });
  }
  if (incident.majorOutage || incident.security) {
    const why = incident.security ? 'security incident' : 'major outage';
    path.push({ level: 'cto', dueAt: declaredAt, why });
  }
  return path;
}

/** The post-incident deadline: follow-ups and the report are due 48 hours after resolution. */
export function followUpDeadline(incident: Incident): string | undefined {
  return incident.resolvedAt
    ? addMinutes(new Date(incident.resolvedAt), 48 * 60).toISOString()
    : undefined;
}
