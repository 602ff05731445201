/**
 * The FreeLMS cluster the sandbox starts with: namespace `freelms`, the five services as
 * Deployments with revision history, postgres-0/redis-0/kafka-0 from StatefulSets, and a few
 * pods in the states an on-call engineer meets. The api-gateway's current revision (2.4.1)
 * runs out of memory at start-up, so it is in CrashLoopBackOff after OOMKilled and the health
 * endpoint is DOWN; `kubectl rollout undo` to 2.4.0 heals it.
 *
 * Objects are back-dated (as if the cluster had been running for days) and the kubelet replays
 * their pods' past, so restarts and ages look lived-in from the first `kubectl get pods`.
 */
import { applyDefaults } from './defaults';
import { createDataStores, createOtherPods } from './scenario-pods';
import { DAY, meta, NAMESPACE, PART_OF, type ScenarioBuilder } from './scenario-meta';
import { deployService, MEDIA_TRANSCODER, SERVICES, type ServiceSpec } from './scenario-services';
import type { ObjectStore } from './store';
import type { KObject } from './types';

// Where the sandbox imports these from.
export { NAMESPACE } from './scenario-meta';
export { TERMINATING_POD } from './scenario-pods';
export { behaviourOf } from './scenario-services';
export { loadSeed } from './seed';

export interface ScenarioOptions {
  /** Total pods wanted; more Deployments (up to 50 in all) are added to reach it. */
  pods?: number;
  now: number;
}

/** Builds the scenario into `store`. Returns the number of pods created. */
export function loadScenario(store: ObjectStore, options: ScenarioOptions): number {
  const { now } = options;
  const clusterBorn = now - 60 * DAY;
  let pods = 0;
  const create = (resource: string, obj: KObject): KObject => {
    applyDefaults(resource, obj);
    return store.create(resource, obj);
  };

  for (const ns of ['default', 'kube-system', NAMESPACE]) {
    create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(
        ns,
        undefined,
        clusterBorn,
        ns === NAMESPACE ? { labels: { [PART_OF]: 'freelms' } } : {},
      ),
    });
  }

  const extraDeployments =
    options.pods && options.pods > 40
      ? Math.min(50 - SERVICES.length - 1, Math.ceil(options.pods / 200))
      : 0;
  const nodeCount = Math.max(3, Math.ceil((options.pods ?? 0) / 100) + 1);
  for (let i = 1; i <= nodeCount; i++) {
    create('nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: meta(`freelms-node-${i}`, undefined, clusterBorn, {
        labels: {
          'kubernetes.io/hostname': `freelms-node-${i}`,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': 'm6i.2xlarge',
          ...(i === 1 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        },
      }),
      spec: {},
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
            lastHeartbeatTime: null,
            lastTransitionTime: meta('', undefined, clusterBorn).creationTimestamp,
          },
        ],
        addresses: [
          { type: 'InternalIP', address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 10}` },
          { type: 'Hostname', address: `freelms-node-${i}` },
        ],
        nodeInfo: {
          kubeletVersion: 'v1.35.0',
          osImage: 'Debian GNU/Linux 12 (bookworm)',
          kernelVersion: '6.1.0-28-cloud-amd64',
          containerRuntimeVersion: 'containerd://2.0.1',
          architecture: 'amd64',
          operatingSystem: 'linux',
        },
        capacity: { cpu: '8', memory: '32Gi', pods: '110' },
        allocatable: { cpu: '7910m', memory: '31Gi', pods: '110' },
      },
    });
  }

  const builder: ScenarioBuilder = { now, clusterBorn, store, create };
  const deploy = (spec: ServiceSpec): void => {
    pods += deployService(builder, spec);
  };
  for (const spec of SERVICES) deploy(spec);
  deploy(MEDIA_TRANSCODER);
  pods += createDataStores(builder);
  pods += createOtherPods(builder);

  // --pods N: more Deployments of the same shape until the cluster has N pods.
  if (extraDeployments > 0 && options.pods! > pods) {
    const remaining = options.pods! - pods;
    const per = Math.floor(remaining / extraDeployments);
    let leftover = remaining - per * extraDeployments;
    for (let i = 1; i <= extraDeployments; i++) {
      const replicas = per + (leftover-- > 0 ? 1 : 0);
      if (replicas <= 0) continue;
      deploy({
        name: `lms-worker-${String(i).padStart(2, '0')}`,
        replicas,
        port: 8080,
        memory: '256Mi',
        revisions: [
          { version: '1.0.0', cause: 'Release 1.0.0', ago: 7 * DAY },
          { version: '1.1.0', cause: 'Release 1.1.0', ago: 2 * DAY },
        ],
      });
      pods += replicas;
    }
  }
  return pods;
}
