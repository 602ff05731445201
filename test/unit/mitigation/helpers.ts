import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLog } from '../../../src/common/log';
import type { Log } from '../../../src/common/log';
import { connect } from '../../../src/platform/kube/connection';
import type { KubeConnection } from '../../../src/platform/kube/connection';
import { loadKubeconfig } from '../../../src/platform/kube/kubeconfig';
import { startSandbox } from '../../../sandbox/index';
import type { Sandbox } from '../../../sandbox/index';
import { ensureKubectl } from '../../../scripts/tools.mjs';

/** A log that keeps its lines for assertions. */
export function memoryLog(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  return { log: createLog('test', (level, line) => lines.push(`${level} ${line}`)), lines };
}

/** A running sandbox, a connection to its `freelms` namespace and the real kubectl against it. */
export interface Cluster {
  sandbox: Sandbox;
  connection: KubeConnection;
  lines: string[];
  /** Runs kubectl 1.35 on the sandbox; resolves with stdout, or the error text on exit ≠ 0. */
  kubectl(...args: string[]): Promise<{ ok: boolean; out: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the sandbox with a fast clock (rollouts finish in about a second). kubectl gets a
 * fresh discovery cache, as a cached one would describe another sandbox's port.
 */
export async function startCluster(clockSpeed = 40): Promise<Cluster> {
  const sandbox = await startSandbox({ clockSpeed });
  const { log, lines } = memoryLog();
  const connection = connect(
    loadKubeconfig({ kubeconfigPath: sandbox.endpoints.kubeconfig }),
    { context: sandbox.endpoints.context, namespace: sandbox.endpoints.namespace },
    { log },
  );
  const cacheDir = mkdtempSync(join(tmpdir(), 'freelms-kubectl-cache-'));
  const binary = ensureKubectl();
  const kubectl = (...args: string[]) =>
    new Promise<{ ok: boolean; out: string }>((resolve) => {
      // Asynchronous on purpose: the sandbox answers kubectl from this very process.
      execFile(
        binary,
        ['--kubeconfig', sandbox.endpoints.kubeconfig, '--cache-dir', cacheDir, ...args],
        { timeout: 30_000 },
        (error, stdout, stderr) =>
          resolve(error ? { ok: false, out: `${stderr}${stdout}` } : { ok: true, out: stdout }),
      );
    });
  return {
    sandbox,
    connection,
    lines,
    kubectl,
    async stop() {
      await sandbox.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` holds. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error('timed out waiting');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
