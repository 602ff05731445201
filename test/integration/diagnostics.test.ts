import assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import type { AssessmentOutcome, CheckOutcome } from '../../src/ui/diagnostics/diagnosticsCommands';
import { Commands } from '../../src/ui/ids';
import type { CorrectiveResult } from '../../src/ui/mitigation/correctiveQuery';
import { sandbox } from './sandbox';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
}

async function healthStatus(): Promise<string> {
  const response = await fetch(sandbox()!.health);
  return ((await response.json()) as { status: string }).status;
}

describe('diagnostics against the sandbox: health, database, Redis, Kafka', function () {
  this.timeout(90_000);
  let incidentId: string;

  before(async function () {
    if (!sandbox()) this.skip();
    incidentId = await vscode.commands.executeCommand<string>(Commands.declareIncident, {
      title: 'Course catalogue slow',
      severity: 'P3',
      createSlackChannel: false,
    });
  });

  it('runs the health check: the status the endpoint reports, recorded as check.ran', async () => {
    const { store } = await api();
    const result = await vscode.commands.executeCommand<CheckOutcome>(Commands.runHealthCheck, {
      incidentId,
      quiet: true,
    });
    const status = await healthStatus();
    assert.equal(result.error, undefined, result.summary);
    assert.ok(result.summary.startsWith(status), `${result.summary} vs ${status}`);
    assert.equal(result.ok, status === 'UP');
    const checks = (await store.get(incidentId))!.events.filter((e) => e.type === 'check.ran');
    assert.equal(checks.at(-1)?.type === 'check.ran' && checks.at(-1)?.check, 'health');
  });

  it('runs the Initial Assessment: health, unhealthy pods and recent errors at once', async () => {
    const { store } = await api();
    const before = (await store.get(incidentId))!.events.length;
    const result = await vscode.commands.executeCommand<AssessmentOutcome>(
      Commands.initialAssessment,
      { incidentId, quiet: true },
    );
    for (const part of [result.health, result.pods, result.errors])
      assert.equal(part.error, undefined, `${part.check}: ${part.summary}`);
    assert.match(result.pods.summary, /pods in freelms/);
    assert.match(result.errors.summary, /ERROR lines in the last 15 min/);
    // The outbox may be journaling deliveries of the declaration meanwhile, and the baseline
    // measured in the background at declaration may land now: only checks count.
    const added = (await store.get(incidentId))!.events
      .slice(before)
      .filter(
        (e) =>
          !e.type.startsWith('delivery.') &&
          e.type !== 'linked' &&
          !(e.type === 'snapshot.taken' && e.purpose === 'declaration'),
      );
    assert.deepEqual(added.map((e) => (e.type === 'check.ran' ? e.check : e.type)).sort(), [
      'errors',
      'health',
      'pods',
    ]);
  });

  it('checks the database in a read-only session: connections by state', async () => {
    const result = await vscode.commands.executeCommand<CheckOutcome>(Commands.checkDatabase, {
      quiet: true,
    });
    assert.equal(result.error, undefined, result.summary);
    assert.match(result.summary, /\d+ of \d+ connections/);
    assert.ok(result.details.some((d) => d.label === 'Connections by state'));
    assert.ok(!JSON.stringify(result).includes('password'));
  });

  it('reads in a read-only session and refuses a write there, saying how to write', async () => {
    const read = await vscode.commands.executeCommand<CorrectiveResult>(
      Commands.runCorrectiveQuery,
      { statement: 'SELECT 1 AS one' },
    );
    assert.equal(read.outcome, 'read', read.message);
    assert.deepEqual(read.rows, [{ one: 1 }]);
    const refused = await vscode.commands.executeCommand<CorrectiveResult>(
      Commands.runCorrectiveQuery,
      { statement: 'CREATE TABLE freelms_probe (n int)' },
    );
    assert.equal(refused.outcome, 'refused', refused.message);
    assert.equal(refused.reason, 'readOnly');
    assert.match(refused.message, /read-only/);
  });

  it('runs a confirmed corrective statement, shows the rows affected and rolls it back', async () => {
    const { store } = await api();
    const result = await vscode.commands.executeCommand<CorrectiveResult>(
      Commands.runCorrectiveQuery,
      {
        statement: 'CREATE TABLE freelms_probe AS SELECT generate_series(1, 3) AS n',
        write: true,
        confirm: true,
        commit: false,
        incidentId,
      },
    );
    assert.equal(result.outcome, 'rolledBack', result.message);
    assert.equal(result.rowCount, 3);
    const action = (await store.get(incidentId))!.actions.at(-1)!.action;
    assert.deepEqual(action, {
      kind: 'query',
      statement: 'CREATE TABLE freelms_probe AS SELECT generate_series(1, 3) AS n',
      rowsAffected: 3,
      committed: false,
    });
    const gone = await vscode.commands.executeCommand<CorrectiveResult>(
      Commands.runCorrectiveQuery,
      { statement: "SELECT to_regclass('freelms_probe') IS NULL AS gone" },
    );
    assert.deepEqual(gone.rows, [{ gone: true }], 'nothing was committed');
  });

  it('reads Redis INFO through exec in redis-0', async () => {
    const result = await vscode.commands.executeCommand<CheckOutcome>(Commands.redisStatus, {
      quiet: true,
    });
    assert.equal(result.error, undefined, result.summary);
    assert.match(result.summary, /^Redis \d/);
    assert.match(result.target ?? '', /redis-0/);
  });

  it('reads Kafka consumer lag through exec in kafka-0, worst group first', async () => {
    const result = await vscode.commands.executeCommand<CheckOutcome>(Commands.kafkaLag, {
      quiet: true,
    });
    assert.equal(result.error, undefined, result.summary);
    assert.match(result.summary, /consumer groups; worst \S+ lag \d+/);
    assert.ok(result.details.length > 0);
  });

  it('runs a check again from its Diagnostics row', async () => {
    const result = await vscode.commands.executeCommand<CheckOutcome>(Commands.rerunDiagnostic, {
      check: 'health',
    });
    assert.equal(result.check, 'health');
  });
});
