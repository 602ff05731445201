import assert from 'node:assert/strict';

import { startServices, type RunningServices } from '../../../sandbox/services/router';
import { SANDBOX_STATUS_PAGE_ID, SANDBOX_TOKENS } from '../../../sandbox/services/tokens';

interface Flag {
  flag: string;
  enabled: boolean;
  previous?: boolean;
}

describe('sandbox feature flags, as the runbook drives them', () => {
  let sandbox: RunningServices;
  let switched: Array<[string, boolean]>;
  const admin = { authorization: `Bearer ${SANDBOX_TOKENS.flagsAdmin}` };

  beforeEach(async () => {
    switched = [];
    sandbox = await startServices({
      onFlagChange: (flag, enabled) => switched.push([flag, enabled]),
    });
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  const flagsUrl = () => `${sandbox.endpoints.flags}/admin/feature-flags`;

  it("disables the problematic feature with the runbook's curl, which sends no JSON content type", async () => {
    const response = await fetch(flagsUrl(), {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"flag": "new-feature", "enabled": false}',
    });

    assert.equal(response.status, 200);
    const flag = (await response.json()) as Flag;
    assert.deepEqual([flag.flag, flag.enabled, flag.previous], ['new-feature', false, true]);
    const listed = (await (await fetch(flagsUrl(), { headers: admin })).json()) as {
      flags: Flag[];
    };
    assert.equal(listed.flags.find((entry) => entry.flag === 'new-feature')?.enabled, false);
    assert.deepEqual(switched, [['new-feature', false]], 'the scenario hears of the switch');
  });

  it('answers 401 without a token and 403 with a wrong one, changing nothing', async () => {
    const body = JSON.stringify({ flag: 'new-feature', enabled: false });

    const anonymous = await fetch(flagsUrl(), { method: 'POST', body });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: string }).error, 'Unauthorized');
    const wrong = await fetch(flagsUrl(), {
      method: 'POST',
      body,
      headers: { authorization: 'Bearer guess' },
    });
    assert.equal(wrong.status, 403);

    assert.equal(
      sandbox.state.flags.flags.find((flag) => flag.flag === 'new-feature')?.enabled,
      true,
    );
  });

  it('answers 404 for an unknown flag and 400 for a body that is not a flag change', async () => {
    const unknown = await fetch(flagsUrl(), {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ flag: 'no-such-flag', enabled: false }),
    });
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { message: string }).message, /no-such-flag/);

    const malformed = await fetch(flagsUrl(), {
      method: 'POST',
      headers: admin,
      body: 'flag=new-feature',
    });
    assert.equal(malformed.status, 400);
  });
});

describe('sandbox actuator health', () => {
  let sandbox: RunningServices;
  let gatewayReady = true;
  let dbUp = true;

  beforeEach(async () => {
    gatewayReady = true;
    dbUp = true;
    sandbox = await startServices({
      isApiGatewayReady: () => gatewayReady,
      componentHealth: () => ({ db: dbUp }),
    });
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  interface Health {
    status: string;
    components: Record<string, { status: string }>;
  }

  it('reports UP with db, redis and kafka components while the api-gateway has a ready pod', async () => {
    const response = await fetch(sandbox.endpoints.health);

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /actuator/);
    const health = (await response.json()) as Health;
    assert.equal(health.status, 'UP');
    assert.deepEqual(
      ['db', 'redis', 'kafka'].map((name) => health.components[name]?.status),
      ['UP', 'UP', 'UP'],
    );
  });

  it('reports DOWN with 503 while the api-gateway has no ready pod, and UP again once it has', async () => {
    gatewayReady = false;
    const down = await fetch(sandbox.endpoints.health);
    assert.equal(down.status, 503);
    assert.equal(((await down.json()) as Health).status, 'DOWN');

    gatewayReady = true;
    assert.equal((await fetch(sandbox.endpoints.health)).status, 200);
  });

  it('reports the database DOWN when the scenario says so, while liveness stays UP', async () => {
    dbUp = false;

    const health = (await (await fetch(sandbox.endpoints.health)).json()) as Health;
    assert.equal(health.status, 'DOWN');
    assert.equal(health.components.db?.status, 'DOWN');
    assert.equal((await fetch(`${sandbox.endpoints.health}/liveness`)).status, 200);
    assert.equal((await fetch(`${sandbox.endpoints.health}/readiness`)).status, 503);
  });
});

describe('sandbox status page', () => {
  let sandbox: RunningServices;
  const auth = {
    authorization: `OAuth ${SANDBOX_TOKENS.statusPage}`,
    'content-type': 'application/json',
  };

  beforeEach(async () => {
    sandbox = await startServices();
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  interface StatusIncident {
    id: string;
    name: string;
    status: string;
    resolved_at: string | null;
    incident_updates: Array<{ status: string; body: string }>;
  }

  const incidentsUrl = () =>
    `${sandbox.endpoints.statusPage}/pages/${SANDBOX_STATUS_PAGE_ID}/incidents`;

  async function send(method: string, url: string, incident: object): Promise<Response> {
    return fetch(url, { method, headers: auth, body: JSON.stringify({ incident }) });
  }

  it('opens an incident, posts an update and resolves it, newest update first', async () => {
    const opened = await send('POST', incidentsUrl(), {
      name: 'Course pages failing to load',
      status: 'investigating',
      body: 'We are investigating errors when opening courses.',
    });
    assert.equal(opened.status, 201);
    const { id } = (await opened.json()) as StatusIncident;

    const updated = await send('PATCH', `${incidentsUrl()}/${id}`, {
      status: 'identified',
      body: 'A faulty release was identified and is being rolled back.',
    });
    assert.equal(((await updated.json()) as StatusIncident).status, 'identified');
    const unresolved = (await (
      await fetch(`${incidentsUrl()}/unresolved`, { headers: auth })
    ).json()) as StatusIncident[];
    assert.deepEqual(
      unresolved.map((incident) => incident.id),
      [id],
    );

    const resolved = (await (
      await send('PATCH', `${incidentsUrl()}/${id}`, {
        status: 'resolved',
        body: 'Service restored.',
      })
    ).json()) as StatusIncident;
    assert.equal(resolved.status, 'resolved');
    assert.ok(resolved.resolved_at);
    assert.deepEqual(
      resolved.incident_updates.map((update) => update.status),
      ['resolved', 'identified', 'investigating'],
    );
    const after = (await (
      await fetch(`${incidentsUrl()}/unresolved`, { headers: auth })
    ).json()) as StatusIncident[];
    assert.deepEqual(after, []);
    const all = (await (await fetch(incidentsUrl(), { headers: auth })).json()) as StatusIncident[];
    assert.equal(all.length, 1);
  });

  it('refuses a missing token, an unknown status and an incident without a name', async () => {
    assert.equal((await fetch(incidentsUrl())).status, 401);
    assert.equal(
      (await send('POST', incidentsUrl(), { name: 'x', status: 'on-fire' })).status,
      422,
    );
    assert.equal((await send('POST', incidentsUrl(), { status: 'investigating' })).status, 422);
    assert.equal(
      (await send('PATCH', `${incidentsUrl()}/nosuch`, { status: 'resolved' })).status,
      404,
    );
  });
});
