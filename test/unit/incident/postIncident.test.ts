import assert from 'node:assert/strict';

import { defaultChecklist } from '../../../src/incident/checklist';
import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent } from '../../../src/incident/model';
import {
  postIncidentDeadline,
  postIncidentPhase,
  postIncidentReminder,
} from '../../../src/incident/postIncident';

const declared: IncidentEvent = {
  type: 'declared',
  id: 'd',
  at: '2026-12-03T09:00:00.000Z',
  incidentId: '2026-12-03-api-gateway-down',
  title: 'API gateway down',
  severity: 'P1',
  services: ['api-gateway'],
};
let seq = 0;
const ev = (at: string, event: Record<string, unknown>): IncidentEvent =>
  ({ id: `e${++seq}`, at, ...event }) as IncidentEvent;
const resolvedAt = '2026-12-03T10:10:00.000Z';
const resolved = ev(resolvedAt, { type: 'resolved', summary: 'rolled back' });

describe('the post-incident deadline, 48 hours after resolution', () => {
  const incident = deriveIncident([declared, resolved]);

  it('says how many whole hours are left, and by when in the team’s time zone', () => {
    const at = postIncidentDeadline(incident, new Date('2026-12-03T17:00:00Z'), 'Europe/Berlin')!;
    assert.equal(at.deadline, '2026-12-05T10:10:00.000Z');
    assert.equal(at.text, 'due in 41 h');
    assert.equal(at.overdue, false);
    // 10:10 UTC is 11:10 in Berlin in December (UTC+1, no daylight saving then).
    assert.equal(at.byText, 'by 2026-12-05 11:10 (Europe/Berlin)');
    assert.equal(
      postIncidentDeadline(incident, new Date('2026-12-03T17:00:00Z'), 'America/New_York')!.byText,
      'by 2026-12-05 05:10 (America/New_York)',
    );
  });

  it('counts minutes in the last hour and hours once overdue', () => {
    assert.equal(
      postIncidentDeadline(incident, new Date('2026-12-05T09:35:00Z'), 'UTC')!.text,
      'due in 35 min',
    );
    const late = postIncidentDeadline(incident, new Date('2026-12-05T13:20:00Z'), 'UTC')!;
    assert.equal(late.text, 'overdue by 3 h');
    assert.equal(late.overdue, true);
  });

  it('has no deadline while the incident is open', () => {
    assert.equal(postIncidentDeadline(deriveIncident([declared]), new Date(), 'UTC'), undefined);
  });
});

describe('the post-incident checklist and its reminders', () => {
  const checklist = defaultChecklist();

  it('ticks each step from what the journal shows was done', () => {
    const incident = deriveIncident([
      declared,
      resolved,
      ev('2026-12-03T11:00:00Z', { type: 'postmortem.written', path: 'postmortems/x.md' }),
      ev('2026-12-03T11:05:00Z', { type: 'followup.added', text: 'Canary stage' }),
    ]);
    const phase = postIncidentPhase(checklist, incident, new Date('2026-12-03T12:00:00Z'))!;
    assert.deepEqual(
      phase.items.map((item) => [item.rule, item.ticked]),
      [
        ['report', true],
        ['review', false],
        // A follow-up only in the journal is no ticket yet.
        ['followUps', false],
        ['runbook', false],
      ],
    );

    const done = deriveIncident([
      ...incident.events,
      ev('2026-12-03T12:00:00Z', { type: 'review.scheduled', when: '2026-12-04T09:00:00Z' }),
      ev('2026-12-03T12:01:00Z', { type: 'followups.exported', path: 'p.md', count: 1 }),
      ev('2026-12-03T12:02:00Z', { type: 'runbook.annotated', path: 'r.md', phase: 'Mitigation' }),
    ]);
    assert.equal(postIncidentPhase(checklist, done, new Date())!.done, true);
  });

  it('reminds once near the deadline and once overdue, naming the first open step', () => {
    const incident = deriveIncident([
      declared,
      resolved,
      ev('2026-12-03T11:00:00Z', { type: 'postmortem.written', path: 'postmortems/x.md' }),
    ]);
    const at = (iso: string) => {
      const now = new Date(iso);
      return postIncidentReminder(
        incident,
        postIncidentPhase(checklist, incident, now),
        now,
        'Europe/Berlin',
      );
    };
    assert.equal(at('2026-12-05T04:09:00Z'), undefined, 'more than 6 hours left');

    const near = at('2026-12-05T04:10:00Z')!;
    assert.equal(near.kind, 'near');
    assert.equal(near.key, '2026-12-03-api-gateway-down:post-incident:near');
    assert.equal(near.item.rule, 'review');
    assert.match(near.message, /due in 6 h \(by 2026-12-05 11:10 \(Europe\/Berlin\)\); 3 of 4/);

    const overdue = at('2026-12-05T13:10:00Z')!;
    assert.equal(overdue.kind, 'overdue');
    assert.match(overdue.message, /overdue by 3 h/);
    assert.equal(at('2026-12-25T13:10:00Z'), undefined, 'weeks overdue: no longer reminded');
  });

  it('does not remind when every step is done', () => {
    const incident = deriveIncident([
      declared,
      resolved,
      ...(['report', 'review', 'export', 'runbook'] as const).map((step, index) =>
        ev(
          `2026-12-03T11:0${index}:00Z`,
          {
            report: { type: 'postmortem.written', path: 'x.md' },
            review: { type: 'review.scheduled', when: '2026-12-04T09:00:00Z' },
            export: { type: 'followup.linked', followUpId: 'f', url: 'https://x/1' },
            runbook: { type: 'runbook.annotated', path: 'r.md', phase: 'Triage' },
          }[step],
        ),
      ),
    ]);
    const now = new Date('2026-12-05T13:00:00Z');
    assert.equal(
      postIncidentReminder(incident, postIncidentPhase(checklist, incident, now), now, 'UTC'),
      undefined,
    );
  });
});
