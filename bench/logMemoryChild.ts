/**
 * Run by `logMemory.ts` in a process of its own, so its peak RSS is the log panel's alone:
 * streams one pod's log into a LogBuffer with the largest line budget, as a panel following that
 * pod would, and prints `{ lines, entries, dropped, maxRssMB, liveHeapMB, ms }` as JSON.
 *   node --expose-gc --import tsx bench/logMemoryChild.ts ENDPOINTS_JSON POD BUDGET
 * With POD `-`, prints the RSS of the process with the same modules loaded and nothing read.
 */
import { readFileSync } from 'node:fs';

import { LogBuffer } from '../src/platform/kube/logBuffer';
import { LogStream } from '../src/platform/kube/logs';
import type { SandboxEndpoints } from '../sandbox/endpoints';
import { connectTo } from './support';

async function main(): Promise<void> {
  const [endpointsFile, pod, budget] = process.argv.slice(2);
  const endpoints = JSON.parse(readFileSync(endpointsFile!, 'utf8')) as SandboxEndpoints;
  const buffer = new LogBuffer(Number(budget));
  const started = performance.now();
  let lines = 0;
  if (pod !== '-') {
    const stream = new LogStream(connectTo(endpoints), { pod: pod! });
    stream.onEvent((event) => {
      if (event.type !== 'entries') return;
      for (const entry of event.entries) {
        buffer.push(entry);
        lines += 1 + entry.continuation.length;
      }
    });
    await stream.start().done;
  }
  // `maxRSS` is in kibibytes. The heap after a full collection is what the buffer really holds;
  // the peak also counts garbage V8 let pile up before collecting.
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  (globalThis as { gc?: () => void }).gc?.();
  const liveHeapMB = process.memoryUsage().heapUsed / 1048576;
  process.stdout.write(
    JSON.stringify({
      lines,
      entries: buffer.length,
      dropped: buffer.dropped.lines,
      maxRssMB,
      liveHeapMB,
      ms: performance.now() - started,
    }) + '\n',
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
