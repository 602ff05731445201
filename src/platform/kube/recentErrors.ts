import type { V1Pod } from '@kubernetes/client-node';

import type { KubeConnection } from './connection';
import type { KubeError } from './errors';
import type { LogEntry } from './logEntries';
import { LogStream } from './logs';
import { groupOf } from './podGrouping';

/** The label every FreeLMS pod carries, whatever its value. */
export const PART_OF_SELECTOR = 'app.kubernetes.io/part-of';

/** One ERROR entry, with where it came from so the UI can open that pod's logs. */
export interface RecentError extends LogEntry {
  pod: string;
  container: string;
}

/** The errors of one service, newest first. */
export interface ServiceErrors {
  service: string;
  /** Every ERROR entry found, including those beyond `maxPerContainer` that are not listed. */
  count: number;
  errors: RecentError[];
}

/** What `FreeLMS: Show Recent Errors` shows. */
export interface RecentErrorsResult {
  services: ServiceErrors[];
  /** Pods whose logs were read. */
  podCount: number;
  /** Logs that could not be read; the others are still reported. */
  failures: { pod: string; container: string; error: KubeError }[];
}

/** Options of `recentErrors`. */
export interface RecentErrorsOptions {
  minutes: number;
  /** Label selector of the platform's pods; defaults to every pod with the part-of label. */
  selector?: string;
  /** Log requests at once; the API server throttles clients that open too many. */
  concurrency?: number;
  /** Keep at most this many errors per container (the newest). */
  maxPerContainer?: number;
  signal?: AbortSignal;
}

/** The service a pod belongs to: the recommended name label, else `app`, else its workload. */
export function serviceOf(pod: V1Pod): string {
  const labels = pod.metadata?.labels ?? {};
  return (
    labels['app.kubernetes.io/name'] ??
    labels['app.kubernetes.io/component'] ??
    labels.app ??
    groupOf(pod)[1]
  );
}

async function readErrors(
  connection: KubeConnection,
  pod: string,
  container: string,
  minutes: number,
  max: number,
): Promise<{ errors: RecentError[]; total: number }> {
  const stream = new LogStream(connection, {
    pod,
    container,
    sinceSeconds: Math.max(1, Math.round(minutes * 60)),
  });
  const errors: RecentError[] = [];
  let total = 0;
  let failure: KubeError | undefined;
  stream.onEvent((event) => {
    if (event.type === 'entries') {
      for (const e of event.entries) {
        if (e.level === 'ERROR') {
          errors.push({ ...e, pod, container });
          total++;
        }
      }
      if (errors.length > max) errors.splice(0, errors.length - max);
    } else if (event.type === 'end' && event.reason === 'failed') {
      failure = event.error;
    }
  });
  await stream.start().done;
  if (failure) throw failure;
  return { errors, total };
}

/**
 * Collects ERROR entries of the last N minutes from every container of every platform pod,
 * grouped by service, newest first. Reads the logs a few at a time; a container that cannot be
 * read is listed in `failures` rather than failing the whole answer. The whole log of the last
 * N minutes is downloaded to find its ERROR lines (the API cannot filter), which for a chatty
 * service is megabytes per pod: keep N small.
 */
export async function recentErrors(
  connection: KubeConnection,
  options: RecentErrorsOptions,
): Promise<RecentErrorsResult> {
  const ns = encodeURIComponent(connection.namespace);
  const list = await connection.getJson<{ items?: V1Pod[] }>(
    { verb: 'list', resource: 'pods' },
    `/api/v1/namespaces/${ns}/pods`,
    { labelSelector: options.selector ?? PART_OF_SELECTOR },
    options.signal,
  );
  const pods = list.items ?? [];
  const jobs: { pod: V1Pod; container: string }[] = [];
  for (const pod of pods) {
    const started = new Set(
      (pod.status?.containerStatuses ?? [])
        .filter((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated)
        .map((s) => s.name),
    );
    for (const c of pod.spec?.containers ?? []) {
      if (started.has(c.name)) jobs.push({ pod, container: c.name });
    }
  }

  const byService = new Map<string, { errors: RecentError[]; count: number }>();
  const failures: RecentErrorsResult['failures'] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !options.signal?.aborted) {
      const { pod, container } = jobs[next++]!;
      const name = pod.metadata?.name ?? '';
      try {
        const max = options.maxPerContainer ?? 200;
        const found = await readErrors(connection, name, container, options.minutes, max);
        if (found.total > 0) {
          const service = byService.get(serviceOf(pod)) ?? { errors: [], count: 0 };
          service.errors.push(...found.errors);
          service.count += found.total;
          byService.set(serviceOf(pod), service);
        }
      } catch (err) {
        failures.push({ pod: name, container, error: err as KubeError });
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 6, jobs.length) }, worker),
  );

  const services = [...byService].map(([service, { errors, count }]) => ({
    service,
    count,
    errors: errors.sort((a, b) => (b.time ?? 0) - (a.time ?? 0)),
  }));
  services.sort((a, b) => b.count - a.count || a.service.localeCompare(b.service));
  return { services, podCount: pods.length, failures };
}
