import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { connect } from '../../../src/platform/kube/connection';
import type { KubeConnection } from '../../../src/platform/kube/connection';
import { KubeError, toKubeError } from '../../../src/platform/kube/errors';
import { loadKubeconfig } from '../../../src/platform/kube/kubeconfig';
import { memoryLog, sendStatus, startFakeApi, tempDir, tokenKubeconfig } from './helpers/fakeApi';
import type { FakeApi, Handler } from './helpers/fakeApi';

describe('Kubernetes errors an on-call engineer can act on', () => {
  let api: FakeApi;
  let tmp: ReturnType<typeof tempDir>;
  let conn: KubeConnection;
  let logLines: string[];

  const connectTo = (server: string): KubeConnection => {
    const file = tmp.write('config', tokenKubeconfig(server, 'prod'));
    const { log, lines } = memoryLog();
    logLines = lines;
    return connect(
      loadKubeconfig({ kubeconfigPath: file }),
      { context: 'prod', namespace: 'freelms' },
      { log },
    );
  };
  const listPods = (c = conn) =>
    c.call({ verb: 'list', resource: 'pods' }, () =>
      c.core.listNamespacedPod({ namespace: c.namespace }),
    );
  const failure = async (
    handler: Handler,
    run: () => Promise<unknown> = listPods,
  ): Promise<KubeError> => {
    api.handle(handler);
    try {
      await run();
    } catch (err) {
      assert.ok(err instanceof KubeError, `expected a KubeError, got ${String(err)}`);
      return err;
    }
    assert.fail('the request should have failed');
  };

  beforeEach(async () => {
    tmp = tempDir();
    api = await startFakeApi();
    conn = connectTo(api.url);
  });
  afterEach(async () => {
    tmp.dispose();
    await api.close();
  });

  it('says which verb and resource a 403 forbids, from the Status the server sent', async () => {
    const e = await failure((_q, res) =>
      sendStatus(
        res,
        403,
        'Forbidden',
        'pods is forbidden: User "system:serviceaccount:freelms:oncall" cannot list resource "pods" ' +
          'in API group "" in the namespace "freelms"',
        { kind: 'pods' },
      ),
    );
    assert.equal(e.kind, 'forbidden');
    assert.equal(e.target.verb, 'list');
    assert.equal(e.target.resource, 'pods');
    assert.equal(e.target.context, 'prod');
    assert.equal(e.target.server, api.url);
    assert.match(e.message, /not allowed to list pods \(namespace freelms, context prod\)/);
    assert.match(
      logLines.join('\n'),
      /list pods in freelms on prod \(http:\/\/127\.0\.0\.1:\d+\) failed after \d+ ms: 403 forbidden/,
    );
  });

  it('tells expired credentials from other failures on a 401', async () => {
    const e = await failure((_q, res) => sendStatus(res, 401, 'Unauthorized', 'Unauthorized'));
    assert.equal(e.kind, 'credentials');
    assert.match(e.message, /expired or is invalid/);
  });

  it('says the namespace is missing when the namespace lookup answers 404', async () => {
    const e = await failure(
      (_q, res) =>
        sendStatus(res, 404, 'NotFound', 'namespaces "freelms" not found', {
          name: 'freelms',
          kind: 'namespaces',
        }),
      () => conn.checkNamespace(),
    );
    assert.equal(e.kind, 'namespaceNotFound');
    assert.match(e.message, /Namespace freelms does not exist on context prod/);
  });

  it('does not block on a user who may not read namespaces', async () => {
    api.handle((_q, res) =>
      sendStatus(res, 403, 'Forbidden', 'namespaces "freelms" is forbidden', {
        kind: 'namespaces',
      }),
    );
    await conn.checkNamespace();
  });

  it('reports a missing pod with the server’s wording', async () => {
    const e = await failure(
      (_q, res) =>
        sendStatus(res, 404, 'NotFound', 'pods "grafana" not found', {
          name: 'grafana',
          kind: 'pods',
        }),
      () =>
        conn.call({ verb: 'get', resource: 'pods', name: 'grafana' }, () =>
          conn.core.readNamespacedPod({ name: 'grafana', namespace: 'freelms' }),
        ),
    );
    assert.equal(e.kind, 'notFound');
    assert.match(e.message, /pods "grafana" not found/);
  });

  it('keeps 409, 410, 429 with Retry-After and 5xx apart', async () => {
    const conflict = await failure((_q, res) =>
      sendStatus(
        res,
        409,
        'Conflict',
        'Operation cannot be fulfilled on deployments.apps "course-service": the object has been modified',
      ),
    );
    assert.equal(conflict.kind, 'conflict');
    const gone = await failure((_q, res) =>
      sendStatus(res, 410, 'Expired', 'too old resource version: 100 (2000)'),
    );
    assert.equal(gone.kind, 'gone');
    assert.equal(gone.transient, true);
    const throttled = await failure((_q, res) =>
      sendStatus(res, 429, 'TooManyRequests', 'too many requests', undefined, {
        'Retry-After': '7',
      }),
    );
    assert.equal(throttled.kind, 'tooManyRequests');
    assert.equal(throttled.retryAfterSeconds, 7);
    const broken = await failure((_q, res) =>
      sendStatus(res, 503, 'ServiceUnavailable', 'etcdserver: leader changed'),
    );
    assert.equal(broken.kind, 'serverError');
    assert.match(broken.message, /503 ServiceUnavailable etcdserver: leader changed/);
  });

  it('says previous logs do not exist when the container never restarted, on a streamed request', async () => {
    const e = await failure(
      (_q, res) =>
        sendStatus(
          res,
          400,
          'BadRequest',
          'previous terminated container "app" in pod "course-service-7d9f8b6c5-x2x9k" not found',
        ),
      () =>
        conn.stream(
          { verb: 'get', resource: 'pods/log', name: 'course-service-7d9f8b6c5-x2x9k' },
          '/api/v1/namespaces/freelms/pods/x/log',
          { previous: true },
        ),
    );
    assert.equal(e.kind, 'noPreviousLogs');
    assert.equal(e.httpStatus, 400);
  });

  it('says the server is unreachable when the connection is refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = connectTo(`http://127.0.0.1:${port}`);

    const e = await failure(
      () => undefined,
      () => listPods(down),
    );
    assert.equal(e.kind, 'unreachable');
    assert.match(e.message, /connection refused/);
    assert.equal(e.target.server, `http://127.0.0.1:${port}`);
  });

  it('maps an unknown host and a timeout to unreachable', () => {
    const dns = toKubeError(
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }),
      { context: 'prod' },
    );
    assert.equal(dns.kind, 'unreachable');
    assert.match(dns.message, /host not found/);
    const slow = toKubeError(
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      {},
    );
    assert.equal(slow.kind, 'unreachable');
    assert.match(slow.message, /timed out/);
  });

  it('maps the watch’s bare status code errors', () => {
    const e = toKubeError(Object.assign(new Error('Gone'), { statusCode: 410 }), {
      resource: 'pods',
      verb: 'watch',
    });
    assert.equal(e.kind, 'gone');
  });
});
