import assert from 'node:assert/strict';
import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import {
  checkScript,
  durationText,
  scriptOf,
  smokePassed,
  smokeSummary,
} from '../../../src/platform/smokeTests';
import { tempDir } from '../kube/helpers/fakeApi';

describe('smoke tests: the script a command starts', () => {
  const cwd = '/work/freelms';

  it('resolves the default ./integration-tests/run-smoke-tests.sh against the workspace folder', () => {
    assert.equal(
      scriptOf('./integration-tests/run-smoke-tests.sh', cwd),
      '/work/freelms/integration-tests/run-smoke-tests.sh',
    );
  });

  it('reads past NAME=value assignments and keeps a quoted path with spaces whole', () => {
    assert.equal(
      scriptOf('BASE_URL=https://staging.test "./smoke tests/run.sh" --fast', cwd),
      '/work/freelms/smoke tests/run.sh',
    );
  });

  it('takes absolute paths and ~ as they are', () => {
    assert.equal(scriptOf('/opt/smoke/run.sh', cwd), '/opt/smoke/run.sh');
    assert.equal(scriptOf('~/bin/smoke.sh', cwd), join(homedir(), 'bin/smoke.sh'));
  });

  it('leaves programs found on PATH and variables to the shell', () => {
    assert.equal(scriptOf('npm run smoke', cwd), undefined);
    assert.equal(scriptOf('make smoke', cwd), undefined);
    assert.equal(scriptOf('$SMOKE_DIR/run.sh', cwd), undefined);
  });

  describe('on disk', () => {
    let tmp: ReturnType<typeof tempDir>;
    beforeEach(() => (tmp = tempDir()));
    afterEach(() => tmp.dispose());

    it('accepts an executable script', async () => {
      const script = tmp.write('run.sh', '#!/bin/sh\nexit 0\n', 0o755);
      assert.equal(await checkScript(script), undefined);
    });

    it('says a script is missing, naming its path', async () => {
      const path = join(tmp.dir, 'integration-tests', 'run-smoke-tests.sh');
      assert.deepEqual(await checkScript(path), { kind: 'missing', path });
    });

    it('says a script cannot be executed', async function () {
      if (process.platform === 'win32') this.skip();
      const script = tmp.write('run.sh', '#!/bin/sh\nexit 0\n');
      chmodSync(script, 0o644);
      assert.deepEqual(await checkScript(script), { kind: 'notExecutable', path: script });
    });

    it('says a folder is not a script', async () => {
      const folder = join(tmp.dir, 'integration-tests');
      mkdirSync(folder);
      assert.deepEqual(await checkScript(folder), { kind: 'notAFile', path: folder });
    });
  });
});

describe('smoke tests: the line the timeline keeps', () => {
  it('says a pass with its exit code and duration', () => {
    const run = { command: './run.sh', exitCode: 0, durationMs: 12_400 };
    assert.equal(smokeSummary(run), 'passed (exit 0) in 12.4 s: ./run.sh');
    assert.equal(smokePassed(run), true);
  });

  it('says a failure with its exit code', () => {
    const run = { command: './run.sh', exitCode: 1, durationMs: 3_100 };
    assert.equal(smokeSummary(run), 'failed (exit 1) in 3.1 s: ./run.sh');
    assert.equal(smokePassed(run), false);
  });

  it('says a run stopped by the timeout failed, even when the script exited 0 on the signal', () => {
    const run = {
      command: './run.sh',
      exitCode: 0,
      durationMs: 15 * 60_000 + 300,
      stopped: { by: 'timeout' as const, minutes: 15 },
    };
    assert.equal(
      smokeSummary(run),
      'failed: stopped after the 15 min timeout (15 min 0 s): ./run.sh',
    );
    assert.equal(smokePassed(run), false);
  });

  it('says a run that ended without an exit code failed', () => {
    const run = { command: './run.sh', durationMs: 800 };
    assert.equal(smokeSummary(run), 'failed: ended without an exit code after 0.8 s: ./run.sh');
    assert.equal(smokePassed(run), false);
  });

  it('keeps secrets in the command out of the timeline', () => {
    const summary = smokeSummary({
      command: 'API_TOKEN=s3cr3t-value ./run.sh https://ci:hunter2@staging.example.test',
      exitCode: 0,
      durationMs: 1000,
    });
    assert.doesNotMatch(summary, /s3cr3t-value|hunter2/);
    assert.match(summary, /^passed \(exit 0\) in 1\.0 s: /);
  });

  it('writes durations past a minute in minutes and seconds', () => {
    assert.equal(durationText(125_000), '2 min 5 s');
    assert.equal(durationText(59_940), '59.9 s');
  });
});
