import { RemoteServiceError, type RemoteErrorKind } from '../remoteError';

/** What kind of failure a Slack call met; the outbox decides from it whether to retry. */
export type SlackErrorKind = RemoteErrorKind;

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
export class SlackApiError extends RemoteServiceError<SlackErrorKind> {
  override readonly name = 'SlackApiError';
  readonly service = 'slack';

  constructor(
    call: string,
    kind: SlackErrorKind,
    message: string,
    status?: number,
    /** Slack's `error` field, e.g. `name_taken`. */
    readonly slackError?: string,
    retryAfterMs?: number,
  ) {
    super(
      call,
      kind,
      `Slack ${call} failed${status ? ` (${status})` : ''}: ${message}`,
      status,
      retryAfterMs,
    );
  }

  /** The kind of a Slack `error` string answered with HTTP 200. */
  static kindOf(slackError: string): SlackErrorKind {
    if (slackError === 'ratelimited') return 'rateLimited';
    if (AUTH_ERRORS.has(slackError)) return 'auth';
    if (SERVER_ERRORS.has(slackError)) return 'unavailable';
    return 'rejected';
  }
}
