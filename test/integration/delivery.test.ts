import assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { Commands } from '../../src/ui/ids';
import { control, sandbox, until } from './sandbox';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
}

interface Call {
  method: string;
  path: string;
  status: number;
}

async function calls(service: string): Promise<Call[]> {
  return ((await control('GET', `/calls?service=${service}`)) as { calls: Call[] }).calls;
}

describe('declaring pages PagerDuty and opens the Slack channel through the outbox', function () {
  before(function () {
    if (!sandbox()) this.skip();
  });

  afterEach(async () => {
    await control('DELETE', '/faults');
  });

  it('opens the PagerDuty incident and #incident-<id> with the declaration, each exactly once', async () => {
    const { delivery } = await api();
    await control('DELETE', '/calls');
    const id = await vscode.commands.executeCommand<string>(Commands.declareIncident, {
      title: 'Course pages time out',
      severity: 'P2',
    });
    const states = await until(
      async () => {
        const all = await delivery.deliveries(id);
        const declaration = ['pd.create', 'slack.channel', 'slack.message'].map((op) =>
          all.find((state) => state.op === op),
        );
        const done = declaration.every(Boolean) && all.every((state) => state.status === 'sent');
        return done ? all : undefined;
      },
      'the declaration to be delivered',
      20_000,
      async () =>
        (await delivery.deliveries(id)).map((state) => [state.op, state.status, state.reason]),
    );
    assert.ok(states.length >= 3);

    const pagerduty = await calls('pagerduty');
    assert.equal(
      pagerduty.filter((call) => call.method === 'POST' && /\/incidents$/.test(call.path)).length,
      1,
    );
    const slack = await calls('slack');
    assert.equal(slack.filter((call) => call.path.endsWith('conversations.create')).length, 1);
    const posts = slack.filter((call) => call.path.endsWith('chat.postMessage'));
    const planned = states.filter((state) => state.op === 'slack.message').length;
    assert.equal(posts.length, planned, 'one chat.postMessage per planned message, none twice');
  });

  it('declares locally while PagerDuty answers 503, shows the delivery pending, and sends it once the fault is lifted', async () => {
    const { delivery, store } = await api();
    await control('POST', '/faults', { spec: 'pagerduty:POST /incidents:503' });
    const id = await vscode.commands.executeCommand<string>(Commands.declareIncident, {
      title: 'Logins fail for SSO users',
      severity: 'P1',
      createSlackChannel: false,
    });
    assert.equal((await store.get(id))?.severity, 'P1', 'the incident is written locally');
    const pending = await until(async () => {
      const create = (await delivery.deliveries(id)).find((state) => state.op === 'pd.create');
      return create && create.attempts > 0 && create.status !== 'sent' ? create : undefined;
    }, 'a failed attempt at opening the PagerDuty incident');
    assert.match(pending.status, /pending|failed/);
    assert.ok(
      (await delivery.deliveries(id)).every((state) => state.target !== 'slack'),
      'nothing goes to Slack when the responder did not ask for the channel',
    );

    await control('DELETE', '/faults');
    await vscode.commands.executeCommand(Commands.retryDelivery, {
      incidentId: id,
      key: pending.key,
    });
    await until(
      async () => {
        const create = (await delivery.deliveries(id)).find((state) => state.op === 'pd.create');
        return create?.status === 'sent' ? create : undefined;
      },
      'the PagerDuty incident to be opened after the fault',
      40_000,
    );
  });
});

describe('acknowledging and joining PagerDuty incidents', function () {
  before(function () {
    if (!sandbox()) this.skip();
  });

  async function pagerduty(
    path: string,
  ): Promise<{ incidents: Array<{ id: string; status: string; title: string }> }> {
    const endpoints = sandbox()!;
    const response = await fetch(`${endpoints.pagerduty}${path}`, {
      headers: {
        authorization: `Token token=${endpoints.sandboxAccess.tokens.pagerduty}`,
        accept: 'application/vnd.pagerduty+json;version=2',
      },
    });
    return (await response.json()) as {
      incidents: Array<{ id: string; status: string; title: string }>;
    };
  }

  it('acknowledges a triggered alert: a local incident with the PagerDuty link, acknowledged there through the outbox', async () => {
    const { store } = await api();
    await control('POST', '/services/reset');
    const [triggered] = (await pagerduty('/incidents?statuses[]=triggered')).incidents;
    assert.ok(triggered, 'the sandbox has a triggered incident');

    const id = await vscode.commands.executeCommand<string>(Commands.acknowledgeAlert, {
      pagerdutyIncidentId: triggered.id,
      severity: 'P2',
    });
    const incident = (await store.get(id))!;
    assert.equal(incident.title, triggered.title);
    assert.equal(incident.pagerduty?.incidentId, triggered.id);
    assert.ok(incident.acknowledgedAt, 'acknowledged on the timeline');

    await until(async () => {
      const { incidents } = await pagerduty('/incidents?statuses[]=acknowledged');
      return incidents.some((candidate) => candidate.id === triggered.id) ? true : undefined;
    }, 'PagerDuty to show the incident acknowledged');

    const again = await vscode.commands.executeCommand<string>(Commands.joinIncident, {
      pagerdutyIncidentId: triggered.id,
    });
    assert.equal(again, id, 'joining the same PagerDuty incident again reuses the local one');
  });
});
