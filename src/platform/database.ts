import pg from 'pg';
import type { ClientConfig, QueryResultRow } from 'pg';

import type { Log } from '../common/log';
import type { Action } from '../incident/model';

/** Where the database is; the password comes from the caller's secret storage. */
export interface DatabaseTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /**
   * libpq's `sslmode`: `disable` (default), `require` (encrypted, certificate not checked),
   * `verify-ca`/`verify-full` (checked against the system's trusted CAs).
   */
  sslmode?: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  /** Server-side limit on each statement (default 10 s). */
  statementTimeoutMs?: number;
  /** Limit on connecting (default 10 s). */
  connectTimeoutMs?: number;
  log: Log;
}

/** What went wrong with the database, in the categories the responder acts on differently. */
export type DatabaseErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'authentication'
  | 'noDatabase'
  | 'ssl'
  | 'statementTimeout'
  | 'readOnly'
  | 'permission'
  | 'invalidStatement'
  | 'lockTimeout'
  | 'cancelled'
  | 'failed';

/** A failed database operation, naming the statement's start, the database and what to do. */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';

  constructor(
    readonly kind: DatabaseErrorKind,
    message: string,
    /** PostgreSQL's SQLSTATE, when the server answered. */
    readonly sqlState?: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** `user@host:port/database`, never with the password. */
export const describeTarget = (t: DatabaseTarget) => `${t.user}@${t.host}:${t.port}/${t.database}`;

/** The start of a statement, for messages and logs: statements can hold literals. */
export const statementHead = (sql: string) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
};

function sslOf(mode: DatabaseTarget['sslmode']): ClientConfig['ssl'] {
  switch (mode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // The chain is checked, the host name is not: what libpq's verify-ca means.
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return false;
  }
}

const AUTH_STATES = new Set(['28000', '28P01']);

/** Turns what `pg` threw into a `DatabaseError` saying what failed, where, and what to do. */
export function toDatabaseError(
  err: unknown,
  target: DatabaseTarget,
  doing: string,
): DatabaseError {
  if (err instanceof DatabaseError) {
    return err;
  }
  const e = err as { code?: string; message?: string };
  const where = describeTarget(target);
  const said = e.message ?? String(err);
  const make = (kind: DatabaseErrorKind, text: string) =>
    new DatabaseError(kind, text, /^[0-9A-Z]{5}$/.test(e.code ?? '') ? e.code : undefined, {
      cause: err,
    });
  switch (true) {
    case e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH':
      return make(
        'unreachable',
        `Cannot reach PostgreSQL at ${target.host}:${target.port} (${e.code}) while ${doing}. ` +
          'Check the database host and port in the settings, the VPN, or use a port-forward.',
      );
    case /timeout expired|Connection terminated due to connection timeout/i.test(said):
      return make(
        'timeout',
        `PostgreSQL at ${target.host}:${target.port} did not accept a connection in time ` +
          `while ${doing}. The server may be overloaded or out of connections.`,
      );
    case AUTH_STATES.has(e.code ?? ''):
      return make(
        'authentication',
        `PostgreSQL refused ${where} while ${doing}: ${said}. Check the user in the settings ` +
          'and the password in secret storage.',
      );
    case e.code === '3D000':
      return make(
        'noDatabase',
        `${said} on ${target.host}:${target.port}: check the database name.`,
      );
    case /SSL|certificate|self.signed/i.test(said):
      return make(
        'ssl',
        `TLS to PostgreSQL at ${target.host}:${target.port} failed while ${doing}: ${said}. ` +
          'Check the sslmode setting.',
      );
    case e.code === '57014' && /statement timeout/.test(said):
      return make(
        'statementTimeout',
        `${doing} on ${where} was stopped by the statement timeout ` +
          `(${(target.statementTimeoutMs ?? 10_000) / 1000} s). The database may be overloaded ` +
          'or the statement may need a narrower condition.',
      );
    case e.code === '57014':
      return make('cancelled', `${doing} on ${where} was cancelled.`);
    case e.code === '25006':
      return make(
        'readOnly',
        `Refused: ${said}. Diagnostic sessions are read-only; a change must go through the ` +
          'corrective statement path, in an explicit read-write transaction.',
      );
    case e.code === '42501':
      return make('permission', `${said} (${where}): the database user lacks the privilege.`);
    case e.code === '55P03':
      return make('lockTimeout', `${doing} on ${where} could not get its lock in time: ${said}.`);
    case /^42/.test(e.code ?? ''):
      return make('invalidStatement', `PostgreSQL rejected ${doing}: ${said}.`);
    default:
      return make('failed', `${doing} on ${where} failed: ${said}.`);
  }
}

/**
 * Opens one session. Every session starts read-only: `default_transaction_read_only=on` and the
 * statement timeout are startup options, set by the server before the first statement, so no
 * forgotten `SET` can leave a diagnostic session able to write.
 */
export async function connectReadOnly(
  target: DatabaseTarget,
  extraOptions = '',
): Promise<pg.Client> {
  const timeout = target.statementTimeoutMs ?? 10_000;
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    ssl: sslOf(target.sslmode),
    connectionTimeoutMillis: target.connectTimeoutMs ?? 10_000,
    application_name: 'freelms-incident-response',
    options: `-c default_transaction_read_only=on -c statement_timeout=${timeout}${extraOptions}`,
  });
  // A dropped connection is reported by the query that meets it; without a listener an
  // 'error' event would crash the extension host.
  client.on('error', (err) =>
    target.log.warn(`PostgreSQL ${describeTarget(target)}: ${err.message}`),
  );
  const started = Date.now();
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    const error = toDatabaseError(err, target, 'connecting');
    target.log.warn(
      `connect to PostgreSQL ${describeTarget(target)} failed after ${Date.now() - started} ms: ` +
        `${error.sqlState ?? error.kind}: ${error.message}`,
    );
    throw error;
  }
}

/** Runs one statement on a session, logging it (its start only) when it fails. */
export async function query<R extends QueryResultRow>(
  client: pg.Client,
  target: DatabaseTarget,
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const started = Date.now();
  try {
    return await client.query<R>(sql, params);
  } catch (err) {
    const error = toDatabaseError(err, target, `the statement "${statementHead(sql)}"`);
    target.log.warn(
      `statement "${statementHead(sql)}" on ${describeTarget(target)} failed after ` +
        `${Date.now() - started} ms: ${error.sqlState ?? error.kind}: ${error.message}`,
    );
    throw error;
  }
}

/** Rows of a statement run in a read-only session (refused by the server if it writes). */
export interface ReadOnlyResult {
  rows: Record<string, unknown>[];
  columns: string[];
  rowCount: number;
  elapsedMs: number;
}

/**
 * Runs a statement in its own read-only session and closes it. Writing statements are refused
 * by PostgreSQL itself (`DatabaseError` kind `readOnly`), not by guessing from the SQL text.
 */
export async function runReadOnly(
  target: DatabaseTarget,
  sql: string,
  params: unknown[] = [],
): Promise<ReadOnlyResult> {
  const client = await connectReadOnly(target);
  const started = Date.now();
  try {
    const result = await query(client, target, sql, params);
    return {
      rows: result.rows,
      columns: (result.fields ?? []).map((f) => f.name),
      rowCount: result.rowCount ?? result.rows.length,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A corrective statement run and waiting for the caller's decision. */
export interface CorrectiveRun {
  statement: string;
  /** `UPDATE`, `DELETE`, `INSERT`… as PostgreSQL reports it. */
  command: string;
  rowsAffected: number;
  /** Rows the statement returned (`RETURNING`), at most 100. */
  rows: Record<string, unknown>[];
  /** Makes the change permanent and closes the session. */
  commit(): Promise<CorrectiveOutcome>;
  /** Undoes the change and closes the session. */
  rollback(): Promise<CorrectiveOutcome>;
}

/** What became of a corrective statement. */
export interface CorrectiveOutcome {
  statement: string;
  rowsAffected: number;
  committed: boolean;
}

/** Options of `runCorrective`. */
export interface CorrectiveOptions {
  /**
   * The server rolls the transaction back by itself when no decision comes in this long
   * (`idle_in_transaction_session_timeout`, default 5 min), so an abandoned prompt holds no
   * locks for ever.
   */
  decisionTimeoutMs?: number;
}

/**
 * Runs a corrective statement in an explicit `BEGIN READ WRITE` transaction of its own session
 * and stops there: the rows affected are reported and the caller commits or rolls back (after
 * its typed confirmation). A failing statement rolls back at once and throws. Parameters are
 * sent separately and never logged.
 */
export async function runCorrective(
  target: DatabaseTarget,
  statement: string,
  params: unknown[] = [],
  options: CorrectiveOptions = {},
): Promise<CorrectiveRun> {
  const decision = options.decisionTimeoutMs ?? 300_000;
  const client = await connectReadOnly(
    target,
    ` -c idle_in_transaction_session_timeout=${decision}`,
  );
  let settled = false;
  const finish = async (verb: 'COMMIT' | 'ROLLBACK', rowsAffected: number) => {
    if (settled) {
      throw new DatabaseError(
        'failed',
        `The corrective statement was already ${verb === 'COMMIT' ? 'decided' : 'ended'}.`,
      );
    }
    settled = true;
    try {
      const result = await query(client, target, verb);
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK.
      const committed = verb === 'COMMIT' && result.command === 'COMMIT';
      target.log.info(
        `corrective statement "${statementHead(statement)}" on ${describeTarget(target)}: ` +
          `${rowsAffected} rows, ${committed ? 'committed' : 'rolled back'}`,
      );
      return { statement, rowsAffected, committed };
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  try {
    await query(client, target, 'BEGIN TRANSACTION READ WRITE');
    const result = await query(client, target, statement, params);
    const rowsAffected = result.rowCount ?? 0;
    return {
      statement,
      command: result.command,
      rowsAffected,
      rows: result.rows.slice(0, 100),
      commit: () => finish('COMMIT', rowsAffected),
      rollback: () => finish('ROLLBACK', rowsAffected),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
    throw err;
  }
}

/** The journal's record of a corrective statement (never its parameters). */
export function queryAction(outcome: CorrectiveOutcome): Action {
  return {
    kind: 'query',
    statement: outcome.statement,
    rowsAffected: outcome.rowsAffected,
    committed: outcome.committed,
  };
}
