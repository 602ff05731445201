import assert from 'node:assert/strict';

import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent } from '../../../src/incident/model';
import type { RevisionEntry } from '../../../src/platform/kube/rollout';
import { revisionChoices, revisionsLeft } from '../../../src/ui/mitigation/revisionChoice';

const revision = (n: number, current = false): RevisionEntry => ({
  revision: n,
  replicaSet: `api-gateway-${n}`,
  images: [`registry/api-gateway:2.${n}.0`],
  age: '1d',
  current,
  replicas: current ? 3 : 0,
  readyReplicas: current ? 3 : 0,
});

const incidentWith = (...actions: IncidentEvent[]) =>
  deriveIncident([
    {
      id: 'e1',
      at: '2026-12-03T14:00:00.000Z',
      type: 'declared',
      incidentId: '2026-12-03-gateway-down',
      title: 'Gateway down',
      severity: 'P1',
      services: ['api-gateway'],
    },
    ...actions,
  ]);

const rollback = (deployment: string, fromRevision: number, ok = true): IncidentEvent => ({
  id: `r${fromRevision}${deployment}`,
  at: '2026-12-03T14:05:00.000Z',
  type: 'action.taken',
  action: { kind: 'rollback', deployment, fromRevision, toRevision: fromRevision - 1 },
  ok,
});

describe('the rollback revision picker', () => {
  it("offers kubectl's previous revision first when no incident left it", () => {
    const history = [revision(1), revision(2), revision(3, true)];
    const order = revisionChoices(history, revisionsLeft([incidentWith()], 'api-gateway'));
    assert.deepEqual(
      order.map((entry) => entry.revision),
      [2, 1],
    );
  });

  it('lists the release an incident rolled back from last, so Enter does not bring it back', () => {
    // Rolled back from 3 to 2: revision 2's template became revision 4.
    const history = [revision(1), revision(3), revision(4, true)];
    const left = revisionsLeft([incidentWith(rollback('api-gateway', 3))], 'api-gateway');
    assert.equal(left.get(3), '2026-12-03-gateway-down, 14:05 UTC');
    assert.deepEqual(
      revisionChoices(history, left).map((entry) => entry.revision),
      [1, 3],
    );
  });

  it('ignores failed rollbacks and other Deployments', () => {
    const incident = incidentWith(rollback('api-gateway', 3, false), rollback('course-service', 2));
    assert.equal(revisionsLeft([incident], 'api-gateway').size, 0);
  });
});
