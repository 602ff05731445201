import assert from 'node:assert/strict';

import { deriveIncident, NotAnIncidentError } from '../../../src/incident/derive';
import type { IncidentEvent } from '../../../src/incident/model';

const declared: IncidentEvent = {
  type: 'declared',
  id: 'e1',
  at: '2026-12-03T10:00:00.000Z',
  incidentId: '2026-12-03-payments-failing',
  title: 'Payments failing',
  severity: 'P2',
  services: ['payment-service'],
  detectedAt: '2026-12-03T09:55:00.000Z',
};

describe('incident state derived from the journal', () => {
  it('folds declaration, acknowledgement, roles, rollback and resolution into the incident', () => {
    const events: IncidentEvent[] = [
      declared,
      { type: 'acknowledged', id: 'e2', at: '2026-12-03T10:04:00.000Z' },
      {
        type: 'role.assigned',
        id: 'e3',
        at: '2026-12-03T10:06:00.000Z',
        role: 'commander',
        name: 'Dana',
        slackUserId: 'U1',
      },
      {
        type: 'role.assigned',
        id: 'e4',
        at: '2026-12-03T10:07:00.000Z',
        role: 'commander',
        name: 'Lee',
        slackUserId: 'U2',
      },
      { type: 'severity.changed', id: 'e5', at: '2026-12-03T10:08:00.000Z', severity: 'P1' },
      {
        type: 'scope.updated',
        id: 'e6',
        at: '2026-12-03T10:09:00.000Z',
        services: ['payment-service', 'course-service'],
        usersImpacted: '~4,000',
      },
      {
        type: 'action.taken',
        id: 'e7',
        at: '2026-12-03T10:20:00.000Z',
        ok: true,
        action: { kind: 'rollback', deployment: 'payment-service', fromRevision: 7, toRevision: 6 },
      },
      { type: 'status.changed', id: 'e8', at: '2026-12-03T10:22:00.000Z', status: 'mitigated' },
      {
        type: 'update.posted',
        id: 'e9',
        at: '2026-12-03T10:25:00.000Z',
        audience: 'customer',
        text: 'We are investigating',
      },
      {
        type: 'followup.added',
        id: 'e10',
        at: '2026-12-03T10:40:00.000Z',
        text: 'Add a canary for payment-service',
      },
      { type: 'followup.done', id: 'e11', at: '2026-12-03T11:00:00.000Z', followUpId: 'e10' },
      {
        type: 'resolved',
        id: 'e12',
        at: '2026-12-03T10:52:00.000Z',
        rootCause: 'bad config in revision 7',
      },
      {
        type: 'status.changed',
        id: 'e13',
        at: '2026-12-03T10:53:00.000Z',
        status: 'investigating',
      },
      {
        type: 'linked',
        id: 'e14',
        at: '2026-12-03T10:01:00.000Z',
        service: 'slack',
        remoteId: 'C1',
        name: 'incident-2026-12-03-payments-failing',
      },
      {
        type: 'linked',
        id: 'e15',
        at: '2026-12-03T10:01:00.000Z',
        service: 'pagerduty',
        remoteId: 'PINC1',
        name: '#1044',
      },
    ];
    const incident = deriveIncident(events);
    assert.equal(incident.id, '2026-12-03-payments-failing');
    assert.equal(incident.severity, 'P1');
    assert.equal(incident.detectedAt, '2026-12-03T09:55:00.000Z');
    assert.equal(incident.acknowledgedAt, '2026-12-03T10:04:00.000Z');
    assert.deepEqual(incident.roles, { commander: 'Lee' });
    assert.deepEqual(incident.responderSlackIds, ['U1', 'U2']);
    assert.deepEqual(incident.services, ['payment-service', 'course-service']);
    assert.equal(incident.actions.length, 1);
    assert.equal(incident.mitigatedAt, '2026-12-03T10:22:00.000Z');
    assert.equal(incident.lastCustomerUpdateAt, '2026-12-03T10:25:00.000Z');
    assert.deepEqual(
      incident.followUps.map((f) => f.done),
      [true],
    );
    // A resolved incident stays resolved: a late status change from another window is ignored.
    assert.equal(incident.status, 'resolved');
    assert.equal(incident.rootCause, 'bad config in revision 7');
    assert.equal(incident.slack?.channelId, 'C1');
    assert.deepEqual(incident.pagerduty, { incidentId: 'PINC1', url: undefined, number: '1044' });
  });

  it('breaks link syntax in the titles, which notifications would turn into commands to run', () => {
    const incident = deriveIncident([
      {
        ...declared,
        title: 'Payments [run](command:workbench.action.terminal.new) failing',
        publicTitle: 'Payments [status](https://example.com)',
      },
    ]);
    assert.equal(incident.title, 'Payments [run] (command:workbench.action.terminal.new) failing');
    assert.equal(incident.publicTitle, 'Payments [status] (https://example.com)');
    assert.equal(deriveIncident([declared]).publicTitle, undefined);
  });

  it('refuses a journal that does not start with a declaration', () => {
    assert.throws(
      () => deriveIncident([{ type: 'acknowledged', id: 'x', at: declared.at }], 'a.jsonl'),
      NotAnIncidentError,
    );
  });

  it('carries events of unknown types without failing, for journals from newer versions', () => {
    const future = { type: 'pager.snoozed', id: 'e2', at: declared.at } as unknown as IncidentEvent;
    const incident = deriveIncident([declared, future]);
    assert.equal(incident.events.length, 2);
    assert.equal(incident.status, 'investigating');
  });
});
