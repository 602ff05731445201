import assert from 'node:assert/strict';

import * as v from 'valibot';

import {
  FromLogPageSchema,
  LogPageStateSchema,
  StreamOptionsSchema,
} from '../../../src/ui/logs/protocol';

describe('the log panel protocol', () => {
  it('accepts what the page sends: options, filter, copy, save, clear', () => {
    for (const message of [
      { type: 'ready' },
      {
        type: 'setOptions',
        options: { follow: true, previous: true, tailLines: 500, container: 'envoy' },
      },
      { type: 'setFilter', filter: { levels: ['ERROR', 'WARN'], include: 'timeout', exclude: '' } },
      { type: 'copy', selection: 'a line' },
      { type: 'copy' },
      { type: 'save', filtered: true },
      { type: 'clear' },
      { type: 'rendered', rows: 12 },
    ]) {
      assert.ok(v.safeParse(FromLogPageSchema, message).success, JSON.stringify(message));
    }
  });

  it('rejects messages outside the protocol and options kubectl would refuse', () => {
    for (const message of [
      { type: 'eval', code: 'x' },
      { type: 'setFilter', filter: { levels: ['FATAL'], include: '', exclude: '' } },
      { type: 'setOptions', options: { follow: true, previous: false, tailLines: -1 } },
      { type: 'setOptions', options: { follow: true, previous: false, sinceSeconds: 0 } },
      { type: 'setOptions', options: { follow: true, previous: false, container: '../etc' } },
      { type: 'setFilter', filter: { levels: [], include: 'x'.repeat(1001), exclude: '' } },
      { type: 'rendered', rows: 1.5 },
    ]) {
      assert.equal(v.safeParse(FromLogPageSchema, message).success, false, JSON.stringify(message));
    }
  });

  it('restores a panel only from a complete saved state', () => {
    const state = {
      target: { kind: 'workload', deployment: 'course-service' },
      options: { follow: true, previous: false, sinceSeconds: 900 },
      filter: { levels: ['ERROR'], include: '', exclude: '' },
      view: { wrap: true, timestamps: true },
    };
    assert.ok(v.safeParse(LogPageStateSchema, state).success);
    assert.equal(
      v.safeParse(LogPageStateSchema, { ...state, target: { kind: 'pod' } }).success,
      false,
    );
    assert.equal(v.safeParse(LogPageStateSchema, undefined).success, false);
  });

  it('caps since at a week', () => {
    assert.equal(
      v.safeParse(StreamOptionsSchema, { follow: false, previous: false, sinceSeconds: 8 * 86400 })
        .success,
      false,
    );
  });
});
