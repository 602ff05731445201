/**
 * Measures what Verify Fix compares: the health endpoint, and for each affected service its
 * Deployment's (or, for postgres, redis and kafka, its StatefulSet's) ready replicas, its unhealthy pods and the ERROR lines of its recent logs. Reads
 * the cluster directly rather than the Cluster view's model, so a snapshot is the API server's
 * answer at that moment, not a watch that may be a beat behind a rollout. No `vscode` here.
 */
import type { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';

import { redact, type Log } from '../common/log';
import type { ServiceSnapshot } from '../incident/model';
import type { SnapshotMeasurement } from '../incident/verify';
import { checkHealth, type HealthReport } from './health';
import { isUnhealthy } from './kube/clusterIndex';
import type { KubeConnection } from './kube/connection';
import { selectorOf } from './kube/deploymentSelector';
import { KubeError } from './kube/errors';
import { computePodStatus } from './kube/podStatus';
import { recentErrors } from './kube/recentErrors';
import { computeDeploymentStatus, computeStatefulSetStatus } from './kube/workloadStatus';

/** The runbook's `kubectl logs --since=5m | grep ERROR`. */
export const ERROR_WINDOW_MINUTES = 5;

/** At most this many unreadable logs are named per service; the rest are counted. */
const NAMED_FAILURES = 3;

/** What a snapshot is taken of, and with what. */
export interface SnapshotOptions {
  /** The affected services: Deployment (or StatefulSet) names in the cluster's namespace. */
  services: readonly string[];
  /** The actuator health URL; empty or absent when none is configured. */
  healthUrl?: string;
  /** The cluster; a function so that a cluster out of reach becomes a problem, not a throw. */
  connection: () => Promise<KubeConnection>;
  log: Log;
  errorWindowMinutes?: number;
  signal?: AbortSignal;
  /** Passed to the health check (default 10 s). */
  healthTimeoutMs?: number;
}

const message = (error: unknown) => (error as Error)?.message ?? String(error);

/** `UP (HTTP 200)` as recorded; an endpoint that gave no answer is `UNKNOWN` with why. */
async function measureHealth(
  options: SnapshotOptions,
  problems: string[],
): Promise<SnapshotMeasurement['health']> {
  const url = options.healthUrl;
  if (!url) {
    problems.push('health: no health endpoint configured (freelms.health.url)');
    return undefined;
  }
  let report: HealthReport;
  try {
    report = await checkHealth(url, {
      log: options.log,
      signal: options.signal,
      timeoutMs: options.healthTimeoutMs,
    });
  } catch (error) {
    const httpStatus = (error as { httpStatus?: number }).httpStatus;
    problems.push(`health: ${message(error)}`);
    return {
      status: 'UNKNOWN',
      url: redact(url),
      error: redact(message(error)),
      ...(httpStatus ? { httpStatus } : {}),
    };
  }
  return {
    status: report.status,
    httpStatus: report.httpStatus,
    url: redact(url),
    ...(report.error ? { error: redact(report.error) } : {}),
  };
}

/** `name STATUS` of each pod of the workload that is not healthy, as kubectl prints it. */
async function unhealthyPodsOf(
  connection: KubeConnection,
  selector: string,
  signal: AbortSignal | undefined,
): Promise<ServiceSnapshot['unhealthyPods']> {
  const list = await connection.getJson<{ items?: V1Pod[] }>(
    { verb: 'list', resource: 'pods' },
    `/api/v1/namespaces/${encodeURIComponent(connection.namespace)}/pods`,
    { labelSelector: selector },
    signal,
  );
  const now = new Date();
  return (list.items ?? [])
    .map((pod) => computePodStatus(pod, now))
    .filter((view) => isUnhealthy(view.health))
    .map((view) => ({ name: view.name, status: view.status }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** ERROR lines of every pod of the workload; unreadable logs are problems, not zeros. */
async function errorLinesOf(
  connection: KubeConnection,
  service: string,
  selector: string,
  options: SnapshotOptions,
  problems: string[],
): Promise<number | undefined> {
  try {
    const result = await recentErrors(connection, {
      minutes: options.errorWindowMinutes ?? ERROR_WINDOW_MINUTES,
      selector,
      // Only the count is kept; the entries themselves are not needed.
      maxPerContainer: 1,
      signal: options.signal,
    });
    const failures = result.failures;
    if (failures.length) {
      const named = failures
        .slice(0, NAMED_FAILURES)
        .map((f) => `${f.pod}/${f.container} (${f.error.message})`);
      const more =
        failures.length > NAMED_FAILURES ? ` and ${failures.length - NAMED_FAILURES} more` : '';
      problems.push(
        `${service}: logs not read, ERROR lines undercounted: ${named.join(', ')}${more}`,
      );
    }
    return result.services.reduce((sum, s) => sum + s.count, 0);
  } catch (error) {
    problems.push(`${service}: ERROR lines not counted: ${message(error)}`);
    return undefined;
  }
}

/** The service's Deployment, or its StatefulSet when no Deployment has its name. */
async function readWorkload(
  connection: KubeConnection,
  service: string,
  signal: AbortSignal | undefined,
): Promise<{ ready: number; desired: number; selector: string }> {
  const path = `/apis/apps/v1/namespaces/${encodeURIComponent(connection.namespace)}`;
  const name = encodeURIComponent(service);
  try {
    const deployment = await connection.getJson<V1Deployment>(
      { verb: 'get', resource: 'deployments', name: service },
      `${path}/deployments/${name}`,
      {},
      signal,
    );
    return { ...computeDeploymentStatus(deployment), selector: selectorOf(deployment) };
  } catch (error) {
    if (!(error instanceof KubeError && error.kind === 'notFound')) throw error;
  }
  const statefulSet = await connection.getJson<V1StatefulSet>(
    { verb: 'get', resource: 'statefulsets', name: service },
    `${path}/statefulsets/${name}`,
    {},
    signal,
  );
  return { ...computeStatefulSetStatus(statefulSet), selector: selectorOf(statefulSet) };
}

async function measureService(
  connection: KubeConnection,
  service: string,
  options: SnapshotOptions,
  problems: string[],
): Promise<ServiceSnapshot> {
  let workload: { ready: number; desired: number; selector: string };
  try {
    workload = await readWorkload(connection, service, options.signal);
  } catch (error) {
    problems.push(
      error instanceof KubeError && error.kind === 'notFound'
        ? `${service}: no Deployment or StatefulSet named ${service} in namespace ${connection.namespace}`
        : `${service}: ${message(error)}`,
    );
    return { service, unhealthyPods: [] };
  }
  const { selector } = workload;
  const own: string[] = [];
  const [unhealthyPods, errorLines] = await Promise.all([
    unhealthyPodsOf(connection, selector, options.signal).catch((error: unknown) => {
      own.push(`${service}: pods not listed: ${message(error)}`);
      return [];
    }),
    errorLinesOf(connection, service, selector, options, own),
  ]);
  problems.push(...own);
  return {
    service,
    ready: workload.ready,
    desired: workload.desired,
    unhealthyPods,
    ...(errorLines === undefined ? {} : { errorLines }),
  };
}

/**
 * Takes one snapshot. Never throws for what it cannot measure: an unset health URL, a cluster
 * out of reach, a Deployment that does not exist or a log that cannot be read each become a line
 * of `problems`, and the rest is still measured.
 */
export async function measureSnapshot(options: SnapshotOptions): Promise<SnapshotMeasurement> {
  const started = Date.now();
  const healthProblems: string[] = [];
  const serviceProblems: string[] = [];
  const measureServices = async (): Promise<ServiceSnapshot[]> => {
    if (options.services.length === 0) return [];
    let connection: KubeConnection;
    try {
      connection = await options.connection();
    } catch (error) {
      serviceProblems.push(
        `pods, replicas and errors: the cluster cannot be reached: ${message(error)}`,
      );
      return options.services.map((service) => ({ service, unhealthyPods: [] }));
    }
    const perService = options.services.map(() => [] as string[]);
    const measured = await Promise.all(
      options.services.map((service, i) =>
        measureService(connection, service, options, perService[i]!),
      ),
    );
    serviceProblems.push(...perService.flat());
    return measured;
  };
  const [health, services] = await Promise.all([
    measureHealth(options, healthProblems),
    measureServices(),
  ]);
  // Journals may be kept in git: a password in the health URL must not reach them.
  const problems = [...healthProblems, ...serviceProblems].map(redact);
  options.log.info(
    `snapshot of ${options.services.join(', ') || 'no services'}: health ` +
      `${health?.status ?? 'not measured'}, ${problems.length} not measured, ` +
      `${Date.now() - started} ms`,
  );
  for (const problem of problems) options.log.warn(`snapshot: ${problem}`);
  return {
    health,
    services,
    errorWindowMinutes: options.errorWindowMinutes ?? ERROR_WINDOW_MINUTES,
    ...(problems.length ? { problems } : {}),
  };
}
