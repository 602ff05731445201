import assert from 'node:assert/strict';

import { StatusPageClient, type StatusPageConfig } from '../../../src/platform/statuspage/client';
import { StatusPageError } from '../../../src/platform/statuspage/errors';
import { startServices, type RunningServices } from '../../../sandbox/services/router';
import { SANDBOX_STATUS_PAGE_ID, SANDBOX_TOKENS } from '../../../sandbox/services/tokens';

describe('status page client against the sandbox', () => {
  let sandbox: RunningServices;
  let config: StatusPageConfig;
  beforeEach(async () => {
    sandbox = await startServices();
    config = { baseUrl: sandbox.endpoints.statusPage, pageId: SANDBOX_STATUS_PAGE_ID };
  });
  afterEach(async () => {
    await sandbox.stop();
  });

  const client = (
    token: string = SANDBOX_TOKENS.statusPage,
    extra: Partial<StatusPageConfig> = {},
  ) => new StatusPageClient({ ...config, ...extra }, token);
  const opening = {
    name: 'Course pages slow',
    status: 'investigating',
    body: 'We are currently experiencing issues with course-service.',
    impact: 'critical',
  } as const;

  it('opens an incident, posts an update, resolves it and reads it back with its updates', async () => {
    const page = client();
    const created = await page.createIncident(opening);
    assert.equal(created.status, 'investigating');
    assert.equal(created.impact, 'critical');
    assert.match(created.shortlink ?? '', /^https:\/\//);
    assert.deepEqual(
      (await page.listUnresolved()).map((i) => i.id),
      [created.id],
    );

    await page.postUpdate(created.id, { status: 'monitoring', body: 'A fix is out.' });
    await page.resolve(created.id, 'The issues have been resolved.');

    const read = await page.getIncident(created.id);
    assert.equal(read.status, 'resolved');
    assert.match(read.resolvedAt ?? '', /^\d{4}-\d{2}-\d{2}T/);
    assert.deepEqual(
      read.updates.map((u) => [u.status, u.body]),
      [
        ['resolved', 'The issues have been resolved.'],
        ['monitoring', 'A fix is out.'],
        ['investigating', opening.body],
      ],
    );
    assert.deepEqual(await page.listUnresolved(), []);
    const methods = sandbox.faults.calls('statuspage').map((c) => c.method);
    assert.deepEqual(methods, ['POST', 'GET', 'PATCH', 'PATCH', 'GET', 'GET']);
  });

  it('names the FreeLMS incident in the metadata of the one it opens, and reads it back', async () => {
    const page = client();
    const created = await page.createIncident({ ...opening, reference: '2026-12-03-api-down' });
    assert.equal(created.reference, '2026-12-03-api-down');
    assert.equal((await page.getIncident(created.id)).reference, '2026-12-03-api-down');
    const other = await page.createIncident(opening);
    assert.equal(other.reference, undefined, 'one opened without a reference has none');
  });

  it('says "already done" when resolving a resolved incident', async () => {
    const page = client();
    const created = await page.createIncident(opening);
    await page.resolve(created.id, 'done');
    await assert.rejects(page.resolve(created.id, 'done'), (e: StatusPageError) => {
      assert.equal(e.kind, 'alreadyDone');
      assert.equal(e.transient, false);
      return true;
    });
  });

  it('tells to set the token with Set Credentials on a 401, permanent and without the token', async () => {
    await assert.rejects(client('not-the-status-page-token').listUnresolved(), (e: unknown) => {
      assert.ok(e instanceof StatusPageError);
      assert.equal(e.service, 'statuspage');
      assert.equal(e.call, 'GET /incidents/unresolved');
      assert.equal(e.status, 401);
      assert.equal(e.kind, 'auth');
      assert.equal(e.transient, false);
      assert.match(e.message, /Could not authenticate/);
      assert.match(e.message, /"FreeLMS: Set Credentials"/);
      assert.doesNotMatch(e.message, /not-the-status-page-token/);
      return true;
    });
  });

  it('calls a 403 a credentials problem too', async () => {
    sandbox.faults.addSpec('statuspage:403:times=1');
    await assert.rejects(
      client().listUnresolved(),
      (e: StatusPageError) => e.kind === 'auth' && /Set Credentials/.test(e.message),
    );
  });

  it('carries the API’s own text of a 422, as a permanent rejection', async () => {
    await assert.rejects(
      client().createIncident({ ...opening, name: ' ' }),
      (e: StatusPageError) => {
        assert.equal(e.status, 422);
        assert.equal(e.kind, 'rejected');
        assert.equal(e.transient, false);
        assert.equal(e.message, "Status page POST /incidents failed (422): Name can't be blank");
        return true;
      },
    );
  });

  it('reports the wait a 429 asks for in Retry-After, as transient', async () => {
    sandbox.faults.addSpec('statuspage:POST incidents:429:retry-after=7');
    await assert.rejects(client().createIncident(opening), (e: StatusPageError) => {
      assert.equal(e.kind, 'rateLimited');
      assert.equal(e.retryAfterMs, 7000);
      assert.equal(e.transient, true);
      return true;
    });
    assert.equal(sandbox.faults.calls('statuspage').length, 1, 'no retry of its own');
  });

  it('calls a 503, a timeout and a refused connection transient', async () => {
    sandbox.faults.addSpec('statuspage:503:times=1');
    await assert.rejects(
      client().listUnresolved(),
      (e: StatusPageError) => e.kind === 'unavailable' && e.transient && e.status === 503,
    );

    sandbox.faults.addSpec('statuspage:timeout:times=1');
    await assert.rejects(
      client(SANDBOX_TOKENS.statusPage, { timeoutMs: 300 }).listUnresolved(),
      (e: StatusPageError) => e.kind === 'timeout' && e.transient,
    );

    const base = sandbox.endpoints.statusPage;
    await sandbox.stop();
    await assert.rejects(client().listUnresolved(), (e: StatusPageError) => {
      assert.equal(e.kind, 'network');
      assert.ok(e.transient);
      assert.ok(e.message.includes(base), 'names the address it could not reach');
      return true;
    });
    sandbox = await startServices();
  });

  it('says which setting to check when the page is not found', async () => {
    await assert.rejects(
      client(SANDBOX_TOKENS.statusPage, { pageId: 'nosuchpage' }).listUnresolved(),
      (e: StatusPageError) =>
        e.kind === 'notFound' && /freelms\.statusPage\.pageId \(nosuchpage\)/.test(e.message),
    );
  });
});
