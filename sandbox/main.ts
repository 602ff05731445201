/**
 * `npm run sandbox`: starts the FreeLMS sandbox, writes `.sandbox/kubeconfig.yaml` and
 * `.sandbox/endpoints.json`, prints `sandbox ready` with the addresses, and stops cleanly on
 * SIGINT/SIGTERM.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { createLog, type LogLevel } from '../src/common/log';
import { startSandbox } from './index';

const USAGE = `usage: tsx sandbox/main.ts [options]
  --port N          port on 127.0.0.1 (default 0: a free one)
  --pods N          scale the scenario to N pods (benchmarks use 10000)
  --seed DIR        also load Kubernetes objects from the JSON/YAML files in DIR
  --logs DIR        serve recorded logs: DIR/<namespace>/<pod>/<container>.log,
                    DIR/<pod>/<container>.log or DIR/<pod>.log
  --log-rate N      log entries per second per container (default 1)
  --fault SPEC      switch a fault on, e.g. slack:chat.postMessage:429:retry-after=2 (repeatable)
  --clock-speed N   run the cluster N times faster than real time (default 1)
  --no-scenario     start with an empty cluster (with --seed, only the seeded objects)
  --state-dir DIR   where kubeconfig.yaml and endpoints.json go (default .sandbox in the repo)
  --verbose         log every request
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      pods: { type: 'string' },
      seed: { type: 'string' },
      logs: { type: 'string' },
      'log-rate': { type: 'string', default: '1' },
      fault: { type: 'string', multiple: true, default: [] },
      'clock-speed': { type: 'string', default: '1' },
      'no-scenario': { type: 'boolean', default: false },
      'state-dir': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const number = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new Error(`--${name} must be a number ≥ 0, got "${value}"`);
    return n;
  };

  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const stateDir = resolve(values['state-dir'] ?? join(root, '.sandbox'));
  mkdirSync(stateDir, { recursive: true });
  const levels: LogLevel[] = values.verbose
    ? ['debug', 'info', 'warn', 'error']
    : ['info', 'warn', 'error'];
  const log = createLog('sandbox', (level, line) => {
    if (levels.includes(level))
      process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${line}\n`);
  });

  const started = Date.now();
  const pods = number('pods', values.pods);
  const sandbox = await startSandbox({
    port: number('port', values.port) ?? 0,
    ...(pods !== undefined ? { pods } : {}),
    ...(values.seed ? { seedDir: resolve(values.seed) } : {}),
    ...(values.logs ? { logsDir: resolve(values.logs) } : {}),
    logRate: number('log-rate', values['log-rate']) ?? 1,
    faults: values.fault,
    clockSpeed: number('clock-speed', values['clock-speed']) || 1,
    scenario: !values['no-scenario'],
    kubeconfigPath: join(stateDir, 'kubeconfig.yaml'),
    log,
  });
  const endpointsFile = join(stateDir, 'endpoints.json');
  writeFileSync(endpointsFile, JSON.stringify(sandbox.endpoints, null, 2) + '\n');

  const e = sandbox.endpoints;
  process.stdout.write(
    [
      `sandbox ready in ${Date.now() - started} ms (${sandbox.store.count('pods')} pods)`,
      `  kubernetes   ${e.kubernetes}   (kubectl --kubeconfig ${e.kubeconfig} get pods)`,
      `  pagerduty    ${e.pagerduty}`,
      `  slack        ${e.slack}`,
      `  flags        ${e.flags}/admin/feature-flags`,
      `  health       ${e.health}`,
      `  status page  ${e.statusPage}`,
      `  github       ${e.github}`,
      `  control      ${e.control}`,
      `  endpoints    ${endpointsFile}`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    sandbox.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`stop failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `sandbox failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
