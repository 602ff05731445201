import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';

import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { Commands } from '../../src/ui/ids';

async function api(): Promise<FreeLmsApi> {
  const extension = vscode.extensions.getExtension<FreeLmsApi>(
    'freelms.freelms-incident-response',
  )!;
  return extension.activate();
}

describe('running an incident from the palette, scripted', () => {
  let incidentId: string;

  it('declares a P2 from an argument object, without the form, writing the journal first', async () => {
    const { store } = await api();
    incidentId = await vscode.commands.executeCommand<string>(Commands.declareIncident, {
      title: 'Payments failing at checkout',
      severity: 'P2',
      affectedServices: ['payment-service'],
      commander: 'dana',
      technicalLead: 'sam',
    });
    assert.match(incidentId, /^\d{4}-\d{2}-\d{2}-payments-failing-at-checkout$/);
    const incident = await store.get(incidentId);
    assert.equal(incident?.severity, 'P2');
    assert.deepEqual(incident?.services, ['payment-service']);
    assert.deepEqual(incident?.roles, { commander: 'dana', technicalLead: 'sam' });

    const lines = (await readFile(store.journalPath(incidentId), 'utf8')).trim().split('\n');
    assert.deepEqual(
      lines.slice(0, 1).map((line) => JSON.parse(line).type),
      ['declared'],
      'one human-readable JSON event per line, the roles named in the declaration',
    );
  });

  it('refuses a scripted declaration without a severity and says which field is wrong', async () => {
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(Commands.declareIncident, { title: 'No severity' }),
      ),
      /severity: Choose a severity/,
    );
  });

  it('records a note, a role, a severity change and a status on the timeline', async () => {
    const { store } = await api();
    await vscode.commands.executeCommand(Commands.addNote, {
      incidentId,
      text: 'Stripe webhooks time out',
    });
    await vscode.commands.executeCommand(Commands.assignRole, {
      incidentId,
      role: 'communications',
      name: 'lee',
    });
    await vscode.commands.executeCommand(Commands.changeSeverity, {
      incidentId,
      severity: 'P1',
      reason: 'every checkout fails',
    });
    await vscode.commands.executeCommand(Commands.updateStatus, {
      incidentId,
      status: 'monitoring',
    });

    const incident = (await store.get(incidentId))!;
    assert.equal(incident.severity, 'P1');
    assert.equal(incident.status, 'monitoring');
    assert.equal(incident.roles.communications, 'lee');
    assert.ok(
      incident.events.some(
        (event) => event.type === 'note' && event.text === 'Stripe webhooks time out',
      ),
    );
  });

  it('resolves it, then writes the postmortem and opens it in the editor', async () => {
    const { store } = await api();
    await vscode.commands.executeCommand(Commands.resolveIncident, {
      incidentId,
      summary: 'Rolled back payment-service to revision 4',
      rootCause: 'A webhook timeout of 1 s',
      // It moved to monitoring above: resolving before the watch ends needs a reason.
      earlyReason: 'every checkout succeeds again and the payment provider confirmed the fix',
    });
    assert.equal((await store.get(incidentId))?.status, 'resolved');

    const result = await vscode.commands.executeCommand<{ path: string }>(
      Commands.generatePostmortem,
      { incidentId },
    );
    assert.match(result.path, new RegExp(`postmortems/${incidentId}\\.md$`));
    const text = await readFile(result.path, 'utf8');
    assert.match(text, /^# Postmortem: Payments failing at checkout/);
    assert.match(text, /Stripe webhooks time out/);
    assert.match(text, /## Root cause\n\nA webhook timeout of 1 s/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, result.path);
  });

  it('regenerates the postmortem with new timeline entries and keeps what the authors wrote', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const { store } = await api();
    const path = (
      await vscode.commands.executeCommand<{ path: string }>(Commands.generatePostmortem, {
        incidentId,
      })
    ).path;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const edited = (await readFile(path, 'utf8')).replace(
      '## Contributing factors\n\n_To be written by the authors._',
      '## Contributing factors\n\nNo alert on webhook latency.',
    );
    await writeFile(path, edited);
    await store.append(incidentId, {
      type: 'followup.added',
      text: 'Alert on webhook p95 latency',
      owner: 'sam',
    });

    await vscode.commands.executeCommand(Commands.generatePostmortem, { incidentId });
    const regenerated = await readFile(path, 'utf8');
    assert.match(regenerated, /No alert on webhook latency\./);
    assert.match(regenerated, /- \[ \] Alert on webhook p95 latency — @sam/);
  });
});

describe('keeping everyone informed', () => {
  it('posts a customer update from an argument object onto the timeline, which resets the 30-minute reminder', async () => {
    const { store } = await api();
    const id = await vscode.commands.executeCommand<string>(Commands.declareIncident, {
      title: 'Video lessons buffer',
      severity: 'P3',
      createSlackChannel: false,
      pagePagerDuty: false,
    });
    await vscode.commands.executeCommand(Commands.postUpdate, {
      incidentId: id,
      template: 'customer',
      text: 'We are currently experiencing issues with video playback.',
    });
    const incident = (await store.get(id))!;
    const update = incident.events.find((event) => event.type === 'update.posted');
    assert.equal(update?.type === 'update.posted' && update.audience, 'customer');
    assert.ok(incident.lastCustomerUpdateAt, 'the customer update is counted');
  });

  it('opens the composer with the customer template filled from the incident', async () => {
    const { store } = await api();
    const [incident] = (await store.list()).filter(
      (candidate) => candidate.title === 'Video lessons buffer',
    );
    await vscode.commands.executeCommand(Commands.postUpdate, { incidentId: incident!.id });
    const tab = await new Promise<vscode.Tab | undefined>((resolve) => {
      const deadline = Date.now() + 10_000;
      const poll = () => {
        const found = vscode.window.tabGroups.all
          .flatMap((group) => group.tabs)
          .find((candidate) => candidate.label === 'Update: Video lessons buffer');
        if (found || Date.now() > deadline) resolve(found);
        else setTimeout(poll, 100);
      };
      poll();
    });
    assert.ok(tab, 'the composer tab is open');
    await vscode.window.tabGroups.close(tab);
  });
});

describe('the incident report, credentials and dashboards', () => {
  it('opens the Incident Report form for an incident', async () => {
    const { store } = await api();
    const [incident] = await store.list();
    const id = await vscode.commands.executeCommand<string>(Commands.openIncidentReport, {
      incidentId: incident!.id,
    });
    assert.equal(id, incident!.id);
    const tab = await new Promise<vscode.Tab | undefined>((resolve) => {
      const deadline = Date.now() + 10_000;
      const poll = () => {
        const found = vscode.window.tabGroups.all
          .flatMap((group) => group.tabs)
          .find((candidate) => candidate.label === `Report: ${incident!.title}`);
        if (found || Date.now() > deadline) resolve(found);
        else setTimeout(poll, 100);
      };
      poll();
    });
    assert.ok(tab, 'the report tab is open');
    await vscode.window.tabGroups.close(tab);
  });

  it('keeps a token in secret storage: removing the Slack token makes Slack unconfigured, setting it back configures it', async () => {
    const { delivery } = await api();
    const endpoints = process.env['FREELMS_SANDBOX_ENDPOINTS'];
    if (!endpoints) return;
    const token = JSON.parse(await readFile(endpoints, 'utf8')).sandboxAccess.tokens
      .slack as string;
    await vscode.commands.executeCommand(Commands.setCredentials, { name: 'slack', value: '' });
    assert.match(
      (await delivery.unconfigured()).slack ?? '',
      /Slack has no token: run FreeLMS: Set Credentials/,
    );
    await vscode.commands.executeCommand(Commands.setCredentials, { name: 'slack', value: token });
    assert.equal((await delivery.unconfigured()).slack, undefined);
  });

  it('opens Grafana at the incident’s time window', async () => {
    const { store } = await api();
    const [incident] = await store.list();
    const config = vscode.workspace.getConfiguration('freelms');
    await config.update(
      'dashboards.grafanaUrl',
      'https://grafana.example.test/d/freelms-overview',
      vscode.ConfigurationTarget.Workspace,
    );
    try {
      const url = await vscode.commands.executeCommand<string>(Commands.openDashboard, {
        incidentId: incident!.id,
        dashboard: 'grafana',
        open: false,
      });
      const from = new URL(url).searchParams.get('from');
      assert.equal(from, String(Date.parse(incident!.detectedAt) - 15 * 60_000));
    } finally {
      await config.update('dashboards.grafanaUrl', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
