import assert from 'node:assert/strict';

import { startSandbox } from '../../../sandbox/index';
import type { Sandbox } from '../../../sandbox/index';
import { silentLog } from '../../../src/common/log';
import { ClusterModel } from '../../../src/platform/kube/clusterModel';
import type { ClusterChange } from '../../../src/platform/kube/clusterModel';
import { connect } from '../../../src/platform/kube/connection';
import type { KubeConnection } from '../../../src/platform/kube/connection';
import { loadKubeconfig } from '../../../src/platform/kube/kubeconfig';
import type { LogEntry } from '../../../src/platform/kube/logEntries';
import { LogStream } from '../../../src/platform/kube/logs';
import { recentErrors } from '../../../src/platform/kube/recentErrors';

/**
 * The kube client against the FreeLMS sandbox's simulated API server: the same requests the
 * Cluster view and the log panel make, answered by a server that kubectl also works against.
 */
describe('the kube client against the FreeLMS sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  let conn: KubeConnection;
  let model: ClusterModel | undefined;

  before(async () => {
    sandbox = await startSandbox({ clockSpeed: 20 });
    const { kubeconfig, context, namespace } = sandbox.endpoints;
    conn = connect(
      loadKubeconfig({ kubeconfigPath: kubeconfig }),
      { context, namespace },
      { log: silentLog },
    );
  });
  afterEach(async () => {
    await model?.dispose();
    model = undefined;
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('prints every pod’s READY, STATUS and RESTARTS as the server-side kubectl table does', async () => {
    model = new ClusterModel(conn);
    await model.start();
    const res = await fetch(`${sandbox.endpoints.kubernetes}/api/v1/namespaces/freelms/pods`, {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    const table = (await res.json()) as { rows: { cells: string[] }[] };
    assert.ok(table.rows.length >= 20);
    // The sandbox's clock runs 20 times faster, so the age of the last restart moves while the
    // two are computed; the count and the presence of an age are compared.
    const now = new Date(sandbox.clock.now());
    const coarse = (restarts: string | undefined) => restarts?.replace(/\(.*\)/, '(… ago)');
    for (const { cells } of table.rows) {
      const [name, ready, status, restarts] = cells;
      const pod = model.pod(name!, now);
      assert.deepEqual(
        [pod?.ready, pod?.status, coarse(pod?.restartsText)],
        [ready, status, coarse(restarts)],
        name,
      );
    }
    const unhealthy = model.groups({ onlyUnhealthy: true }).map((g) => g.id);
    assert.ok(unhealthy.includes('Deployment/api-gateway'), unhealthy.join());
    assert.ok(!unhealthy.includes('StatefulSet/postgres'));
  });

  it('sees a deleted pod terminate and its replacement arrive through the watch', async () => {
    model = new ClusterModel(conn, { batchMs: 10 });
    await model.start();
    const victim = model.pods('Deployment/course-service')[0]!;
    const changes: ClusterChange[] = [];
    model.onDidChange((c) => changes.push(c));

    await conn.core.deleteNamespacedPod({ name: victim.name, namespace: 'freelms' });

    const end = Date.now() + 15_000;
    const replaced = () =>
      changes.some((c) =>
        c.pods.some((p) => p.groupId === 'Deployment/course-service' && p.name !== victim.name),
      );
    while (!replaced()) {
      assert.ok(Date.now() < end, 'no replacement pod arrived');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(
      changes.some((c) => c.pods.some((p) => p.name === victim.name && p.status === 'Terminating')),
    );
  });

  it('reads the crash-looping api-gateway’s previous logs and finds ERROR lines across the platform', async () => {
    const pods = await conn.getJson<{ items: { metadata: { name: string } }[] }>(
      { verb: 'list', resource: 'pods' },
      '/api/v1/namespaces/freelms/pods',
    );
    const gateway = pods.items.find((p) => p.metadata.name.startsWith('api-gateway'))!.metadata
      .name;
    const entries: LogEntry[] = [];
    const stream = new LogStream(conn, { pod: gateway, container: 'api-gateway', previous: true });
    stream.onEvent((e) => e.type === 'entries' && entries.push(...e.entries));
    await stream.start().done;
    assert.ok(entries.length > 0);
    assert.ok(entries.every((e) => e.timestamp !== undefined));

    const result = await recentErrors(conn, { minutes: 2, maxPerContainer: 5 });
    assert.deepEqual(result.failures, []);
    assert.ok(result.services.length > 0);
    assert.ok(result.services.every((s) => s.errors.every((e) => e.level === 'ERROR')));
  });
});
