import type http from 'node:http';

import { sendJson, sendStatus, startFakeApi } from './fakeApi';
import type { FakeApi } from './fakeApi';

type Obj = {
  metadata: { name: string; uid?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
};

/**
 * A loopback Kubernetes API for one namespace that answers list and watch on pods,
 * deployments and statefulsets, and lets a test emit watch events, expire a watch with 410,
 * cut streams mid-way and make requests fail.
 */
export class FakeCluster {
  readonly store = new Map<string, Map<string, Obj>>();
  readonly watchers = new Map<string, Set<http.ServerResponse>>();
  /** Every watch request's resourceVersion, per resource. */
  readonly watchVersions = new Map<string, string[]>();
  readonly lists = new Map<string, number>();
  /** Answers to give instead of the next requests, per `verb resource`. */
  readonly failures = new Map<string, { code: number; reason: string; message: string }[]>();
  namespaceExists = true;
  private version = 100;

  private constructor(
    readonly api: FakeApi,
    readonly namespace: string,
  ) {
    for (const r of ['pods', 'deployments', 'statefulsets', 'events']) {
      this.store.set(r, new Map());
      this.watchers.set(r, new Set());
      this.watchVersions.set(r, []);
    }
    api.handle((req, res, url) => this.route(req, res, url));
  }

  static async start(namespace = 'freelms'): Promise<FakeCluster> {
    return new FakeCluster(await startFakeApi(), namespace);
  }

  get url(): string {
    return this.api.url;
  }

  async close(): Promise<void> {
    for (const set of this.watchers.values()) for (const w of set) w.destroy();
    await this.api.close();
  }

  nextVersion(): string {
    return String(++this.version);
  }

  /** Stores an object without telling watchers (state before the model starts). */
  put(resource: string, obj: Obj): Obj {
    obj.metadata.resourceVersion = this.nextVersion();
    obj.metadata.uid ??= `uid-${obj.metadata.name}`;
    this.store.get(resource)!.set(obj.metadata.name, obj);
    return obj;
  }

  /** Stores an object and sends the watch event. */
  emit(resource: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: Obj): void {
    if (type === 'DELETED') {
      this.store.get(resource)!.delete(obj.metadata.name);
      obj.metadata.resourceVersion = this.nextVersion();
    } else {
      this.put(resource, obj);
    }
    this.send(resource, JSON.stringify({ type, object: obj }) + '\n');
  }

  send(resource: string, text: string): void {
    for (const w of this.watchers.get(resource)!) w.write(text);
  }

  /** Ends the open watches with a 410 Gone ERROR event, as an API server does after compaction. */
  expire(resource: string): void {
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'too old resource version: 1 (500)',
      reason: 'Expired',
      code: 410,
    };
    for (const w of this.watchers.get(resource)!)
      w.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
    this.watchers.get(resource)!.clear();
  }

  /** Cuts the open watch connections without a word, like a load balancer dropping them. */
  cut(resource: string): void {
    for (const w of this.watchers.get(resource)!) w.socket?.destroy();
    this.watchers.get(resource)!.clear();
  }

  failNext(key: string, code: number, reason: string, message: string, times = 1): void {
    const list = this.failures.get(key) ?? [];
    for (let i = 0; i < times; i++) list.push({ code, reason, message });
    this.failures.set(key, list);
  }

  async waitForWatchers(resource: string, count = 1, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.watchers.get(resource)!.size < count) {
      if (Date.now() > until) throw new Error(`no ${resource} watch within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Routes tried first; return true when the request was answered. */
  readonly extraRoutes: ((
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ) => boolean)[] = [];

  private route(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (this.extraRoutes.some((r) => r(req, res, url))) return;
    const ns = this.namespace;
    if (url.pathname === '/api/v1/namespaces') {
      const items = ['default', ns].map((name) => ({ metadata: { name } }));
      return sendJson(res, 200, { kind: 'NamespaceList', metadata: {}, items });
    }
    if (url.pathname === `/api/v1/namespaces/${ns}`) {
      return this.namespaceExists
        ? sendJson(res, 200, { kind: 'Namespace', metadata: { name: ns } })
        : sendStatus(res, 404, 'NotFound', `namespaces "${ns}" not found`, {
            name: ns,
            kind: 'namespaces',
          });
    }
    const single =
      /^\/(?:api\/v1|apis\/apps\/v1)\/namespaces\/([^/]+)\/(pods|deployments|statefulsets)\/([^/]+)$/.exec(
        url.pathname,
      );
    if (single && single[1] === ns) {
      const obj = this.store.get(single[2]!)!.get(decodeURIComponent(single[3]!));
      return obj
        ? sendJson(res, 200, obj)
        : sendStatus(res, 404, 'NotFound', `${single[2]} "${single[3]}" not found`, {
            name: single[3],
            kind: single[2],
          });
    }
    const match =
      /^\/(?:api\/v1|apis\/apps\/v1)\/namespaces\/([^/]+)\/(pods|deployments|statefulsets|events)$/.exec(
        url.pathname,
      );
    if (!match || match[1] !== ns) {
      return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    }
    const resource = match[2]!;
    const watching =
      url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true';
    const failure = this.failures.get(`${watching ? 'watch' : 'list'} ${resource}`)?.shift();
    if (failure) {
      return sendStatus(res, failure.code, failure.reason, failure.message, { kind: resource });
    }
    if (!watching) {
      this.lists.set(resource, (this.lists.get(resource) ?? 0) + 1);
      let items = [...this.store.get(resource)!.values()];
      const field = url.searchParams.get('fieldSelector');
      const name = field ? /involvedObject\.name=([^,]+)/.exec(field)?.[1] : undefined;
      if (name) items = items.filter((i) => (i.involvedObject as { name: string }).name === name);
      const selector = url.searchParams.get('labelSelector');
      for (const term of selector ? selector.split(',') : []) {
        const [key, value] = term.split('=');
        items = items.filter((i) => {
          const labels = (i.metadata.labels ?? {}) as Record<string, string>;
          return value === undefined ? key! in labels : labels[key!] === value;
        });
      }
      return sendJson(res, 200, {
        kind: 'List',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(this.version) },
        items,
      });
    }
    this.watchVersions.get(resource)!.push(url.searchParams.get('resourceVersion') ?? '');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    this.watchers.get(resource)!.add(res);
    res.on('close', () => this.watchers.get(resource)!.delete(res));
  }
}
