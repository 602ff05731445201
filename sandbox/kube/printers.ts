/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * The server-side printers, one per resource: the columns `kubectl get` shows (the wide ones
 * at priority 1) and how each row's cells are computed from the object, as the API server's
 * printers compute them — pods through `podSummary`, workloads' readiness and wide container
 * columns, services' ports and selector, nodes' status and roles, events' sources. A resource
 * without a printer gets Name and Created At.
 */
import { humanDuration } from './clock';
import { podSummary } from './podsummary';
import { selectorToString } from './selectors';
import type { KObject } from './types';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  description: string;
  priority: number;
}

type Cell = string | number;

export interface Printer {
  columns: Column[];
  cells(obj: KObject, now: number): Cell[];
  conditions?(obj: KObject): Array<{ type: string; status: string }> | undefined;
}

const col = (name: string, type: Column['type'] = 'string', priority = 0, format = ''): Column => ({
  name,
  type,
  format,
  description: describe(name),
  priority,
});

function describe(name: string): string {
  return name === 'Name'
    ? 'Name must be unique within a namespace. Is required when creating resources, although some ' +
        'resources may allow a client to request the generation of an appropriate name automatically.'
    : name === 'Age'
      ? 'CreationTimestamp is a timestamp representing the server time when this object was created.'
      : `${name} of the object.`;
}

function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  return humanDuration(now - Date.parse(timestamp));
}

function isTrue(conditions: any[], type: string): boolean {
  return conditions.find((c) => c.type === type)?.status === 'True';
}

function containerCells(template: any): [string, string] {
  const containers: any[] = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}

/** The wide columns of a Deployment or ReplicaSet: its template's containers and images, its selector. */
const WORKLOAD_WIDE_COLUMNS = [
  col('Containers', 'string', 1),
  col('Images', 'string', 1),
  col('Selector', 'string', 1),
];

function workloadWideCells(obj: KObject): [string, string, string] {
  const [containers, images] = containerCells(obj.spec?.template);
  return [containers, images, selectorToString(obj.spec?.selector)];
}

export const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Ready'),
      col('Status'),
      col('Restarts'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells(pod, now) {
      const summary = podSummary(pod, now);
      const gates: any[] = pod.spec?.readinessGates ?? [];
      const conditions: any[] = pod.status?.conditions ?? [];
      const gateCell = gates.length
        ? `${gates.filter((g) => isTrue(conditions, g.conditionType)).length}/${gates.length}`
        : '<none>';
      return [
        pod.metadata.name,
        summary.ready,
        summary.status,
        summary.restarts,
        age(pod.metadata.creationTimestamp, now),
        pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>',
        pod.spec?.nodeName || '<none>',
        pod.status?.nominatedNodeName || '<none>',
        gateCell,
      ];
    },
    conditions(pod) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True' }];
      if (phase === 'Failed') return [{ type: 'Completed', status: 'True' }];
      return undefined;
    },
  },
  deployments: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
      ...WORKLOAD_WIDE_COLUMNS,
    ],
    cells(d, now) {
      return [
        d.metadata.name,
        `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
        d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0,
        age(d.metadata.creationTimestamp, now),
        ...workloadWideCells(d),
      ];
    },
  },
  replicasets: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
      ...WORKLOAD_WIDE_COLUMNS,
    ],
    cells(rs, now) {
      return [
        rs.metadata.name,
        rs.spec?.replicas ?? 1,
        rs.status?.replicas ?? 0,
        rs.status?.readyReplicas ?? 0,
        age(rs.metadata.creationTimestamp, now),
        ...workloadWideCells(rs),
      ];
    },
  },
  statefulsets: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Ready'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
    ],
    cells(s, now) {
      const [containers, images] = containerCells(s.spec?.template);
      return [
        s.metadata.name,
        `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 1}`,
        age(s.metadata.creationTimestamp, now),
        containers,
        images,
      ];
    },
  },
  services: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      col('Age'),
      col('Selector', 'string', 1),
    ],
    cells(svc, now) {
      const ports: any[] = svc.spec?.ports ?? [];
      const portText = ports.length
        ? ports
            .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
            .join(',')
        : '<none>';
      const selector = svc.spec?.selector
        ? Object.entries(svc.spec.selector)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => `${k}=${v}`)
            .join(',')
        : '<none>';
      const external =
        svc.status?.loadBalancer?.ingress?.map((i: any) => i.ip || i.hostname).join(',') ||
        (svc.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>');
      return [
        svc.metadata.name,
        svc.spec?.type ?? 'ClusterIP',
        svc.spec?.clusterIP ?? '<none>',
        external,
        portText,
        age(svc.metadata.creationTimestamp, now),
        selector,
      ];
    },
  },
  namespaces: {
    columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Age')],
    cells(ns, now) {
      return [
        ns.metadata.name,
        ns.status?.phase ?? 'Active',
        age(ns.metadata.creationTimestamp, now),
      ];
    },
  },
  nodes: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Status'),
      col('Roles'),
      col('Age'),
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    cells(node, now) {
      const ready = (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
      let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
      if (node.spec?.unschedulable) status += ',SchedulingDisabled';
      const roles = Object.keys(node.metadata.labels ?? {})
        .filter((l) => l.startsWith('node-role.kubernetes.io/'))
        .map((l) => l.slice('node-role.kubernetes.io/'.length));
      const address = (type: string) =>
        (node.status?.addresses ?? []).find((a: any) => a.type === type)?.address ?? '<none>';
      const info = node.status?.nodeInfo ?? {};
      return [
        node.metadata.name,
        status,
        roles.length ? roles.join(',') : '<none>',
        age(node.metadata.creationTimestamp, now),
        info.kubeletVersion ?? '',
        address('InternalIP'),
        address('ExternalIP'),
        info.osImage ?? '<unknown>',
        info.kernelVersion ?? '<unknown>',
        info.containerRuntimeVersion ?? '<unknown>',
      ];
    },
  },
  events: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 'string', 1),
      col('Source', 'string', 1),
      col('Message'),
      col('First Seen', 'string', 1),
      col('Count', 'string', 1),
      col('Name', 'string', 1),
    ],
    cells(ev, now) {
      const last = ev.lastTimestamp || ev.eventTime || ev.metadata.creationTimestamp;
      const first =
        (ev.firstTimestamp as string) || (ev.eventTime as string) || ev.metadata.creationTimestamp;
      const involved: any = ev.involvedObject ?? {};
      const source: any = ev.source ?? {};
      return [
        age(last as string, now),
        (ev.type as string) ?? 'Normal',
        (ev.reason as string) ?? '',
        `${String(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`,
        involved.fieldPath ?? '',
        [source.component, source.host].filter(Boolean).join(', '),
        String(ev.message ?? '').trim(),
        age(first, now),
        String(ev.count ?? 1),
        ev.metadata.name,
      ];
    },
  },
};

export const DEFAULT_PRINTER: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Created At', 'date')],
  cells(obj) {
    return [obj.metadata.name, obj.metadata.creationTimestamp];
  },
};
