import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

import {
  AppsV1Api,
  CoreV1Api,
  HttpMethod,
  KubeConfig,
  RequestContext,
} from '@kubernetes/client-node';
import type { Cluster, User } from '@kubernetes/client-node';
import { fetch } from 'undici';

import type { Log } from '../../common/log';
import { errorFromResponse, KubeError, namespaceMissing, toKubeError } from './errors';
import type { KubeTarget } from './errors';
import { findPlugin, widenedPath } from './execPlugin';
import type { PluginSearch } from './execPlugin';
import type { KubeSelection, LoadedKubeconfig } from './kubeconfig';

/** Options of `connect`. */
export interface ConnectOptions {
  log: Log;
  /** Where credential plugins are searched; defaults to this process's environment. */
  search?: PluginSearch;
  /** How long a credential plugin may take before it is presumed stuck (default 60 s). */
  authTimeoutMs?: number;
}

/** What a caller names when it makes a request, for the error and the log line. */
export interface RequestInfo {
  verb: string;
  resource: string;
  name?: string;
  /** Overrides the connection's namespace; `''` for cluster-scoped and all-namespace requests. */
  namespace?: string;
}

function pluginUser(
  user: User,
  context: string,
  dir: string | undefined,
  search: PluginSearch,
): User {
  const command: string = user.exec.command;
  const lookup = findPlugin(command, { ...search, kubeconfigDir: dir });
  if (!lookup.found) {
    const hint =
      typeof user.exec.installHint === 'string' ? ` ${user.exec.installHint.trim()}` : '';
    throw new KubeError(
      'execPluginMissing',
      `The credential plugin "${command}" that context ${context} needs was not found. ` +
        `Looked in: ${lookup.searched.join(', ')}.${hint}`,
      { context },
    );
  }
  const env: { name: string; value: string }[] = Array.isArray(user.exec.env)
    ? [...user.exec.env]
    : [];
  if (!env.some((e) => e.name === 'PATH')) {
    env.push({ name: 'PATH', value: widenedPath(search) });
  }
  return { ...user, exec: { ...user.exec, command: lookup.found, env } };
}

/**
 * Connects to one context of the user's kubeconfig. Works on an in-memory copy holding only
 * that context, so choosing a context in the view never rewrites the user's kubeconfig; the
 * copy finds exec credential plugins outside VS Code's PATH and accepts `http://` servers.
 * Throws `KubeError` (`noContext`, `execPluginMissing`) when the context cannot be used.
 */
export function connect(
  loaded: LoadedKubeconfig,
  selection: KubeSelection,
  opts: ConnectOptions,
): KubeConnection {
  const ctx = loaded.rawContexts.find((c) => c.name === selection.context);
  if (!ctx) {
    throw new KubeError(
      'noContext',
      `The context ${selection.context} is not in your kubeconfig.`,
      {
        context: selection.context,
      },
    );
  }
  const found = loaded.clusters.find((c) => c.name === ctx.cluster);
  if (!found) {
    throw new KubeError(
      'badKubeconfig',
      `Context ${ctx.name} refers to the cluster ${ctx.cluster}, which no kubeconfig file defines.`,
      { context: ctx.name },
    );
  }
  // client-node refuses plain http unless TLS verification is off; there is no TLS to verify.
  const cluster: Cluster = found.server.startsWith('http:')
    ? { ...found, skipTLSVerify: true }
    : found;
  let user: User = loaded.users.find((u) => u.name === ctx.user) ?? { name: ctx.user };
  if (user.exec?.command) {
    user = pluginUser(user, ctx.name, loaded.userDirs.get(user.name), opts.search ?? {});
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ ...ctx }],
    currentContext: ctx.name,
  });
  return new KubeConnection(
    kc,
    selection.context,
    selection.namespace,
    cluster.server,
    opts.log,
    opts.authTimeoutMs,
  );
}

/**
 * An authenticated line to one cluster and namespace: typed API clients for ordinary calls,
 * raw streaming GETs for watches and logs, and one place that turns failures into `KubeError`s
 * and logs them with the request, cluster, namespace, status and time taken.
 */
export class KubeConnection {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly context: string,
    readonly namespace: string,
    readonly server: string,
    readonly log: Log,
    private readonly authTimeoutMs = 60_000,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
  }

  /** The same cluster and credentials on another namespace. */
  withNamespace(namespace: string): KubeConnection {
    return new KubeConnection(
      this.kubeConfig,
      this.context,
      namespace,
      this.server,
      this.log,
      this.authTimeoutMs,
    );
  }

  target(info: RequestInfo): KubeTarget {
    return {
      context: this.context,
      server: this.server,
      namespace: info.namespace ?? this.namespace,
      verb: info.verb,
      resource: info.resource,
      name: info.name,
    };
  }

  /** Runs one API call; any failure comes out as a logged `KubeError` naming the request. */
  async call<T>(info: RequestInfo, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      await this.authenticate(info);
      return await fn();
    } catch (err) {
      throw this.failed(info, err, started);
    }
  }

  /**
   * Opens a streaming GET (a watch, a log) and resolves once the server answered 200. A non-200
   * answer is read in full and thrown as a `KubeError` built from its Status body, which
   * client-node's own `Watch` and `Log` drop.
   */
  async stream(
    info: RequestInfo,
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    signal?: AbortSignal,
  ): Promise<Readable> {
    const started = Date.now();
    try {
      await this.authenticate(info);
      const url = new URL(this.server.replace(/\/$/, '') + path);
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined) {
          url.searchParams.set(key, String(value));
        }
      }
      const request = new RequestContext(url.toString(), HttpMethod.GET);
      await this.kubeConfig.applySecurityAuthentication(request);
      const response = await fetch(url, {
        headers: request.getHeaders(),
        dispatcher: request.getDispatcher(),
        signal,
      });
      if (response.status !== 200 || !response.body) {
        const text = await response.text().catch(() => '');
        const headers = Object.fromEntries(response.headers.entries());
        throw errorFromResponse(response.status, text, headers, this.target(info));
      }
      return Readable.fromWeb(response.body as WebReadableStream);
    } catch (err) {
      throw this.failed(info, err, started);
    }
  }

  /**
   * GETs a JSON document (a list of 10,000 pods, an event list) without client-node's model
   * deserializer, which costs more than the request itself on large lists.
   */
  async getJson<T>(
    info: RequestInfo,
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
    signal?: AbortSignal,
  ): Promise<T> {
    const started = Date.now();
    const body = await this.stream(info, path, query, signal);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of body) {
        chunks.push(chunk as Buffer);
      }
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
    } catch (err) {
      throw this.failed(info, err, started);
    }
  }

  /** Names of the cluster's namespaces, for the namespace picker. */
  async listNamespaces(signal?: AbortSignal): Promise<string[]> {
    const list = await this.getJson<{ items?: { metadata?: { name?: string } }[] }>(
      { verb: 'list', resource: 'namespaces', namespace: '' },
      '/api/v1/namespaces',
      {},
      signal,
    );
    return (list.items ?? [])
      .map((n) => n.metadata?.name ?? '')
      .filter(Boolean)
      .sort();
  }

  /**
   * Checks that the namespace exists: listing pods of a missing namespace answers an empty list,
   * which would show an empty view instead of the mistake. A 403 on namespaces is not an answer
   * either way and is ignored.
   */
  async checkNamespace(): Promise<void> {
    const info = { verb: 'get', resource: 'namespaces', name: this.namespace, namespace: '' };
    try {
      await this.call(info, () => this.core.readNamespace({ name: this.namespace }));
    } catch (err) {
      const e = err as KubeError;
      if (e.kind === 'notFound' || e.kind === 'namespaceNotFound') {
        throw namespaceMissing({ ...this.target(info), namespace: this.namespace }, e.extra);
      }
      if (e.kind !== 'forbidden') {
        throw e;
      }
    }
  }

  /** Gets credentials first, so a failing exec plugin is told apart from a failing request. */
  private async authenticate(info: RequestInfo): Promise<void> {
    const plugin = this.kubeConfig.getCurrentUser()?.exec?.command as string | undefined;
    let timer: NodeJS.Timeout | undefined;
    // A plugin waiting for an interactive login (kubelogin's device code, an SSO prompt) would
    // otherwise hang every request without a word; client-node sets no limit of its own.
    const stuck = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const message =
          `The credential plugin ${plugin ?? ''} of context ${this.context} gave no token within ` +
          `${Math.round(this.authTimeoutMs / 1000)} s; it may be waiting for an interactive login. ` +
          'Run `kubectl get pods` in a terminal to log in, then retry.';
        reject(new KubeError('credentials', message, this.target(info)));
      }, this.authTimeoutMs);
    });
    try {
      await Promise.race([
        this.kubeConfig.applySecurityAuthentication(
          new RequestContext(this.server, HttpMethod.GET),
        ),
        stuck,
      ]);
    } catch (err) {
      const mapped = toKubeError(err, this.target(info));
      if (mapped.kind !== 'unknown') {
        throw mapped;
      }
      const detail = (err as Error).message?.trim().split('\n')[0] || 'no output';
      throw new KubeError(
        'credentials',
        `Could not get credentials for context ${this.context}` +
          (plugin ? ` from the plugin ${plugin}: ${detail}. ` : `: ${detail}. `) +
          'Your login may have expired: log in again with your cloud CLI.',
        this.target(info),
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(info: RequestInfo, err: unknown, started: number): KubeError {
    const error = toKubeError(err, this.target(info));
    if (error.kind !== 'cancelled') {
      const ns = info.namespace ?? this.namespace;
      this.log.warn(
        `${info.verb} ${info.resource}${info.name ? `/${info.name}` : ''}` +
          `${ns ? ` in ${ns}` : ''} on ${this.context} (${this.server}) failed after ` +
          `${Date.now() - started} ms: ${error.httpStatus ?? '-'} ${error.kind}: ${error.message}`,
      );
    }
    return error;
  }
}
