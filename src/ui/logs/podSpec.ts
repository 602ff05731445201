import type { V1Pod, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';

import type { KubeConnection } from '../../platform/kube/connection';
import type { ContainerChoice, LogTarget } from './protocol';

/** What a log panel needs of a pod's spec: its containers and the default one's annotation. */
export interface PodSpecView {
  spec?: V1PodSpec;
  annotations?: Record<string, string>;
}

/** The pod's spec, or the pod template of the Deployment a workload panel merges. */
export async function readPodSpec(
  connection: KubeConnection,
  target: LogTarget,
): Promise<PodSpecView> {
  const ns = encodeURIComponent(connection.namespace);
  if (target.kind === 'pod') {
    const pod = await connection.getJson<V1Pod>(
      { verb: 'get', resource: 'pods', name: target.pod },
      `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(target.pod)}`,
    );
    return { spec: pod.spec, annotations: pod.metadata?.annotations };
  }
  const deployment = await connection.getJson<{ spec?: { template?: V1PodTemplateSpec } }>(
    { verb: 'get', resource: 'deployments', name: target.deployment },
    `/apis/apps/v1/namespaces/${ns}/deployments/${encodeURIComponent(target.deployment)}`,
  );
  const template = deployment.spec?.template;
  return { spec: template?.spec, annotations: template?.metadata?.annotations };
}

/** The containers to choose from, init containers first, as the pod runs them. */
export function containersOf(view: PodSpecView): ContainerChoice[] {
  return [
    ...(view.spec?.initContainers ?? []).map((c) => ({ name: c.name, init: true })),
    ...(view.spec?.containers ?? []).map((c) => ({ name: c.name, init: false })),
  ];
}

/**
 * The container read when none is chosen, as kubectl picks it: the one the
 * `kubectl.kubernetes.io/default-container` annotation names, else the first. Undefined for a
 * single container (the server picks it); without a choice the server refuses a pod with a
 * sidecar.
 */
export function defaultContainer(view: PodSpecView): string | undefined {
  const named = view.annotations?.['kubectl.kubernetes.io/default-container'];
  const containers = view.spec?.containers ?? [];
  if (containers.length < 2) return undefined;
  return containers.some((c) => c.name === named) ? named : containers[0]?.name;
}
