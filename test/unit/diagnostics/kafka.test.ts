import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { consumerLagViaExec, parseConsumerGroups } from '../../../src/platform/kafka';
import { startCluster } from '../mitigation/helpers';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('Kafka consumer lag (kafka-consumer-groups.sh --describe)', function () {
  this.timeout(20_000);

  it('totals the lag per group over --all-groups, worst first', () => {
    const report = parseConsumerGroups(fixture('kafka-all-groups-current.txt'));
    assert.deepEqual(
      report.groups.map((g) => [g.group, g.totalLag, g.active]),
      [
        ['notification-service', 62705, true],
        ['search-indexer', 2211, false],
        ['payment-service', 453, false],
        ['course-service', 0, true],
      ],
    );
    const notifications = report.groups[0]!;
    assert.equal(notifications.partitions.length, 3);
    assert.deepEqual(notifications.partitions[1], {
      group: 'notification-service',
      topic: 'enrollment-events',
      partition: 1,
      currentOffset: 1902774,
      logEndOffset: 1923702,
      lag: 20928,
      consumerId: 'consumer-notification-service-2-6f3e2d10-8c4b-4a7e-b5d2-0e9f8a7b6c22',
      host: '/10.244.2.16',
      clientId: 'consumer-notification-service-2',
    });
    assert.deepEqual(
      notifications.members.map((m) => [m.clientId, m.partitions]),
      [
        ['consumer-notification-service-1', 2],
        ['consumer-notification-service-2', 1],
      ],
    );
  });

  it('keeps a group with no active members and its partitions without a committed offset', () => {
    const report = parseConsumerGroups(fixture('kafka-all-groups-current.txt'));
    const indexer = report.groups.find((g) => g.group === 'search-indexer')!;
    assert.equal(indexer.active, false);
    assert.deepEqual(indexer.notes, ['has no active members']);
    assert.equal(indexer.unknownLag, 1);
    assert.equal(indexer.partitions[1]!.currentOffset, undefined);
    assert.equal(indexer.partitions[1]!.lag, undefined);
    assert.equal(indexer.partitions[1]!.logEndOffset, 45012);
    assert.deepEqual(indexer.members, []);
    const payments = report.groups.find((g) => g.group === 'payment-service')!;
    assert.deepEqual(payments.notes, ['is rebalancing']);
  });

  it('lists members holding no partition apart from the partition rows', () => {
    const report = parseConsumerGroups(fixture('kafka-one-group-members-without-partitions.txt'));
    assert.equal(report.groups.length, 1);
    const g = report.groups[0]!;
    assert.equal(g.group, 'grading-consumer');
    assert.equal(g.totalLag, 25);
    assert.equal(g.partitions.length, 1);
    assert.deepEqual(
      g.members.map((m) => [m.clientId, m.partitions]),
      [
        ['consumer-1', 1],
        ['consumer-2', 0],
        ['consumer-3', 0],
      ],
    );
    assert.equal(g.active, true);
  });

  it('reads the old format without a GROUP column', () => {
    const report = parseConsumerGroups(fixture('kafka-old-format-no-active-members.txt'));
    assert.deepEqual(
      report.groups.map((g) => [g.group, g.totalLag, g.active, g.partitions.length]),
      [['certificate-mailer', 107, false, 2]],
    );
    const bare =
      'TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID\n' +
      't 0 5 9 4 - - -\n';
    assert.equal(parseConsumerGroups(bare, 'given').groups[0]!.group, 'given');
    assert.match(parseConsumerGroups(bare).messages[0]!, /without a group name/);
  });

  it('passes on Kafka’s errors', () => {
    const report = parseConsumerGroups("Error: Consumer group 'nope' does not exist.\n");
    assert.deepEqual(
      report.groups.map((g) => [g.group, g.notes]),
      [['nope', ['does not exist']]],
    );
    const other = parseConsumerGroups(
      'Error: Executing consumer group command failed due to timeout\n',
    );
    assert.deepEqual(other.messages, [
      'Error: Executing consumer group command failed due to timeout',
    ]);
  });

  it('runs the runbook’s command on kafka-0 of the sandbox through exec', async () => {
    const c = await startCluster();
    try {
      const report = await consumerLagViaExec(c.connection);
      assert.ok(report.groups.length >= 2);
      assert.ok(report.groups[0]!.totalLag >= report.groups[1]!.totalLag);
      assert.ok(report.groups.every((g) => g.partitions.length > 0));
      const kubectl = await c.kubectl(
        'exec',
        'kafka-0',
        '--',
        'kafka-consumer-groups.sh',
        '--bootstrap-server',
        'localhost:9092',
        '--describe',
        '--all-groups',
      );
      const fromKubectl = parseConsumerGroups(kubectl.out);
      assert.deepEqual(
        fromKubectl.groups.map((g) => g.group).sort(),
        report.groups.map((g) => g.group).sort(),
      );
    } finally {
      await c.stop();
    }
  });
});
