import assert from 'node:assert/strict';

import { deriveIncident } from '../../../src/incident/derive';
import type { ReportDraft } from '../../../src/ui/report/protocol';
import { DraftWriter, type DraftTimers } from '../../../src/ui/report/draftWriter';
import { ReportDrafts, type DraftMemento } from '../../../src/ui/report/reportDrafts';

const incident = deriveIncident([
  {
    type: 'declared',
    id: 'd1',
    at: '2026-12-03T02:40:00.000Z',
    incidentId: '2026-12-03-payments-failing',
    title: 'Payments failing',
    severity: 'P1',
    services: ['payment-service'],
  },
]);
const key = `freelms.report.draft:${incident.id}`;

/** The workspace state, in memory; counts its writes, and can hold them back until released. */
class MemoryMemento implements DraftMemento {
  readonly values = new Map<string, unknown>();
  writes = 0;
  /** While set, writes wait for it. */
  gate: Promise<void> | undefined;
  /** While set, writes fail with it. */
  failure: Error | undefined;
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes += 1;
    await this.gate;
    if (this.failure) throw this.failure;
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
  summary(): string | undefined {
    return this.get<{ values: ReportDraft }>(key)?.values.summary;
  }
}

/** Timers run by hand: `tick` runs the ones due. */
class FakeTimers implements DraftTimers {
  now = 0;
  private next = 0;
  readonly due = new Map<number, { at: number; callback: () => void }>();
  setTimeout(callback: () => void, ms: number): number {
    this.due.set(++this.next, { at: this.now + ms, callback });
    return this.next;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  tick(ms: number): void {
    this.now += ms;
    for (const [handle, timer] of [...this.due]) {
      if (timer.at > this.now) continue;
      this.due.delete(handle);
      timer.callback();
    }
  }
}

/** Lets the promises already settled run their callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A report panel's draft writer, writing as the panel does, with its Save and close steps. */
function setUp() {
  const memento = new MemoryMemento();
  const drafts = new ReportDrafts(memento);
  const timers = new FakeTimers();
  const failures: unknown[] = [];
  const writer = new DraftWriter<ReportDraft>(
    (values) => drafts.keep(incident, values),
    (error) => failures.push(error),
    300,
    timers,
  );
  /** What the panel does once a Save is in the journal. */
  const saved = async () => {
    await writer.drop();
    await drafts.clear(incident.id);
  };
  return { memento, drafts, timers, failures, writer, saved };
}

describe('the incident report’s draft as the extension holds it', () => {
  it('holds every change at once and writes only the latest, once changes pause', async () => {
    const { memento, timers, writer } = setUp();
    for (const summary of ['C', 'Ch', 'Checkout', 'Checkout failed']) {
      writer.hold({ summary });
      timers.tick(100);
      await settle();
    }
    assert.ok(writer.pending);
    assert.equal(memento.writes, 0);
    timers.tick(300);
    await settle();
    assert.equal(writer.pending, false);
    assert.equal(memento.writes, 1);
    assert.equal(memento.summary(), 'Checkout failed');
  });

  it('stores a draft received just before the panel closes', async () => {
    const { memento, timers, writer } = setUp();
    writer.hold({ summary: 'Checkout failed' });
    timers.tick(300);
    await settle();
    writer.hold({ summary: 'Checkout failed. Last sentence.' });
    // The tab closes 10 ms later: the panel writes what it holds at once.
    timers.tick(10);
    await writer.flush();
    assert.equal(memento.summary(), 'Checkout failed. Last sentence.');
    assert.equal(timers.due.size, 0, 'no write is left for later');
    assert.equal(memento.writes, 2);
  });

  it('stores a draft received just before the panel closes, with a write still under way', async () => {
    const { memento, timers, writer } = setUp();
    let release!: () => void;
    memento.gate = new Promise((resolve) => (release = resolve));
    writer.hold({ summary: 'Checkout' });
    timers.tick(300);
    writer.hold({ summary: 'Checkout failed' });
    const closed = writer.flush();
    release();
    await closed;
    assert.equal(memento.summary(), 'Checkout failed', 'the latest is written last');
  });

  it('does not store after a Save a draft still pending when the Save landed', async () => {
    const { memento, drafts, timers, writer, saved } = setUp();
    writer.hold({ summary: 'Checkout failed' });
    timers.tick(300);
    await settle();
    writer.hold({ summary: 'Checkout failed for 40 min' });
    await saved();
    assert.equal(writer.pending, false);
    timers.tick(1000);
    await writer.flush();
    assert.equal(memento.values.size, 0);
    assert.equal(await drafts.restore(incident), undefined);
  });

  it('does not let a write under way when a Save lands bring the draft back after it', async () => {
    const { memento, drafts, timers, writer, saved } = setUp();
    let release!: () => void;
    memento.gate = new Promise((resolve) => (release = resolve));
    writer.hold({ summary: 'Checkout failed' });
    timers.tick(300); // The write starts, and waits on the workspace state.
    const saving = saved();
    await settle();
    release();
    await saving;
    await writer.flush();
    assert.equal(memento.values.size, 0);
    assert.equal(await drafts.restore(incident), undefined);
  });

  it('keeps a draft sent after the Save: a follow-up still being typed', async () => {
    const { memento, writer, saved } = setUp();
    writer.hold({ summary: 'Checkout failed', pending: { text: 'Ale', owner: '', due: '' } });
    await saved();
    writer.hold({ pending: { text: 'Alert on', owner: '', due: '' } });
    await writer.flush();
    assert.deepEqual(memento.get<{ values: ReportDraft }>(key)?.values, {
      pending: { text: 'Alert on', owner: '', due: '' },
    });
  });

  it('reports a write that failed, and goes on writing the next', async () => {
    const { memento, timers, failures, writer } = setUp();
    memento.failure = new Error('the workspace state is closed');
    writer.hold({ summary: 'Checkout failed' });
    await writer.flush();
    assert.deepEqual(
      failures.map((error) => (error as Error).message),
      ['the workspace state is closed'],
    );
    memento.failure = undefined;
    writer.hold({ summary: 'Checkout failed again' });
    timers.tick(300);
    await writer.flush();
    assert.equal(memento.summary(), 'Checkout failed again');
  });

  it('writes with real timers too, once changes pause for as long as it is given', async () => {
    const memento = new MemoryMemento();
    const drafts = new ReportDrafts(memento);
    const writer = new DraftWriter<ReportDraft>(
      (values) => drafts.keep(incident, values),
      (error) => assert.fail(String(error)),
      30,
    );
    writer.hold({ summary: 'Checkout' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    writer.hold({ summary: 'Checkout failed' });
    await new Promise((resolve) => setTimeout(resolve, 15));
    assert.equal(memento.writes, 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(memento.summary(), 'Checkout failed');
  });
});
