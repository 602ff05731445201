import {
  evaluateChecklist,
  type ChecklistPhase,
  type ItemState,
  type PhaseState,
} from './checklist';
import { formatTime } from './describe';
import type { Incident } from './model';
import { followUpDeadline } from './timers';

/** How long before the 48-hour deadline the reminder says it is near. */
export const DEADLINE_NEAR_HOURS = 6;

/**
 * An overdue checklist is reminded of for this long after its deadline; older incidents (a
 * journal folder full of last year's incidents, say) do not each raise a notification.
 */
export const OVERDUE_REMINDER_DAYS = 14;

const HOUR = 3_600_000;

/** Where an incident stands against the runbook's 48 hours for its post-incident phase. */
export interface PostIncidentDeadline {
  /** Resolution plus 48 hours, ISO 8601. */
  deadline: string;
  /** Negative once overdue. */
  remainingMs: number;
  overdue: boolean;
  /** `due in 41 h`, `due in 35 min`, `overdue by 3 h`. */
  text: string;
  /** `by 2026-12-05 11:10 (Europe/Berlin)`, in the team's time zone. */
  byText: string;
}

/** The deadline of a resolved incident's post-incident phase at `now`; undefined while open. */
export function postIncidentDeadline(
  incident: Incident,
  now: Date,
  timeZone: string,
): PostIncidentDeadline | undefined {
  const deadline = followUpDeadline(incident);
  if (!deadline) return undefined;
  const remainingMs = Date.parse(deadline) - now.getTime();
  const overdue = remainingMs <= 0;
  return {
    deadline,
    remainingMs,
    overdue,
    text: overdue ? `overdue by ${span(-remainingMs)}` : `due in ${span(remainingMs)}`,
    byText: `by ${formatTime(deadline, timeZone)} (${timeZone})`,
  };
}

/**
 * Whole hours from one hour on (`41 h`: 41 h 50 min still reads 41 h, so the row never
 * promises more time than there is), minutes below (`35 min`, at least 1).
 */
function span(ms: number): string {
  if (ms >= HOUR) return `${Math.floor(ms / HOUR)} h`;
  return `${Math.max(1, Math.ceil(ms / 60_000))} min`;
}

/** The post-incident phase of the checklist as the journal ticks it, if the runbook has one. */
export function postIncidentPhase(
  checklist: readonly ChecklistPhase[],
  incident: Incident,
  now: Date,
): PhaseState | undefined {
  const phases = checklist.filter((phase) => phase.kind === 'postIncident');
  return evaluateChecklist(phases, incident, now)[0];
}

/** The first item of the phase not ticked yet: the step to offer next. */
export function firstOpenItem(phase: PhaseState | undefined): ItemState | undefined {
  return phase?.items.find((item) => !item.ticked);
}

/**
 * Whether a reminder may be due at `now`: resolved, and from `DEADLINE_NEAR_HOURS` before the
 * deadline to `OVERDUE_REMINDER_DAYS` after it. Cheap, so the checklist is only evaluated then.
 */
export function inReminderWindow(incident: Incident, now: Date): boolean {
  const deadline = followUpDeadline(incident);
  if (!deadline) return false;
  const remainingMs = Date.parse(deadline) - now.getTime();
  return (
    remainingMs <= DEADLINE_NEAR_HOURS * HOUR && -remainingMs <= OVERDUE_REMINDER_DAYS * 24 * HOUR
  );
}

/** A reminder that the post-incident phase is near its deadline or past it. */
export interface PostIncidentReminder {
  kind: 'near' | 'overdue';
  /** Shown once per incident and kind: the key remembered once it was. */
  key: string;
  message: string;
  /** The step to offer: the first one not done. */
  item: ItemState;
}

/**
 * The reminder a resolved incident calls for at `now`, if any: `near` from
 * `DEADLINE_NEAR_HOURS` before the deadline, `overdue` after it, only while a step of the phase
 * is open. An incident overdue for more than `OVERDUE_REMINDER_DAYS` gets none.
 */
export function postIncidentReminder(
  incident: Incident,
  phase: PhaseState | undefined,
  now: Date,
  timeZone: string,
): PostIncidentReminder | undefined {
  const deadline = postIncidentDeadline(incident, now, timeZone);
  const item = firstOpenItem(phase);
  if (!deadline || !item || !phase || !inReminderWindow(incident, now)) return undefined;

  const open = phase.items.filter((entry) => !entry.ticked).length;
  const steps = `${open} of ${phase.items.length} post-incident step${phase.items.length === 1 ? '' : 's'} open`;
  const kind = deadline.overdue ? 'overdue' : 'near';
  return {
    kind,
    key: `${incident.id}:post-incident:${kind}`,
    message:
      `${incident.title}: post-incident checklist ${deadline.text} (${deadline.byText}); ` +
      `${steps}, next: ${item.title}.`,
    item,
  };
}
