import assert from 'node:assert/strict';

import { humanDuration } from '../../../src/platform/kube/age';
import { computePodStatus } from '../../../src/platform/kube/podStatus';
import { NOW, pods } from './fixtures/pods';

const view = (name: keyof typeof pods) => computePodStatus(pods[name], NOW);

describe('pod status as kubectl prints it', () => {
  it('shows Running 1/1 and healthy for a ready pod, with its node and age', () => {
    const v = view('running');
    assert.equal(v.status, 'Running');
    assert.equal(v.ready, '1/1');
    assert.equal(v.restartsText, '0');
    assert.equal(v.age, '3h');
    assert.equal(v.node, 'node-a');
    assert.equal(v.health, 'healthy');
  });

  it('shows CrashLoopBackOff with restarts and the last restart age, and says the last exit in the tooltip', () => {
    const v = view('crashLoopAfterError');
    assert.equal(v.status, 'CrashLoopBackOff');
    assert.equal(v.ready, '0/1');
    assert.equal(v.restartsText, '5 (2m ago)');
    assert.equal(v.health, 'failing');
    assert.equal(v.reason, 'CrashLoopBackOff');
    assert.match(v.message!, /back-off 2m40s.*Last exit: Error \(exit code 1\)/);
    assert.equal(v.containers[0]!.hasPreviousLogs, true);
  });

  it('shows OOMKilled for a container that was just killed and is waiting to restart', () => {
    const v = view('oomKilledJustNow');
    assert.equal(v.status, 'OOMKilled');
    assert.equal(v.health, 'failing');
    assert.equal(v.containers[0]!.exitCode, 137);
    assert.equal(v.restartsText, '2 (5m ago)');
  });

  it('shows CrashLoopBackOff once an OOMKilled container backs off, naming OOMKilled as the last exit', () => {
    const v = view('crashLoopAfterOom');
    assert.equal(v.status, 'CrashLoopBackOff');
    assert.match(v.message!, /Last exit: OOMKilled \(exit code 137\)/);
    assert.equal(v.containers[0]!.lastTermination?.reason, 'OOMKilled');
  });

  it('treats a pod running again hours after an OOMKill as healthy, with the restart age', () => {
    const v = view('runningAfterOomLongAgo');
    assert.equal(v.status, 'Running');
    assert.equal(v.restartsText, '1 (4h ago)');
    assert.equal(v.age, '5d');
    assert.equal(v.health, 'healthy');
  });

  it('shows ImagePullBackOff and ErrImagePull as failing with the pull message', () => {
    const backOff = view('imagePullBackOff');
    assert.equal(backOff.status, 'ImagePullBackOff');
    assert.equal(backOff.health, 'failing');
    assert.match(backOff.message!, /Back-off pulling image/);
    const err = view('errImagePull');
    assert.equal(err.status, 'ErrImagePull');
    assert.equal(err.health, 'failing');
  });

  it('shows Init:1/2 while the second of two init containers runs', () => {
    const v = view('initOneOfTwo');
    assert.equal(v.status, 'Init:1/2');
    assert.equal(v.health, 'warning');
    assert.deepEqual(
      v.containers.map((c) => [c.name, c.init]),
      [
        ['wait-for-postgres', true],
        ['migrate', true],
        ['app', false],
      ],
    );
  });

  it('shows Init:0/1 when every container waits with PodInitializing', () => {
    const v = view('initWaitingPodInitializing');
    assert.equal(v.status, 'Init:0/1');
    assert.equal(v.ready, '0/2');
  });

  it('shows Init:CrashLoopBackOff for a crashing migration init container and counts its restarts', () => {
    const v = view('initCrashLoop');
    assert.equal(v.status, 'Init:CrashLoopBackOff');
    assert.equal(v.restartsText, '4 (70s ago)');
    assert.equal(v.health, 'failing');
  });

  it('shows Init:Error for an init container that failed, with its termination message', () => {
    const v = view('initError');
    assert.equal(v.status, 'Init:Error');
    assert.equal(v.health, 'failing');
    assert.match(v.message!, /already exists/);
  });

  it('shows Init:ExitCode:2 when a failed init container gives no reason', () => {
    assert.equal(view('initExitCodeNoReason').status, 'Init:ExitCode:2');
  });

  it('counts a started native sidecar in READY and its restarts, without calling the pod initialising', () => {
    const v = view('nativeSidecarRunning');
    assert.equal(v.status, 'Running');
    assert.equal(v.ready, '2/2');
    assert.equal(v.restartsText, '1 (120m ago)');
    assert.equal(v.containers[0]!.sidecar, true);
  });

  it('shows Init:1/2 behind a started native sidecar while the next init container runs', () => {
    const v = view('nativeSidecarStarting');
    assert.equal(v.status, 'Init:1/2');
    assert.equal(v.ready, '0/2');
  });

  it('shows Terminating for a pod with a deletionTimestamp, but not for one that already succeeded', () => {
    const v = view('terminating');
    assert.equal(v.status, 'Terminating');
    assert.equal(v.health, 'warning');
    assert.match(v.message!, /Deletion requested 20s ago/);
    assert.equal(view('terminatingButSucceeded').status, 'Completed');
  });

  it('shows Unknown for a pod being deleted on a lost node', () => {
    const v = view('nodeLost');
    assert.equal(v.status, 'Unknown');
    assert.equal(v.reason, 'NodeLost');
    assert.equal(v.health, 'failing');
  });

  it('shows Evicted with the kubelet message for a pod evicted under disk pressure, without statuses', () => {
    const v = view('evicted');
    assert.equal(v.status, 'Evicted');
    assert.equal(v.ready, '0/1');
    assert.equal(v.health, 'failing');
    assert.equal(v.message, 'Pod The node was low on resource: [DiskPressure].');
  });

  it('shows Completed and done for a finished Job pod, Error and failing for a failed one', () => {
    const done = view('completedJob');
    assert.equal(done.status, 'Completed');
    assert.equal(done.health, 'done');
    const failed = view('failedJob');
    assert.equal(failed.status, 'Error');
    assert.equal(failed.health, 'failing');
    assert.equal(failed.containers[0]!.exitCode, 3);
  });

  it('shows ContainerCreating for a pod just scheduled', () => {
    const v = view('containerCreating');
    assert.equal(v.status, 'ContainerCreating');
    assert.equal(v.age, '8s');
    assert.equal(v.health, 'warning');
  });

  it('shows Pending with the scheduler message for an unschedulable pod without container statuses', () => {
    const v = view('unschedulableNoStatuses');
    assert.equal(v.status, 'Pending');
    assert.equal(v.ready, '0/1');
    assert.equal(v.reason, 'Unschedulable');
    assert.match(v.message!, /Insufficient memory/);
    assert.equal(v.containers[0]!.state, 'unknown');
  });

  it('does not break on a pod object without status, uid or timestamps', () => {
    const v = view('noStatusAtAll');
    assert.equal(v.status, 'Pending');
    assert.equal(v.age, '<unknown>');
    assert.equal(v.ready, '0/1');
  });

  it('marks a running pod with an unready container as a warning with the readiness message', () => {
    const v = view('notReadyRunning');
    assert.equal(v.status, 'Running');
    assert.equal(v.health, 'warning');
    assert.equal(v.reason, 'ContainersNotReady');
  });

  it('shows NotReady, not Completed, when one container finished and another still runs', () => {
    assert.equal(view('completedSidecarStillRunning').status, 'NotReady');
  });

  it('shows Signal:9 for a container killed by a signal without a reason', () => {
    assert.equal(view('signalled').status, 'Signal:9');
  });

  it('lets the first container decide the status of a multi-container pod and sums restarts', () => {
    const v = view('multiContainerFirstWins');
    assert.equal(v.status, 'CrashLoopBackOff');
    assert.equal(v.restartsText, '3 (30s ago)');
  });

  it('shows SchedulingGated for a pod held by a scheduling gate', () => {
    assert.equal(view('schedulingGated').status, 'SchedulingGated');
  });
});

describe('pod status in the remaining captured states', () => {
  it('shows 7/7 Running for a StatefulSet pod with seven ready containers', () => {
    const v = view('sevenReadyContainers');
    assert.equal(v.ready, '7/7');
    assert.equal(v.health, 'healthy');
  });

  it('shows Terminating, not Pending, for a pod deleted while still initialising', () => {
    assert.equal(view('terminatingWhileInitializing').status, 'Terminating');
  });

  it('warns about a pod running again three minutes after an OOMKill, naming the OOMKill', () => {
    const v = view('daemonSetAfterOom');
    assert.equal(v.status, 'Running');
    assert.equal(v.health, 'warning');
    assert.equal(v.reason, 'OOMKilled');
    assert.match(v.message!, /shipper restarted: OOMKilled \(exit code 137\)/);
    assert.equal(v.restartsText, '1 (3m1s ago)');
  });
});

describe('ages as kubectl prints them', () => {
  it('writes seconds, minutes, hours, days and years like kubectl', () => {
    const s = 1000;
    assert.equal(humanDuration(-1500), '0s');
    assert.equal(humanDuration(-5 * s), '<invalid>');
    assert.equal(humanDuration(119 * s), '119s');
    assert.equal(humanDuration(5 * 60 * s + 12 * s), '5m12s');
    assert.equal(humanDuration(42 * 60 * s), '42m');
    assert.equal(humanDuration(3 * 3600 * s + 20 * 60 * s), '3h20m');
    assert.equal(humanDuration(30 * 3600 * s), '30h');
    assert.equal(humanDuration(4 * 86400 * s + 2 * 3600 * s), '4d2h');
    assert.equal(humanDuration(100 * 86400 * s), '100d');
    assert.equal(humanDuration(3 * 365 * 86400 * s), '3y');
  });
});
