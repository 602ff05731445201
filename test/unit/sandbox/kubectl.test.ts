import assert from 'node:assert/strict';

import { eventually, KubectlHarness, parseTable } from './kube-harness';

/**
 * The real kubectl 1.35 against the sandbox: what an on-call engineer types during a FreeLMS
 * incident must work unmodified and print what a real cluster would.
 */
describe('sandbox Kubernetes API, driven by the real kubectl', function () {
  this.timeout(90_000);
  let k: KubectlHarness;

  beforeEach(async () => {
    k = await KubectlHarness.start();
  });

  afterEach(async () => {
    await k.stop();
  });

  it('lists the FreeLMS pods with the STATUS kubectl prints for each awkward state', async () => {
    const pods = parseTable(await k.ok(['get', 'pods', '-o', 'wide']));
    const statusOf = (prefix: string) =>
      [...pods.values()].filter((p) => p.NAME!.startsWith(prefix)).map((p) => p.STATUS);

    assert.deepEqual(
      statusOf('api-gateway-'),
      ['CrashLoopBackOff', 'CrashLoopBackOff', 'CrashLoopBackOff'].slice(
        0,
        statusOf('api-gateway-').length,
      ),
    );
    assert.equal(statusOf('api-gateway-').length, 3);
    assert.deepEqual(statusOf('media-transcoder-'), ['ImagePullBackOff']);
    assert.deepEqual(statusOf('grade-exporter-'), ['Init:1/2']);
    assert.deepEqual(statusOf('analytics-worker-'), ['Pending']);
    assert.deepEqual(statusOf('db-migrate-'), ['Completed']);
    assert.deepEqual(statusOf('report-export-'), ['Error']);
    assert.deepEqual(statusOf('thumbnail-cache-'), ['Evicted']);
    assert.deepEqual(statusOf('forum-legacy-'), ['Terminating']);
    for (const name of ['postgres-0', 'redis-0', 'kafka-0'])
      assert.equal(pods.get(name)?.STATUS, 'Running', name);

    const gateway = [...pods.values()].find((p) => p.NAME!.startsWith('api-gateway-'))!;
    assert.equal(gateway.READY, '0/2');
    assert.match(gateway.RESTARTS!, /^\d+ \(\d+[smh]\d*[sm]? ago\)$/);
    assert.match(gateway.IP!, /^10\.244\.\d+\.\d+$/);
    assert.match(gateway.NODE!, /^freelms-node-\d$/);
    assert.equal(gateway['NOMINATED NODE'], '<none>');
    assert.equal(gateway['READINESS GATES'], '<none>');

    const oomOnce = [...pods.values()]
      .filter((p) => p.NAME!.startsWith('course-service-'))
      .find((p) => p.RESTARTS !== '0');
    assert.equal(oomOnce?.STATUS, 'Running', 'a pod that was OOMKilled once runs again');
    assert.equal(
      pods.get('analytics-worker-6c9f5-hz2lp')?.IP,
      '<none>',
      'an unschedulable pod has no IP',
    );

    const all = await k.ok(['get', 'pods', '-A', '--show-labels']);
    assert.match(all, /kube-system\s+coredns-/);
    const gatewayLine = all.split('\n').find((l) => /^freelms\s+api-gateway-/.test(l)) ?? '';
    assert.match(gatewayLine, /\bapp=api-gateway\b/);
    assert.match(gatewayLine, /app\.kubernetes\.io\/part-of=freelms/);
  });

  it('explains why the unschedulable pod is pending, without container statuses', async () => {
    const pod = JSON.parse(
      await k.ok(['get', 'pod', 'analytics-worker-6c9f5-hz2lp', '-o', 'json']),
    );
    assert.equal(pod.status.phase, 'Pending');
    assert.equal(pod.status.containerStatuses, undefined);
    const scheduled = pod.status.conditions.find(
      (c: { type: string }) => c.type === 'PodScheduled',
    );
    assert.equal(scheduled.reason, 'Unschedulable');
    assert.match(scheduled.message, /Insufficient memory/);
  });

  it('shows the crashing gateway logs, the previous container and a chosen container', async () => {
    const gateway = (await k.ok(['get', 'pods', '-l', 'app=api-gateway', '-o', 'name'])).split(
      '\n',
    )[0]!;
    const current = await k.ok(['logs', gateway]);
    assert.match(current, /OutOfMemoryError: Java heap space/);
    assert.match(current, /^\tat com\.freelms\.apigateway\.cache\.CatalogueResponseCache/m);

    const previous = await k.ok(['logs', gateway, '--previous', '--timestamps']);
    const latest = await k.ok(['logs', gateway, '--timestamps']);
    assert.match(previous, /Starting ApiGatewayApplication v2\.4\.1/);
    assert.match(previous, /OutOfMemoryError/);
    assert.ok(
      previous.slice(0, 30) < latest.slice(0, 30),
      'the previous container ran before the latest one',
    );

    const envoy = await k.ok(['logs', gateway, '-c', 'envoy', '--tail', '3']);
    assert.equal(envoy.trimEnd().split('\n').length, 3);
    assert.match(envoy, /"GET \/api\/v1\//);

    const healthy = (await k.ok(['get', 'pods', '-l', 'app=payment-service', '-o', 'name'])).split(
      '\n',
    )[0]!;
    const none = await k.run(['logs', healthy, '--previous']);
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /previous terminated container "payment-service" in pod "payment-service-\w+-\w+" not found/,
    );

    const json = await k.ok(['logs', '-l', 'app=notification-service', '--tail', '5']);
    for (const line of json.trim().split('\n'))
      assert.equal(typeof JSON.parse(line)['@timestamp'], 'string');
  });

  it('honours --tail, --since and --timestamps on a running service', async () => {
    k.sandbox.setLogRate(20);
    const pod = (await k.ok(['get', 'pods', '-l', 'app=user-service', '-o', 'name'])).split(
      '\n',
    )[0]!;
    const tail = await k.ok(['logs', pod, '--tail', '7']);
    assert.equal(tail.trimEnd().split('\n').length, 7);

    await new Promise((r) => setTimeout(r, 2500));
    const recent = await k.ok(['logs', pod, '--since', '2s', '--timestamps']);
    const stamps = recent
      .trim()
      .split('\n')
      .map((line) => Date.parse(line.split(' ')[0]!));
    assert.ok(stamps.length >= 10, `expected a few seconds of lines at 20/s, got ${stamps.length}`);
    const now = k.sandbox.clock.now();
    for (const t of stamps)
      assert.ok(
        t >= now - 3000 && t <= now + 1000,
        `line at ${new Date(t).toISOString()} is older than --since 2s`,
      );
  });

  it('follows a log with -f and stops when the container exits', async () => {
    k.sandbox.setLogRate(10);
    const pod = (await k.ok(['get', 'pods', '-l', 'app=course-service', '-o', 'name'])).split(
      '\n',
    )[0]!;
    const before = (await k.ok(['logs', pod])).split('\n').length;
    const followed = await k.stream(
      ['logs', '-f', pod, '--tail', '1'],
      (out) => out.split('\n').length > 10,
    );
    assert.equal(followed.ended, false, 'a running container keeps the stream open');
    assert.ok(followed.stdout.split('\n').length > 10 && before > 0);

    await k.ok(['run', 'crasher', '--image=registry.freelms.io/crasher:crash', '--restart=Always']);
    await eventually(
      async () => (await k.ok(['get', 'pod', 'crasher'])).includes('Running'),
      15_000,
      'crasher to run',
    );
    const untilExit = await k.stream(['logs', '-f', 'crasher'], () => false, 20_000);
    assert.equal(untilExit.ended, true);
    assert.equal(untilExit.code, 0, untilExit.stderr);
    assert.match(untilExit.stdout, /Application run failed/);
  });

  it('scales a deployment and reads it back through the scale subresource', async () => {
    assert.match(await k.ok(['scale', 'deployment/user-service', '--replicas=4']), /scaled/);
    await eventually(
      async () =>
        parseTable(await k.ok(['get', 'deploy', 'user-service'])).get('user-service')?.READY ===
        '4/4',
      15_000,
      '4/4 ready',
    );
    assert.match(
      await k.ok(['scale', 'deployment/user-service', '--current-replicas=4', '--replicas=1']),
      /scaled/,
    );
    const wrong = await k.run([
      'scale',
      'deployment/user-service',
      '--current-replicas=7',
      '--replicas=2',
    ]);
    assert.notEqual(wrong.code, 0);
    await eventually(
      async () =>
        (await k.ok(['get', 'pods', '-l', 'app=user-service', '--no-headers'])).trim().split('\n')
          .length === 1,
      15_000,
      'one pod left',
    );
  });

  it('rolls the gateway back to the previous revision, and rollout status waits until it is healed', async () => {
    assert.equal(k.sandbox.isApiGatewayReady(), false);
    const history = await k.ok(['rollout', 'history', 'deployment/api-gateway']);
    assert.match(history, /1\s+Release 2\.3\.0: tenant routing/);
    assert.match(history, /2\s+Release 2\.4\.0: per-tenant rate limiting/);
    assert.match(history, /3\s+Release 2\.4\.1: response cache for course catalogue/);

    const before = await k.run(['rollout', 'status', 'deployment/api-gateway', '--timeout=5s']);
    assert.notEqual(before.code, 0);
    assert.match(before.stderr, /exceeded its progress deadline/);

    assert.match(await k.ok(['rollout', 'undo', 'deployment/api-gateway']), /rolled back/);
    const status = await k.ok(['rollout', 'status', 'deployment/api-gateway', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.match(status, /successfully rolled out/);

    assert.equal(k.sandbox.isApiGatewayReady(), true);
    const health = (await (await fetch(k.sandbox.endpoints.health)).json()) as { status: string };
    assert.equal(health.status, 'UP');
    const after = await k.ok(['rollout', 'history', 'deployment/api-gateway']);
    assert.match(after, /4\s+Release 2\.4\.0: per-tenant rate limiting/);
    assert.doesNotMatch(after, /^2\s/m, 'revision 2 became revision 4');
    const deploy = JSON.parse(await k.ok(['get', 'deploy', 'api-gateway', '-o', 'json']));
    assert.equal(deploy.metadata.annotations['deployment.kubernetes.io/revision'], '4');
    assert.equal(
      deploy.spec.template.spec.containers[0].image,
      'registry.freelms.io/api-gateway:2.4.0',
    );
    assert.equal(deploy.status.observedGeneration, deploy.metadata.generation);

    const again = await k.ok(['rollout', 'undo', 'deployment/api-gateway', '--to-revision=4']);
    assert.match(again, /skipped rollback/);
  });

  it('rolls back to a chosen revision and refuses one that is not in the history', async () => {
    assert.match(
      await k.ok(['rollout', 'undo', 'deployment/user-service', '--to-revision=1']),
      /rolled back/,
    );
    await k.ok(['rollout', 'status', 'deployment/user-service', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    const image = await k.ok([
      'get',
      'deploy',
      'user-service',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    assert.equal(image, 'registry.freelms.io/user-service:3.1.0');
    assert.match(
      await k.ok(['rollout', 'history', 'deployment/user-service']),
      /4\s+Release 3\.1\.0/,
    );

    const missing = await k.run(['rollout', 'undo', 'deployment/user-service', '--to-revision=9']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /unable to find specified revision 9 in history/);
  });

  it('reports ProgressDeadlineExceeded when a new image never gets ready, and honours pause', async () => {
    await k.ok([
      'patch',
      'deployment/payment-service',
      '--type=merge',
      '-p',
      '{"spec":{"progressDeadlineSeconds":2}}',
    ]);
    await k.ok(['rollout', 'pause', 'deployment/payment-service']);
    await k.ok([
      'set',
      'image',
      'deployment/payment-service',
      'payment-service=registry.freelms.io/payment-service:1.6.0-crash',
    ]);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      (await k.ok(['get', 'rs', '-l', 'app=payment-service', '--no-headers'])).trim().split('\n')
        .length,
      2,
      'paused: no new ReplicaSet',
    );

    await k.ok(['rollout', 'resume', 'deployment/payment-service']);
    const status = await k.run(
      ['rollout', 'status', 'deployment/payment-service', '--timeout=40s'],
      { timeoutMs: 50_000 },
    );
    assert.equal(status.code, 1);
    assert.match(status.stderr, /deployment "payment-service" exceeded its progress deadline/);
    const ready = parseTable(await k.ok(['get', 'deploy', 'payment-service'])).get(
      'payment-service',
    )?.READY;
    assert.equal(ready, '2/2', 'the old pods keep serving while the new one crashes');
  });

  it('watches pods change with get -w', async () => {
    const pods = (await k.ok(['get', 'pods', '-l', 'app=course-service', '-o', 'name']))
      .trim()
      .split('\n');
    const victim = pods[0]!.replace('pod/', '');
    const watching = k.stream(
      ['get', 'pods', '-l', 'app=course-service', '-w'],
      (out) => {
        const lines = out.split('\n');
        const seen = new Set(lines.map((l) => l.split(/\s+/)[0]));
        return (
          lines.some((l) => l.startsWith(victim) && l.includes('Terminating')) &&
          [...seen].some((n) => n && n !== 'NAME' && !pods.includes(`pod/${n}`)) &&
          /\n\S+\s+1\/1\s+Running[^\n]*\n?$/.test(out)
        );
      },
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    await k.ok(['delete', 'pod', victim, '--wait=false']);
    const result = await watching;
    assert.match(result.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.equal(result.stdout.match(/^NAME/gm)?.length, 1, 'one header');
  });

  it('runs the runbook commands with exec: real redis-cli INFO, psql and the Kafka lag table', async () => {
    const info = await k.ok(['exec', 'redis-0', '--', 'redis-cli', 'INFO']);
    assert.match(info, /^# Server/m);
    assert.match(info, /^redis_version:\d+\.\d+\.\d+/m);
    assert.match(info, /^connected_clients:\d+/m);

    const psql = await k.ok([
      'exec',
      'postgres-0',
      '--',
      'psql',
      '-U',
      'freelms',
      '-c',
      'SELECT count(*) FROM pg_stat_activity;',
    ]);
    assert.match(psql, /^ count \n-------\n +\d+\n\(1 row\)\n/);

    const lag = await k.ok([
      'exec',
      'kafka-0',
      '--',
      'kafka-consumer-groups.sh',
      '--bootstrap-server',
      'localhost:9092',
      '--describe',
      '--all-groups',
    ]);
    assert.match(lag, /GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG/);
    assert.match(lag, /notification-service\s+enrollment-events\s+0\s+\d+\s+\d+\s+\d+/);

    const failed = await k.run(['exec', 'redis-0', '--', 'sh', '-c', 'exit 3']);
    assert.equal(failed.code, 3);
    assert.match(failed.stderr, /command terminated with exit code 3/);

    const sql = await k.ok(['exec', '-i', 'postgres-0', '--', 'psql'], {
      input: 'SELECT 41 + 1 AS answer;',
    });
    assert.match(sql, /answer \n--------\n +42\n/);

    const pending = await k.run([
      'exec',
      'analytics-worker-6c9f5-hz2lp',
      '--',
      'redis-cli',
      'INFO',
    ]);
    assert.equal(pending.code, 1);
  });
});
