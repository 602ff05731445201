import assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { Commands } from '../../src/ui/ids';
import { sandbox, until } from './sandbox';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
}

interface PageIncident {
  id: string;
  name: string;
  status: string;
  impact: string;
  shortlink: string;
  incident_updates: Array<{ status: string; body: string }>;
}

/** Reads the sandbox's status page as a customer-facing page's API would be read. */
async function pageIncident(id: string): Promise<PageIncident> {
  const endpoints = sandbox()!;
  const url = `${endpoints.statusPage}/pages/${endpoints.sandboxAccess.statusPageId}/incidents/${id}`;
  const response = await fetch(url, {
    headers: { authorization: `OAuth ${endpoints.sandboxAccess.tokens.statusPage}` },
  });
  assert.equal(response.status, 200, `GET ${url}`);
  return (await response.json()) as PageIncident;
}

async function slackHistory(channel: string): Promise<Array<{ text: string }>> {
  const endpoints = sandbox()!;
  const response = await fetch(`${endpoints.slack}conversations.history?channel=${channel}`, {
    headers: { authorization: `Bearer ${endpoints.sandboxAccess.tokens.slack}` },
  });
  const answer = (await response.json()) as { ok: boolean; messages?: Array<{ text: string }> };
  assert.ok(answer.ok, `conversations.history of ${channel}: ${JSON.stringify(answer)}`);
  return answer.messages ?? [];
}

async function pagerdutyStatus(id: string): Promise<string> {
  const endpoints = sandbox()!;
  const response = await fetch(`${endpoints.pagerduty}/incidents/${id}`, {
    headers: {
      authorization: `Token token=${endpoints.sandboxAccess.tokens.pagerduty}`,
      accept: 'application/vnd.pagerduty+json;version=2',
    },
  });
  return ((await response.json()) as { incident: { status: string } }).incident.status;
}

describe('the status page and the resolution reach customers, Slack and PagerDuty', function () {
  before(function () {
    if (!sandbox()) this.skip();
  });

  it('publishes a P1 at declaration, posts the customer update, and resolves everywhere', async () => {
    const { store } = await api();
    // Customers read the title given for them, not the responders' own.
    const title = 'Learners cannot open courses';
    const id = await vscode.commands.executeCommand<string>(Commands.declareIncident, {
      title: 'api-gateway 503 on every course page',
      publicTitle: title,
      severity: 'P1',
      affectedServices: ['api-gateway'],
      usersImpacted: 'every learner',
    });

    const linked = await until(
      async () => {
        const incident = await store.get(id);
        return incident?.statusPage && incident.pagerduty && incident.slack ? incident : undefined;
      },
      'the status page incident, PagerDuty incident and channel to be linked',
      30_000,
      async () => (await store.get(id))?.events.filter((e) => e.type.startsWith('delivery.')),
    );
    const pageId = linked.statusPage!.incidentId;
    const opened = await pageIncident(pageId);
    assert.equal(opened.name, title);
    assert.equal(opened.status, 'investigating');
    assert.equal(opened.impact, 'critical');
    assert.equal(linked.statusPage!.url, opened.shortlink);
    assert.match(opened.incident_updates[0]!.body, /experiencing issues with api-gateway/);

    const text = 'Some learners cannot open courses. We have found the cause & are fixing it.';
    await vscode.commands.executeCommand(Commands.postUpdate, {
      incidentId: id,
      template: 'customer',
      text,
    });
    await until(
      async () =>
        (await pageIncident(pageId)).incident_updates.some((u) => u.body === text)
          ? true
          : undefined,
      'the customer update on the status page',
    );

    await vscode.commands.executeCommand(Commands.resolveIncident, {
      incidentId: id,
      summary: 'Rolled back api-gateway to the previous revision',
      rootCause: 'A route table that sent every request to a removed upstream',
      impact: 'Every learner for 40 minutes; no data at risk',
    });

    const resolved = await until(async () => {
      const page = await pageIncident(pageId);
      return page.status === 'resolved' ? page : undefined;
    }, 'the status page incident to be resolved');
    const last = resolved.incident_updates[0]!;
    assert.equal(last.status, 'resolved');
    assert.match(last.body, /^The issues with api-gateway have been resolved\.\n/);
    assert.match(last.body, /\nDuration: .+ UTC\)\n/);
    assert.match(last.body, /\nImpact: Every learner for 40 minutes; no data at risk\n/);
    assert.doesNotMatch(last.body, /route table/, 'the root cause stays internal');
    assert.equal(
      resolved.incident_updates.filter((u) => u.body === text).length,
      1,
      'the customer update went to the page once',
    );

    const resolution = await until(
      async () =>
        (await slackHistory(linked.slack!.channelId)).find((m) =>
          m.text.startsWith('*✅ INCIDENT RESOLVED*'),
        ),
      'the resolution message in the incident channel',
    );
    assert.match(resolution.text, /\n\*Duration:\* .+ UTC\)\n/);
    assert.match(resolution.text, /\n\*Root cause:\* A route table/);
    assert.match(resolution.text, /\n\*Impact:\* Every learner for 40 minutes; no data at risk\n/);
    assert.ok(resolution.text.includes(`*Status page:* ${opened.shortlink}`));

    await until(
      async () =>
        (await pagerdutyStatus(linked.pagerduty!.incidentId)) === 'resolved' ? true : undefined,
      'the PagerDuty incident to be resolved',
    );
  });
});
