import assert from 'node:assert/strict';

import type { DeliveryState } from '../../../src/incident/deliveries';
import type { OutboxSecrets } from '../../../src/incident/outbox';
import { StatusPageClient } from '../../../src/platform/statuspage/client';
import { SANDBOX_STATUS_PAGE_ID, SANDBOX_TOKENS } from '../../../sandbox/services/tokens';
import { gatewayDown } from './helpers';
import { outboxSandbox } from './outboxSandbox';

const ALL: OutboxSecrets = {
  pagerduty: SANDBOX_TOKENS.pagerduty,
  slack: SANDBOX_TOKENS.slack,
  statusPage: SANDBOX_TOKENS.statusPage,
};
const PAGE_ONLY: OutboxSecrets = { statusPage: SANDBOX_TOKENS.statusPage };

describe('outbox to the status page (sandbox)', () => {
  const env = outboxSandbox('outbox-statuspage', (endpoints) => ({
    statusPage: { baseUrl: endpoints.statusPage, pageId: SANDBOX_STATUS_PAGE_ID, timeoutMs: 500 },
  }));
  const outbox = (secrets: OutboxSecrets = ALL) => env.outbox(secrets);

  const pageIncidents = () => env.sandbox.state.statusPage.incidents;
  const pageOf = (id: string | undefined) => pageIncidents().find((i) => i.id === id)!;
  const pageWrites = () => env.sandbox.faults.calls('statuspage').filter((c) => c.method !== 'GET');
  const ofPage = (states: DeliveryState[]) => states.filter((d) => d.target === 'statuspage');

  it('publishes a P1, its customer update, monitoring and the resolution, once each', async () => {
    const box = outbox();
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();
    const incident = (await env.store.get(id))!;
    assert.equal(pageIncidents().length, 1);
    const page = pageIncidents()[0]!;
    assert.deepEqual(incident.statusPage, { incidentId: page.id, url: page.shortlink });
    assert.equal(page.name, 'API gateway down');
    assert.equal(page.impact, 'critical');

    await env.store.append(id, [
      { type: 'update.posted', audience: 'customer', text: 'Logins fail; a fix is on its way.' },
      { type: 'status.changed', status: 'monitoring' },
      { type: 'resolved', impact: 'every learner for 20 minutes', by: 'Dana' },
    ]);
    await box.flush();

    assert.equal(page.status, 'resolved');
    assert.deepEqual(page.incident_updates.map((u) => u.status).reverse(), [
      'investigating',
      'investigating',
      'monitoring',
      'resolved',
    ]);
    assert.equal(page.incident_updates[2]!.body, 'Logins fail; a fix is on its way.');
    assert.match(
      page.incident_updates[0]!.body,
      /^The issues with api-gateway have been resolved\./,
    );
    assert.match(page.incident_updates[0]!.body, /\nImpact: every learner for 20 minutes\n/);
    assert.equal(pageWrites().length, 4);

    // Slack's resolution message links the page incident customers followed.
    const channel = env.sandbox.state.slack.model.channels.find(
      (c) => c.name === `incident-${id}`,
    )!;
    const resolution = channel.messages.at(-1)!.text;
    assert.match(resolution, /^\*✅ INCIDENT RESOLVED\*/);
    assert.ok(resolution.includes(`*Status page:* ${page.shortlink}`));
    const states = await box.deliveries(id);
    assert.ok(
      states.every((d) => d.status === 'sent'),
      JSON.stringify(states.map((d) => d.status)),
    );
  });

  it('opens exactly one page incident when a crashed window created it but journaled no answer', async () => {
    const { id, events } = await env.store.declare(gatewayDown);
    // The crashed window journaled its attempt and reached the page, then died.
    await env.store.append(id, {
      type: 'delivery.attempted',
      key: `${events[0]!.id}:sp.create`,
      attempt: 1,
    });
    const crashed = await new StatusPageClient(
      env.config().statusPage!,
      ALL.statusPage!,
    ).createIncident({
      name: gatewayDown.title,
      status: 'investigating',
      body: 'We are currently experiencing issues with api-gateway.',
      reference: id,
    });

    await outbox(PAGE_ONLY).flush();

    assert.equal(pageIncidents().length, 1, 'exactly one page incident');
    assert.equal((await env.store.get(id))!.statusPage?.incidentId, crashed.id);
    const create = (await outbox(PAGE_ONLY).deliveries(id)).find((d) => d.op === 'sp.create')!;
    assert.equal(create.status, 'sent');
    assert.equal(create.note, 'found on the status page after a lost answer');
    assert.equal(pageWrites().length, 1, 'only the crashed window’s create');
  });

  it('tells two incidents under the same customer title apart after a lost answer', async () => {
    const box = outbox(PAGE_ONLY);
    const first = await env.store.declare({ ...gatewayDown, publicTitle: 'Courses load slowly' });
    await box.flush();
    // The second's create lands but its answer never comes back; the retry looks on the page.
    env.sandbox.faults.addSpec('statuspage:POST incidents:timeout:times=1');
    const second = await env.store.declare({
      ...gatewayDown,
      title: 'Video transcoder backlog',
      publicTitle: 'Courses load slowly',
    });
    await box.flush();
    await env.store.append(second.id, { type: 'resolved', by: 'Dana' });
    await box.flush();

    const firstPage = (await env.store.get(first.id))!.statusPage?.incidentId;
    const secondPage = (await env.store.get(second.id))!.statusPage?.incidentId;
    assert.ok(firstPage && secondPage);
    assert.notEqual(secondPage, firstPage, 'each incident its own page incident');
    assert.equal(pageOf(firstPage).status, 'investigating', 'the first is not resolved');
    assert.equal(pageOf(secondPage).status, 'resolved');
    assert.equal(
      pageIncidents().filter((page) => page.name === 'Courses load slowly').length,
      2,
      'the timed-out create was found, not made again',
    );
  });

  it('creates the page incident when the crashed window’s attempt never reached the page', async () => {
    const { id, events } = await env.store.declare(gatewayDown);
    await env.store.append(id, {
      type: 'delivery.attempted',
      key: `${events[0]!.id}:sp.create`,
      attempt: 1,
    });
    await outbox(PAGE_ONLY).flush();
    assert.equal(pageIncidents().length, 1);
    assert.equal((await env.store.get(id))!.statusPage?.incidentId, pageIncidents()[0]!.id);
  });

  it('does not open or update twice when the answer was cut off on the way back', async () => {
    env.sandbox.faults.addSpec('statuspage:POST incidents:cut=5:times=1');
    const box = outbox(PAGE_ONLY);
    const { id } = await env.store.declare(gatewayDown);
    await env.store.append(id, {
      type: 'update.posted',
      audience: 'statusPage',
      text: 'Still on it.',
    });
    env.sandbox.faults.addSpec('statuspage:PATCH incidents/*:cut=5:times=1');
    await box.flush();

    assert.equal(pageIncidents().length, 1);
    const page = pageOf((await env.store.get(id))!.statusPage?.incidentId);
    assert.deepEqual(
      page.incident_updates.map((u) => u.body).filter((b) => b === 'Still on it.'),
      ['Still on it.'],
    );
    assert.deepEqual(
      ofPage(await box.deliveries(id)).map((d) => d.note),
      [
        'found on the status page after a lost answer',
        'found on the status page after a lost answer',
      ],
    );
  });

  it('waits out a 429 as long as Retry-After says and opens the incident once', async () => {
    env.sandbox.faults.addSpec('statuspage:POST incidents:429:retry-after=1:times=1');
    const box = outbox(PAGE_ONLY);
    const { id } = await env.store.declare(gatewayDown);
    const started = Date.now();
    await box.flush();
    assert.ok(Date.now() - started >= 1000, 'Retry-After honoured');
    assert.equal(pageIncidents().length, 1);
    assert.equal(ofPage(await box.deliveries(id))[0]!.status, 'sent');
  });

  it('holds the updates behind a refused token, says to set it, and sends all on retry', async () => {
    const secrets: OutboxSecrets = { statusPage: 'not-the-token' };
    const box = outbox(secrets);
    const { id } = await env.store.declare(gatewayDown);
    await env.store.append(id, {
      type: 'update.posted',
      audience: 'customer',
      text: 'Working on it.',
    });
    await box.flush();
    const [create, update] = ofPage(await box.deliveries(id));
    assert.equal(create!.status, 'failed');
    assert.match(create!.reason!, /401.*FreeLMS: Set Credentials/);
    assert.equal(update!.status, 'blocked');
    assert.match(update!.reason!, /^waiting for "Status page: open "API gateway down""/);

    secrets.statusPage = SANDBOX_TOKENS.statusPage;
    await box.retry(id, create!.key);
    assert.ok(ofPage(await box.deliveries(id)).every((d) => d.status === 'sent'));
    assert.equal(pageIncidents().length, 1);
    assert.equal(pageIncidents()[0]!.incident_updates[0]!.body, 'Working on it.');
  });

  it('counts resolving an incident someone already resolved on the page as done', async () => {
    const box = outbox(PAGE_ONLY);
    const { id } = await env.store.declare(gatewayDown);
    await box.flush();
    const pageId = (await env.store.get(id))!.statusPage!.incidentId;
    await new StatusPageClient(env.config().statusPage!, ALL.statusPage!).resolve(pageId, 'Fixed.');
    await env.store.append(id, { type: 'resolved' });
    await box.flush();
    const resolve = ofPage(await box.deliveries(id)).find((d) => d.op === 'sp.resolve')!;
    assert.equal(resolve.status, 'sent');
    assert.equal(resolve.note, 'already resolved on the status page');
    assert.equal(pageOf(pageId).incident_updates.length, 2, 'no second resolution posted');
  });
});
