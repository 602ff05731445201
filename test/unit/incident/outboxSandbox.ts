import { Outbox, type OutboxConfig, type OutboxSecrets } from '../../../src/incident/outbox';
import { IncidentStore } from '../../../src/incident/store';
import { startServices, type RunningServices } from '../../../sandbox/services/router';
import { SANDBOX_PAGERDUTY_FROM } from '../../../sandbox/services/tokens';
import { tempFolder } from './helpers';

/** What each outbox test gets afresh: the sandbox's services, a journal folder and its store. */
export interface OutboxSandbox {
  readonly sandbox: RunningServices;
  readonly folder: Awaited<ReturnType<typeof tempFolder>>;
  readonly store: IncidentStore;
  /** PagerDuty and Slack against the sandbox, short timeouts and backoff, plus the suite's own. */
  config(): OutboxConfig;
  /** An outbox stopped after the test; another store stands for another window. */
  outbox(
    secrets: OutboxSecrets,
    options?: { config?: OutboxConfig; store?: IncidentStore; now?: () => Date },
  ): Outbox;
  /** The same journal folder opened again, as a restarted window does. */
  reopen(): Promise<IncidentStore>;
}

/**
 * Starts the sandbox's services and an empty journal before each test of the calling suite
 * and stops them after it, with every outbox the test made.
 */
export function outboxSandbox(
  prefix: string,
  extra: (endpoints: RunningServices['endpoints']) => Partial<OutboxConfig> = () => ({}),
): OutboxSandbox {
  let sandbox: RunningServices | undefined;
  let folder: OutboxSandbox['folder'] | undefined;
  let store: IncidentStore | undefined;
  const outboxes: Outbox[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the outbox sandbox is only there inside a test');
    return value;
  };

  beforeEach(async () => {
    sandbox = await startServices();
    folder = await tempFolder(prefix);
    store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
  });
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
    await sandbox?.stop();
    await folder?.remove();
  });

  const fixture: OutboxSandbox = {
    get sandbox() {
      return started(sandbox);
    },
    get folder() {
      return started(folder);
    },
    get store() {
      return started(store);
    },
    config() {
      const endpoints = fixture.sandbox.endpoints;
      return {
        pagerduty: {
          region: 'us',
          baseUrl: endpoints.pagerduty,
          from: SANDBOX_PAGERDUTY_FROM,
          serviceId: 'PFLS001',
          timeoutMs: 500,
          sdkRetryDelayMs: 5,
        },
        slack: { apiUrl: endpoints.slack, timeoutMs: 500 },
        backoff: { initialDelayMs: 20, attemptsPerRound: 3, maxWaitInRoundMs: 2000 },
        pollIntervalMs: 60_000,
        ...extra(endpoints),
      };
    },
    outbox(secrets, options = {}) {
      const { config = fixture.config(), store: target = fixture.store, now } = options;
      const o = new Outbox(target, config, () => secrets, now ? { now } : {});
      outboxes.push(o);
      return o;
    },
    reopen: () => IncidentStore.open({ folder: fixture.folder.path, timeZone: 'UTC' }),
  };
  return fixture;
}
