/**
 * The FreeLMS sandbox in one process: the simulated Kubernetes API (enough that the real
 * kubectl 1.35 works against it), and PagerDuty, Slack, feature flags, actuator health, the
 * status page and the fault control endpoint from `services/`, all on one loopback port.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { stringify as toYaml } from 'yaml';

import { silentLog, type Log } from '../src/common/log';
import type { SandboxEndpoints } from './endpoints';
import { FaultRegistry } from './faults';
import { KubeApi } from './kube/api';
import { CHURN_PATH, churnControl } from './kube/churn';
import { EXPIRE_PATH, expireControl } from './kube/expire';
import { DEFAULT_TIMINGS, SandboxClock, type Timings } from './kube/clock';
import { DeploymentController } from './kube/deployment';
import { EventRecorder } from './kube/events';
import { ExecService } from './kube/exec';
import { Kubelet } from './kube/kubelet';
import { LogService } from './kube/logs';
import { deleteObject, startGarbageCollector } from './kube/ops';
import { isPodReady, ReplicaSetController } from './kube/replicaset';
import { behaviourOf, loadScenario, loadSeed, NAMESPACE, TERMINATING_POD } from './kube/scenario';
import { ObjectStore } from './kube/store';
import { createServiceRoutes, serviceEndpoints, type ServiceState } from './services/router';

export const CONTEXT = 'freelms-sandbox';

export interface SandboxOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Build the FreeLMS scenario (default true). */
  scenario?: boolean;
  /** Total pods of the scenario; more Deployments are added to reach it (benchmarks: 10,000). */
  pods?: number;
  /** A folder of Kubernetes objects (JSON/YAML) to load as well. */
  seedDir?: string;
  /** A folder of recorded logs served instead of generated ones (see kube/logs.ts). */
  logsDir?: string;
  /** Log entries per second per container (default 1). */
  logRate?: number;
  /** Fault specs switched on at start (see faults.ts). */
  faults?: readonly string[];
  /** Simulated seconds per real second (default 1); tests speed the cluster up. */
  clockSpeed?: number;
  /** Durations of the pod lifecycle, in simulated milliseconds. */
  timings?: Partial<Timings>;
  /** Where to write the kubeconfig; a temporary folder's file when absent. */
  kubeconfigPath?: string;
  /** Real milliseconds between watch bookmarks (default 60 s). */
  bookmarkIntervalMs?: number;
  /** Changes a watch can resume from before it gets 410 Gone (default 20,000). */
  watchHistory?: number;
  redis?: { host: string; port: number };
  postgres?: { host: string; port: number; database: string; user: string };
  log?: Log;
}

export interface Sandbox {
  endpoints: SandboxEndpoints;
  /** The Kubernetes objects, for tests that arrange or inspect the cluster directly. */
  store: ObjectStore;
  clock: SandboxClock;
  faults: FaultRegistry;
  services: ServiceState;
  /** Changes the log rate of every container from now on. */
  setLogRate(entriesPerSecond: number): void;
  /** Whether the api-gateway has a ready pod (what the actuator health reports). */
  isApiGatewayReady(): boolean;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? silentLog;
  const clock = new SandboxClock(options.clockSpeed ?? 1);
  const timings: Timings = { ...DEFAULT_TIMINGS, ...(options.timings ?? {}) };
  const store = new ObjectStore(clock, options.watchHistory ?? 20_000);
  const events = new EventRecorder(store, clock);

  if (options.scenario !== false)
    loadScenario(store, { now: clock.now(), ...(options.pods ? { pods: options.pods } : {}) });
  if (options.seedDir) loadSeed(store, options.seedDir, (message) => log.warn(`seed: ${message}`));

  const kubelet = new Kubelet(store, clock, timings, events, { behaviourOf });
  kubelet.start();
  if (options.scenario !== false && store.get('pods', NAMESPACE, TERMINATING_POD)) {
    deleteObject(store, clock, 'pods', NAMESPACE, TERMINATING_POD);
  }
  // Nobody can be watching yet: the versions written while building the cluster need no history.
  store.compact();
  const stopGc = startGarbageCollector(store, clock);
  const replicaSets = new ReplicaSetController(store, clock, events);
  const deployments = new DeploymentController(store, clock, events);
  replicaSets.start();
  deployments.start();

  let origin = '';
  const api = new KubeApi(store, clock, {
    serverAddress: () => origin.replace(/^http:\/\//, ''),
    ...(options.bookmarkIntervalMs ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
  });
  const logs = new LogService(
    clock,
    kubelet,
    { rate: options.logRate ?? 1, ...(options.logsDir ? { logsDir: options.logsDir } : {}) },
    (res) => api.track(res),
  );
  api.logs = logs.handle;
  const faults = new FaultRegistry(log);
  for (const spec of options.faults ?? []) faults.addSpec(spec);
  const exec = new ExecService(
    store,
    clock,
    kubelet,
    {
      redis: options.redis ?? { host: '127.0.0.1', port: 6379 },
      postgres: options.postgres ?? {
        host: '127.0.0.1',
        port: 5432,
        database: 'test',
        user: 'postgres',
      },
    },
    faults,
  );

  const podReady = (name: string): boolean =>
    store
      .list('pods', NAMESPACE)
      .some(
        (p) => p.metadata.labels?.app === name && !p.metadata.deletionTimestamp && isPodReady(p),
      );
  const isApiGatewayReady = () => podReady('api-gateway');

  const services = createServiceRoutes({
    isApiGatewayReady,
    componentHealth: () => ({
      db: podReady('postgres'),
      redis: podReady('redis'),
      kafka: podReady('kafka'),
    }),
    faults,
    log,
  });

  const churn = churnControl(store, NAMESPACE);
  const expire = expireControl(store, NAMESPACE, () => api.closeStreams());
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const started = Date.now();
    if (path === CHURN_PATH) return churn(req, res);
    if (path === EXPIRE_PATH) return expire(req, res);
    if (KubeApi.owns(path)) {
      res.once('finish', () =>
        log.debug(
          `kubernetes ${req.method} ${req.url} ${res.statusCode} in ${Date.now() - started} ms`,
        ),
      );
      if (await faults.intercept('kubernetes', req, res, path)) return;
      await api.handle(req, res);
      return;
    }
    if (await services(req, res)) return;
    const body = JSON.stringify({ error: `nothing is served at ${path}` });
    res.writeHead(404, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error(
        `${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}`,
      );
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!exec.handleUpgrade(req, socket, head)) socket.destroy();
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kubeconfig =
    options.kubeconfigPath ??
    join(mkdtempSync(join(tmpdir(), 'freelms-sandbox-')), 'kubeconfig.yaml');
  mkdirSync(dirname(kubeconfig), { recursive: true });
  writeFileSync(kubeconfig, kubeconfigYaml(origin));
  const endpoints: SandboxEndpoints = {
    kubernetes: origin,
    kubeconfig,
    context: CONTEXT,
    namespace: NAMESPACE,
    ...serviceEndpoints(origin),
  };
  log.info(`sandbox listening on ${origin} with ${store.count('pods')} pods`);

  let stopped = false;
  return {
    endpoints,
    store,
    clock,
    faults,
    services: services.state,
    setLogRate: (rate) => logs.setRate(rate),
    isApiGatewayReady,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      deployments.stop();
      replicaSets.stop();
      stopGc();
      kubelet.stop();
      clock.stop();
      api.closeStreams();
      exec.close();
      faults.releaseHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A kubeconfig whose current context, `freelms-sandbox`, points at the sandbox over plain http. */
export function kubeconfigYaml(server: string): string {
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT, cluster: { server } }],
    contexts: [
      { name: CONTEXT, context: { cluster: CONTEXT, namespace: NAMESPACE, user: CONTEXT } },
    ],
    'current-context': CONTEXT,
    users: [{ name: CONTEXT, user: {} }],
    preferences: {},
  });
}
