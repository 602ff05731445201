import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureNode24, node24Env, root } from '../../../scripts/tools.mjs';

/** The rows `npm run bench` reports, by the start of their names. */
const BENCHMARKS = [
  'log throughput',
  'log memory, 20,000 lines',
  'log memory, 80,000 lines',
  'pod list',
  'watch churn',
  'declare',
  'verify fix snapshot',
  'postmortem',
  'activation',
  'bundle size',
  'log page',
];

interface ResultsFile {
  failures: string[];
  results: Array<{
    name: string;
    ours: number;
    peer: number | null;
    ratio: number | null;
    goal: string;
    met: boolean;
  }>;
}

describe('npm run bench', function () {
  // The quick run still starts two sandboxes, kubectl, a VS Code and Chromium.
  this.timeout(300_000);

  it('reports every benchmark with figures in its quick mode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'freelms-bench-'));
    try {
      const out = join(dir, 'results.json');
      const child = spawn(
        join(ensureNode24(), 'bin', 'node'),
        ['--import', 'tsx', join(root, 'bench', 'run.ts'), '--quick', '--out', out],
        { cwd: root, env: node24Env(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      await once(child, 'exit');

      const file = JSON.parse(await readFile(out, 'utf8')) as ResultsFile;
      assert.deepEqual(file.failures, [], output.slice(-2000));
      for (const name of BENCHMARKS) {
        const row = file.results.find((r) => r.name.replace(/^[\d,]+-/, '').startsWith(name));
        assert.ok(row, `${name} is in results.json`);
        assert.ok(Number.isFinite(row.ours) && row.ours > 0, `${row.name}: ours is a figure`);
        if (row.peer !== null) {
          assert.ok(Number.isFinite(row.peer) && row.peer > 0, `${row.name}: the peer too`);
          assert.ok(Number.isFinite(row.ratio), `${row.name}: and their ratio`);
        }
        assert.equal(typeof row.met, 'boolean');
        assert.ok(row.goal.length > 0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
