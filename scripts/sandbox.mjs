// Starts the FreeLMS sandbox (`sandbox/main.ts`) as a child process for `npm start` and the
// test suites, and says how to point the extension at it.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { ensureNode24, node24Env, root } from './tools.mjs';
import { stopGroup } from './vscode.mjs';

/**
 * Runs the sandbox with its kubeconfig and endpoints file in `stateDir`, and resolves once it
 * printed `sandbox ready`. `echo` forwards its output (for `npm start`).
 */
export async function startSandboxProcess({ stateDir, args = [], echo = false }) {
  mkdirSync(stateDir, { recursive: true });
  const endpointsFile = join(stateDir, 'endpoints.json');
  rmSync(endpointsFile, { force: true });
  const node = join(ensureNode24(), 'bin', 'node');
  const child = spawn(
    node,
    ['--import', 'tsx', join(root, 'sandbox', 'main.ts'), '--state-dir', stateDir, ...args],
    {
      cwd: root,
      env: node24Env(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const collect = (stream) => (chunk) => {
      output += chunk;
      if (echo) stream.write(chunk);
      if (output.includes('sandbox ready')) resolve();
    };
    child.stdout.on('data', collect(process.stdout));
    child.stderr.on('data', collect(process.stderr));
    child.once('exit', (code) =>
      reject(new Error(`the sandbox exited (${code}) before it was ready:\n${output}`)),
    );
  });
  const timeout = setTimeout(() => child.kill('SIGTERM'), 60_000);
  try {
    await ready;
  } catch (error) {
    await stopGroup(child);
    throw error;
  } finally {
    clearTimeout(timeout);
  }
  if (!echo) {
    // Keep draining so a chatty sandbox never blocks on a full pipe.
    child.stdout.resume();
    child.stderr.resume();
  }
  return {
    endpointsFile,
    endpoints: JSON.parse(readFileSync(endpointsFile, 'utf8')),
    stop: () => stopGroup(child),
  };
}

/** Workspace settings that point the extension at the sandbox instead of production. */
export function sandboxSettings(endpoints) {
  return {
    'freelms.kube.kubeconfig': endpoints.kubeconfig,
    'freelms.kube.context': endpoints.context,
    'freelms.kube.namespace': endpoints.namespace,
    'freelms.health.url': endpoints.health,
    'freelms.flags.url': endpoints.flags,
    'freelms.pagerduty.apiUrl': endpoints.pagerduty,
    'freelms.pagerduty.serviceIds': endpoints.sandboxAccess.pagerdutyServiceIds,
    'freelms.pagerduty.fromEmail': endpoints.sandboxAccess.pagerdutyFrom,
    'freelms.slack.responders': endpoints.sandboxAccess.slackResponders,
    'freelms.slack.apiUrl': endpoints.slack,
    'freelms.statusPage.url': endpoints.statusPage,
    'freelms.statusPage.pageId': endpoints.sandboxAccess.statusPageId,
    'freelms.database.host': '127.0.0.1',
    'freelms.database.name': 'test',
    'freelms.database.user': 'postgres',
  };
}
