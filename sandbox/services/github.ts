/**
 * The slice of GitHub's REST API that follow-ups are opened through, for one repository
 * (`SANDBOX_GITHUB_REPOSITORY`):
 *
 * - `GET  /repos/{owner}/{repo}/issues?state=open|closed|all&since=ISO&per_page=N`, most recently
 *   updated first, as GitHub lists them
 * - `POST /repos/{owner}/{repo}/issues` with `{"title", "body", "labels"}`: 201 and the issue
 *
 * Tokens (`Authorization: Bearer <token>` or `token <token>`): `SANDBOX_TOKENS.github` reads and
 * writes; `SANDBOX_TOKENS.githubReadOnly` only reads, and creating answers 403 the way GitHub
 * answers a token without the `repo` scope; anything else is 401 `Bad credentials`. Another
 * repository is 404 `Not Found`, as GitHub says for a repository the token cannot see. Errors
 * are `{"message", "documentation_url"}`.
 * Known gap: pagination links, assignees, milestones and every other endpoint are not served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultRegistry } from '../faults';
import {
  authorizationToken,
  isRecord,
  originOf,
  parseJson,
  readBody,
  requestUrl,
  sendJson,
} from './http';
import { SANDBOX_GITHUB_REPOSITORY, SANDBOX_TOKENS } from './tokens';

export const GITHUB_MOUNT = '/github/api';

const DOCS = 'https://docs.github.com/rest/issues/issues';

interface GitHubIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: Array<{ name: string }>;
  html_url: string;
  url: string;
  user: { login: string };
  created_at: string;
  updated_at: string;
}

export class GitHubApi {
  readonly issues: GitHubIssue[] = [];

  constructor(private readonly faults: FaultRegistry) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const token = authorizationToken(req, ['Bearer ', 'token ']);
    const canWrite = token === SANDBOX_TOKENS.github;
    if (!canWrite && token !== SANDBOX_TOKENS.githubReadOnly) {
      return fail(res, 401, 'Bad credentials');
    }
    const [repos, owner, repo, issues, ...rest] = path.split('/').filter(Boolean);
    if (repos !== 'repos' || issues !== 'issues' || rest.length > 0) {
      return fail(res, 404, 'Not Found');
    }
    if (`${owner}/${repo}` !== SANDBOX_GITHUB_REPOSITORY) return fail(res, 404, 'Not Found');

    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'GET') return this.list(req, res);
    if (method !== 'POST') return fail(res, 404, 'Not Found');
    if (!canWrite) return fail(res, 403, 'Resource not accessible by personal access token');

    const body = parseJson(await readBody(req));
    this.faults.noteBody(req, body);
    if (!isRecord(body) || typeof body.title !== 'string' || body.title.trim() === '') {
      return sendJson(res, 422, {
        message: 'Validation Failed',
        errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
        documentation_url: DOCS,
      });
    }
    const now = new Date().toISOString();
    const number = this.issues.length + 1;
    const issue: GitHubIssue = {
      id: 9_000_000 + number,
      number,
      title: body.title,
      body: typeof body.body === 'string' ? body.body : null,
      state: 'open',
      labels: Array.isArray(body.labels)
        ? body.labels.filter((l): l is string => typeof l === 'string').map((name) => ({ name }))
        : [],
      html_url: `${originOf(req)}/github/${SANDBOX_GITHUB_REPOSITORY}/issues/${number}`,
      url: `${originOf(req)}${GITHUB_MOUNT}/repos/${SANDBOX_GITHUB_REPOSITORY}/issues/${number}`,
      user: { login: 'sandbox-responder' },
      created_at: now,
      updated_at: now,
    };
    this.issues.push(issue);
    sendJson(res, 201, issue);
  }

  private list(req: IncomingMessage, res: ServerResponse): void {
    const query = requestUrl(req).searchParams;
    const state = query.get('state') ?? 'open';
    const since = query.get('since');
    const perPage = Math.min(100, Number(query.get('per_page') ?? 30) || 30);
    const listed = this.issues
      .filter((issue) => state === 'all' || issue.state === state)
      .filter((issue) => !since || issue.updated_at >= since)
      .reverse()
      .slice(0, perPage);
    sendJson(res, 200, listed);
  }
}

function fail(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { message, documentation_url: DOCS });
}
