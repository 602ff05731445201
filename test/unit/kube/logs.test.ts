import assert from 'node:assert/strict';

import { connect } from '../../../src/platform/kube/connection';
import type { KubeConnection } from '../../../src/platform/kube/connection';
import { loadKubeconfig } from '../../../src/platform/kube/kubeconfig';
import type { LogEntry } from '../../../src/platform/kube/logEntries';
import { LogStream, timestampKey } from '../../../src/platform/kube/logs';
import type { LogRequest, LogStreamEvent } from '../../../src/platform/kube/logs';
import { recentErrors } from '../../../src/platform/kube/recentErrors';
import { WorkloadLogStream } from '../../../src/platform/kube/workloadLogs';
import type { WorkloadLogEvent } from '../../../src/platform/kube/workloadLogs';
import { cs, pod } from './fixtures/pods';
import { memoryLog, tempDir, tokenKubeconfig } from './helpers/fakeApi';
import { FakeCluster } from './helpers/fakeCluster';
import { FakeLogs } from './helpers/fakeLogs';

const fast = { idleFlushMs: 10, waitingRetryMs: 10, backoff: { initialDelay: 5, maxDelay: 20 } };
const ts = (second: number, nanos = 0) =>
  `2026-03-10T11:00:${String(second).padStart(2, '0')}.${String(nanos).padStart(9, '0')}Z`;

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the log pipeline', () => {
  let cluster: FakeCluster;
  let logs: FakeLogs;
  let tmp: ReturnType<typeof tempDir>;
  let conn: KubeConnection;
  const open: { stop(): Promise<void> }[] = [];

  const stream = (request: LogRequest) => {
    const s = new LogStream(conn, request, fast);
    const events: LogStreamEvent[] = [];
    s.onEvent((e) => events.push(e));
    open.push(s);
    const entries = () => events.flatMap((e) => (e.type === 'entries' ? e.entries : []));
    return { s: s.start(), events, entries, texts: () => entries().map((e) => e.plain) };
  };

  beforeEach(async () => {
    cluster = await FakeCluster.start();
    logs = new FakeLogs(cluster);
    tmp = tempDir();
    const file = tmp.write('config', tokenKubeconfig(cluster.url));
    conn = connect(
      loadKubeconfig({ kubeconfigPath: file }),
      { context: 'sandbox', namespace: 'freelms' },
      { log: memoryLog().log },
    );
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.stop()));
    await cluster.close();
    tmp.dispose();
  });

  it('reads the previous container’s last lines of a crashing pod, with timestamps kept per entry', async () => {
    logs.set('payment-service-6d4b75cb6d-ddddd', 'app', {
      state: 'running',
      lines: [{ ts: ts(50), text: 'INFO starting' }],
      previous: [
        { ts: ts(1), text: 'INFO starting' },
        { ts: ts(2), text: 'ERROR cannot connect to postgres' },
        {
          ts: ts(3),
          text: 'Exception in thread "main" java.lang.IllegalStateException: no database',
        },
        { ts: ts(3, 1), text: '\tat com.freelms.payment.App.main(App.java:12)' },
      ],
    });
    const r = stream({
      pod: 'payment-service-6d4b75cb6d-ddddd',
      container: 'app',
      previous: true,
      tailLines: 3,
    });
    await r.s.done;

    const q = logs.requests[0]!.searchParams;
    assert.equal(q.get('previous'), 'true');
    assert.equal(q.get('tailLines'), '3');
    assert.equal(q.get('container'), 'app');
    assert.equal(q.get('timestamps'), 'true');
    assert.deepEqual(r.texts(), [
      'ERROR cannot connect to postgres',
      'Exception in thread "main" java.lang.IllegalStateException: no database',
    ]);
    assert.equal(r.entries()[1]!.continuation.length, 1);
    assert.equal(r.entries()[0]!.timestamp, ts(2));
    assert.equal(r.events.at(-1)!.type, 'end');
  });

  it('says there are no previous logs when the container never restarted', async () => {
    logs.set('course-service-6d4b75cb6d-aaaaa', 'app', { state: 'running', lines: [] });
    const r = stream({ pod: 'course-service-6d4b75cb6d-aaaaa', container: 'app', previous: true });
    await r.s.done;
    const end = r.events.at(-1) as Extract<LogStreamEvent, { type: 'end' }>;
    assert.equal(end.reason, 'failed');
    assert.equal(end.error?.kind, 'noPreviousLogs');
  });

  it('resumes a followed stream cut mid-line from the last timestamp, without duplicate or lost lines', async () => {
    logs.set('course-service-6d4b75cb6d-aaaaa', 'app', {
      state: 'running',
      lines: [
        { ts: ts(10, 100), text: 'INFO one' },
        { ts: ts(10, 200), text: 'INFO two' },
      ],
    });
    const r = stream({ pod: 'course-service-6d4b75cb6d-aaaaa', container: 'app', follow: true });
    await until(
      () =>
        logs.followerCount('course-service-6d4b75cb6d-aaaaa', 'app') === 1 &&
        r.texts().length === 2,
    );
    logs.append('course-service-6d4b75cb6d-aaaaa', 'app', ts(10, 300), 'INFO three');
    logs.appendAndCut(
      'course-service-6d4b75cb6d-aaaaa',
      'app',
      ts(10, 400),
      'INFO four, the line that was cut in half',
    );
    await until(() => logs.followerCount('course-service-6d4b75cb6d-aaaaa', 'app') === 1);
    logs.append('course-service-6d4b75cb6d-aaaaa', 'app', ts(11), 'INFO five');
    await until(() => r.texts().length >= 5);

    assert.deepEqual(r.texts(), [
      'INFO one',
      'INFO two',
      'INFO three',
      'INFO four, the line that was cut in half',
      'INFO five',
    ]);
    assert.equal(logs.requests[1]!.searchParams.get('sinceTime'), ts(10, 300));
    assert.ok(r.events.some((e) => e.type === 'notice' && /interrupted/.test(e.message)));
  });

  it('keeps the second of two lines written in the same nanosecond when resuming between them', async () => {
    logs.set('user-service-1', 'app', {
      state: 'running',
      lines: [
        { ts: ts(20, 5), text: 'INFO same instant' },
        { ts: ts(20, 5), text: 'INFO same instant' },
      ],
    });
    const r = stream({ pod: 'user-service-1', container: 'app', follow: true });
    await until(() => r.texts().length === 2);
    logs.appendAndCut('user-service-1', 'app', ts(20, 5), 'INFO same instant');
    await until(() => r.texts().length === 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(r.texts().length, 3);
  });

  it('waits for a container still being created and streams once it starts', async () => {
    logs.set('course-service-new', 'app', {
      state: 'running',
      lines: [{ ts: ts(30), text: 'INFO Started CourseApplication' }],
      refuse: {
        code: 400,
        reason: 'BadRequest',
        message:
          'container "app" in pod "course-service-new" is waiting to start: ContainerCreating',
        times: 2,
      },
    });
    const r = stream({ pod: 'course-service-new', container: 'app' });
    await r.s.done;
    assert.ok(
      r.events.some(
        (e) => e.type === 'notice' && /not running yet .*ContainerCreating/.test(e.message),
      ),
    );
    assert.deepEqual(r.texts(), ['INFO Started CourseApplication']);
  });

  it('follows again when a proxy ends the stream while the container still runs, and ends when it stops', async () => {
    logs.set('redis-0', 'redis', {
      state: 'running',
      lines: [{ ts: ts(40), text: 'Ready to accept connections' }],
    });
    const r = stream({ pod: 'redis-0', container: 'redis', follow: true });
    await until(() => logs.followerCount('redis-0', 'redis') === 1);
    logs.endStreams('redis-0', 'redis');
    await until(() => logs.followerCount('redis-0', 'redis') === 1);
    logs.logs.get('redis-0/redis')!.state = 'terminated';
    logs.logs.get('redis-0/redis')!.phase = 'Succeeded';
    logs.endStreams('redis-0', 'redis');
    await r.s.done;

    assert.deepEqual(r.texts(), ['Ready to accept connections']);
    const end = r.events.at(-1) as Extract<LogStreamEvent, { type: 'end' }>;
    assert.equal(end.reason, 'completed');
    assert.match(end.message!, /redis-0\/redis stopped/);
  });

  it('keeps following a running pod whose finished init container is listed first', async () => {
    logs.set('notification-0', 'wait-for-kafka', { state: 'terminated', init: true, lines: [] });
    logs.set('notification-0', 'app', {
      state: 'running',
      lines: [{ ts: ts(40), text: 'Started NotificationApplication' }],
    });
    const r = stream({ pod: 'notification-0', follow: true });
    await until(() => logs.followerCount('notification-0', 'app') === 1);
    logs.endStreams('notification-0', 'app');
    await until(() => logs.followerCount('notification-0', 'app') === 1);
    assert.ok(!r.events.some((event) => event.type === 'end'), 'the stream was not ended');
  });

  it('keeps following a crash-looping container across its restarts', async () => {
    const key = 'payment-service-6d4b75cb6d-ddddd';
    logs.set(key, 'app', { state: 'running', lines: [{ ts: ts(1), text: 'INFO starting' }] });
    const r = stream({ pod: key, container: 'app', follow: true });
    await until(() => logs.followerCount(key, 'app') === 1 && r.texts().length === 1);
    logs.append(key, 'app', ts(2), 'ERROR out of memory');
    logs.logs.get(`${key}/app`)!.state = 'crashLoop';
    logs.endStreams(key, 'app');
    await until(() =>
      r.events.some(
        (e) =>
          e.type === 'notice' && /CrashLoopBackOff\); following its next start/.test(e.message),
      ),
    );

    logs.logs.get(`${key}/app`)!.state = 'running';
    await until(() => logs.followerCount(key, 'app') === 1);
    logs.append(key, 'app', ts(9), 'INFO starting again');
    await until(() => r.texts().length === 3);
    assert.deepEqual(r.texts(), ['INFO starting', 'ERROR out of memory', 'INFO starting again']);
    assert.equal(r.events.filter((e) => e.type === 'notice').length, 1);
  });

  it('merges a Deployment’s pods in time order, tagged by pod, and follows a new pod of a rollout', async () => {
    cluster.put('deployments', {
      metadata: { name: 'course-service' },
      spec: { selector: { matchLabels: { app: 'course-service' } } },
    });
    const mk = (name: string) => {
      const p = pod({ name, status: { containerStatuses: [cs('app')] } });
      p.metadata!.labels = { app: 'course-service' };
      return p as unknown as Parameters<FakeCluster['put']>[1];
    };
    cluster.put('pods', mk('course-a'));
    cluster.put('pods', mk('course-b'));
    logs.set('course-a', 'app', {
      state: 'running',
      lines: [
        { ts: ts(1), text: 'INFO a1' },
        { ts: ts(3), text: 'INFO a3' },
      ],
    });
    logs.set('course-b', 'app', { state: 'running', lines: [{ ts: ts(2), text: 'INFO b2' }] });

    const w = new WorkloadLogStream(
      conn,
      { deployment: 'course-service', container: 'app', follow: true, tailLines: 100 },
      { ...fast, reorderWindowMs: 30, watchBackoff: fast.backoff },
    );
    open.push(w);
    const events: WorkloadLogEvent[] = [];
    w.onEvent((e) => events.push(e));
    const merged = () =>
      events.flatMap((e) => (e.type === 'entries' ? e.entries : [])) as LogEntry[];
    await w.start();
    await until(() => merged().length === 3);
    assert.deepEqual(
      merged().map((e) => `${e.pod} ${e.plain}`),
      ['course-a INFO a1', 'course-b INFO b2', 'course-a INFO a3'],
    );
    assert.deepEqual(
      merged().map((e) => e.seq),
      [1, 2, 3],
    );
    assert.equal(cluster.watchVersions.get('pods')!.length > 0, true);

    logs.set('course-c', 'app', {
      state: 'running',
      lines: [{ ts: ts(5), text: 'INFO c5 first line of the new pod' }],
    });
    cluster.emit('pods', 'ADDED', mk('course-c'));
    await until(() => merged().length === 4);
    assert.equal(merged()[3]!.pod, 'course-c');
    assert.deepEqual(w.pods, ['course-a', 'course-b', 'course-c']);
    const cRequest = logs.requests.find((u) => u.pathname.includes('course-c'))!;
    assert.equal(cRequest.searchParams.get('tailLines'), null);
  });

  it('ends a workload stream with the typed error when the Deployment does not exist', async () => {
    const w = new WorkloadLogStream(conn, { deployment: 'no-such-service', follow: true }, fast);
    open.push(w);
    const events: WorkloadLogEvent[] = [];
    w.onEvent((e) => events.push(e));
    await w.start();
    const end = events.at(-1) as Extract<WorkloadLogEvent, { type: 'end' }>;
    assert.equal(end.reason, 'failed');
    assert.equal(end.error?.kind, 'notFound');
  });

  it('gathers recent ERROR lines across the platform’s pods, grouped by service', async () => {
    const now = Date.now();
    const recent = (msAgo: number) => new Date(now - msAgo).toISOString();
    const mk = (name: string, service: string) => {
      const p = pod({ name, status: { containerStatuses: [cs('app')] } });
      p.metadata!.labels = {
        'app.kubernetes.io/part-of': 'freelms',
        'app.kubernetes.io/name': service,
      };
      return p as unknown as Parameters<FakeCluster['put']>[1];
    };
    cluster.put('pods', mk('payment-1', 'payment-service'));
    cluster.put('pods', mk('payment-2', 'payment-service'));
    cluster.put('pods', mk('course-1', 'course-service'));
    logs.set('payment-1', 'app', {
      state: 'running',
      lines: [
        { ts: recent(60_000), text: 'ERROR card declined' },
        { ts: recent(50_000), text: 'INFO retry' },
      ],
    });
    logs.set('payment-2', 'app', {
      state: 'running',
      lines: [
        { ts: recent(3_600_000), text: 'ERROR an hour ago' },
        { ts: recent(10_000), text: '{"level":"error","msg":"provider timeout"}' },
      ],
    });
    logs.set('course-1', 'app', {
      state: 'running',
      lines: [{ ts: recent(5_000), text: 'ERROR enrolment failed' }],
    });

    const result = await recentErrors(conn, { minutes: 15 });
    assert.equal(result.podCount, 3);
    assert.deepEqual(
      result.services.map((s) => [s.service, s.errors.map((e) => `${e.pod} ${e.plain}`)]),
      [
        [
          'payment-service',
          ['payment-2 {"level":"error","msg":"provider timeout"}', 'payment-1 ERROR card declined'],
        ],
        ['course-service', ['course-1 ERROR enrolment failed']],
      ],
    );
    assert.equal(logs.requests[0]!.searchParams.get('sinceSeconds'), '900');
    assert.deepEqual(result.failures, []);
  });

  it('orders timestamps exactly whatever the number of fraction digits', () => {
    assert.ok(
      timestampKey('2026-03-10T11:00:00.1Z') > timestampKey('2026-03-10T11:00:00.099999999Z'),
    );
    assert.equal(
      timestampKey('2026-03-10T11:00:00Z'),
      timestampKey('2026-03-10T11:00:00.000000000Z'),
    );
  });
});
