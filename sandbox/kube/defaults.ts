/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * The defaults and validation the real API server applies on create and update, limited to
 * what the controllers and kubectl rely on (replicas, strategy, selectors, pod spec defaults).
 */
import { invalid } from './status';
import { selectorMatcher } from './selectors';
import type { KObject } from './types';

export function defaultPodSpec(spec: any): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    c.imagePullPolicy ??=
      String(c.image ?? '').endsWith(':latest') || !String(c.image ?? '').includes(':')
        ? 'Always'
        : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
  }
}

function defaultTemplate(template: any): void {
  template.metadata ??= {};
  template.spec ??= {};
  defaultPodSpec(template.spec);
}

function requireSelector(obj: KObject, group: string): void {
  const selector = obj.spec?.selector;
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) {
    throw invalid(obj.kind, obj.metadata.name, 'spec.selector', 'Required value', group);
  }
  if (!selectorMatcher(selector)(labels)) {
    throw invalid(
      obj.kind,
      obj.metadata.name,
      'spec.template.metadata.labels',
      `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
      group,
    );
  }
}

/** Applies defaults in place and rejects what the real server would reject. */
export function applyDefaults(resource: string, obj: KObject): void {
  if (!obj.metadata.name)
    throw invalid(
      obj.kind,
      '',
      'metadata.name',
      'Required value: name or generateName is required',
    );
  if (
    !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(obj.metadata.name) ||
    obj.metadata.name.length > 253
  ) {
    throw invalid(
      obj.kind,
      obj.metadata.name,
      'metadata.name',
      `Invalid value: "${obj.metadata.name}": a lowercase RFC 1123 subdomain must consist of lower ` +
        `case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
  switch (resource) {
    case 'deployments': {
      const spec = (obj.spec ??= {});
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate' };
      if (spec.strategy.type === 'RollingUpdate') {
        spec.strategy.rollingUpdate ??= {};
        spec.strategy.rollingUpdate.maxSurge ??= '25%';
        spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
      }
      defaultTemplate((spec.template ??= {}));
      requireSelector(obj, 'apps');
      obj.status ??= {};
      break;
    }
    case 'replicasets':
    case 'statefulsets': {
      const spec = (obj.spec ??= {});
      spec.replicas ??= 1;
      defaultTemplate((spec.template ??= {}));
      requireSelector(obj, 'apps');
      obj.status ??= { replicas: 0 };
      break;
    }
    case 'pods': {
      const spec = (obj.spec ??= {});
      if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
        throw invalid('Pod', obj.metadata.name, 'spec.containers', 'Required value');
      }
      defaultPodSpec(spec);
      // As the API server does: a new pod is Pending until the scheduler and kubelet act.
      if (!obj.status || Object.keys(obj.status).length === 0)
        obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
      break;
    }
    case 'services': {
      const spec = (obj.spec ??= {});
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      for (const port of spec.ports ?? []) {
        port.protocol ??= 'TCP';
        port.targetPort ??= port.port;
      }
      break;
    }
    case 'namespaces':
      obj.spec ??= { finalizers: ['kubernetes'] };
      obj.status ??= { phase: 'Active' };
      obj.metadata.labels = {
        ...(obj.metadata.labels ?? {}),
        'kubernetes.io/metadata.name': obj.metadata.name,
      };
      break;
  }
}

/** The QoS class of a pod, from its containers' requests and limits. */
export function qosClass(pod: KObject): string {
  const containers: any[] = pod.spec?.containers ?? [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (!limits[r] || (requests[r] && requests[r] !== limits[r])) guaranteed = false;
    }
  }
  return guaranteed ? 'Guaranteed' : any ? 'Burstable' : 'BestEffort';
}
