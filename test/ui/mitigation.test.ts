import assert from 'node:assert/strict';
import { join } from 'node:path';

import { openWorkbench, sandboxEndpoints, SCREENSHOTS, type Workbench } from './workbench';

const BAD = 'registry.freelms.io/api-gateway:2.4.1';

/**
 * Puts the api-gateway on its crashing release. The integration suite, run before in the same
 * sandbox, has rolled it back already; a fresh sandbox starts there anyway.
 */
async function breakApiGateway(): Promise<void> {
  const endpoints = sandboxEndpoints()!;
  const response = await fetch(
    `${endpoints.kubernetes}/apis/apps/v1/namespaces/${endpoints.namespace}` +
      '/deployments/api-gateway',
    {
      method: 'PATCH',
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
      body: JSON.stringify({
        spec: { template: { spec: { containers: [{ name: 'api-gateway', image: BAD }] } } },
      }),
    },
  );
  assert.ok(response.ok, `PATCH api-gateway: ${response.status}`);
}

async function healthStatus(): Promise<string> {
  const response = await fetch(sandboxEndpoints()!.health);
  return ((await response.json()) as { status: string }).status;
}

describe('rolling back from the Cluster view, as a responder does it', function () {
  let workbench: Workbench;

  before(async function () {
    if (!sandboxEndpoints()) {
      console.warn('FREELMS_SANDBOX_ENDPOINTS is not set: the rollback check needs `npm test`');
      this.skip();
    }
    await breakApiGateway();
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
  });

  it('rolls the crashing api-gateway back from its context menu, confirmed in a modal, and it heals', async () => {
    const { page } = workbench;
    await page.locator('.activitybar [aria-label^="FreeLMS"]').first().click();
    const view = page.locator('[id="workbench.view.extension.freelms"]');
    const row = view.locator('.monaco-list-row', { hasText: /^api-gateway/ }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click({ button: 'right' });
    await page.locator('.context-view .action-label', { hasText: 'Rollback Deployment' }).click();

    const picks = page.locator('.quick-input-widget .monaco-list-row');
    await picks.first().waitFor();
    const first = (await picks.first().textContent()) ?? '';
    assert.match(first, /\(previous\)/);
    assert.match(first, /api-gateway:2\.4\.0/);
    await page.screenshot({ path: join(SCREENSHOTS, 'rollback-revision.png') });
    await page.keyboard.press('Enter');

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = (await dialog.textContent()) ?? '';
    for (const part of ['freelms-sandbox', 'Namespace: freelms', 'api-gateway:2.4.1', '2.4.0'])
      assert.ok(text.includes(part), `the confirmation names ${part}: ${text}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'rollback-confirm.png') });
    await dialog.getByRole('button', { name: 'Roll Back' }).click();

    const done = page.locator('.notification-list-item-message', { hasText: 'rollout complete' });
    await done.first().waitFor({ timeout: 90_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'rollback-complete.png') });
    const deadline = Date.now() + 20_000;
    while ((await healthStatus()) !== 'UP') {
      assert.ok(Date.now() < deadline, 'the health endpoint reports UP after the rollback');
      await page.waitForTimeout(300);
    }
  });
});
