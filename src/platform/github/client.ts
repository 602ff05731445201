import { request as octokitRequest } from '@octokit/request';
import { RequestError } from '@octokit/request-error';

import { silentLog, type Log } from '../../common/log';

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

/** What went wrong with a GitHub call, so the UI can say what is missing. */
export type GitHubErrorKind =
  'unauthorized' | 'forbidden' | 'notFound' | 'invalid' | 'rateLimited' | 'unavailable' | 'network';

/** A failed GitHub call: which call on which repository, the status and GitHub's message. */
export class GitHubError extends Error {
  override readonly name = 'GitHubError';

  constructor(
    readonly call: string,
    readonly repository: string,
    readonly kind: GitHubErrorKind,
    message: string,
    readonly status?: number,
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
}

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
    const { data } = await this.call('create issue', repository, () =>
      this.request('POST /repos/{owner}/{repo}/issues', {
        owner: repository.owner,
        repo: repository.name,
        title: issue.title,
        body: issue.body,
        request: { signal },
      }),
    );
    return {
      number: data.number,
      title: data.title,
      body: data.body ?? undefined,
      url: data.html_url,
    };
  }

  /** Issues of any state updated since `since` (ISO 8601), newest first, one page of 100. */
  async issuesSince(repository: Repository, since: string, signal?: AbortSignal): Promise<Issue[]> {
    const { data } = await this.call('list issues', repository, () =>
      this.request('GET /repos/{owner}/{repo}/issues', {
        owner: repository.owner,
        repo: repository.name,
        state: 'all',
        since,
        per_page: 100,
        request: { signal },
      }),
    );
    return data.map((issue) => ({
      number: issue.number,
      title: issue.title,
      body: issue.body ?? undefined,
      url: issue.html_url,
    }));
  }

  private async call<T extends { status: number }>(
    what: string,
    repository: Repository,
    send: () => Promise<T>,
  ): Promise<T> {
    const name = repositoryName(repository);
    const started = Date.now();
    try {
      const answer = await send();
      this.log.info(`${what} ${name}: ${answer.status} in ${Date.now() - started} ms`);
      return answer;
    } catch (error) {
      const failure = toGitHubError(what, name, error);
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
  if (status === 429 || (status === 403 && headers['x-ratelimit-remaining'] === '0'))
    return new GitHubError(call, repository, 'rateLimited', message, status);
  if (status === 403) return new GitHubError(call, repository, 'forbidden', message, status);
  if (status === 404) return new GitHubError(call, repository, 'notFound', message, status);
  if (status === 410 || status === 422)
    return new GitHubError(call, repository, 'invalid', message, status);
  return new GitHubError(call, repository, 'unavailable', message, status);
}

function githubMessage(data: unknown): string | undefined {
  return typeof data === 'object' &&
    data !== null &&
    'message' in data &&
    typeof data.message === 'string'
    ? data.message
    : undefined;
}
