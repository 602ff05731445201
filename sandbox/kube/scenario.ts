/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
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
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { fnv1a, safeEncode } from './clock';
import { applyDefaults } from './defaults';
import { CHANGE_CAUSE, REVISION, templateHash } from './deployment';
import { resourceForKind } from './kinds';
import { BEHAVIOUR_ANNOTATION, BEHAVIOURS, type Behaviour } from './podruntime';
import type { ObjectStore } from './store';
import { deepClone, type KObject } from './types';

export const NAMESPACE = 'freelms';
/** A pod whose finalizer is never removed, so it stays Terminating once deleted. */
export const TERMINATING_POD = 'forum-legacy-6b7c9-p2m8d';
export const PART_OF = 'app.kubernetes.io/part-of';
const REGISTRY = 'registry.freelms.io';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Images the scenario marks bad, and what their containers do. */
export const BAD_IMAGES: ReadonlyMap<string, Behaviour> = new Map([
  [`${REGISTRY}/api-gateway:2.4.1`, 'oom'],
  [`${REGISTRY}/media-transcoder:3.0.0-rc1`, 'pull'],
]);

/**
 * What a pod's containers do: the pod's behaviour annotation, else its image (a bad image of
 * the scenario, or a tag that says so: `…:crash`, `…:oom`, `…:does-not-exist`), else normal.
 */
export function behaviourOf(pod: KObject): Behaviour {
  const annotated = pod.metadata.annotations?.[BEHAVIOUR_ANNOTATION];
  if (annotated && (BEHAVIOURS as readonly string[]).includes(annotated))
    return annotated as Behaviour;
  for (const c of pod.spec?.containers ?? []) {
    const image = String(c.image ?? '');
    const bad = BAD_IMAGES.get(image);
    if (bad) return bad;
    const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
    if (/crash/.test(tag)) return 'crash';
    if (/oom/.test(tag)) return 'oom';
    if (/does-not-exist|missing|notfound/.test(tag)) return 'pull';
  }
  return 'normal';
}

interface Revision {
  version: string;
  cause: string;
  /** How long ago it was rolled out. */
  ago: number;
}

interface ServiceSpec {
  name: string;
  replicas: number;
  revisions: Revision[];
  port: number;
  memory: string;
  /** Behaviour of the current pods where the image alone does not say it. */
  podBehaviours?: Behaviour[];
  initContainers?: boolean;
}

const SERVICES: ServiceSpec[] = [
  {
    name: 'api-gateway',
    replicas: 3,
    port: 8080,
    memory: '512Mi',
    revisions: [
      { version: '2.3.0', cause: 'Release 2.3.0: tenant routing', ago: 12 * DAY },
      { version: '2.4.0', cause: 'Release 2.4.0: per-tenant rate limiting', ago: 3 * DAY },
      {
        version: '2.4.1',
        cause: 'Release 2.4.1: response cache for course catalogue',
        ago: 25 * MINUTE,
      },
    ],
  },
  {
    name: 'course-service',
    replicas: 3,
    port: 8081,
    memory: '768Mi',
    podBehaviours: ['normal', 'oom-once', 'normal'],
    revisions: [
      { version: '1.8.0', cause: 'Release 1.8.0', ago: 20 * DAY },
      { version: '1.9.0', cause: 'Release 1.9.0: course prerequisites', ago: 6 * DAY },
    ],
  },
  {
    name: 'user-service',
    replicas: 2,
    port: 8082,
    memory: '512Mi',
    revisions: [
      { version: '3.1.0', cause: 'Release 3.1.0', ago: 30 * DAY },
      { version: '3.2.0', cause: 'Release 3.2.0: SSO with SAML', ago: 9 * DAY },
      { version: '3.2.1', cause: 'Release 3.2.1: session timeout fix', ago: 2 * DAY },
    ],
  },
  {
    name: 'payment-service',
    replicas: 2,
    port: 8083,
    memory: '512Mi',
    revisions: [
      { version: '1.4.0', cause: 'Release 1.4.0', ago: 40 * DAY },
      { version: '1.5.0', cause: 'Release 1.5.0: refunds through the PSP', ago: 4 * DAY },
    ],
  },
  {
    name: 'notification-service',
    replicas: 2,
    port: 8084,
    memory: '384Mi',
    initContainers: true,
    revisions: [
      { version: '0.9.0', cause: 'Release 0.9.0', ago: 15 * DAY },
      { version: '1.0.0', cause: 'Release 1.0.0: digest e-mails', ago: 5 * DAY },
    ],
  },
];

export interface ScenarioOptions {
  /** Total pods wanted; more Deployments (up to 50 in all) are added to reach it. */
  pods?: number;
  now: number;
}

function labels(app: string, extra: Record<string, string> = {}): Record<string, string> {
  return { app, [PART_OF]: 'freelms', ...extra };
}

function meta(
  name: string,
  namespace: string | undefined,
  created: number,
  rest: Record<string, unknown> = {},
): KObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    creationTimestamp: new Date(Math.floor(created / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z'),
    ...rest,
  } as KObject['metadata'];
}

function podTemplate(
  app: string,
  image: string,
  port: number,
  memory: string,
  withInit = false,
): any {
  return {
    metadata: {
      labels: labels(app),
      annotations: { 'kubectl.kubernetes.io/default-container': app },
    },
    spec: {
      ...(withInit
        ? {
            initContainers: [
              {
                name: 'wait-for-kafka',
                image: 'busybox:1.36',
                command: ['sh', '-c', 'until nc -z kafka 9092; do sleep 2; done'],
              },
              { name: 'migrate-templates', image: `${REGISTRY}/${app}-migrations:1.0.0` },
            ],
          }
        : {}),
      containers: [
        {
          name: app,
          image,
          ports: [{ containerPort: port, name: 'http', protocol: 'TCP' }],
          env: [
            { name: 'SPRING_PROFILES_ACTIVE', value: 'production' },
            { name: 'JAVA_TOOL_OPTIONS', value: '-XX:MaxRAMPercentage=75' },
          ],
          resources: { requests: { cpu: '250m', memory }, limits: { memory } },
          readinessProbe: {
            httpGet: { path: '/actuator/health/readiness', port },
            periodSeconds: 5,
          },
        },
        ...(app === 'api-gateway'
          ? [
              {
                name: 'envoy',
                image: 'envoyproxy/envoy:v1.31.2',
                ports: [{ containerPort: 9901, name: 'admin', protocol: 'TCP' }],
              },
            ]
          : []),
      ],
    },
  };
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

  const deploy = (spec: ServiceSpec, namespace = NAMESPACE): void => {
    const current = spec.revisions.at(-1)!;
    const image = (r: Revision) => `${REGISTRY}/${spec.name}:${r.version}`;
    const created = now - spec.revisions[0]!.ago;
    const d = create('deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(spec.name, namespace, created, {
        labels: labels(spec.name),
        annotations: { [REVISION]: String(spec.revisions.length), [CHANGE_CAUSE]: current.cause },
        generation: spec.revisions.length,
      }),
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: { app: spec.name } },
        template: podTemplate(
          spec.name,
          image(current),
          spec.port,
          spec.memory,
          spec.initContainers,
        ),
        progressDeadlineSeconds: 600,
        revisionHistoryLimit: 10,
      },
    });
    const bad = BAD_IMAGES.has(image(current));
    const rolledOut = meta('', undefined, now - current.ago).creationTimestamp;
    store.mutate('deployments', namespace, spec.name, (obj) => {
      // The status the controller last wrote, so its progress check compares against it.
      obj.status = {
        observedGeneration: spec.revisions.length,
        replicas: spec.replicas,
        updatedReplicas: spec.replicas,
        ...(bad
          ? { unavailableReplicas: spec.replicas }
          : { readyReplicas: spec.replicas, availableReplicas: spec.replicas }),
        conditions: [
          bad
            ? {
                type: 'Progressing',
                status: 'False',
                lastUpdateTime: rolledOut,
                lastTransitionTime: rolledOut,
                reason: 'ProgressDeadlineExceeded',
                message: `ReplicaSet "${spec.name}-${templateHash(obj.spec.template)}" has timed out progressing.`,
              }
            : {
                type: 'Progressing',
                status: 'True',
                lastUpdateTime: rolledOut,
                lastTransitionTime: rolledOut,
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${spec.name}-${templateHash(obj.spec.template)}" has successfully progressed.`,
              },
        ],
      };
    });
    spec.revisions.forEach((revision, index) => {
      const template = podTemplate(
        spec.name,
        image(revision),
        spec.port,
        spec.memory,
        spec.initContainers,
      );
      applyDefaults('deployments', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('x', namespace, 0),
        spec: { selector: { matchLabels: { app: spec.name } }, template },
      });
      const hash = templateHash(template);
      template.metadata.labels['pod-template-hash'] = hash;
      const isCurrent = index === spec.revisions.length - 1;
      const rsName = `${spec.name}-${hash}`;
      const rs = create('replicasets', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: meta(rsName, namespace, now - revision.ago, {
          labels: template.metadata.labels,
          annotations: {
            [REVISION]: String(index + 1),
            [CHANGE_CAUSE]: revision.cause,
            'deployment.kubernetes.io/desired-replicas': String(spec.replicas),
            'deployment.kubernetes.io/max-replicas': String(
              spec.replicas + Math.ceil(spec.replicas / 4),
            ),
          },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: spec.name,
              uid: d.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        }),
        spec: {
          replicas: isCurrent ? spec.replicas : 0,
          selector: { matchLabels: { app: spec.name, 'pod-template-hash': hash } },
          template,
        },
      });
      if (!isCurrent) return;
      for (let i = 0; i < spec.replicas; i++) {
        const behaviour = spec.podBehaviours?.[i];
        const suffix = safeEncode(fnv1a(`${rsName}/${i}`), 5);
        create('pods', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: meta(`${rsName}-${suffix}`, namespace, now - revision.ago + i * 20_000, {
            labels: template.metadata.labels,
            annotations: {
              ...(template.metadata.annotations ?? {}),
              ...(behaviour ? { [BEHAVIOUR_ANNOTATION]: behaviour } : {}),
            },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: rsName,
                uid: rs.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }),
          spec: deepClone(template.spec),
        });
        pods++;
      }
    });
    create('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(spec.name, namespace, created, { labels: labels(spec.name) }),
      spec: {
        type: 'ClusterIP',
        clusterIP: `10.96.${(fnv1a(spec.name) % 200) + 10}.${(fnv1a(spec.name + 'x') % 250) + 2}`,
        selector: { app: spec.name },
        ports: [{ name: 'http', port: 80, targetPort: spec.port, protocol: 'TCP' }],
      },
    });
  };

  for (const spec of SERVICES) deploy(spec);
  deploy({
    name: 'media-transcoder',
    replicas: 1,
    port: 8090,
    memory: '1Gi',
    revisions: [
      { version: '2.9.3', cause: 'Release 2.9.3', ago: 10 * DAY },
      { version: '3.0.0-rc1', cause: 'Try the 3.0 release candidate', ago: 40 * MINUTE },
    ],
  });

  const stateful: Array<[string, string, number, string[]]> = [
    ['postgres', 'postgres:16.4', 5432, ['postgres']],
    ['redis', 'redis:7.4.1', 6379, ['redis-server']],
    ['kafka', 'bitnami/kafka:3.8.0', 9092, ['/opt/bitnami/scripts/kafka/run.sh']],
  ];
  for (const [name, image, port, command] of stateful) {
    const template = {
      metadata: { labels: labels(name) },
      spec: {
        containers: [
          {
            name,
            image,
            command,
            ports: [{ containerPort: port, protocol: 'TCP' }],
            resources: {
              requests: { cpu: '500m', memory: '1Gi' },
              limits: { cpu: '500m', memory: '1Gi' },
            },
          },
        ],
      },
    };
    const sts = create('statefulsets', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(name, NAMESPACE, clusterBorn + HOUR, { labels: labels(name) }),
      spec: {
        replicas: 1,
        serviceName: name,
        selector: { matchLabels: { app: name } },
        template,
        podManagementPolicy: 'OrderedReady',
      },
    });
    create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(`${name}-0`, NAMESPACE, now - 8 * DAY, {
        labels: {
          ...labels(name),
          'statefulset.kubernetes.io/pod-name': `${name}-0`,
          'apps.kubernetes.io/pod-index': '0',
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            name,
            uid: sts.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      }),
      spec: deepClone(template.spec),
    });
    pods++;
    create('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, NAMESPACE, clusterBorn + HOUR, { labels: labels(name) }),
      spec: {
        type: 'ClusterIP',
        clusterIP: 'None',
        selector: { app: name },
        ports: [{ port, targetPort: port, protocol: 'TCP' }],
      },
    });
  }

  // Pods in the states the runbook's "unhealthy pods" check has to recognise.
  const standalone = (
    name: string,
    app: string,
    behaviour: Behaviour,
    ago: number,
    extra: Partial<KObject['spec']> = {},
  ): void => {
    create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(name, NAMESPACE, now - ago, {
        labels: labels(app),
        annotations: { [BEHAVIOUR_ANNOTATION]: behaviour },
      }),
      spec: {
        containers: [
          {
            name: app,
            image: `${REGISTRY}/${app}:1.2.0`,
            resources: { requests: { cpu: '100m', memory: '256Mi' } },
          },
        ],
        ...extra,
      },
    });
    pods++;
  };
  standalone('db-migrate-20250114-kx7vq', 'db-migrate', 'complete', 2 * DAY, {
    restartPolicy: 'Never',
  });
  standalone('report-export-29417-bm2wd', 'report-export', 'fail', 7 * HOUR, {
    restartPolicy: 'Never',
  });
  standalone('analytics-worker-6c9f5-hz2lp', 'analytics-worker', 'unschedulable', 50 * MINUTE, {
    containers: [
      {
        name: 'analytics-worker',
        image: `${REGISTRY}/analytics-worker:0.7.2`,
        resources: { requests: { cpu: '2', memory: '64Gi' } },
      },
    ],
  });
  standalone('thumbnail-cache-5d8b7-q4x9n', 'thumbnail-cache', 'evicted', 5 * HOUR);
  create('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(TERMINATING_POD, NAMESPACE, now - 9 * DAY, {
      labels: labels('forum-legacy'),
      finalizers: ['freelms.io/drain-sessions'],
    }),
    spec: {
      containers: [{ name: 'forum-legacy', image: `${REGISTRY}/forum-legacy:0.14.2` }],
      terminationGracePeriodSeconds: 30,
    },
  });
  pods++;
  standalone('grade-exporter-7f6d9-tw5lm', 'grade-exporter', 'init-stuck', 35 * MINUTE, {
    initContainers: [
      {
        name: 'wait-for-postgres',
        image: 'busybox:1.36',
        command: ['sh', '-c', 'until nc -z postgres 5432; do sleep 2; done'],
      },
      {
        name: 'wait-for-kafka',
        image: 'busybox:1.36',
        command: ['sh', '-c', 'until nc -z kafka-broker 9092; do sleep 2; done'],
      },
    ],
  });

  for (let i = 0; i < 2; i++) {
    const suffix = safeEncode(fnv1a(`coredns/${i}`), 5);
    create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(`coredns-5d78c9869d-${suffix}`, 'kube-system', clusterBorn, {
        labels: { 'k8s-app': 'kube-dns' },
      }),
      spec: {
        containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }],
        priorityClassName: 'system-cluster-critical',
      },
    });
    pods++;
  }

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

/** Loads every object of the JSON/YAML files under `dir` (lists and multi-document YAML too). */
export function loadSeed(store: ObjectStore, dir: string): number {
  let count = 0;
  const files = listFiles(dir)
    .filter((f) => /\.(json|ya?ml)$/i.test(f))
    .sort();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const docs: unknown[] = file.toLowerCase().endsWith('.json')
      ? [JSON.parse(text)]
      : parseAllDocuments(text).map((d) => d.toJSON());
    for (const doc of docs.flatMap(flattenList)) {
      const obj = doc as KObject;
      if (!obj?.kind || !obj.apiVersion || !obj.metadata?.name) continue;
      const info = resourceForKind(obj.apiVersion, obj.kind);
      if (!info)
        throw new Error(`${file}: the sandbox does not serve ${obj.apiVersion} ${obj.kind}`);
      if (info.namespaced) {
        obj.metadata.namespace ??= 'default';
        if (!store.get('namespaces', undefined, obj.metadata.namespace)) {
          const ns: KObject = {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: obj.metadata.namespace } as KObject['metadata'],
          };
          applyDefaults('namespaces', ns);
          store.create('namespaces', ns);
        }
      } else {
        delete obj.metadata.namespace;
      }
      delete (obj.metadata as Record<string, unknown>).resourceVersion;
      if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length)
        obj.metadata.finalizers = ['sandbox.freelms.io/seeded'];
      const deletion = obj.metadata.deletionTimestamp;
      applyDefaults(info.resource, obj);
      if (store.get(info.resource, obj.metadata.namespace, obj.metadata.name))
        store.remove(info.resource, obj.metadata.namespace, obj.metadata.name);
      const created = store.create(info.resource, obj);
      if (deletion) {
        store.mutate(info.resource, created.metadata.namespace, created.metadata.name, (o) => {
          o.metadata.deletionTimestamp = deletion;
        });
      }
      count++;
    }
  }
  return count;
}

function flattenList(doc: unknown): unknown[] {
  const obj = doc as { kind?: string; items?: unknown[] };
  if (
    obj &&
    typeof obj.kind === 'string' &&
    obj.kind.endsWith('List') &&
    Array.isArray(obj.items)
  ) {
    const itemKind = obj.kind.slice(0, -4);
    return obj.items.map((item) => ({
      kind: itemKind,
      apiVersion: (obj as { apiVersion?: string }).apiVersion,
      ...(item as object),
    }));
  }
  return [doc];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
