/**
 * What each diagnostic check reports, reduced to what the Diagnostics view and the incident
 * timeline show: one line, ok or not, and expandable details. Plain data, no `vscode`, so unit
 * tests can run it under plain Node.
 */
import type { CheckKind } from '../../incident/model';
import type { DatabaseReport } from '../../platform/databaseChecks';
import type { HealthComponent, HealthReport } from '../../platform/health';
import type { ConsumerLagReport } from '../../platform/kafka';
import type { PodNode } from '../../platform/kube/clusterModel';
import type { RecentErrorsResult } from '../../platform/kube/recentErrors';
import type { RedisInfo } from '../../platform/redisInfo';

/** One expandable line under a check's row. */
export interface Detail {
  label: string;
  description?: string;
  /** A warning or a failing part, shown with a warning icon. */
  warning?: boolean;
  children?: Detail[];
}

/** The last result of one check. */
export interface DiagnosticResult {
  check: CheckKind;
  ok: boolean;
  /** One line, for the view's description and the timeline's `check.ran`. */
  summary: string;
  details: Detail[];
  at: Date;
  /** Where it ran: the URL, the database, the pod. Never with a password. */
  target?: string;
}

/** Consumer lag above this, summed over a group, counts as a problem. */
export const KAFKA_LAG_THRESHOLD = 1000;

const component = (c: HealthComponent): Detail => ({
  label: c.name,
  description: c.error ? `${c.status}: ${c.error}` : c.status,
  warning: c.status !== 'UP',
  children: c.components.length ? c.components.map(component) : undefined,
});

export function healthResult(report: HealthReport): DiagnosticResult {
  const ok = report.status === 'UP';
  const failing = report.failing.length ? `; not UP: ${report.failing.join(', ')}` : '';
  return {
    check: 'health',
    ok,
    summary: `${report.status} (HTTP ${report.httpStatus}, ${report.elapsedMs} ms)${failing}`,
    details: [
      ...report.components.map(component),
      ...(report.error ? [{ label: 'error', description: report.error, warning: true }] : []),
    ],
    at: report.checkedAt,
    target: report.url,
  };
}

const secs = (value: number | undefined) => (value === undefined ? '' : `${Math.round(value)} s`);

export function databaseResult(report: DatabaseReport, target: string): DiagnosticResult {
  const usage = report.maxConnections ? report.connections / report.maxConnections : 0;
  const problems = [
    usage >= 0.8 && `${Math.round(usage * 100)}% of max_connections in use`,
    report.idleInTransaction.length && `${report.idleInTransaction.length} idle in transaction`,
    report.blockedLocks.length && `${report.blockedLocks.length} blocked`,
  ].filter(Boolean) as string[];
  const backendRow = (row: DatabaseReport['longestRunning'][number]): Detail => ({
    label: `pid ${row.pid} ${row.user ?? ''}`.trim(),
    description: [row.state, secs(row.querySeconds), row.query?.slice(0, 80)]
      .filter(Boolean)
      .join(' · '),
  });
  return {
    check: 'database',
    ok: problems.length === 0,
    summary:
      `${report.connections} of ${report.maxConnections} connections` +
      (problems.length ? `; ${problems.join(', ')}` : '') +
      ` (PostgreSQL ${report.serverVersion})`,
    details: [
      {
        label: 'Connections by state',
        description: String(report.connections),
        children: report.byState.map((s) => ({ label: s.state, description: String(s.count) })),
      },
      {
        label: 'Longest running',
        description: String(report.longestRunning.length),
        children: report.longestRunning.map(backendRow),
      },
      {
        label: 'Idle in transaction',
        description: String(report.idleInTransaction.length),
        warning: report.idleInTransaction.length > 0,
        children: report.idleInTransaction.map(backendRow),
      },
      {
        label: 'Blocked',
        description: String(report.blockedLocks.length),
        warning: report.blockedLocks.length > 0,
        children: report.blockedLocks.map((lock) => ({
          label: `pid ${lock.blocked.pid} waits for pid ${lock.blocker.pid}`,
          description: lock.waitingFor,
          warning: true,
        })),
      },
    ],
    at: report.checkedAt,
    target,
  };
}

const mib = (bytes: number | undefined) =>
  bytes === undefined ? '?' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function redisResult(info: RedisInfo, target: string, at = new Date()): DiagnosticResult {
  const s = info.summary;
  const hit = s.hitRatio === undefined ? '' : `, hit ratio ${(s.hitRatio * 100).toFixed(1)}%`;
  return {
    check: 'redis',
    ok: info.warnings.length === 0,
    summary:
      `Redis ${s.version ?? '?'} ${s.role ?? ''}: ${s.connectedClients ?? '?'} clients, ` +
      `${mib(s.usedMemory)} used${hit}` +
      (info.warnings.length ? `; ${info.warnings.length} warning(s)` : ''),
    details: [
      ...info.warnings.map((w) => ({ label: w.kind, description: w.message, warning: true })),
      {
        label: 'Clients',
        description: `${s.connectedClients ?? '?'} connected, ${s.blockedClients ?? 0} blocked`,
      },
      {
        label: 'Memory',
        description:
          `${mib(s.usedMemory)} of ${s.maxMemory ? mib(s.maxMemory) : 'no limit'}` +
          `${s.maxMemoryPolicy ? ` (${s.maxMemoryPolicy})` : ''}`,
      },
      { label: 'Evicted keys', description: String(s.evictedKeys ?? 0) },
      {
        label: 'Keyspace',
        description: `${s.keyspace.length} databases`,
        children: s.keyspace.map((k) => ({ label: k.db, description: `${k.keys} keys` })),
      },
    ],
    at,
    target,
  };
}

export function kafkaResult(
  report: ConsumerLagReport,
  target: string,
  at = new Date(),
): DiagnosticResult {
  const worst = report.groups[0];
  const lagging = report.groups.filter((g) => g.totalLag >= KAFKA_LAG_THRESHOLD || !g.active);
  return {
    check: 'kafka',
    ok: lagging.length === 0,
    summary: worst
      ? `${report.groups.length} consumer groups; worst ${worst.group} lag ${worst.totalLag}` +
        `${worst.active ? '' : ' (no active members)'}`
      : 'no consumer groups',
    details: [
      ...report.messages.map((m) => ({ label: 'kafka', description: m, warning: true })),
      ...report.groups.map((g) => ({
        label: g.group,
        description: `lag ${g.totalLag}${g.active ? '' : ' · no active members'}`,
        warning: g.totalLag >= KAFKA_LAG_THRESHOLD || !g.active,
        children: g.partitions.map((p) => ({
          label: `${p.topic}-${p.partition}`,
          description: `lag ${p.lag ?? '-'} · ${p.consumerId ?? 'no consumer'}`,
        })),
      })),
    ],
    at,
    target,
  };
}

export function podsResult(pods: PodNode[], namespace: string, at = new Date()): DiagnosticResult {
  return {
    check: 'pods',
    ok: pods.length === 0,
    summary: pods.length
      ? `${pods.length} unhealthy pods in ${namespace}: ` +
        pods
          .slice(0, 5)
          .map((p) => `${p.name} ${p.status}`)
          .join(', ') +
        (pods.length > 5 ? ', …' : '')
      : `all pods in ${namespace} healthy`,
    details: pods.map((p) => ({
      label: p.name,
      description: `${p.status} · ${p.restartsText} restarts${p.reason ? ` · ${p.reason}` : ''}`,
      warning: true,
    })),
    at,
    target: namespace,
  };
}

export function errorsResult(
  result: RecentErrorsResult,
  minutes: number,
  at = new Date(),
): DiagnosticResult {
  const total = result.services.reduce((n, s) => n + s.count, 0);
  const top = result.services
    .filter((s) => s.count > 0)
    .slice(0, 3)
    .map((s) => `${s.service} ${s.count}`);
  return {
    check: 'errors',
    ok: total === 0,
    summary:
      `${total} ERROR lines in the last ${minutes} min across ${result.podCount} pods` +
      (top.length ? ` (${top.join(', ')})` : '') +
      (result.failures.length ? `; ${result.failures.length} logs unreadable` : ''),
    details: result.services.map((s) => ({
      label: s.service,
      description: `${s.count} errors`,
      warning: s.count > 0,
      children: s.errors
        .slice(0, 5)
        .map((e) => ({ label: e.pod, description: e.plain.slice(0, 160) })),
    })),
    at,
  };
}
