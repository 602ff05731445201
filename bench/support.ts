/**
 * What several benchmarks share: a sandbox in its own process (so serving does not steal the
 * event loop of the side being measured), the real kubectl with a fresh cache, commands timed
 * with their peak memory, connections like the extension's, and large recorded logs.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';

import { silentLog } from '../src/common/log';
import { connect, type KubeConnection } from '../src/platform/kube/connection';
import { chooseSelection, loadKubeconfig } from '../src/platform/kube/kubeconfig';
import type { SandboxEndpoints } from '../sandbox/endpoints';
import { startSandboxProcess } from '../scripts/sandbox.mjs';
import { cacheDir, ensureKubectl, root } from '../scripts/tools.mjs';

export { root };

/** A sandbox process with its endpoints. */
export interface BenchSandbox {
  endpoints: SandboxEndpoints;
  stop(): Promise<void>;
}

export async function startBenchSandbox(stateDir: string, args: string[]): Promise<BenchSandbox> {
  const sandbox = await startSandboxProcess({ stateDir, args });
  return { endpoints: sandbox.endpoints, stop: sandbox.stop };
}

/** A connection to the sandbox made the way the extension makes one. */
export function connectTo(endpoints: SandboxEndpoints): KubeConnection {
  const loaded = loadKubeconfig({ kubeconfigPath: endpoints.kubeconfig });
  return connect(loaded, chooseSelection(loaded), { log: silentLog });
}

/** The real kubectl 1.35, and arguments that point it at the sandbox with a fresh cache. */
export function kubectlCommand(endpoints: SandboxEndpoints, cache: string): string {
  return [
    ensureKubectl(),
    `--kubeconfig=${endpoints.kubeconfig}`,
    `--cache-dir=${cache}`,
    `-n=${endpoints.namespace}`,
  ].join(' ');
}

/** Runs a shell command; resolves with its wall time and peak RSS (GNU time), throws on failure. */
export async function runShell(command: string): Promise<{ ms: number; maxRssMB: number }> {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', 'MAXRSS_KB %M', 'sh', '-c', command], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${command} exited ${code}: ${stderr.slice(-500)}`);
  const kb = Number(/MAXRSS_KB (\d+)/.exec(stderr)?.[1] ?? NaN);
  return { ms, maxRssMB: kb / 1024 };
}

/** Names of the sandbox's running single-container pods of an app, for log benchmarks. */
export async function runningPods(endpoints: SandboxEndpoints, app: string): Promise<string[]> {
  const url =
    `${endpoints.kubernetes}/api/v1/namespaces/${endpoints.namespace}/pods` +
    `?labelSelector=${encodeURIComponent(`app=${app}`)}`;
  const list = (await (await fetch(url)).json()) as {
    items: Array<{ metadata: { name: string }; spec: { containers: unknown[] } }>;
  };
  return list.items.filter((p) => p.spec.containers.length === 1).map((p) => p.metadata.name);
}

const LEVELS = ['INFO', 'INFO', 'DEBUG', 'INFO', 'WARN', 'INFO', 'INFO', 'INFO', 'INFO', 'INFO'];

/**
 * A Spring Boot log of `lines` physical lines as the API server sends it with `timestamps=true`:
 * every 20th entry an ERROR with a 10-line stack trace. Cached in `.cache/bench/` across runs.
 */
export async function recordedLog(lines: number): Promise<string> {
  const dir = join(cacheDir, 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `spring-${lines}.log`);
  if (existsSync(file)) return file;
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const base = Date.parse('2026-12-03T17:00:00Z');
  let written = 0;
  let chunk = '';
  for (let k = 0; written < lines; k++) {
    const at = base + k * 0.25;
    const ms = Math.floor(at);
    const iso = new Date(ms).toISOString().slice(0, 23);
    const ts = `${iso}${String(Math.round((at - ms) * 1e6)).padStart(6, '0')}Z`;
    const local = iso.replace('T', ' ');
    const error = k % 20 === 19;
    const level = error ? 'ERROR' : LEVELS[k % 10]!;
    const thread = `http-nio-8080-exec-${k % 10}`;
    const emit = (text: string) => {
      if (written >= lines) return;
      chunk += `${ts} ${text}\n`;
      written++;
    };
    emit(
      error
        ? `${local} ${level} 1 --- [${thread}] c.f.course.web.CourseController : ` +
            `request ${k} failed: could not load course ${k % 997}`
        : `${local}  ${level} 1 --- [${thread}] c.f.course.web.CourseController : ` +
            `GET /api/courses/${k % 997} 200 in ${k % 83} ms`,
    );
    if (error) {
      emit('org.springframework.dao.DataAccessResourceFailureException: timeout');
      for (let f = 0; f < 9; f++)
        emit(`\tat com.freelms.course.CourseRepository.find${f}(CourseRepository.java:${40 + f})`);
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  renameSync(partial, file);
  return file;
}
