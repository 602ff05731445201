/**
 * Reading collections: a list filtered by label and field selectors and paged by
 * `limit`/`continue` (a continue token older than the store's history is `410 Gone`, as the
 * real server answers), a watch handed to `watch.ts`, and whether the client asked for a
 * server-side `Table` instead of the objects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { sendJson, type Target } from './api-http';
import type { SandboxClock } from './clock';
import { groupVersion, type ResourceInfo } from './kinds';
import { parseFieldSelector, parseLabelSelector, type ObjectMatcher } from './selectors';
import { badRequest, gone } from './status';
import type { ObjectStore } from './store';
import { toTable, type IncludeObject } from './table';
import type { KObject } from './types';
import { serveWatch } from './watch';

/** What serving a list or watch needs from the API server. */
export interface ListContext {
  store: ObjectStore;
  clock: SandboxClock;
  /** Real milliseconds between watch bookmarks. */
  bookmarkIntervalMs?: number;
  /** Longest watch, in real seconds, when the client asks for none. */
  maxWatchSeconds?: number;
  /** Keeps a watch's response so the server can end it when it closes. */
  track(res: ServerResponse): () => void;
}

/**
 * `GET` on a collection: a watch when the request asks for one (with bookmarks, initial events
 * and a timeout capped by the server's longest), else a list.
 */
export function serveListOrWatch(
  ctx: ListContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: Target,
  query: URLSearchParams,
): void {
  const { info, namespace } = target;
  const { asTable, include } = tableRequest(req, query);
  if (query.get('watch') === 'true' || query.get('watch') === '1') {
    const sendInitialEvents = query.get('sendInitialEvents') === 'true';
    const requested = Number(query.get('timeoutSeconds') ?? '');
    const maxSeconds = ctx.maxWatchSeconds ?? 1800;
    serveWatch(
      req,
      res,
      ctx.store,
      ctx.clock,
      {
        info,
        namespace,
        matches: matcher(query),
        resourceVersion: query.get('resourceVersion') ?? undefined,
        sendInitialEvents,
        allowBookmarks: query.get('allowWatchBookmarks') === 'true',
        timeoutSeconds: requested > 0 ? Math.min(requested, maxSeconds) : maxSeconds,
        asTable,
        include,
      },
      {
        bookmarkIntervalMs: ctx.bookmarkIntervalMs ?? 60_000,
        track: ctx.track,
      },
    );
    return;
  }
  sendJson(res, 200, listObjects(ctx.store, ctx.clock, info, namespace, query, asTable, include));
}

/** A list, paged by `limit`/`continue` over the objects in key order. */
function listObjects(
  store: ObjectStore,
  clock: SandboxClock,
  info: ResourceInfo,
  namespace: string | undefined,
  query: URLSearchParams,
  asTable: boolean,
  include: IncludeObject,
): Record<string, unknown> {
  const matches = matcher(query);
  const limit = Number(query.get('limit') ?? '0');
  let listRv = store.resourceVersion;
  let after: string | undefined;
  const token = query.get('continue');
  if (token) {
    const decoded = decodeContinue(token);
    if (decoded.rv < store.oldestResumableVersion) {
      throw gone(
        'The provided continue parameter is too old to display a consistent list result. You can ' +
          'start a new list without the continue parameter.',
      );
    }
    listRv = decoded.rv;
    after = decoded.start;
  }
  const items: KObject[] = [];
  let next: string | undefined;
  let remaining = 0;
  for (const obj of store.list(info.resource, namespace)) {
    const fullKey = obj.metadata.namespace
      ? `${obj.metadata.namespace}/${obj.metadata.name}`
      : obj.metadata.name;
    if (after !== undefined && fullKey <= after) continue;
    if (!matches(obj)) continue;
    if (limit > 0 && items.length >= limit) {
      remaining++;
      continue;
    }
    items.push(obj);
    if (limit > 0 && items.length === limit) next = fullKey;
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
  if (remaining > 0 && next) {
    metadata.continue = encodeContinue(listRv, next);
    metadata.remainingItemCount = remaining;
  }
  if (asTable) return toTable(info.resource, items, clock.now(), include, metadata);
  return { kind: `${info.kind}List`, apiVersion: groupVersion(info), metadata, items };
}

/** The label and field selectors of a request, as one test. */
export function matcher(query: URLSearchParams): ObjectMatcher {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  return (obj) => labels(obj.metadata.labels) && fields(obj);
}

/** Whether the client asked for a Table (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`). */
export function tableRequest(
  req: IncomingMessage,
  query: URLSearchParams,
): { asTable: boolean; include: IncludeObject } {
  const accept = String(req.headers.accept ?? '');
  const asTable = accept
    .split(',')
    .some(
      (part) =>
        /(^|;)\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part) && /v=v1(;|$|\s)/.test(part),
    );
  const includeParam = query.get('includeObject');
  const include: IncludeObject =
    includeParam === 'None' || includeParam === 'Object' ? includeParam : 'Metadata';
  return { asTable, include };
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      rv: number;
      start: string;
    };
    if (typeof parsed.rv !== 'number' || typeof parsed.start !== 'string')
      throw new Error('bad token');
    return parsed;
  } catch {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}
