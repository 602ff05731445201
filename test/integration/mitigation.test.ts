import assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { rolloutHistory } from '../../src/platform/kube/rollout';
import { readReplicas } from '../../src/platform/kube/scale';
import type { CheckOutcome } from '../../src/ui/diagnostics/diagnosticsCommands';
import { Commands } from '../../src/ui/ids';
import type { FlagOutcome } from '../../src/ui/mitigation/flagCommand';
import type { RollbackOutcome } from '../../src/ui/mitigation/rollbackCommand';
import type { ScaleOutcome } from '../../src/ui/mitigation/scaleCommand';
import { crashApiGateway, CRASHING_IMAGE, GOOD_IMAGE } from '../support/apiGateway';
import { control, sandbox, until } from './sandbox';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
}

const BAD = CRASHING_IMAGE;
const GOOD = GOOD_IMAGE;

async function healthStatus(): Promise<string> {
  const response = await fetch(sandbox()!.health);
  return ((await response.json()) as { status: string }).status;
}

describe('mitigation: rollback, scale and feature flags against the sandbox', function () {
  this.timeout(120_000);
  let incidentId: string;

  before(async function () {
    if (!sandbox()) this.skip();
    incidentId = await vscode.commands.executeCommand<string>(Commands.declareIncident, {
      title: 'api-gateway crash-loops after 2.4.1',
      severity: 'P1',
      createSlackChannel: false,
    });
  });

  after(async () => {
    // Later suites (the UI's log and rollback checks) expect the seeded, crash-looping gateway.
    if (sandbox()) await crashApiGateway(sandbox()!);
  });

  it('rolls the crash-looping api-gateway back to 2.4.0: rollout complete, health UP, on the timeline', async () => {
    const { cluster, store } = await api();
    await crashApiGateway(sandbox()!);
    const before = await vscode.commands.executeCommand<CheckOutcome>(Commands.runHealthCheck, {
      incidentId,
      quiet: true,
    });
    assert.equal(before.ok, false, before.summary);
    assert.match(before.summary, /^DOWN/);
    await cluster.ensureStarted();
    const history = await rolloutHistory(cluster.connection!, 'api-gateway');
    const good = history.revisions.find((entry) => entry.images[0] === GOOD);
    assert.ok(good, `a revision runs ${GOOD}: ${JSON.stringify(history.revisions)}`);

    const result = await vscode.commands.executeCommand<RollbackOutcome>(
      Commands.rollbackDeployment,
      { deployment: 'api-gateway', toRevision: good.revision, confirm: true, incidentId },
    );
    assert.equal(result.outcome, 'rolledBack', result.message);
    assert.equal(result.rollout, 'complete', result.message);
    assert.equal(result.fromImages?.[0], BAD);
    assert.equal(result.toImages?.[0], GOOD);
    assert.equal(result.incidentId, incidentId);
    await until(async () => ((await healthStatus()) === 'UP' ? true : undefined), 'health UP');
    const after = await vscode.commands.executeCommand<CheckOutcome>(Commands.runHealthCheck, {
      incidentId,
      quiet: true,
    });
    assert.equal(after.ok, true, after.summary);
    assert.match(after.summary, /^UP/);

    const incident = (await store.get(incidentId))!;
    const action = incident.actions.find((a) => a.action.kind === 'rollback')!;
    assert.equal(action.ok, true);
    assert.deepEqual(
      {
        kind: action.action.kind,
        deployment: 'deployment' in action.action && action.action.deployment,
      },
      { kind: 'rollback', deployment: 'api-gateway' },
    );
  });

  it('says the api-gateway already runs that revision instead of rolling back again', async () => {
    const { cluster } = await api();
    const history = await rolloutHistory(cluster.connection!, 'api-gateway');
    const current = history.revisions.find((entry) => entry.current)!;
    const result = await vscode.commands.executeCommand<RollbackOutcome>(
      Commands.rollbackDeployment,
      { deployment: 'api-gateway', toRevision: current.revision, confirm: true, incidentId },
    );
    assert.equal(result.outcome, 'skipped');
    assert.match(result.message, /already runs revision/);
  });

  it('refuses an unknown revision, naming the revisions there are, and changes nothing', async () => {
    const { store } = await api();
    const before = (await store.get(incidentId))!.actions.length;
    const result = await vscode.commands.executeCommand<RollbackOutcome>(
      Commands.rollbackDeployment,
      { deployment: 'api-gateway', toRevision: 999, confirm: true, incidentId },
    );
    assert.equal(result.outcome, 'refused');
    assert.equal(result.reason, 'revisionNotFound');
    assert.match(result.message, /revision 999/);
    assert.match(result.message, /namespace freelms/);
    assert.equal((await store.get(incidentId))!.actions.length, before, 'nothing recorded');
  });

  it('scales payment-service up by one and back, following readiness, each on the timeline', async () => {
    const { cluster } = await api();
    const now = await readReplicas(cluster.connection!, 'payment-service');
    const up = await vscode.commands.executeCommand<ScaleOutcome>(Commands.scaleDeployment, {
      deployment: 'payment-service',
      replicas: now.desired + 1,
      confirm: true,
      incidentId,
    });
    assert.equal(up.outcome, 'scaled', up.message);
    assert.equal(up.readiness, 'ready', up.message);
    assert.equal(up.toReplicas, now.desired + 1);
    const down = await vscode.commands.executeCommand<ScaleOutcome>(Commands.scaleDeployment, {
      deployment: 'payment-service',
      replicas: up.fromReplicas,
      confirm: true,
      incidentId,
    });
    assert.equal(down.outcome, 'scaled', down.message);
    assert.equal(down.toReplicas, up.fromReplicas);
  });

  it('refuses a negative replica count', async () => {
    const result = await vscode.commands.executeCommand<ScaleOutcome>(Commands.scaleDeployment, {
      deployment: 'payment-service',
      replicas: -1,
      confirm: true,
    });
    assert.equal(result.outcome, 'refused');
    assert.match(result.message, /whole number/);
  });

  it('turns new-feature off with the admin token, reads it back and records it', async () => {
    const { store } = await api();
    await control('POST', '/services/reset');
    const result = await vscode.commands.executeCommand<FlagOutcome>(Commands.toggleFeatureFlag, {
      flag: 'new-feature',
      confirm: true,
      incidentId,
    });
    assert.equal(result.outcome, 'changed', result.message);
    assert.equal(result.previous, true);
    assert.equal(result.enabled, false);
    const action = (await store.get(incidentId))!.actions.at(-1)!.action;
    assert.deepEqual(action, { kind: 'flag', flag: 'new-feature', enabled: false });
    await control('POST', '/services/reset');
  });

  it('explains an unknown flag', async () => {
    const result = await vscode.commands.executeCommand<FlagOutcome>(Commands.toggleFeatureFlag, {
      flag: 'no-such-flag',
      enabled: true,
      confirm: true,
    });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.reason, 'unknownFlag', result.message);
  });
});
