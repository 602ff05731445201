import assert from 'node:assert/strict';
import { join } from 'node:path';

import { openWorkbench, runCommand, SCREENSHOTS, webview, type Workbench } from './workbench';

describe('the FreeLMS workbench, as a responder sees it', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the FreeLMS sidebar with a way to declare when there is no incident', async () => {
    const { page } = workbench;
    await page.locator('.activitybar [aria-label^="FreeLMS"]').first().click();
    const container = page.locator('[id="workbench.view.extension.freelms"]');
    await container.waitFor();
    for (const view of ['Incidents', 'Cluster', 'Diagnostics']) {
      await container.locator('.pane-header', { hasText: view }).first().waitFor();
    }
    const welcome = container.locator('.welcome-view-content').first();
    await welcome.getByRole('button', { name: 'Declare Incident' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'sidebar-welcome.png') });
  });

  it('opens the Declare Incident form from the palette with every field a responder fills', async () => {
    const { page } = workbench;
    await runCommand(page, 'FreeLMS: Declare Incident');
    const form = await webview(page, 'Declare Incident');

    await form.locator('h1', { hasText: 'Declare Incident' }).waitFor();
    for (const label of [
      'Title',
      'What is happening',
      'Affected services',
      'Users impacted',
      'Data at risk',
      'Incident commander',
      'Technical lead',
      'Communications',
      'Title on the status page',
    ]) {
      assert.ok(await form.getByLabel(label, { exact: true }).isVisible(), `${label} is visible`);
    }
    const severities = form.locator('.severity');
    await severities.nth(3).waitFor();
    assert.deepEqual(
      (await severities.allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim()),
      [
        'P1 · Critical: platform downrespond within 15 min',
        'P2 · High: major feature brokenrespond within 1 hour',
        'P3 · Medium: degraded servicerespond within 4 hours',
        'P4 · Low: minor issuerespond next business day',
      ],
    );
    assert.notEqual(
      await form.getByLabel('Incident commander').inputValue(),
      '',
      'the commander defaults to me',
    );
    // The run's sandbox stands in for PagerDuty and Slack, with its tokens in secret storage.
    assert.equal(await form.getByLabel('Page PagerDuty').isChecked(), true);
    assert.equal(
      await form.getByLabel('Create the Slack channel and post the declaration').isChecked(),
      true,
    );
    assert.equal(await form.getByLabel('Publish on the status page').isChecked(), true);
    assert.equal(await form.locator('#integrations-hint').textContent(), '');
    await page.screenshot({ path: join(SCREENSHOTS, 'declare-form.png') });
  });

  it('refuses to declare without a title and a severity, saying so beside each field', async () => {
    const { page } = workbench;
    const form = await webview(page, 'Declare Incident');
    await form.getByRole('button', { name: 'Declare Incident' }).click();
    await form.locator('#title-error', { hasText: 'at least 3 characters' }).waitFor();
    await form.locator('#severity-error', { hasText: 'Choose a severity' }).waitFor();
    assert.equal(
      await form.getByLabel('Title', { exact: true }).getAttribute('aria-invalid'),
      'true',
    );
    assert.equal(await form.locator('#progress').isHidden(), true, 'nothing was submitted');
    await page.screenshot({ path: join(SCREENSHOTS, 'declare-validation.png') });
  });

  it('can be filled with the keyboard alone', async () => {
    const { page } = workbench;
    const form = await webview(page, 'Declare Incident');
    const title = form.getByLabel('Title', { exact: true });
    await title.focus();
    await title.pressSequentially('api-gateway returns 502');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    assert.equal(await form.locator('input[name="severity"][value="P1"]').isChecked(), true);
    assert.equal(await form.locator('#title-error').textContent(), '', 'typing clears the error');
    const services = form.getByLabel('Affected services');
    await services.focus();
    await services.pressSequentially('api-gateway');
    await page.keyboard.press('Enter');
    await form.locator('.chip', { hasText: 'api-gateway' }).waitFor();
  });

  it('declares the incident: written to its journal, shown in the Incidents view and the status bar', async () => {
    const { page } = workbench;
    const form = await webview(page, 'Declare Incident');
    await form.getByLabel('Technical lead').fill('sam');
    await form.getByRole('button', { name: 'Declare Incident' }).click();

    await form
      .locator('#outcome', {
        hasText: /Incident \d{4}-\d{2}-\d{2}-api-gateway-returns-502 declared/,
      })
      .waitFor();
    await form
      .locator('#steps li[data-state="done"]', { hasText: 'Write the incident to its journal' })
      .waitFor();
    await form.locator('#steps li[data-state="done"]', { hasText: 'Page PagerDuty' }).waitFor();
    await form
      .locator('#steps li[data-state="done"]', { hasText: 'Create the Slack channel' })
      .waitFor();
    await form
      .locator('#steps li[data-state="done"]', { hasText: 'Open the status page incident' })
      .waitFor();

    const view = page.locator('[id="workbench.view.extension.freelms"]');
    const row = view.locator('.monaco-list-row', { hasText: 'api-gateway returns 502' });
    await row.waitFor();
    assert.match(
      (await row.locator('.label-description').textContent()) ?? '',
      /^P1 · 0m \/ 15m · investigating$/,
    );
    await view.locator('.monaco-list-row', { hasText: 'Roles' }).first().click();
    const lead = view.locator('.monaco-list-row', { hasText: 'Technical Lead' }).first();
    await lead.waitFor();
    assert.equal(await lead.locator('.label-description').textContent(), 'sam');

    const status = page.locator('[id="freelms\\.freelms-incident-response\\.freelms\\.incident"]');
    await status.waitFor();
    assert.match((await status.textContent()) ?? '', /P1 · 0m \/ 15m/);
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-declared.png') });
  });

  it('adds a note, resolves the incident and opens its postmortem, all from the palette', async () => {
    const { page } = workbench;
    const view = page.locator('[id="workbench.view.extension.freelms"]');
    const input = page.locator('.quick-input-widget input');

    await runCommand(page, 'FreeLMS: Add Timeline Note');
    await input.waitFor();
    await input.fill('Rolled back api-gateway to revision 3');
    await page.keyboard.press('Enter');
    // Fold the runbook checklist so the timeline is in view (the tree only renders what shows).
    await view.locator('.monaco-list-row', { hasText: 'Runbook' }).first().click();
    await view.locator('.monaco-list-row', { hasText: 'Timeline' }).first().click();
    await view
      .locator('.monaco-list-row', { hasText: 'Rolled back api-gateway to revision 3' })
      .first()
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-note.png') });

    await runCommand(page, 'FreeLMS: Resolve Incident');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', /Resolve P1 "api-gateway returns 502"\?/);
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await input.waitFor();
    await input.fill('Rolled back to revision 3');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Root cause' }).waitFor();
    await input.fill('A cache that grew without bound');
    await page.keyboard.press('Enter');
    // The impact starts from what the declaration said; accepted as it is.
    await page.locator('.quick-input-widget', { hasText: 'Impact' }).waitFor();
    await page.keyboard.press('Enter');
    await view
      .locator('.monaco-list-row', { hasText: /^Resolved/ })
      .first()
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-resolved.png') });

    await runCommand(page, 'FreeLMS: Generate Postmortem');
    await page
      .locator('.tabs-container .tab', { hasText: /api-gateway-returns-502\.md/ })
      .waitFor();
    await page
      .locator('.monaco-editor .view-lines', { hasText: 'Postmortem: api-gateway returns 502' })
      .first()
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'postmortem.png') });
  });

  it('keeps the declared form from declaring again after a reload, and opens a new form instead', async () => {
    const { page } = workbench;
    // Reload Window lets the workbench save its editors and their webviews' state first.
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load');
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    // The form comes back as it was sent, for reading, with nothing left to click but Close.
    await page.locator('.tabs-container .tab', { hasText: 'Declare Incident' }).click();
    const restored = await webview(page, 'Declare Incident');
    await restored.locator('#outcome', { hasText: /api-gateway-returns-502 declared/ }).waitFor();
    assert.equal(
      await restored.getByLabel('Title', { exact: true }).inputValue(),
      'api-gateway returns 502',
    );
    assert.equal(
      await restored.getByRole('button', { name: 'Declare Incident' }).isDisabled(),
      true,
    );
    assert.equal(await restored.getByLabel('Title', { exact: true }).isDisabled(), true);
    await page.screenshot({ path: join(SCREENSHOTS, 'declare-form-restored.png') });

    await runCommand(page, 'FreeLMS: Declare Incident');
    const fresh = await webview(page, 'Declare Incident');
    await fresh.locator('#progress[hidden]').waitFor({ state: 'attached' });
    assert.equal(await fresh.getByLabel('Title', { exact: true }).inputValue(), '');
    assert.equal(await fresh.getByRole('button', { name: 'Declare Incident' }).isEnabled(), true);
  });
});
