import { basename } from 'node:path';

import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

import { redact } from '../common/log';
import type { Action, IncidentEvent, WatchOutcome } from './model';
import { ROLE_TITLES } from './model';
import { ESCALATION_TITLES } from './timers';

const CHECK_TITLES = {
  health: 'Health check',
  pods: 'Pods checked',
  errors: 'Recent errors checked',
  dashboards: 'Dashboards checked',
  database: 'Database checked',
  redis: 'Redis checked',
  kafka: 'Kafka consumer lag checked',
  smokeTests: 'Smoke tests',
} as const;

const ENDED_TITLES: Record<WatchOutcome, string> = {
  clean: 'clean',
  regressed: 'with regressions',
  unobserved: 'unobserved',
};

const AUDIENCE_TITLES = {
  internal: 'Internal',
  customer: 'Customer',
  statusPage: 'Status page',
} as const;

/** One line for an action, as the timeline, PagerDuty notes and the postmortem show it. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'rollback': {
      const from = action.fromRevision !== undefined ? ` from revision ${action.fromRevision}` : '';
      const to =
        action.toRevision !== undefined
          ? ` to revision ${action.toRevision}`
          : ' to the previous revision';
      return `Rolled back deployment/${action.deployment}${from}${to}`;
    }
    case 'scale': {
      const from = action.fromReplicas !== undefined ? ` from ${action.fromReplicas}` : '';
      return `Scaled deployment/${action.deployment}${from} to ${action.toReplicas} replicas`;
    }
    case 'flag':
      return `${action.enabled ? 'Enabled' : 'Disabled'} feature flag ${action.flag}`;
    case 'query': {
      const rows =
        action.rowsAffected !== undefined ? `, ${action.rowsAffected} rows affected` : '';
      const outcome = action.committed ? 'committed' : 'rolled back';
      return `Ran a corrective query (${outcome}${rows}): ${redact(action.statement)}`;
    }
  }
}

/**
 * A one-line, human sentence for a journal event, or undefined for the outbox's own
 * bookkeeping, which belongs in no timeline.
 */
export function describeEvent(event: IncidentEvent): string | undefined {
  switch (event.type) {
    case 'declared':
      return `Incident declared (${event.severity}): ${event.title}`;
    case 'acknowledged':
      return event.source === 'pagerduty' ? 'Acknowledged in PagerDuty' : 'Acknowledged';
    case 'severity.changed':
      return `Severity changed to ${event.severity}${event.reason ? `: ${event.reason}` : ''}`;
    case 'status.changed':
      return `Status: ${event.status}${event.note ? ` (${event.note})` : ''}`;
    case 'scope.updated':
      return `Scope updated${scopeText(event)}`;
    case 'role.assigned':
      return `${ROLE_TITLES[event.role]}: ${event.name}`;
    case 'check.ran': {
      const title = CHECK_TITLES[event.check] ?? event.check;
      return `${title}: ${event.ok ? 'OK' : 'failing'}, ${redact(event.summary)}`;
    }
    case 'action.taken': {
      const summary = event.summary ? ` (${redact(event.summary)})` : '';
      return `${describeAction(event.action)}${event.ok ? '' : ' (failed)'}${summary}`;
    }
    case 'note':
      return redact(event.text);
    case 'update.posted':
      return `${AUDIENCE_TITLES[event.audience]} update posted`;
    case 'escalated':
      return `Escalated to the ${ESCALATION_TITLES[event.level]} (${event.contact})`;
    case 'snapshot.taken':
      return event.purpose === 'declaration'
        ? `Baseline recorded: ${snapshotText(event)}`
        : `${event.ok ? 'Fix verified: healthy' : 'Fix not verified: not healthy yet'}; ${(event.comparison ?? []).join('; ')}`;
    case 'watch.regressed':
      return `Regression during the monitoring watch: ${event.summary}`;
    case 'watch.ended':
      return `Monitoring watch ended ${ENDED_TITLES[event.outcome ?? (event.clean ? 'clean' : 'regressed')]}: ${event.summary}`;
    case 'resolved': {
      const early = event.earlyReason ? ` (before the watch ended: ${event.earlyReason})` : '';
      return `Resolved${event.summary ? `: ${event.summary}` : ''}${early}`;
    }
    case 'followup.added': {
      const owner = event.owner
        ? ` (${event.owner}${event.due ? `, due ${event.due}` : ''})`
        : event.due
          ? ` (due ${event.due})`
          : '';
      return `Follow-up added: ${event.text}${owner}`;
    }
    case 'followup.done':
      return 'Follow-up done';
    case 'followup.removed':
      return 'Follow-up removed';
    case 'followup.linked':
      return `Follow-up opened as ${event.url}`;
    case 'followups.exported':
      return `${event.count} follow-up${event.count === 1 ? '' : 's'} exported to ${basename(event.path)}`;
    case 'runbook.annotated':
      return `Runbook note added under "${event.phase}" in ${basename(event.path)}`;
    case 'item.ticked':
      return `Checklist: ${event.item} done`;
    case 'postmortem.written':
      // The file's name, not the local path: this line also goes to Slack and PagerDuty.
      return `Postmortem written: ${basename(event.path)}`;
    case 'review.scheduled':
      return reviewText(event);
    case 'linked':
      if (event.service === 'statuspage')
        return `Status page incident opened${event.url ? `: ${event.url}` : ''}`;
      return event.service === 'pagerduty'
        ? `PagerDuty incident ${event.name ?? event.remoteId} opened`
        : `Slack channel #${event.name ?? event.remoteId} ready`;
    default:
      return undefined;
  }
}

/**
 * The review proposal as the incident channel reads it: `Blameless postmortem review proposed
 * for Fri 2026-12-04 10:00–11:00 (Europe/Berlin) with Dana, Lee; postmortem: <link>`.
 */
function reviewText(event: Extract<IncidentEvent, { type: 'review.scheduled' }>): string {
  const zone = event.timeZone ?? 'UTC';
  const start = formatTime(event.when, zone, 'EEE yyyy-MM-dd HH:mm');
  const end = event.durationMinutes
    ? `–${formatTime(new Date(Date.parse(event.when) + event.durationMinutes * 60_000).toISOString(), zone, 'HH:mm')}`
    : '';
  const who = event.attendees?.length
    ? ` with ${event.attendees.map((a) => a.replace(/\s*<[^>]*>$/, '')).join(', ')}`
    : '';
  const link = event.link ? `; postmortem: ${event.link}` : '';
  return `Blameless postmortem review proposed for ${start}${end} (${zone})${who}${link}`;
}

/** `health UP; api-gateway 0/3 ready, 2 unhealthy, 1,204 ERROR lines in 5 min`. */
function snapshotText(event: Extract<IncidentEvent, { type: 'snapshot.taken' }>): string {
  const parts: string[] = [];
  if (event.health) parts.push(`health ${event.health.status}`);
  for (const service of event.services) {
    const ready =
      service.desired !== undefined ? ` ${service.ready ?? 0}/${service.desired} ready` : '';
    const unhealthy = service.unhealthyPods.length
      ? `, ${service.unhealthyPods.length} unhealthy`
      : '';
    const errors =
      service.errorLines !== undefined
        ? `, ${service.errorLines.toLocaleString('en-US')} ERROR lines in ${event.errorWindowMinutes} min`
        : '';
    parts.push(`${service.service}${ready}${unhealthy}${errors}`);
  }
  return parts.join('; ') || 'nothing measured';
}

function scopeText(event: Extract<IncidentEvent, { type: 'scope.updated' }>): string {
  const parts: string[] = [];
  if (event.services) parts.push(`services ${event.services.join(', ')}`);
  if (event.usersImpacted) parts.push(`users impacted ${event.usersImpacted}`);
  if (event.dataAtRisk) parts.push(`data at risk: ${event.dataAtRisk}`);
  if (event.impact) parts.push(`impact: ${event.impact}`);
  if (event.rootCause) parts.push(`root cause: ${event.rootCause}`);
  return parts.length > 0 ? `: ${parts.join('; ')}` : '';
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const QUARTER_HOUR = 15 * 60_000;

// Zones change their offset on quarter-hour boundaries at the finest, so one lookup per
// quarter hour serves every timeline row within it; `formatToParts` per row is the slow part.
function offsetMs(ms: number, timeZone: string): number {
  const key = `${timeZone}@${Math.floor(ms / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    let formatter = formatters.get(timeZone);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        hourCycle: 'h23',
      });
      formatters.set(timeZone, formatter);
    }
    const p: Record<string, number> = {};
    for (const part of formatter.formatToParts(ms)) p[part.type] = Number(part.value);
    const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    offset = local - Math.floor(ms / 1000) * 1000;
    if (offsets.size > 10_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * An instant in the given IANA time zone, as a date-fns `pattern`; `2026-12-03 11:04` by
 * default. The two patterns of the timeline and the postmortem take a fast path.
 */
export function formatTime(iso: string, timeZone: string, pattern = 'yyyy-MM-dd HH:mm'): string {
  const seconds = pattern === 'yyyy-MM-dd HH:mm:ss';
  if (!seconds && pattern !== 'yyyy-MM-dd HH:mm')
    return format(new TZDate(new Date(iso), timeZone), pattern);
  const ms = Date.parse(iso);
  const local = new Date(ms + offsetMs(ms, timeZone));
  const date = `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}`;
  const time = `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`;
  return `${date} ${time}${seconds ? `:${pad2(local.getUTCSeconds())}` : ''}`;
}

/** A duration the way responders say it: `45 min`, `1 h 12 min`, `2 d 3 h`. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return hours % 24 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${Math.floor(hours / 24)} d`;
}

/** The time from one instant to another, or undefined when either is missing. */
export function between(from: string | undefined, to: string | undefined): number | undefined {
  return from && to ? Date.parse(to) - Date.parse(from) : undefined;
}
