import { ApiException } from '@kubernetes/client-node';

import { errorCode, networkCause } from '../networkCause';

/**
 * What went wrong talking to Kubernetes, in the categories an on-call engineer acts on
 * differently: fix the kubeconfig, log in again, ask for RBAC, pick another namespace, wait.
 */
export type KubeErrorKind =
  | 'noKubeconfig'
  | 'badKubeconfig'
  | 'noContext'
  | 'execPluginMissing'
  | 'credentials'
  | 'unreachable'
  | 'forbidden'
  | 'namespaceNotFound'
  | 'notFound'
  | 'noPreviousLogs'
  | 'badRequest'
  | 'conflict'
  | 'gone'
  | 'tooManyRequests'
  | 'serverError'
  | 'cancelled'
  | 'unknown';

/** Which request failed, against what: every field the error message and the log line need. */
export interface KubeTarget {
  context?: string;
  /** The cluster's API server URL. */
  server?: string;
  namespace?: string;
  /** Kubernetes verb: `list`, `watch`, `get`, `patch`… */
  verb?: string;
  /** Plural resource, `pods`, `deployments`, or `pods/log`. */
  resource?: string;
  name?: string;
}

/** The `Status` object the API server answers errors with. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; retryAfterSeconds?: number };
}

/** A failed Kubernetes operation, typed by kind, carrying the target and the server's Status. */
export class KubeError extends Error {
  override readonly name = 'KubeError';

  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly target: KubeTarget = {},
    readonly extra: {
      /** HTTP status, when the server answered. */
      httpStatus?: number;
      status?: KubeStatus;
      /** Seconds the server asked us to wait (429's Retry-After, or Status details). */
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: extra.cause });
  }

  get httpStatus(): number | undefined {
    return this.extra.httpStatus;
  }

  get retryAfterSeconds(): number | undefined {
    return this.extra.retryAfterSeconds;
  }

  /** True for failures worth retrying on their own: network, throttling, server errors. */
  get transient(): boolean {
    return ['unreachable', 'tooManyRequests', 'serverError', 'gone'].includes(this.kind);
  }
}

/** Parses a Status body from text or an object; `undefined` when it is not one. */
export function parseStatus(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === 'object' && (value as KubeStatus).kind === 'Status') {
    return value as KubeStatus;
  }
  return undefined;
}

function where(t: KubeTarget): string {
  const parts = [
    t.namespace ? `namespace ${t.namespace}` : undefined,
    t.context ? `context ${t.context}` : undefined,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function retryAfter(
  headers: Record<string, string> | undefined,
  status?: KubeStatus,
): number | undefined {
  const header = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const seconds = header === undefined ? NaN : Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds;
  }
  return status?.details?.retryAfterSeconds;
}

/**
 * Builds the typed error of an HTTP answer other than 2xx. `body` is the raw text or parsed
 * Status; verb and resource of a 403 are read from the Status message when it names them.
 */
export function errorFromResponse(
  httpStatus: number,
  body: unknown,
  headers: Record<string, string> | undefined,
  target: KubeTarget,
): KubeError {
  const status = parseStatus(body);
  const serverMessage =
    status?.message ?? (typeof body === 'string' && body.length < 500 ? body : '');
  const extra = { httpStatus, status, retryAfterSeconds: retryAfter(headers, status) };
  const at = where(target);
  const what = target.resource ?? status?.details?.kind ?? 'resource';

  switch (true) {
    case httpStatus === 401:
      return new KubeError(
        'credentials',
        `The cluster rejected your credentials${at}: the token or certificate has expired or is ` +
          `invalid. Log in again with your cloud CLI and retry.`,
        target,
        extra,
      );
    case httpStatus === 403: {
      const said = /cannot (\S+) resource "([^"]+)"/.exec(serverMessage);
      const verb = said?.[1] ?? target.verb ?? 'access';
      const resource = said?.[2] ?? what;
      return new KubeError(
        'forbidden',
        `You are not allowed to ${verb} ${resource}${at}. Ask for RBAC access. ` +
          `Server said: ${serverMessage || 'Forbidden'}`,
        { ...target, verb, resource },
        extra,
      );
    }
    case httpStatus === 404 && status?.details?.kind === 'namespaces':
      return namespaceMissing(
        { ...target, namespace: status.details.name ?? target.namespace },
        extra,
      );
    case httpStatus === 404: {
      const name = status?.details?.name ?? target.name;
      return new KubeError(
        'notFound',
        serverMessage ? `${serverMessage}${at}.` : `${what} ${name ?? ''} not found${at}.`,
        target,
        extra,
      );
    }
    case httpStatus === 400 && /previous terminated container .* not found/.test(serverMessage):
      return new KubeError(
        'noPreviousLogs',
        `There are no previous logs: the container has not restarted. ${serverMessage}.`,
        target,
        extra,
      );
    case httpStatus === 409:
      return new KubeError(
        'conflict',
        `${what} ${target.name ?? ''} was changed by someone else${at}; reload it and try again. ` +
          serverMessage,
        target,
        extra,
      );
    case httpStatus === 410:
      return new KubeError(
        'gone',
        `The ${what} watch expired on the server${at} (${serverMessage || '410 Gone'}); listing again.`,
        target,
        extra,
      );
    case httpStatus === 429:
      return new KubeError(
        'tooManyRequests',
        `The API server is throttling requests${at}` +
          (extra.retryAfterSeconds !== undefined
            ? `; retry after ${extra.retryAfterSeconds}s.`
            : '.'),
        target,
        extra,
      );
    case httpStatus >= 500:
      return new KubeError(
        'serverError',
        `The API server failed to ${target.verb ?? 'answer'} ${what}${at}: ` +
          `${httpStatus} ${status?.reason ?? ''} ${serverMessage}`.trim(),
        target,
        extra,
      );
    case httpStatus === 400:
      return new KubeError('badRequest', `${serverMessage || 'Bad request'}${at}.`, target, extra);
    default:
      return new KubeError(
        'unknown',
        `Unexpected answer ${httpStatus} to ${target.verb ?? 'a request for'} ${what}${at}: ${serverMessage}`,
        target,
        extra,
      );
  }
}

/** The namespace the view points at does not exist on the cluster. */
export function namespaceMissing(target: KubeTarget, extra: KubeError['extra'] = {}): KubeError {
  return new KubeError(
    'namespaceNotFound',
    `Namespace ${target.namespace ?? '?'} does not exist on context ${target.context ?? '?'}` +
      `${target.server ? ` (${target.server})` : ''}. Choose another namespace.`,
    target,
    extra,
  );
}

/**
 * Turns whatever client-node, undici or a credential plugin threw into a `KubeError`:
 * `ApiException` (code, Status body as text, headers), the Watch's `{ statusCode }` errors,
 * `fetch failed` with an `ECONNREFUSED`/`ENOTFOUND` cause, timeouts and aborts, `spawn … ENOENT`
 * of a missing exec plugin and the plugin's own failure.
 */
export function toKubeError(err: unknown, target: KubeTarget): KubeError {
  if (err instanceof KubeError) {
    return err;
  }
  if (err instanceof ApiException) {
    return errorFromResponse(err.code, err.body, err.headers, target);
  }
  const e = err as {
    statusCode?: unknown;
    name?: string;
    message?: string;
    syscall?: string;
    path?: string;
  };
  if (typeof e?.statusCode === 'number') {
    return errorFromResponse(e.statusCode, undefined, undefined, target);
  }
  const code = errorCode(err);
  if (code === 'ENOENT' && e?.syscall?.startsWith('spawn')) {
    return new KubeError(
      'execPluginMissing',
      `The credential plugin ${e.path ?? ''} of context ${target.context ?? '?'} was not found.`,
      target,
      { cause: err },
    );
  }
  const cause = networkCause(err);
  if (e?.name === 'TimeoutError' || cause) {
    const why = cause?.why ?? 'timed out';
    return new KubeError(
      'unreachable',
      `Cannot reach the Kubernetes API ${target.server ?? ''} of context ${target.context ?? '?'}: ` +
        `${why}. Check the VPN, the cluster address and that the cluster is up.`,
      target,
      { cause: err },
    );
  }
  if (e?.name === 'AbortError') {
    return new KubeError('cancelled', 'Cancelled.', target, { cause: err });
  }
  if (e?.message === 'fetch failed') {
    return new KubeError(
      'unreachable',
      `Cannot reach the Kubernetes API ${target.server ?? ''} of context ${target.context ?? '?'}.`,
      target,
      { cause: err },
    );
  }
  return new KubeError('unknown', e?.message ?? String(err), target, { cause: err });
}
