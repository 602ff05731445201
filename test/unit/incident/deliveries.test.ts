import assert from 'node:assert/strict';

import {
  deliveryStates,
  planDeliveries,
  summarizeDeliveries,
} from '../../../src/incident/deliveries';
import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent } from '../../../src/incident/model';

const declared: IncidentEvent = {
  type: 'declared',
  id: 'd1',
  at: '2026-12-03T10:00:00.000Z',
  incidentId: '2026-12-03-payments-failing',
  title: 'Payments failing',
  severity: 'P2',
  services: ['payment-service'],
};

const configured = { pagerduty: true, slack: true, statuspage: true };

describe('deliveries planned from the journal', () => {
  it('sends nothing to PagerDuty for the whole incident when the responder chose not to page', () => {
    const quiet: IncidentEvent = { ...declared, notify: { pagerduty: false } };
    const note: IncidentEvent = {
      type: 'note',
      id: 'n1',
      at: '2026-12-03T10:05:00.000Z',
      text: 'looking',
    };
    const plan = planDeliveries(deriveIncident([quiet, note]));
    assert.deepEqual(
      plan.filter((d) => d.target === 'pagerduty'),
      [],
    );
    assert.ok(plan.some((d) => d.key === 'd1:slack.channel'));
    assert.ok(plan.some((d) => d.key.startsWith('n1:slack')));
  });

  it('plans the PagerDuty incident, channel, declaration, invites and bookmarks for a declaration', () => {
    const plan = planDeliveries(deriveIncident([declared]), {
      responders: ['U1'],
      grafanaUrl: 'https://grafana.example.test/d/x?orgId=1',
      jaegerUrl: 'https://jaeger.example.test',
    });
    assert.deepEqual(
      plan.map((d) => d.key),
      [
        'd1:pd.create',
        'd1:slack.channel',
        'd1:slack.message',
        'd1:slack.invite',
        'd1:slack.bookmark:grafana',
        'd1:slack.bookmark:jaeger',
        'd1:sp.create',
      ],
    );
    // 15 minutes before detection, so the dashboard shows the healthy time before the incident.
    assert.match(plan[4]!.bookmark!.link, /orgId=1&from=1796291100000&to=now$/);
  });

  it('opens no second PagerDuty incident for one joined from PagerDuty, and sends no acknowledgement back', () => {
    const incident = deriveIncident([
      { ...declared, pagerdutyIncidentId: 'PABC' } as IncidentEvent,
      { type: 'acknowledged', id: 'a1', at: declared.at, source: 'pagerduty' },
    ]);
    const ops = planDeliveries(incident).map((d) => d.op);
    assert.ok(!ops.includes('pd.create') && !ops.includes('pd.acknowledge'));
  });

  it('keeps the declaration text fixed by the event, so a retry sends the same text', () => {
    const before = planDeliveries(deriveIncident([declared]))[2]!.text;
    const later = deriveIncident([
      declared,
      { type: 'role.assigned', id: 'r1', at: declared.at, role: 'commander', name: 'Kim' },
      {
        type: 'linked',
        id: 'l1',
        at: declared.at,
        service: 'slack',
        remoteId: 'C1',
        name: 'incident-x',
      },
    ]);
    assert.equal(planDeliveries(later)[2]!.text, before);
  });

  it('holds everything behind a channel that could not be created, and says why', () => {
    const incident = deriveIncident([
      declared,
      { type: 'note', id: 'n1', at: declared.at, text: 'x' },
      {
        type: 'delivery.attempted',
        id: 'x1',
        at: declared.at,
        key: 'd1:slack.channel',
        attempt: 1,
      },
      {
        type: 'delivery.failed',
        id: 'x2',
        at: declared.at,
        key: 'd1:slack.channel',
        attempt: 1,
        reason: 'Slack conversations.create failed: invalid_auth',
        permanent: true,
      },
    ]);
    const states = deliveryStates(incident, planDeliveries(incident), configured);
    const slack = states.filter((d) => d.target === 'slack');
    assert.equal(slack[0]!.status, 'failed');
    assert.ok(slack.slice(1).every((d) => d.status === 'blocked'));
    assert.deepEqual(
      summarizeDeliveries(states).map((s) => s.text),
      [
        'PagerDuty: 2 pending',
        'Slack: 1 failed (Slack conversations.create failed: invalid_auth)',
        'Status page: 1 pending',
      ],
    );
  });

  it('backs off after each failed round, or as long as the service asked', () => {
    const failed = (n: number, at: string, retryAfterMs?: number): IncidentEvent => ({
      type: 'delivery.failed',
      id: `f${n}`,
      at,
      key: 'd1:pd.create',
      attempt: n,
      reason: '503',
      permanent: false,
      ...(retryAfterMs ? { retryAfterMs } : {}),
    });
    const next = (events: IncidentEvent[]) =>
      deliveryStates(
        deriveIncident([declared, ...events]),
        planDeliveries(deriveIncident([declared])),
        configured,
        { initialDelayMs: 1000 },
      )[0]!.nextAttemptAt;
    assert.equal(next([failed(1, '2026-12-03T10:00:00.000Z')]), '2026-12-03T10:00:01.000Z');
    assert.equal(
      next([failed(1, '2026-12-03T10:00:00.000Z'), failed(2, '2026-12-03T10:00:05.000Z')]),
      '2026-12-03T10:00:07.000Z',
    );
    assert.equal(next([failed(1, '2026-12-03T10:00:00.000Z', 20_000)]), '2026-12-03T10:00:20.000Z');
  });

  it('marks an attempt without an answer as uncertain, so the outbox looks before sending again', () => {
    const incident = deriveIncident([
      declared,
      { type: 'delivery.attempted', id: 'x1', at: declared.at, key: 'd1:pd.create', attempt: 1 },
    ]);
    const [create] = deliveryStates(incident, planDeliveries(incident), configured);
    assert.equal(create!.status, 'pending');
    assert.equal(create!.uncertain, true);
    assert.equal(create!.firstAttemptAt, declared.at);
  });
});
