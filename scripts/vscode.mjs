// Starts a real VS Code (the server and web workbench inside the code-server npm package) and
// a headless Debian Chromium to show it. Used by the integration and UI suites and `npm start`.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

import { chromiumPath, ensureNode24, ensureVSCodeServer, root } from './tools.mjs';

/**
 * Workspace settings that keep the workbench about the task at hand: no chat side bar, no
 * prompt about the git repository around the scratch workspace, no welcome page.
 */
export const QUIET_WORKBENCH_SETTINGS = {
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
  'workbench.startupEditor': 'none',
};

/** A free loopback port, found by letting the system pick one. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts VS Code's own server in its own process group, with every folder it writes inside
 * `runDir`. `smokeTestDriver` lets the page load an extension under development and its tests
 * from the URL payload (and hides notification toasts); without it, extensions come from
 * `runDir/extensions` as a user's would. `env` reaches the extension host.
 */
export async function startVSCodeServer({
  runDir,
  smokeTestDriver = true,
  wrapper = false,
  port,
  extraArgs = [],
  env = {},
}) {
  const serverMain = ensureVSCodeServer();
  const node = join(ensureNode24(), 'bin', 'node');
  port ??= await freePort();
  const dirs = Object.fromEntries(
    ['user-data', 'server-data', 'extensions', 'tmp'].map((name) => [name, join(runDir, name)]),
  );
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const logFile = join(runDir, 'server.log');
  const log = createWriteStream(logFile);
  // The code-server wrapper serves what VS Code's server alone does not (the key behind secret
  // storage in the browser, `/mint-key`), so `npm start` uses it and secrets persist. The tests
  // need the smoke-test driver, which only the bare server accepts.
  const wrapped = [
    join(dirname(dirname(dirname(dirname(serverMain)))), 'out', 'node', 'entry.js'),
    ...['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`],
    ...['--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'],
    '--disable-getting-started-override',
    ...['--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions],
  ];
  const bare = [
    serverMain,
    ...['--host', '127.0.0.1', '--port', String(port), '--without-connection-token'],
    ...['--accept-server-license-terms', '--disable-telemetry', '--disable-workspace-trust'],
    ...['--reconnection-grace-time', '5', '--user-data-dir', dirs['user-data']],
    ...['--server-data-dir', dirs['server-data'], '--extensions-dir', dirs.extensions],
    ...(smokeTestDriver ? ['--enable-smoke-test-driver'] : []),
  ];
  const args = [...(wrapper ? wrapped : bare), ...extraArgs];
  const child = spawn(node, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, TMPDIR: dirs.tmp, VSCODE_AGENT_FOLDER: dirs['server-data'] },
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      throw new Error(
        `VS Code's server exited (${exited.code ?? exited.signal}) before serving; its log:\n${tail(logFile)}`,
      );
    }
    try {
      const response = await fetch(`${url}/version`);
      if (response.status < 500) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      stopGroup(child);
      throw new Error(
        `VS Code's server did not answer on ${url} within 60 s; its log:\n${tail(logFile)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url,
    port,
    logFile,
    dirs,
    /** Turns a local path into the `vscode-remote://` URI the workbench payload takes. */
    remoteUri: (path) => `vscode-remote://127.0.0.1:${port}${path}`,
    stop: () => stopGroup(child),
  };
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Ends a process group: TERM, then KILL if it is still there after two seconds. */
export function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** The workbench address for a folder, with the smoke-test driver's payload. */
export function workbenchUrl(server, { folder, payload = [] }) {
  const query = new URLSearchParams({ folder });
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${server.url}/?${query.toString()}`;
}

/** Launches Debian's Chromium headless with the flags a closed network needs. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export { root };
