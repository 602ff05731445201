/**
 * A real VS Code workbench in headless Chromium with the extension under development loaded,
 * for checks that look at what a person sees. Screenshots go to `test-results/ui/`.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, FrameLocator, Page } from 'playwright-core';

import type { SandboxEndpoints } from '../../sandbox/endpoints';
import { sandboxSettings } from '../../scripts/sandbox.mjs';

import {
  launchChromium,
  QUIET_WORKBENCH_SETTINGS,
  root,
  startVSCodeServer,
  workbenchUrl,
  type VSCodeServer,
} from '../../scripts/vscode.mjs';

export const SCREENSHOTS = join(root, 'test-results', 'ui');

export interface Workbench {
  page: Page;
  server: VSCodeServer;
  /** The folder the workbench has open, e.g. to seed incident journals. */
  workspace: string;
  close(): Promise<void>;
}

/**
 * Registers, in the calling suite, a screenshot of the page after each failed test, named
 * `<name>-failed.png` in `test-results/ui/`: what the workbench showed when the check failed.
 */
export function screenshotOnFailure(name: string, current: () => Workbench | undefined): void {
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await current()?.page.screenshot({ path: join(SCREENSHOTS, `${name}-failed.png`) });
  });
}

/** The sandbox `scripts/test.mjs` started for this run, if any. */
export function sandboxEndpoints(): SandboxEndpoints | undefined {
  const file = process.env['FREELMS_SANDBOX_ENDPOINTS'];
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as SandboxEndpoints) : undefined;
}

/** Opens the workbench on a fresh workspace whose settings point at the run's sandbox. */
export async function openWorkbench(settings: Record<string, unknown> = {}): Promise<Workbench> {
  const sandbox = sandboxEndpoints();
  mkdirSync(join(root, '.cache'), { recursive: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  // scripts/test.mjs gives each UI suite a folder of its own, removed when the suite passes.
  const runDir = mkdtempSync(join(process.env['FREELMS_UI_RUNS'] ?? join(root, '.cache'), 'ui-'));
  const workspace = join(runDir, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify(
      { ...QUIET_WORKBENCH_SETTINGS, ...(sandbox ? sandboxSettings(sandbox) : {}), ...settings },
      null,
      2,
    ),
  );

  let server: VSCodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  };
  // Mocha's hooks do not run on Ctrl-C; the server is in its own process group, so end it here.
  const onSignal = () => void close().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    server = await startVSCodeServer({
      runDir,
      env: sandbox ? { FREELMS_SANDBOX_ENDPOINTS: process.env['FREELMS_SANDBOX_ENDPOINTS']! } : {},
    });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.exposeFunction('codeAutomationLog', () => undefined);
    await page.exposeFunction('codeAutomationExit', () => undefined);
    await page.goto(
      workbenchUrl(server, {
        folder: workspace,
        payload: [['extensionDevelopmentPath', server.remoteUri(root)]],
      }),
    );
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    return {
      page,
      server,
      workspace,
      close: async () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Runs a command from the palette by its title, as a person would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The inner document of the webview whose title starts with `prefix`, and that title. */
export async function webviewTitled(
  page: Page,
  prefix: string,
): Promise<{ frame: FrameLocator; title: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const outers = page.locator('iframe.webview.ready');
    const count = await outers.count();
    for (let index = 0; index < count; index += 1) {
      const inner = outers.nth(index).contentFrame().locator('#active-frame');
      const title = await inner.getAttribute('title').catch(() => null);
      if (title?.startsWith(prefix)) {
        return { frame: outers.nth(index).contentFrame().frameLocator('#active-frame'), title };
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview titled "${prefix}…" appeared`);
    await page.waitForTimeout(200);
  }
}

/** The inner document of the webview whose title is `title`. */
export async function webview(page: Page, title: string): Promise<FrameLocator> {
  return (await webviewTitled(page, title)).frame;
}
