import { fetch } from 'undici';

import { networkCause } from './networkCause';

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
    const cause = networkCause(err);
    if (cause?.tls) {
      throw new TransportFailure('tls', cause.why, { cause: err });
    }
    const why = cause?.why ?? (err as Error).message ?? String(err);
    throw new TransportFailure('unreachable', why, { cause: err });
  }
}
