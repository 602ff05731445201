import assert from 'node:assert/strict';

import { humanDuration } from '../../../sandbox/kube/clock';
import { formatResult } from '../../../sandbox/kube/command-psql';
import { shellWords } from '../../../sandbox/kube/commands';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from '../../../sandbox/kube/patch';
import { podSummary } from '../../../sandbox/kube/podsummary';
import {
  parseFieldSelector,
  parseLabelSelector,
  selectorToString,
} from '../../../sandbox/kube/selectors';
import type { KObject } from '../../../sandbox/kube/types';

const NOW = Date.parse('2025-01-14T12:00:00Z');

function pod(
  status: Record<string, unknown>,
  spec: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'freelms',
      uid: 'u',
      resourceVersion: '1',
      creationTimestamp: '2025-01-14T11:00:00Z',
      ...meta,
    },
    spec: { containers: [{ name: 'app', image: 'i' }], ...spec },
    status,
  };
}

describe('sandbox pod STATUS column, computed as kubectl prints it', () => {
  it('prints CrashLoopBackOff with the restarts and when the last one was', () => {
    const summary = podSummary(
      pod({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: {
              terminated: {
                reason: 'OOMKilled',
                exitCode: 137,
                finishedAt: '2025-01-14T11:58:30Z',
              },
            },
          },
        ],
      }),
      NOW,
    );
    assert.deepEqual(
      [summary.ready, summary.status, summary.restarts],
      ['0/1', 'CrashLoopBackOff', '4 (90s ago)'],
    );
  });

  it('prints Init:N/M while an init container runs, and Init:Reason when it waits', () => {
    const initContainers = [
      { name: 'a', image: 'i' },
      { name: 'b', image: 'i' },
    ];
    const running = pod(
      {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'a',
            state: { terminated: { exitCode: 0, reason: 'Completed' } },
            restartCount: 0,
          },
          { name: 'b', state: { running: {} }, restartCount: 0 },
        ],
      },
      { initContainers },
    );
    assert.equal(podSummary(running, NOW).status, 'Init:1/2');
    const pulling = pod(
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'a', state: { waiting: { reason: 'ImagePullBackOff' } }, restartCount: 0 },
        ],
      },
      { initContainers },
    );
    assert.equal(podSummary(pulling, NOW).status, 'Init:ImagePullBackOff');
  });

  it('prints Terminating for a deleted running pod but not for a finished one', () => {
    const running = pod(
      {
        phase: 'Running',
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
      },
      {},
      { deletionTimestamp: '2025-01-14T12:00:30Z' },
    );
    assert.equal(podSummary(running, NOW).status, 'Terminating');
    const done = pod(
      {
        phase: 'Succeeded',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            state: { terminated: { reason: 'Completed', exitCode: 0 } },
          },
        ],
      },
      {},
      { deletionTimestamp: '2025-01-14T12:00:30Z' },
    );
    assert.equal(podSummary(done, NOW).status, 'Completed');
  });

  it('prints Evicted and Pending from the pod when there are no container statuses', () => {
    assert.equal(podSummary(pod({ phase: 'Failed', reason: 'Evicted' }), NOW).status, 'Evicted');
    assert.equal(
      podSummary(
        pod({
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        }),
        NOW,
      ).status,
      'Pending',
    );
  });

  it('prints ExitCode:N for a terminated container without a reason', () => {
    const summary = podSummary(
      pod({
        phase: 'Failed',
        containerStatuses: [
          { name: 'app', restartCount: 0, state: { terminated: { exitCode: 3 } } },
        ],
      }),
      NOW,
    );
    assert.equal(summary.status, 'ExitCode:3');
  });

  it('writes ages the way kubectl does', () => {
    assert.deepEqual(
      [
        5e3,
        119e3,
        125e3,
        11 * 60e3,
        5 * 3600e3 + 7 * 60e3,
        30 * 3600e3,
        3 * 86400e3 + 3600e3,
        400 * 86400e3,
      ].map(humanDuration),
      ['5s', '119s', '2m5s', '11m', '5h7m', '30h', '3d1h', '400d'],
    );
  });
});

describe('sandbox patches', () => {
  const deployment = {
    metadata: { name: 'd', annotations: { a: '1' } },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'v1', env: [{ name: 'A', value: '1' }] },
            { name: 'envoy', image: 'e1' },
          ],
        },
      },
    },
  };

  it('applies the JSON patch rollout undo sends', () => {
    const patched = applyJsonPatch(deployment, [
      {
        op: 'replace',
        path: '/spec/template',
        value: { spec: { containers: [{ name: 'app', image: 'v0' }] } },
      },
      {
        op: 'replace',
        path: '/metadata/annotations',
        value: { 'deployment.kubernetes.io/revision': '3' },
      },
    ]);
    assert.equal(patched.spec.template.spec.containers.length, 1);
    assert.deepEqual(patched.metadata.annotations, { 'deployment.kubernetes.io/revision': '3' });
    assert.equal(
      deployment.spec.template.spec.containers[0]!.image,
      'v1',
      'the original is untouched',
    );
  });

  it('supports add at the end of a list, remove, move, copy and test', () => {
    const doc = { list: [1, 2], a: { b: 'x' } };
    const patched = applyJsonPatch(doc, [
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'copy', from: '/a/b', path: '/c' },
      { op: 'move', from: '/a', path: '/moved' },
      { op: 'remove', path: '/list/0' },
      { op: 'test', path: '/c', value: 'x' },
    ]);
    assert.deepEqual(patched, { list: [2, 3], c: 'x', moved: { b: 'x' } });
    assert.throws(
      () => applyJsonPatch(doc, [{ op: 'replace', path: '/missing/x', value: 1 }]),
      /missing path/,
    );
  });

  it('merges maps and replaces lists in a merge patch', () => {
    const patched = applyMergePatch(deployment, {
      metadata: { annotations: { a: null, b: '2' } },
      spec: { template: { spec: { containers: [{ name: 'only' }] } } },
    }) as typeof deployment;
    assert.deepEqual(patched.metadata.annotations, { b: '2' });
    assert.deepEqual(patched.spec.template.spec.containers, [{ name: 'only' }]);
  });

  it('merges containers by name in a strategic merge patch, as kubectl set image needs', () => {
    const patched = applyStrategicMergePatch(deployment, {
      spec: {
        template: {
          spec: { containers: [{ name: 'app', image: 'v2' }], $setElementOrder: undefined },
        },
      },
    }) as typeof deployment;
    const [app, envoy] = patched.spec.template.spec.containers;
    assert.equal(app!.image, 'v2');
    assert.deepEqual(app!.env, [{ name: 'A', value: '1' }]);
    assert.equal(envoy!.image, 'e1');
    const removed = applyStrategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'envoy', $patch: 'delete' }] } } },
    }) as typeof deployment;
    assert.deepEqual(
      removed.spec.template.spec.containers.map((c) => c.name),
      ['app'],
    );
  });
});

describe('sandbox selectors', () => {
  it('matches equality, set and existence requirements', () => {
    const match = parseLabelSelector(
      'app in (api-gateway,course-service),tier!=db,!canary,app.kubernetes.io/part-of',
    );
    assert.equal(match({ app: 'api-gateway', 'app.kubernetes.io/part-of': 'freelms' }), true);
    assert.equal(
      match({ app: 'api-gateway', 'app.kubernetes.io/part-of': 'freelms', canary: 'yes' }),
      false,
    );
    assert.equal(match({ app: 'redis', 'app.kubernetes.io/part-of': 'freelms' }), false);
  });

  it('matches field selectors on names and phases', () => {
    const match = parseFieldSelector('metadata.name=p,status.phase!=Failed');
    assert.equal(match(pod({ phase: 'Running' })), true);
    assert.equal(match(pod({ phase: 'Failed' })), false);
  });

  it('writes a Deployment selector the way kubectl shows it', () => {
    assert.equal(
      selectorToString({
        matchLabels: { b: '2', a: '1' },
        matchExpressions: [{ key: 'c', operator: 'In', values: ['y', 'x'] }],
      }),
      'a=1,b=2,c in (x,y)',
    );
  });
});

describe('sandbox exec output', () => {
  it('renders query results like psql', () => {
    const text = formatResult({
      command: 'SELECT',
      rowCount: 2,
      fields: [
        { name: 'state', dataTypeID: 25 },
        { name: 'n', dataTypeID: 20 },
        { name: 'longer_name', dataTypeID: 25 },
      ],
      rows: [
        { state: null, n: '4', longer_name: 'x' },
        { state: 'active', n: '1', longer_name: 'x' },
      ],
    });
    assert.equal(
      text,
      ' state  | n | longer_name \n--------+---+-------------\n        | 4 | x\n active | 1 | x\n(2 rows)\n\n',
    );
  });

  it('splits shell words with quotes', () => {
    assert.deepEqual(shellWords(`psql -c "SELECT count(*) FROM pg_stat_activity;" -U 'free lms'`), [
      'psql',
      '-c',
      'SELECT count(*) FROM pg_stat_activity;',
      '-U',
      'free lms',
    ]);
  });
});
