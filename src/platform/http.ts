import { fetch } from 'undici';

/** Why an HTTP request got no answer at all. */
export type TransportFailureKind = 'timeout' | 'unreachable' | 'tls' | 'cancelled';

/** An HTTP request that got no answer: the server could not be reached, or not in time. */
export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';

  constructor(
    readonly kind: TransportFailureKind,
    /** Short cause in plain words: `connection refused`, `no answer within 5 s`. */
    readonly why: string,
    options: { cause?: unknown } = {},
  ) {
    super(why, options);
  }
}

/** An answer, whatever its status. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  elapsedMs: number;
}

/** Options of `httpRequest`. */
export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Whole-request deadline (connect, headers and body). */
  timeoutMs: number;
  signal?: AbortSignal;
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

const TLS_CAUSES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate issuer is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * One HTTP request with a deadline, answering every status as an answer (a 503 with a body is
 * one) and turning the lack of an answer into a `TransportFailure` whose `why` says what
 * happened: refused, not found, TLS, timed out, cancelled by the caller.
 */
export async function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  try {
    const response = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      text,
      json,
      elapsedMs: Date.now() - started,
    };
  } catch (err) {
    if (options.signal?.aborted) {
      throw new TransportFailure('cancelled', 'cancelled', { cause: err });
    }
    if (deadline.aborted) {
      throw new TransportFailure('timeout', `no answer within ${options.timeoutMs / 1000} s`, {
        cause: err,
      });
    }
    const code = codeOf(err);
    if (code && TLS_CAUSES[code]) {
      throw new TransportFailure('tls', TLS_CAUSES[code], { cause: err });
    }
    const why = (code && NETWORK_CAUSES[code]) ?? (err as Error).message ?? String(err);
    throw new TransportFailure('unreachable', why, { cause: err });
  }
}
