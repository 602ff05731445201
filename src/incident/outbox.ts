import { DelegateBackoff, handleWhen, retry } from 'cockatiel';
import { lock } from 'proper-lockfile';

import { silentLog, type Log } from '../common/log';
import { PagerDutyClient, type PagerDutyConfig } from '../platform/pagerduty/client';
import { SlackClient, type SlackConfig } from '../platform/slack/client';
import { StatusPageClient, type StatusPageConfig } from '../platform/statuspage/client';
import { RemoteServiceError } from '../platform/remoteError';
import {
  deliveryStates,
  planDeliveries,
  TARGET_NAMES,
  TARGETS,
  type BackoffSettings,
  type DeliverySettings,
  type DeliveryState,
  type Target,
} from './deliveries';
import { performDelivery, type Clients } from './delivery-perform';
import type { Incident, NewEvent } from './model';
import type { Disposable, IncidentStore } from './store';

/** Tokens, read from secret storage by the UI at the moment the outbox needs them. */
export interface OutboxSecrets {
  pagerduty?: string;
  slack?: string;
  statusPage?: string;
}

export interface OutboxConfig {
  /** Absent: PagerDuty is not configured, and deliveries to it say so. */
  pagerduty?: PagerDutyConfig;
  slack?: SlackConfig;
  /** Absent: no status page URL or page id is set. */
  statusPage?: StatusPageConfig;
  deliveries?: DeliverySettings;
  backoff?: BackoffSettings & {
    /** Tries within one round before the failure is journaled; 3 by default. */
    attemptsPerRound?: number;
    /** A `Retry-After` longer than this ends the round instead of being waited out; 30 s. */
    maxWaitInRoundMs?: number;
  };
  /** How often pending deliveries are looked at; 2 s by default. */
  pollIntervalMs?: number;
}

export interface OutboxOptions {
  log?: Log;
  now?: () => Date;
}

/** Deliveries whose effect does not depend on what was sent before them. */
const UNORDERED_OPS: ReadonlySet<DeliveryState['op']> = new Set(['slack.invite', 'slack.bookmark']);

/**
 * What the outbox locks while it delivers an incident: a name beside the journal, never created
 * itself (`proper-lockfile` makes `<id>.jsonl.outbox.lock`). Not the journal's path: the library
 * keys its locks by that path, and `appendOnce` holds the journal's own.
 */
export const deliveryLockTarget = (journalPath: string): string => `${journalPath}.outbox`;

const isRemote = (e: unknown): e is RemoteServiceError<string> => e instanceof RemoteServiceError;

/**
 * Delivers journal events to PagerDuty, Slack and the status page: at least once, with
 * exactly-once effect.
 *
 * - Every attempt is journaled (`delivery.attempted`) and fsync'ed before the call, and its
 *   result after it, so pending work, failures and backoff survive a restart.
 * - Effects are made idempotent: the PagerDuty incident carries an `incident_key` derived from
 *   the incident id (a duplicate means "already done"), the Slack channel is found by name
 *   (`name_taken` means "reuse it"), acknowledging or resolving twice is harmless, and a note
 *   or message whose answer was lost is looked for before it is sent again. The status page
 *   has no key either: its incident is looked for by name, its updates by text.
 * - Transient failures (429, 5xx, timeouts, dropped connections) are retried with backoff,
 *   honouring `Retry-After` and PagerDuty's `ratelimit-reset`; they stay pending for ever,
 *   never dropped. Permanent ones (bad token, rejected input) wait for `retry()` with their
 *   reason shown. Order is kept per service: nothing overtakes a pending delivery; only
 *   invites and bookmarks, which need no order, go out beside the delivery ahead of them.
 * - Only one window delivers an incident at a time: a delivery lock beside its journal
 *   (`<id>.jsonl.outbox.lock`, `proper-lockfile`, stale after 20 s so a crashed window does not
 *   block the others). It is held through the round's calls, which can take a minute against a
 *   slow service, so it is not the journal's own lock: `appendOnce` (resolving, the watch's
 *   end and regressions) never waits on a delivery. The outbox's appends need no journal lock:
 *   each is one atomic line, and only the delivery lock's holder writes `delivery.*` events.
 */
export class Outbox {
  private readonly log: Log;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private subscription: Disposable | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private abort = new AbortController();
  private readonly listeners = new Set<(id: string) => void>();

  constructor(
    private readonly store: IncidentStore,
    private readonly config: OutboxConfig,
    private readonly secrets: () => OutboxSecrets | Promise<OutboxSecrets>,
    options: OutboxOptions = {},
  ) {
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
  }

  /** Starts delivering: now, on every journal change and every poll interval. */
  start(): void {
    if (this.timer) return;
    this.abort = new AbortController();
    this.timer = setInterval(() => void this.flush(), this.config.pollIntervalMs ?? 2000);
    this.subscription = this.store.onDidChange(() => void this.flush());
    void this.flush();
  }

  /** Stops, cancelling waits between retries; a call in flight ends at its timeout. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.subscription?.dispose();
    this.subscription = undefined;
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  /** Called with an incident id when one of its deliveries changed state. */
  onDidChange(listener: (id: string) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Delivers what is due now, for one incident or all; resolves when the round is over. Never
   * rejects: a journal that cannot be read or locked is logged and tried again next round.
   * After `stop()` it does nothing until `start()`.
   */
  async flush(id?: string): Promise<void> {
    if (this.running) {
      // A request during a round is served by one more round, over every incident.
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let only = id;
      do {
        this.again = false;
        await this.round(only);
        only = undefined;
      } while (this.again && !this.abort.signal.aborted);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(id: string | undefined): Promise<void> {
    let incidents: Array<Incident | undefined>;
    try {
      incidents = id ? [await this.store.get(id)] : await this.store.list();
    } catch (error) {
      this.log.error(`reading incidents for delivery failed: ${(error as Error).message}`);
      return;
    }
    for (const incident of incidents) {
      if (!incident || this.abort.signal.aborted) continue;
      try {
        await this.deliverIncident(incident);
      } catch (error) {
        this.log.error(`delivering ${incident.id} failed: ${(error as Error).message}`);
      }
    }
  }

  /** Every delivery of an incident with its status and reason, for the UI. */
  async deliveries(id: string): Promise<DeliveryState[]> {
    const incident = await this.store.get(id);
    if (!incident) return [];
    return this.statesOf(incident, await this.configured());
  }

  /** Tries a failed delivery again (after the user fixed a token or a setting). */
  async retry(id: string, key: string): Promise<void> {
    await this.store.append(id, { type: 'delivery.retried', key });
    await this.flush(id);
  }

  private statesOf(incident: Incident, configured: Record<Target, boolean>): DeliveryState[] {
    return deliveryStates(
      incident,
      planDeliveries(incident, this.config.deliveries),
      configured,
      this.config.backoff,
    );
  }

  private async configured(): Promise<Record<Target, boolean>> {
    const secrets = await this.secrets();
    return {
      pagerduty: !!(this.config.pagerduty && secrets.pagerduty),
      slack: !!(this.config.slack && secrets.slack),
      statuspage: !!(this.config.statusPage && secrets.statusPage),
    };
  }

  private async clients(): Promise<Clients> {
    const secrets = await this.secrets();
    const clients: Clients = {};
    if (this.config.pagerduty && secrets.pagerduty) {
      clients.pagerduty = new PagerDutyClient(this.config.pagerduty, secrets.pagerduty, this.log);
    }
    if (this.config.slack && secrets.slack)
      clients.slack = new SlackClient(this.config.slack, secrets.slack, this.log);
    if (this.config.statusPage && secrets.statusPage) {
      clients.statusPage = new StatusPageClient(
        this.config.statusPage,
        secrets.statusPage,
        this.log,
      );
    }
    return clients;
  }

  private async deliverIncident(first: Incident): Promise<void> {
    const clients = await this.clients();
    const configured = {
      pagerduty: !!clients.pagerduty,
      slack: !!clients.slack,
      statuspage: !!clients.statusPage,
    };
    const due = this.statesOf(first, configured).some((d) => d.status === 'pending');
    if (!due) return;

    let release: (() => Promise<void>) | undefined;
    try {
      release = await lock(deliveryLockTarget(this.store.journalPath(first.id)), {
        stale: 20_000,
        update: 5_000,
        retries: 0,
        realpath: false,
        onCompromised: (error) =>
          this.log.warn(`delivery lock of ${first.id} lost: ${error.message}`),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
        this.log.debug(`${first.id} is being delivered by another window`);
        return;
      }
      throw error;
    }
    try {
      // The services are independent: a Slack outage does not hold PagerDuty back.
      await Promise.all(
        TARGETS.filter((t) => configured[t]).map((t) =>
          this.deliverTarget(first.id, t, clients, configured),
        ),
      );
    } finally {
      await release().catch((error: Error) =>
        this.log.warn(`releasing the lock of ${first.id}: ${error.message}`),
      );
    }
  }

  private async deliverTarget(
    id: string,
    target: Target,
    clients: Clients,
    configured: Record<Target, boolean>,
  ): Promise<void> {
    while (!this.abort.signal.aborted) {
      const incident = await this.store.get(id);
      if (!incident) return;
      const queue = this.statesOf(incident, configured).filter(
        (d) => d.target === target && (d.status === 'pending' || d.status === 'blocked'),
      );
      const batch = this.nextBatch(queue);
      if (batch.length === 0) return;
      const delivered = await Promise.all(batch.map((d) => this.deliverOne(incident, d, clients)));
      if (delivered.includes(false)) return;
    }
  }

  /**
   * What can go out now from the head of one service's queue. Invites and bookmarks have no
   * order to keep, so they go beside the message ahead of them in one round trip instead of one
   * each (declaring: the channel, then message, invite and both bookmarks at once); messages
   * and notes still go one at a time, in journal order.
   */
  private nextBatch(queue: readonly DeliveryState[]): DeliveryState[] {
    const now = this.now().getTime();
    const ready = (d: DeliveryState) =>
      d.status === 'pending' && !(d.nextAttemptAt && Date.parse(d.nextAttemptAt) > now);
    const head = queue[0];
    if (!head || !ready(head)) return [];
    const batch = [head];
    if (head.blocking) return batch;
    let ordered = !UNORDERED_OPS.has(head.op);
    for (const d of queue.slice(1)) {
      if (!ready(d) || d.blocking) break;
      if (!UNORDERED_OPS.has(d.op)) {
        if (ordered) break;
        ordered = true;
      }
      batch.push(d);
    }
    return batch;
  }

  /** One delivery with in-round retries; false when it must wait (order is kept behind it). */
  private async deliverOne(
    incident: Incident,
    delivery: DeliveryState,
    clients: Clients,
  ): Promise<boolean> {
    const backoff = this.config.backoff ?? {};
    const maxWait = backoff.maxWaitInRoundMs ?? 30_000;
    const initial = backoff.initialDelayMs ?? 1000;
    let checkFirst = delivery.uncertain || delivery.attempts > 0;
    let attempt = delivery.attempts;
    const policy = retry(
      handleWhen((e) => isRemote(e) && e.transient && (e.retryAfterMs ?? 0) <= maxWait),
      {
        maxAttempts: Math.max(0, (backoff.attemptsPerRound ?? 3) - 1),
        backoff: new DelegateBackoff((context) => {
          const error = 'error' in context.result ? context.result.error : undefined;
          const asked = isRemote(error) ? error.retryAfterMs : undefined;
          return asked ?? initial * 2 ** (context.attempt - 1);
        }),
      },
    );
    try {
      const outcome = await policy.execute(async () => {
        attempt += 1;
        await this.store.append(incident.id, {
          type: 'delivery.attempted',
          key: delivery.key,
          attempt,
        });
        // Reread: an earlier delivery of this round may have linked the PagerDuty incident or channel.
        const current = (await this.store.get(incident.id)) ?? incident;
        const withFirst = {
          ...delivery,
          firstAttemptAt: delivery.firstAttemptAt ?? current.events.at(-1)?.at,
        };
        try {
          return await performDelivery(
            withFirst,
            current,
            clients,
            this.config.deliveries ?? {},
            checkFirst,
          );
        } catch (error) {
          // Only a clean refusal proves nothing landed; anything else is checked next time.
          checkFirst ||= !(
            isRemote(error) &&
            (error.kind === 'rateLimited' || error.kind === 'auth')
          );
          throw error;
        }
      }, this.abort.signal);
      const events: NewEvent[] = [];
      if (outcome.linked) events.push(outcome.linked);
      events.push({
        type: 'delivery.succeeded',
        key: delivery.key,
        ...(outcome.note ? { note: outcome.note } : {}),
      });
      await this.store.append(incident.id, events);
      this.log.info(
        `${incident.id}: ${delivery.label} sent${outcome.note ? ` (${outcome.note})` : ''}`,
      );
      this.emit(incident.id);
      return true;
    } catch (error) {
      if (this.abort.signal.aborted && !isRemote(error)) return false;
      const remote = isRemote(error);
      const permanent = !remote || !error.transient;
      const reason = remote
        ? error.message
        : `${TARGET_NAMES[delivery.target]}: ${(error as Error).message}`;
      await this.store.append(incident.id, {
        type: 'delivery.failed',
        key: delivery.key,
        attempt,
        reason,
        permanent,
        ...(remote && error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      });
      this.log.warn(
        `${incident.id}: ${delivery.label} ${permanent ? 'failed' : 'will be retried'}: ${reason}`,
      );
      this.emit(incident.id);
      // A permanent failure of a note need not hold back the next one; of a creation, it must.
      return permanent && !delivery.blocking;
    }
  }

  private emit(id: string): void {
    for (const listener of this.listeners) listener(id);
  }
}
