import assert from 'node:assert/strict';

import { SlackClient } from '../../../src/platform/slack/client';
import type { SlackApiError } from '../../../src/platform/slack/errors';
import { startServices, type RunningServices } from '../../../sandbox/services/router';
import { SANDBOX_TOKENS } from '../../../sandbox/services/tokens';

describe('Slack client against the sandbox', () => {
  let sandbox: RunningServices;
  beforeEach(async () => {
    sandbox = await startServices();
  });
  afterEach(async () => {
    await sandbox.stop();
  });

  const client = (token: string = SANDBOX_TOKENS.slack, timeoutMs = 1500) =>
    new SlackClient({ apiUrl: sandbox.endpoints.slack, timeoutMs }, token);

  it('creates the incident channel, invites responders, posts and bookmarks', async () => {
    const slack = client();
    const channel = await slack.createOrReuseChannel('incident-2026-12-03-api-gateway-down');
    assert.equal(channel.reused, false);
    await slack.invite(channel.id, ['U0FLUSR01', 'U0FLUSR02']);
    await slack.invite(channel.id, ['U0FLUSR01']);
    const posted = await slack.postMessage(channel.id, '*🚨 INCIDENT DECLARED - P1*');
    await slack.addBookmark(channel.id, 'Grafana', 'https://grafana.example.test/d/x');
    const model = sandbox.state.slack.model.channel(channel.id)!;
    assert.deepEqual([...model.members].sort(), ['U0FLBOT01', 'U0FLUSR01', 'U0FLUSR02']);
    assert.equal(model.messages[0]!.text, '*🚨 INCIDENT DECLARED - P1*');
    assert.equal(model.bookmarks[0]!.title, 'Grafana');
    assert.equal(
      (await slack.findMessage(channel.id, '*🚨 INCIDENT DECLARED - P1*', '0'))?.ts,
      posted.ts,
    );
  });

  it('reuses and unarchives an archived channel whose name is taken', async () => {
    const channel = await client().createOrReuseChannel('incident-2026-11-14-db-failover');
    assert.equal(channel.reused, true);
    assert.equal(channel.unarchived, true);
    assert.equal(sandbox.state.slack.model.channel(channel.id)!.isArchived, false);
    await client().postMessage(channel.id, 'back again');
  });

  it('rejects a rate-limited call with the Retry-After wait instead of sleeping in the SDK', async () => {
    sandbox.faults.addSpec('slack:chat.postMessage:429:retry-after=3');
    const slack = client();
    const { id } = await slack.createOrReuseChannel('incident-x');
    await assert.rejects(
      slack.postMessage(id, 'hi'),
      (e: SlackApiError) => e.kind === 'rateLimited' && e.retryAfterMs === 3000,
    );
    assert.equal(
      sandbox.faults.calls('slack').filter((c) => c.path === '/chat.postMessage').length,
      1,
    );
  });

  it('calls a 429 without Retry-After rate limited too', async () => {
    sandbox.faults.addSpec('slack:chat.postMessage:429');
    const slack = client();
    const { id } = await slack.createOrReuseChannel('incident-y');
    await assert.rejects(
      slack.postMessage(id, 'hi'),
      (e: SlackApiError) => e.kind === 'rateLimited' && e.retryAfterMs === undefined,
    );
  });

  it('types a bad token, a 5xx and a timeout, naming the call', async () => {
    await assert.rejects(
      client('nope').postMessage('C1', 'x'),
      (e: SlackApiError) =>
        e.kind === 'auth' && e.call === 'chat.postMessage' && e.service === 'slack',
    );
    sandbox.faults.addSpec('slack:503:times=1');
    await assert.rejects(
      client().postMessage('C1', 'x'),
      (e: SlackApiError) => e.kind === 'unavailable' && e.status === 503,
    );
    sandbox.faults.addSpec('slack:timeout:times=1');
    await assert.rejects(
      client(SANDBOX_TOKENS.slack, 300).postMessage('C1', 'x'),
      (e: SlackApiError) => e.kind === 'timeout' && e.transient,
    );
  });
});
