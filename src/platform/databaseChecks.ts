import { connectReadOnly, query } from './database';
import type { DatabaseTarget } from './database';

/** A backend from `pg_stat_activity`, as the checks list it. */
export interface BackendRow {
  pid: number;
  user?: string;
  database?: string;
  application?: string;
  client?: string;
  state?: string;
  waitEventType?: string;
  waitEvent?: string;
  /** Seconds since the current (or last) query started. */
  querySeconds?: number;
  /** Seconds since the transaction started. */
  transactionSeconds?: number;
  /** The query, cut at 500 characters. `<insufficient privilege>` for other users' sessions
   * unless the user has `pg_read_all_stats`. */
  query?: string;
}

/** A backend waiting for a lock, and one that holds it up. */
export interface BlockedLock {
  blocked: BackendRow;
  /** `transactionid ShareLock`, `relation AccessExclusiveLock on public.enrollments`. */
  waitingFor?: string;
  blocker: BackendRow;
}

/** `FreeLMS: Check Database`: the runbook's connection count and what holds the database up. */
export interface DatabaseReport {
  serverVersion: string;
  maxConnections: number;
  /** Client connections, ours excluded. */
  connections: number;
  /** Client connections by `state` (`active`, `idle`, `idle in transaction`…), most first. */
  byState: { state: string; count: number }[];
  longestRunning: BackendRow[];
  idleInTransaction: BackendRow[];
  blockedLocks: BlockedLock[];
  checkedAt: Date;
  elapsedMs: number;
}

const COLUMNS: [string, string][] = [
  ['pid', 'pid'],
  ['user', 'usename'],
  ['database', 'datname'],
  ['application', 'application_name'],
  ['client', 'host(client_addr)'],
  ['state', 'state'],
  ['waitEventType', 'wait_event_type'],
  ['waitEvent', 'wait_event'],
  ['querySeconds', 'extract(epoch FROM now() - query_start)::float8'],
  ['transactionSeconds', 'extract(epoch FROM now() - xact_start)::float8'],
  ['query', 'left(query, 500)'],
];

const ACTIVITY_COLUMN = new RegExp(
  '\\b(pid|usename|datname|application_name|client_addr|state|wait_event_type|wait_event|' +
    'query_start|xact_start|query)\\b',
  'g',
);

/** The backend columns of `pg_stat_activity` row `alias`, named `<prefix><field>`. */
function backendColumns(alias: string, prefix = ''): string {
  return COLUMNS.map(([name, expr]) => {
    const qualified = expr.replace(ACTIVITY_COLUMN, `${alias}.$1`);
    return `${qualified} AS "${prefix}${name}"`;
  }).join(',\n  ');
}

// backend_type is PostgreSQL 10+; older servers are long out of support.
const CLIENTS = `backend_type = 'client backend' AND pid <> pg_backend_pid()`;

const BY_STATE = `
  SELECT coalesce(state, 'unknown') AS state, count(*)::int AS count
  FROM pg_stat_activity WHERE ${CLIENTS}
  GROUP BY 1 ORDER BY 2 DESC, 1`;

const LONGEST = `
  SELECT ${backendColumns('a')} FROM pg_stat_activity a
  WHERE ${CLIENTS} AND a.state = 'active'
  ORDER BY a.query_start NULLS LAST LIMIT $1`;

const IDLE_IN_TRANSACTION = `
  SELECT ${backendColumns('a')} FROM pg_stat_activity a
  WHERE ${CLIENTS} AND a.state LIKE 'idle in transaction%'
  ORDER BY a.xact_start NULLS LAST LIMIT $1`;

const BLOCKED = `
  SELECT
    ${backendColumns('blocked', 'blocked.')},
    ${backendColumns('blocker', 'blocker.')},
    (SELECT l.locktype || ' ' || l.mode
            || coalesce(' on ' || l.relation::regclass::text, '')
       FROM pg_locks l WHERE l.pid = blocked.pid AND NOT l.granted LIMIT 1) AS "waitingFor"
  FROM pg_stat_activity blocked
  CROSS JOIN LATERAL unnest(pg_blocking_pids(blocked.pid)) AS b(pid)
  JOIN pg_stat_activity blocker ON blocker.pid = b.pid
  WHERE blocked.pid <> pg_backend_pid()
  ORDER BY blocked.query_start NULLS LAST LIMIT $1`;

const round = (n: unknown) => (typeof n === 'number' ? Math.round(n * 10) / 10 : undefined);

function backend(row: Record<string, unknown>, prefix = ''): BackendRow {
  const text = (name: string) => {
    const v = row[prefix + name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  return {
    pid: Number(row[`${prefix}pid`]),
    user: text('user'),
    database: text('database'),
    application: text('application'),
    client: text('client'),
    state: text('state'),
    waitEventType: text('waitEventType'),
    waitEvent: text('waitEvent'),
    querySeconds: round(row[`${prefix}querySeconds`]),
    transactionSeconds: round(row[`${prefix}transactionSeconds`]),
    query: text('query'),
  };
}

/**
 * Runs the database checks in one read-only session: connection count and count by state,
 * the longest-running queries, sessions idle in a transaction, and who blocks whom
 * (`pg_blocking_pids`, with the lock waited for from `pg_locks`). Throws `DatabaseError`.
 */
export async function checkDatabase(
  target: DatabaseTarget,
  options: { limit?: number } = {},
): Promise<DatabaseReport> {
  const limit = options.limit ?? 10;
  const started = Date.now();
  const client = await connectReadOnly(target);
  try {
    const settings = await query<{ version: string; max: string }>(
      client,
      target,
      `SELECT current_setting('server_version') AS version,
              current_setting('max_connections') AS max`,
    );
    const byState = await query<{ state: string; count: number }>(client, target, BY_STATE);
    const longest = await query(client, target, LONGEST, [limit]);
    const idle = await query(client, target, IDLE_IN_TRANSACTION, [limit]);
    const blocked = await query(client, target, BLOCKED, [limit]);
    return {
      serverVersion: settings.rows[0]!.version,
      maxConnections: Number(settings.rows[0]!.max),
      connections: byState.rows.reduce((n, r) => n + r.count, 0),
      byState: byState.rows,
      longestRunning: longest.rows.map((r) => backend(r)),
      idleInTransaction: idle.rows.map((r) => backend(r)),
      blockedLocks: blocked.rows.map((r) => ({
        blocked: backend(r, 'blocked.'),
        blocker: backend(r, 'blocker.'),
        waitingFor: typeof r.waitingFor === 'string' ? r.waitingFor : undefined,
      })),
      checkedAt: new Date(started),
      elapsedMs: Date.now() - started,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
