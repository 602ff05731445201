/**
 * `npm run bench`: every benchmark of the extension against its peer (kubectl, the raw read, the
 * dependent chain's floor), printed as a table and written to `bench/results.json`.
 *   tsx bench/run.ts [--quick] [--only NAME,NAME] [--out FILE]
 * NAME: logs, pods, declare, verify, postmortem, activation, logpage. `--quick` is a smoke run on tiny
 * inputs; its figures say that the harness works, not how fast anything is.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { activation } from './activation';
import { declare } from './declare';
import { DEFAULT_LINE_BUDGET } from '../src/platform/kube/logBuffer';
import { logMemory } from './logMemory';
import { logPage } from './logPageRun';
import { logThroughput } from './logThroughput';
import { podList } from './podList';
import { postmortem } from './postmortem';
import { table, type BenchContext, type BenchResult } from './stats';
import { recordedLog, root, runningPods, startBenchSandbox } from './support';
import { verifySnapshot } from './verify';
import { watchChurn } from './watchChurn';

const GROUPS = [
  'logs',
  'pods',
  'declare',
  'verify',
  'postmortem',
  'activation',
  'logpage',
] as const;
type Group = (typeof GROUPS)[number];

/** The log benchmarks share one sandbox serving two recorded logs. */
async function logBenchmarks(ctx: BenchContext): Promise<BenchResult[]> {
  const lines = ctx.quick
    ? { small: 20_000, large: 80_000 }
    : { small: 1_000_000, large: 4_000_000 };
  ctx.log(`writing (or reusing) logs of ${lines.small} and ${lines.large} lines`);
  const [smallFile, largeFile] = await Promise.all([
    recordedLog(lines.small),
    recordedLog(lines.large),
  ]);
  const logsDir = join(ctx.dir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const stateDir = join(ctx.dir, 'sandbox-logs');
  const sandbox = await startBenchSandbox(stateDir, ['--logs', logsDir]);
  try {
    const [small, large] = await runningPods(sandbox.endpoints, 'course-service');
    if (!small || !large) throw new Error('the sandbox has fewer than two course-service pods');
    symlinkSync(smallFile, join(logsDir, `${small}.log`));
    symlinkSync(largeFile, join(logsDir, `${large}.log`));
    ctx.log('log throughput');
    const throughput = await logThroughput(ctx, sandbox.endpoints, small, lines.small);
    ctx.log('log memory');
    const memory = await logMemory(
      ctx,
      join(stateDir, 'endpoints.json'),
      { small, large },
      lines,
      // The panel's own default budget: memory must stay flat as the stream goes on.
      DEFAULT_LINE_BUDGET,
    );
    return [throughput, ...memory];
  } finally {
    await sandbox.stop();
  }
}

/** The pod list and the watch churn share one sandbox of 10,000 pods. */
async function podBenchmarks(ctx: BenchContext): Promise<BenchResult[]> {
  const pods = ctx.quick ? 500 : 10_000;
  const sandbox = await startBenchSandbox(join(ctx.dir, 'sandbox-pods'), ['--pods', `${pods}`]);
  try {
    ctx.log('pod list');
    const list = await podList(ctx, sandbox.endpoints, pods);
    ctx.log('watch churn');
    return [list, await watchChurn(ctx, sandbox.endpoints)];
  } finally {
    await sandbox.stop();
  }
}

/** Verify Fix's snapshot against the seeded sandbox, whose services log as they run. */
async function verifyBenchmark(ctx: BenchContext): Promise<BenchResult[]> {
  const sandbox = await startBenchSandbox(join(ctx.dir, 'sandbox-verify'), []);
  try {
    return [await verifySnapshot(ctx, sandbox.endpoints)];
  } finally {
    await sandbox.stop();
  }
}

const RUNS: Record<Group, (ctx: BenchContext) => Promise<BenchResult[]>> = {
  logs: logBenchmarks,
  pods: podBenchmarks,
  declare: async (ctx) => [await declare(ctx)],
  verify: verifyBenchmark,
  postmortem: async (ctx) => [await postmortem(ctx)],
  activation,
  logpage: async (ctx) => [await logPage(ctx)],
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: join(root, 'bench', 'results.json') },
    },
  });
  const wanted = values.only ? (values.only.split(',') as Group[]) : [...GROUPS];
  const unknown = wanted.filter((g) => !GROUPS.includes(g));
  if (unknown.length)
    throw new Error(`unknown benchmark ${unknown.join(', ')}: ${GROUPS.join(', ')}`);

  const started = Date.now();
  const dir = mkdtempSync(join(root, '.cache', 'bench-run-'));
  const ctx: BenchContext = {
    quick: values.quick,
    dir,
    log: (line) =>
      process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${line}\n`),
  };
  const machine =
    `${new Date().toISOString()}, ${cpus().length} cores, load ` +
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  ctx.log(`${values.quick ? 'quick run' : 'full run'} on ${machine}`);

  const results: BenchResult[] = [];
  const failures: string[] = [];
  try {
    for (const group of wanted) {
      try {
        results.push(...(await RUNS[group](ctx)));
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push(`${group}: ${message}`);
        ctx.log(`${group} failed: ${message}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const loadAfter = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const file = {
    date: new Date(started).toISOString(),
    machine,
    loadAfter,
    quick: values.quick,
    seconds: (Date.now() - started) / 1000,
    failures,
    results: results.map((r) => ({
      name: r.name,
      unit: r.unit,
      ours: r.ours.median,
      peer: r.peer?.median ?? null,
      ratio: r.ratio ?? null,
      goal: r.goal,
      met: r.met,
      peerName: r.peerName ?? null,
      oursSpread: [r.ours.min, r.ours.max],
      peerSpread: r.peer ? [r.peer.min, r.peer.max] : null,
      extra: r.extra ?? {},
    })),
  };
  writeFileSync(values.out, JSON.stringify(file, null, 2) + '\n');
  process.stdout.write(
    `\n${machine}; load after ${loadAfter}; ${file.seconds.toFixed(0)} s\n\n${table(results)}\n`,
  );
  for (const failure of failures) process.stdout.write(`! ${failure.split('\n')[0]}\n`);
  process.stdout.write(`\nwritten to ${values.out}\n`);
  // Sockets of the clients measured may linger in keep-alive pools; the run is over.
  process.exit(failures.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
