/** What kind of failure a Slack call met; the outbox decides from it whether to retry. */
export type SlackErrorKind =
  'rateLimited' | 'unavailable' | 'timeout' | 'network' | 'auth' | 'rejected';

const AUTH_ERRORS = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
]);
const SERVER_ERRORS = new Set([
  'internal_error',
  'service_unavailable',
  'fatal_error',
  'request_timeout',
]);

/**
 * A failed Slack Web API call: which method, the HTTP status when there was one, Slack's
 * error string (`name_taken`, `ratelimited`…) and for rate limits how long to wait.
 */
export class SlackApiError extends Error {
  override readonly name = 'SlackApiError';
  readonly service = 'slack';

  constructor(
    readonly call: string,
    readonly kind: SlackErrorKind,
    message: string,
    readonly status?: number,
    /** Slack's `error` field, e.g. `name_taken`. */
    readonly slackError?: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Slack ${call} failed${status ? ` (${status})` : ''}: ${message}`);
  }

  get transient(): boolean {
    return ['rateLimited', 'unavailable', 'timeout', 'network'].includes(this.kind);
  }

  /** The kind of a Slack `error` string answered with HTTP 200. */
  static kindOf(slackError: string): SlackErrorKind {
    if (slackError === 'ratelimited') return 'rateLimited';
    if (AUTH_ERRORS.has(slackError)) return 'auth';
    if (SERVER_ERRORS.has(slackError)) return 'unavailable';
    return 'rejected';
  }
}
