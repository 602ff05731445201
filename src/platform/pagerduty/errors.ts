/** What kind of failure a PagerDuty call met; the outbox decides from it whether to retry. */
export type PagerDutyErrorKind =
  | 'rateLimited'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'notFound'
  | 'duplicateKey'
  | 'alreadyDone'
  | 'rejected';

/**
 * A failed PagerDuty call: which call, the HTTP status and PagerDuty's error code and message,
 * and for rate limits how long to wait. The message never holds the token.
 */
export class PagerDutyError extends Error {
  override readonly name = 'PagerDutyError';
  readonly service = 'pagerduty';

  constructor(
    readonly call: string,
    readonly kind: PagerDutyErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: number,
    /** From `Retry-After` or `ratelimit-reset`, when PagerDuty said. */
    readonly retryAfterMs?: number,
  ) {
    super(
      `PagerDuty ${call} failed${status ? ` (${status}${code ? `, code ${code}` : ''})` : ''}: ${message}`,
    );
  }

  /** Worth trying again later: rate limits, 5xx, timeouts and dropped connections. */
  get transient(): boolean {
    return ['rateLimited', 'unavailable', 'timeout', 'network'].includes(this.kind);
  }
}
