/**
 * Runs `bench/logPage.mjs` (the log panel's page in headless Chromium, fed 1,000,000 entries and
 * scrolled) and reads its one line of figures.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import * as esbuild from 'esbuild';

import { ensureNode24, node24Env } from '../scripts/tools.mjs';
import { stat, type BenchContext, type BenchResult } from './stats';
import { root } from './support';

/** Builds the log page into `dist/media/logs/` as `esbuild.config.mjs` does, when none is there. */
async function ensureLogPage(): Promise<void> {
  const out = join(root, 'dist', 'media', 'logs');
  if (existsSync(join(out, 'main.js'))) return;
  await esbuild.build({
    entryPoints: [join(root, 'media', 'logs', 'main.ts')],
    outfile: join(out, 'main.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'error',
  });
  for (const file of ['index.html', 'main.css'])
    cpSync(join(root, 'media', 'logs', file), join(out, file));
}

/** The line `logPage.mjs` prints: batches taken in, longest batch, scroll frame, wrap, rows. */
const FIGURES = new RegExp(
  [
    /taken in (\d+) ms /,
    /\(longest batch of 10,000 with its frame ([\d.]+) ms\); /,
    /longest scroll frame ([\d.]+) ms; wrap toggle (\d+) ms; (\d+) row elements/,
  ]
    .map((part) => part.source)
    .join(''),
);

export async function logPage(ctx: BenchContext): Promise<BenchResult> {
  await ensureLogPage();
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
  const m = FIGURES.exec(out);
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
