/**
 * The 10,000-pod namespace: our Cluster view's model from nothing to a tree (list Deployments,
 * StatefulSets and pods, compute every pod's status, group them, start the watches), against
 * `kubectl get pods -o json` written to a null sink.
 */
import { ClusterModel } from '../src/platform/kube/clusterModel';
import type { SandboxEndpoints } from '../sandbox/endpoints';
import { alternate, type BenchContext, type BenchResult } from './stats';
import { connectTo, kubectlCommand, runShell } from './support';

/** Our side: the model started and every group's pods read as the tree would show them. */
export async function loadClusterModel(endpoints: SandboxEndpoints): Promise<number> {
  const model = new ClusterModel(connectTo(endpoints));
  try {
    await model.start();
    if (model.state.phase !== 'live') throw new Error(`the model is ${model.state.phase}`);
    let shown = 0;
    for (const group of model.groups()) shown += model.pods(group.id).length;
    return shown;
  } finally {
    await model.dispose();
  }
}

export async function podList(
  ctx: BenchContext,
  endpoints: SandboxEndpoints,
  pods: number,
): Promise<BenchResult> {
  const kubectl = kubectlCommand(endpoints, `${ctx.dir}/kubectl-cache-pods`);
  let shown = 0;
  const pair = await alternate({
    warmup: 1,
    rounds: ctx.quick ? 2 : 7,
    ours: async () => {
      const started = performance.now();
      shown = await loadClusterModel(endpoints);
      return performance.now() - started;
    },
    peer: async () => (await runShell(`${kubectl} get pods -o json > /dev/null`)).ms,
  });
  ctx.log(`pod list: the model showed ${shown} pods`);
  return {
    name: `${pods.toLocaleString('en')}-pod list + status + model`,
    unit: 'ms',
    ours: pair.ours,
    peer: pair.peer,
    peerName: 'kubectl get pods -o json',
    ratio: pair.ratio,
    goal: 'ours ≤ 0.8× kubectl get pods -o json',
    met: pair.ratio <= 0.8,
    extra: { 'pods in the model': shown },
  };
}
