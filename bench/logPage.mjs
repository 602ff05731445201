// Measures the log panel's page on a very large log, in headless Chromium, without VS Code:
// the built page (`dist/media/logs/`) gets the messages the extension would send — 1,000,000
// entries in batches of 10,000, every 50th with a 10-line stack trace — then is scrolled.
// Prints how long the batches took to take in, the longest frame while scrolling, and how many
// row elements the DOM holds. Run `node esbuild.config.mjs` first.
//   node bench/logPage.mjs [entries]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { launchChromium, root } from '../scripts/vscode.mjs';

const total = Number(process.argv[2] ?? 1_000_000);
const folder = join(root, 'dist', 'media', 'logs');
const dir = mkdtempSync(join(root, '.cache', 'bench-logpage-'));
const html = readFileSync(join(folder, 'index.html'), 'utf8')
  .replace('{{csp}}', "default-src 'none'; script-src 'unsafe-inline' file:; style-src file:")
  .replaceAll('{{nonce}}', '')
  .replace('{{script}}', pathToFileURL(join(folder, 'main.js')).href)
  .replace('{{style}}', pathToFileURL(join(folder, 'main.css')).href)
  .replace(
    '<head>',
    '<head><script>window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });</script>',
  );
writeFileSync(join(dir, 'index.html'), html);

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(pathToFileURL(join(dir, 'index.html')).href);
const result = await page.evaluate(async (total) => {
  const post = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  post({
    type: 'init',
    target: { kind: 'workload', deployment: 'course-service' },
    title: 'bench',
    containers: [],
    options: { follow: true, previous: false },
    filter: { levels: [], include: '', exclude: '' },
    lineBudget: 1_000_000,
  });
  const levels = ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  let batchMs = 0;
  let longestBatch = 0;
  for (let start = 0; start < total; start += 10_000) {
    const rows = [];
    for (let i = start; i < Math.min(total, start + 10_000); i++) {
      rows.push({
        seq: i + 1,
        pod: `course-service-abc-${i % 3}`,
        timestamp: '2026-12-03T17:00:00.000000000Z',
        level: levels[i % 5],
        text: `2026-12-03 17:00:00.000 ${levels[i % 5]} 1 --- [exec-${i % 8}] c.f.Api : request ${i} \u001b[32mok\u001b[0m`,
        continuation:
          i % 50 === 0
            ? Array.from({ length: 10 }, (_, k) => `\tat com.freelms.F.f${k}(F.java:${k})`)
            : [],
      });
    }
    const t = performance.now();
    post({ type: 'append', rows });
    await frame();
    const took = performance.now() - t;
    batchMs += took;
    longestBatch = Math.max(longestBatch, took);
  }
  const viewport = document.getElementById('viewport');
  let longestFrame = 0;
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    viewport.scrollTop = (viewport.scrollHeight * i) / 60;
    viewport.dispatchEvent(new Event('scroll'));
    await frame();
    longestFrame = Math.max(longestFrame, performance.now() - t);
  }
  const wrapT = performance.now();
  document.getElementById('wrap').click();
  await frame();
  const wrapMs = performance.now() - wrapT;
  return {
    batchMs,
    longestBatch,
    longestFrame,
    wrapMs,
    domRows: document.querySelectorAll('.row').length,
    heapMB: performance.memory ? performance.memory.usedJSHeapSize / 1e6 : undefined,
  };
}, total);
console.log(
  `${total.toLocaleString('en')} entries: taken in ${result.batchMs.toFixed(0)} ms ` +
    `(longest batch of 10,000 with its frame ${result.longestBatch.toFixed(1)} ms); ` +
    `longest scroll frame ${result.longestFrame.toFixed(1)} ms; wrap toggle ${result.wrapMs.toFixed(0)} ms; ` +
    `${result.domRows} row elements in the DOM; JS heap ${result.heapMB?.toFixed(0) ?? '?'} MB`,
);
await browser.close();
