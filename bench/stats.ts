/**
 * How each benchmark is measured and reported: ours and the peer alternate after a warm-up, so
 * a noisy neighbour slows both alike, and the ratio is taken pair by pair before its median.
 */

/** Median and spread of some samples. */
export interface Stat {
  median: number;
  /** Smallest and largest sample: the spread of the run. */
  min: number;
  max: number;
  samples: number[];
}

/** One row of the table and of `bench/results.json`. */
export interface BenchResult {
  name: string;
  unit: string;
  ours: Stat;
  /** What ours is compared with (kubectl, the raw read, the dependent chain's floor). */
  peer?: Stat;
  peerName?: string;
  /** Median of ours/peer measured pair by pair; lower is better. */
  ratio?: number;
  goal: string;
  met: boolean;
  /** Further figures worth printing (raw HTTP floor, backlog, RSS of the peer). */
  extra?: Record<string, number | string | boolean>;
}

/** What every benchmark gets from the harness. */
export interface BenchContext {
  quick: boolean;
  /** A folder of this run for files, sandboxes and caches. */
  dir: string;
  log(line: string): void;
}

export function stat(samples: number[]): Stat {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length === 0
      ? NaN
      : sorted.length % 2
        ? sorted[mid]!
        : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, samples };
}

/** The value below which `p` (0–1) of the samples fall. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** Milliseconds `run` takes. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * Runs ours and the peer `warmup` times unmeasured, then `rounds` times alternately (the first
 * of each pair swapping every round); each side returns its own measure (ms, bytes…).
 */
export async function alternate(options: {
  warmup: number;
  rounds: number;
  ours: () => Promise<number>;
  peer: () => Promise<number>;
}): Promise<{ ours: Stat; peer: Stat; ratio: number }> {
  for (let i = 0; i < options.warmup; i++) {
    await options.ours();
    await options.peer();
  }
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < options.rounds; i++) {
    if (i % 2 === 0) {
      ours.push(await options.ours());
      peer.push(await options.peer());
    } else {
      peer.push(await options.peer());
      ours.push(await options.ours());
    }
  }
  const ratios = ours.map((o, i) => o / peer[i]!);
  return { ours: stat(ours), peer: stat(peer), ratio: stat(ratios).median };
}

/** Repeats one measure after a warm-up. */
export async function repeat(
  warmup: number,
  rounds: number,
  run: () => Promise<number>,
): Promise<Stat> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) samples.push(await run());
  return stat(samples);
}

const figure = (n: number | undefined, unit = ''): string => {
  if (n === undefined || Number.isNaN(n)) return '–';
  const text = Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
  return unit ? `${text} ${unit}` : text;
};

const spread = (s: Stat | undefined, unit: string): string =>
  s ? `${figure(s.median, unit)} (${figure(s.min)}–${figure(s.max)})` : '–';

/** The results as a plain-text table: ours and the peer with their spread, the ratio, the goal. */
export function table(results: readonly BenchResult[]): string {
  const rows = [
    ['benchmark', 'ours median (min–max)', 'peer median (min–max)', 'ratio', 'goal', 'met'],
    ...results.map((r) => [
      r.name,
      spread(r.ours, r.unit),
      r.peer ? `${spread(r.peer, r.unit)} ${r.peerName ?? ''}`.trim() : '–',
      r.ratio === undefined ? '–' : `${figure(r.ratio)}×`,
      r.goal,
      r.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ');
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('-|-')];
  for (const row of rows.slice(1)) out.push(line(row));
  for (const r of results) {
    if (r.extra && Object.keys(r.extra).length > 0) {
      const parts = Object.entries(r.extra).map(
        ([k, v]) => `${k} ${typeof v === 'number' ? figure(v) : String(v)}`,
      );
      out.push(`  ${r.name}: ${parts.join(', ')}`);
    }
  }
  return out.join('\n');
}
