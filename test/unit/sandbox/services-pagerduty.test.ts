import assert from 'node:assert/strict';

import { api } from '@pagerduty/pdjs';

import { startServices, type RunningServices } from '../../../sandbox/services/router';
import { SANDBOX_PAGERDUTY_FROM, SANDBOX_TOKENS } from '../../../sandbox/services/tokens';

type Method = 'get' | 'post' | 'put';

describe('sandbox PagerDuty, driven by the official @pagerduty/pdjs', () => {
  let sandbox: RunningServices;

  beforeEach(async () => {
    sandbox = await startServices();
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  /**
   * pdjs forces `https://` when given `server`, so every call passes the full `url`.
   * `requestTimeout: 0` because pdjs otherwise leaves a 30 s timer behind on a final 429;
   * `retryTimeout` shortens its fixed 20 s pause between 429 retries.
   */
  function pd(token: string = SANDBOX_TOKENS.pagerduty) {
    const client = api({ token, requestTimeout: 0, retryTimeout: 5 });
    return (method: Method, path: string, options: { data?: object; from?: string | null } = {}) =>
      client[method](path, {
        url: `${sandbox.endpoints.pagerduty}${path}`,
        ...(options.data === undefined ? {} : { data: options.data }),
        headers: options.from === null ? {} : { From: options.from ?? SANDBOX_PAGERDUTY_FROM },
      });
  }

  function newIncident(title: string, key?: string, service = 'PFLS001'): object {
    return {
      incident: {
        type: 'incident',
        title,
        service: { id: service, type: 'service_reference' },
        urgency: 'high',
        ...(key === undefined ? {} : { incident_key: key }),
        body: { type: 'incident_body', details: 'Declared from the FreeLMS runbook' },
      },
    };
  }

  async function create(title: string, key?: string) {
    const response = await pd()('post', '/incidents', { data: newIncident(title, key) });
    assert.equal(response.status, 201, JSON.stringify(response.data));
    return response;
  }

  it('lists the triggered incidents seeded on the FreeLMS services', async () => {
    const response = await pd()('get', '/incidents', { data: { 'statuses[]': ['triggered'] } });

    assert.equal(response.status, 200);
    const incidents = response.resource as Array<{ status: string; service: { summary: string } }>;
    assert.ok(incidents.length >= 1);
    assert.ok(incidents.every((incident) => incident.status === 'triggered'));
    assert.ok(incidents.some((incident) => incident.service.summary === 'api-gateway'));
    assert.equal(response.data.total, null, 'total is only counted when asked for');
    assert.equal(response.data.offset, 0);
  });

  it('filters by service and pages with limit, offset, more and total', async () => {
    const list = pd();
    const acked = await list('get', '/incidents', {
      data: { 'statuses[]': ['acknowledged'], 'service_ids[]': ['PFLS004'], total: true },
    });
    assert.equal(acked.data.total, 1);
    assert.equal(acked.resource[0].title, 'payment-service: p99 latency above 2 s');

    const first = await list('get', '/incidents', { data: { limit: 1, total: true } });
    assert.equal(first.resource.length, 1);
    assert.equal(first.data.more, true);
    assert.ok(first.next !== undefined, 'pdjs offers the next page');
    const second = await first.next();
    assert.equal(second.data.offset, 1);
    assert.notEqual(second.resource[0].id, first.resource[0].id);
  });

  it('creates an incident with an incident key and refuses a duplicate while it is open', async () => {
    const created = await create('Course enrolment failing', 'freelms/course-service/enrol-5xx');
    assert.equal(created.resource.status, 'triggered');
    assert.equal(created.resource.incident_key, 'freelms/course-service/enrol-5xx');
    assert.match(created.resource.summary, /^\[#\d+\] Course enrolment failing$/);

    const duplicate = await pd()('post', '/incidents', {
      data: newIncident('Course enrolment failing again', 'freelms/course-service/enrol-5xx'),
    });
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.data.error.code, 2001);
    assert.deepEqual(duplicate.data.error.errors, [
      'Open incident with matching dedup key already exists on this service',
    ]);

    const resolved = await pd()('put', `/incidents/${created.resource.id}`, {
      data: { incident: { type: 'incident_reference', status: 'resolved' } },
    });
    assert.equal(resolved.status, 200);
    const again = await create(
      'Course enrolment failing, once more',
      'freelms/course-service/enrol-5xx',
    );
    assert.notEqual(again.resource.id, created.resource.id, 'a resolved key may be used again');
  });

  it('acknowledges then resolves an incident and records both in its log entries', async () => {
    const { resource: incident } = await create('Payments timing out');
    const call = pd();

    const acked = await call('put', `/incidents/${incident.id}`, {
      data: { incident: { type: 'incident_reference', status: 'acknowledged' } },
    });
    assert.equal(acked.data.incident.status, 'acknowledged');
    assert.equal(acked.data.incident.acknowledgements[0].acknowledger.summary, 'Dana Okafor');

    const ackedAgain = await call('put', `/incidents/${incident.id}`, {
      data: { incident: { type: 'incident_reference', status: 'acknowledged' } },
    });
    assert.equal(ackedAgain.status, 400);
    assert.deepEqual(ackedAgain.data.error, {
      message: 'Incident Already Acknowledged',
      code: 1002,
    });

    const resolved = await call('put', `/incidents/${incident.id}`, {
      data: { incident: { type: 'incident_reference', status: 'resolved' } },
    });
    assert.equal(resolved.data.incident.status, 'resolved');
    assert.ok(resolved.data.incident.resolved_at);

    const resolvedAgain = await call('put', `/incidents/${incident.id}`, {
      data: { incident: { type: 'incident_reference', status: 'resolved' } },
    });
    assert.equal(resolvedAgain.data.error.code, 1001);

    const log = await call('get', `/incidents/${incident.id}/log_entries`);
    assert.deepEqual(
      log.data.log_entries.map((entry: { type: string }) => entry.type),
      ['resolve_log_entry', 'acknowledge_log_entry', 'trigger_log_entry'],
    );
  });

  it('acknowledges several incidents in one bulk update, or none if one cannot be', async () => {
    const a = await create('Login errors');
    const b = await create('Search slow');
    const call = pd();

    const refused = await call('put', '/incidents', {
      data: {
        incidents: [
          { id: a.resource.id, type: 'incident_reference', status: 'acknowledged' },
          { id: b.resource.id, type: 'incident_reference', status: 'snoozed' },
        ],
      },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.data.error.code, 1003);
    const stillTriggered = await call('get', `/incidents/${a.resource.id}`);
    assert.equal(stillTriggered.data.incident.status, 'triggered');

    const bulk = await call('put', '/incidents', {
      data: {
        incidents: [a, b].map((created) => ({
          id: created.resource.id,
          type: 'incident_reference',
          status: 'acknowledged',
        })),
      },
    });
    assert.equal(bulk.status, 200);
    assert.deepEqual(
      bulk.data.incidents.map((incident: { status: string }) => incident.status),
      ['acknowledged', 'acknowledged'],
    );
  });

  it('adds a note to the incident timeline and lists it', async () => {
    const { resource: incident } = await create('Notifications delayed');
    const call = pd();

    const note = await call('post', `/incidents/${incident.id}/notes`, {
      data: { note: { content: 'Rolled back notification-service to revision 41' } },
    });
    assert.equal(note.status, 201);
    assert.equal(note.data.note.content, 'Rolled back notification-service to revision 41');
    assert.equal(note.data.note.user.type, 'user_reference');

    const notes = await call('get', `/incidents/${incident.id}/notes`);
    assert.deepEqual(
      notes.data.notes.map((entry: { content: string }) => entry.content),
      ['Rolled back notification-service to revision 41'],
    );
    const log = await call('get', `/incidents/${incident.id}/log_entries`);
    assert.equal(log.data.log_entries[0].type, 'annotate_log_entry');
  });

  it('refuses a write without a From header, and creates nothing', async () => {
    const before = await pd()('get', '/incidents', { data: { total: true } });

    const response = await pd()('post', '/incidents', {
      data: newIncident('No requester'),
      from: null,
    });

    assert.equal(response.status, 400);
    assert.equal(response.data.error.code, 2016);
    assert.match(response.data.error.message, /"From" header/);
    const after = await pd()('get', '/incidents', { data: { total: true } });
    assert.equal(after.data.total, before.data.total);
  });

  it("answers 401 with PagerDuty's error body for a wrong token", async () => {
    const response = await pd('not-the-sandbox-token')('get', '/incidents');

    assert.equal(response.status, 401);
    assert.deepEqual(response.data, { error: { message: 'Authentication failed', code: 2006 } });
  });

  it('answers 404 with code 2100 for an unknown incident', async () => {
    const response = await pd()('get', '/incidents/QNOSUCH');

    assert.equal(response.status, 404);
    assert.deepEqual(response.data, { error: { message: 'Not Found', code: 2100 } });
  });

  it('rate limits with 429, code 2020 and the ratelimit headers; pdjs retries and gets through', async () => {
    sandbox.faults.addSpec('pagerduty:POST /incidents:429:times=1');

    const created = await create('Created after one rate-limited attempt');

    assert.equal(created.resource.title, 'Created after one rate-limited attempt');
    const posts = sandbox.faults.calls('pagerduty').filter((call) => call.method === 'POST');
    assert.equal(posts.length, 2);
    assert.ok(posts[0]!.fault !== undefined && posts[1]!.fault === undefined);
    const list = await pd()('get', '/incidents', {
      data: { incident_key: created.resource.incident_key, total: true },
    });
    assert.equal(list.data.total, 1, 'the rate-limited attempt created nothing');
  });

  it('hands the final 429 to the caller once pdjs has spent its retries', async () => {
    sandbox.faults.addSpec('pagerduty:GET /incidents:429:retry-after=7');

    const response = await pd()('get', '/incidents');

    assert.equal(response.status, 429);
    assert.deepEqual(response.data, { error: { message: 'Rate Limit Exceeded', code: 2020 } });
    assert.equal(response.headers.get('ratelimit-limit'), '960');
    assert.equal(response.headers.get('ratelimit-remaining'), '0');
    assert.equal(response.headers.get('ratelimit-reset'), '7');
    assert.equal(sandbox.faults.calls('pagerduty').length, 4, 'one call and three retries');
  });

  it('lists the FreeLMS services', async () => {
    const response = await pd()('get', '/services');

    assert.deepEqual(
      response.resource.map((service: { name: string }) => service.name),
      ['api-gateway', 'course-service', 'user-service', 'payment-service', 'notification-service'],
    );
  });
});
