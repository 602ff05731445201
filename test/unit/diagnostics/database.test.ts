import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { queryAction, runCorrective, runReadOnly } from '../../../src/platform/database';
import type { DatabaseError, DatabaseTarget } from '../../../src/platform/database';
import { checkDatabase } from '../../../src/platform/databaseChecks';
import { memoryLog } from '../mitigation/helpers';

const base = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };

describe('database checks (runbook option D, read-only first)', function () {
  this.timeout(20_000);
  const schema = `freelms_ir_${randomBytes(4).toString('hex')}`;
  const table = `${schema}.enrollments`;
  const sessions: pg.Client[] = [];
  let lines: string[];
  let target: DatabaseTarget;

  /** A second session, as another service of the platform would hold. */
  const session = async () => {
    const c = new pg.Client({ ...base, application_name: 'course-service' });
    c.on('error', () => undefined);
    await c.connect();
    sessions.push(c);
    return c;
  };
  const statusOf = async () =>
    (await (await session()).query(`SELECT id, status FROM ${table} ORDER BY id`)).rows;

  before(async () => {
    const admin = await session();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, status text NOT NULL)`);
    await admin.query(`INSERT INTO ${table} VALUES (1, 'stuck'), (2, 'stuck'), (3, 'active')`);
  });
  beforeEach(() => {
    const memory = memoryLog();
    lines = memory.lines;
    target = { ...base, log: memory.log, statementTimeoutMs: 5000 };
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((c) => c.end().catch(() => undefined)));
  });
  after(async () => {
    const admin = new pg.Client(base);
    await admin.connect();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });

  it('counts connections by state and finds the long query and the idle transaction', async () => {
    const idle = await session();
    await idle.query('BEGIN');
    await idle.query(`SELECT * FROM ${table}`);
    const busy = await session();
    const sleeping = busy
      .query('SELECT pg_sleep(1.5) /* freelms-long-query */')
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));

    const report = await checkDatabase(target);
    assert.match(report.serverVersion, /^\d+/);
    assert.ok(report.maxConnections > 0);
    assert.ok(report.connections >= 2);
    const count = (state: string) => report.byState.find((s) => s.state === state)?.count ?? 0;
    assert.ok(count('idle in transaction') >= 1);
    assert.ok(count('active') >= 1);
    const long = report.longestRunning.find((r) => r.query?.includes('freelms-long-query'));
    assert.ok(long, JSON.stringify(report.longestRunning));
    assert.equal(long.application, 'course-service');
    assert.ok((long.querySeconds ?? 0) >= 0.1);
    const stuck = report.idleInTransaction.find((r) => r.query?.includes(table));
    assert.ok(stuck);
    assert.equal(stuck.state, 'idle in transaction');
    assert.ok((stuck.transactionSeconds ?? 0) > 0);
    await sleeping;
  });

  it('shows who blocks whom on a row lock', async () => {
    const holder = await session();
    await holder.query('BEGIN');
    await holder.query(`UPDATE ${table} SET status = 'held' WHERE id = 3`);
    const waiter = await session();
    const waiting = waiter
      .query(`SELECT * FROM ${table} WHERE id = 3 FOR UPDATE /* freelms-waiter */`)
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));

    const report = await checkDatabase(target);
    const lock = report.blockedLocks.find((l) => l.blocked.query?.includes('freelms-waiter'));
    assert.ok(lock, JSON.stringify(report.blockedLocks));
    assert.equal(lock.blocker.pid, (holder as unknown as { processID: number }).processID);
    assert.equal(lock.blocker.state, 'idle in transaction');
    assert.match(lock.waitingFor ?? '', /^transactionid ShareLock$/);
    assert.equal(lock.blocked.waitEventType, 'Lock');
    await holder.query('ROLLBACK');
    await waiting;
  });

  it('refuses a write in the read-only session', async () => {
    await assert.rejects(
      runReadOnly(target, `UPDATE ${table} SET status = 'fixed' WHERE status = $1`, ['stuck']),
      (e: DatabaseError) => {
        assert.equal(e.kind, 'readOnly');
        assert.equal(e.sqlState, '25006');
        assert.match(e.message, /cannot execute UPDATE in a read-only transaction/);
        return true;
      },
    );
    assert.deepEqual(
      (await statusOf()).map((r) => r.status),
      ['stuck', 'stuck', 'active'],
    );
    assert.ok(lines.some((l) => /warn .*statement "UPDATE .* failed after \d+ ms: 25006/.test(l)));
    assert.ok(!lines.some((l) => l.includes("'stuck'")), 'parameters are not logged');
  });

  it('reads in the read-only session', async () => {
    const result = await runReadOnly(
      target,
      `SELECT count(*)::int AS n FROM ${table} WHERE status = $1`,
      ['stuck'],
    );
    assert.deepEqual(result.rows, [{ n: 2 }]);
    assert.deepEqual(result.columns, ['n']);
  });

  it('stops a statement at the statement timeout', async () => {
    await assert.rejects(
      runReadOnly({ ...target, statementTimeoutMs: 100 }, 'SELECT pg_sleep(2)'),
      (e: DatabaseError) =>
        e.kind === 'statementTimeout' && /statement timeout \(0.1 s\)/.test(e.message),
    );
  });

  it('runs a corrective statement in a transaction and rolls it back when asked', async () => {
    const run = await runCorrective(
      target,
      `UPDATE ${table} SET status = 'fixed' WHERE status = $1`,
      ['stuck'],
    );
    assert.equal(run.command, 'UPDATE');
    assert.equal(run.rowsAffected, 2);
    assert.deepEqual(
      (await statusOf()).map((r) => r.status),
      ['stuck', 'stuck', 'active'],
      'not visible before commit',
    );
    const outcome = await run.rollback();
    assert.deepEqual(outcome, { statement: run.statement, rowsAffected: 2, committed: false });
    assert.deepEqual(
      (await statusOf()).map((r) => r.status),
      ['stuck', 'stuck', 'active'],
    );
    await assert.rejects(run.commit(), /already/);
  });

  it('commits a corrective statement when confirmed, and records it for the timeline', async () => {
    const run = await runCorrective(
      target,
      `UPDATE ${table} SET status = 'fixed' WHERE id = $1 RETURNING id`,
      [1],
    );
    assert.deepEqual(run.rows, [{ id: 1 }]);
    const outcome = await run.commit();
    assert.equal(outcome.committed, true);
    assert.deepEqual(queryAction(outcome), {
      kind: 'query',
      statement: `UPDATE ${table} SET status = 'fixed' WHERE id = $1 RETURNING id`,
      rowsAffected: 1,
      committed: true,
    });
    assert.deepEqual(
      (await statusOf()).map((r) => r.status),
      ['fixed', 'stuck', 'active'],
    );
  });

  it('rolls back at once when the corrective statement fails', async () => {
    await assert.rejects(
      runCorrective(target, `UPDATE ${table} SET nope = 1`),
      (e: DatabaseError) => e.kind === 'invalidStatement' && /column "nope"/.test(e.message),
    );
  });

  it('explains an unreachable server, an unknown database and an unknown user', async () => {
    await assert.rejects(
      checkDatabase({ ...target, port: 1 }),
      (e: DatabaseError) =>
        e.kind === 'unreachable' && /Cannot reach PostgreSQL at 127.0.0.1:1/.test(e.message),
    );
    await assert.rejects(
      checkDatabase({ ...target, database: 'no_such_db' }),
      (e: DatabaseError) => e.kind === 'noDatabase' && /no_such_db/.test(e.message),
    );
    await assert.rejects(
      checkDatabase({ ...target, user: 'no_such_user', password: 'pw-not-logged' }),
      (e: DatabaseError) =>
        e.kind === 'authentication' && /no_such_user@127.0.0.1:5432\/test/.test(e.message),
    );
    assert.ok(!lines.some((l) => l.includes('pw-not-logged')));
  });
});
