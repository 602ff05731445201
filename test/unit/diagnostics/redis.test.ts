import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { KubeError } from '../../../src/platform/kube/errors';
import { redisInfo, redisInfoViaExec } from '../../../src/platform/redis';
import type { RedisError } from '../../../src/platform/redis';
import { parseRedisInfo } from '../../../src/platform/redisInfo';
import { memoryLog, startCluster } from '../mitigation/helpers';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const kinds = (text: string) => parseRedisInfo(text).warnings.map((w) => w.kind);

describe('Redis status (redis-cli INFO)', function () {
  this.timeout(20_000);

  it('summarises an old 4.0 INFO with CRLF lines and warns about memory, evictions and misses', () => {
    const info = parseRedisInfo(fixture('redis-info-4.0.txt'));
    const s = info.summary;
    assert.equal(s.version, '4.0.14');
    assert.equal(s.uptimeSeconds, 864210);
    assert.equal(s.connectedClients, 42);
    assert.equal(s.usedMemory, 1048576000);
    assert.equal(s.usedMemoryPeak, 1070596096);
    assert.equal(s.maxMemory, 1073741824);
    assert.equal(Math.round(s.memoryUsedRatio! * 1000), 977);
    assert.equal(s.hitRatio, 0.6);
    assert.equal(s.evictedKeys, 5120);
    assert.equal(s.expiredKeys, 223344);
    assert.equal(s.opsPerSecond, 1875);
    assert.equal(s.role, 'master');
    assert.deepEqual(s.keyspace, [
      { db: 'db0', keys: 183204, expires: 120034, avgTtlMs: 3512043 },
      { db: 'db2', keys: 12, expires: 0, avgTtlMs: 0 },
    ]);
    assert.deepEqual(kinds(fixture('redis-info-4.0.txt')), [
      'memory',
      'evictions',
      'rejected',
      'hitRatio',
      'persistence',
    ]);
    assert.match(info.warnings[0]!.message, /98% of maxmemory \(policy allkeys-lru\)/);
    assert.equal(info.sections.cpu!.used_cpu_sys, '5120.42');
  });

  it('summarises a 7.2 replica that lost its master, with no memory limit and no lookups yet', () => {
    const info = parseRedisInfo(fixture('redis-info-7.2-replica.txt'));
    assert.equal(info.summary.version, '7.2.4');
    assert.equal(info.summary.role, 'slave');
    assert.equal(info.summary.masterLinkStatus, 'down');
    assert.equal(info.summary.maxMemory, 0);
    assert.equal(info.summary.memoryUsedRatio, undefined);
    assert.equal(info.summary.hitRatio, undefined);
    assert.deepEqual(info.summary.keyspace, []);
    assert.equal(info.sections.errorstats!.errorstat_ERR, 'count=3');
    assert.deepEqual(kinds(fixture('redis-info-7.2-replica.txt')), ['replication', 'blocked']);
  });

  it('reads INFO from the real Redis, as redis-cli prints it', async () => {
    const { log } = memoryLog();
    const info = await redisInfo({ url: 'redis://127.0.0.1:6379', log });
    const cli = await new Promise<string>((resolve) =>
      execFile('redis-cli', ['-h', '127.0.0.1', 'INFO', 'server'], (_e, out) => resolve(out)),
    );
    if (cli) {
      assert.equal(info.summary.version, parseRedisInfo(cli).summary.version);
    }
    assert.match(info.summary.version ?? '', /^\d+\.\d+\.\d+$/);
    assert.ok((info.summary.uptimeSeconds ?? 0) > 0);
    assert.ok((info.summary.connectedClients ?? 0) >= 1);
    assert.ok(['master', 'slave'].includes(info.summary.role ?? ''));
    assert.ok(info.sections.memory && info.sections.stats);
  });

  it('explains an unreachable Redis, a refused password and a Redis that does not answer', async () => {
    const { log, lines } = memoryLog();
    await assert.rejects(redisInfo({ url: 'redis://127.0.0.1:1', log }), (e: RedisError) => {
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /Cannot reach Redis at redis:\/\/127.0.0.1:1: ECONNREFUSED/);
      return true;
    });
    await assert.rejects(
      redisInfo({ url: 'redis://127.0.0.1:6379', password: 'secret-not-logged', log }),
      (e: RedisError) => e.kind === 'authentication' && /secret storage/.test(e.message),
    );
    // Accepts and reads, but never answers: a Redis stuck in a slow command.
    const silent = net.createServer((socket) => socket.resume());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      await assert.rejects(
        redisInfo({ url: `redis://127.0.0.1:${port}`, timeoutMs: 200, log }),
        (e: RedisError) => e.kind === 'timeout' && /within 0.2 s/.test(e.message),
      );
    } finally {
      await new Promise<void>((r) => silent.close(() => r()));
    }
    assert.ok(
      lines.some((l) => /warn .*INFO on Redis .* failed after \d+ ms: unreachable/.test(l)),
    );
    assert.ok(!lines.some((l) => l.includes('secret-not-logged')));
  });

  describe('through kubectl exec on redis-0', () => {
    it('reads INFO from redis-0 of the sandbox', async () => {
      const c = await startCluster();
      try {
        const info = await redisInfoViaExec(c.connection);
        assert.match(info.summary.version ?? '', /^\d+\.\d+\.\d+$/);
        await assert.rejects(
          redisInfoViaExec(c.connection, 'redis-9'),
          (e: KubeError) => e.kind === 'notFound',
        );
      } finally {
        await c.stop();
      }
    });
  });
});
