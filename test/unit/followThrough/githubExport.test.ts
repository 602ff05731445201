import assert from 'node:assert/strict';

import { startServices, type RunningServices } from '../../../sandbox/services/router';
import { SANDBOX_GITHUB_REPOSITORY, SANDBOX_TOKENS } from '../../../sandbox/services/tokens';
import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent, NewEvent } from '../../../src/incident/model';
import { GitHubClient, GitHubError } from '../../../src/platform/github/client';
import {
  githubHost,
  parseRepository,
  repositoryFromRemote,
} from '../../../src/platform/github/remote';
import { exportToGitHub } from '../../../src/ui/followThrough/githubExport';

const at = (minute: number) =>
  new Date(Date.parse('2026-12-03T10:00:00Z') + minute * 60_000).toISOString();

/** An incident with three follow-ups: one open, one done, one owned and due. */
function journal(): IncidentEvent[] {
  return [
    {
      type: 'declared',
      id: 'd',
      at: new Date(Date.now() - 3_600_000).toISOString(),
      incidentId: '2026-12-03-payments-failing',
      title: 'Payments failing',
      severity: 'P2',
      services: ['payment-service'],
    },
    { type: 'resolved', id: 'r', at: at(30) },
    { type: 'followup.added', id: 'f1', at: at(31), text: 'Raise the webhook timeout' },
    { type: 'followup.added', id: 'f2', at: at(32), text: 'Already fixed' },
    { type: 'followup.done', id: 'f3', at: at(33), followUpId: 'f2' },
    {
      type: 'followup.added',
      id: 'f4',
      at: at(34),
      text: 'Alert on webhook latency',
      owner: 'Dana',
      due: '2026-12-05',
    },
  ];
}

describe('follow-ups opened as GitHub issues (against the sandbox’s GitHub)', () => {
  let sandbox: RunningServices;
  const repository = parseRepository(SANDBOX_GITHUB_REPOSITORY)!;
  /** The session VS Code's GitHub sign-in would give, injected. */
  const session = { accessToken: SANDBOX_TOKENS.github };

  beforeEach(async () => {
    sandbox = await startServices();
  });
  afterEach(async () => {
    await sandbox.stop();
  });

  /** Runs an export the way the command does, journaling into `events`. */
  async function run(
    events: IncidentEvent[],
    token: string = session.accessToken,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ) {
    const appended: NewEvent[] = [];
    const result = await exportToGitHub({
      incident: deriveIncident(events),
      client: new GitHubClient({
        baseUrl: sandbox.endpoints.github,
        token,
        timeoutMs: options.timeoutMs,
      }),
      repository,
      by: 'dana',
      postmortemLink: 'postmortems/2026-12-03-payments-failing.md',
      signal: options.signal,
      append: async (event) => {
        appended.push(event);
        events.push({ ...event, id: `j${events.length}`, at: at(60) } as IncidentEvent);
      },
    });
    return { result, appended };
  }

  it('opens each open follow-up once, linked in the journal right after it was opened', async () => {
    const events = journal();
    const { result, appended } = await run(events);

    assert.equal(result.repository, 'freelms/platform');
    assert.deepEqual(
      result.created.map((c) => c.followUpId),
      ['f1', 'f4'],
    );
    assert.deepEqual(result.skipped, [{ followUpId: 'f2', reason: 'done' }]);
    assert.deepEqual(result.failed, []);
    const issues = sandbox.state.github.issues;
    assert.deepEqual(
      issues.map((issue) => issue.title),
      ['Raise the webhook timeout', 'Alert on webhook latency'],
    );
    assert.match(issues[1]!.body!, /- Owner: Dana\n- Due: 2026-12-05/);
    assert.match(issues[1]!.body!, /Postmortem: postmortems\/2026-12-03-payments-failing\.md/);
    assert.deepEqual(
      appended.map((e) => e.type === 'followup.linked' && [e.followUpId, e.url]),
      result.created.map((c) => [c.followUpId, c.url]),
    );
    assert.match(result.created[0]!.url, /\/freelms\/platform\/issues\/1$/);
  });

  it('skips what a first export already linked: a second export opens nothing', async () => {
    const events = journal();
    await run(events);
    const { result, appended } = await run(events);
    assert.deepEqual(result.created, []);
    assert.deepEqual(
      result.skipped.map((s) => [s.followUpId, s.reason]),
      [
        ['f1', 'linked'],
        ['f2', 'done'],
        ['f4', 'linked'],
      ],
    );
    assert.deepEqual(appended, []);
    assert.equal(sandbox.state.github.issues.length, 2);
  });

  it('links an issue an interrupted export opened but never journaled, instead of opening it again', async () => {
    const events = journal();
    await run(events);
    // The journal lost the links (the window closed between the issue and the journal line).
    const lost = events.filter((e) => e.type !== 'followup.linked');
    const { result, appended } = await run(lost);
    assert.deepEqual(result.created, []);
    assert.deepEqual(
      result.skipped.filter((s) => s.reason === 'found').map((s) => s.followUpId),
      ['f1', 'f4'],
    );
    assert.equal(appended.length, 2);
    assert.equal(sandbox.state.github.issues.length, 2);
  });

  it('says GitHub refused (403) when the sign-in may read but not open issues, and journals nothing', async () => {
    const events = journal();
    await assert.rejects(run(events, SANDBOX_TOKENS.githubReadOnly), (error: unknown) => {
      assert.ok(error instanceof GitHubError);
      assert.equal(error.kind, 'forbidden');
      assert.equal(error.status, 403);
      assert.match(error.message, /create issue on freelms\/platform failed \(403\)/);
      return true;
    });
    assert.equal(events.filter((e) => e.type === 'followup.linked').length, 0);
    assert.equal(sandbox.state.github.issues.length, 0);
  });

  it('says the repository was not found (404) and that a token was not accepted (401)', async () => {
    const client = new GitHubClient({
      baseUrl: sandbox.endpoints.github,
      token: session.accessToken,
    });
    await assert.rejects(
      client.issuesSince({ owner: 'freelms', name: 'elsewhere' }, at(0)),
      (error: unknown) => error instanceof GitHubError && error.kind === 'notFound',
    );
    await assert.rejects(
      new GitHubClient({ baseUrl: sandbox.endpoints.github, token: 'expired' }).issuesSince(
        repository,
        at(0),
      ),
      (error: unknown) => error instanceof GitHubError && error.kind === 'unauthorized',
    );
  });

  it('keeps what was opened when GitHub starts failing half-way, and reports the rest as failed', async () => {
    // A 503 on the first (worth going on), the second opened, a 403 on the third (not).
    const more = journal();
    more.push({ type: 'followup.added', id: 'f5', at: at(40), text: 'Third' });
    sandbox.faults.addSpec('github:POST /repos/*/*/issues:503:times=1');
    sandbox.faults.addSpec('github:POST /repos/*/*/issues:latency=1:times=1');
    sandbox.faults.addSpec('github:POST /repos/*/*/issues:403:times=1');
    const { result } = await run(more);
    assert.deepEqual(
      result.failed.map((f) => [f.followUpId, f.error.kind]),
      [
        ['f1', 'unavailable'],
        ['f5', 'forbidden'],
      ],
    );
    assert.deepEqual(
      result.created.map((c) => c.followUpId),
      ['f4'],
    );
  });

  it('journals no link when the answer to an opened issue is cut, and the next export links it', async () => {
    const events = journal();
    sandbox.faults.addSpec('github:POST /repos/*/*/issues:cut=20:times=1');
    const { result, appended } = await run(events);
    assert.deepEqual(
      result.failed.map((f) => [f.followUpId, f.error.kind]),
      [['f1', 'unreadable']],
    );
    assert.match(result.failed[0]!.error.message, /may have been opened/);
    assert.ok(
      appended.every((e) => e.type === 'followup.linked' && e.url),
      'no link without a url',
    );
    assert.equal(sandbox.state.github.issues.length, 2, 'both were opened');

    const again = await run(events);
    assert.deepEqual(
      again.result.skipped.filter((s) => s.reason === 'found').map((s) => s.followUpId),
      ['f1'],
    );
    assert.equal(sandbox.state.github.issues.length, 2, 'and neither twice');
  });

  it('says the list of issues could not be read when its answer is cut, opening nothing', async () => {
    const events = journal();
    await run(events);
    // The links were lost, so the next export reads the list to find the issues again.
    const lost = events.filter((e) => e.type !== 'followup.linked');
    sandbox.faults.addSpec('github:GET /repos/*/*/issues:cut=30:times=1');
    await assert.rejects(
      run(lost),
      (error: unknown) => error instanceof GitHubError && error.kind === 'unreadable',
    );
    assert.equal(sandbox.state.github.issues.length, 2, 'nothing opened a second time');
  });

  it('takes a 403 with Retry-After as the secondary rate limit, with its wait, not as no access', async () => {
    sandbox.faults.addSpec('github:POST /repos/*/*/issues:403:retry-after=60:times=1');
    await assert.rejects(run(journal()), (error: unknown) => {
      assert.ok(error instanceof GitHubError);
      assert.equal(error.kind, 'rateLimited');
      assert.equal(error.retryAfterMs, 60_000);
      return true;
    });
  });

  it('gives up on a GitHub that does not answer, and tells a cancel from a network failure', async () => {
    sandbox.faults.addSpec('github:GET /repos/*/*/issues:timeout:times=1');
    await assert.rejects(run(journal(), undefined, { timeoutMs: 300 }), (error: unknown) => {
      assert.ok(error instanceof GitHubError);
      assert.equal(error.kind, 'network');
      assert.match(error.message, /no answer within 0\.3 s/);
      return true;
    });

    sandbox.faults.addSpec('github:GET /repos/*/*/issues:timeout:times=1');
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    await assert.rejects(
      run(journal(), undefined, { signal: stop.signal }),
      (error: unknown) => error instanceof GitHubError && error.kind === 'cancelled',
    );
  });
});

describe('which GitHub repository follow-ups go to', () => {
  it('reads owner/name from the origin remote in its https, scp and ssh forms', () => {
    for (const remote of [
      'https://github.com/freelms/platform.git',
      'https://github.com/freelms/platform',
      'git@github.com:freelms/platform.git',
      'ssh://git@github.com/freelms/platform.git',
    ]) {
      assert.deepEqual(
        repositoryFromRemote(remote),
        { owner: 'freelms', name: 'platform' },
        remote,
      );
    }
  });

  it('ignores a remote that is not on GitHub, unless it is the configured Enterprise host', () => {
    assert.equal(repositoryFromRemote('git@gitlab.com:freelms/platform.git'), undefined);
    const host = githubHost('https://git.freelms.example/api/v3');
    assert.equal(host, 'git.freelms.example');
    assert.deepEqual(repositoryFromRemote('https://git.freelms.example/sre/runbooks.git', [host]), {
      owner: 'sre',
      name: 'runbooks',
    });
    assert.equal(githubHost('https://api.github.com'), 'github.com');
  });
});
