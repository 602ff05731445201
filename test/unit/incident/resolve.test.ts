import assert from 'node:assert/strict';

import { lock } from 'proper-lockfile';

import { askedOn, recordResolution, type TypedResolution } from '../../../src/incident/resolve';
import { IncidentStore } from '../../../src/incident/store';
import { resolutionMessage } from '../../../src/incident/templates';
import { endEvent } from '../../../src/incident/watch';
import { gatewayDown, manualClock, tempFolder } from './helpers';

describe('resolving on the journal as it is once everything is typed', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeEach(async () => {
    folder = await tempFolder('resolve');
  });
  afterEach(async () => {
    await folder.remove();
  });

  const typed: TypedResolution = {
    summary: 'Rolled back to 2.4.0',
    rootCause: 'A connection pool leak in 2.4.1',
    impact: 'Learners could not open courses for 25 minutes',
    earlyReason: 'the release freeze starts now',
    by: 'Dana',
  };

  /** An incident whose 30-minute watch started at 10:09, and Resolve opened at 10:30 on it. */
  async function resolvingDuringTheWatch() {
    const clock = manualClock('2026-12-03T10:30:00Z');
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC', ...clock });
    const { id } = await store.declare({ ...gatewayDown, at: '2026-12-03T10:00:00Z' });
    await store.append(id, {
      type: 'status.changed',
      status: 'monitoring',
      watchMinutes: 30,
      at: '2026-12-03T10:09:00Z',
    });
    const incident = (await store.get(id))!;
    const asked = askedOn(incident, clock.now());
    assert.equal(asked.early, true, 'the prompts asked why resolve early');
    return { store, id, asked, clock, watchId: incident.watch!.id };
  }

  const resolvedEvents = async (store: IncidentStore, id: string) =>
    (await store.get(id))!.events.filter((event) => event.type === 'resolved');

  it('drops the early reason when the watch ended clean while the prompts were open', async () => {
    const { store, id, asked, clock } = await resolvingDuringTheWatch();
    clock.set('2026-12-03T10:39:00Z');
    const watch = (await store.get(id))!.watch!;
    // Every round measured, the last at the watch's end.
    const measured = { measuredRounds: watch.minutes, lastMeasuredAt: watch.endsAt };
    await store.append(id, endEvent(watch, measured, clock.now(), 60_000));
    clock.set('2026-12-03T10:41:00Z');

    const outcome = await recordResolution(store, id, asked, typed, clock.now);
    assert.equal(outcome.kind, 'resolved');
    assert.equal(outcome.kind === 'resolved' && outcome.droppedEarlyReason, true);
    const [resolved] = await resolvedEvents(store, id);
    assert.equal(resolved?.type === 'resolved' && resolved.earlyReason, undefined);
    const incident = (await store.get(id))!;
    assert.equal(incident.earlyResolutionReason, undefined);
    assert.doesNotMatch(
      resolutionMessage(incident, { format: 'slack' }),
      /before the watch ended/i,
    );
  });

  it('drops the early reason when the watch time ran out while the prompts were open, unjournaled', async () => {
    const { store, id, asked, clock } = await resolvingDuringTheWatch();
    clock.set('2026-12-03T10:40:00Z');
    const outcome = await recordResolution(store, id, asked, typed, clock.now);
    assert.equal(outcome.kind, 'resolved');
    const [resolved] = await resolvedEvents(store, id);
    assert.equal(resolved?.type === 'resolved' && resolved.earlyReason, undefined);
  });

  it('keeps the early reason when the watch still runs', async () => {
    const { store, id, asked, clock } = await resolvingDuringTheWatch();
    clock.set('2026-12-03T10:32:00Z');
    const outcome = await recordResolution(store, id, asked, typed, clock.now);
    assert.equal(outcome.kind, 'resolved');
    assert.equal((await store.get(id))!.earlyResolutionReason, 'the release freeze starts now');
  });

  it('does not resolve when the watch found a regression while the prompts were open', async () => {
    const { store, id, asked, clock, watchId } = await resolvingDuringTheWatch();
    clock.set('2026-12-03T10:31:00Z');
    await store.append(id, {
      type: 'watch.regressed',
      watchId,
      summary: 'api-gateway: 1 pod failing (api-gateway-7d4 CrashLoopBackOff)',
      problems: ['pods:api-gateway'],
    });
    clock.set('2026-12-03T10:32:00Z');

    const outcome = await recordResolution(store, id, asked, typed, clock.now);
    assert.equal(outcome.kind, 'changed');
    assert.equal(outcome.kind === 'changed' && outcome.reason, 'regressed');
    assert.deepEqual(await resolvedEvents(store, id), []);
    assert.equal((await store.get(id))!.status, 'monitoring');
  });

  it('judges a script, which was asked nothing, on the journal as it is: a regression already journaled does not refuse it', async () => {
    const { store, id, clock, watchId } = await resolvingDuringTheWatch();
    await store.append(id, {
      type: 'watch.regressed',
      watchId,
      summary: 'health DOWN (HTTP 503)',
      problems: ['health'],
    });

    const outcome = await recordResolution(store, id, 'asItIs', typed, clock.now);
    assert.equal(outcome.kind, 'resolved');
    const [resolved] = await resolvedEvents(store, id);
    assert.equal(resolved?.type === 'resolved' && resolved.earlyReason, typed.earlyReason);

    const { id: other } = await store.declare({ ...gatewayDown, title: 'Quizzes slow' });
    await store.append(other, { type: 'status.changed', status: 'monitoring', watchMinutes: 30 });
    const unexplained = { ...typed, earlyReason: undefined };
    const refused = await recordResolution(store, other, 'asItIs', unexplained, clock.now);
    assert.equal(refused.kind === 'changed' && refused.reason, 'watchStarted');
  });

  it('does not resolve when another window reopened mitigation while the prompts were open', async () => {
    const { store, id, asked, clock } = await resolvingDuringTheWatch();
    const other = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC', ...clock });
    await other.append(id, {
      type: 'status.changed',
      status: 'identified',
      note: 'Mitigation reopened after a regression',
      by: 'Sam',
    });
    const outcome = await recordResolution(store, id, asked, typed, clock.now);
    assert.equal(outcome.kind === 'changed' && outcome.reason, 'reopened');
    assert.equal(outcome.kind === 'changed' && outcome.event?.by, 'Sam');
    assert.deepEqual(await resolvedEvents(store, id), []);
  });

  it('does not resolve without a reason when a watch started while the prompts were open', async () => {
    const clock = manualClock('2026-12-03T10:30:00Z');
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC', ...clock });
    const { id } = await store.declare({ ...gatewayDown, at: '2026-12-03T10:00:00Z' });
    const asked = askedOn((await store.get(id))!, clock.now());
    assert.equal(asked.early, false);
    await store.append(id, { type: 'status.changed', status: 'monitoring', watchMinutes: 30 });

    const outcome = await recordResolution(
      store,
      id,
      asked,
      { ...typed, earlyReason: undefined },
      clock.now,
    );
    assert.equal(outcome.kind === 'changed' && outcome.reason, 'watchStarted');
    assert.deepEqual(await resolvedEvents(store, id), []);
  });

  it('resolves once when another window resolved first, and says so', async () => {
    const { store, id, asked, clock } = await resolvingDuringTheWatch();
    await store.append(id, { type: 'resolved', summary: 'Restarted the pods', by: 'Sam' });
    const outcome = await recordResolution(store, id, asked, typed, clock.now);
    assert.equal(outcome.kind, 'alreadyResolved');
    assert.equal((await resolvedEvents(store, id)).length, 1);
  });

  it('keeps what the responder typed when the journal stays busy, and resolves with it on retry', async function () {
    this.timeout(20_000);
    const { store, id, asked, clock } = await resolvingDuringTheWatch();
    const release = await lock(store.journalPath(id), { realpath: false });
    let outcome;
    try {
      outcome = await recordResolution(store, id, asked, typed, clock.now);
    } finally {
      await release();
    }
    assert.equal(outcome.kind, 'busy');
    assert.deepEqual(await resolvedEvents(store, id), [], 'nothing written while busy');

    const retried = await recordResolution(store, id, asked, typed, clock.now);
    assert.equal(retried.kind, 'resolved');
    const [resolved] = await resolvedEvents(store, id);
    assert.deepEqual(
      resolved?.type === 'resolved' && [resolved.summary, resolved.rootCause, resolved.impact],
      [typed.summary, typed.rootCause, typed.impact],
    );
  });
});
