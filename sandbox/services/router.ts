/**
 * The non-Kubernetes services of the sandbox on one HTTP server, each below its own path:
 *
 * | service            | mount                 | what a client is given                          |
 * |--------------------|-----------------------|-------------------------------------------------|
 * | PagerDuty REST v2  | `/api.pagerduty.com`  | base URL `<origin>/api.pagerduty.com`           |
 * | Slack Web API      | `/slack/api`          | `slackApiUrl` `<origin>/slack/api/`             |
 * | feature flags      | `/admin/feature-flags`| base URL `<origin>` (the runbook's API host)    |
 * | actuator health    | `/actuator/health`    | full URL `<origin>/actuator/health`             |
 * | status page        | `/statuspage/v1`      | base URL `<origin>/statuspage/v1`               |
 * | GitHub issues      | `/github/api`         | base URL `<origin>/github/api`                  |
 * | control            | `/_control`           | `<origin>/_control` (faults, calls)             |
 *
 * Why the PagerDuty mount looks like a host name: `@pagerduty/pdjs` builds `https://<server>/…`
 * from its `server` option (no plain http), so a client must pass a full `url` per request; the
 * SDK then finds the resource key of the answer (`response.resource`, used by `pd.all`) with a
 * pattern that needs `.com/` before it. Mounting at `/api.pagerduty.com` keeps both working.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { silentLog, type Log } from '../../src/common/log';
import type { SandboxEndpoints } from '../endpoints';
import { FaultRegistry, type FaultService } from '../faults';
import { CONTROL_MOUNT, handleControl } from './control';
import { FeatureFlagsApi, FLAGS_MOUNT } from './flags';
import { GITHUB_MOUNT, GitHubApi } from './github';
import { handleHealth, HEALTH_MOUNT, type ComponentHealth } from './health';
import { requestUrl, sendJson } from './http';
import { PAGERDUTY_MOUNT, PagerDutyApi } from './pagerduty';
import { SLACK_MOUNT, SlackApi } from './slack';
import { STATUS_PAGE_MOUNT, StatusPageApi } from './statuspage';
import {
  SANDBOX_GITHUB_REPOSITORY,
  SANDBOX_PAGERDUTY_FROM,
  SANDBOX_STATUS_PAGE_ID,
  SANDBOX_TOKENS,
} from './tokens';

export interface ServiceRoutesDeps {
  /** Whether the scenario's api-gateway deployment has a ready pod; drives actuator health. */
  isApiGatewayReady(): boolean;
  /** Health of PostgreSQL, Redis and Kafka in the scenario; all UP when absent. */
  componentHealth?(): ComponentHealth;
  /** Told when a feature flag is switched, so the scenario can react (errors stop, say). */
  onFlagChange?(flag: string, enabled: boolean): void;
  faults: FaultRegistry;
  log: Log;
}

/** The in-memory state behind the routes, for tests and for the scenario to seed or inspect. */
export interface ServiceState {
  pagerduty: PagerDutyApi;
  slack: SlackApi;
  flags: FeatureFlagsApi;
  statusPage: StatusPageApi;
  github: GitHubApi;
}

/** Answers a request if it belongs to one of these services; resolves false otherwise. */
export interface ServiceRoutes {
  (req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  readonly state: ServiceState;
  /**
   * Puts PagerDuty, Slack, flags, status page and GitHub back to their seeded state (faults and
   * the call log stay); also served as `POST /_control/services/reset` for tests sharing a
   * sandbox.
   */
  reset(): void;
}

/** The endpoints these services have on a server reachable at `origin` (`http://127.0.0.1:P`). */
export function serviceEndpoints(
  origin: string,
): Pick<
  SandboxEndpoints,
  'pagerduty' | 'slack' | 'flags' | 'health' | 'statusPage' | 'github' | 'control' | 'sandboxAccess'
> {
  return {
    sandboxAccess: {
      tokens: { ...SANDBOX_TOKENS },
      pagerdutyFrom: SANDBOX_PAGERDUTY_FROM,
      // The services and users seeded in pagerduty-model.ts and slack-model.ts.
      pagerdutyServiceIds: ['PFLS001', 'PFLS002', 'PFLS003', 'PFLS004', 'PFLS005'],
      slackResponders: ['U0FLUSR01', 'U0FLUSR02'],
      statusPageId: SANDBOX_STATUS_PAGE_ID,
      githubRepository: SANDBOX_GITHUB_REPOSITORY,
    },
    pagerduty: `${origin}${PAGERDUTY_MOUNT}`,
    slack: `${origin}${SLACK_MOUNT}/`,
    flags: origin,
    health: `${origin}${HEALTH_MOUNT}`,
    statusPage: `${origin}${STATUS_PAGE_MOUNT}`,
    github: `${origin}${GITHUB_MOUNT}`,
    control: `${origin}${CONTROL_MOUNT}`,
  };
}

/**
 * The routes of PagerDuty, Slack, flags, health, status page and the fault control endpoint.
 * Mounted in the sandbox's one server ahead of the Kubernetes API, which shares the faults:
 *
 *     const faults = new FaultRegistry(log);
 *     const services = createServiceRoutes({ isApiGatewayReady, faults, log });
 *     createServer(async (req, res) => {
 *       if (await services(req, res)) return;
 *       if (await faults.intercept('kubernetes', req, res)) return;
 *       kube.handle(req, res);
 *     });
 */
export function createServiceRoutes(deps: ServiceRoutesDeps): ServiceRoutes {
  const { faults, log } = deps;
  const fresh = (): ServiceState => ({
    pagerduty: new PagerDutyApi(faults),
    slack: new SlackApi(faults),
    flags: new FeatureFlagsApi(faults, (flag, enabled) => {
      log.info(`feature flag ${flag} switched ${enabled ? 'on' : 'off'}`);
      deps.onFlagChange?.(flag, enabled);
    }),
    statusPage: new StatusPageApi(faults),
    github: new GitHubApi(faults),
  });
  const state = fresh();
  const reset = () => {
    Object.assign(state, fresh());
    log.info('services reset to their seeded state');
  };
  type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void> | void;
  const mounts: Array<[string, FaultService, Handler]> = [
    [PAGERDUTY_MOUNT, 'pagerduty', (req, res, path) => state.pagerduty.handle(req, res, path)],
    [SLACK_MOUNT, 'slack', (req, res, path) => state.slack.handle(req, res, path)],
    [FLAGS_MOUNT, 'flags', (req, res, path) => state.flags.handle(req, res, path)],
    [HEALTH_MOUNT, 'health', (req, res, path) => handleHealth(deps, req, res, path)],
    [STATUS_PAGE_MOUNT, 'statuspage', (req, res, path) => state.statusPage.handle(req, res, path)],
    [GITHUB_MOUNT, 'github', (req, res, path) => state.github.handle(req, res, path)],
  ];

  const routes = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const pathname = requestUrl(req).pathname;
    const started = Date.now();
    try {
      const control = below(pathname, CONTROL_MOUNT);
      if (control === '/services/reset' && req.method === 'POST') {
        reset();
        sendJson(res, 200, { reset: ['pagerduty', 'slack', 'flags', 'statuspage', 'github'] });
        return true;
      }
      if (control !== undefined) {
        return await handleControl(faults, req, res, control);
      }
      for (const [mount, service, handler] of mounts) {
        const path = below(pathname, mount);
        if (path === undefined) {
          continue;
        }
        res.once('finish', () =>
          log.debug(
            `${service} ${req.method} ${pathname} ${res.statusCode} in ${Date.now() - started} ms`,
          ),
        );
        if (!(await faults.intercept(service, req, res, path === '' ? '/' : path))) {
          await handler(req, res, path);
        }
        return true;
      }
      return false;
    } catch (error) {
      log.error(
        `${req.method} ${pathname} failed: ${error instanceof Error ? error.stack : String(error)}`,
      );
      if (!res.headersSent) {
        sendJson(res, 500, { error: 'sandbox error', message: String(error) });
      } else {
        res.destroy();
      }
      return true;
    }
  };
  return Object.assign(routes, { state, reset });
}

/** The path below `mount`, or undefined when `pathname` is not under it. */
function below(pathname: string, mount: string): string | undefined {
  if (pathname === mount) {
    return '';
  }
  return pathname.startsWith(`${mount}/`) ? pathname.slice(mount.length) : undefined;
}

export interface StartServicesOptions {
  log?: Log;
  /** Fault specs to switch on at start (see `faults.ts`). */
  faults?: readonly string[];
  /** Defaults to always ready. */
  isApiGatewayReady?: () => boolean;
  componentHealth?: () => ComponentHealth;
  onFlagChange?: (flag: string, enabled: boolean) => void;
  /** Defaults to a free port chosen by the system. */
  port?: number;
}

export interface RunningServices {
  endpoints: Pick<
    SandboxEndpoints,
    'pagerduty' | 'slack' | 'flags' | 'health' | 'statusPage' | 'github' | 'control'
  >;
  faults: FaultRegistry;
  state: ServiceState;
  /** Puts the services back to their seeded state. */
  reset(): void;
  /** Closes the server, ending held and open connections. */
  stop(): Promise<void>;
}

/**
 * Starts only these services on 127.0.0.1, without the Kubernetes half, e.g. for tests of
 * PagerDuty and Slack delivery.
 */
export async function startServices(options: StartServicesOptions = {}): Promise<RunningServices> {
  const log = options.log ?? silentLog;
  const faults = new FaultRegistry(log);
  for (const spec of options.faults ?? []) {
    faults.addSpec(spec);
  }
  const routes = createServiceRoutes({
    isApiGatewayReady: options.isApiGatewayReady ?? (() => true),
    ...(options.componentHealth === undefined ? {} : { componentHealth: options.componentHealth }),
    ...(options.onFlagChange === undefined ? {} : { onFlagChange: options.onFlagChange }),
    faults,
    log,
  });
  const server = createServer((req, res) => {
    void routes(req, res).then((handled) => {
      if (!handled) {
        sendJson(res, 404, { error: `nothing is served at ${requestUrl(req).pathname}` });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  log.info(`services listening on ${origin}`);

  return {
    endpoints: serviceEndpoints(origin),
    faults,
    state: routes.state,
    reset: routes.reset,
    stop: async () => {
      faults.releaseHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
