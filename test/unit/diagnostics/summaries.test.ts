import assert from 'node:assert/strict';

import type { DatabaseReport } from '../../../src/platform/databaseChecks';
import type { HealthReport } from '../../../src/platform/health';
import { parseConsumerGroups } from '../../../src/platform/kafka';
import {
  databaseResult,
  healthResult,
  kafkaResult,
  KAFKA_LAG_THRESHOLD,
} from '../../../src/ui/diagnostics/summaries';

const at = new Date('2026-12-03T10:00:00Z');

describe('what the Diagnostics view and the timeline say about each check', () => {
  it('names the failing health components in the summary and nests the details', () => {
    const report: HealthReport = {
      url: 'http://h/actuator/health',
      httpStatus: 503,
      status: 'DOWN',
      format: 'components',
      components: [
        { name: 'db', path: 'db', status: 'UP', details: {}, components: [] },
        {
          name: 'redis',
          path: 'redis',
          status: 'DOWN',
          details: {},
          error: 'Connection refused',
          components: [],
        },
      ],
      groups: [],
      failing: ['redis'],
      checkedAt: at,
      elapsedMs: 12,
    };
    const result = healthResult(report);
    assert.equal(result.ok, false);
    assert.equal(result.summary, 'DOWN (HTTP 503, 12 ms); not UP: redis');
    assert.deepEqual(
      result.details.map((d) => [d.label, d.description, d.warning]),
      [
        ['db', 'UP', false],
        ['redis', 'DOWN: Connection refused', true],
      ],
    );
  });

  it('flags idle-in-transaction sessions and blocked locks in the database summary', () => {
    const backend = { pid: 42, user: 'app', state: 'idle in transaction', querySeconds: 95 };
    const report: DatabaseReport = {
      serverVersion: '16.4',
      maxConnections: 100,
      connections: 12,
      byState: [
        { state: 'idle', count: 10 },
        { state: 'idle in transaction', count: 2 },
      ],
      longestRunning: [],
      idleInTransaction: [backend],
      blockedLocks: [{ blocked: { pid: 7 }, blocker: backend, waitingFor: 'relation courses' }],
      checkedAt: at,
      elapsedMs: 30,
    };
    const result = databaseResult(report, 'app@db:5432/freelms');
    assert.equal(result.ok, false);
    assert.equal(
      result.summary,
      '12 of 100 connections; 1 idle in transaction, 1 blocked (PostgreSQL 16.4)',
    );
    const blocked = result.details.find((d) => d.label === 'Blocked')!;
    assert.equal(blocked.children?.[0]?.label, 'pid 7 waits for pid 42');
  });

  it('reports the worst consumer group first and counts lag above the threshold as a problem', () => {
    const text = [
      'GROUP  TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG   CONSUMER-ID  HOST  CLIENT-ID',
      `slow   events  0          0               ${KAFKA_LAG_THRESHOLD + 5}            ` +
        `${KAFKA_LAG_THRESHOLD + 5}  c-1  /10.0.0.1  c`,
      '',
      'GROUP  TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG   CONSUMER-ID  HOST  CLIENT-ID',
      'fast   events  0          10              10              0     c-2  /10.0.0.2  c',
    ].join('\n');
    const result = kafkaResult(parseConsumerGroups(text), 'kafka-0', at);
    assert.equal(result.ok, false);
    assert.match(result.summary, /^2 consumer groups; worst slow lag 1005/);
    assert.equal(result.details[0]?.warning, true);
  });
});
