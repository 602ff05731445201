import { RemoteServiceError, type RemoteErrorKind } from '../remoteError';

/** What kind of failure a status page call met; the outbox decides from it whether to retry. */
export type StatusPageErrorKind = RemoteErrorKind | 'notFound' | 'alreadyDone';

/**
 * A failed status page call: which call, the HTTP status, the API's own error text and, for
 * rate limits, how long it asked to wait (from `Retry-After`). The message never holds the token.
 */
export class StatusPageError extends RemoteServiceError<StatusPageErrorKind> {
  override readonly name = 'StatusPageError';
  readonly service = 'statuspage';

  constructor(
    call: string,
    kind: StatusPageErrorKind,
    message: string,
    status?: number,
    retryAfterMs?: number,
  ) {
    super(
      call,
      kind,
      `Status page ${call} failed${status ? ` (${status})` : ''}: ${message}`,
      status,
      retryAfterMs,
    );
  }
}
