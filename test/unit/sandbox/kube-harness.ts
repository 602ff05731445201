/**
 * Runs the real kubectl 1.35 against a sandbox started in this process: a fresh discovery
 * cache and the sandbox's own kubeconfig per sandbox, every call bounded by a timeout.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSandbox, type Sandbox, type SandboxOptions } from '../../../sandbox/index';
import { ensureKubectl } from '../../../scripts/tools.mjs';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Timings short enough that pods start, crash and roll over within a test. */
export const FAST_TIMINGS: SandboxOptions['timings'] = {
  schedule: 50,
  containerStart: 200,
  initContainer: 300,
  ready: 400,
  crash: 3000,
  backOff: 1000,
  // As the kubelet's: the scenario's crash-looping pods then sit in CrashLoopBackOff when a
  // test starts (their replayed history puts each well inside a five-minute back-off).
  backOffMax: 300_000,
  imagePull: 500,
  termination: 300,
  complete: 500,
};

export class KubectlHarness {
  private readonly cacheDir = mkdtempSync(join(tmpdir(), 'freelms-kubectl-cache-'));
  readonly binary = ensureKubectl();

  private constructor(readonly sandbox: Sandbox) {}

  static async start(options: SandboxOptions = {}): Promise<KubectlHarness> {
    const sandbox = await startSandbox({ timings: FAST_TIMINGS, ...options });
    return new KubectlHarness(sandbox);
  }

  private args(args: string[]): string[] {
    return [
      '--kubeconfig',
      this.sandbox.endpoints.kubeconfig,
      '--cache-dir',
      this.cacheDir,
      ...args,
    ];
  }

  /** Runs kubectl to completion (killed after `timeoutMs`). */
  run(
    args: string[],
    options: { timeoutMs?: number; input?: string } = {},
  ): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        this.binary,
        this.args(args),
        { timeout: options.timeoutMs ?? 20_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 124) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      child.stdin?.end(options.input ?? '');
    });
  }

  /** Like `run`, but fails the test with kubectl's own words when it does not exit 0. */
  async ok(args: string[], options: { timeoutMs?: number; input?: string } = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) {
      throw new Error(
        `kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`,
      );
    }
    return result.stdout;
  }

  /**
   * Starts a long-running kubectl (`-f`, `-w`) and resolves once its output satisfies `done`
   * (or rejects after `timeoutMs`); the process is killed either way unless it ended itself.
   */
  stream(
    args: string[],
    done: (stdout: string) => boolean,
    timeoutMs = 20_000,
  ): Promise<KubectlResult & { ended: boolean }> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, this.args(args), { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let settled = false;
      const finish = (ended: boolean, code: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!ended) child.kill('SIGKILL');
        resolve({ code, stdout, stderr, ended });
      };
      const timer = setTimeout(() => {
        settled = true;
        child.kill('SIGKILL');
        reject(
          new Error(
            `kubectl ${args.join(' ')} did not produce what was expected within ${timeoutMs} ms:\n${stdout}\n${stderr}`,
          ),
        );
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (done(stdout)) finish(false, 0);
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('exit', (code) => finish(true, code ?? 1));
    });
  }

  async stop(): Promise<void> {
    await this.sandbox.stop();
    rmSync(this.cacheDir, { recursive: true, force: true });
  }
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The rows of a `kubectl get` table, keyed by NAME, each a map of column → cell. */
export function parseTable(text: string): Map<string, Record<string, string>> {
  const lines = text.split('\n').filter((l) => l.trim());
  const header = lines[0] ?? '';
  const starts: number[] = [];
  const names: string[] = [];
  for (const m of header.matchAll(/(\S+(?: \S+)*)/g)) {
    starts.push(m.index!);
    names.push(m[1]!);
  }
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(1)) {
    const row: Record<string, string> = {};
    names.forEach((name, i) => {
      row[name] = line.slice(starts[i], starts[i + 1] ?? line.length).trim();
    });
    rows.set(row.NAME ?? '', row);
  }
  return rows;
}
