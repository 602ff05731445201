/**
 * Watch churn: the sandbox changes 1,000 pods a second for 10 s (`/_control/churn`, each change
 * stamped with its real time) while our Cluster view's model watches. Reports how long each
 * change took to reach the model's listeners (p95 and median: what the tree waits for, its
 * 100 ms batching included) and the backlog: changes made but not yet applied when the churn
 * stopped, and how long they took to drain.
 */
import { ClusterModel } from '../src/platform/kube/clusterModel';
import type { SandboxEndpoints } from '../sandbox/endpoints';
import { CHURN_REASON } from '../sandbox/kube/churn';
import { percentile, stat, type BenchContext, type BenchResult } from './stats';
import { connectTo } from './support';

interface ChurnState {
  changes: number;
  running: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function churn(endpoints: SandboxEndpoints, body?: object): Promise<ChurnState> {
  const res = await fetch(`${endpoints.kubernetes}/_control/churn`, {
    method: body ? 'POST' : 'GET',
    ...(body
      ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      : {}),
  });
  if (!res.ok) throw new Error(`/_control/churn answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as ChurnState;
}

export async function watchChurn(
  ctx: BenchContext,
  endpoints: SandboxEndpoints,
): Promise<BenchResult> {
  const rate = ctx.quick ? 200 : 1000;
  const seconds = ctx.quick ? 1 : 10;
  const model = new ClusterModel(connectTo(endpoints));
  const latencies: number[] = [];
  let startedAt = Infinity;
  let lastAppliedAt = 0;
  // Later kubelet status writes carry a churned change again: it counts once, when first seen.
  const seen = new Set<string>();
  model.onDidChange((change) => {
    const now = Date.now();
    for (const pod of change.pods) {
      const last = pod.containers[0]?.lastTermination;
      const at = last?.reason === CHURN_REASON ? last.finishedAt?.getTime() : undefined;
      if (at === undefined || at < startedAt || seen.has(`${pod.uid}@${at}`)) continue;
      seen.add(`${pod.uid}@${at}`);
      latencies.push(now - at);
      lastAppliedAt = now;
    }
  });
  try {
    await model.start();
    startedAt = Date.now();
    await churn(endpoints, { rate, seconds });
    let state = await churn(endpoints);
    while (state.running) {
      await sleep(100);
      state = await churn(endpoints);
    }
    const stoppedAt = Date.now();
    const backlog = state.changes - latencies.length;
    // Past 1 s the goal is missed anyway; a change the kubelet hid would be waited for in vain.
    const deadline = stoppedAt + 2000;
    while (latencies.length < state.changes && Date.now() < deadline) await sleep(20);
    const drainMs = Math.max(0, lastAppliedAt - stoppedAt);
    const p95 = percentile(latencies, 0.95);
    const applied = stat(latencies);
    const missing = state.changes - latencies.length;
    ctx.log(`watch churn: ${state.changes} changes made, ${latencies.length} applied`);
    return {
      name: `watch churn, ${rate.toLocaleString('en')} changes/s for ${seconds} s (p95 apply)`,
      unit: 'ms',
      ours: { ...applied, median: p95, samples: [] },
      goal: 'p95 apply ≤ 50 ms, no backlog left 1 s after the churn',
      // The sandbox's kubelet rewrites a pod's whole status when it reports on it; landing in the
      // same 100 ms batch as a churned change, it hides that change. A few in 10,000 are that.
      met: p95 <= 50 && drainMs <= 1000 && missing <= state.changes / 1000,
      extra: {
        'median apply ms': applied.median,
        'changes made': state.changes,
        'not applied when churn stopped': Math.max(0, backlog),
        'drain ms': drainMs,
        'never applied': missing,
      },
    };
  } finally {
    await model.dispose();
  }
}
