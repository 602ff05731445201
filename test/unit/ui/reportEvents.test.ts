import assert from 'node:assert/strict';

import * as v from 'valibot';

import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent } from '../../../src/incident/model';
import { FromReportSchema, type Report } from '../../../src/ui/report/protocol';
import { reportEvents } from '../../../src/ui/report/reportEvents';

const events: IncidentEvent[] = [
  {
    type: 'declared',
    id: 'd1',
    at: '2026-12-03T10:00:00.000Z',
    incidentId: '2026-12-03-payments-failing',
    title: 'Payments failing',
    severity: 'P2',
    services: ['payment-service'],
    usersImpacted: 'everyone paying',
    dataAtRisk: 'no',
  },
  {
    type: 'followup.added',
    id: 'f1',
    at: '2026-12-03T10:30:00.000Z',
    text: 'Alert on webhook latency',
  },
];
const incident = deriveIncident(events);

const unchanged: Report = {
  services: ['payment-service'],
  usersImpacted: 'everyone paying',
  dataAtRisk: 'no',
  impact: '',
  summary: '',
  rootCause: '',
  newFollowUps: [],
  done: [],
  removed: [],
};

describe('the incident report saved to the timeline', () => {
  it('writes nothing when nothing changed', () => {
    assert.deepEqual(reportEvents(incident, unchanged, 'dana'), []);
  });

  it('writes only the fields that changed, new follow-ups, and follow-ups ticked done', () => {
    const written = reportEvents(
      incident,
      {
        ...unchanged,
        rootCause: 'Webhook timeout of 1 s',
        newFollowUps: [
          { text: 'Raise the timeout', owner: 'Lee', due: '2026-12-05' },
          { text: 'Alert on retries', owner: '', due: '' },
        ],
        done: ['f1'],
      },
      'dana',
    );
    assert.deepEqual(written, [
      { type: 'scope.updated', by: 'dana', rootCause: 'Webhook timeout of 1 s' },
      {
        type: 'followup.added',
        text: 'Raise the timeout',
        owner: 'Lee',
        due: '2026-12-05',
        by: 'dana',
      },
      { type: 'followup.added', text: 'Alert on retries', by: 'dana' },
      { type: 'followup.done', followUpId: 'f1', by: 'dana' },
    ]);
  });

  it('does not add a follow-up the incident has already, nor the same one twice', () => {
    const written = reportEvents(
      incident,
      {
        ...unchanged,
        newFollowUps: [
          { text: 'alert on webhook latency.', owner: '', due: '' },
          { text: 'Raise the timeout', owner: '', due: '' },
          { text: 'Raise the timeout!', owner: 'Lee', due: '' },
          { text: 'raise the timeout?', owner: '', due: '' },
        ],
      },
      'dana',
    );
    assert.deepEqual(written, [{ type: 'followup.added', text: 'Raise the timeout', by: 'dana' }]);
  });

  it('gives the root cause to the incident, and so to the postmortem', () => {
    const [scope] = reportEvents(incident, { ...unchanged, rootCause: 'Webhook timeout' }, 'dana');
    const after = deriveIncident([
      ...events,
      { ...scope!, id: 's1', at: '2026-12-03T11:00:00.000Z' } as IncidentEvent,
    ]);
    assert.equal(after.rootCause, 'Webhook timeout');
  });

  it('removes a follow-up removed in the form, and does not tick it done as well', () => {
    assert.deepEqual(
      reportEvents(incident, { ...unchanged, done: ['f1'], removed: ['f1', 'gone'] }, 'dana'),
      [{ type: 'followup.removed', followUpId: 'f1', by: 'dana' }],
    );
  });
});

describe('the report form’s messages', () => {
  const save = (followUp: Record<string, string>) =>
    v.safeParse(FromReportSchema, {
      type: 'save',
      report: { ...unchanged, newFollowUps: [followUp] },
    });

  it('accepts a follow-up with an owner and a due date written YYYY-MM-DD', () => {
    const parsed = save({ text: ' Raise the timeout ', owner: 'Lee', due: '2026-12-05' });
    assert.ok(parsed.success);
    assert.deepEqual(parsed.output.type === 'save' && parsed.output.report.newFollowUps, [
      { text: 'Raise the timeout', owner: 'Lee', due: '2026-12-05' },
    ]);
  });

  it('refuses a due date that is not a day, saying how to write it', () => {
    const parsed = save({ text: 'Raise the timeout', owner: '', due: '2026-02-30' });
    assert.equal(parsed.success, false);
    assert.match(v.summarize(parsed.issues!), /YYYY-MM-DD/);
  });

  it('takes @lee as the owner lee and refuses two owners, as Add Follow-up does', () => {
    const parsed = save({ text: 'Raise the timeout', owner: '@lee', due: '' });
    assert.ok(parsed.success);
    assert.equal(
      parsed.output.type === 'save' && parsed.output.report.newFollowUps[0]!.owner,
      'lee',
    );
    const two = save({ text: 'Raise the timeout', owner: 'Lee, Sam', due: '' });
    assert.equal(two.success, false);
    assert.match(v.summarize(two.issues!), /one owner/);
  });

  it('reads a message of a form from before follow-ups could be removed', () => {
    const { removed: _removed, ...old } = unchanged;
    const parsed = v.safeParse(FromReportSchema, { type: 'save', report: old });
    assert.ok(parsed.success);
  });
});
