/**
 * The resources the sandbox serves, and the discovery documents built from them. kubectl
 * resolves `po`, `deploy`, `rs`… through `shortNames`, so every entry carries them.
 */
export interface ResourceInfo {
  /** Plural name, as in the URL. */
  resource: string;
  singular: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** Subresources served, e.g. `status`, `scale`, `log`, `exec`. */
  subresources: string[];
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export const RESOURCES: readonly ResourceInfo[] = [
  {
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
  },
  {
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['no'],
    verbs: ALL_VERBS,
    subresources: ['status'],
  },
  {
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    verbs: ALL_VERBS,
    subresources: ['status', 'log', 'exec', 'eviction'],
  },
  {
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ALL_VERBS,
    subresources: ['status'],
  },
  {
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['ev'],
    verbs: ALL_VERBS,
    subresources: [],
  },
  {
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['cm'],
    verbs: ALL_VERBS,
    subresources: [],
  },
  {
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    verbs: ALL_VERBS,
    subresources: ['status', 'scale'],
  },
  {
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    verbs: ALL_VERBS,
    subresources: ['status', 'scale'],
  },
  {
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    verbs: ALL_VERBS,
    subresources: ['status', 'scale'],
  },
];

export function groupVersion(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** `deployments.apps` for messages, `pods` for the core group. */
export function qualified(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

export function findResource(
  group: string,
  version: string,
  resource: string,
): ResourceInfo | undefined {
  return RESOURCES.find(
    (r) => r.group === group && r.version === version && r.resource === resource,
  );
}

export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
}

export function resourceByName(resource: string): ResourceInfo {
  const info = RESOURCES.find((r) => r.resource === resource);
  if (!info) throw new Error(`unknown resource ${resource}`);
  return info;
}

function apiResource(info: ResourceInfo): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: info.resource,
    singularName: info.singular,
    namespaced: info.namespaced,
    kind: info.kind,
    verbs: info.verbs,
    ...(info.shortNames ? { shortNames: info.shortNames } : {}),
    ...(info.categories ? { categories: info.categories } : {}),
  };
  const subs = info.subresources.map((sub) => {
    const kind =
      sub === 'scale'
        ? 'Scale'
        : sub === 'log' || sub === 'exec'
          ? sub === 'exec'
            ? 'PodExecOptions'
            : 'Pod'
          : info.kind;
    return {
      name: `${info.resource}/${sub}`,
      singularName: '',
      namespaced: info.namespaced,
      ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
      kind: sub === 'eviction' ? 'Eviction' : kind,
      verbs:
        sub === 'log'
          ? ['get']
          : sub === 'exec'
            ? ['create', 'get']
            : sub === 'eviction'
              ? ['create']
              : ['get', 'patch', 'update'],
    };
  });
  return [main, ...subs];
}

/** `GET /api/v1` and `GET /apis/apps/v1`. */
export function apiResourceList(
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const infos = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (infos.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: infos.flatMap(apiResource),
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(): Record<string, unknown> {
  const groups = [...new Set(RESOURCES.map((r) => r.group).filter(Boolean))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => {
      const gv = { groupVersion: `${name}/v1`, version: 'v1' };
      return { name, versions: [gv], preferredVersion: gv };
    }),
  };
}

export function apiGroup(name: string): Record<string, unknown> | undefined {
  if (!RESOURCES.some((r) => r.group === name)) return undefined;
  const gv = { groupVersion: `${name}/v1`, version: 'v1' };
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: [gv], preferredVersion: gv };
}

export const SERVER_VERSION = {
  major: '1',
  minor: '35',
  emulationMajor: '1',
  emulationMinor: '35',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '34',
  gitVersion: 'v1.35.0-freelms-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-12-17T00:00:00Z',
  goVersion: 'go1.25.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};
