/**
 * The scenario's pods that are not a FreeLMS service's: postgres-0, redis-0 and kafka-0 from
 * their StatefulSets, the pods in the awkward states the runbook's "unhealthy pods" check has
 * to recognise (Completed, Error, Pending as Unschedulable, Evicted, stuck Terminating behind a
 * finalizer, stuck in Init), and CoreDNS in `kube-system`.
 */
import { fnv1a, safeEncode } from './clock';
import { BEHAVIOUR_ANNOTATION, type Behaviour } from './podruntime';
import { ownerRef } from './replicaset';
import {
  DAY,
  HOUR,
  labels,
  meta,
  MINUTE,
  NAMESPACE,
  REGISTRY,
  type ScenarioBuilder,
} from './scenario-meta';
import { deepClone, type KObject } from './types';

/** A pod whose finalizer is never removed, so it stays Terminating once deleted. */
export const TERMINATING_POD = 'forum-legacy-6b7c9-p2m8d';

/** postgres, redis and kafka as StatefulSets of one pod, with headless Services. Returns the pods created. */
export function createDataStores({ clusterBorn, now, create }: ScenarioBuilder): number {
  let pods = 0;
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
        ownerReferences: ownerRef(sts),
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
  return pods;
}

/** The pods in awkward states, and CoreDNS. Returns the number of pods created. */
export function createOtherPods({ clusterBorn, now, create }: ScenarioBuilder): number {
  let pods = 0;
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
  return pods;
}
