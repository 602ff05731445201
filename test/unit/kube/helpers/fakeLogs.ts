import type http from 'node:http';

import { sendJson, sendStatus } from './fakeApi';
import type { FakeCluster } from './fakeCluster';

/** One container's log as the kubelet holds it: timestamped lines, current and previous. */
export interface FakeContainerLog {
  lines: { ts: string; text: string }[];
  previous?: { ts: string; text: string }[];
  /** Answer the log request with this Status instead (a container still being created). */
  refuse?: { code: number; reason: string; message: string; times: number };
  state: 'running' | 'terminated' | 'crashLoop';
  /** The pod's phase; `Running` unless a test finishes the pod. */
  phase?: string;
  /** An init container: listed in `initContainerStatuses`, not in `spec.containers`. */
  init?: boolean;
}

/**
 * Adds `GET .../pods/<pod>/log` and `GET .../pods/<pod>` to a fake cluster. Honours container,
 * previous, tailLines, sinceSeconds and sinceTime (truncated to the second, as the API server
 * does), follow (appended lines reach open streams) and lets a test cut a stream mid-line.
 */
export class FakeLogs {
  readonly logs = new Map<string, FakeContainerLog>();
  readonly requests: URL[] = [];
  private readonly followers = new Map<string, Set<http.ServerResponse>>();

  constructor(private readonly cluster: FakeCluster) {
    cluster.extraRoutes.push((_req, res, url) => this.route(res, url));
  }

  set(pod: string, container: string, log: FakeContainerLog): void {
    this.logs.set(`${pod}/${container}`, log);
  }

  /** Appends a line and sends it to the open follow streams. */
  append(pod: string, container: string, ts: string, text: string): void {
    this.logs.get(`${pod}/${container}`)!.lines.push({ ts, text });
    for (const res of this.followers.get(`${pod}/${container}`) ?? []) res.write(`${ts} ${text}\n`);
  }

  /** Appends a line but sends only its first half before dropping the connections. */
  appendAndCut(pod: string, container: string, ts: string, text: string): void {
    this.logs.get(`${pod}/${container}`)!.lines.push({ ts, text });
    const key = `${pod}/${container}`;
    for (const res of this.followers.get(key) ?? []) {
      const line = `${ts} ${text}\n`;
      res.write(line.slice(0, Math.floor(line.length / 2)), () => res.socket?.destroy());
    }
    this.followers.set(key, new Set());
  }

  /** Ends open follow streams cleanly, like an idle timeout of a proxy. */
  endStreams(pod: string, container: string): void {
    const key = `${pod}/${container}`;
    for (const res of this.followers.get(key) ?? []) res.end();
    this.followers.set(key, new Set());
  }

  followerCount(pod: string, container: string): number {
    return this.followers.get(`${pod}/${container}`)?.size ?? 0;
  }

  private route(res: http.ServerResponse, url: URL): boolean {
    const m = new RegExp(`^/api/v1/namespaces/${this.cluster.namespace}/pods/([^/]+)(/log)?$`).exec(
      url.pathname,
    );
    if (!m) return false;
    const pod = decodeURIComponent(m[1]!);
    const entries = [...this.logs.entries()].filter(([k]) => k.startsWith(`${pod}/`));
    if (!m[2]) {
      if (entries.length === 0) {
        sendStatus(res, 404, 'NotFound', `pods "${pod}" not found`, { name: pod, kind: 'pods' });
        return true;
      }
      const state = (log: FakeContainerLog) =>
        log.state === 'running'
          ? { running: { startedAt: '2026-03-10T11:00:00Z' } }
          : log.state === 'crashLoop'
            ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } }
            : { terminated: { exitCode: 0, reason: 'Completed' } };
      const statusOf = ([k, log]: [string, FakeContainerLog]) => ({
        name: k.split('/')[1],
        state: state(log),
      });
      const containers = entries.filter(([, log]) => !log.init);
      const phase = containers[0]?.[1].phase ?? entries[0]![1].phase ?? 'Running';
      sendJson(res, 200, {
        kind: 'Pod',
        metadata: { name: pod },
        spec: { containers: containers.map(([k]) => ({ name: k.split('/')[1] })) },
        status: {
          phase,
          initContainerStatuses: entries.filter(([, log]) => log.init).map(statusOf),
          containerStatuses: containers.map(statusOf),
        },
      });
      return true;
    }
    this.requests.push(url);
    const fallback = entries.find(([, log]) => !log.init) ?? entries[0];
    const container = url.searchParams.get('container') ?? fallback?.[0].split('/')[1] ?? '';
    const key = `${pod}/${container}`;
    const log = this.logs.get(key);
    if (!log) {
      sendStatus(res, 400, 'BadRequest', `container ${container} is not valid for pod ${pod}`);
      return true;
    }
    if (log.refuse && log.refuse.times > 0) {
      log.refuse.times--;
      sendStatus(res, log.refuse.code, log.refuse.reason, log.refuse.message);
      return true;
    }
    const previous = url.searchParams.get('previous') === 'true';
    if (previous && !log.previous) {
      sendStatus(
        res,
        400,
        'BadRequest',
        `previous terminated container "${container}" in pod "${pod}" not found`,
      );
      return true;
    }
    let lines = previous ? log.previous! : log.lines;
    const sinceTime = url.searchParams.get('sinceTime');
    if (sinceTime) {
      const since = Math.floor(Date.parse(sinceTime) / 1000) * 1000;
      lines = lines.filter((l) => Date.parse(l.ts) >= since);
    }
    const sinceSeconds = url.searchParams.get('sinceSeconds');
    if (sinceSeconds) {
      const since = Date.now() - Number(sinceSeconds) * 1000;
      lines = lines.filter((l) => Date.parse(l.ts) >= since);
    }
    const tail = url.searchParams.get('tailLines');
    if (tail) lines = lines.slice(-Number(tail));
    const stamp = url.searchParams.get('timestamps') === 'true';
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    res.write(lines.map((l) => (stamp ? `${l.ts} ${l.text}\n` : `${l.text}\n`)).join(''));
    if (url.searchParams.get('follow') === 'true' && !previous) {
      const set = this.followers.get(key) ?? new Set();
      set.add(res);
      this.followers.set(key, set);
      res.on('close', () => set.delete(res));
    } else {
      res.end();
    }
    return true;
  }
}
