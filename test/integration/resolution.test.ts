import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { defaultChecklist, evaluateChecklist } from '../../src/incident/checklist';
import type { CheckRanEvent, SnapshotTakenEvent } from '../../src/incident/model';
import { baselineOf } from '../../src/incident/verify';
import { rolloutHistory } from '../../src/platform/kube/rollout';
import { Commands } from '../../src/ui/ids';
import type { RollbackOutcome } from '../../src/ui/mitigation/rollbackCommand';
import type { SmokeTestsOutcome } from '../../src/ui/resolution/smokeTestsCommand';
import { crashApiGateway, GOOD_IMAGE, healthStatus } from '../support/apiGateway';
import { note } from './output';
import { sandbox, until } from './sandbox';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
}

/** `api-gateway: 0 of 3 ready → 3 of 3` read back as numbers. */
function readiness(lines: readonly string[]) {
  const line = lines.find((l) => l.startsWith('api-gateway: ') && l.includes(' ready → '));
  const m = /^api-gateway: (\d+) of (\d+) ready → (\d+) of (\d+)$/.exec(line ?? '');
  assert.ok(m, `a readiness line in ${JSON.stringify(lines)}`);
  return {
    before: Number(m[1]),
    desiredBefore: Number(m[2]),
    after: Number(m[3]),
    desired: Number(m[4]),
  };
}

describe('resolution: Verify Fix against the declaration baseline, and the smoke tests', function () {
  this.timeout(180_000);
  let incidentId: string;

  before(async function () {
    if (!sandbox()) this.skip();
    // An earlier file may have healed the gateway; this one starts from the outage.
    await crashApiGateway(sandbox()!);
    incidentId = await vscode.commands.executeCommand<string>(Commands.declareIncident, {
      title: 'api-gateway pods crash-loop after the 2.4.1 release',
      severity: 'P1',
      affectedServices: ['api-gateway'],
      createSlackChannel: false,
      pagePagerDuty: false,
    });
  });

  it('records the outage as the baseline when the incident is declared', async () => {
    const { store } = await api();
    const baseline = await until(
      async () => baselineOf((await store.get(incidentId))!),
      'the declaration snapshot',
      60_000,
    );
    assert.notEqual(baseline.health?.status, 'UP', JSON.stringify(baseline.health));
    const gateway = baseline.services.find((s) => s.service === 'api-gateway');
    assert.ok(gateway?.desired, JSON.stringify(baseline));
    assert.ok((gateway.ready ?? 0) < gateway.desired, JSON.stringify(gateway));
    assert.ok(gateway.unhealthyPods.length > 0, JSON.stringify(gateway));
    assert.equal(typeof gateway.errorLines, 'number');
  });

  it('verifies a healed rollback: ready and health before → after, ok, and "Verify fix" ticked', async () => {
    const { store, cluster } = await api();
    await cluster.ensureStarted();
    const history = await rolloutHistory(cluster.connection!, 'api-gateway');
    const good = history.revisions.find((entry) => entry.images[0] === GOOD_IMAGE);
    assert.ok(good, `a revision runs ${GOOD_IMAGE}: ${JSON.stringify(history.revisions)}`);
    const rollback = await vscode.commands.executeCommand<RollbackOutcome>(
      Commands.rollbackDeployment,
      { deployment: 'api-gateway', toRevision: good.revision, confirm: true, incidentId },
    );
    assert.equal(rollback.rollout, 'complete', rollback.message);
    await until(
      async () => ((await healthStatus(sandbox()!)) === 'UP' ? true : undefined),
      'health UP',
      60_000,
    );
    // The crashed pods of the old release are gone once no api-gateway pod is unhealthy.
    await until(
      () =>
        cluster.model?.pods('Deployment/api-gateway', { onlyUnhealthy: true }).length === 0
          ? true
          : undefined,
      'no unhealthy api-gateway pod',
      60_000,
      () => cluster.model?.pods('Deployment/api-gateway').map((p) => `${p.name} ${p.status}`),
    );

    const event = await vscode.commands.executeCommand<SnapshotTakenEvent>(Commands.verifyFix, {
      incidentId,
      quiet: true,
    });
    assert.equal(event.purpose, 'verify');
    const lines = event.comparison ?? [];
    note(`      verify fix: ${lines.join('; ')}`);
    const ready = readiness(lines);
    assert.ok(ready.before < ready.desiredBefore, lines.join('\n'));
    assert.equal(ready.after, ready.desired, lines.join('\n'));
    assert.match(
      lines.find((l) => l.startsWith('health: ')) ?? '',
      /^health: (?!UP)\S+.* → UP$/,
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /^api-gateway: ERROR lines in 5 min: [\d,]+ → [\d,]+$/.test(l)),
      lines.join('\n'),
    );
    assert.equal(event.ok, true, lines.join('\n'));

    const incident = (await store.get(incidentId))!;
    assert.ok(
      incident.events.some((e) => e.id === event.id),
      'the verify snapshot is on the timeline',
    );
    const resolution = evaluateChecklist(defaultChecklist(), incident, new Date()).find(
      (phase) => phase.kind === 'resolution',
    )!;
    assert.equal(resolution.items.find((item) => item.title === 'Verify fix')?.ticked, true);
  });

  describe('smoke tests', () => {
    const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

    before(() => {
      const dir = join(folder(), 'smoke');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'pass.sh'), '#!/bin/sh\necho "all critical flows answer"\nexit 0\n', {
        mode: 0o755,
      });
      writeFileSync(join(dir, 'fail.sh'), '#!/bin/sh\necho "login flow: 500" >&2\nexit 3\n', {
        mode: 0o755,
      });
    });

    const smokeRuns = async () => {
      const { store } = await api();
      return (await store.get(incidentId))!.events.filter(
        (e): e is CheckRanEvent => e.type === 'check.ran' && e.check === 'smokeTests',
      );
    };

    it('puts a pass and a failure on the timeline with their exit codes', async () => {
      const before = (await smokeRuns()).length;
      const passed = await vscode.commands.executeCommand<SmokeTestsOutcome>(
        Commands.runSmokeTests,
        { incidentId, command: './smoke/pass.sh' },
      );
      assert.equal(passed.outcome, 'ran', JSON.stringify(passed));
      assert.equal(passed.ok, true, passed.summary);
      assert.equal(passed.exitCode, 0);
      assert.equal(passed.incidentId, incidentId);
      assert.match(passed.summary, /^passed \(exit 0\) in [\d.]+ s: \.\/smoke\/pass\.sh$/);

      const failed = await vscode.commands.executeCommand<SmokeTestsOutcome>(
        Commands.runSmokeTests,
        { incidentId, command: './smoke/fail.sh' },
      );
      assert.equal(failed.outcome, 'ran', JSON.stringify(failed));
      assert.equal(failed.ok, false);
      assert.equal(failed.exitCode, 3);
      assert.match(failed.summary, /^failed \(exit 3\)/);

      const runs = (await smokeRuns()).slice(before);
      assert.deepEqual(
        runs.map((e) => [e.ok, e.exitCode]),
        [
          [true, 0],
          [false, 3],
        ],
      );
      assert.ok(runs.every((e) => typeof e.durationMs === 'number' && e.durationMs >= 0));
    });

    it('stops a run that outlasts freelms.smokeTests.timeoutMinutes and records it failed', async () => {
      writeFileSync(join(folder(), 'smoke', 'hang.sh'), '#!/bin/sh\nsleep 120\n', { mode: 0o755 });
      const config = vscode.workspace.getConfiguration('freelms');
      await config.update('smokeTests.timeoutMinutes', 0.05, vscode.ConfigurationTarget.Workspace);
      try {
        const result = await vscode.commands.executeCommand<SmokeTestsOutcome>(
          Commands.runSmokeTests,
          { incidentId, command: './smoke/hang.sh' },
        );
        assert.equal(result.outcome, 'ran', JSON.stringify(result));
        assert.equal(result.ok, false);
        assert.match(result.summary, /^failed: stopped after the 0\.05 min timeout/);
        // Stopped at the timeout (3 s), and recorded as lasting at least that long.
        assert.ok(
          result.durationMs >= 3_000 && result.durationMs < 60_000,
          `stopped after ${result.durationMs} ms`,
        );
        const last = (await smokeRuns()).at(-1);
        assert.equal(last?.summary, result.summary);
      } finally {
        await config.update(
          'smokeTests.timeoutMinutes',
          undefined,
          vscode.ConfigurationTarget.Workspace,
        );
      }
    });

    it('explains a missing script, naming its path and the setting, and records nothing', async () => {
      const before = (await smokeRuns()).length;
      const result = await vscode.commands.executeCommand<SmokeTestsOutcome>(
        Commands.runSmokeTests,
        { incidentId, command: './integration-tests/run-smoke-tests.sh' },
      );
      assert.equal(result.outcome, 'notRun');
      assert.equal(result.reason, 'missing');
      const path = join(folder(), 'integration-tests', 'run-smoke-tests.sh');
      assert.equal(result.path, path);
      assert.ok(result.message.includes(path), result.message);
      assert.match(result.message, /freelms\.smokeTests\.command/);
      assert.equal((await smokeRuns()).length, before, 'no smoke-test run recorded');
    });

    it('names the command without the token set in it when its script is missing', async () => {
      const result = await vscode.commands.executeCommand<SmokeTestsOutcome>(
        Commands.runSmokeTests,
        { incidentId, command: 'SMOKE_TOKEN=abc123secret ./integration-tests/missing.sh' },
      );
      assert.equal(result.outcome, 'notRun');
      assert.ok(!result.message.includes('abc123secret'), result.message);
      assert.match(result.message, /SMOKE_TOKEN=\*\*\* \.\/integration-tests\/missing\.sh/);
    });
  });
});
