// `npm start`: builds and packages the extension, starts the FreeLMS sandbox, and serves a real
// VS Code (the browser build, on loopback) with the extension installed and configured for the
// sandbox. Prints the address to open; Ctrl-C stops everything.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageExtension } from './package.mjs';
import { ensureNode24, ensureVSCodeServer, node24Env, root } from './tools.mjs';
import { QUIET_WORKBENCH_SETTINGS, startVSCodeServer, stopGroup } from './vscode.mjs';

const stateDir = join(root, '.sandbox');
const runDir = join(root, '.cache', 'start');
const port = Number(process.env.PORT ?? 0) || undefined;
const env = node24Env();
const nodeBinary = join(ensureNode24(), 'bin', 'node');
const stops = [];

async function stopAll(code) {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

/** Starts `npm run sandbox` and waits for its `sandbox ready` line and endpoints file. */
async function startSandbox() {
  if (!existsSync(join(root, 'sandbox', 'main.ts'))) return undefined;
  rmSync(join(stateDir, 'endpoints.json'), { force: true });
  const child = spawn(nodeBinary, ['--import', 'tsx', join(root, 'sandbox', 'main.ts')], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  stops.push(() => stopGroup(child));
  await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      seen += chunk;
      if (seen.includes('sandbox ready')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`the sandbox exited (${code}) before it was ready`)),
    );
  });
  return JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8'));
}

/** Workspace settings that point the extension at the sandbox instead of production. */
function sandboxSettings(endpoints) {
  if (!endpoints) return {};
  return {
    'freelms.kube.kubeconfig': endpoints.kubeconfig,
    'freelms.kube.context': endpoints.context,
    'freelms.kube.namespace': endpoints.namespace,
    'freelms.health.url': endpoints.health,
    'freelms.flags.url': endpoints.flags,
    'freelms.pagerduty.apiUrl': endpoints.pagerduty,
    'freelms.slack.apiUrl': endpoints.slack,
    'freelms.statusPage.url': endpoints.statusPage,
    'freelms.database.host': '127.0.0.1',
    'freelms.database.name': 'test',
    'freelms.database.user': 'postgres',
  };
}

try {
  ensureNode24();
  mkdirSync(runDir, { recursive: true });
  const vsix = packageExtension(runDir);
  const endpoints = await startSandbox();

  const workspace = join(stateDir, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    `${JSON.stringify({ ...QUIET_WORKBENCH_SETTINGS, ...sandboxSettings(endpoints) }, null, 2)}\n`,
  );

  // Installed as a user would install it, so notifications show as toasts (the test driver
  // hides them). Installing is offline and takes under a second.
  const serverMain = ensureVSCodeServer();
  const extensionsDir = join(runDir, 'extensions');
  execFileSync(
    'node',
    [serverMain, '--install-extension', vsix, '--force', '--extensions-dir', extensionsDir],
    {
      env,
      stdio: 'ignore',
    },
  );
  const server = await startVSCodeServer({ runDir, smokeTestDriver: false, port });
  stops.push(() => server.stop());

  const address = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  console.log(`\nFreeLMS Incident Response is running${endpoints ? ' against the sandbox' : ''}.`);
  console.log(`Open ${address}`);
  console.log('Press Ctrl-C to stop.');
} catch (error) {
  console.error(`npm start failed: ${error.message}`);
  await stopAll(1);
}
