import assert from 'node:assert/strict';

import { leaveMonitoringDecision, staleText } from '../../../src/incident/leaveMonitoring';
import { IncidentStore } from '../../../src/incident/store';
import { endEvent } from '../../../src/incident/watch';
import { gatewayDown, manualClock, tempFolder } from './helpers';

describe('leaving monitoring from an alert clicked later', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeEach(async () => {
    folder = await tempFolder('leave-monitoring');
  });
  afterEach(async () => {
    await folder.remove();
  });

  const hhmm = (iso: string) => iso.slice(11, 16);

  /** Monitoring from 14:00; the watch regressed at 14:05 and raised the alert. */
  async function regressedAt1405() {
    const clock = manualClock('2026-12-03T14:00:00Z');
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC', ...clock });
    const { id } = await store.declare({ ...gatewayDown, at: '2026-12-03T13:30:00Z' });
    await store.append(id, { type: 'status.changed', status: 'monitoring', watchMinutes: 30 });
    const watchId = (await store.get(id))!.watch!.id;
    clock.set('2026-12-03T14:05:00Z');
    await store.append(id, {
      type: 'watch.regressed',
      watchId,
      summary: 'health DOWN',
      problems: ['health'],
    });
    return { store, id, watchId, clock };
  }

  it('reopens mitigation while the watch that raised the alert still runs', async () => {
    const { store, id, watchId } = await regressedAt1405();
    const fresh = (await store.get(id))!;
    assert.deepEqual(leaveMonitoringDecision(fresh, watchId, { running: false }), { act: true });
    assert.deepEqual(leaveMonitoringDecision(fresh, watchId, { running: true }), { act: true });
  });

  it('leaves a new healthy watch running when the 14:05 regression alert is clicked after it started', async () => {
    const { store, id, watchId, clock } = await regressedAt1405();
    clock.set('2026-12-03T14:10:00Z');
    await store.append(id, { type: 'status.changed', status: 'identified', by: 'Sam' });
    clock.set('2026-12-03T14:20:00Z');
    await store.append(id, { type: 'status.changed', status: 'monitoring', watchMinutes: 30 });

    const fresh = (await store.get(id))!;
    const decision = leaveMonitoringDecision(fresh, watchId, { running: false });
    assert.deepEqual(decision, { act: false, why: 'newerWatch' });
    assert.equal(
      staleText(fresh, 'newerWatch', hhmm),
      `a new monitoring watch of ${id} started at 14:20 and was left running`,
    );
  });

  it('does not reopen an incident resolved after the alert, so nothing reaches Slack or PagerDuty', async () => {
    const { store, id, watchId, clock } = await regressedAt1405();
    clock.set('2026-12-03T14:30:00Z');
    await store.append(id, { type: 'resolved', summary: 'Rolled back', by: 'Sam' });

    const fresh = (await store.get(id))!;
    assert.deepEqual(leaveMonitoringDecision(fresh, watchId, { running: false }), {
      act: false,
      why: 'resolved',
    });
    assert.equal(staleText(fresh, 'resolved', hhmm), `${id} was resolved by Sam at 14:30`);
  });

  it('says who reopened mitigation first when another window already did', async () => {
    const { store, id, watchId, clock } = await regressedAt1405();
    clock.set('2026-12-03T14:06:00Z');
    await store.append(id, { type: 'status.changed', status: 'identified', by: 'Sam' });

    const fresh = (await store.get(id))!;
    const decision = leaveMonitoringDecision(fresh, watchId, { running: false });
    assert.deepEqual(decision, { act: false, why: 'leftMonitoring' });
    assert.equal(
      staleText(fresh, 'leftMonitoring', hhmm),
      `${id} is already identified by Sam at 14:06`,
    );
  });

  it('reopens after the watch ended with the regression, but has no watch left to stop', async () => {
    const { store, id, watchId, clock } = await regressedAt1405();
    clock.set('2026-12-03T14:31:00Z');
    const watch = (await store.get(id))!.watch!;
    // Every round measured, the last at the watch's end.
    const measured = { measuredRounds: watch.minutes, lastMeasuredAt: watch.endsAt };
    await store.append(id, endEvent(watch, measured, clock.now(), 60_000));

    const fresh = (await store.get(id))!;
    assert.deepEqual(leaveMonitoringDecision(fresh, watchId, { running: false }), { act: true });
    assert.deepEqual(leaveMonitoringDecision(fresh, watchId, { running: true }), {
      act: false,
      why: 'ended',
    });
  });
});
