/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * Server-side printing: the `Table` kubectl asks for with `Accept: …;as=Table`. The cells are
 * computed as the API server's printers compute them, so `kubectl get` shows the STATUS,
 * READY and RESTARTS an on-call engineer knows (CrashLoopBackOff, Init:0/2, Terminating…).
 */
import { humanDuration } from './clock';
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

interface Printer {
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

/** STATUS, READY and RESTARTS of a pod, as `kubectl get pods` prints them. */
export function podSummary(
  pod: KObject,
  now: number,
): { ready: string; status: string; restarts: string; readyCount: number; total: number } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const containers: any[] = spec.containers ?? [];
  const initContainers: any[] = spec.initContainers ?? [];
  let total = containers.length;
  let readyCount = 0;
  let restarts = 0;
  let lastRestart = 0;
  let reason: string = status.reason || status.phase || '';
  const conditions: any[] = status.conditions ?? [];
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated'))
    reason = 'SchedulingGated';

  const restartable = (name: string) =>
    initContainers.find((c) => c.name === name)?.restartPolicy === 'Always';
  total += initContainers.filter((c) => c.restartPolicy === 'Always').length;

  let initializing = false;
  const initStatuses: any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished));
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (restartable(c.name) && c.started) {
      if (c.ready) readyCount++;
      continue;
    }
    if (terminated) {
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  const initialized = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = 0;
    lastRestart = 0;
    let hasRunning = false;
    const statuses: any[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      const finished = c.lastState?.terminated?.finishedAt;
      if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished));
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated)
        reason = terminated.signal
          ? `Signal:${terminated.signal}`
          : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyCount++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True')
        ? 'Running'
        : 'NotReady';
    }
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartText =
    restarts !== 0 && lastRestart
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts);
  return {
    ready: `${readyCount}/${total}`,
    status: reason,
    restarts: restartText,
    readyCount,
    total,
  };
}

function isTrue(conditions: any[], type: string): boolean {
  return conditions.find((c) => c.type === type)?.status === 'True';
}

function containerCells(template: any): [string, string] {
  const containers: any[] = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}

const PRINTERS: Record<string, Printer> = {
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
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(d, now) {
      const [containers, images] = containerCells(d.spec?.template);
      return [
        d.metadata.name,
        `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
        d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0,
        age(d.metadata.creationTimestamp, now),
        containers,
        images,
        selectorToString(d.spec?.selector),
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
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(rs, now) {
      const [containers, images] = containerCells(rs.spec?.template);
      return [
        rs.metadata.name,
        rs.spec?.replicas ?? 1,
        rs.status?.replicas ?? 0,
        rs.status?.readyReplicas ?? 0,
        age(rs.metadata.creationTimestamp, now),
        containers,
        images,
        selectorToString(rs.spec?.selector),
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

const DEFAULT_PRINTER: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Created At', 'date')],
  cells(obj) {
    return [obj.metadata.name, obj.metadata.creationTimestamp];
  },
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(obj: KObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function tableRow(
  resource: string,
  obj: KObject,
  now: number,
  include: IncludeObject,
): Record<string, unknown> {
  const printer = PRINTERS[resource] ?? DEFAULT_PRINTER;
  const conditions = printer.conditions?.(obj);
  const object = rowObject(obj, include);
  return {
    cells: printer.cells(obj, now),
    ...(conditions ? { conditions } : {}),
    ...(object ? { object } : {}),
  };
}

/** A `meta.k8s.io/v1` Table of `objects`. */
export function toTable(
  resource: string,
  objects: KObject[],
  now: number,
  include: IncludeObject,
  listMeta: Record<string, unknown>,
): Record<string, unknown> {
  const printer = PRINTERS[resource] ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: printer.columns,
    rows: objects.map((obj) => tableRow(resource, obj, now, include)),
  };
}
