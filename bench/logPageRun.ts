/**
 * Runs `bench/logPage.mjs` (the log panel's page in headless Chromium, fed 1,000,000 entries and
 * scrolled) and reads its one line of figures. It needs the built page in `dist/media/logs/`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ensureNode24, node24Env } from '../scripts/tools.mjs';
import { stat, type BenchContext, type BenchResult } from './stats';
import { root } from './support';

export async function logPage(ctx: BenchContext): Promise<BenchResult> {
  if (!existsSync(join(root, 'dist', 'media', 'logs', 'main.js')))
    throw new Error('the log page is not built: run `npm run build` first');
  const entries = ctx.quick ? 20_000 : 1_000_000;
  const child = spawn(
    join(ensureNode24(), 'bin', 'node'),
    [join(root, 'bench', 'logPage.mjs'), `${entries}`],
    { cwd: root, env: node24Env(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const m =
    /taken in (\d+) ms \(longest batch of 10,000 with its frame ([\d.]+) ms\); longest scroll frame ([\d.]+) ms; wrap toggle (\d+) ms; (\d+) row elements/.exec(
      out,
    );
  if (code !== 0 || !m) throw new Error(`bench/logPage.mjs exited ${code}: ${out.slice(-600)}`);
  const [, takenMs, longestBatchMs, scrollFrameMs, wrapMs, domRows] = m.map(Number);
  return {
    name: `log page, ${entries.toLocaleString('en')} entries (longest scroll frame)`,
    unit: 'ms',
    ours: stat([scrollFrameMs!]),
    goal: 'longest scroll frame ≤ 50 ms',
    met: scrollFrameMs! <= 50,
    extra: {
      'all batches taken in ms': takenMs!,
      'longest batch ms': longestBatchMs!,
      'wrap toggle ms': wrapMs!,
      'row elements': domRows!,
    },
  };
}
