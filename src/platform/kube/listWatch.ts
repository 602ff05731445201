import { ExponentialBackoff } from 'cockatiel';
import type { IBackoff } from 'cockatiel';

import type { KubeConnection } from './connection';
import { Emitter } from './emitter';
import { errorFromResponse, toKubeError } from './errors';
import type { KubeError } from './errors';
import { LineSplitter } from './lines';

/** The least every watched object has. */
export interface KubeObject {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** Where a list-watch stands, for the view's progress and error messages. */
export type WatchState =
  | { phase: 'connecting' }
  | { phase: 'live' }
  | { phase: 'retrying'; error: KubeError; delayMs: number }
  | { phase: 'failed'; error: KubeError }
  | { phase: 'stopped' };

/** What a list-watch reports: the full list after each (re)list, then one event at a time. */
export interface ListWatchHandlers<T> {
  reset(items: T[]): void;
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void;
}

/** Options of a list-watch. */
export interface ListWatchOptions {
  connection: KubeConnection;
  /** Plural resource name for messages and logs, `pods`. */
  resource: string;
  /** Collection path, `/api/v1/namespaces/freelms/pods`. */
  path: string;
  labelSelector?: string;
  /** Server-side watch timeout; the watch is reopened from the last resource version after it. */
  watchTimeoutSeconds?: number;
  /** Silence after which a watch is presumed dead (half-open connection) and reopened. */
  idleTimeoutMs?: number;
  backoff?: { initialDelay: number; maxDelay: number };
}

interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T & { code?: number; message?: string; reason?: string };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Keeps a collection current the way client-go's reflector does: list, then watch from the
 * list's resource version; reopen the watch from the last seen version when the server ends it;
 * list again on `410 Gone` (an expired resource version); retry network trouble, 429 and 5xx
 * with exponential backoff and jitter (cockatiel), honouring Retry-After. Stops on errors that
 * retrying cannot fix (401, 403, a missing namespace) and reports them through `state`.
 * Written over a raw stream rather than client-node's `Watch`/`makeInformer`, which drop the
 * Status body of a failed watch and hide the resource version needed to resume.
 */
export class ListWatch<T extends KubeObject> {
  private readonly stateEmitter = new Emitter<WatchState>();
  private readonly abort = new AbortController();
  private current: WatchState = { phase: 'connecting' };
  private resourceVersion: string | undefined;
  private running: Promise<void> | undefined;

  /** Fires on every change of `state`. */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    private readonly options: ListWatchOptions,
    private readonly handlers: ListWatchHandlers<T>,
  ) {}

  get state(): WatchState {
    return this.current;
  }

  /** Starts listing and watching; resolves once the first list was delivered, failed or is being retried. */
  start(): Promise<void> {
    let firstListed!: () => void;
    const listed = new Promise<void>((resolve) => (firstListed = resolve));
    this.running = this.loop(firstListed);
    return listed;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.setState({ phase: 'stopped' });
    this.stateEmitter.dispose();
  }

  private setState(state: WatchState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }

  private async loop(firstListed: () => void): Promise<void> {
    const { connection, resource } = this.options;
    const factory = new ExponentialBackoff({
      initialDelay: this.options.backoff?.initialDelay ?? 500,
      maxDelay: this.options.backoff?.maxDelay ?? 30_000,
    });
    let backoff: IBackoff<unknown> | undefined;
    const signal = this.abort.signal;

    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) {
          await this.list(signal);
          firstListed();
        }
        this.setState({ phase: 'live' });
        const opened = Date.now();
        const delivered = await this.watch(signal);
        if (delivered) {
          backoff = undefined;
        } else if (Date.now() - opened < 1000) {
          // A proxy that closes every watch at once must not make this loop spin.
          backoff = backoff ? backoff.next(undefined) : factory.next();
          await sleep(backoff.duration, signal);
        }
      } catch (err) {
        if (signal.aborted) {
          break;
        }
        const error = toKubeError(err, connection.target({ verb: 'watch', resource }));
        if (error.kind === 'gone') {
          connection.log.info(
            `${resource} watch on ${connection.context}/${connection.namespace} expired; listing again`,
          );
          this.resourceVersion = undefined;
          continue;
        }
        if (!error.transient) {
          this.setState({ phase: 'failed', error });
          firstListed();
          return;
        }
        backoff = backoff ? backoff.next(undefined) : factory.next();
        const delayMs = Math.max(backoff.duration, (error.retryAfterSeconds ?? 0) * 1000);
        this.setState({ phase: 'retrying', error, delayMs });
        // The caller learns of trouble through `state` instead of waiting for a cluster that is down.
        firstListed();
        await sleep(delayMs, signal);
      }
    }
    firstListed();
  }

  private async list(signal: AbortSignal): Promise<void> {
    const { connection, resource, path, labelSelector } = this.options;
    const list = await connection.getJson<{ metadata?: { resourceVersion?: string }; items?: T[] }>(
      { verb: 'list', resource },
      path,
      { labelSelector },
      signal,
    );
    this.resourceVersion = list.metadata?.resourceVersion ?? '0';
    this.handlers.reset(list.items ?? []);
  }

  /** Watches until the server ends the stream; true when it delivered anything. */
  private async watch(signal: AbortSignal): Promise<boolean> {
    const { connection, resource, path, labelSelector } = this.options;
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 290 + Math.floor(Math.random() * 60);
    const idleMs = this.options.idleTimeoutMs ?? (timeoutSeconds + 30) * 1000;
    const local = new AbortController();
    const onAbort = () => local.abort();
    signal.addEventListener('abort', onAbort);
    let idle: NodeJS.Timeout | undefined;
    let idleFired = false;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        idleFired = true;
        local.abort();
      }, idleMs);
    };

    let delivered = false;
    try {
      arm();
      const body = await connection.stream(
        { verb: 'watch', resource },
        path,
        {
          watch: 1,
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds,
          labelSelector,
        },
        local.signal,
      );
      const splitter = new LineSplitter();
      for await (const chunk of body) {
        arm();
        for (const line of splitter.push(chunk as Buffer)) {
          if (line.trim() !== '') {
            this.apply(JSON.parse(line) as WatchEvent<T>);
            delivered = true;
          }
        }
      }
      return delivered;
    } catch (err) {
      if (idleFired && !signal.aborted) {
        connection.log.info(`${resource} watch went silent for ${idleMs} ms; reopening`);
        return delivered;
      }
      throw err;
    } finally {
      clearTimeout(idle);
      signal.removeEventListener('abort', onAbort);
      local.abort();
    }
  }

  private apply(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      const status = event.object;
      throw errorFromResponse(
        status.code ?? 500,
        status,
        undefined,
        this.options.connection.target({ verb: 'watch', resource: this.options.resource }),
      );
    }
    const version = event.object?.metadata?.resourceVersion;
    if (version) {
      this.resourceVersion = version;
    }
    if (event.type !== 'BOOKMARK') {
      this.handlers.event(event.type, event.object);
    }
  }
}
