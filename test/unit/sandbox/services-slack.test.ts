import assert from 'node:assert/strict';

import {
  ErrorCode,
  LogLevel,
  WebClient,
  WebClientEvent,
  type Logger,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from '@slack/web-api';

import { startServices, type RunningServices } from '../../../sandbox/services/router';
import { SANDBOX_TOKENS } from '../../../sandbox/services/tokens';

const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

describe('sandbox Slack, driven by the official @slack/web-api WebClient', () => {
  let sandbox: RunningServices;

  beforeEach(async () => {
    sandbox = await startServices();
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  function slack(
    token: string | null = SANDBOX_TOKENS.slack,
    rejectRateLimitedCalls = false,
  ): WebClient {
    return new WebClient(token ?? undefined, {
      slackApiUrl: sandbox.endpoints.slack,
      logger: quietLogger,
      rejectRateLimitedCalls,
      retryConfig: { retries: 2, factor: 1, minTimeout: 5, maxTimeout: 5 },
    });
  }

  /** The Slack error code a call was refused with. */
  async function refusal(call: Promise<unknown>): Promise<string> {
    try {
      await call;
    } catch (error) {
      const platform = error as WebAPIPlatformError;
      assert.equal(platform.code, ErrorCode.PlatformError, String(error));
      return platform.data.error;
    }
    assert.fail('the call was expected to be refused');
  }

  /** `num_members`, which conversations answers carry but the SDK's Channel type leaves out. */
  function memberCount(channel: unknown): number {
    return (channel as { num_members: number }).num_members;
  }

  function channelId(name: string): string {
    const channel = sandbox.state.slack.model.channels.find((candidate) => candidate.name === name);
    assert.ok(channel, `channel #${name} exists`);
    return channel.id;
  }

  it('answers auth.test for the sandbox bot token', async () => {
    const answer = await slack().auth.test();

    assert.equal(answer.ok, true);
    assert.equal(answer.team_id, 'T0FREELMS');
    assert.equal(answer.user, 'freelms-incident-bot');
    assert.ok(answer.response_metadata?.scopes?.includes('chat:write'));
  });

  it('refuses a wrong token with invalid_auth and a missing one with not_authed, on HTTP 200', async () => {
    assert.equal(await refusal(slack('not-the-sandbox-token').auth.test()), 'invalid_auth');
    assert.equal(await refusal(slack(null).auth.test()), 'not_authed');

    const raw = await fetch(`${sandbox.endpoints.slack}auth.test`, { method: 'POST' });
    assert.equal(raw.status, 200);
    assert.deepEqual(await raw.json(), { ok: false, error: 'not_authed' });
  });

  it('creates the incident channel, then says name_taken when it is created again', async () => {
    const client = slack();

    const created = await client.conversations.create({ name: 'incident-2026-12-03-api-gateway' });
    assert.equal(created.channel?.name, 'incident-2026-12-03-api-gateway');
    assert.equal(created.channel?.is_member, true);
    assert.equal(created.channel?.is_archived, false);

    assert.equal(
      await refusal(client.conversations.create({ name: 'incident-2026-12-03-api-gateway' })),
      'name_taken',
    );
  });

  it('says name_taken for the name of an archived channel, which unarchive brings back', async () => {
    const client = slack();
    const archived = 'incident-2026-11-14-db-failover';

    assert.equal(await refusal(client.conversations.create({ name: archived })), 'name_taken');
    const listed = await client.conversations.list({ exclude_archived: true });
    assert.ok(
      !listed.channels?.some((channel) => channel.name === archived),
      'hidden when archived',
    );

    await client.conversations.unarchive({ channel: channelId(archived) });
    const info = await client.conversations.info({ channel: channelId(archived) });
    assert.equal(info.channel?.is_archived, false);
    assert.equal(
      await refusal(client.conversations.unarchive({ channel: channelId(archived) })),
      'not_archived',
    );
  });

  it('refuses channel names Slack refuses', async () => {
    const client = slack();

    assert.equal(
      await refusal(client.conversations.create({ name: 'Incident API' })),
      'invalid_name',
    );
    assert.equal(
      await refusal(client.conversations.create({ name: 'incident!' })),
      'invalid_name_specials',
    );
    assert.equal(
      await refusal(client.conversations.create({ name: 'x'.repeat(81) })),
      'invalid_name_maxlength',
    );
  });

  it('pages conversations.list with cursors and filters archived channels and types', async () => {
    const client = slack();

    const names: string[] = [];
    for await (const page of client.paginate('conversations.list', { limit: 2 })) {
      names.push(
        ...(page as unknown as { channels: Array<{ name: string }> }).channels.map(
          (channel) => channel.name,
        ),
      );
    }
    assert.deepEqual(names, [
      'general',
      'incidents',
      'freelms-oncall',
      'incident-2026-11-14-db-failover',
    ]);

    await client.conversations.create({ name: 'incident-private-review', is_private: true });
    const publicOnly = await client.conversations.list({ types: 'public_channel' });
    assert.ok(!publicOnly.channels?.some((channel) => channel.name === 'incident-private-review'));
    const both = await client.conversations.list({ types: 'public_channel,private_channel' });
    assert.ok(
      both.channels?.some(
        (channel) => channel.name === 'incident-private-review' && channel.is_private,
      ),
    );
  });

  it('invites responders, and answers already_in_channel when one is already there', async () => {
    const client = slack();
    const { channel } = await client.conversations.create({ name: 'incident-2026-12-03-payments' });
    const dana = await client.users.lookupByEmail({ email: 'oncall@freelms.example' });
    assert.equal(dana.user?.real_name, 'Dana Okafor');

    const invited = await client.conversations.invite({
      channel: channel!.id!,
      users: `${dana.user!.id},U0FLUSR02`,
    });
    assert.equal(memberCount(invited.channel), 3);

    assert.equal(
      await refusal(client.conversations.invite({ channel: channel!.id!, users: dana.user!.id! })),
      'already_in_channel',
    );
    const forced = await client.conversations.invite({
      channel: channel!.id!,
      users: `${dana.user!.id},U0FLUSR03`,
      force: true,
    });
    assert.equal(forced.ok, true);
    assert.equal(memberCount(forced.channel), 4);
    assert.equal(
      await refusal(client.users.lookupByEmail({ email: 'nobody@freelms.example' })),
      'users_not_found',
    );
  });

  it('posts the incident announcement and bookmarks the runbook in the channel', async () => {
    const client = slack();
    const { channel } = await client.conversations.create({ name: 'incident-2026-12-03-login' });

    const posted = await client.chat.postMessage({
      channel: channel!.id!,
      text: 'INCIDENT DECLARED: P1 login',
    });
    assert.equal(posted.channel, channel!.id);
    assert.match(posted.ts!, /^\d{10}\.\d{6}$/);
    assert.equal(posted.message?.text, 'INCIDENT DECLARED: P1 login');

    const byName = await client.chat.postMessage({
      channel: '#incidents',
      text: 'Update: rollback started',
    });
    assert.equal(byName.channel, channelId('incidents'));
    assert.equal(
      await refusal(client.chat.postMessage({ channel: 'general', text: 'hello' })),
      'not_in_channel',
    );
    assert.equal(
      await refusal(client.chat.postMessage({ channel: 'CNOSUCH', text: 'hello' })),
      'channel_not_found',
    );

    const bookmark = await client.bookmarks.add({
      channel_id: channel!.id!,
      title: 'Runbook',
      type: 'link',
      link: 'https://wiki.freelms.example/runbooks/incident-response',
    });
    assert.equal(bookmark.bookmark?.title, 'Runbook');
    assert.equal(bookmark.bookmark?.channel_id, channel!.id);
  });

  it('sets the channel topic to the incident summary and reads responders by id', async () => {
    const client = slack();
    const { channel } = await client.conversations.create({ name: 'incident-2026-12-03-topic' });

    const topic = await client.conversations.setTopic({
      channel: channel!.id!,
      topic: 'P1 api-gateway 5xx | IC: Sam',
    });
    assert.equal(topic.channel?.topic?.value, 'P1 api-gateway 5xx | IC: Sam');
    assert.equal(
      await refusal(
        client.conversations.setTopic({ channel: channel!.id!, topic: 'x'.repeat(251) }),
      ),
      'too_long',
    );
    const sam = await client.users.info({ user: 'U0FLUSR02' });
    assert.equal(sam.user?.profile?.email, 'incident-commander@freelms.example');
  });

  it('joins a public channel and warns when already in it', async () => {
    const client = slack();

    const joined = await client.conversations.join({ channel: channelId('general') });
    assert.equal(joined.channel?.is_member, true);
    const again = await client.conversations.join({ channel: channelId('general') });
    assert.equal(again.warning, 'already_in_channel');
  });

  it('answers 429 with Retry-After, and the WebClient waits that long, retries and posts once', async () => {
    sandbox.faults.addSpec('slack:chat.postMessage:429:retry-after=1:times=1');
    const client = slack();
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));

    const started = Date.now();
    const posted = await client.chat.postMessage({
      channel: '#incidents',
      text: 'Status: mitigated',
    });

    assert.equal(posted.ok, true);
    assert.deepEqual(waits, [1]);
    assert.ok(Date.now() - started >= 950, 'the client honoured Retry-After');
    const posts = sandbox.faults.calls('slack').filter((call) => call.path === '/chat.postMessage');
    assert.equal(posts.length, 2);
    const incidents = sandbox.state.slack.model.channels.find(
      (channel) => channel.name === 'incidents',
    )!;
    assert.equal(incidents.messages.length, 1, 'the message was posted exactly once');
    const history = await client.conversations.history({ channel: incidents.id });
    assert.deepEqual(
      history.messages?.map((message) => message.text),
      ['Status: mitigated'],
    );
  });

  it('can answer 429 without Retry-After, which the WebClient gives up on at once', async () => {
    sandbox.faults.addSpec('slack:chat.postMessage:429');

    await assert.rejects(
      slack().chat.postMessage({ channel: '#incidents', text: 'Status: investigating' }),
      /Retry header did not contain a valid timeout/,
    );
    assert.equal(sandbox.faults.calls('slack').length, 1);
  });

  it('gives a rate-limited error with retryAfter to a client that rejects rate-limited calls', async () => {
    sandbox.faults.addSpec('slack:conversations.create:429:retry-after=30');

    try {
      await slack(SANDBOX_TOKENS.slack, true).conversations.create({ name: 'incident-never' });
      assert.fail('expected a rate-limited error');
    } catch (error) {
      const limited = error as WebAPIRateLimitedError;
      assert.equal(limited.code, ErrorCode.RateLimitedError);
      assert.equal(limited.retryAfter, 30);
    }
  });

  it('accepts a form body with a token argument and a JSON body with a bearer header', async () => {
    const form = await fetch(`${sandbox.endpoints.slack}conversations.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: SANDBOX_TOKENS.slack, name: 'incident-from-form' }),
    });
    assert.equal(
      ((await form.json()) as { channel: { name: string } }).channel.name,
      'incident-from-form',
    );

    const json = await fetch(`${sandbox.endpoints.slack}chat.postMessage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${SANDBOX_TOKENS.slack}`,
      },
      body: JSON.stringify({ channel: '#incident-from-form', text: 'from JSON' }),
    });
    assert.equal(((await json.json()) as { ok: boolean }).ok, true);

    const calls = sandbox.faults.calls('slack');
    assert.deepEqual(
      calls[0]!.body,
      { name: 'incident-from-form' },
      'the token is kept out of the call log',
    );
  });
});
