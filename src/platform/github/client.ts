import { request as octokitRequest } from '@octokit/request';
import { RequestError } from '@octokit/request-error';
import * as v from 'valibot';

import { silentLog, type Log } from '../../common/log';
import { retryAfterMs } from '../remoteError';

/** `owner/name` of a GitHub repository. */
export interface Repository {
  owner: string;
  name: string;
}

export function repositoryName(repository: Repository): string {
  return `${repository.owner}/${repository.name}`;
}

/** An issue as follow-ups need it. */
export interface Issue {
  number: number;
  title: string;
  body?: string;
  /** The issue's page, what the journal links a follow-up to. */
  url: string;
}

/**
 * What went wrong with a GitHub call, so the UI can say what is missing. `unreadable`: GitHub
 * answered success with a body that is not an issue (cut on the way back), so a create may well
 * have landed; `cancelled`: the user stopped it.
 */
export type GitHubErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'invalid'
  | 'rateLimited'
  | 'unavailable'
  | 'network'
  | 'unreadable'
  | 'cancelled';

/** A failed GitHub call: which call on which repository, the status and GitHub's message. */
export class GitHubError extends Error {
  override readonly name = 'GitHubError';

  constructor(
    readonly call: string,
    readonly repository: string,
    readonly kind: GitHubErrorKind,
    message: string,
    readonly status?: number,
    /** For a rate limit: how long GitHub asked to wait, from `Retry-After` or its reset time. */
    readonly retryAfterMs?: number,
  ) {
    super(`GitHub ${call} on ${repository} failed${status ? ` (${status})` : ''}: ${message}`);
  }
}

export interface GitHubClientOptions {
  /** `https://api.github.com`, `https://HOST/api/v3` for GitHub Enterprise, the sandbox's in tests. */
  baseUrl: string;
  /** An OAuth token with the `repo` scope, as VS Code's GitHub sign-in gives it. Never logged. */
  token: string;
  log?: Log;
  /** Per call; 30 s by default. A GitHub that never answers fails the call, not the window. */
  timeoutMs?: number;
}

/** The fields of an issue that follow-ups read; GitHub sends many more. */
const IssueSchema = v.object({
  number: v.number(),
  title: v.string(),
  body: v.nullish(v.string()),
  html_url: v.string(),
});

/**
 * The two issue calls follow-ups need, through Octokit's typed request function: open an issue
 * and list recent ones. No retry of its own: a follow-up that failed is simply not linked, and
 * the next export tries it again.
 */
export class GitHubClient {
  private readonly request: typeof octokitRequest;
  private readonly log: Log;

  constructor(private readonly options: GitHubClientOptions) {
    this.log = options.log ?? silentLog;
    this.request = octokitRequest.defaults({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: {
        authorization: `Bearer ${options.token}`,
        'user-agent': 'freelms-incident-response',
      },
    });
  }

  /** Opens an issue; GitHub answers with its number and page. */
  async createIssue(
    repository: Repository,
    issue: { title: string; body: string },
    signal?: AbortSignal,
  ): Promise<Issue> {
    const { data } = await this.call('create issue', repository, signal, (request) =>
      this.request('POST /repos/{owner}/{repo}/issues', {
        owner: repository.owner,
        repo: repository.name,
        title: issue.title,
        body: issue.body,
        request,
      }),
    );
    const parsed = v.safeParse(IssueSchema, data);
    if (!parsed.success)
      throw new GitHubError(
        'create issue',
        repositoryName(repository),
        'unreadable',
        "GitHub's answer could not be read, so the issue may have been opened; the next " +
          'export finds it by the marker in its body and links it instead of opening another',
      );
    return toIssue(parsed.output);
  }

  /** Issues of any state updated since `since` (ISO 8601), newest first, one page of 100. */
  async issuesSince(repository: Repository, since: string, signal?: AbortSignal): Promise<Issue[]> {
    const { data } = await this.call('list issues', repository, signal, (request) =>
      this.request('GET /repos/{owner}/{repo}/issues', {
        owner: repository.owner,
        repo: repository.name,
        state: 'all',
        since,
        per_page: 100,
        request,
      }),
    );
    const parsed = v.safeParse(v.array(IssueSchema), data);
    if (!parsed.success)
      throw new GitHubError(
        'list issues',
        repositoryName(repository),
        'unreadable',
        "GitHub's list of issues could not be read (cut on the way back?); export again",
      );
    return parsed.output.map(toIssue);
  }

  /**
   * Sends one request with the caller's signal and this client's deadline, and turns any
   * failure into a `GitHubError`: a stop by the caller is `cancelled`, the deadline `network`.
   */
  private async call<T extends { status: number }>(
    what: string,
    repository: Repository,
    signal: AbortSignal | undefined,
    send: (request: { signal: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    const name = repositoryName(repository);
    const started = Date.now();
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const answer = await send({
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
      this.log.info(`${what} ${name}: ${answer.status} in ${Date.now() - started} ms`);
      return answer;
    } catch (error) {
      const failure = signal?.aborted
        ? new GitHubError(what, name, 'cancelled', 'cancelled')
        : deadline.aborted
          ? new GitHubError(what, name, 'network', `no answer within ${timeoutMs / 1000} s`)
          : toGitHubError(what, name, error);
      this.log.warn(
        `${what} ${name} at ${this.options.baseUrl}: ${failure.message} after ${Date.now() - started} ms`,
      );
      throw failure;
    }
  }
}

function toGitHubError(call: string, repository: string, error: unknown): GitHubError {
  if (!(error instanceof RequestError)) {
    return new GitHubError(call, repository, 'network', (error as Error).message);
  }
  if (!error.response) {
    const cause = (error.cause as Error | undefined)?.message;
    return new GitHubError(
      call,
      repository,
      'network',
      cause ? `${error.message} (${cause})` : error.message,
    );
  }
  const message = githubMessage(error.response.data) ?? error.message;
  const status = error.status;
  const headers = error.response.headers;
  if (status === 401) return new GitHubError(call, repository, 'unauthorized', message, status);
  // A used-up quota says so in its headers; a secondary rate limit is a 403 with Retry-After.
  const retryAfter = headers['retry-after'];
  if (
    status === 429 ||
    (status === 403 &&
      (headers['x-ratelimit-remaining'] === '0' ||
        retryAfter !== undefined ||
        /rate limit/i.test(message)))
  )
    return new GitHubError(call, repository, 'rateLimited', message, status, waitOf(headers));
  if (status === 403) return new GitHubError(call, repository, 'forbidden', message, status);
  if (status === 404) return new GitHubError(call, repository, 'notFound', message, status);
  if (status === 410 || status === 422)
    return new GitHubError(call, repository, 'invalid', message, status);
  return new GitHubError(call, repository, 'unavailable', message, status);
}

/** How long a rate-limited call asks to wait: `Retry-After`, else until `x-ratelimit-reset`. */
function waitOf(headers: Record<string, unknown>): number | undefined {
  const retryAfter = headers['retry-after'];
  const fromHeader = retryAfterMs(
    typeof retryAfter === 'string' || typeof retryAfter === 'number'
      ? String(retryAfter)
      : undefined,
  );
  if (fromHeader !== undefined) return fromHeader;
  const reset = Number(headers['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined;
}

function toIssue(issue: v.InferOutput<typeof IssueSchema>): Issue {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? undefined,
    url: issue.html_url,
  };
}

function githubMessage(data: unknown): string | undefined {
  return typeof data === 'object' &&
    data !== null &&
    'message' in data &&
    typeof data.message === 'string'
    ? data.message
    : undefined;
}
