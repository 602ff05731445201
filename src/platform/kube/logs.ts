import type { V1Pod } from '@kubernetes/client-node';
import { ExponentialBackoff } from 'cockatiel';
import type { IBackoff } from 'cockatiel';

import type { KubeConnection } from './connection';
import { Emitter } from './emitter';
import { toKubeError } from './errors';
import type { KubeError } from './errors';
import { EntryAssembler, splitTimestamp } from './logEntries';
import type { LogEntry } from './logEntries';
import { LineSplitter } from './lines';

/** Which log to stream, with `kubectl logs` options. */
export interface LogRequest {
  pod: string;
  /** Container name, init containers included; the server picks when the pod has one container. */
  container?: string;
  follow?: boolean;
  sinceSeconds?: number;
  /** RFC3339 time; only one of `sinceSeconds` and `sinceTime`. */
  sinceTime?: string;
  tailLines?: number;
  /** The previous, terminated instance of the container (after a crash). */
  previous?: boolean;
  limitBytes?: number;
}

/**
 * What a log stream reports. Timestamps are always requested from the server (they are what
 * resuming needs) and carried on each entry; showing them is the panel's choice.
 */
export type LogStreamEvent =
  | { type: 'entries'; entries: LogEntry[] }
  /** Something the panel shows as a notice line: waiting for the container, reconnecting. */
  | { type: 'notice'; message: string }
  | {
      type: 'end';
      reason: 'completed' | 'stopped' | 'failed';
      message?: string;
      error?: KubeError;
    };

/** Options of a log stream; the defaults suit the extension, tests shorten the timings. */
export interface LogStreamOptions {
  /** Pause after which an entry whose stack trace may still grow is delivered anyway. */
  idleFlushMs?: number;
  /** How often to ask again while the container is still being created. */
  waitingRetryMs?: number;
  backoff?: { initialDelay: number; maxDelay: number };
}

const WAITING =
  /is waiting to start|PodInitializing|ContainerCreating|is not available|not found.*initializ/i;

// The kubelet writes every timestamp as `2026-12-03T17:00:00.123456789Z`; successive lines mostly
// share their second, so it is parsed once per second, not per line (`npm run bench`).
let lastSecond = '';
let lastSecondKey = '';

/** A sortable key of an RFC3339(Nano) timestamp, exact to the nanosecond whatever its digits. */
export function timestampKey(ts: string): string {
  if (ts.length === 30 && ts.charCodeAt(19) === 46 && ts.charCodeAt(29) === 90) {
    const second = ts.slice(0, 19);
    if (second !== lastSecond) {
      const seconds = Date.parse(`${second}Z`) / 1000;
      if (!Number.isInteger(seconds)) return timestampKeySlow(ts);
      lastSecond = second;
      lastSecondKey = String(seconds).padStart(12, '0');
    }
    return `${lastSecondKey}.${ts.slice(20, 29)}`;
  }
  return timestampKeySlow(ts);
}

function timestampKeySlow(ts: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return ts;
  const seconds = Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000);
  return `${String(seconds).padStart(12, '0')}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}`;
}

/**
 * Streams one container's log. A stream cut mid-way (a load balancer, a flaky VPN) is resumed
 * from the timestamp of the last line with `sinceTime`; lines the server sends again are
 * recognised by timestamp and text and skipped, so nothing is shown twice or lost. A container
 * still being created is waited for with a notice. Multi-line entries are assembled before
 * delivery, so filters see each stack trace with its first line. `limitBytes` counts anew
 * after each reconnect.
 */
export class LogStream {
  private readonly emitter = new Emitter<LogStreamEvent>();
  private readonly abort = new AbortController();
  private readonly assembler: EntryAssembler;
  private lastKey = '';
  /** The server's timestamp of the last line delivered: where a resumed stream starts. */
  private lastRaw: string | undefined;
  /** Lines delivered with the last timestamp, counted into `skip` only when resuming. */
  private seenAtLast: string[] = [];
  private skip = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private lastNotice: string | undefined;
  private wait: number | undefined;
  private running: Promise<void> | undefined;

  /** Every event of the stream, in order; the last one is `end`. */
  readonly onEvent = this.emitter.event;

  constructor(
    private readonly connection: KubeConnection,
    readonly request: LogRequest,
    private readonly options: LogStreamOptions = {},
  ) {
    this.assembler = new EntryAssembler({ pod: request.pod, container: request.container });
  }

  /** Starts streaming; `done` resolves after the `end` event. */
  start(): this {
    this.running ??= this.loop();
    return this;
  }

  get done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private get path(): string {
    const ns = encodeURIComponent(this.connection.namespace);
    return `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(this.request.pod)}/log`;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    const factory = new ExponentialBackoff({
      initialDelay: this.options.backoff?.initialDelay ?? 500,
      maxDelay: this.options.backoff?.maxDelay ?? 15_000,
    });
    let backoff: IBackoff<unknown> | undefined;
    let resumed = false;
    const r = this.request;
    const info = { verb: 'get', resource: 'pods/log', name: r.pod };

    for (;;) {
      try {
        const query = {
          container: r.container,
          follow: r.follow || undefined,
          previous: r.previous || undefined,
          timestamps: true,
          limitBytes: r.limitBytes,
          tailLines: resumed ? undefined : r.tailLines,
          sinceSeconds: resumed ? undefined : r.sinceSeconds,
          sinceTime: resumed ? (this.lastRaw ?? r.sinceTime) : r.sinceTime,
        };
        const body = await this.connection.stream(info, this.path, query, signal);
        const splitter = new LineSplitter();
        let delivered = false;
        try {
          for await (const chunk of body) {
            this.deliver(splitter.push(chunk as Buffer));
            delivered = true;
          }
        } catch (err) {
          splitter.discard();
          if (delivered) backoff = undefined;
          throw err;
        }
        this.deliver(splitter.end());
        this.flush();
        if (!r.follow || signal.aborted) {
          return this.end(signal.aborted ? 'stopped' : 'completed');
        }
        const state = await this.containerState(signal);
        if (state.kind === 'ended') {
          return this.end('completed', state.message);
        }
        if (state.kind === 'restarting') {
          this.notice(state.message);
          await sleep(this.nextWait(), signal);
        }
        resumed = this.beginResume();
      } catch (err) {
        this.flush();
        if (signal.aborted) {
          return this.end('stopped');
        }
        const error = toKubeError(err, this.connection.target(info));
        if (
          (error.kind === 'badRequest' || error.kind === 'notFound') &&
          WAITING.test(error.extra.status?.message ?? error.message)
        ) {
          this.notice(
            `${this.who()} is not running yet (${error.extra.status?.message ?? error.message}); ` +
              'waiting for it to start.',
          );
          await sleep(this.nextWait(), signal);
          continue;
        }
        if (!error.transient) {
          return this.end('failed', error.message, error);
        }
        backoff = backoff ? backoff.next(undefined) : factory.next();
        const delayMs = Math.max(backoff.duration, (error.retryAfterSeconds ?? 0) * 1000);
        this.notice(
          `The log stream of ${this.who()} was interrupted (${error.kind}); reconnecting.`,
        );
        await sleep(delayMs, signal);
        resumed = this.beginResume();
      }
    }
  }

  private who(): string {
    return this.request.container
      ? `${this.request.pod}/${this.request.container}`
      : this.request.pod;
  }

  /** Resumes after the last line seen; false when nothing was seen yet (start over). */
  private beginResume(): boolean {
    this.skip = new Map();
    for (const line of this.seenAtLast) this.skip.set(line, (this.skip.get(line) ?? 0) + 1);
    return this.lastRaw !== undefined;
  }

  /**
   * Accepts a raw line unless it was already delivered before a reconnect; returns it split
   * from its timestamp (the assembler needs that too), or undefined when it is skipped.
   */
  private accept(line: string): { timestamp?: string; text: string } | undefined {
    const split = splitTimestamp(line);
    const timestamp = split.timestamp;
    if (!timestamp) return split;
    const key = timestampKey(timestamp);
    if (key < this.lastKey) return undefined;
    if (key === this.lastKey) {
      const skip = this.skip.get(line) ?? 0;
      if (skip > 0) {
        this.skip.set(line, skip - 1);
        return undefined;
      }
    } else {
      this.lastKey = key;
      this.lastRaw = timestamp;
      // Nearly every line has a timestamp of its own: no map is built or hashed per line.
      this.seenAtLast = [];
      if (this.skip.size > 0) this.skip = new Map();
    }
    this.seenAtLast.push(line);
    return split;
  }

  private deliver(lines: string[]): void {
    const entries: LogEntry[] = [];
    for (const line of lines) {
      const split = this.accept(line);
      if (split) entries.push(...this.assembler.push(line, split));
    }
    if (entries.length > 0) {
      this.wait = undefined;
      this.lastNotice = undefined;
      this.emitter.fire({ type: 'entries', entries });
    }
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => this.flush(), this.options.idleFlushMs ?? 150);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    const entries = this.assembler.flush();
    if (entries.length > 0) this.emitter.fire({ type: 'entries', entries });
  }

  private end(
    reason: 'completed' | 'stopped' | 'failed',
    message?: string,
    error?: KubeError,
  ): void {
    clearTimeout(this.flushTimer);
    this.emitter.fire({ type: 'end', reason, message, error });
    this.emitter.dispose();
  }

  /** Tells a notice once, not again for every retry of the same wait. */
  private notice(message: string): void {
    if (message !== this.lastNotice) {
      this.lastNotice = message;
      this.emitter.fire({ type: 'notice', message });
    }
  }

  /** The next pause while a container is not running: 1.5 times longer each time, up to 10 s. */
  private nextWait(): number {
    const wait = this.wait ?? this.options.waitingRetryMs ?? 2000;
    this.wait = Math.min(wait * 1.5, Math.max(10_000, wait));
    return wait;
  }

  /**
   * After the server closed a follow stream: did only the connection end, did the container stop
   * and will it be restarted (a crash loop: follow its next start), or is it over?
   */
  private async containerState(
    signal: AbortSignal,
  ): Promise<{ kind: 'running' | 'restarting' | 'ended'; message: string }> {
    const ns = encodeURIComponent(this.connection.namespace);
    let pod: V1Pod;
    try {
      pod = await this.connection.getJson<V1Pod>(
        { verb: 'get', resource: 'pods', name: this.request.pod },
        `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(this.request.pod)}`,
        {},
        signal,
      );
    } catch (err) {
      const error = toKubeError(err, {});
      const message =
        error.kind === 'notFound' ? `${this.request.pod} was deleted.` : error.message;
      return { kind: 'ended', message };
    }
    const init = pod.status?.initContainerStatuses ?? [];
    const statuses = [...init, ...(pod.status?.containerStatuses ?? [])];
    // Without a container named, the server streams the pod's default container, as kubectl
    // picks it; a finished init container listed first must not end a running pod's stream.
    const name =
      this.request.container ??
      pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'] ??
      pod.spec?.containers?.[0]?.name;
    const status = statuses.find((s) => s.name === name) ?? (name ? undefined : statuses[0]);
    const phase = pod.status?.phase;
    const terminated = status?.state?.terminated;
    const reason = terminated?.reason ?? status?.state?.waiting?.reason ?? 'stopped';
    if (pod.metadata?.deletionTimestamp) {
      return { kind: 'ended', message: `${this.request.pod} is being deleted.` };
    }
    if (status?.state?.running) {
      return { kind: 'running', message: '' };
    }
    const finishedInit = init.includes(status!) && terminated?.exitCode === 0;
    if (phase === 'Succeeded' || phase === 'Failed' || finishedInit || !status) {
      return { kind: 'ended', message: `${this.who()} stopped (${reason}).` };
    }
    return {
      kind: 'restarting',
      message: `${this.who()} stopped (${reason}); following its next start.`,
    };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
