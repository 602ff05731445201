import { STATUS_CODES, type ServerResponse } from 'node:http';

import type { FaultRule, FaultService } from '../faults';

/** What a fault sends back: each service's own error shape, so clients parse it as the real one. */
export interface FaultAnswer {
  body: unknown;
  headers: Record<string, string>;
}

const KUBERNETES_REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

const PAGERDUTY_ERRORS: Record<number, { message: string; code: number }> = {
  400: { message: 'Invalid Input Provided', code: 2001 },
  401: { message: 'Authentication failed', code: 2006 },
  403: { message: 'Access Denied', code: 2010 },
  404: { message: 'Not Found', code: 2100 },
  429: { message: 'Rate Limit Exceeded', code: 2020 },
};

const SLACK_ERRORS: Record<number, string> = {
  429: 'ratelimited',
  500: 'internal_error',
  503: 'service_unavailable',
};

/**
 * The answer of a status fault for `service`. `retryAfterSeconds`, when given, becomes a
 * `Retry-After` header (and PagerDuty's `ratelimit-reset`); without it, a 429 carries none, which
 * is the case clients must also survive.
 */
export function faultAnswer(
  service: FaultService,
  status: number,
  path: string,
  retryAfterSeconds?: number,
): FaultAnswer {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(retryAfterSeconds);
  }
  const text = STATUS_CODES[status] ?? 'Error';

  switch (service) {
    case 'kubernetes': {
      const details =
        status === 429 && retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined;
      const message =
        status === 429
          ? 'Too many requests, please try again later.'
          : `the server reported ${status} ${text}`;
      const body = {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason: KUBERNETES_REASONS[status] ?? (status >= 500 ? 'InternalError' : 'BadRequest'),
        ...(details === undefined ? {} : { details }),
        code: status,
      };
      return { body, headers };
    }
    case 'pagerduty': {
      if (status === 429) {
        // PagerDuty sends these three on every 429; the reset is how long until the window refills.
        headers['ratelimit-limit'] = '960';
        headers['ratelimit-remaining'] = '0';
        headers['ratelimit-reset'] = String(retryAfterSeconds ?? 1);
      }
      const error = PAGERDUTY_ERRORS[status] ?? {
        message:
          status >= 500
            ? 'An internal error has occurred. PagerDuty team has been notified.'
            : text,
        code: status >= 500 ? 2000 : 2001,
      };
      return { body: { error }, headers };
    }
    case 'slack':
      return { body: { ok: false, error: SLACK_ERRORS[status] ?? 'fatal_error' }, headers };
    case 'health':
      if (status === 503) {
        return { body: { status: 'DOWN' }, headers };
      }
      return { body: springError(status, text, path), headers };
    case 'flags':
      return { body: springError(status, text, path), headers };
    case 'statuspage':
      return { body: { error: status === 429 ? 'Rate limit exceeded' : text }, headers };
    case 'github':
      return {
        body: { message: text, documentation_url: 'https://docs.github.com/rest' },
        headers,
      };
  }
}

/** Spring Boot's default error body, which the FreeLMS services answer with. */
function springError(status: number, error: string, path: string): unknown {
  return { timestamp: new Date().toISOString(), status, error, path };
}

/** Lets the handler write at most `limit` bytes of body, then destroys the connection. */
export function cutAfter(res: ServerResponse, limit: number): void {
  const write = res.write.bind(res) as (chunk: Buffer, callback?: () => void) => boolean;
  const end = res.end.bind(res) as (callback?: () => void) => ServerResponse;
  let sent = 0;
  let cut = false;

  // Node accepts (chunk), (chunk, encoding), (chunk, callback) and (chunk, encoding, callback).
  const take = (chunk: unknown, encoding: unknown, callback: unknown): boolean => {
    const done = typeof callback === 'function' ? (callback as (error?: Error) => void) : undefined;
    // Like a write to a destroyed socket: the callback learns of it, so a producer waiting on it
    // does not wait forever.
    const refuse = () => done && setImmediate(done, new Error('connection cut by a sandbox fault'));
    if (cut) {
      refuse();
      return false;
    }
    if (chunk === undefined || chunk === null) {
      return true;
    }
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array);
    if (sent + buffer.length < limit) {
      sent += buffer.length;
      return write(buffer, done);
    }
    cut = true;
    const head = buffer.subarray(0, limit - sent);
    sent = limit;
    const destroy = () => res.socket?.destroy();
    if (head.length > 0) {
      write(head, destroy);
    } else {
      res.flushHeaders();
      setImmediate(destroy);
    }
    refuse();
    return false;
  };

  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) =>
    typeof encoding === 'function'
      ? take(chunk, undefined, encoding)
      : take(chunk, encoding, callback)) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    const done = [chunk, encoding, callback].find((arg) => typeof arg === 'function') as
      (() => void) | undefined;
    if (typeof chunk !== 'function') {
      take(chunk, typeof encoding === 'function' ? undefined : encoding, undefined);
    }
    if (!cut) {
      end(done);
    }
    return res;
  }) as typeof res.end;
}

/** Compiles a path pattern of the spec language into a regular expression. */
export function pathPattern(pattern: string): RegExp {
  if (pattern === '*' || pattern === '**') {
    return /^.*$/;
  }
  const body = pattern
    .split(/(\*\*|\*)/)
    .map((part) =>
      part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return pattern.startsWith('/') ? new RegExp(`^${body}$`) : new RegExp(`(?:^|/)${body}$`);
}

/** A one-line description of a fault, for logs and the control endpoint. */
export function describeFault(fault: FaultRule): string {
  const call = `${fault.method ?? ''} ${fault.path ?? '*'}`.trim();
  const action = fault.action;
  const what =
    action.kind === 'status'
      ? `${action.status}${action.retryAfterSeconds === undefined ? '' : ` retry-after=${action.retryAfterSeconds}`}`
      : action.kind === 'cut'
        ? `cut=${action.afterBytes}`
        : action.kind;
  const latency = fault.latencyMs === undefined ? '' : ` latency=${fault.latencyMs}`;
  const times = fault.times === undefined ? '' : ` times=${fault.times}`;
  return `${fault.service} ${call}: ${what}${latency}${times}`;
}
