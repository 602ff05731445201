import assert from 'node:assert/strict';
import { join } from 'node:path';

import {
  openWorkbench,
  runCommand,
  sandboxEndpoints,
  webviewTitled,
  SCREENSHOTS,
  type Workbench,
} from './workbench';

describe('the log panel, as a responder sees it', function () {
  let workbench: Workbench;

  before(async function () {
    if (!sandboxEndpoints()) {
      console.warn('FREELMS_SANDBOX_ENDPOINTS is not set: the log panel checks need `npm test`');
      this.skip();
    }
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
  });

  it("opens a pod's logs from the palette, and the ERROR filter hides the INFO lines", async () => {
    const { page } = workbench;
    // The palette lists the extension's commands once its host has started; the view shows that.
    await page.locator('.activitybar [aria-label^="FreeLMS"]').first().click();
    const view = page.locator('[id="workbench.view.extension.freelms"]');
    await view
      .locator('.monaco-list-row', { hasText: 'course-service' })
      .first()
      .waitFor({ timeout: 30_000 });
    await runCommand(page, 'FreeLMS: Show Logs');
    const input = page.locator('.quick-input-widget input');
    await input.fill('course-service');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'course-service-' })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');

    const { frame } = await webviewTitled(page, 'Logs: course-service-');
    await frame.locator('.row.level-INFO').first().waitFor({ timeout: 30_000 });
    assert.ok((await frame.locator('.row').count()) > 5, 'lines render');
    assert.ok((await frame.locator('.row').count()) < 200, 'only the rows in view are in the DOM');
    const text = (await frame.locator('.row').first().textContent()) ?? '';
    assert.ok(!text.includes('\u001b') && !/\[\d+m/.test(text), 'no escape codes on screen');

    await frame.getByLabel('ERROR').check();
    await frame.locator('.row.level-INFO').first().waitFor({ state: 'detached' });
    await frame.locator('.row.level-ERROR').first().waitFor();
    assert.equal(await frame.locator('.row.level-INFO').count(), 0);
    assert.equal(await frame.locator('.row.level-WARN').count(), 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'logs-error-filter.png') });

    await frame.getByLabel('Include regex').fill('(?<=x)y');
    await frame.locator('#include-error', { hasText: 'not supported' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'logs-regex-error.png') });

    // Hiding the tab unloads the page; coming back shows the filter as typed, still refused.
    await runCommand(page, 'File: New Untitled Text File');
    await page.locator('.tab', { hasText: 'Untitled' }).first().waitFor();
    await page.locator('.tab', { hasText: 'Logs: course-service-' }).first().click();
    const { frame: again } = await webviewTitled(page, 'Logs: course-service-');
    await again.locator('#include-error', { hasText: 'not supported' }).waitFor();
    assert.equal(await again.getByLabel('Include regex').inputValue(), '(?<=x)y');
    assert.ok(await again.getByLabel('ERROR').isChecked(), 'the level filter is kept too');
  });

  it("opens a crashing api-gateway pod's previous logs from the Cluster view", async () => {
    const { page } = workbench;
    const view = page.locator('[id="workbench.view.extension.freelms"]');
    const group = view.locator('.monaco-list-row', { hasText: 'api-gateway' }).first();
    await group.waitFor({ timeout: 30_000 });
    await group.click();
    const pod = view
      .locator('.monaco-list-row', { hasText: /api-gateway-[a-z0-9]+-[a-z0-9]+/ })
      .first();
    await pod.waitFor();
    await pod.hover();
    await pod.locator('.action-label[aria-label="Show Logs"]').click();

    const { frame, title } = await webviewTitled(page, 'Logs: api-gateway-');
    // The current container of a crash-looping pod may have printed nothing yet: the previous
    // one holds the crash.
    await frame.getByLabel('Previous').check();
    await frame.locator('.status', { hasText: /ended/ }).waitFor({ timeout: 30_000 });
    await frame.locator('.row').first().waitFor();
    assert.match(title, /^Logs: api-gateway-/);
    await page.screenshot({ path: join(SCREENSHOTS, 'logs-previous-crash.png') });
  });
});
