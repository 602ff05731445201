/**
 * The failures every notification service (PagerDuty, Slack, the status page) can meet; each
 * adds its own, such as a 404 or an incident already resolved.
 */
export type RemoteErrorKind =
  'rateLimited' | 'unavailable' | 'timeout' | 'network' | 'auth' | 'rejected';

const TRANSIENT: ReadonlySet<string> = new Set([
  'rateLimited',
  'unavailable',
  'timeout',
  'network',
]);

/**
 * A failed call to a notification service: which call, what kind of failure, the HTTP status
 * and, for rate limits, how long the service asked to wait. The outbox retries or gives up on
 * any of them alike, reading only `transient` and `retryAfterMs`. The message never holds the
 * token.
 */
export abstract class RemoteServiceError<Kind extends string = RemoteErrorKind> extends Error {
  abstract readonly service: 'pagerduty' | 'slack' | 'statuspage';

  constructor(
    readonly call: string,
    readonly kind: Kind,
    message: string,
    readonly status?: number,
    /** How long the service asked to wait before the next try, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Worth trying again later: rate limits, 5xx, timeouts and dropped connections. */
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

/**
 * The kind an HTTP error status says by itself, or undefined when only the body can tell (a
 * 409 or 422 may mean "already done" for one service and "invalid" for another).
 */
export function kindOfStatus(
  status: number,
): 'rateLimited' | 'unavailable' | 'auth' | 'notFound' | undefined {
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'unavailable';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'notFound';
  return undefined;
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
