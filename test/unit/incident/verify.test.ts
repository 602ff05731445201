import assert from 'node:assert/strict';

import { defaultChecklist, evaluateChecklist } from '../../../src/incident/checklist';
import { deriveIncident } from '../../../src/incident/derive';
import { describeEvent } from '../../../src/incident/describe';
import type { IncidentEvent, ServiceSnapshot } from '../../../src/incident/model';
import {
  baselineOf,
  compareSnapshots,
  NO_BASELINE,
  type SnapshotMeasurement,
} from '../../../src/incident/verify';
import { gatewayDeclared } from './sample';

const service = (name: string, fields: Partial<ServiceSnapshot> = {}): ServiceSnapshot => ({
  service: name,
  unhealthyPods: [],
  ...fields,
});

const crashing = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `api-gateway-7c9-${i}`,
    status: 'CrashLoopBackOff',
  }));

/** The api-gateway outage as the baseline recorded it: no pod ready, 1,204 ERROR lines. */
const outage: SnapshotMeasurement = {
  health: { status: 'DOWN', httpStatus: 503, url: 'https://api.example.test/actuator/health' },
  services: [
    service('api-gateway', { ready: 0, desired: 3, unhealthyPods: crashing(3), errorLines: 1204 }),
  ],
  errorWindowMinutes: 5,
};

const healed: SnapshotMeasurement = {
  health: { status: 'UP', httpStatus: 200, url: 'https://api.example.test/actuator/health' },
  services: [service('api-gateway', { ready: 3, desired: 3, errorLines: 3 })],
  errorWindowMinutes: 5,
};

describe('verify fix: comparing with the baseline taken at declaration', () => {
  it('shows a healed rollback as the runbook reads it: ready, pods, errors and health, before → after', () => {
    const result = compareSnapshots(outage, healed);
    assert.deepEqual(result.comparison, [
      'health: DOWN (HTTP 503) → UP',
      'api-gateway: 0 of 3 ready → 3 of 3',
      'api-gateway: unhealthy pods: 3 (3 CrashLoopBackOff) → none',
      'api-gateway: ERROR lines in 5 min: 1,204 → 3',
    ]);
    assert.equal(result.ok, true);
    assert.deepEqual(result.failing, []);
  });

  it('is not ok while a replica is still not ready, naming the service whose logs to open', () => {
    const now: SnapshotMeasurement = {
      ...healed,
      services: [
        service('api-gateway', {
          ready: 2,
          desired: 3,
          unhealthyPods: [{ name: 'api-gateway-7c9-2', status: 'Running' }],
          errorLines: 12_345,
        }),
      ],
    };
    const result = compareSnapshots(outage, now);
    assert.equal(result.ok, false);
    assert.ok(result.comparison.includes('api-gateway: 0 of 3 ready → 2 of 3'));
    assert.ok(result.comparison.includes('api-gateway: ERROR lines in 5 min: 1,204 → 12,345'));
    assert.ok(
      result.comparison.includes(
        'api-gateway: unhealthy pods: 3 (3 CrashLoopBackOff) → 1 (1 Running)',
      ),
    );
    assert.deepEqual(result.failing, [
      'api-gateway: 2 of 3 ready',
      'api-gateway: 1 unhealthy pods',
    ]);
    assert.deepEqual(result.failingServices, ['api-gateway']);
  });

  it('does not require ERROR lines to reach zero: a falling count is reported, not judged', () => {
    const now = {
      ...healed,
      services: [service('api-gateway', { ready: 3, desired: 3, errorLines: 40 })],
    };
    assert.equal(compareSnapshots(outage, now).ok, true);
  });

  it('is not ok when health is DOWN even with every replica ready', () => {
    const now = { ...healed, health: { status: 'DOWN', httpStatus: 503 } };
    const result = compareSnapshots(outage, now);
    assert.equal(result.ok, false);
    assert.equal(result.comparison[0], 'health: DOWN (HTTP 503) → DOWN (HTTP 503)');
    assert.deepEqual(result.failing, ['health DOWN (HTTP 503)']);
  });

  it('says when the health endpoint gave no answer, and what could not be measured', () => {
    const now: SnapshotMeasurement = {
      ...healed,
      health: { status: 'UNKNOWN', url: 'https://x.test', error: 'No answer from https://x.test' },
      problems: ['health: No answer from https://x.test: ECONNREFUSED'],
    };
    const result = compareSnapshots(outage, now);
    assert.equal(result.comparison[0], 'health: DOWN (HTTP 503) → no answer');
    assert.equal(
      result.comparison.at(-1),
      'not measured: health: No answer from https://x.test: ECONNREFUSED',
    );
    assert.equal(result.ok, false);
  });

  it('is not ok when health is not configured: nothing says the service answers', () => {
    const now = { ...healed, health: undefined };
    const result = compareSnapshots({ ...outage, health: undefined }, now);
    assert.equal(result.comparison[0], 'health: not measured → not measured');
    assert.deepEqual(result.failing, ['health not measured']);
  });

  it('says a service has no Deployment instead of inventing numbers, and is not ok', () => {
    const now: SnapshotMeasurement = {
      ...healed,
      services: [...healed.services, service('media-transcoder')],
      problems: ['media-transcoder: no Deployment named media-transcoder in namespace freelms'],
    };
    const before = { ...outage, services: [...outage.services, service('media-transcoder')] };
    const result = compareSnapshots(before, now);
    assert.ok(result.comparison.includes('media-transcoder: not measured → not measured'));
    assert.ok(
      result.comparison.includes(
        'media-transcoder: ERROR lines in 5 min: not measured → not measured',
      ),
    );
    assert.deepEqual(result.failingServices, ['media-transcoder']);
    assert.equal(result.ok, false);
  });

  it('names a service added to the scope after the baseline, with its present state', () => {
    const now: SnapshotMeasurement = {
      ...healed,
      services: [
        ...healed.services,
        service('payment-service', { ready: 2, desired: 2, errorLines: 0 }),
      ],
    };
    const result = compareSnapshots(outage, now);
    assert.ok(
      result.comparison.includes(
        'payment-service: not in the baseline; now 2 of 2 ready, unhealthy pods: none',
      ),
    );
    assert.ok(result.comparison.includes('payment-service: ERROR lines in 5 min: 0'));
    assert.equal(result.ok, true);
  });

  it('says so when there is no baseline, and gives the present alone', () => {
    const result = compareSnapshots(undefined, healed);
    assert.deepEqual(result.comparison, [
      NO_BASELINE,
      'health: UP',
      'api-gateway: 3 of 3 ready',
      'api-gateway: unhealthy pods: none',
      'api-gateway: ERROR lines in 5 min: 3',
    ]);
    assert.equal(result.ok, true);
  });

  it('names both error windows when the baseline counted over a different one', () => {
    const before = { ...outage, errorWindowMinutes: 15 };
    assert.ok(
      compareSnapshots(before, healed).comparison.includes(
        'api-gateway: ERROR lines: 1,204 in 15 min → 3 in 5 min',
      ),
    );
  });

  it('says when the incident names no services: only the health endpoint is compared', () => {
    const result = compareSnapshots({ ...outage, services: [] }, { ...healed, services: [] });
    assert.deepEqual(result.comparison, [
      'health: DOWN (HTTP 503) → UP',
      'no affected services recorded on the incident: only the health endpoint',
    ]);
    assert.equal(result.ok, true);
  });
});

describe('verify fix on the runbook checklist', () => {
  const declared = gatewayDeclared;
  const snapshot = (id: string, minute: number, fields: Record<string, unknown>): IncidentEvent =>
    ({
      id,
      at: new Date(Date.parse(declared.at) + minute * 60_000).toISOString(),
      type: 'snapshot.taken',
      ...outage,
      ...fields,
    }) as IncidentEvent;
  const verifyItem = (events: IncidentEvent[]) => {
    const incident = deriveIncident(events, '/tmp/journal.jsonl');
    const resolution = evaluateChecklist(
      defaultChecklist(),
      incident,
      new Date('2026-12-03T12:00:00Z'),
    ).find((phase) => phase.kind === 'resolution')!;
    return resolution.items.find((item) => item.title === 'Verify fix')!;
  };

  it('ticks "Verify fix" when Verify Fix found the services healthy', () => {
    const events = [
      declared,
      snapshot('e1', 1, { purpose: 'declaration' }),
      snapshot('e2', 20, { purpose: 'verify', ...healed, ok: true }),
    ];
    const item = verifyItem(events);
    assert.equal(item.ticked, true);
    assert.equal(item.tickedAt, events[2]!.at);
  });

  it('leaves "Verify fix" open when Verify Fix found them still failing', () => {
    const events = [declared, snapshot('e1', 20, { purpose: 'verify', ok: false })];
    assert.equal(verifyItem(events).ticked, false);
  });

  it('says on the timeline that a fix still failing was not verified', () => {
    const failing = snapshot('e1', 20, {
      purpose: 'verify',
      ok: false,
      comparison: ['health: DOWN (HTTP 503) → DOWN (HTTP 503)'],
    });
    assert.equal(
      describeEvent(failing),
      'Fix not verified: not healthy yet; health: DOWN (HTTP 503) → DOWN (HTTP 503)',
    );
    const healthy = snapshot('e2', 21, { purpose: 'verify', ok: true, comparison: [] });
    assert.match(describeEvent(healthy) ?? '', /^Fix verified: healthy/);
  });

  it('finds the baseline among the events: the declaration snapshot, not a later verify', () => {
    const events = [
      declared,
      snapshot('e1', 1, { purpose: 'declaration' }),
      snapshot('e2', 20, { purpose: 'verify', ...healed, ok: true }),
    ];
    assert.equal(baselineOf(deriveIncident(events, '/tmp/journal.jsonl'))?.id, 'e1');
    assert.equal(baselineOf(deriveIncident([declared], '/tmp/journal.jsonl')), undefined);
  });
});
