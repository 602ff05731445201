import type { Log } from '../../common/log';
import type { ServiceObservation, WatchObservation } from '../../incident/watch';
import { checkHealth, HealthError } from '../../platform/health';
import type { ClusterModel } from '../../platform/kube/clusterModel';
import type { ClusterSession } from '../cluster/clusterSession';

/** How long a round waits for the cluster's first lists before calling it unmeasured. */
const CLUSTER_WAIT_MS = 10_000;

/** The health endpoint's part of a round: its answer, or why there is none. */
export interface HealthPart {
  health?: WatchObservation['health'];
  unmeasured: string[];
}

/** Asks the actuator health endpoint once; a missing setting or no answer is unmeasured. */
export async function observeHealth(url: string, log: Log): Promise<HealthPart> {
  if (!url) return { unmeasured: ['health not checked: set freelms.health.url'] };
  try {
    const report = await checkHealth(url, { log });
    return {
      health: { url, status: report.status, httpStatus: report.httpStatus },
      unmeasured: [],
    };
  } catch (error) {
    const why = error instanceof HealthError ? error.message : String(error);
    return { unmeasured: [`health not checked: ${why}`] };
  }
}

/** The cluster model once its first lists are in, or why the watch cannot read pods now. */
export async function liveModel(
  cluster: ClusterSession,
): Promise<{ model?: ClusterModel; unmeasured: string[] }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      cluster.ensureStarted(),
      new Promise((resolve) => (timer = setTimeout(resolve, CLUSTER_WAIT_MS))),
    ]);
  } finally {
    // A cluster that answered in time leaves no timer behind, once a round, every round.
    clearTimeout(timer);
  }
  const { state, model } = cluster;
  if (state.phase === 'live' && model) return { model, unmeasured: [] };
  // A model that is reconnecting still holds pods, but they may be minutes old.
  const why = 'error' in state ? state.error.message : 'still connecting';
  return { unmeasured: [`pods not checked: the cluster is ${state.phase} (${why})`] };
}

/**
 * The affected services as the cluster model holds them now: each one's Deployment (or
 * StatefulSet) counts and its failing pods. A service with no workload of that name in the
 * namespace is unmeasured, not broken: incident services are typed by people.
 */
export function observeServices(
  model: ClusterModel,
  services: readonly string[],
  namespace: string,
): { services: ServiceObservation[]; unmeasured: string[] } {
  const observed: ServiceObservation[] = [];
  const unmeasured: string[] = [];
  for (const service of services) {
    const group = model.group(`Deployment/${service}`) ?? model.group(`StatefulSet/${service}`);
    if (!group) {
      unmeasured.push(
        `${service} not checked: no Deployment or StatefulSet of that name in ${namespace}`,
      );
      continue;
    }
    const workload = group.deployment ?? group.statefulSet;
    observed.push({
      service,
      workload: workload && {
        ready: workload.ready,
        desired: workload.desired,
        rollout: group.deployment?.rollout,
      },
      failingPods: model
        .pods(group.id)
        .filter((pod) => pod.health === 'failing')
        .map((pod) => ({ name: pod.name, status: pod.status, restarts: pod.restarts })),
    });
  }
  return { services: observed, unmeasured };
}
