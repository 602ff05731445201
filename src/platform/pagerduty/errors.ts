import { RemoteServiceError, type RemoteErrorKind } from '../remoteError';

/** What kind of failure a PagerDuty call met; the outbox decides from it whether to retry. */
export type PagerDutyErrorKind = RemoteErrorKind | 'notFound' | 'duplicateKey' | 'alreadyDone';

/**
 * A failed PagerDuty call: which call, the HTTP status and PagerDuty's error code and message,
 * and for rate limits how long to wait (from `Retry-After` or `ratelimit-reset`). The message
 * never holds the token.
 */
export class PagerDutyError extends RemoteServiceError<PagerDutyErrorKind> {
  override readonly name = 'PagerDutyError';
  readonly service = 'pagerduty';

  constructor(
    call: string,
    kind: PagerDutyErrorKind,
    message: string,
    status?: number,
    readonly code?: number,
    retryAfterMs?: number,
  ) {
    super(
      call,
      kind,
      `PagerDuty ${call} failed${status ? ` (${status}${code ? `, code ${code}` : ''})` : ''}: ${message}`,
      status,
      retryAfterMs,
    );
  }
}
