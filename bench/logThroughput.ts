/**
 * Log throughput: one pod's recorded log of 1,000,000 lines read to the end and filtered for
 * ERROR by our pipeline (LogStream: split, resume bookkeeping, stack traces assembled, RE2
 * filter), against `kubectl logs POD | grep ERROR`, with the raw HTTP read as the floor.
 */
import { get } from 'node:http';

import { compileLogFilter } from '../src/platform/kube/logFilter';
import { LogStream } from '../src/platform/kube/logs';
import type { SandboxEndpoints } from '../sandbox/endpoints';
import { alternate, repeat, type BenchContext, type BenchResult } from './stats';
import { connectTo, kubectlCommand, runShell } from './support';

/** Our side: entries matching ERROR, counted when the stream ends. */
export async function readWithLogStream(endpoints: SandboxEndpoints, pod: string): Promise<number> {
  const filter = compileLogFilter({ include: 'ERROR' });
  const stream = new LogStream(connectTo(endpoints), { pod });
  let matched = 0;
  let failure: string | undefined;
  stream.onEvent((event) => {
    if (event.type === 'entries') {
      for (const entry of event.entries) if (filter.matches(entry)) matched++;
    } else if (event.type === 'end' && event.reason === 'failed') {
      failure = event.message;
    }
  });
  await stream.start().done;
  if (failure) throw new Error(`the log stream of ${pod} failed: ${failure}`);
  return matched;
}

/** The floor: the same bytes read over HTTP and thrown away. */
function rawRead(endpoints: SandboxEndpoints, pod: string): Promise<number> {
  const url =
    `${endpoints.kubernetes}/api/v1/namespaces/${endpoints.namespace}/pods/${pod}/log` +
    '?timestamps=true';
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    }).on('error', reject);
  });
}

export async function logThroughput(
  ctx: BenchContext,
  endpoints: SandboxEndpoints,
  pod: string,
  lines: number,
): Promise<BenchResult> {
  const kubectl = kubectlCommand(endpoints, `${ctx.dir}/kubectl-cache-logs`);
  const rounds = ctx.quick ? 2 : 5;
  let ourMatches = 0;
  const pair = await alternate({
    warmup: 1,
    rounds,
    ours: async () => {
      const started = performance.now();
      ourMatches = await readWithLogStream(endpoints, pod);
      return performance.now() - started;
    },
    peer: async () => (await runShell(`${kubectl} logs ${pod} | grep ERROR > /dev/null`)).ms,
  });
  const raw = await repeat(0, rounds, async () => {
    const started = performance.now();
    await rawRead(endpoints, pod);
    return performance.now() - started;
  });
  ctx.log(`log throughput: ${ourMatches} entries matched ERROR`);
  return {
    name: `log throughput, ${lines.toLocaleString('en')} lines`,
    unit: 'ms',
    ours: pair.ours,
    peer: pair.peer,
    peerName: 'kubectl logs | grep',
    ratio: pair.ratio,
    // Throughput goals as times: 1.2× kubectl's throughput is at most 1/1.2 of its time, and
    // 0.7× the raw read's throughput at most 1/0.7 of its time.
    goal: '≥ 1.2× the throughput of kubectl logs | grep ERROR; ≥ 0.7× a raw read',
    met: pair.ratio <= 1 / 1.2 && pair.ours.median <= raw.median / 0.7,
    extra: {
      'raw HTTP read ms': raw.median,
      'ours/raw': pair.ours.median / raw.median,
      'ours lines/s': (lines / pair.ours.median) * 1000,
    },
  };
}
