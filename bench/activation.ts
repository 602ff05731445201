/**
 * Activation in a real VS Code (1.139's server and workbench, in headless Chromium) and the
 * size of what ships: the extension is built minified, as the `.vsix` carries it, into a folder
 * of this run (`dist/` belongs to whoever builds next), loaded as the extension under
 * development, and opened by its first command (`bench/activationRunner.cjs`), which prints what
 * `activate()` took.
 */
import { cpSync, existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

import * as esbuild from 'esbuild';

import {
  launchChromium,
  QUIET_WORKBENCH_SETTINGS,
  startVSCodeServer,
  workbenchUrl,
} from '../scripts/vscode.mjs';
import { repeat, stat, type BenchContext, type BenchResult } from './stats';
import { root } from './support';

const MARK = 'FREELMS_BENCH ';

/** The production bundle in `dir/dist`, with what activation reads beside it; its size in bytes. */
async function buildExtension(dir: string): Promise<{ bytes: number; gzipBytes: number }> {
  const outfile = join(dir, 'dist', 'extension.js');
  await esbuild.build({
    entryPoints: [join(root, 'src', 'extension.ts')],
    outfile,
    bundle: true,
    minify: true,
    legalComments: 'none',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // As esbuild.config.mjs: `vscode` comes from the host; optional native add-ons are absent.
    external: ['vscode', 'pg-native', 'bufferutil', 'utf-8-validate'],
    logLevel: 'error',
  });
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'media'), join(dir, 'media'));
  cpSync(join(root, 'node_modules/re2-wasm/build/wasm/re2.wasm'), join(dir, 'dist', 're2.wasm'));
  // The webview pages are not part of activation; copied when a build left them.
  if (existsSync(join(root, 'dist', 'media')))
    cpSync(join(root, 'dist', 'media'), join(dir, 'dist', 'media'), { recursive: true });
  return { bytes: statSync(outfile).size, gzipBytes: gzipSync(readFileSync(outfile)).length };
}

interface RunnerReport {
  activationMs: number;
  commandMs: number;
  wasActive: boolean;
}

export async function activation(ctx: BenchContext): Promise<BenchResult[]> {
  const extensionDir = join(ctx.dir, 'extension');
  mkdirSync(extensionDir, { recursive: true });
  const size = await buildExtension(extensionDir);

  const runDir = join(ctx.dir, 'vscode');
  const workspace = join(runDir, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify(QUIET_WORKBENCH_SETTINGS),
  );
  const server = await startVSCodeServer({ runDir });
  const browser = await launchChromium();
  const reports: RunnerReport[] = [];
  try {
    const once = async (): Promise<number> => {
      const page = await browser.newPage();
      try {
        const report = new Promise<RunnerReport>((resolve, reject) => {
          void page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
            const text = format(...(Array.isArray(args) ? args : [args]));
            const at = text.indexOf(MARK);
            if (at >= 0) resolve(JSON.parse(text.slice(at + MARK.length)) as RunnerReport);
          });
          void page.exposeFunction('codeAutomationExit', (code: number) => {
            if (code !== 0) reject(new Error(`the activation run exited ${code}`));
          });
          setTimeout(() => reject(new Error('VS Code did not activate within 120 s')), 120_000);
        });
        const payload: Array<[string, string]> = [
          ['extensionDevelopmentPath', server.remoteUri(extensionDir)],
          ['extensionTestsPath', server.remoteUri(join(root, 'bench', 'activationRunner.cjs'))],
        ];
        await page.goto(workbenchUrl(server, { folder: workspace, payload }));
        const result = await report;
        if (result.wasActive)
          throw new Error('something activated the extension before its command');
        reports.push(result);
        return result.activationMs;
      } finally {
        await page.close();
      }
    };
    const activate = await repeat(0, ctx.quick ? 1 : 3, once);
    const command = stat(reports.map((r) => r.commandMs));
    return [
      {
        name: 'activation in VS Code 1.139 (activate())',
        unit: 'ms',
        ours: activate,
        goal: 'activate() ≤ 50 ms',
        met: activate.median <= 50,
        extra: { 'first command incl. activation ms': command.median },
      },
      {
        name: 'bundle size (dist/extension.js, minified)',
        unit: 'KiB',
        ours: stat([size.bytes / 1024]),
        goal: '≤ 2.5 MB',
        met: size.bytes <= 2.5 * 1024 * 1024,
        extra: { 'gzip KiB': size.gzipBytes / 1024 },
      },
    ];
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}
