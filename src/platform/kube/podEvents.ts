import type { CoreV1Event } from '@kubernetes/client-node';

import { ageSince, toDate } from './age';
import type { KubeConnection } from './connection';

/** One event of a pod, as the hover or the expanded pod shows it (like `kubectl describe`). */
export interface PodEvent {
  type: 'Normal' | 'Warning' | string;
  reason: string;
  message: string;
  count: number;
  lastSeen?: Date;
  /** How long ago it was last seen, kubectl style; `<unknown>` without any timestamp. */
  age: string;
  /** Who reported it: `kubelet`, `default-scheduler`. */
  source: string;
}

/** Shapes raw events, newest first; tolerates `eventTime: null`, empty components and old clusters. */
export function toPodEvents(items: CoreV1Event[], now: Date = new Date()): PodEvent[] {
  return items
    .map((e) => {
      const lastSeen =
        toDate(e.series?.lastObservedTime) ??
        toDate(e.lastTimestamp) ??
        toDate(e.eventTime) ??
        toDate(e.firstTimestamp) ??
        toDate(e.metadata?.creationTimestamp);
      return {
        type: e.type ?? 'Normal',
        reason: e.reason ?? '',
        message: (e.message ?? '').trim(),
        count: e.series?.count ?? e.count ?? 1,
        lastSeen,
        age: ageSince(lastSeen, now),
        source: e.source?.component || e.reportingComponent || e.reportingInstance || '',
      };
    })
    .sort((a, b) => (b.lastSeen?.getTime() ?? 0) - (a.lastSeen?.getTime() ?? 0));
}

/** Lists the events of one pod of the connection's namespace, newest first. */
export async function listPodEvents(
  connection: KubeConnection,
  podName: string,
  signal?: AbortSignal,
): Promise<PodEvent[]> {
  const list = await connection.getJson<{ items?: CoreV1Event[] }>(
    { verb: 'list', resource: 'events' },
    `/api/v1/namespaces/${encodeURIComponent(connection.namespace)}/events`,
    { fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${podName}` },
    signal,
  );
  return toPodEvents(list.items ?? []);
}
