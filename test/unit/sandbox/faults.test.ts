import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { FaultRegistry, FaultSpecError, parseFaultSpec } from '../../../sandbox/faults';
import { pathPattern } from '../../../sandbox/services/fault-effects';
import { startServices, type RunningServices } from '../../../sandbox/services/router';
import { SANDBOX_TOKENS } from '../../../sandbox/services/tokens';

describe('sandbox fault specs', () => {
  it('reads a Slack 429 with Retry-After for the next call only', () => {
    assert.deepEqual(parseFaultSpec('slack:chat.postMessage:429:retry-after=2:times=1'), {
      service: 'slack',
      path: 'chat.postMessage',
      action: { kind: 'status', status: 429, retryAfterSeconds: 2 },
      times: 1,
    });
  });

  it('reads a method with the path, a timeout, a cut stream and plain latency', () => {
    assert.deepEqual(parseFaultSpec('pagerduty:POST /incidents:503'), {
      service: 'pagerduty',
      method: 'POST',
      path: '/incidents',
      action: { kind: 'status', status: 503 },
    });
    assert.deepEqual(parseFaultSpec('flags:timeout:times=1'), {
      service: 'flags',
      action: { kind: 'timeout' },
      times: 1,
    });
    assert.deepEqual(parseFaultSpec('kubernetes:GET /api/v1/namespaces/*/pods/*/log:cut=2000'), {
      service: 'kubernetes',
      method: 'GET',
      path: '/api/v1/namespaces/*/pods/*/log',
      action: { kind: 'cut', afterBytes: 2000 },
    });
    assert.deepEqual(parseFaultSpec('health:latency=3000'), {
      service: 'health',
      action: { kind: 'latency' },
      latencyMs: 3000,
    });
    assert.deepEqual(parseFaultSpec('kubernetes:*:500:latency=100'), {
      service: 'kubernetes',
      action: { kind: 'status', status: 500 },
      latencyMs: 100,
    });
  });

  it('says which part of a bad spec is wrong', () => {
    assert.throws(() => parseFaultSpec('jira:500'), /unknown service "jira"/);
    assert.throws(() => parseFaultSpec('slack'), /has no action/);
    assert.throws(
      () => parseFaultSpec('slack:chat.postMessage:explode'),
      /"explode" is not an action/,
    );
    assert.throws(() => parseFaultSpec('slack:200'), /not an HTTP error status/);
    assert.throws(
      () => parseFaultSpec('slack:timeout:retry-after=1'),
      /retry-after goes with a status/,
    );
    assert.throws(() => parseFaultSpec('slack:500:times=often'), FaultSpecError);
    assert.throws(() => parseFaultSpec('slack:500:colour=red'), /unknown option "colour"/);
    assert.throws(() => new FaultRegistry().addSpec('slack:500:times=0'), /never apply/);
  });

  it('matches a bare name against the end of the path and a leading slash against all of it', () => {
    assert.ok(pathPattern('chat.postMessage').test('/chat.postMessage'));
    assert.ok(!pathPattern('chat.postMessage').test('/chat.postMessageLater'));
    assert.ok(pathPattern('incidents/*').test('/incidents/Q1'));
    assert.ok(!pathPattern('/incidents').test('/incidents/Q1'));
    assert.ok(pathPattern('/api/v1/namespaces/*/pods').test('/api/v1/namespaces/freelms/pods'));
    assert.ok(!pathPattern('/api/v1/namespaces/*/pods').test('/api/v1/namespaces/freelms/x/pods'));
    assert.ok(pathPattern('/apis/**').test('/apis/apps/v1/namespaces/freelms/deployments'));
  });
});

describe('sandbox faults in action', () => {
  let sandbox: RunningServices;

  beforeEach(async () => {
    sandbox = await startServices();
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  const slackCall = (method: string) =>
    fetch(`${sandbox.endpoints.slack}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SANDBOX_TOKENS.slack}` },
    });

  const control = (path: string, init: RequestInit = {}) =>
    fetch(`${sandbox.endpoints.control}${path}`, init);

  it('delays a call by the latency asked for, then answers it normally', async () => {
    sandbox.faults.addSpec('health:latency=150');

    const started = Date.now();
    const response = await fetch(sandbox.endpoints.health);

    assert.equal(response.status, 200);
    assert.ok(Date.now() - started >= 140);
  });

  it("fails only the next N calls with the service's own 5xx body", async () => {
    sandbox.faults.addSpec('slack:auth.test:500:times=2');

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await slackCall('auth.test')).status);
    }
    assert.deepEqual(statuses, [500, 500, 200]);
    assert.deepEqual(sandbox.faults.list(), [], 'the spent fault is gone');

    sandbox.faults.addSpec('pagerduty:503');
    const pd = await fetch(`${sandbox.endpoints.pagerduty}/incidents`);
    assert.equal(pd.status, 503);
    assert.deepEqual(await pd.json(), {
      error: {
        message: 'An internal error has occurred. PagerDuty team has been notified.',
        code: 2000,
      },
    });
  });

  it('holds a request open without answering until the client gives up', async () => {
    sandbox.faults.addSpec('flags:timeout:times=1');
    const headers = { authorization: `Bearer ${SANDBOX_TOKENS.flagsAdmin}` };

    await assert.rejects(
      fetch(`${sandbox.endpoints.flags}/admin/feature-flags`, {
        headers,
        signal: AbortSignal.timeout(200),
      }),
      { name: 'TimeoutError' },
    );
    const next = await fetch(`${sandbox.endpoints.flags}/admin/feature-flags`, { headers });
    assert.equal(next.status, 200);
  });

  it('leaves held requests to stop(), which ends them', async () => {
    sandbox.faults.addSpec('health:timeout');
    const held = fetch(sandbox.endpoints.health).then(
      () => 'answered',
      () => 'connection ended',
    );
    await waitFor(() => sandbox.faults.calls('health').length === 1);

    await sandbox.stop();

    assert.equal(await held, 'connection ended');
    sandbox = await startServices();
  });

  it('cuts a JSON answer mid-way so the client sees a broken body', async () => {
    sandbox.faults.addSpec('pagerduty:GET /incidents:cut=100');

    const response = await fetch(`${sandbox.endpoints.pagerduty}/incidents`, {
      headers: { authorization: `Token token=${SANDBOX_TOKENS.pagerduty}` },
    });

    assert.equal(response.status, 200);
    await assert.rejects(response.text());
  });

  it('matches the method too: a fault on POST leaves GET alone', async () => {
    sandbox.faults.addSpec('pagerduty:POST /incidents:503');

    const response = await fetch(`${sandbox.endpoints.pagerduty}/incidents`, {
      headers: { authorization: `Token token=${SANDBOX_TOKENS.pagerduty}` },
    });

    assert.equal(response.status, 200);
    assert.equal(sandbox.faults.list()[0]!.hits, 0);
  });

  it('switches faults on and off over the control endpoint', async () => {
    const created = await control('/faults', {
      method: 'POST',
      body: JSON.stringify({ spec: 'slack:chat.postMessage:429:retry-after=2' }),
    });
    assert.equal(created.status, 201);
    const fault = (await created.json()) as { id: string };

    const rule = await control('/faults', {
      method: 'POST',
      body: JSON.stringify({
        service: 'statuspage',
        method: 'post',
        path: '/pages/*/incidents',
        status: 500,
        times: 1,
      }),
    });
    assert.equal(rule.status, 201);

    const listed = (await (await control('/faults')).json()) as {
      faults: Array<{ id: string; service: string }>;
    };
    assert.deepEqual(
      listed.faults.map((entry) => entry.service),
      ['slack', 'statuspage'],
    );

    const limited = await fetch(`${sandbox.endpoints.slack}chat.postMessage`, { method: 'POST' });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.deepEqual(await limited.json(), { ok: false, error: 'ratelimited' });

    assert.equal((await control(`/faults/${fault.id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await control(`/faults/${fault.id}`, { method: 'DELETE' })).status, 404);
    assert.equal((await control('/faults', { method: 'DELETE' })).status, 200);
    assert.deepEqual(sandbox.faults.list(), []);

    const bad = await control('/faults', {
      method: 'POST',
      body: JSON.stringify({ spec: 'slack:teapot' }),
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /"teapot" is not an action/);
  });

  it('replaces the error body when the control request gives one', async () => {
    await control('/faults', {
      method: 'POST',
      body: JSON.stringify({
        service: 'flags',
        status: 502,
        body: { message: 'bad gateway from the ingress' },
      }),
    });

    const response = await fetch(`${sandbox.endpoints.flags}/admin/feature-flags`);

    assert.equal(response.status, 502);
    assert.deepEqual(await response.json(), { message: 'bad gateway from the ingress' });
  });

  it('puts the services back to their seeded state on a reset, for suites sharing a sandbox', async () => {
    await fetch(`${sandbox.endpoints.flags}/admin/feature-flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SANDBOX_TOKENS.flagsAdmin}` },
      body: JSON.stringify({ flag: 'new-feature', enabled: false }),
    });
    assert.equal(sandbox.state.flags.flags[0]!.enabled, false);

    const reset = await control('/services/reset', { method: 'POST' });

    assert.equal(reset.status, 200);
    assert.equal(sandbox.state.flags.flags[0]!.enabled, true);
  });

  it('lists the calls each service received, with the fault that hit them, so duplicates show', async () => {
    sandbox.faults.addSpec('slack:auth.test:503:times=1');
    await slackCall('auth.test');
    await slackCall('auth.test');
    await fetch(sandbox.endpoints.health);

    const answer = await control('/calls?service=slack');
    const { calls } = (await answer.json()) as {
      calls: Array<{ method: string; path: string; fault?: string }>;
    };

    assert.deepEqual(
      calls.map((call) => [call.method, call.path, call.fault !== undefined]),
      [
        ['POST', '/auth.test', true],
        ['POST', '/auth.test', false],
      ],
    );
    assert.equal(sandbox.faults.calls().length, 3, 'health counted too, control calls not');
    await control('/calls', { method: 'DELETE' });
    assert.deepEqual(sandbox.faults.calls(), []);
  });
});

describe('sandbox faults on a Kubernetes-style stream', () => {
  let server: Server;
  let origin: string;
  let producerStopped = false;
  const faults = new FaultRegistry();

  before(async () => {
    // Stands in for the Kubernetes part: intercept first, then stream ten 100-byte log chunks.
    server = createServer((req, res) => {
      void faults.intercept('kubernetes', req, res).then(async (answered) => {
        if (answered) {
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        try {
          for (let chunk = 0; chunk < 10; chunk++) {
            await new Promise<void>((resolve, reject) =>
              res.write(`${String(chunk).padStart(99, '.')}\n`, (error) =>
                error ? reject(error) : resolve(),
              ),
            );
          }
          res.end();
        } catch {
          producerStopped = true;
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    faults.clear();
  });

  after(async () => {
    faults.releaseHeld();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('streams the whole log when no fault is set', async () => {
    const { bytes, complete } = await download(
      `${origin}/api/v1/namespaces/freelms/pods/api-gateway-0/log`,
    );

    assert.equal(bytes, 1000);
    assert.equal(complete, true);
  });

  it('cuts a followed log after the bytes asked for, mid-chunk', async () => {
    faults.addSpec('kubernetes:GET /api/v1/namespaces/*/pods/*/log:cut=250');

    const { bytes, complete } = await download(
      `${origin}/api/v1/namespaces/freelms/pods/api-gateway-0/log`,
    );

    assert.equal(bytes, 250);
    assert.equal(complete, false);
    await waitFor(() => producerStopped);
  });

  it('answers a Kubernetes Status object for 429 and 503', async () => {
    faults.addSpec('kubernetes:429:retry-after=3:times=1');
    faults.addSpec('kubernetes:503:times=1');

    const limited = await fetch(`${origin}/api/v1/pods`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    assert.deepEqual(await limited.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 },
      code: 429,
    });
    const unavailable = (await (await fetch(`${origin}/api/v1/pods`)).json()) as {
      reason: string;
      code: number;
    };
    assert.equal(unavailable.reason, 'ServiceUnavailable');
    assert.equal(unavailable.code, 503);
  });
});

/** Reads a response to its end or its breaking off, counting body bytes. */
function download(url: string): Promise<{ bytes: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('error', () => undefined);
      res.on('close', () => resolve({ bytes, complete: res.complete }));
    }).on('error', reject);
  });
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !condition(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), 'condition reached');
}
