import assert from 'node:assert/strict';

import { startSandbox, type Sandbox } from '../../../sandbox/index';
import { FAST_TIMINGS } from './kube-harness';
import { apiClient, TABLE, type Status } from './kube-http';

/** The API as any client sees it over HTTP, reading: Status errors, paging, watch, tables, discovery. */
describe('sandbox Kubernetes API over HTTP', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let base: string;
  const { get, send, watch } = apiClient(() => base);

  beforeEach(async () => {
    sandbox = await startSandbox({ timings: FAST_TIMINGS, watchHistory: 200 });
    base = sandbox.endpoints.kubernetes;
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('answers a missing pod with a NotFound Status, as kubectl expects', async () => {
    const { status, body } = await get('/api/v1/namespaces/freelms/pods/grafana');
    assert.equal(status, 404);
    assert.deepEqual(body as Status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "grafana" not found',
      reason: 'NotFound',
      details: { name: 'grafana', kind: 'pods' },
      code: 404,
    });
    const deploy = await get('/apis/apps/v1/namespaces/freelms/deployments/nope');
    assert.equal(deploy.body.message, 'deployments.apps "nope" not found');
    assert.equal(deploy.body.details.group, 'apps');
  });

  it('refuses a duplicate, a stale update, an invalid selector and a bad label selector', async () => {
    const current = (await get('/apis/apps/v1/namespaces/freelms/deployments/user-service')).body;
    const duplicate = await send('POST', '/apis/apps/v1/namespaces/freelms/deployments', {
      ...current,
      metadata: { name: 'user-service' },
    });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.reason, 'AlreadyExists');

    const stale = structuredClone(current);
    stale.metadata.resourceVersion = '1';
    stale.spec.replicas = 5;
    const conflict = await send(
      'PUT',
      '/apis/apps/v1/namespaces/freelms/deployments/user-service',
      stale,
    );
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.reason, 'Conflict');
    assert.match(conflict.body.message, /the object has been modified/);

    const mismatch = await send('POST', '/apis/apps/v1/namespaces/freelms/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: {
          metadata: { labels: { app: 'b' } },
          spec: { containers: [{ name: 'c', image: 'i' }] },
        },
      },
    });
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.reason, 'Invalid');

    const badSelector = await get('/api/v1/namespaces/freelms/pods?labelSelector=app%20in%20(a');
    assert.equal(badSelector.status, 400);
    assert.equal(badSelector.body.reason, 'BadRequest');

    const missingNs = await send('POST', '/api/v1/namespaces/nowhere/pods', {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    assert.equal(missingNs.status, 404);
    assert.equal(missingNs.body.message, 'namespaces "nowhere" not found');
  });

  it('pages a list with limit and continue, without losing or repeating a pod', async () => {
    const all = (await get('/api/v1/pods')).body;
    const names: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = (
        await get(`/api/v1/pods?limit=5${token ? `&continue=${encodeURIComponent(token)}` : ''}`)
      ).body;
      names.push(
        ...page.items.map(
          (p: { metadata: { namespace: string; name: string } }) =>
            `${p.metadata.namespace}/${p.metadata.name}`,
        ),
      );
      token = page.metadata.continue ?? '';
      if (token) assert.equal(page.metadata.remainingItemCount, all.items.length - names.length);
      pages++;
    } while (token && pages < 100);
    assert.equal(pages, Math.ceil(all.items.length / 5));
    assert.equal(new Set(names).size, all.items.length);

    const selected = (
      await get(
        '/api/v1/namespaces/freelms/pods?labelSelector=app%3Dapi-gateway&fieldSelector=status.phase%3DRunning',
      )
    ).body;
    assert.ok(
      selected.items.every(
        (p: { metadata: { labels: { app: string } } }) => p.metadata.labels.app === 'api-gateway',
      ),
    );
  });

  it('answers Gone for a continue token or a watch version older than the history it keeps', async () => {
    const first = (await get('/api/v1/pods?limit=2')).body;
    const watchFrom = first.metadata.resourceVersion;
    for (let i = 0; i < 250; i++) {
      sandbox.store.mutate('namespaces', undefined, 'default', (ns) => {
        ns.metadata.annotations = { touched: String(i) };
      });
    }
    const expired = await get(
      `/api/v1/pods?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`,
    );
    assert.equal(expired.status, 410);
    assert.equal(expired.body.reason, 'Expired');

    const events = await watch(
      `/api/v1/pods?watch=true&resourceVersion=${watchFrom}`,
      (e) => e.length >= 1,
    );
    assert.equal(events[0].type, 'ERROR');
    assert.equal(events[0].object.code, 410);
    assert.match(events[0].object.message, /^too old resource version: \d+ \(\d+\)$/);
  });

  it('ends the initial events of a watch with the bookmark rollout status waits for', async () => {
    const events = await watch(
      '/apis/apps/v1/namespaces/freelms/deployments?fieldSelector=metadata.name%3Duser-service&watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan',
      (e) => e.some((x) => x.type === 'BOOKMARK'),
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'BOOKMARK'],
    );
    assert.equal(events[0].object.metadata.name, 'user-service');
    assert.equal(events[1].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  it('streams only the changes after the version a watch starts from', async () => {
    const list = (await get('/api/v1/namespaces/freelms/pods?labelSelector=app%3Dpayment-service'))
      .body;
    const victim = list.items[0].metadata.name;
    const watching = watch(
      `/api/v1/namespaces/freelms/pods?labelSelector=app%3Dpayment-service&watch=true&resourceVersion=${list.metadata.resourceVersion}`,
      (e) => e.some((x) => x.type === 'DELETED'),
    );
    await new Promise((r) => setTimeout(r, 100));
    const deleted = await fetch(`${base}/api/v1/namespaces/freelms/pods/${victim}`, {
      method: 'DELETE',
    });
    assert.equal(deleted.status, 200);
    const events = await watching;
    assert.ok(events.every((e) => e.type !== 'ERROR'));
    assert.equal(
      events[0].type,
      'MODIFIED',
      'the first change is the deletion mark, not a replay of the list',
    );
    assert.ok(events[0].object.metadata.deletionTimestamp);
    assert.equal(events.at(-1).object.metadata.name, victim);
    const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
      'versions arrive in order',
    );
  });

  it('serves Table rows with the READY, STATUS and RESTARTS kubectl prints', async () => {
    const { body } = await get(
      '/api/v1/namespaces/freelms/pods?labelSelector=app%3Dmedia-transcoder',
      { accept: TABLE },
    );
    assert.equal(body.kind, 'Table');
    assert.deepEqual(
      body.columnDefinitions.map(
        (c: { name: string; priority: number }) => `${c.name}:${c.priority}`,
      ),
      [
        'Name:0',
        'Ready:0',
        'Status:0',
        'Restarts:0',
        'Age:0',
        'IP:1',
        'Node:1',
        'Nominated Node:1',
        'Readiness Gates:1',
      ],
    );
    assert.deepEqual(body.rows[0].cells.slice(1, 4), ['0/1', 'ImagePullBackOff', '0']);
    assert.equal(body.rows[0].object.kind, 'PartialObjectMetadata');
  });

  it('discovers the resources kubectl resolves by short name', async () => {
    const core = (await get('/api/v1')).body;
    const pods = core.resources.find((r: { name: string }) => r.name === 'pods');
    assert.deepEqual(pods.shortNames, ['po']);
    const apps = (await get('/apis/apps/v1')).body;
    assert.deepEqual(
      apps.resources.find((r: { name: string }) => r.name === 'deployments').shortNames,
      ['deploy'],
    );
    assert.equal((await get('/version')).body.minor, '35');
    assert.equal((await get('/apis')).body.kind, 'APIGroupList');
  });
});
