/** What kind of failure a status page call met; the outbox decides from it whether to retry. */
export type StatusPageErrorKind =
  | 'rateLimited'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'notFound'
  | 'alreadyDone'
  | 'rejected';

/**
 * A failed status page call: which call, the HTTP status, the API's own error text and, for
 * rate limits, how long it asked to wait. The message never holds the token.
 */
export class StatusPageError extends Error {
  override readonly name = 'StatusPageError';
  readonly service = 'statuspage';

  constructor(
    readonly call: string,
    readonly kind: StatusPageErrorKind,
    message: string,
    readonly status?: number,
    /** From `Retry-After`, when the API sent it. */
    readonly retryAfterMs?: number,
  ) {
    super(`Status page ${call} failed${status ? ` (${status})` : ''}: ${message}`);
  }

  /** Worth trying again later: rate limits, 5xx, timeouts and dropped connections. */
  get transient(): boolean {
    return ['rateLimited', 'unavailable', 'timeout', 'network'].includes(this.kind);
  }
}
