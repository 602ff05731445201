// `npm start`: builds and packages the extension, starts the FreeLMS sandbox, and serves a real
// VS Code (the browser build, on loopback) with the extension installed and configured for the
// sandbox. Prints the address to open; Ctrl-C stops everything.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageExtension } from './package.mjs';
import { ensureNode24, ensureVSCodeServer, node24Env, root } from './tools.mjs';
import { sandboxSettings, startSandboxProcess } from './sandbox.mjs';
import { QUIET_WORKBENCH_SETTINGS, startVSCodeServer } from './vscode.mjs';

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
// Whatever goes wrong, the sandbox and VS Code's server (their own process groups) are stopped.
process.once('uncaughtException', (error) => {
  console.error(`npm start failed: ${error.message}`);
  void stopAll(1);
});

try {
  mkdirSync(runDir, { recursive: true });
  const vsix = packageExtension(runDir);
  const sandbox = await startSandboxProcess({ stateDir, echo: true });
  stops.push(() => sandbox.stop());
  const { endpoints } = sandbox;

  // The sandbox starts afresh, with new PagerDuty and Slack ids, so the demo's incidents and
  // postmortems start afresh too: journals linked to the previous run's ids would be wrong.
  const workspace = join(stateDir, 'workspace');
  for (const folder of ['.freelms', 'postmortems'])
    rmSync(join(workspace, folder), { recursive: true, force: true });
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
    nodeBinary,
    [serverMain, '--install-extension', vsix, '--force', '--extensions-dir', extensionsDir],
    {
      env,
      stdio: 'ignore',
    },
  );
  const server = await startVSCodeServer({
    runDir,
    smokeTestDriver: false,
    wrapper: true,
    port,
    env: { FREELMS_SANDBOX_ENDPOINTS: sandbox.endpointsFile },
  });
  stops.push(() => server.stop());

  const address = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  console.log(`\nFreeLMS Incident Response is running against the sandbox.`);
  console.log(`Open ${address}`);
  console.log('Press Ctrl-C to stop.');
} catch (error) {
  console.error(`npm start failed: ${error.message}`);
  await stopAll(1);
}
