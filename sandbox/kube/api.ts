/**
 * The Kubernetes API over HTTP: discovery, then per resource the collection (list, watch,
 * create, delete many), the item (get, replace, patch, delete) and its subresources. Everything
 * kubectl 1.35 sends for get, logs, scale, rollout and exec is answered here or in the files
 * this routes to: `api-list.ts` (lists, paging and watch), `api-write.ts` (bodies, patches and
 * delete options), `api-subresources.ts` (status, scale, log, eviction), with the HTTP plumbing
 * in `api-http.ts`. See KUBECTL.md in the shared folder for what kubectl sends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { isDryRun, notFoundPath, readBody, sendJson, successStatus, type Target } from './api-http';
import { matcher, serveListOrWatch, tableRequest } from './api-list';
import { serveSubresource, type LogHandler } from './api-subresources';
import { checkBody, deleteOptions, patched } from './api-write';
import type { SandboxClock } from './clock';
import { applyDefaults } from './defaults';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  findResource,
  groupVersion,
  SERVER_VERSION,
  type ResourceInfo,
} from './kinds';
import { deleteObject } from './ops';
import { ApiError, methodNotAllowed, notFound } from './status';
import type { ObjectStore } from './store';
import { toTable } from './table';
import type { KObject } from './types';

export interface KubeApiOptions {
  /** The address clients reach the server at, for `/api`'s serverAddressByClientCIDRs. */
  serverAddress(): string;
  /** Real milliseconds between watch bookmarks. */
  bookmarkIntervalMs?: number;
  /** Longest watch, in real seconds, when the client asks for none. */
  maxWatchSeconds?: number;
  logs?: LogHandler;
}

const STATUS_SUBRESOURCE = new Set([
  'pods',
  'deployments',
  'replicasets',
  'statefulsets',
  'services',
  'namespaces',
  'nodes',
]);

export class KubeApi {
  private readonly streams = new Set<ServerResponse>();
  /** Serves `pods/{name}/log`; set once the log service exists (it needs `track`). */
  logs: LogHandler | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SandboxClock,
    private readonly options: KubeApiOptions,
  ) {
    this.logs = options.logs;
  }

  /** Whether `path` belongs to the Kubernetes API (and so to this handler). */
  static owns(path: string): boolean {
    return (
      path === '/api' ||
      path.startsWith('/api/') ||
      path === '/apis' ||
      path.startsWith('/apis/') ||
      path === '/version' ||
      path === '/healthz' ||
      path === '/livez' ||
      path === '/readyz' ||
      path.startsWith('/openapi')
    );
  }

  /** Keeps a long-running response (watch, log follow) so `closeStreams` can end it. */
  track(res: ServerResponse): () => void {
    this.streams.add(res);
    return () => this.streams.delete(res);
  }

  closeStreams(): void {
    for (const res of this.streams) res.destroy();
    this.streams.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    try {
      await this.route(req, res, url);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(
              500,
              'InternalError',
              `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`,
            );
      if (!res.headersSent) sendJson(res, apiError.code, apiError.toStatus(), apiError.headers);
      else res.end();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const parts = path.split('/').filter(Boolean);

    switch (path) {
      case '/version':
        return sendJson(res, 200, SERVER_VERSION);
      case '/healthz':
      case '/livez':
      case '/readyz':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      case '/api':
        return sendJson(res, 200, apiVersions(this.options.serverAddress()));
      case '/apis':
        return sendJson(res, 200, apiGroupList());
    }
    if (parts[0] === 'openapi') throw notFoundPath();

    let group = '';
    let version: string | undefined;
    let rest: string[];
    if (parts[0] === 'api') {
      version = parts[1];
      rest = parts.slice(2);
    } else {
      group = parts[1] ?? '';
      version = parts[2];
      rest = parts.slice(3);
      if (!version) {
        const doc = apiGroup(group);
        if (!doc) throw notFoundPath();
        return sendJson(res, 200, doc);
      }
    }
    if (rest.length === 0) {
      const doc = apiResourceList(group, version ?? '');
      if (!doc) throw notFoundPath();
      return sendJson(res, 200, doc);
    }

    const target = this.resolve(group, version ?? '', rest);
    const query = url.searchParams;
    if (target.subresource)
      return serveSubresource(
        { store: this.store, clock: this.clock, logs: this.logs },
        req,
        res,
        target,
        query,
        method,
      );
    if (target.name === undefined) return this.collection(req, res, target, query, method);
    return this.item(req, res, target, query, method);
  }

  private resolve(group: string, version: string, rest: string[]): Target {
    let namespace: string | undefined;
    let segments = rest;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const candidate = findResource(group, version, rest[2]!);
      if (candidate?.namespaced) {
        namespace = rest[1];
        segments = rest.slice(2);
      }
    }
    const info = findResource(group, version, segments[0]!);
    if (!info || segments.length > 3) throw notFoundPath();
    if (info.namespaced && namespace === undefined && segments.length > 1) throw notFoundPath();
    const subresource = segments[2];
    if (subresource && !info.subresources.includes(subresource)) throw notFoundPath();
    return { info, namespace, name: segments[1], subresource };
  }

  private async collection(
    req: IncomingMessage,
    res: ServerResponse,
    target: Target,
    query: URLSearchParams,
    method: string,
  ): Promise<void> {
    const { info, namespace } = target;
    if (method === 'GET') {
      return serveListOrWatch(
        {
          store: this.store,
          clock: this.clock,
          bookmarkIntervalMs: this.options.bookmarkIntervalMs,
          maxWatchSeconds: this.options.maxWatchSeconds,
          track: (r) => this.track(r),
        },
        req,
        res,
        target,
        query,
      );
    }
    if (method === 'POST') {
      const body = (await readBody(req)) as KObject;
      const obj = checkBody(info, body, namespace);
      if (namespace && !this.store.get('namespaces', undefined, namespace)) {
        throw notFound('namespaces', namespace);
      }
      applyDefaults(info.resource, obj);
      const created = this.store.create(info.resource, obj, { dryRun: isDryRun(query) });
      return sendJson(res, 201, created);
    }
    if (method === 'DELETE') {
      const matches = matcher(query);
      const options = await deleteOptions(req, query);
      const deleted = this.store
        .list(info.resource, namespace)
        .filter(matches)
        .map((obj) =>
          deleteObject(
            this.store,
            this.clock,
            info.resource,
            obj.metadata.namespace,
            obj.metadata.name,
            options,
          ),
        );
      return sendJson(res, 200, {
        kind: `${info.kind}List`,
        apiVersion: groupVersion(info),
        metadata: { resourceVersion: String(this.store.resourceVersion) },
        items: deleted,
      });
    }
    throw methodNotAllowed();
  }

  private async item(
    req: IncomingMessage,
    res: ServerResponse,
    target: Target,
    query: URLSearchParams,
    method: string,
  ): Promise<void> {
    const { info, namespace, name } = target as Required<Pick<Target, 'info' | 'name'>> & Target;
    const dryRun = isDryRun(query);
    switch (method) {
      case 'GET': {
        const obj = this.store.require(info.resource, namespace, name);
        const { asTable, include } = tableRequest(req, query);
        if (asTable)
          return sendJson(
            res,
            200,
            toTable(info.resource, [obj], this.clock.now(), include, {
              resourceVersion: obj.metadata.resourceVersion,
            }),
          );
        return sendJson(res, 200, obj);
      }
      case 'PUT': {
        const current = this.store.require(info.resource, namespace, name);
        const obj = checkBody(info, (await readBody(req)) as KObject, namespace, name);
        return sendJson(res, 200, this.replace(info, current, obj, dryRun));
      }
      case 'PATCH': {
        const current = this.store.require(info.resource, namespace, name);
        const next = await patched(req, current);
        return sendJson(res, 200, this.replace(info, current, next, dryRun));
      }
      case 'DELETE': {
        const options = await deleteOptions(req, query);
        const result = deleteObject(
          this.store,
          this.clock,
          info.resource,
          namespace,
          name,
          options,
        );
        if (info.resource === 'pods' || info.resource === 'namespaces')
          return sendJson(res, 200, result);
        return sendJson(
          res,
          200,
          successStatus({
            details: {
              name,
              ...(info.group ? { group: info.group } : {}),
              kind: info.resource,
              uid: result.metadata.uid,
            },
          }),
        );
      }
    }
    throw methodNotAllowed();
  }

  /** Stores `obj` in place of `current`; where status is a subresource, it stays the server's. */
  private replace(info: ResourceInfo, current: KObject, obj: KObject, dryRun: boolean): KObject {
    if (STATUS_SUBRESOURCE.has(info.resource)) obj.status = current.status;
    applyDefaults(info.resource, obj);
    return this.store.update(info.resource, obj, { checkVersion: true, dryRun });
  }
}
