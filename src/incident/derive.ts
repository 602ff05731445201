import { addMinutes } from 'date-fns';

import { withoutLinks } from '../common/notificationText';
import type { Incident, IncidentEvent } from './model';

/** The runbook's watch after mitigation, when the event that started it did not say. */
export const DEFAULT_WATCH_MINUTES = 30;

/** Thrown when a journal does not start with a declaration, so no incident can be derived. */
export class NotAnIncidentError extends Error {
  constructor(readonly path: string) {
    super(`${path} does not start with a "declared" event`);
    this.name = 'NotAnIncidentError';
  }
}

/**
 * Folds a journal's events into the incident's state. Pure and total: unknown event types are
 * carried in `events` but change nothing, so a journal written by a newer version still opens.
 */
export function deriveIncident(events: readonly IncidentEvent[], source = 'journal'): Incident {
  const first = events[0];
  if (first?.type !== 'declared') throw new NotAnIncidentError(source);

  const incident: Incident = {
    id: first.incidentId,
    // Shown in notifications, where `[text](command:…)` would be a link that runs a command.
    title: withoutLinks(first.title),
    publicTitle: first.publicTitle === undefined ? undefined : withoutLinks(first.publicTitle),
    description: first.description,
    severity: first.severity,
    status: 'investigating',
    declaredAt: first.at,
    startedAt: first.startedAt ?? first.detectedAt ?? first.at,
    detectedAt: first.detectedAt ?? first.at,
    services: [...first.services],
    usersImpacted: first.usersImpacted,
    dataAtRisk: first.dataAtRisk,
    majorOutage: first.majorOutage ?? false,
    security: first.security ?? false,
    roles: { ...first.roles },
    responderSlackIds: [],
    pagerduty: first.pagerdutyIncidentId ? { incidentId: first.pagerdutyIncidentId } : undefined,
    followUps: [],
    actions: [],
    escalations: [],
    events,
  };

  for (const event of events.slice(1)) apply(incident, event);
  return incident;
}

function apply(incident: Incident, event: IncidentEvent): void {
  switch (event.type) {
    case 'acknowledged':
      incident.acknowledgedAt ??= event.at;
      break;
    case 'severity.changed':
      incident.severity = event.severity;
      break;
    case 'status.changed':
      if (incident.status === 'resolved') break;
      incident.status = event.status;
      if (event.status === 'mitigated' || event.status === 'monitoring')
        incident.mitigatedAt ??= event.at;
      if (event.status === 'monitoring') {
        // Saying "monitoring" again while watching keeps the watch that is running.
        if (incident.watch?.state !== 'running') {
          const minutes = event.watchMinutes ?? DEFAULT_WATCH_MINUTES;
          incident.watch = {
            id: event.id,
            startedAt: event.at,
            endsAt: addMinutes(new Date(event.at), minutes).toISOString(),
            minutes,
            regressions: [],
            state: 'running',
          };
        }
      } else if (incident.watch?.state === 'running') {
        incident.watch.state = 'stopped';
        incident.watch.endedAt = event.at;
      }
      break;
    case 'watch.regressed':
      if (incident.watch?.id === event.watchId) incident.watch.regressions.push(event);
      break;
    case 'watch.ended':
      if (incident.watch?.id === event.watchId && incident.watch.state === 'running') {
        incident.watch.state = 'ended';
        incident.watch.outcome = event.outcome ?? (event.clean ? 'clean' : 'regressed');
        incident.watch.clean = incident.watch.outcome === 'clean';
        incident.watch.endedAt = event.at;
      }
      break;
    case 'scope.updated':
      if (event.services) incident.services = [...event.services];
      if (event.usersImpacted !== undefined) incident.usersImpacted = event.usersImpacted;
      if (event.dataAtRisk !== undefined) incident.dataAtRisk = event.dataAtRisk;
      if (event.impact !== undefined) incident.impact = event.impact;
      if (event.summary !== undefined) incident.summary = event.summary;
      if (event.rootCause !== undefined) incident.rootCause = event.rootCause;
      break;
    case 'role.assigned':
      incident.roles[event.role] = event.name;
      if (event.slackUserId && !incident.responderSlackIds.includes(event.slackUserId)) {
        incident.responderSlackIds.push(event.slackUserId);
      }
      break;
    case 'action.taken':
      incident.actions.push(event);
      break;
    case 'update.posted':
      if (event.audience !== 'internal') incident.lastCustomerUpdateAt = event.at;
      break;
    case 'escalated':
      incident.escalations.push(event);
      break;
    case 'resolved':
      incident.status = 'resolved';
      incident.resolvedAt ??= event.at;
      incident.mitigatedAt ??= event.at;
      if (event.summary !== undefined) incident.summary = event.summary;
      if (event.rootCause !== undefined) incident.rootCause = event.rootCause;
      if (event.impact !== undefined) incident.impact = event.impact;
      if (event.earlyReason !== undefined) incident.earlyResolutionReason = event.earlyReason;
      if (incident.watch?.state === 'running') {
        incident.watch.state = 'stopped';
        incident.watch.endedAt = event.at;
      }
      break;
    case 'followup.added':
      incident.followUps.push({
        id: event.id,
        text: event.text,
        owner: event.owner,
        due: event.due,
        addedAt: event.at,
        done: false,
      });
      break;
    case 'followup.done': {
      const followUp = incident.followUps.find((f) => f.id === event.followUpId);
      if (followUp) followUp.done = true;
      break;
    }
    case 'followup.removed':
      incident.followUps = incident.followUps.filter((f) => f.id !== event.followUpId);
      break;
    case 'followup.linked': {
      const followUp = incident.followUps.find((f) => f.id === event.followUpId);
      if (followUp) followUp.issueUrl = event.url;
      break;
    }
    case 'linked':
      if (event.service === 'pagerduty') {
        // The link is named as PagerDuty shows it, `#1044`; the number is kept without the `#`.
        const number = event.name?.replace(/^#/, '');
        incident.pagerduty = { incidentId: event.remoteId, url: event.url, number };
      } else if (event.service === 'statuspage') {
        incident.statusPage = { incidentId: event.remoteId, url: event.url };
      } else {
        incident.slack = { channelId: event.remoteId, channelName: event.name, url: event.url };
      }
      break;
    default:
      break;
  }
}
