import assert from 'node:assert/strict';

import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent, Severity } from '../../../src/incident/model';
import {
  followUpDeadline,
  nextReminderAt,
  reminders,
  responseClock,
  responseDeadline,
  type TimerConfig,
} from '../../../src/incident/timers';

const berlin: TimerConfig = {
  workingHours: {
    timeZone: 'Europe/Berlin',
    start: '09:00',
    end: '17:00',
    days: [1, 2, 3, 4, 5],
    holidays: ['2026-12-25'],
  },
  escalation: {
    onCall: 'Dana',
    teamLead: 'Lee (+49 170 000000)',
    engineeringManager: 'Kim',
    cto: 'Sam',
  },
};

function incident(
  severity: Severity,
  extra: IncidentEvent[] = [],
  declare: Partial<IncidentEvent> = {},
) {
  const declared = {
    type: 'declared',
    id: 'e0',
    at: '2026-12-03T10:00:00.000Z',
    incidentId: '2026-12-03-x',
    title: 'x',
    severity,
    services: [],
    ...declare,
  } as IncidentEvent;
  return deriveIncident([declared, ...extra]);
}

const at = (iso: string) => new Date(iso);

describe('severity response targets', () => {
  it('gives P1 15 minutes, P2 an hour and P3 four hours', () => {
    const start = at('2026-12-03T10:00:00Z');
    assert.equal(responseDeadline('P1', start).toISOString(), '2026-12-03T10:15:00.000Z');
    assert.equal(responseDeadline('P2', start).toISOString(), '2026-12-03T11:00:00.000Z');
    assert.equal(responseDeadline('P3', start).toISOString(), '2026-12-03T14:00:00.000Z');
  });

  it('gives P4 until the end of the next business day in the team time zone', () => {
    // Thursday 3 Dec 2026, 10:00 UTC → Friday 17:00 Berlin (16:00 UTC).
    assert.equal(
      responseDeadline('P4', at('2026-12-03T10:00:00Z'), berlin.workingHours).toISOString(),
      '2026-12-04T16:00:00.000Z',
    );
    // Friday evening → Monday 17:00 Berlin.
    assert.equal(
      responseDeadline('P4', at('2026-12-04T20:00:00Z'), berlin.workingHours).toISOString(),
      '2026-12-07T16:00:00.000Z',
    );
    // Thursday 24 Dec → Friday 25 is a holiday → Monday 28.
    assert.equal(
      responseDeadline('P4', at('2026-12-24T08:00:00Z'), berlin.workingHours).toISOString(),
      '2026-12-28T16:00:00.000Z',
    );
    // 23:30 UTC on Sunday is already Monday in Berlin, so the next business day is Tuesday.
    assert.equal(
      responseDeadline('P4', at('2026-12-06T23:30:00Z'), berlin.workingHours).toISOString(),
      '2026-12-08T16:00:00.000Z',
    );
  });

  it('keeps 17:00 local across the change to summer time', () => {
    const hours = { ...berlin.workingHours };
    // Friday 27 Mar 2026 → Monday 30 Mar, after the clocks went forward: 17:00 CEST = 15:00 UTC.
    assert.equal(
      responseDeadline('P4', at('2026-03-27T12:00:00Z'), hours).toISOString(),
      '2026-03-30T15:00:00.000Z',
    );
  });

  it('counts down until acknowledged and shows the breach after 15 minutes for P1', () => {
    const open = incident('P1');
    const early = responseClock(open, at('2026-12-03T10:10:00Z'));
    assert.equal(early.breached, false);
    assert.equal(early.remainingMs, 5 * 60_000);
    const late = responseClock(open, at('2026-12-03T10:23:00Z'));
    assert.equal(late.breached, true);
    assert.equal(late.elapsedMs, 23 * 60_000);
    assert.equal(late.targetMs, 15 * 60_000);

    const acked = incident('P1', [
      { type: 'acknowledged', id: 'a', at: '2026-12-03T10:12:00.000Z' },
    ]);
    const after = responseClock(acked, at('2026-12-03T12:00:00Z'));
    assert.equal(after.breached, false, 'acknowledged in time stays met, however late it is now');
    assert.equal(after.elapsedMs, 12 * 60_000);
  });

  it('measures the response from detection when the alert fired before the declaration', () => {
    const open = incident('P1', [], {
      detectedAt: '2026-12-03T09:50:00.000Z',
    } as Partial<IncidentEvent>);
    assert.equal(responseClock(open, at('2026-12-03T10:06:00Z')).breached, true);
  });
});

describe('reminders and the escalation path', () => {
  it('reminds to post a customer update every 30 minutes while unresolved', () => {
    const open = incident('P2', [
      {
        type: 'update.posted',
        id: 'u',
        at: '2026-12-03T10:20:00.000Z',
        audience: 'customer',
        text: 'x',
      },
    ]);
    const list = reminders(open, at('2026-12-03T10:40:00Z'), berlin);
    const update = list.find((r) => r.kind === 'customerUpdate');
    assert.equal(update?.dueAt, '2026-12-03T10:50:00.000Z');
    assert.equal(update?.state, 'pending');
    assert.equal(
      reminders(open, at('2026-12-03T10:51:00Z'), berlin).find((r) => r.kind === 'customerUpdate')
        ?.state,
      'due',
    );
    const resolved = incident('P2', [
      { type: 'resolved', id: 'r', at: '2026-12-03T10:30:00.000Z' },
    ]);
    assert.equal(
      reminders(resolved, at('2026-12-03T11:00:00Z'), berlin).some(
        (r) => r.kind === 'customerUpdate',
      ),
      false,
    );
  });

  it('escalates to the team lead after 30 minutes unresolved, with the contact from settings', () => {
    const open = incident('P2', [
      { type: 'acknowledged', id: 'a', at: '2026-12-03T10:05:00.000Z' },
    ]);
    const before = reminders(open, at('2026-12-03T10:29:00Z'), berlin).find(
      (r) => r.level === 'teamLead',
    );
    assert.equal(before?.state, 'pending');
    const after = reminders(open, at('2026-12-03T10:31:00Z'), berlin).find(
      (r) => r.level === 'teamLead',
    );
    assert.equal(after?.state, 'due');
    assert.match(
      after!.message,
      /Team Lead \(Lee \(\+49 170 000000\)\): not resolved in 30 minutes/,
    );
    assert.equal(
      reminders(open, at('2026-12-03T10:31:00Z'), berlin).find((r) => r.level === 'onCall')?.state,
      'done',
    );
  });

  it('brings in the engineering manager for P1 and the CTO for a security incident', () => {
    const p1 = incident('P1', [], { security: true } as Partial<IncidentEvent>);
    const list = reminders(p1, at('2026-12-03T10:01:00Z'), berlin);
    assert.equal(list.find((r) => r.level === 'engineeringManager')?.state, 'due');
    assert.match(list.find((r) => r.level === 'cto')!.message, /CTO \(Sam\): security incident/);
    const p2 = reminders(incident('P2'), at('2026-12-03T10:01:00Z'), berlin);
    assert.equal(
      p2.some((r) => r.level === 'engineeringManager' || r.level === 'cto'),
      false,
    );
  });

  it('marks an escalation done once it is in the journal, so a restart does not remind again', () => {
    const p1 = incident('P1', [
      {
        type: 'escalated',
        id: 'x',
        at: '2026-12-03T10:02:00.000Z',
        level: 'engineeringManager',
        contact: 'Kim',
      },
    ]);
    assert.equal(
      reminders(p1, at('2026-12-03T10:03:00Z'), berlin).find(
        (r) => r.level === 'engineeringManager',
      )?.state,
      'done',
    );
  });

  it('reminds when the 30-minute monitoring window ends and says when to wake up next', () => {
    const watching = incident('P3', [
      { type: 'acknowledged', id: 'a', at: '2026-12-03T10:01:00.000Z' },
      {
        type: 'escalated',
        id: 'b',
        at: '2026-12-03T10:02:00.000Z',
        level: 'teamLead',
        contact: 'Lee',
      },
      {
        type: 'update.posted',
        id: 'c',
        at: '2026-12-03T10:40:00.000Z',
        audience: 'statusPage',
        text: 'fixed',
      },
      { type: 'status.changed', id: 'd', at: '2026-12-03T10:45:00.000Z', status: 'monitoring' },
    ]);
    const list = reminders(watching, at('2026-12-03T11:00:00Z'), berlin);
    assert.equal(list.find((r) => r.kind === 'monitoringEnded')?.dueAt, '2026-12-03T11:15:00.000Z');
    assert.equal(nextReminderAt(list), '2026-12-03T11:10:00.000Z');
  });

  it('sets the follow-up deadline 48 hours after resolution', () => {
    const resolved = incident('P2', [
      { type: 'resolved', id: 'r', at: '2026-12-03T11:00:00.000Z' },
    ]);
    assert.equal(followUpDeadline(resolved), '2026-12-05T11:00:00.000Z');
    assert.equal(followUpDeadline(incident('P2')), undefined);
  });
});
