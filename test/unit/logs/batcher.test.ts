import assert from 'node:assert/strict';

import { Batcher, type BatchTimers } from '../../../src/ui/logs/batcher';

/** Timers driven by the test: `advance(ms)` runs what is due. */
function fakeTimers(): BatchTimers & { advance(ms: number): void } {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      pending.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...pending]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

describe('batching log lines for the page', () => {
  it('sends the first line after a quiet spell at once, then at most one batch per 100 ms', () => {
    const timers = fakeTimers();
    const sent: number[][] = [];
    const batcher = new Batcher<number>((items) => sent.push(items), 100, 1000, timers);

    batcher.push([1]);
    timers.advance(0);
    assert.deepEqual(sent, [[1]]);

    for (let i = 2; i <= 50; i++) {
      batcher.push([i]);
      timers.advance(2);
    }
    assert.equal(sent.length, 1, 'nothing more within the first 100 ms');
    timers.advance(100);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1]![0], 2);
    assert.equal(sent.flat().length, 50, 'no line lost, none repeated');
  });

  it('keeps a pod writing 50,000 lines a second to ten messages a second', () => {
    const timers = fakeTimers();
    let messages = 0;
    let lines = 0;
    const batcher = new Batcher<number>(
      (items) => {
        messages++;
        lines += items.length;
      },
      100,
      20_000,
      timers,
    );
    for (let ms = 0; ms < 1000; ms++) {
      batcher.push(Array.from({ length: 50 }, (_, i) => ms * 50 + i));
      timers.advance(1);
    }
    timers.advance(200);
    assert.ok(messages <= 11, `${messages} messages`);
    assert.equal(lines, 50_000);
  });

  it('splits a burst larger than the batch size over the following ticks', () => {
    const timers = fakeTimers();
    const sizes: number[] = [];
    const batcher = new Batcher<number>((items) => sizes.push(items.length), 100, 1000, timers);
    batcher.push(Array.from({ length: 2500 }, (_, i) => i));
    timers.advance(1000);
    assert.deepEqual(sizes, [1000, 1000, 500]);
  });

  it('flushes everything before a notice, and discards what waits when the panel is cleared', () => {
    const timers = fakeTimers();
    const sent: string[][] = [];
    const batcher = new Batcher<string>((items) => sent.push(items), 100, 1000, timers);
    batcher.push(['a']);
    timers.advance(0);
    batcher.push(['b', 'c']);
    batcher.flush();
    assert.deepEqual(sent, [['a'], ['b', 'c']]);
    batcher.push(['d']);
    batcher.discard();
    timers.advance(500);
    assert.equal(sent.length, 2);
    assert.equal(batcher.size, 0);
  });
});
