/**
 * Watches: a chunked stream of `{"type", "object"}` JSON lines, one per change, resumed from
 * the store's history. A version older than the history gets the ERROR event with a 410
 * `Expired` Status that real API servers send; `sendInitialEvents` ends its initial ADDED
 * events with the `k8s.io/initial-events-end` bookmark that `kubectl rollout status` waits for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { SandboxClock } from './clock';
import { groupVersion, type ResourceInfo } from './kinds';
import type { ObjectMatcher } from './selectors';
import type { ObjectStore, StoreEvent } from './store';
import { tableRow, toTable, type IncludeObject } from './table';
import type { KObject } from './types';

export interface WatchRequest {
  info: ResourceInfo;
  namespace: string | undefined;
  matches: ObjectMatcher;
  resourceVersion: string | undefined;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  /** Real seconds after which the server ends the watch. */
  timeoutSeconds: number;
  asTable: boolean;
  include: IncludeObject;
}

export interface WatchOptions {
  /** Real milliseconds between BOOKMARK events when the client allows them. */
  bookmarkIntervalMs: number;
  /** Called for every open watch so the sandbox can end them all on stop. */
  track(res: ServerResponse): () => void;
}

export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  clock: SandboxClock,
  watch: WatchRequest,
  options: WatchOptions,
): void {
  const { info } = watch;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  let sentColumns = false;
  const render = (obj: KObject): unknown => {
    if (!watch.asTable) return obj;
    const table = toTable(info.resource, [], clock.now(), watch.include, {
      resourceVersion: obj.metadata.resourceVersion,
    });
    table.rows = [tableRow(info.resource, obj, clock.now(), watch.include)];
    if (sentColumns) table.columnDefinitions = [];
    sentColumns = true;
    return table;
  };
  const send = (type: string, object: unknown): void => {
    res.write(JSON.stringify({ type, object }) + '\n');
  };
  const bookmark = (rv: number, initialEventsEnd = false): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const object = watch.asTable
      ? { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: [], rows: [] }
      : { kind: info.kind, apiVersion: groupVersion(info), metadata };
    send('BOOKMARK', object);
  };
  const inScope = (obj: KObject | undefined): boolean =>
    !!obj && (!watch.namespace || obj.metadata.namespace === watch.namespace) && watch.matches(obj);

  const deliver = (event: StoreEvent): void => {
    if (event.resource !== info.resource) return;
    const now = inScope(event.object);
    const before = event.type !== 'ADDED' && inScope(event.previous);
    if (event.type === 'DELETED') {
      if (before || now) send('DELETED', render(event.object));
    } else if (now && (before || event.type === 'ADDED')) {
      send(event.type, render(event.object));
    } else if (now) {
      send('ADDED', render(event.object));
    } else if (before) {
      send('DELETED', render(event.object));
    }
  };

  const rv = watch.resourceVersion;
  const fromNow = watch.sendInitialEvents || rv === undefined || rv === '' || rv === '0';
  if (fromNow) {
    for (const obj of store.list(info.resource, watch.namespace)) {
      if (watch.matches(obj)) send('ADDED', render(obj));
    }
    if (watch.sendInitialEvents) bookmark(store.resourceVersion, true);
  } else {
    const since = Number(rv);
    const changes = Number.isFinite(since) ? store.changesSince(since) : undefined;
    if (!changes) {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rv} (${store.oldestResumableVersion})`,
        reason: 'Expired',
        code: 410,
      });
      res.end();
      return;
    }
    for (const event of changes) deliver(event);
  }

  const unsubscribe = store.subscribe(deliver);
  const untrack = options.track(res);
  const bookmarks = watch.allowBookmarks
    ? setInterval(() => bookmark(store.resourceVersion), options.bookmarkIntervalMs)
    : undefined;
  const timeout = setTimeout(() => res.end(), watch.timeoutSeconds * 1000);
  const close = (): void => {
    unsubscribe();
    untrack();
    if (bookmarks) clearInterval(bookmarks);
    clearTimeout(timeout);
  };
  res.on('close', close);
  req.on('close', close);
}
