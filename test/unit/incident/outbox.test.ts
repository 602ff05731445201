import assert from 'node:assert/strict';

import { appendOnce } from '../../../src/incident/appendOnce';
import type { DeliveryState } from '../../../src/incident/deliveries';
import type { OutboxSecrets } from '../../../src/incident/outbox';
import { PagerDutyClient } from '../../../src/platform/pagerduty/client';
import { SANDBOX_TOKENS } from '../../../sandbox/services/tokens';
import { gatewayDown } from './helpers';
import { outboxSandbox } from './outboxSandbox';

const TOKENS: OutboxSecrets = { pagerduty: SANDBOX_TOKENS.pagerduty, slack: SANDBOX_TOKENS.slack };

describe('outbox to PagerDuty and Slack (sandbox)', () => {
  const env = outboxSandbox('outbox', () => ({
    deliveries: {
      responders: ['U0FLUSR01', 'U0FLUSR02'],
      grafanaUrl: 'https://grafana.example.test/d/freelms-overview',
      jaegerUrl: 'https://jaeger.example.test',
    },
  }));
  const outbox = (secrets: OutboxSecrets = TOKENS) => env.outbox(secrets);

  const writes = (service: 'pagerduty' | 'slack', path?: RegExp) =>
    env.sandbox.faults
      .calls(service)
      .filter((c) => c.method !== 'GET' && (!path || path.test(c.path)));
  const slackCalls = (method: string) =>
    env.sandbox.faults.calls('slack').filter((c) => c.path === `/${method}`);
  const byStatus = (list: DeliveryState[], status: DeliveryState['status']) =>
    list.filter((d) => d.status === status);
  const channelOf = (id: string) =>
    env.sandbox.state.slack.model.channels.find((c) => c.name === `incident-${id}`)!;
  const pdIncidents = () =>
    env.sandbox.state.pagerduty.model.incidents.filter((i) =>
      i.incidentKey?.startsWith('freelms-'),
    );

  it('declares: opens the PagerDuty incident, creates, posts, invites and bookmarks, once each', async () => {
    const box = outbox();
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();

    const incident = (await env.store.get(id))!;
    assert.ok(incident.pagerduty?.incidentId, 'PagerDuty incident linked in the journal');
    assert.equal(incident.slack?.channelName, `incident-${id}`);
    assert.equal(pdIncidents().length, 1);
    assert.equal(pdIncidents()[0]!.incidentKey, `freelms-${id}`);
    const channel = channelOf(id);
    assert.match(channel.messages[0]!.text, /^\*🚨 INCIDENT DECLARED - P1\*/);
    assert.ok(channel.members.has('U0FLUSR01') && channel.members.has('U0FLUSR02'));
    assert.deepEqual(
      channel.bookmarks.map((b) => b.title),
      ['Grafana', 'Jaeger'],
    );
    assert.match(channel.bookmarks[0]!.link, /from=\d+&to=now/);
    assert.deepEqual(byStatus(await box.deliveries(id), 'sent').length, 6);

    await box.flush();
    assert.equal(writes('pagerduty').length, 1, 'a second round sends nothing again');
    assert.equal(slackCalls('chat.postMessage').length, 1);
  });

  it('invites and bookmarks beside the declaration message, not behind it', async () => {
    env.sandbox.faults.addSpec('slack:chat.postMessage:timeout:times=1');
    const box = outbox();
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();

    const posts = slackCalls('chat.postMessage');
    assert.equal(posts.length, 2, 'the first post timed out and was sent again');
    const retry = posts[1]!.seq;
    for (const call of [...slackCalls('conversations.invite'), ...slackCalls('bookmarks.add')])
      assert.ok(call.seq < retry, `${call.path} went out while the message was still pending`);
    assert.equal(channelOf(id).messages.length, 1);
    assert.equal(byStatus(await box.deliveries(id), 'sent').length, 6);
  });

  it('acknowledges, writes notes for the timeline and resolves in PagerDuty, with Slack messages', async () => {
    const box = outbox();
    const { id } = await env.store.declare(gatewayDown);
    await env.store.append(id, [
      { type: 'acknowledged', by: 'Dana' },
      { type: 'role.assigned', role: 'technicalLead', name: 'Priya', slackUserId: 'U0FLUSR03' },
      {
        type: 'action.taken',
        ok: true,
        by: 'Priya',
        action: { kind: 'rollback', deployment: 'api-gateway', fromRevision: 7, toRevision: 6 },
      },
      { type: 'resolved', rootCause: 'bad route table' },
    ]);
    await box.flush();

    const pd = env.sandbox.state.pagerduty.model.incidents.find(
      (i) => i.incidentKey === `freelms-${id}`,
    )!;
    assert.equal(pd.status, 'resolved');
    assert.deepEqual(
      pd.notes.map((n) => n.content),
      [
        'Technical Lead: Priya',
        'Priya: Rolled back deployment/api-gateway from revision 7 to revision 6',
      ],
    );
    const channel = channelOf(id);
    assert.ok(channel.members.has('U0FLUSR03'));
    assert.match(channel.messages.at(-1)!.text, /^\*✅ INCIDENT RESOLVED\*\n\*Duration:\*/);
    assert.equal(byStatus(await box.deliveries(id), 'pending').length, 0);
  });

  it('works locally without tokens and says what is not being sent', async () => {
    const secrets: OutboxSecrets = {};
    const box = outbox(secrets);
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();
    const list = await box.deliveries(id);
    assert.ok(list.length > 0);
    assert.ok(list.every((d) => d.status === 'notConfigured'));
    assert.equal(
      list.find((d) => d.target === 'pagerduty')?.reason,
      'not sent: PagerDuty not configured',
    );
    assert.equal(list.find((d) => d.target === 'slack')?.reason, 'not sent: Slack not configured');
    assert.equal(env.sandbox.faults.calls().length, 0);
    assert.equal(
      (await env.store.get(id))!.events.length,
      1,
      'nothing but the declaration in the journal',
    );

    // Configured later: the backlog goes out.
    secrets.pagerduty = TOKENS.pagerduty;
    await box.flush();
    assert.equal(pdIncidents().length, 1);
    assert.ok(
      (await box.deliveries(id))
        .filter((d) => d.target === 'slack')
        .every((d) => d.status === 'notConfigured'),
    );
  });

  it('waits out a Slack 429 with Retry-After and posts once', async () => {
    env.sandbox.faults.addSpec('slack:chat.postMessage:429:retry-after=1:times=1');
    const box = outbox();
    const { id } = await env.store.declare(gatewayDown);
    const started = Date.now();
    await box.flush();
    assert.ok(Date.now() - started >= 1000, 'Retry-After honoured');
    assert.equal(channelOf(id).messages.length, 1);
    assert.equal(slackCalls('chat.postMessage').length, 2);
  });

  it('backs off on a 429 without Retry-After and on PagerDuty rate limits, creating the incident once', async () => {
    env.sandbox.faults.addSpec('slack:chat.postMessage:429:times=2');
    // pdjs spends four tries of its own; the fifth 429 reaches the outbox with ratelimit-reset 1 s.
    env.sandbox.faults.addSpec('pagerduty:POST /incidents:429:times=4');
    const box = outbox();
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();
    assert.equal(channelOf(id).messages.length, 1);
    assert.equal(pdIncidents().length, 1);
    const failed = (await env.store.get(id))!.events.filter((e) => e.type === 'delivery.failed');
    assert.equal(failed.length, 0, 'all retried within the round');
  });

  it('retries a 5xx and a timeout, and the effect happens once', async () => {
    env.sandbox.faults.addSpec('pagerduty:POST /incidents:503:times=2');
    env.sandbox.faults.addSpec('slack:conversations.create:timeout:times=1');
    const box = outbox();
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();
    assert.equal(pdIncidents().length, 1);
    assert.equal(
      env.sandbox.state.slack.model.channels.filter((c) => c.name === `incident-${id}`).length,
      1,
    );
    assert.equal(channelOf(id).messages.length, 1);
  });

  it('does not post twice when the answer to a post or a create was lost on the way back', async () => {
    env.sandbox.faults.addSpec('slack:chat.postMessage:cut=5:times=1');
    env.sandbox.faults.addSpec('pagerduty:POST /incidents:cut=5:times=1');
    const box = outbox();
    const { id } = await env.store.declare(gatewayDown);
    await env.store.append(id, { type: 'note', text: 'pods restarting', by: 'Dana' });
    env.sandbox.faults.addSpec('pagerduty:POST incidents/*/notes:cut=5:times=1');
    await box.flush();
    assert.equal(pdIncidents().length, 1, 'the duplicate incident_key was taken as already done');
    const texts = channelOf(id).messages.map((m) => m.text);
    assert.equal(texts.length, 2);
    assert.match(texts[0]!, /INCIDENT DECLARED/);
    assert.equal(texts[1], 'Dana: pods restarting');
    assert.equal(pdIncidents()[0]!.notes.length, 1);
    const notes = (await box.deliveries(id)).filter((d) => d.note).map((d) => d.note);
    assert.ok(notes.some((n) => /already open in PagerDuty/.test(n!)));
    assert.ok(notes.some((n) => /found in the channel/.test(n!)));
  });

  it('reuses and unarchives the channel when its name is taken by an archived one', async () => {
    const box = outbox();
    const { id } = await env.store.declare({
      ...gatewayDown,
      title: 'DB failover',
      at: '2026-11-14T08:00:00.000Z',
    });
    assert.equal(id, '2026-11-14-db-failover');
    await box.flush();
    const channels = env.sandbox.state.slack.model.channels.filter(
      (c) => c.name === `incident-${id}`,
    );
    assert.equal(channels.length, 1);
    assert.equal(channels[0]!.isArchived, false);
    assert.match(channels[0]!.messages[0]!.text, /INCIDENT DECLARED/);
    const create = (await box.deliveries(id)).find((d) => d.op === 'slack.channel')!;
    assert.equal(create.note, `#incident-${id} existed (archived); unarchived and reused`);
  });

  it('after a restart between "sent" and "acknowledged", finds what landed and sends nothing twice', async () => {
    const first = outbox();
    const { id } = await env.store.declare(gatewayDown);
    await first.flush();
    await first.stop();
    const incident = await env.store.append(id, [
      { type: 'acknowledged' },
      { type: 'note', text: 'gateway pods OOMKilled' },
    ]);

    // The crashed window journaled its attempts and reached PagerDuty and Slack, then died
    // before it could journal the answers.
    const [ack, note] = incident.events.slice(-2);
    const pdId = incident.pagerduty!.incidentId;
    const pd = new PagerDutyClient(env.config().pagerduty!, TOKENS.pagerduty!);
    await env.store.append(id, [
      { type: 'delivery.attempted', key: `${ack!.id}:pd.acknowledge`, attempt: 1 },
      { type: 'delivery.attempted', key: `${note!.id}:pd.note`, attempt: 1 },
      { type: 'delivery.attempted', key: `${note!.id}:slack.message`, attempt: 1 },
    ]);
    await pd.acknowledge(pdId);
    await pd.addNote(pdId, 'gateway pods OOMKilled');
    await new Promise((r) => setTimeout(r, 5));
    env.sandbox.state.slack.model.post(
      channelOf(id),
      'U0FLBOT01',
      'gateway pods OOMKilled',
      undefined,
    );
    env.sandbox.faults.clearCalls();

    const restarted = env.outbox(TOKENS, { store: await env.reopen() });
    await restarted.flush();
    assert.equal(pdIncidents()[0]!.notes.length, 1);
    assert.equal(
      channelOf(id).messages.filter((m) => m.text === 'gateway pods OOMKilled').length,
      1,
    );
    assert.equal(writes('pagerduty', /notes/).length, 0);
    // Only the acknowledgement's own message, which the crashed window never tried, goes out.
    assert.deepEqual(
      slackCalls('chat.postMessage').map((c) => (c.body as { text: string }).text),
      ['Acknowledged'],
    );
    const states = await restarted.deliveries(id);
    assert.equal(byStatus(states, 'pending').length + byStatus(states, 'failed').length, 0);
    assert.match(states.find((d) => d.op === 'pd.acknowledge')!.note!, /Already Acknowledged/);
  });

  it('keeps a delivery pending across a restart when told to wait long, then sends it', async () => {
    env.sandbox.faults.addSpec('slack:chat.postMessage:429:retry-after=60:times=1');
    let now = new Date();
    const box = env.outbox(TOKENS, { now: () => now });
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();
    await box.stop();
    const waiting = (await box.deliveries(id)).find((d) => d.op === 'slack.message')!;
    assert.equal(waiting.status, 'pending');
    assert.match(waiting.reason!, /rate limited/);
    assert.ok(Date.parse(waiting.nextAttemptAt!) - Date.now() > 50_000);

    const restarted = env.outbox(TOKENS, { store: await env.reopen(), now: () => now });
    await restarted.flush();
    assert.equal(channelOf(id).messages.length, 0, 'still waiting');
    now = new Date(Date.now() + 61_000);
    await restarted.flush();
    assert.equal(channelOf(id).messages.length, 1);
  });

  it('shows a refused token as failed with its reason, never drops it, and sends it on retry', async () => {
    const secrets: OutboxSecrets = { slack: 'not-the-token' };
    const box = outbox(secrets);
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();
    const failed = (await box.deliveries(id)).filter((d) => d.target === 'slack');
    assert.equal(failed[0]!.status, 'failed');
    assert.match(failed[0]!.reason!, /invalid_auth/);
    assert.ok(
      failed
        .slice(1)
        .every((d) => d.status === 'blocked' && /waiting for "Slack: create/.test(d.reason!)),
    );

    secrets.slack = TOKENS.slack;
    await box.flush();
    assert.equal(
      (await box.deliveries(id)).find((d) => d.op === 'slack.channel')!.status,
      'failed',
      'waits for the user',
    );
    await box.retry(id, failed[0]!.key);
    assert.ok(
      (await box.deliveries(id))
        .filter((d) => d.target === 'slack')
        .every((d) => d.status === 'sent'),
    );
    assert.equal(channelOf(id).messages.length, 1);
  });

  it('lets only one of two windows deliver an incident at a time', async () => {
    const { id } = await env.store.declare(gatewayDown);
    await env.store.append(
      id,
      [...Array(5).keys()].map((i) => ({ type: 'note' as const, text: `note ${i}` })),
    );
    const other = await env.reopen();
    await Promise.all([outbox().flush(), env.outbox(TOKENS, { store: other }).flush()]);
    await outbox().flush();
    assert.equal(channelOf(id).messages.length, 6);
    assert.equal(pdIncidents()[0]!.notes.length, 5);
    assert.equal(slackCalls('chat.postMessage').length, 6);
  });

  it('lets another window resolve at once while a slow Slack post holds the delivery round', async () => {
    const config = env.config();
    const box = env.outbox(TOKENS, {
      config: { ...config, slack: { ...config.slack!, timeoutMs: 10_000 } },
    });
    const { id } = await env.store.declare(gatewayDown);
    env.sandbox.faults.addSpec('slack:chat.postMessage:latency=6000:times=1');
    const round = box.flush();
    // The post is out (its attempt journaled) and Slack sits on it for six seconds.
    const deadline = Date.now() + 5_000;
    while (slackCalls('chat.postMessage').length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(slackCalls('chat.postMessage').length, 1, 'the post went out');

    const other = await env.reopen();
    const started = Date.now();
    const { written } = await appendOnce(other, id, (fresh) =>
      fresh.status === 'resolved' ? [] : [{ type: 'resolved', summary: 'Rolled back' }],
    );
    const waited = Date.now() - started;
    assert.equal(written.length, 1);
    assert.ok(waited < 1_000, `the resolution waited ${waited} ms on the delivery round`);

    await round;
    await box.flush();
    assert.equal(channelOf(id).messages.length, 2, 'declaration, then resolution, once each');
  });

  it('never writes a token to the journal', async () => {
    env.sandbox.faults.addSpec('slack:chat.postMessage:503:times=1');
    const box = outbox({ pagerduty: TOKENS.pagerduty, slack: TOKENS.slack });
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(env.store.journalPath(id), 'utf8');
    assert.doesNotMatch(text, /sandbox-(pagerduty|slack)/);
  });
});
