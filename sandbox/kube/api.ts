/**
 * The Kubernetes API over HTTP: discovery, CRUD, list with selectors and paging, watch,
 * patch, the scale and status subresources, eviction, and the hooks for `pods/log`.
 * Everything kubectl 1.35 sends for get, logs, scale, rollout and exec is answered here
 * (see KUBECTL.md in the shared folder for what it sends).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { parse as parseYaml } from 'yaml';

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
import { deleteObject, type DeleteOptions } from './ops';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch';
import {
  parseFieldSelector,
  parseLabelSelector,
  selectorToString,
  type ObjectMatcher,
} from './selectors';
import {
  ApiError,
  badRequest,
  gone,
  methodNotAllowed,
  notFound,
  unsupportedMediaType,
} from './status';
import type { ObjectStore } from './store';
import { toTable, type IncludeObject } from './table';
import { deepClone, type KObject } from './types';
import { serveWatch } from './watch';

/** Serves `GET …/pods/{name}/log`. */
export type LogHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  pod: KObject,
  query: URLSearchParams,
) => void | Promise<void>;

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
const MAX_BODY = 8 * 1024 * 1024;

/** Where a request points inside the API. */
interface Target {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

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
    if (parts[0] === 'openapi')
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');

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
    if (target.subresource) return this.subresource(req, res, target, query, method);
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

  private matcher(query: URLSearchParams): ObjectMatcher {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    return (obj) => labels(obj.metadata.labels) && fields(obj);
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
      const { asTable, include } = tableRequest(req, query);
      if (query.get('watch') === 'true' || query.get('watch') === '1') {
        const sendInitialEvents = query.get('sendInitialEvents') === 'true';
        const requested = Number(query.get('timeoutSeconds') ?? '');
        const maxSeconds = this.options.maxWatchSeconds ?? 1800;
        serveWatch(
          req,
          res,
          this.store,
          this.clock,
          {
            info,
            namespace,
            matches: this.matcher(query),
            resourceVersion: query.get('resourceVersion') ?? undefined,
            sendInitialEvents,
            allowBookmarks: query.get('allowWatchBookmarks') === 'true',
            timeoutSeconds: requested > 0 ? Math.min(requested, maxSeconds) : maxSeconds,
            asTable,
            include,
          },
          {
            bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 60_000,
            track: (r) => this.track(r),
          },
        );
        return;
      }
      return sendJson(res, 200, this.list(info, namespace, query, asTable, include));
    }
    if (method === 'POST') {
      const body = (await readBody(req)) as KObject;
      const obj = this.checkBody(info, body, namespace);
      if (namespace && !this.store.get('namespaces', undefined, namespace)) {
        throw notFound('namespaces', namespace);
      }
      applyDefaults(info.resource, obj);
      const created = this.store.create(info.resource, obj, { dryRun: isDryRun(query) });
      return sendJson(res, 201, created);
    }
    if (method === 'DELETE') {
      const matches = this.matcher(query);
      const options = await this.deleteOptions(req, query);
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

  /** A list, paged by `limit`/`continue` over the objects in key order. */
  private list(
    info: ResourceInfo,
    namespace: string | undefined,
    query: URLSearchParams,
    asTable: boolean,
    include: IncludeObject,
  ): Record<string, unknown> {
    const matches = this.matcher(query);
    const limit = Number(query.get('limit') ?? '0');
    let listRv = this.store.resourceVersion;
    let after: string | undefined;
    const token = query.get('continue');
    if (token) {
      const decoded = decodeContinue(token);
      if (decoded.rv < this.store.oldestResumableVersion) {
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
    for (const obj of this.store.list(info.resource, namespace)) {
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
    if (asTable) return toTable(info.resource, items, this.clock.now(), include, metadata);
    return { kind: `${info.kind}List`, apiVersion: groupVersion(info), metadata, items };
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
        const obj = this.checkBody(info, (await readBody(req)) as KObject, namespace, name);
        if (STATUS_SUBRESOURCE.has(info.resource)) obj.status = current.status;
        applyDefaults(info.resource, obj);
        return sendJson(
          res,
          200,
          this.store.update(info.resource, obj, { checkVersion: true, dryRun }),
        );
      }
      case 'PATCH': {
        const current = this.store.require(info.resource, namespace, name);
        const patched = await this.patched(req, current);
        if (STATUS_SUBRESOURCE.has(info.resource)) patched.status = current.status;
        applyDefaults(info.resource, patched);
        return sendJson(
          res,
          200,
          this.store.update(info.resource, patched, { checkVersion: true, dryRun }),
        );
      }
      case 'DELETE': {
        const options = await this.deleteOptions(req, query);
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
        return sendJson(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: {
            name,
            ...(info.group ? { group: info.group } : {}),
            kind: info.resource,
            uid: result.metadata.uid,
          },
        });
      }
    }
    throw methodNotAllowed();
  }

  private async subresource(
    req: IncomingMessage,
    res: ServerResponse,
    target: Target,
    query: URLSearchParams,
    method: string,
  ): Promise<void> {
    const { info, namespace } = target;
    const name = target.name!;
    const dryRun = isDryRun(query);
    const current = this.store.require(info.resource, namespace, name);
    switch (target.subresource) {
      case 'status': {
        if (method === 'GET') return sendJson(res, 200, current);
        if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
        const next =
          method === 'PUT'
            ? this.checkBody(info, (await readBody(req)) as KObject, namespace, name)
            : await this.patched(req, current);
        const updated = deepClone(current);
        updated.status = next.status;
        if (method === 'PUT') updated.metadata.resourceVersion = next.metadata.resourceVersion;
        return sendJson(
          res,
          200,
          this.store.update(info.resource, updated, { checkVersion: true, dryRun }),
        );
      }
      case 'scale': {
        if (method === 'GET') return sendJson(res, 200, toScale(current));
        let scale: KObject;
        if (method === 'PUT') scale = (await readBody(req)) as KObject;
        else if (method === 'PATCH') scale = await this.patched(req, toScale(current));
        else throw methodNotAllowed();
        const replicas = scale?.spec?.replicas;
        if (!Number.isInteger(replicas) || replicas < 0) {
          throw new ApiError(
            422,
            'Invalid',
            `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ` +
              `${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          );
        }
        const rv = scale.metadata?.resourceVersion;
        const updated = deepClone(current);
        updated.spec = { ...updated.spec, replicas };
        if (rv) updated.metadata.resourceVersion = rv;
        const stored = this.store.update(info.resource, updated, { checkVersion: true, dryRun });
        return sendJson(res, 200, toScale(stored));
      }
      case 'log': {
        if (method !== 'GET') throw methodNotAllowed();
        if (!this.logs)
          throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        return this.logs(req, res, current, query);
      }
      case 'exec':
        throw badRequest('Upgrade request required');
      case 'eviction': {
        if (method !== 'POST') throw methodNotAllowed();
        const body = (await readBody(req)) as { deleteOptions?: DeleteOptions } | undefined;
        deleteObject(this.store, this.clock, 'pods', namespace, name, {
          ...(body?.deleteOptions ?? {}),
          dryRun,
        });
        return sendJson(res, 201, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          code: 201,
        });
      }
    }
    throw notFoundPath();
  }

  private async patched(req: IncomingMessage, current: KObject): Promise<KObject> {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const body = await readBody(req);
    let result: unknown;
    switch (contentType) {
      case 'application/json-patch+json':
        result = applyJsonPatch(current, body);
        break;
      case 'application/merge-patch+json':
        result = applyMergePatch(current, body);
        break;
      case 'application/strategic-merge-patch+json':
        result = applyStrategicMergePatch(current, body);
        break;
      default:
        throw unsupportedMediaType(contentType || '(none)');
    }
    const obj = result as KObject;
    if (!obj || typeof obj !== 'object' || !obj.metadata)
      throw badRequest('the patch removed the object metadata');
    if (obj.metadata.name !== current.metadata.name) {
      throw new ApiError(
        422,
        'Invalid',
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${current.metadata.name})`,
      );
    }
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.namespace = current.metadata.namespace;
    obj.kind = current.kind;
    obj.apiVersion = current.apiVersion;
    return obj;
  }

  private checkBody(
    info: ResourceInfo,
    body: KObject,
    namespace: string | undefined,
    name?: string,
  ): KObject {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('the request body must be an object');
    if (body.kind && body.kind !== info.kind) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version ` +
          `(${groupVersion(info)})`,
      );
    }
    const obj = deepClone(body);
    obj.kind = info.kind;
    obj.apiVersion = groupVersion(info);
    obj.metadata ??= {} as KObject['metadata'];
    if (info.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else {
      delete obj.metadata.namespace;
    }
    if (name !== undefined && obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (name !== undefined) obj.metadata.name = name;
    return obj;
  }

  private async deleteOptions(
    req: IncomingMessage,
    query: URLSearchParams,
  ): Promise<DeleteOptions> {
    const body = ((await readBody(req)) ?? {}) as Record<string, unknown>;
    const grace = query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
    const propagation =
      query.get('propagationPolicy') ??
      body.propagationPolicy ??
      (body.orphanDependents === true ? 'Orphan' : undefined);
    return {
      ...(grace !== undefined && grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
      ...(propagation
        ? { propagationPolicy: propagation as DeleteOptions['propagationPolicy'] }
        : {}),
      dryRun: isDryRun(query) || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
    };
  }
}

function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

/** Whether the client asked for a Table (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`). */
function tableRequest(
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

/** The `autoscaling/v1` Scale of a Deployment, ReplicaSet or StatefulSet. */
export function toScale(obj: KObject): KObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      selector: selectorToString(obj.spec?.selector).replace(/^<none>$/, ''),
    },
  };
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

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  const contentType = String(req.headers['content-type'] ?? '');
  try {
    return contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `the request body could not be decoded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
