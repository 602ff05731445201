import assert from 'node:assert/strict';

import { PagerDutyClient, type PagerDutyConfig } from '../../../src/platform/pagerduty/client';
import { PagerDutyError } from '../../../src/platform/pagerduty/errors';
import { startServices, type RunningServices } from '../../../sandbox/services/router';
import { SANDBOX_PAGERDUTY_FROM, SANDBOX_TOKENS } from '../../../sandbox/services/tokens';

describe('PagerDuty client against the sandbox', () => {
  let sandbox: RunningServices;
  let config: PagerDutyConfig;
  beforeEach(async () => {
    sandbox = await startServices();
    config = {
      region: 'eu',
      baseUrl: sandbox.endpoints.pagerduty,
      from: SANDBOX_PAGERDUTY_FROM,
      serviceId: 'PFLS001',
      timeoutMs: 1500,
      sdkRetryDelayMs: 10,
    };
  });
  afterEach(async () => {
    await sandbox.stop();
  });

  const client = (token: string = SANDBOX_TOKENS.pagerduty, extra: Partial<PagerDutyConfig> = {}) =>
    new PagerDutyClient({ ...config, ...extra }, token);

  it('opens an incident with its key, acknowledges, adds a note and resolves it', async () => {
    const pd = client();
    const created = await pd.createIncident({
      title: 'API gateway down',
      incidentKey: 'freelms-2026-12-03-api-gateway-down',
    });
    assert.equal(created.status, 'triggered');
    await pd.acknowledge(created.id);
    await pd.addNote(created.id, 'Rolled back deployment/api-gateway');
    assert.deepEqual(
      (await pd.listNotes(created.id)).map((n) => n.content),
      ['Rolled back deployment/api-gateway'],
    );
    await pd.resolve(created.id);
    const writes = sandbox.faults.calls('pagerduty').filter((c) => c.method !== 'GET');
    assert.equal(writes.length, 4);
  });

  it('sends the From header from settings on every write', async () => {
    await assert.rejects(
      client(SANDBOX_TOKENS.pagerduty, { from: '' }).createIncident({
        title: 't',
        incidentKey: 'k',
      }),
      (e: PagerDutyError) => {
        assert.equal(e.status, 400);
        assert.equal(e.code, 2016);
        return true;
      },
    );
  });

  it('says "duplicate key" for a second incident with the same incident_key and finds the first', async () => {
    const pd = client();
    const first = await pd.createIncident({ title: 'x', incidentKey: 'freelms-dup' });
    await assert.rejects(
      pd.createIncident({ title: 'x', incidentKey: 'freelms-dup' }),
      (e: PagerDutyError) => e.kind === 'duplicateKey',
    );
    const found = await pd.findOpenIncident('freelms-dup');
    assert.equal(found?.id, first.id);
    assert.equal(found?.title, 'x');
    assert.equal(found?.serviceName, 'api-gateway');
    assert.match(found?.createdAt ?? '', /^\d{4}-\d{2}-\d{2}T/);
  });

  it('says "already done" when acknowledging twice', async () => {
    const pd = client();
    const created = await pd.createIncident({ title: 'x', incidentKey: 'k2' });
    await pd.acknowledge(created.id);
    await assert.rejects(
      pd.acknowledge(created.id),
      (e: PagerDutyError) => e.kind === 'alreadyDone' && e.code === 1002,
    );
  });

  it('carries service, call and status in a typed error for a bad token, without the token', async () => {
    await assert.rejects(client('wrong-token-value').listTriggered(), (e: unknown) => {
      assert.ok(e instanceof PagerDutyError);
      assert.equal(e.service, 'pagerduty');
      assert.equal(e.call, 'GET /incidents');
      assert.equal(e.status, 401);
      assert.equal(e.kind, 'auth');
      assert.equal(e.transient, false);
      assert.doesNotMatch(e.message, /wrong-token-value/);
      return true;
    });
  });

  it('reports the wait of a 429 from Retry-After once the SDK has spent its own retries', async () => {
    sandbox.faults.addSpec('pagerduty:GET incidents:429:retry-after=7');
    await assert.rejects(client().listTriggered(), (e: PagerDutyError) => {
      assert.equal(e.kind, 'rateLimited');
      assert.equal(e.retryAfterMs, 7000);
      return true;
    });
    // pdjs tries four times in all; it cannot be told not to.
    assert.equal(sandbox.faults.calls('pagerduty').length, 4);
  });

  it('reads the wait from ratelimit-reset when a 429 has no Retry-After, as PagerDuty sends it', async () => {
    sandbox.faults.addSpec('pagerduty:GET incidents:429');
    await assert.rejects(
      client().listTriggered(),
      (e: PagerDutyError) => e.kind === 'rateLimited' && e.retryAfterMs === 1000,
    );
  });

  it('gives up on a call that hangs after its timeout instead of waiting for ever', async () => {
    sandbox.faults.addSpec('pagerduty:timeout');
    const started = Date.now();
    await assert.rejects(
      client(SANDBOX_TOKENS.pagerduty, { timeoutMs: 300 }).listTriggered(),
      (e: PagerDutyError) => e.kind === 'timeout' && e.transient,
    );
    assert.ok(Date.now() - started < 3000);
  });

  it('calls a 503 transient', async () => {
    sandbox.faults.addSpec('pagerduty:503:times=1');
    await assert.rejects(
      client().listTriggered(),
      (e: PagerDutyError) => e.kind === 'unavailable' && e.transient && e.status === 503,
    );
  });

  it('uses the EU or US API from settings when no base URL is given', () => {
    // Reads the private base through the error of a call that cannot leave the machine.
    const eu = new PagerDutyClient(
      { region: 'eu', from: 'a@b', serviceId: 'S' },
      't',
    ) as unknown as { base: string };
    const us = new PagerDutyClient(
      { region: 'us', from: 'a@b', serviceId: 'S' },
      't',
    ) as unknown as { base: string };
    assert.equal(eu.base, 'https://api.eu.pagerduty.com');
    assert.equal(us.base, 'https://api.pagerduty.com');
  });
});
