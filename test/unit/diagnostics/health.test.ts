import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { createLog } from '../../../src/common/log';
import { checkHealth, parseHealth } from '../../../src/platform/health';
import type { HealthError } from '../../../src/platform/health';
import { startSandbox } from '../../../sandbox/index';
import type { Sandbox } from '../../../sandbox/index';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));
const lines: string[] = [];
const log = createLog('health', (level, line) => lines.push(`${level} ${line}`));

/** A loopback server answering every request with the given status and body. */
async function answering(status: number, body: string, type = 'application/json') {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/actuator/health`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('health check (actuator)', () => {
  describe('reading the body of each Spring Boot generation', () => {
    it('reads Boot 3 components and groups when everything is UP', () => {
      const h = parseHealth(fixture('health-boot3-groups-up.json'))!;
      assert.equal(h.status, 'UP');
      assert.equal(h.format, 'components');
      assert.deepEqual(h.groups, ['liveness', 'readiness']);
      assert.deepEqual(
        h.components.map((c) => c.name),
        ['db', 'diskSpace', 'livenessState', 'ping', 'readinessState', 'redis'],
      );
      assert.equal(h.components[0]!.details.database, 'PostgreSQL');
      assert.deepEqual(h.failing, []);
    });

    it('finds the failing indicators of a DOWN answer, nested brokers included, with their errors', () => {
      const h = parseHealth(fixture('health-boot22-down-nested.json'))!;
      assert.equal(h.status, 'DOWN');
      assert.deepEqual(h.failing, ['kafka/broker-1', 'kafka', 'r2dbc']);
      const kafka = h.components.find((c) => c.name === 'kafka')!;
      assert.match(kafka.components[1]!.error!, /TimeoutException/);
      assert.match(h.components.find((c) => c.name === 'r2dbc')!.error!, /Connection refused/);
    });

    it('reads Boot 2.0 details and OUT_OF_SERVICE', () => {
      const h = parseHealth(fixture('health-boot20-details.json'))!;
      assert.equal(h.format, 'details');
      assert.equal(h.status, 'OUT_OF_SERVICE');
      assert.deepEqual(h.failing, ['maintenance']);
      assert.equal(h.components[1]!.details.reason, 'planned upgrade');
    });

    it('reads Boot 1.x indicators beside the status, and its bare error', () => {
      const flat = parseHealth(fixture('health-boot1-flat-down.json'))!;
      assert.equal(flat.format, 'flat');
      assert.deepEqual(flat.failing, ['redis']);
      assert.equal(flat.components.find((c) => c.name === 'diskSpace')!.details.free, 150120210432);
      assert.match(flat.components.find((c) => c.name === 'redis')!.error!, /Jedis/);
      const bare = parseHealth(fixture('health-boot1-error-only.json'))!;
      assert.equal(bare.format, 'statusOnly');
      assert.match(bare.error!, /Could not get a resource from the pool/);
    });

    it('reads a readiness group with a custom indicator without details', () => {
      const h = parseHealth(fixture('health-readiness-custom.json'))!;
      assert.deepEqual(h.components[1], {
        name: 'enrollmentQueue',
        path: 'enrollmentQueue',
        status: 'UP',
        details: {},
        error: undefined,
        components: [],
      });
    });

    it('is not fooled by a body without a status', () => {
      assert.equal(parseHealth({ message: 'hello' }), undefined);
      assert.equal(parseHealth('UP'), undefined);
    });
  });

  describe('against the sandbox', () => {
    let sandbox: Sandbox;
    before(async () => {
      sandbox = await startSandbox({ clockSpeed: 40 });
    });
    after(async () => {
      await sandbox.stop();
    });
    afterEach(() => sandbox.faults.clear());

    it('reports DOWN from a 503 as an answer while the api-gateway crash-loops', async () => {
      const h = await checkHealth(sandbox.endpoints.health, { log });
      assert.equal(h.httpStatus, 503);
      assert.equal(h.status, 'DOWN');
      assert.ok(h.failing.includes('readinessState'));
      assert.match(
        h.components.find((c) => c.name === 'readinessState')!.error!,
        /no ready api-gateway pod/,
      );
    });

    it('reports the liveness group UP', async () => {
      const h = await checkHealth(`${sandbox.endpoints.health}/liveness`, { log });
      assert.equal(h.status, 'UP');
      assert.equal(h.httpStatus, 200);
    });

    it('explains a timeout and a wrong URL', async () => {
      sandbox.faults.addSpec('health:timeout:times=1');
      await assert.rejects(
        checkHealth(sandbox.endpoints.health, { log, timeoutMs: 200 }),
        (e: HealthError) => {
          assert.equal(e.kind, 'timeout');
          assert.match(e.message, /No answer from .* within 0.2 s.*overloaded or hung/);
          return true;
        },
      );
      await assert.rejects(
        checkHealth(`${sandbox.endpoints.health}/nope`, { log }),
        (e: HealthError) => e.kind === 'notFound' && /check the health URL/.test(e.message),
      );
    });
  });

  it('reports an ingress 503 without a health body as DOWN, with what came instead', async () => {
    const s = await answering(
      503,
      '<html><body>503 Service Temporarily Unavailable</body></html>',
      'text/html',
    );
    try {
      const h = await checkHealth(s.url, { log });
      assert.equal(h.status, 'DOWN');
      assert.equal(h.format, 'none');
      assert.match(h.error!, /HTTP 503 without a health body: <html>/);
    } finally {
      await s.close();
    }
  });

  it('explains a secured actuator, an answer that is not health and an unreachable host', async () => {
    const secured = await answering(401, '');
    const other = await answering(200, '<html>login</html>', 'text/html');
    try {
      await assert.rejects(
        checkHealth(secured.url, { log }),
        (e: HealthError) => e.kind === 'unauthorized',
      );
      await assert.rejects(
        checkHealth(other.url, { log }),
        (e: HealthError) => e.kind === 'badAnswer',
      );
    } finally {
      await secured.close();
      await other.close();
    }
    const gone = await answering(200, '');
    await gone.close();
    await assert.rejects(checkHealth(gone.url, { log }), (e: HealthError) => {
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /connection refused/);
      return true;
    });
    assert.ok(lines.some((l) => /warn .*health check GET .* failed: connection refused/.test(l)));
  });
});
