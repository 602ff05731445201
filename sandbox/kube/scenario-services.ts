/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * The FreeLMS services as the scenario deploys them: each service's replicas, port, memory and
 * release history, the pod template they share, the images the scenario marks bad (the
 * api-gateway's 2.4.1 runs out of memory, the media-transcoder's release candidate cannot be
 * pulled) and how a pod's behaviour is chosen, and `deployService`, which builds a service's
 * Deployment, ReplicaSets, pods and Service as if it had been rolled out release by release.
 */
import { fnv1a, safeEncode } from './clock';
import { applyDefaults } from './defaults';
import { CHANGE_CAUSE, REVISION, templateHash } from './deployment-spec';
import { BEHAVIOUR_ANNOTATION, BEHAVIOURS, type Behaviour } from './podruntime';
import { ownerRef } from './replicaset';
import {
  DAY,
  labels,
  meta,
  MINUTE,
  NAMESPACE,
  REGISTRY,
  type ScenarioBuilder,
} from './scenario-meta';
import { deepClone, type KObject } from './types';

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

export interface ServiceSpec {
  name: string;
  replicas: number;
  revisions: Revision[];
  port: number;
  memory: string;
  /** Behaviour of the current pods where the image alone does not say it. */
  podBehaviours?: Behaviour[];
  initContainers?: boolean;
}

export const SERVICES: ServiceSpec[] = [
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

/** A service whose current release candidate cannot be pulled. */
export const MEDIA_TRANSCODER: ServiceSpec = {
  name: 'media-transcoder',
  replicas: 1,
  port: 8090,
  memory: '1Gi',
  revisions: [
    { version: '2.9.3', cause: 'Release 2.9.3', ago: 10 * DAY },
    { version: '3.0.0-rc1', cause: 'Try the 3.0 release candidate', ago: 40 * MINUTE },
  ],
};

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

/**
 * A service as a Deployment with its revision history: one ReplicaSet per revision (only the
 * current one scaled up), the current pods, the Service, and the Deployment's status as its
 * controller last wrote it. Returns the number of pods created.
 */
export function deployService(
  { now, store, create }: ScenarioBuilder,
  spec: ServiceSpec,
  namespace = NAMESPACE,
): number {
  let pods = 0;
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
      template: podTemplate(spec.name, image(current), spec.port, spec.memory, spec.initContainers),
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
        ownerReferences: ownerRef(d),
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
          ownerReferences: ownerRef(rs),
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
  return pods;
}
