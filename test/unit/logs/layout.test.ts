import assert from 'node:assert/strict';

import { expandedLength, RowLayout, wrappedLines } from '../../../media/logs/layout';

describe('the log list virtual layout', () => {
  it('counts wrapped lines from the monospace column count', () => {
    assert.equal(wrappedLines(0, 80), 1, 'an empty line still takes a line');
    assert.equal(wrappedLines(80, 80), 1);
    assert.equal(wrappedLines(81, 80), 2);
    assert.equal(wrappedLines(400, 80), 5);
    assert.equal(expandedLength('\tat com.x(Y.java:1)', 4), 22);
  });

  it('finds the rows in view by binary search over line offsets, stack traces taking their lines', () => {
    const layout = new RowLayout();
    // Row 1 is an ERROR with a 4-line stack trace.
    layout.reset([1, 5, 1, 1, 1]);
    assert.equal(layout.height, 9);
    assert.equal(layout.top(2), 6);
    assert.equal(layout.indexAt(0), 0);
    assert.equal(layout.indexAt(3), 1, 'a line inside the stack trace belongs to its entry');
    assert.equal(layout.indexAt(6), 2);
    assert.equal(layout.indexAt(100), 4, 'past the end clamps to the last row');
    assert.deepEqual(layout.visible(2, 3, 0), { start: 1, end: 2 });
    assert.deepEqual(layout.visible(0, 9, 1), { start: 0, end: 5 });
  });

  it('appends batches and drops the oldest rows without shifting the rest', () => {
    const layout = new RowLayout();
    layout.append([1, 1, 3]);
    layout.append([2]);
    assert.equal(layout.height, 7);
    layout.dropFront(2);
    assert.equal(layout.length, 2);
    assert.equal(layout.top(0), 0);
    assert.equal(layout.top(1), 3);
    assert.equal(layout.height, 5);
    assert.equal(layout.indexAt(4), 1);
  });

  it('keeps dropping and appending correct across compactions', () => {
    const layout = new RowLayout();
    for (let batch = 0; batch < 50; batch++) {
      layout.append(Array.from({ length: 1000 }, (_, i) => 1 + (i % 3)));
      if (layout.length > 5000) layout.dropFront(layout.length - 5000);
    }
    assert.equal(layout.length, 5000);
    let top = 0;
    for (let i = 0; i < layout.length; i += 997) {
      assert.equal(layout.indexAt(layout.top(i)), i);
      top = layout.top(i);
    }
    assert.ok(top < layout.height);
  });

  it('lays out a million rows and answers a scroll position in microseconds', () => {
    const layout = new RowLayout();
    const heights = Array.from({ length: 1_000_000 }, (_, i) => (i % 50 === 0 ? 12 : 1));
    const started = performance.now();
    layout.reset(heights);
    const laidOut = performance.now() - started;
    const lookups = performance.now();
    for (let i = 0; i < 10_000; i++) layout.visible((i * 137) % layout.height, 50);
    const perLookup = ((performance.now() - lookups) / 10_000) * 1000;
    assert.equal(layout.length, 1_000_000);
    // Figures for the report, not asserted as limits: timing depends on the machine.
    console.log(
      `      1M rows laid out in ${laidOut.toFixed(1)} ms; visible range in ${perLookup.toFixed(2)} µs`,
    );
  });
});
