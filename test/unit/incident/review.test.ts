import assert from 'node:assert/strict';

import ICAL from 'ical.js';

import { deriveIncident } from '../../../src/incident/derive';
import { describeEvent } from '../../../src/incident/describe';
import type { IncidentEvent } from '../../../src/incident/model';
import {
  attendeeLabels,
  proposeReviewSlots,
  renderReviewInvitation,
  reviewAttendees,
  reviewUid,
} from '../../../src/incident/review';
import type { WorkingHours } from '../../../src/incident/timers';

const berlin: WorkingHours = {
  timeZone: 'Europe/Berlin',
  start: '09:00',
  end: '17:00',
  days: [1, 2, 3, 4, 5],
};

describe('the blameless review’s slot, inside the 48 hours after resolution', () => {
  it('proposes the next working-hours slot after a weekday resolution, with notice', () => {
    // Tuesday 10:20 in Berlin (09:20 UTC).
    const proposal = proposeReviewSlots({
      resolvedAt: '2026-12-01T09:20:00.000Z',
      now: new Date('2026-12-01T09:20:00.000Z'),
      durationMinutes: 60,
      hours: berlin,
    });
    assert.equal(proposal.note, undefined);
    assert.equal(proposal.deadline, '2026-12-03T09:20:00.000Z');
    // An hour's notice, on the half hour: 11:30–12:30 Berlin; then 14:30 the same day,
    // Wednesday 09:00 and 12:00, and Thursday 09:00 (ends 10:00 Berlin, by the 10:20 deadline).
    assert.deepEqual(
      proposal.slots.map((slot) => slot.start),
      [
        '2026-12-01T10:30:00.000Z',
        '2026-12-01T13:30:00.000Z',
        '2026-12-02T08:00:00.000Z',
        '2026-12-02T11:00:00.000Z',
        '2026-12-03T08:00:00.000Z',
      ],
    );
    assert.ok(proposal.slots.every((slot) => slot.inWorkingHours && slot.beforeDeadline));
    assert.equal(proposal.slots[0]!.end, '2026-12-01T11:30:00.000Z');
  });

  it('after a Friday-evening resolution, proposes the last slot before the deadline and says so', () => {
    // Friday 18:40 in Berlin: the 48 hours end on Sunday, with no working hours in them.
    const proposal = proposeReviewSlots({
      resolvedAt: '2026-12-04T17:40:00.000Z',
      now: new Date('2026-12-04T17:45:00.000Z'),
      durationMinutes: 60,
      hours: berlin,
    });
    assert.match(
      proposal.note!,
      /No working-hours slot \(09:00–17:00 Europe\/Berlin\) fits before/,
    );
    assert.match(proposal.note!, /2026-12-06 18:40 \(Europe\/Berlin\)/);
    const [last, monday] = proposal.slots;
    // Sunday 17:30–18:30 Berlin ends by the 18:40 deadline.
    assert.deepEqual(
      [last!.start, last!.end, last!.inWorkingHours, last!.beforeDeadline],
      ['2026-12-06T16:30:00.000Z', '2026-12-06T17:30:00.000Z', false, true],
    );
    // The alternative: Monday 09:00 Berlin, in working hours but after the deadline.
    assert.deepEqual(
      [monday!.start, monday!.inWorkingHours, monday!.beforeDeadline],
      ['2026-12-07T08:00:00.000Z', true, false],
    );
  });

  it('keeps to the team’s clock across a change to summer time within the 48 hours', () => {
    // Friday 16:30 EST in New York; the clocks go forward on Sunday 2026-03-08 at 02:00.
    const proposal = proposeReviewSlots({
      resolvedAt: '2026-03-06T21:30:00.000Z',
      now: new Date('2026-03-06T21:30:00.000Z'),
      durationMinutes: 60,
      hours: { ...berlin, timeZone: 'America/New_York' },
    });
    // 48 hours later is 17:30 by the summer clock (EDT), not 16:30.
    assert.match(proposal.note!, /2026-03-08 17:30 \(America\/New_York\)/);
    const [last, monday] = proposal.slots;
    // Sunday 16:30–17:30 EDT is the last slot that ends by the deadline.
    assert.deepEqual([last!.start, last!.beforeDeadline], ['2026-03-08T20:30:00.000Z', true]);
    // Monday 09:00 EDT is 13:00 UTC; under the winter clock it would have been 14:00.
    assert.deepEqual([monday!.start, monday!.inWorkingHours], ['2026-03-09T13:00:00.000Z', true]);
  });

  it('once the deadline has passed, proposes the next working-hours slot and says the deadline passed', () => {
    const proposal = proposeReviewSlots({
      resolvedAt: '2026-12-01T09:20:00.000Z',
      now: new Date('2026-12-07T07:00:00.000Z'),
      durationMinutes: 30,
      hours: berlin,
    });
    assert.match(proposal.note!, /has passed/);
    assert.equal(proposal.slots[0]!.start, '2026-12-07T08:00:00.000Z');
    assert.equal(proposal.slots[0]!.beforeDeadline, false);
  });

  it('keeps to the zone’s half hours in a zone 45 minutes off the hour', () => {
    const kathmandu: WorkingHours = { ...berlin, timeZone: 'Asia/Kathmandu' };
    const proposal = proposeReviewSlots({
      resolvedAt: '2026-12-01T03:00:00.000Z', // 08:45 in Kathmandu (UTC+5:45)
      now: new Date('2026-12-01T03:00:00.000Z'),
      durationMinutes: 60,
      hours: kathmandu,
    });
    // 09:45 + rounded up to 10:00 local = 04:15 UTC.
    assert.equal(proposal.slots[0]!.start, '2026-12-01T04:15:00.000Z');
  });
});

describe('the review invitation (.ics)', () => {
  const events: IncidentEvent[] = [
    {
      type: 'declared',
      id: 'd',
      at: '2026-12-03T09:00:00.000Z',
      incidentId: '2026-12-03-api-gateway-down',
      title: 'API gateway down',
      severity: 'P1',
      services: ['api-gateway'],
      roles: { commander: 'Dana Smith', technicalLead: 'lee@freelms.example' },
    },
    {
      type: 'role.assigned',
      id: 'r',
      at: '2026-12-03T09:05:00.000Z',
      role: 'communications',
      name: 'Kim',
    },
    { type: 'resolved', id: 'x', at: '2026-12-03T10:10:00.000Z' },
  ];
  const incident = deriveIncident(events);
  const attendees = reviewAttendees(incident, [
    'Dana Smith <dana@freelms.example>',
    'sre-team@freelms.example',
    'not an address',
  ]);

  it('invites responders by address and names those it has none for', () => {
    assert.deepEqual(attendees.invited, [
      { name: 'Dana Smith', email: 'dana@freelms.example' },
      { email: 'sre-team@freelms.example' },
      { email: 'lee@freelms.example' },
    ]);
    assert.deepEqual(attendees.withoutEmail, ['Kim']);
    assert.deepEqual(attendees.invalid, ['not an address']);
  });

  it('sets aside an address the calendar cannot carry, naming it, and invites the rest', () => {
    const mixed = reviewAttendees(incident, [
      'émile@exämple.com',
      'Émile <emile@example.com>',
      'ops@freelms',
    ]);
    assert.deepEqual(mixed.invalid, ['émile@exämple.com', 'ops@freelms']);
    assert.ok(mixed.invited.some((invitee) => invitee.email === 'emile@example.com'));
    const ics = renderReviewInvitation({
      incident,
      start: new Date('2026-12-04T13:00:00.000Z'),
      durationMinutes: 60,
      attendees: mixed,
      timeZone: 'UTC',
    });
    assert.match(ics, /mailto:emile@example\.com/);
  });

  const parse = (ics: string) => {
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const vevents = calendar.getAllSubcomponents('vevent');
    assert.equal(vevents.length, 1);
    return new ICAL.Event(vevents[0]!);
  };

  it('parses back as one valid event with the right start, end, attendees and UID', () => {
    const ics = renderReviewInvitation({
      incident,
      start: new Date('2026-12-04T13:00:00.000Z'),
      durationMinutes: 60,
      attendees,
      timeZone: 'Europe/Berlin',
      postmortemLink: 'https://git.freelms.example/postmortems/2026-12-03-api-gateway-down.md',
    });
    const event = parse(ics);
    assert.equal(event.summary, 'Blameless postmortem: API gateway down');
    assert.equal(event.uid, reviewUid(incident.id));
    assert.equal(event.startDate.toJSDate().toISOString(), '2026-12-04T13:00:00.000Z');
    assert.equal(event.endDate.toJSDate().toISOString(), '2026-12-04T14:00:00.000Z');
    assert.equal(event.sequence, 0);
    assert.deepEqual(
      event.attendees.map((a) => [a.getParameter('cn'), a.getFirstValue()]),
      [
        ['Dana Smith', 'mailto:dana@freelms.example'],
        ['sre-team@freelms.example', 'mailto:sre-team@freelms.example'],
        ['lee@freelms.example', 'mailto:lee@freelms.example'],
      ],
    );
    assert.match(
      event.description,
      /Postmortem: https:\/\/git\.freelms\.example\/postmortems\/2026-12-03-api-gateway-down\.md/,
    );
    assert.match(
      event.description,
      /No e-mail address known for Kim: please forward this invitation/,
    );
    assert.match(event.description, /resolved 2026-12-03 11:10 \(Europe\/Berlin\)/);
  });

  it('writes a name with double quotes in it as the calendar can read it back', () => {
    const quoted = reviewAttendees(incident, ['Zoë "Z" O\'Neil <zoe@freelms.example>']);
    const event = parse(
      renderReviewInvitation({
        incident,
        start: new Date('2026-12-04T13:00:00.000Z'),
        durationMinutes: 60,
        attendees: quoted,
        timeZone: 'Europe/Berlin',
      }),
    );
    const zoe = event.attendees.find((a) => a.getFirstValue() === 'mailto:zoe@freelms.example');
    assert.equal(zoe?.getParameter('cn'), "Zoë 'Z' O'Neil");
  });

  it('keeps the UID and raises the SEQUENCE when the review is scheduled again', () => {
    const again = deriveIncident([
      ...events,
      {
        type: 'review.scheduled',
        id: 's1',
        at: '2026-12-03T11:00:00.000Z',
        when: '2026-12-04T13:00:00.000Z',
      },
    ]);
    const event = parse(
      renderReviewInvitation({
        incident: again,
        start: new Date('2026-12-04T15:00:00.000Z'),
        durationMinutes: 45,
        attendees: reviewAttendees(again, []),
        timeZone: 'UTC',
      }),
    );
    assert.equal(event.uid, reviewUid(incident.id));
    assert.equal(event.sequence, 1);
    assert.equal(event.endDate.toJSDate().toISOString(), '2026-12-04T15:45:00.000Z');
    assert.match(event.description, /Postmortem: not written yet/);
  });

  it('posts the proposal to the channel in the team’s time zone, with the postmortem link', () => {
    const text = describeEvent({
      type: 'review.scheduled',
      id: 's',
      at: '2026-12-03T11:00:00.000Z',
      when: '2026-12-04T13:00:00.000Z',
      durationMinutes: 60,
      timeZone: 'Europe/Berlin',
      attendees: attendeeLabels(attendees),
      link: 'postmortems/2026-12-03-api-gateway-down.md',
    });
    assert.equal(
      text,
      'Blameless postmortem review proposed for Fri 2026-12-04 14:00–15:00 (Europe/Berlin) with ' +
        'Dana Smith, sre-team@freelms.example, lee@freelms.example, Kim; ' +
        'postmortem: postmortems/2026-12-03-api-gateway-down.md',
    );
  });
});
