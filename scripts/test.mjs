// `npm test`: every suite in order — unit (plain Node), integration (inside a real VS Code's
// extension host), ui (the workbench driven in Chromium) — then one closing line
// `N passed, N failed` adding them up. `npm test -- unit` (or integration, ui) runs one.
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { format } from 'node:util';

import { sandboxSettings, startSandboxProcess } from './sandbox.mjs';
import { ensureNode24, node24Env, root } from './tools.mjs';
import {
  launchChromium,
  QUIET_WORKBENCH_SETTINGS,
  startVSCodeServer,
  workbenchUrl,
} from './vscode.mjs';

const SUITES = ['unit', 'integration', 'ui'];
const RESULT_PREFIX = 'FREELMS_TEST_RESULT ';
const OUTPUT_MARK = 'FREELMS| ';
const INTEGRATION_TIMEOUT_MS = 10 * 60_000;

const wanted = process.argv.slice(2).filter((arg) => SUITES.includes(arg));
const suites = wanted.length ? wanted : SUITES;
const env = node24Env();
/** Suites run on Node 24, whatever Node started `npm test`. */
const nodeBinary = join(ensureNode24(), 'bin', 'node');
const cleanups = new Set();

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    process.stderr.write(`\n${signal}: stopping VS Code, the browser and every test process…\n`);
    await Promise.allSettled([...cleanups].map((cleanup) => cleanup()));
    process.exit(130);
  });
}

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env,
      stdio: 'inherit',
      detached: true,
      ...options,
    });
    const stop = () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    };
    cleanups.add(stop);
    child.once('exit', (code, signal) => {
      cleanups.delete(stop);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** Runs mocha over a suite in plain Node and reads its counts. */
async function mochaSuite(name, specs, extraEnv = {}) {
  const summary = join(mkdtempSync(join(root, '.cache', 'summary-')), 'summary.json');
  const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const code = await run(
    nodeBinary,
    [mocha, '--reporter', join(root, 'test/support/summaryReporter.cjs'), ...specs],
    {
      env: { ...env, ...extraEnv, FREELMS_TEST_SUMMARY: summary },
    },
  );
  const counts = existsSync(summary) ? JSON.parse(readFileSync(summary, 'utf8')) : null;
  rmSync(join(summary, '..'), { recursive: true, force: true });
  if (!counts)
    return { passed: 0, failed: 1, note: `${name}: mocha exited ${code} before reporting` };
  if (code !== 0 && counts.failed === 0)
    return { ...counts, failed: 1, note: `${name}: mocha exited ${code}` };
  return counts;
}

async function build(args) {
  const code = await run(nodeBinary, [join(root, 'esbuild.config.mjs'), ...args]);
  if (code !== 0) throw new Error(`the build failed (exit ${code})`);
}

/** Runs the integration suite inside VS Code's extension host, reporting through the smoke-test driver. */
async function integrationSuite(sandbox) {
  await build(['--tests']);
  const runDir = mkdtempSync(join(root, '.cache', 'integration-'));
  const workspace = join(runDir, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({
      ...QUIET_WORKBENCH_SETTINGS,
      ...(sandbox ? sandboxSettings(sandbox.endpoints) : {}),
    }),
  );
  let server;
  let browser;
  let passed = false;
  const stopAll = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  };
  cleanups.add(stopAll);
  try {
    server = await startVSCodeServer({ runDir });
    browser = await launchChromium();
    const page = await browser.newPage();
    let result = null;
    const exited = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(code));
    });
    // The workbench forwards its whole log here; the suite marks its own lines.
    const workbenchLog = createWriteStream(join(runDir, 'workbench.log'));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      for (const line of text.split('\n')) {
        const own = line.indexOf(OUTPUT_MARK);
        if (own < 0) {
          workbenchLog.write(`[${type}] ${line}\n`);
          continue;
        }
        const output = line.slice(own + OUTPUT_MARK.length);
        if (output.startsWith(RESULT_PREFIX))
          result = JSON.parse(output.slice(RESULT_PREFIX.length));
        else process.stdout.write(`${output}\n`);
      }
    });
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(root)],
      ['extensionTestsPath', server.remoteUri(join(root, 'dist/test/integration/index.js'))],
      ...(sandbox
        ? [
            [
              'extensionEnvironment',
              JSON.stringify({
                FREELMS_SANDBOX_ENDPOINTS: sandbox.endpointsFile,
                ...(process.env.FREELMS_TEST_FILTER
                  ? { FREELMS_TEST_FILTER: process.env.FREELMS_TEST_FILTER }
                  : {}),
              }),
            ],
          ]
        : []),
    ];
    await page.goto(workbenchUrl(server, { folder: workspace, payload }));
    const timeout = new Promise((resolve) =>
      setTimeout(() => resolve('timeout'), INTEGRATION_TIMEOUT_MS),
    );
    const outcome = await Promise.race([exited, timeout]);
    if (outcome === 'timeout') {
      return {
        passed: result?.passed ?? 0,
        failed: (result?.failed ?? 0) + 1,
        note: 'integration: VS Code did not finish the suite in time',
      };
    }
    if (!result) {
      return {
        passed: 0,
        failed: 1,
        note: `integration: VS Code exited (${outcome}) without running the suite; see ${server.logFile}`,
      };
    }
    passed = ranClean(result);
    return passed ? result : { ...result, note: `integration: VS Code's logs are in ${runDir}` };
  } catch (error) {
    return { passed: 0, failed: 1, note: `integration: ${error.message}` };
  } finally {
    await stopAll();
    cleanups.delete(stopAll);
    // A run that failed keeps its logs for whoever looks into it.
    if (passed) rmSync(runDir, { recursive: true, force: true });
  }
}

/** Whether a suite ran and nothing failed: only then are its run folders removed. */
function ranClean(counts) {
  return counts.failed === 0 && counts.passed > 0;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const notes = [];

/**
 * The integration and UI suites each run against a sandbox of their own, started before VS
 * Code (a rollback in one suite must not heal the crashing service another suite looks at);
 * its endpoints reach the extension host and the UI checks as FREELMS_SANDBOX_ENDPOINTS.
 */
async function startSuiteSandbox() {
  try {
    const sandbox = await startSandboxProcess({
      stateDir: mkdtempSync(join(root, '.cache', 'sandbox-')),
    });
    cleanups.add(sandbox.stop);
    return sandbox;
  } catch (error) {
    notes.push(
      `the sandbox did not start, so the suites that need it ran without it: ${error.message}`,
    );
    return undefined;
  }
}

for (const suite of suites) {
  process.stdout.write(`\n== ${suite} tests ==\n`);
  let counts;
  const sandbox = suite === 'unit' ? undefined : await startSuiteSandbox();
  try {
    if (suite === 'unit') counts = await mochaSuite('unit', ['test/unit/**/*.test.ts']);
    else if (suite === 'integration') counts = await integrationSuite(sandbox);
    else {
      await build([]);
      // FREELMS_TEST_FILTER=watch runs only the files whose name contains "watch".
      const filter = process.env.FREELMS_TEST_FILTER;
      const uiSpecs = [`test/ui/**/*${filter ?? ''}*.test.ts`];
      const runs = mkdtempSync(join(root, '.cache', 'ui-runs-'));
      counts = await mochaSuite(
        'ui',
        ['--config', join(root, 'test/ui/.mocharc.json'), ...uiSpecs],
        {
          FREELMS_UI_RUNS: runs,
          ...(sandbox ? { FREELMS_SANDBOX_ENDPOINTS: sandbox.endpointsFile } : {}),
        },
      );
      // A failed suite keeps each workbench's logs for whoever looks into it.
      if (ranClean(counts)) rmSync(runs, { recursive: true, force: true });
      else counts.note ??= `ui: the workbenches' logs are in ${runs}`;
    }
  } catch (error) {
    counts = { passed: 0, failed: 1, note: `${suite}: ${error.message}` };
  } finally {
    if (sandbox) {
      const died = sandbox.died();
      if (died) {
        // Whatever the suite counted after that ran against nothing: the run fails.
        notes.push(`${suite}: ${died}`);
        counts.failed += 1;
      }
      await sandbox.stop();
      cleanups.delete(sandbox.stop);
      if (!died && ranClean(counts))
        rmSync(dirname(sandbox.logFile), { recursive: true, force: true });
    }
  }
  if (counts.passed + counts.failed === 0 && !process.env.FREELMS_TEST_FILTER) {
    // A suite that ran nothing tested nothing: a broken glob or a runner that never started.
    counts.failed = 1;
    counts.note ??= `${suite}: ran no test`;
  }
  if (counts.note) notes.push(counts.note);
  process.stdout.write(`== ${suite}: ${counts.passed} passed, ${counts.failed} failed ==\n`);
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped ?? 0;
}
for (const note of notes) process.stdout.write(`! ${note}\n`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
process.exit(totals.failed > 0 ? 1 : 0);
