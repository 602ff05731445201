import { deriveIncident } from '../../../src/incident/derive';
import type { Incident, IncidentEvent } from '../../../src/incident/model';

/** The bare declaration of an api-gateway P1 at 10:00, for tests that add their own events. */
export const gatewayDeclared: IncidentEvent = {
  type: 'declared',
  id: 'e0',
  at: '2026-12-03T10:00:00.000Z',
  incidentId: '2026-12-03-api-gateway-down',
  title: 'API gateway down',
  severity: 'P1',
  services: ['api-gateway'],
};

/** A P1 outage of the api-gateway, run by the book, for template and postmortem tests. */
export function gatewayOutage(extra: IncidentEvent[] = []): Incident {
  const t = (minute: number) =>
    new Date(Date.parse('2026-12-03T09:58:00.000Z') + minute * 60_000).toISOString();
  const events: IncidentEvent[] = [
    {
      type: 'declared',
      id: 'e00',
      at: t(2),
      incidentId: '2026-12-03-api-gateway-down',
      title: 'API gateway down',
      severity: 'P1',
      description: 'every request answers 502',
      services: ['api-gateway', 'course-service'],
      usersImpacted: 'all learners (~12,000)',
      dataAtRisk: 'no',
      detectedAt: t(0),
      by: 'Dana',
    },
    {
      type: 'linked',
      id: 'e01',
      at: t(2),
      service: 'slack',
      remoteId: 'C0INC',
      name: 'incident-2026-12-03-api-gateway-down',
    },
    { type: 'acknowledged', id: 'e02', at: t(4), by: 'Dana' },
    { type: 'role.assigned', id: 'e03', at: t(5), role: 'commander', name: 'Dana', by: 'Dana' },
    { type: 'role.assigned', id: 'e04', at: t(5), role: 'technicalLead', name: 'Lee', by: 'Dana' },
    {
      type: 'check.ran',
      id: 'e05',
      at: t(6),
      check: 'pods',
      ok: false,
      summary: '3 of 3 api-gateway pods CrashLoopBackOff',
      by: 'Lee',
    },
    {
      type: 'note',
      id: 'e06',
      at: t(8),
      text: 'Revision 42 | shipped at 09:40 with a new route table',
      by: 'Lee',
    },
    {
      type: 'action.taken',
      id: 'e07',
      at: t(14),
      ok: true,
      by: 'Lee',
      action: {
        kind: 'rollback',
        deployment: 'api-gateway',
        fromRevision: 42,
        toRevision: 41,
        changeCause: 'incident',
      },
    },
    {
      type: 'action.taken',
      id: 'e08',
      at: t(15),
      ok: true,
      by: 'Lee',
      action: { kind: 'scale', deployment: 'api-gateway', fromReplicas: 3, toReplicas: 5 },
    },
    {
      type: 'action.taken',
      id: 'e09',
      at: t(16),
      ok: true,
      by: 'Lee',
      action: { kind: 'flag', flag: 'new-routing', enabled: false },
    },
    {
      type: 'action.taken',
      id: 'e10',
      at: t(17),
      ok: true,
      by: 'Lee',
      action: {
        kind: 'query',
        statement: "UPDATE sessions SET valid = false WHERE token = 'abc' -- password=hunter22",
        rowsAffected: 12,
        committed: true,
      },
    },
    { type: 'status.changed', id: 'e11', at: t(18), status: 'mitigated' },
    {
      type: 'update.posted',
      id: 'e12',
      at: t(20),
      audience: 'customer',
      text: 'We are investigating',
    },
    { type: 'delivery.succeeded', id: 'e13', at: t(20), key: 'e12:slack' },
    {
      type: 'followup.added',
      id: 'e14',
      at: t(50),
      text: 'Add a canary stage for api-gateway',
      owner: 'Lee',
    },
    { type: 'followup.added', id: 'e15', at: t(51), text: 'Alert on 5xx rate > 5%' },
    { type: 'followup.done', id: 'e16', at: t(52), followUpId: 'e15' },
    {
      type: 'resolved',
      id: 'e17',
      at: t(72),
      rootCause: 'A route table in revision 42 sent every request to a removed upstream',
      by: 'Dana',
    },
    ...extra,
  ];
  return deriveIncident(events);
}
