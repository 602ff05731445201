import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { flagAction, listFlags, parseFlagList, setFlag } from '../../../src/platform/flags';
import type { FlagError, FlagsTarget } from '../../../src/platform/flags';
import { startSandbox } from '../../../sandbox/index';
import type { Sandbox } from '../../../sandbox/index';
import { SANDBOX_TOKENS } from '../../../sandbox/services/tokens';
import { memoryLog } from './helpers';

describe('feature flags (runbook option C)', () => {
  let sandbox: Sandbox;
  let lines: string[];
  let target: FlagsTarget;
  before(async () => {
    sandbox = await startSandbox({ scenario: false });
  });
  after(async () => {
    await sandbox.stop();
  });
  beforeEach(async () => {
    await fetch(`${sandbox.endpoints.control}/services/reset`, { method: 'POST' });
    sandbox.faults.clear();
    const memory = memoryLog();
    lines = memory.lines;
    target = {
      baseUrl: sandbox.endpoints.flags,
      token: SANDBOX_TOKENS.flagsAdmin,
      log: memory.log,
    };
  });

  it('lists the flags with their state', async () => {
    const flags = await listFlags(target);
    const newFeature = flags.find((f) => f.flag === 'new-feature');
    assert.equal(newFeature?.enabled, true);
    assert.deepEqual(
      flags.map((f) => f.flag),
      [...flags.map((f) => f.flag)].sort((a, b) => a.localeCompare(b)),
    );
    assert.ok(flags.length >= 5);
  });

  it('disables the problematic feature and reads the new state back', async () => {
    const change = await setFlag(target, 'new-feature', false);
    assert.equal(change.previous, true);
    assert.equal(change.readBack, false);
    assert.deepEqual(flagAction(change), { kind: 'flag', flag: 'new-feature', enabled: false });
    const again = await listFlags(target);
    assert.equal(again.find((f) => f.flag === 'new-feature')?.enabled, false);
    assert.ok(!lines.some((l) => l.includes(SANDBOX_TOKENS.flagsAdmin)), 'token never logged');
  });

  const refused = async (t: FlagsTarget, flag: string, kind: string, words: RegExp) => {
    await assert.rejects(setFlag(t, flag, false), (e: FlagError) => {
      assert.equal(e.kind, kind);
      assert.match(e.message, words);
      return true;
    });
  };

  it('explains a missing token (401), a wrong one (403) and an unknown flag (404)', async () => {
    await refused({ ...target, token: '' }, 'new-feature', 'unauthorized', /401.*set it again/);
    await refused({ ...target, token: 'wrong' }, 'new-feature', 'forbidden', /403.*admin role/);
    await refused(target, 'no-such-flag', 'unknownFlag', /no feature flag "no-such-flag"/);
    assert.ok(lines.some((l) => /warn .*POST .*\/admin\/feature-flags answered 403/.test(l)));
  });

  it('reports an admin API that does not answer in time', async () => {
    sandbox.faults.addSpec('flags:timeout:times=1');
    await assert.rejects(listFlags({ ...target, timeoutMs: 200 }), (e: FlagError) => {
      assert.equal(e.kind, 'timeout');
      assert.match(e.message, /did not answer GET .*no answer within 0.2 s/);
      return true;
    });
  });

  it('reports a server error and an unreachable admin API', async () => {
    sandbox.faults.addSpec('flags:POST *:500:times=1');
    await refused(target, 'new-feature', 'serverError', /failed POST .* with 500/);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(
      listFlags({ ...target, baseUrl: `http://127.0.0.1:${port}` }),
      (e: FlagError) => e.kind === 'unreachable' && /connection refused/.test(e.message),
    );
  });

  it('says so when the API accepts a change but reads back the old state', async () => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'POST' ? '{}' : '[{"name":"new-feature","enabled":true}]');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await refused({ ...target, baseUrl: url }, 'new-feature', 'notApplied', /reads it back on/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('reads the list shapes admin APIs answer with', () => {
    const one = [{ flag: 'a', enabled: true }];
    assert.deepEqual(
      parseFlagList({ flags: one })?.map((f) => f.flag),
      ['a'],
    );
    assert.deepEqual(
      parseFlagList(one)?.map((f) => f.enabled),
      [true],
    );
    assert.deepEqual(parseFlagList({ a: false, b: true }), [
      { flag: 'a', enabled: false },
      { flag: 'b', enabled: true },
    ]);
    assert.equal(parseFlagList({ flags: [{ flag: 'a' }] }), undefined);
    assert.equal(parseFlagList('<html>'), undefined);
  });
});
