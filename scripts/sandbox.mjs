// Starts the FreeLMS sandbox (`sandbox/main.ts`) as a child process for `npm start` and the
// test suites, and says how to point the extension at it.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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
  let started = false;
  const ready = new Promise((resolve, reject) => {
    const collect = (stream) => (chunk) => {
      if (echo) stream.write(chunk);
      if (started) return;
      output += chunk;
      if (output.includes('sandbox ready')) {
        started = true;
        resolve();
      }
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
  // Everything the sandbox prints from here on goes to its log, so a sandbox that dies in the
  // middle of a suite leaves its last words behind; `died` holds them once it has.
  const logFile = join(stateDir, 'sandbox.log');
  appendFileSync(logFile, output);
  child.stdout.on('data', (chunk) => appendFileSync(logFile, chunk));
  child.stderr.on('data', (chunk) => appendFileSync(logFile, chunk));
  let stopping = false;
  let died;
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-40).join('\n');
    died = `the sandbox exited (${signal ?? code}) before the suite ended; the end of ${logFile}:\n${lines}`;
    process.stderr.write(`\n! ${died}\n`);
  });
  return {
    endpointsFile,
    endpoints: JSON.parse(readFileSync(endpointsFile, 'utf8')),
    logFile,
    /** Why the sandbox stopped on its own, if it did. */
    died: () => died,
    stop: () => {
      stopping = true;
      return stopGroup(child);
    },
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
