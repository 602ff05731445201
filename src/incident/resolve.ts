import { appendOnce, JournalBusyError } from './appendOnce';
import type {
  Incident,
  IncidentEvent,
  NewEvent,
  StatusChangedEvent,
  WatchRegressedEvent,
} from './model';
import type { IncidentStore } from './store';
import { needsEarlyReason } from './watch';

/*
 * Resolving, decided on the journal as it is when the resolution is written rather than as it
 * was when Resolve began: the responder spends minutes in its prompts, and meanwhile the watch
 * may end, regress, or another window may reopen mitigation or resolve first.
 */

/** What the responder gave Resolve; never lost, whatever becomes of the resolution. */
export interface TypedResolution {
  summary: string;
  rootCause: string;
  impact: string;
  /** Why resolve before the monitoring watch ends; asked only while it runs. */
  earlyReason?: string;
  by?: string;
}

/** The incident as Resolve found it before its prompts: what the questions were asked on. */
export interface AskedOn {
  /** The journal's last event then; what came after it happened during the prompts. */
  lastEventId?: string;
  eventCount: number;
  /** The monitoring watch was running, so an early reason was asked for. */
  early: boolean;
  watchId?: string;
}

export function askedOn(incident: Incident, now: Date): AskedOn {
  return {
    lastEventId: incident.events.at(-1)?.id,
    eventCount: incident.events.length,
    early: needsEarlyReason(incident, now),
    watchId: incident.watch?.id,
  };
}

/** Why a resolution typed on an older state of the incident is not written. */
export type ResolveConflict =
  /** The watch found the service broken again. */
  | { reason: 'regressed'; event: WatchRegressedEvent }
  /** The status went back to investigating or identified (Reopen Mitigation, Stop Watch). */
  | { reason: 'reopened'; event: StatusChangedEvent }
  /** A monitoring watch started, and no reason to cut it short was given. */
  | { reason: 'watchStarted'; event?: StatusChangedEvent };

export type ResolveDecision =
  | { kind: 'resolve'; event: Extract<NewEvent, { type: 'resolved' }>; droppedEarlyReason: boolean }
  | { kind: 'alreadyResolved' }
  | ({ kind: 'changed' } & ResolveConflict);

/** The events appended since Resolve began, oldest first. */
export function eventsSince(incident: Incident, asked: AskedOn): readonly IncidentEvent[] {
  const { events } = incident;
  const index = asked.lastEventId ? events.findLastIndex((e) => e.id === asked.lastEventId) : -1;
  return events.slice(index >= 0 ? index + 1 : asked.eventCount);
}

/**
 * Whether to resolve `fresh` now with what was typed. A regression or a reopened mitigation
 * since the prompts opened means the fix did not hold: nothing is resolved. A watch that ended
 * (or stopped) meanwhile needs no early reason, so the typed one is dropped rather than telling
 * Slack the incident was "resolved before the watch ended"; a watch that started meanwhile
 * needs one that was never asked.
 */
export function decideResolution(
  fresh: Incident,
  asked: AskedOn,
  typed: TypedResolution,
  now: Date,
): ResolveDecision {
  if (fresh.status === 'resolved') return { kind: 'alreadyResolved' };
  const since = eventsSince(fresh, asked);
  const regressed = since.find((e): e is WatchRegressedEvent => e.type === 'watch.regressed');
  if (regressed) return { kind: 'changed', reason: 'regressed', event: regressed };
  const reopened = since.find(
    (e): e is StatusChangedEvent =>
      e.type === 'status.changed' && (e.status === 'investigating' || e.status === 'identified'),
  );
  if (reopened) return { kind: 'changed', reason: 'reopened', event: reopened };

  const early = needsEarlyReason(fresh, now);
  const reason = typed.earlyReason?.trim() || undefined;
  if (early && (!reason || fresh.watch?.id !== asked.watchId)) {
    const started = since.find((e): e is StatusChangedEvent => e.id === fresh.watch?.id);
    return { kind: 'changed', reason: 'watchStarted', event: started };
  }
  return {
    kind: 'resolve',
    event: {
      type: 'resolved',
      summary: typed.summary.trim() || undefined,
      rootCause: typed.rootCause.trim() || undefined,
      impact: typed.impact.trim() || undefined,
      earlyReason: early ? reason : undefined,
      by: typed.by,
    },
    droppedEarlyReason: !early && reason !== undefined,
  };
}

export type ResolveOutcome =
  | { kind: 'resolved'; incident: Incident; droppedEarlyReason: boolean }
  | { kind: 'alreadyResolved'; incident: Incident }
  | ({ kind: 'changed'; incident: Incident } & ResolveConflict)
  /** The journal stayed locked: nothing was written, and `typed` can be tried again. */
  | { kind: 'busy'; error: JournalBusyError }
  | { kind: 'gone' };

/**
 * Writes the resolution if `decideResolution` still wants it, under the incident's lock so no
 * other decision lands between the read and the append: against what the prompts were `asked`
 * on, or, for a script that was asked nothing, against the journal `asItIs`. Never loses what was typed: every
 * outcome but `resolved` leaves the caller holding it to retry or keep as a note.
 */
export async function recordResolution(
  store: IncidentStore,
  incidentId: string,
  asked: AskedOn | 'asItIs',
  typed: TypedResolution,
  now: () => Date = () => new Date(),
): Promise<ResolveOutcome> {
  let decision: ResolveDecision | undefined;
  let result: Awaited<ReturnType<typeof appendOnce>>;
  try {
    result = await appendOnce(store, incidentId, (fresh) => {
      // `asItIs`: a script asked nothing, so nothing can have changed since it was asked; it
      // is judged on the journal as it is under the lock.
      const basis = asked === 'asItIs' ? askedOn(fresh, now()) : asked;
      decision = decideResolution(fresh, basis, typed, now());
      return decision.kind === 'resolve' ? [decision.event] : [];
    });
  } catch (error) {
    if (error instanceof JournalBusyError) return { kind: 'busy', error };
    throw error;
  }
  const incident = result.incident;
  if (!incident || !decision) return { kind: 'gone' };
  if (decision.kind === 'resolve')
    return { kind: 'resolved', incident, droppedEarlyReason: decision.droppedEarlyReason };
  if (decision.kind === 'alreadyResolved') return { kind: 'alreadyResolved', incident };
  return { ...decision, incident };
}
