import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import type { CommandContext } from '../../../sandbox/kube/command-result';
import { redisCli } from '../../../sandbox/kube/command-redis';

const context: CommandContext = {
  podName: 'redis-0',
  namespace: 'freelms',
  container: 'redis',
  env: {},
  now: Date.now(),
  redis: { host: '127.0.0.1', port: 6379 },
  postgres: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' },
};

/** `redis-cli` in a sandbox pod, answered by the machine's own Redis. */
describe('sandbox redis-cli', function () {
  this.timeout(30_000);

  before(function () {
    if (!existsSync('/usr/bin/redis-cli') && !existsSync('/usr/local/bin/redis-cli')) this.skip();
  });

  it('answers a command that never reads the input it was given, and the sandbox lives on', async () => {
    // A megabyte is more than a pipe holds: redis-cli exits before it is written, so the
    // write fails with EPIPE. Unheard, that error ended the sandbox (and this test process).
    const stdin = 'x'.repeat(1 << 20);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => redisCli(['PING'], { ...context, stdin })),
    );
    for (const result of results)
      assert.deepEqual(result, { stdout: 'PONG\n', stderr: '', exitCode: 0 });
  });

  it('prints INFO for many pods asking at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => redisCli(['INFO'], context)),
    );
    for (const result of results) {
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /^redis_version:\d+\.\d+\.\d+/m);
    }
  });

  it('keeps commands that would stop, wipe or reconfigure it from the machine’s own Redis', async () => {
    for (const args of [
      ['SHUTDOWN', 'NOSAVE'],
      ['flushall'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['-n', '0', 'FLUSHDB'],
    ]) {
      const result = await redisCli(args, context);
      assert.equal(result.exitCode, 1, args.join(' '));
      assert.match(result.stderr, /NOPERM the sandbox does not pass/);
    }
    const bypasses: Array<[string[], string?]> = [
      [['EVAL', "return redis.call('FLUSHALL')", '0']],
      [['FCALL', 'wipe', '0']],
      [['SWAPDB', '0', '1']],
      [['--pattern', 'x', 'FLUSHALL']],
      [['--cacert', 'ca.pem', 'flushdb']],
      [['--pipe'], '*1\r\n$8\r\nFLUSHALL\r\n'],
      [[], 'PING\nflushall\n'],
      [['-n', '0'], 'MULTI\nFLUSHALL\nEXEC\n'],
      [['-x', 'CONFIG', 'SET', 'dir'], '/tmp'],
    ];
    for (const [args, stdin] of bypasses) {
      const result = await redisCli(args, { ...context, ...(stdin ? { stdin } : {}) });
      assert.match(result.stderr, /NOPERM/, `${args.join(' ')} with ${JSON.stringify(stdin)}`);
    }
    const piped = await redisCli([], { ...context, stdin: 'PING\nCONFIG GET maxmemory\n' });
    assert.equal(piped.exitCode, 0, piped.stderr);
    assert.match(piped.stdout, /^PONG\nmaxmemory\n/);
    const config = await redisCli(['CONFIG', 'GET', 'maxmemory'], context);
    assert.equal(config.exitCode, 0, config.stderr);
    assert.match(config.stdout, /^maxmemory\n\d+\n$/);
  });
});
