import type { Incident, Severity } from '../../incident/model';
import { responseClock, type WorkingHours } from '../../incident/timers';

/** A duration as the status bar writes it: `23m`, `1h05m`, `2d03h`. */
export function shortDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}

/** What an active incident's clock says: `P1 · 23m / 15m`, breached or not. */
export interface ClockText {
  text: string;
  breached: boolean;
  /** e.g. `responded after 12m, target 15m` or `33m without a response, target 15m`. */
  detail: string;
}

export function clockText(incident: Incident, now: Date, workingHours: WorkingHours): ClockText {
  const clock = responseClock(incident, now, { workingHours });
  const target = incident.severity === 'P4' ? 'next business day' : shortDuration(clock.targetMs);
  const elapsed = shortDuration(clock.elapsedMs);
  const detail = clock.respondedAt
    ? `responded after ${elapsed}, target ${clock.targetText}`
    : `${elapsed} without a response, target ${clock.targetText}${clock.breached ? ' (breached)' : ''}`;
  return {
    text: `${incident.severity} · ${elapsed} / ${target}`,
    breached: clock.breached,
    detail,
  };
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { P1: 0, P2: 1, P3: 2, P4: 3 };

/** Active incidents first by severity, then oldest first: the order a commander works them. */
export function bySeverity(a: Incident, b: Incident): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.declaredAt.localeCompare(b.declaredAt)
  );
}
