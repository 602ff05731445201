/**
 * Log memory: the peak RSS of a process following one pod into a LogBuffer with the panel's
 * default line budget, after 1M lines and after 4M (all but the budget dropped). Measured in child processes (`logMemoryChild.ts`) so the harness does not count.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

import { ensureNode24, node24Env } from '../scripts/tools.mjs';
import { repeat, type BenchContext, type BenchResult, type Stat } from './stats';
import { root } from './support';

interface ChildReport {
  lines: number;
  entries: number;
  dropped: number;
  maxRssMB: number;
  liveHeapMB: number;
  ms: number;
}

async function child(endpointsFile: string, pod: string, budget: number): Promise<ChildReport> {
  const proc = spawn(
    join(ensureNode24(), 'bin', 'node'),
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(root, 'bench', 'logMemoryChild.ts'),
      endpointsFile,
      pod,
      `${budget}`,
    ],
    { cwd: root, env: node24Env(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const [code] = (await once(proc, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`logMemoryChild exited ${code}: ${err.slice(-800)}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport;
}

export async function logMemory(
  ctx: BenchContext,
  endpointsFile: string,
  pods: { small: string; large: string },
  lines: { small: number; large: number },
  budget: number,
): Promise<BenchResult[]> {
  const rounds = ctx.quick ? 1 : 2;
  const baseline = await child(endpointsFile, '-', budget);
  const reports: ChildReport[] = [];
  const measure = (pod: string): Promise<Stat> =>
    repeat(0, rounds, async () => {
      const report = await child(endpointsFile, pod, budget);
      reports.push(report);
      return report.maxRssMB;
    });
  const small = await measure(pods.small);
  const smallReport = reports.at(-1)!;
  const large = await measure(pods.large);
  const last = reports.at(-1)!;
  ctx.log(
    `log memory: ${last.lines} lines read, ${last.entries} entries kept, ` +
      `${last.dropped} lines dropped in ${last.ms.toFixed(0)} ms`,
  );
  const fmt = (n: number) => n.toLocaleString('en');
  return [
    {
      name: `log memory, ${fmt(lines.small)} lines (budget ${fmt(budget)})`,
      unit: 'MB',
      ours: small,
      goal: 'peak RSS ≤ 150 MB',
      met: small.median <= 150,
      extra: {
        'baseline RSS MB (modules loaded, nothing read)': baseline.maxRssMB,
        'live heap after GC MB': smallReport.liveHeapMB,
      },
    },
    {
      name: `log memory, ${fmt(lines.large)} lines (budget ${fmt(budget)})`,
      unit: 'MB',
      ours: large,
      peer: small,
      peerName: `at ${fmt(lines.small)} lines`,
      ratio: large.median / small.median,
      goal: `peak RSS ≤ 150 MB, flat: ≤ 1.2× the RSS at ${fmt(lines.small)} lines`,
      met: large.median <= 150 && large.median / small.median <= 1.2,
      extra: { 'lines dropped': last.dropped, 'live heap after GC MB': last.liveHeapMB },
    },
  ];
}
