import assert from 'node:assert/strict';

import { lock } from 'proper-lockfile';

import { appendOnce, JournalBusyError } from '../../../src/incident/appendOnce';
import { IncidentStore } from '../../../src/incident/store';
import { endEvent, isEndDue } from '../../../src/incident/watch';
import { gatewayDown, tempFolder } from './helpers';

describe('appending once across windows', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeEach(async () => {
    folder = await tempFolder('append-once');
  });
  afterEach(async () => {
    await folder.remove();
  });

  /** Two windows on the same incidents folder, and an incident whose watch ended a minute ago. */
  async function twoWindowsPastTheEnd() {
    const now = () => new Date('2026-12-03T10:40:00Z');
    const first = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC', now });
    const second = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC', now });
    const incident = await first.declare({ ...gatewayDown, at: '2026-12-03T10:00:00Z' });
    await first.append(incident.id, {
      type: 'status.changed',
      status: 'monitoring',
      watchMinutes: 30,
      at: '2026-12-03T10:09:00Z',
    });
    // Both windows have read the journal before either ends the watch.
    assert.equal((await first.get(incident.id))!.watch!.state, 'running');
    assert.equal((await second.get(incident.id))!.watch!.state, 'running');
    return { first, second, id: incident.id, now };
  }

  it('ends a watch once when two windows see its end at the same moment', async () => {
    const { first, second, id, now } = await twoWindowsPastTheEnd();
    const end = (store: IncidentStore) =>
      appendOnce(store, id, (fresh) =>
        isEndDue(fresh.watch, now())
          ? [endEvent(fresh.watch!, { measuredRounds: 0 }, now(), 60_000)]
          : [],
      );
    const results = await Promise.all([end(first), end(second), end(first), end(second)]);

    assert.equal(results.filter((result) => result.written.length > 0).length, 1);
    const events = (await first.get(id))!.events.filter((event) => event.type === 'watch.ended');
    assert.equal(events.length, 1);
    assert.equal((await second.get(id))!.watch!.state, 'ended');
  });

  it('waits for another decision holding the lock, then decides on what the journal says then', async () => {
    const { first, second, id } = await twoWindowsPastTheEnd();
    const release = await lock(first.journalPath(id), { realpath: false });
    const waiting = appendOnce(second, id, (fresh) =>
      fresh.events.some((event) => event.type === 'note') ? [] : [{ type: 'note', text: 'once' }],
    );
    // Meanwhile the lock holder writes the note itself.
    await first.append(id, { type: 'note', text: 'once' });
    await release();
    const { written } = await waiting;
    assert.deepEqual(written, []);
    const notes = (await first.get(id))!.events.filter((event) => event.type === 'note');
    assert.equal(notes.length, 1);
  });

  it('gives up with a typed error when another window keeps the lock, writing nothing', async function () {
    this.timeout(20_000);
    const { first, second, id } = await twoWindowsPastTheEnd();
    const release = await lock(first.journalPath(id), { realpath: false });
    try {
      await assert.rejects(
        appendOnce(second, id, () => [{ type: 'note', text: 'never' }]),
        (error: unknown) => error instanceof JournalBusyError && error.incidentId === id,
      );
    } finally {
      await release();
    }
    const notes = (await first.get(id))!.events.filter((event) => event.type === 'note');
    assert.equal(notes.length, 0);
  });
});
