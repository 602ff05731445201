import assert from 'node:assert/strict';

import type { ClusterModel } from '../../../src/platform/kube/clusterModel';
import type { ClusterSession } from '../../../src/ui/cluster/clusterSession';
import { liveModel } from '../../../src/ui/watch/observe';

/** Runs `work`, and returns how many of the timers it set were neither run nor cleared. */
async function timersLeftBy(work: () => Promise<unknown>): Promise<number> {
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  const pending = new Set<unknown>();
  globalThis.setTimeout = ((handler: () => void, ms?: number) => {
    const timer = set(() => {
      pending.delete(timer);
      handler();
    }, ms);
    pending.add(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((timer: NodeJS.Timeout | undefined) => {
    pending.delete(timer);
    clear(timer);
  }) as typeof clearTimeout;
  try {
    await work();
  } finally {
    globalThis.setTimeout = set;
    globalThis.clearTimeout = clear;
  }
  for (const timer of pending) clear(timer as NodeJS.Timeout);
  return pending.size;
}

describe('what a monitoring round reads of the cluster', () => {
  it('leaves no timer behind when the cluster answered before the wait ran out', async () => {
    const model = {} as ClusterModel;
    const cluster = {
      ensureStarted: () => Promise.resolve(),
      state: { phase: 'live', context: 'sandbox', namespace: 'freelms' },
      model,
    } as unknown as ClusterSession;
    // A round a minute for a 30-minute watch: each used to leave a 10-second timer pending.
    const left = await timersLeftBy(async () => {
      for (let round = 0; round < 5; round++) {
        const read = await liveModel(cluster);
        assert.equal(read.model, model);
        assert.deepEqual(read.unmeasured, []);
      }
    });
    assert.equal(left, 0);
  });
});
