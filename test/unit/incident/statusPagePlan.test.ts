import assert from 'node:assert/strict';

import {
  deliveryStates,
  planDeliveries,
  summarizeDeliveries,
  type PlannedDelivery,
} from '../../../src/incident/deliveries';
import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent, NewEvent, Severity } from '../../../src/incident/model';

const at = (minute: number) =>
  new Date(Date.parse('2026-12-03T10:00:00.000Z') + minute * 60_000).toISOString();

function journal(severity: Severity, events: NewEvent[] = [], extra = {}): IncidentEvent[] {
  const declared: IncidentEvent = {
    type: 'declared',
    id: 'd1',
    at: at(0),
    incidentId: '2026-12-03-course-pages-slow',
    title: 'Course pages slow',
    severity,
    services: ['course-service'],
    usersImpacted: 'learners opening courses',
    ...extra,
  };
  return [
    declared,
    ...events.map((e, i) => ({ ...e, id: `e${i + 1}`, at: e.at ?? at(i + 1) }) as IncidentEvent),
  ];
}

const statusPage = (events: IncidentEvent[], settings = {}) =>
  planDeliveries(deriveIncident(events), settings).filter((d) => d.target === 'statuspage');
const ops = (plan: PlannedDelivery[]) => plan.map((d) => `${d.eventId}:${d.op}`);

const customer = (text: string): NewEvent => ({
  type: 'update.posted',
  audience: 'customer',
  text,
});
const internal = (text: string): NewEvent => ({
  type: 'update.posted',
  audience: 'internal',
  text,
});
const status = (s: 'identified' | 'mitigated' | 'monitoring'): NewEvent => ({
  type: 'status.changed',
  status: s,
});
const resolved: NewEvent = { type: 'resolved', summary: 'cache warmed', impact: '40 minutes slow' };

describe('status page deliveries planned from the journal', () => {
  it('opens the status page incident at the declaration of a P1, critical, investigating', () => {
    const [create] = statusPage(journal('P1'), { statusPageImpact: 'minor' });
    assert.equal(create!.key, 'd1:sp.create');
    assert.equal(create!.blocking, true);
    assert.deepEqual(create!.page, {
      status: 'investigating',
      name: 'Course pages slow',
      impact: 'critical',
    });
    assert.equal(
      create!.text,
      [
        'We are currently experiencing issues with course-service.',
        'Our team is actively investigating.',
        'We will provide updates every 30 minutes.',
      ].join('\n'),
    );
  });

  it('opens it under the title given for customers, when the responder gave one', () => {
    const [create] = statusPage(journal('P1', [], { publicTitle: 'Courses load slowly' }));
    assert.equal(create!.page?.name, 'Courses load slowly');
    assert.equal(create!.label, 'Status page: open "Courses load slowly"');
  });

  it('opens a P2 at once with the configured impact, major by default', () => {
    assert.equal(statusPage(journal('P2'))[0]!.page!.impact, 'major');
    assert.equal(
      statusPage(journal('P2'), { statusPageImpact: 'minor' })[0]!.page!.impact,
      'minor',
    );
  });

  it('keeps a P3 off the page until the first customer update, which opens it with that text', () => {
    assert.deepEqual(statusPage(journal('P3', [internal('looking into it')])), []);
    const plan = statusPage(
      journal('P3', [
        internal('looking'),
        status('identified'),
        customer('Some course pages load slowly &amp; we are on it.'),
        customer('Still working on it.'),
      ]),
    );
    assert.deepEqual(ops(plan), ['e3:sp.create', 'e4:sp.update']);
    assert.equal(plan[0]!.text, 'Some course pages load slowly & we are on it.');
    assert.deepEqual(plan[0]!.page, {
      status: 'identified',
      name: 'Course pages slow',
      impact: 'major',
    });
    assert.deepEqual(plan[1]!.page, { status: 'identified' });
    assert.equal(plan[1]!.text, 'Still working on it.');
  });

  it('opens a major outage at once whatever its severity, and a P3 raised to P1', () => {
    assert.deepEqual(ops(statusPage(journal('P4', [], { majorOutage: true }))), ['d1:sp.create']);
    const raised = statusPage(
      journal('P3', [{ type: 'severity.changed', severity: 'P1', reason: 'all regions' }]),
    );
    assert.deepEqual(ops(raised), ['e1:sp.create']);
    assert.equal(raised[0]!.page!.impact, 'critical');
  });

  it('posts each customer or status page update, shows mitigated as identified, and monitoring once', () => {
    const plan = statusPage(
      journal('P1', [
        customer('We found the cause.'),
        status('mitigated'),
        { type: 'update.posted', audience: 'statusPage', text: 'A fix is rolling out.' },
        status('monitoring'),
        status('monitoring'),
        internal('watching the graphs'),
      ]),
    );
    assert.deepEqual(ops(plan), ['d1:sp.create', 'e1:sp.update', 'e3:sp.update', 'e4:sp.update']);
    assert.deepEqual(plan[1]!.page, { status: 'investigating' });
    assert.deepEqual(plan[2]!.page, { status: 'identified' });
    assert.deepEqual(plan[3]!.page, { status: 'monitoring' });
    assert.match(plan[3]!.text!, /we are monitoring the results/);
  });

  it('resolves with the customer resolution, and sends nothing to the page after it', () => {
    const plan = statusPage(journal('P2', [status('monitoring'), resolved, customer('late')]));
    assert.deepEqual(ops(plan), ['d1:sp.create', 'e1:sp.update', 'e2:sp.resolve']);
    const resolve = plan[2]!;
    assert.deepEqual(resolve.page, { status: 'resolved' });
    assert.equal(
      resolve.text,
      [
        'The issues with course-service have been resolved.',
        'Duration: 2 minutes (2026-12-03 10:00 to 10:02 UTC)',
        'Impact: 40 minutes slow',
        'Thank you for your patience.',
      ].join('\n'),
    );
    assert.doesNotMatch(resolve.text!, /cache warmed/, 'the internal summary stays internal');
  });

  it('resolves nothing on the page for a P3 customers were never told about', () => {
    assert.deepEqual(statusPage(journal('P3', [status('monitoring'), resolved])), []);
  });

  it('keeps each text fixed by its event, so a retry sends the same words', () => {
    const events = journal('P1', [customer('First.')]);
    const before = statusPage(events).map((d) => d.text);
    const later = [
      ...events,
      { type: 'scope.updated', id: 'x', at: at(5), services: ['api-gateway'] } as IncidentEvent,
      { type: 'severity.changed', id: 'y', at: at(6), severity: 'P2' } as IncidentEvent,
    ];
    assert.deepEqual(
      statusPage(later).map((d) => d.text),
      before,
    );
  });

  it('sends nothing to the page when the responder opted out at declaration', () => {
    const plan = planDeliveries(
      deriveIncident(journal('P1', [customer('x'), resolved], { notify: { statusPage: false } })),
    );
    assert.ok(plan.length > 0);
    assert.ok(plan.every((d) => d.target !== 'statuspage'));
  });

  it('says "Status page: not configured" when there is no URL, page id or token', () => {
    const incident = deriveIncident(journal('P1', [customer('x')]));
    const states = deliveryStates(incident, planDeliveries(incident), {
      pagerduty: true,
      slack: true,
      statuspage: false,
    });
    const page = states.filter((d) => d.target === 'statuspage');
    assert.equal(page.length, 2);
    assert.ok(page.every((d) => d.reason === 'not sent: Status page not configured'));
    assert.deepEqual(
      summarizeDeliveries(states).map((s) => s.text),
      ['PagerDuty: 2 pending', 'Slack: 3 pending', 'Status page: not configured, 2 not sent'],
    );
  });

  it('says so when a P3 has nothing for the page yet', () => {
    const incident = deriveIncident(journal('P3'));
    const states = deliveryStates(incident, planDeliveries(incident), {
      pagerduty: true,
      slack: true,
      statuspage: true,
    });
    assert.equal(summarizeDeliveries(states)[2]!.text, 'Status page: nothing to send');
  });

  it('lists the status page deliveries in journal order beside the others', () => {
    const plan = planDeliveries(deriveIncident(journal('P1', [customer('x')])));
    assert.deepEqual(
      plan.map((d) => d.op),
      [
        'pd.create',
        'slack.channel',
        'slack.message',
        'sp.create',
        'pd.note',
        'slack.message',
        'sp.update',
      ],
    );
  });
});

describe('what of the follow-through reaches PagerDuty and Slack', () => {
  const snapshot = (purpose: 'declaration' | 'verify'): NewEvent => ({
    type: 'snapshot.taken',
    purpose,
    services: [{ service: 'course-service', ready: 3, desired: 3, unhealthyPods: [] }],
    errorWindowMinutes: 5,
    ok: true,
    comparison: ['course-service: 0 of 3 ready → 3 of 3'],
  });
  const delivered = (event: NewEvent) =>
    planDeliveries(deriveIncident(journal('P3', [event])))
      .filter((d) => d.eventId === 'e1')
      .map((d) => d.op);

  it('sends what Verify Fix found, the watch and the review, as notes and messages', () => {
    for (const event of [
      snapshot('verify'),
      { type: 'watch.regressed', watchId: 'w', summary: 'api-gateway DOWN again' },
      { type: 'watch.ended', watchId: 'w', clean: true, summary: '30 minutes clean' },
      { type: 'review.scheduled', when: '2026-12-04T14:00:00.000Z' },
    ] as NewEvent[]) {
      assert.deepEqual(delivered(event), ['pd.note', 'slack.message'], event.type);
    }
  });

  it('keeps the baseline and follow-up bookkeeping out of the channel and PagerDuty', () => {
    for (const event of [
      snapshot('declaration'),
      { type: 'followup.removed', followUpId: 'f' },
      { type: 'followup.linked', followUpId: 'f', url: 'https://github.example/o/r/issues/1' },
      { type: 'followups.exported', path: '/w/follow-ups.md', count: 2 },
      { type: 'runbook.annotated', path: '/w/runbook.md', phase: 'Phase 3' },
    ] as NewEvent[]) {
      assert.deepEqual(delivered(event), [], event.type);
    }
  });
});
