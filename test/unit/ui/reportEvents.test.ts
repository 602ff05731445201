import assert from 'node:assert/strict';

import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent } from '../../../src/incident/model';
import type { Report } from '../../../src/ui/report/protocol';
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
        newFollowUps: ['Raise the timeout'],
        done: ['f1'],
      },
      'dana',
    );
    assert.deepEqual(written, [
      { type: 'scope.updated', by: 'dana', rootCause: 'Webhook timeout of 1 s' },
      { type: 'followup.added', text: 'Raise the timeout', by: 'dana' },
      { type: 'followup.done', followUpId: 'f1', by: 'dana' },
    ]);
  });

  it('gives the root cause to the incident, and so to the postmortem', () => {
    const [scope] = reportEvents(incident, { ...unchanged, rootCause: 'Webhook timeout' }, 'dana');
    const after = deriveIncident([
      ...events,
      { ...scope!, id: 's1', at: '2026-12-03T11:00:00.000Z' } as IncidentEvent,
    ]);
    assert.equal(after.rootCause, 'Webhook timeout');
  });
});
