/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * `GET …/pods/{name}/log`: the logs of a container run, with `follow`, `container`,
 * `previous`, `sinceSeconds`, `sinceTime`, `tailLines`, `timestamps` and `limitBytes`, as the
 * kubelet serves them. Lines are generated on demand (see loglines.ts) at a rate that can be
 * changed while the sandbox runs; only the last `retainEntries` of a run are kept, as log
 * rotation would. With `--logs DIR`, a file per pod/container is served instead.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

import type { SandboxClock } from './clock';
import type { Kubelet } from './kubelet';
import { logEntry, profileFor, type RunContext } from './loglines';
import type { ContainerRun } from './podruntime';
import { ApiError, badRequest } from './status';
import type { KObject } from './types';

export interface LogOptions {
  /** Entries per second per container. */
  rate: number;
  /** Entries of a run kept for reading; older ones are rotated away. */
  retainEntries?: number;
  /** A folder of recorded logs: `<ns>/<pod>/<container>.log`, `<pod>/<container>.log`, `<pod>.log`. */
  logsDir?: string;
  /** Real milliseconds between writes of a followed log. */
  followIntervalMs?: number;
}

interface RateSegment {
  from: number;
  rate: number;
}

export class LogService {
  private readonly segments: RateSegment[];

  constructor(
    private readonly clock: SandboxClock,
    private readonly kubelet: Kubelet,
    private readonly options: LogOptions,
    private readonly track: (res: ServerResponse) => () => void,
  ) {
    this.segments = [{ from: -Infinity, rate: options.rate }];
  }

  get rate(): number {
    return this.segments.at(-1)!.rate;
  }

  /** Changes how many entries per second every container writes from now on. */
  setRate(rate: number): void {
    if (!(rate >= 0)) throw new Error(`log rate must be zero or more, got ${rate}`);
    this.segments.push({ from: this.clock.now(), rate });
  }

  /** Entries a run has written between its start and `t`. */
  private countAt(start: number, t: number): number {
    let count = 0;
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const end = this.segments[i + 1]?.from ?? Infinity;
      const from = Math.max(start, seg.from);
      const to = Math.min(t, end);
      if (to > from) count += ((to - from) * seg.rate) / 1000;
    }
    return Math.floor(count);
  }

  /** When entry k of a run started at `start` was written. */
  private timeOf(start: number, k: number): number {
    let remaining = k + 0.5;
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const end = this.segments[i + 1]?.from ?? Infinity;
      const from = Math.max(start, seg.from);
      if (end <= from || seg.rate === 0) continue;
      const capacity = ((end - from) * seg.rate) / 1000;
      if (remaining <= capacity) return from + (remaining * 1000) / seg.rate;
      remaining -= capacity;
    }
    return start;
  }

  handle = async (
    _req: IncomingMessage,
    res: ServerResponse,
    pod: KObject,
    query: URLSearchParams,
  ): Promise<void> => {
    const containers: any[] = pod.spec?.containers ?? [];
    const inits: any[] = pod.spec?.initContainers ?? [];
    let name = query.get('container') ?? '';
    if (!name) {
      if (containers.length === 1) name = containers[0].name;
      else {
        throw badRequest(
          `a container name must be specified for pod ${pod.metadata.name}, choose one of: ` +
            `[${containers.map((c) => c.name).join(' ')}] or one of the init containers: ` +
            `[${inits.map((c) => c.name).join(' ')}]`,
        );
      }
    }
    const spec = [...containers, ...inits].find((c) => c.name === name);
    if (!spec) throw badRequest(`container ${name} is not valid for pod ${pod.metadata.name}`);
    const previous = query.get('previous') === 'true';
    const options = {
      follow: query.get('follow') === 'true' && !previous,
      timestamps: query.get('timestamps') === 'true',
      tailLines: optionalInt(query.get('tailLines'), 'tailLines'),
      limitBytes: optionalInt(query.get('limitBytes'), 'limitBytes'),
      since: this.since(query),
    };

    const file = this.options.logsDir ? this.logFile(pod, name) : undefined;
    if (file) return this.serveFile(res, file, options);

    const runs = this.kubelet.runs(pod.metadata.uid, name);
    const run = previous ? runs.at(-2) : runs.at(-1);
    if (!run) {
      if (previous)
        throw badRequest(
          `previous terminated container "${name}" in pod "${pod.metadata.name}" not found`,
        );
      const waiting = [
        ...(pod.status?.containerStatuses ?? []),
        ...(pod.status?.initContainerStatuses ?? []),
      ].find((c: any) => c.name === name)?.state?.waiting?.reason;
      const why =
        waiting === 'ImagePullBackOff' || waiting === 'ErrImagePull'
          ? 'trying and failing to pull image'
          : (waiting ?? 'ContainerCreating');
      throw badRequest(
        `container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${why}`,
      );
    }
    const ctx: RunContext = {
      profile: profileFor(
        pod.metadata.labels?.app ?? pod.metadata.name,
        name,
        inits.some((c) => c.name === name),
      ),
      app: pod.metadata.labels?.app ?? name,
      image: spec.image ?? '',
      runId: run.id,
      ...(run.reason ? { endReason: run.reason } : {}),
    };

    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    let budget = options.limitBytes ?? Infinity;
    const write = (lines: Array<{ at: number; text: string }>): boolean => {
      for (const line of lines) {
        let text = (options.timestamps ? `${rfc3339Nano(line.at)} ` : '') + line.text + '\n';
        if (Buffer.byteLength(text) > budget)
          text = Buffer.from(text).subarray(0, budget).toString('utf8');
        budget -= Buffer.byteLength(text);
        if (text) res.write(text);
        if (budget <= 0) return false;
      }
      return true;
    };

    const end = run.finishedAt ?? this.clock.now();
    const total = this.countAt(run.startedAt, end);
    const retain = this.options.retainEntries ?? 10_000;
    let first = Math.max(0, total - retain);
    if (options.since !== undefined) {
      // Entry times grow with k: find the first entry written at or after `since`.
      let lo = first;
      let hi = total;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.timeOf(run.startedAt, mid) < options.since) lo = mid + 1;
        else hi = mid;
      }
      first = lo;
    }
    if (options.tailLines !== undefined) first = Math.max(first, total - options.tailLines);
    let lines = this.lines(
      run,
      ctx,
      first,
      total,
      run.finishedAt !== undefined ? total : undefined,
    );
    if (options.since !== undefined) lines = lines.filter((l) => l.at >= options.since!);
    if (options.tailLines !== undefined)
      lines = lines.slice(Math.max(0, lines.length - options.tailLines));
    if (
      !write(lines) ||
      !options.follow ||
      run.finishedAt !== undefined ||
      !this.kubelet.isRunning(pod.metadata.uid, name)
    ) {
      res.end();
      return;
    }

    let next = total;
    const untrack = this.track(res);
    const timer = setInterval(() => {
      const current = this.kubelet.runs(pod.metadata.uid, name).find((r) => r.id === run.id);
      const stillRunning =
        current &&
        current.finishedAt === undefined &&
        this.kubelet.isRunning(pod.metadata.uid, name);
      const upTo = current
        ? this.countAt(run.startedAt, current.finishedAt ?? this.clock.now())
        : next;
      const more = current
        ? this.lines(
            current,
            { ...ctx, ...(current.reason ? { endReason: current.reason } : {}) },
            next,
            upTo,
            current.finishedAt !== undefined ? upTo : undefined,
          )
        : [];
      next = upTo;
      if (!write(more) || !stillRunning) finish();
    }, this.options.followIntervalMs ?? 250);
    timer.unref();
    const finish = () => {
      clearInterval(timer);
      untrack();
      res.end();
    };
    res.on('close', () => {
      clearInterval(timer);
      untrack();
    });
  };

  private lines(
    run: ContainerRun,
    ctx: RunContext,
    from: number,
    to: number,
    total: number | undefined,
  ): Array<{ at: number; text: string }> {
    const out: Array<{ at: number; text: string }> = [];
    for (let k = from; k < to; k++) {
      const at = this.timeOf(run.startedAt, k);
      for (const text of logEntry(ctx, k, at, total)) out.push({ at, text });
    }
    return out;
  }

  private since(query: URLSearchParams): number | undefined {
    const seconds = query.get('sinceSeconds');
    const time = query.get('sinceTime');
    if (seconds && time)
      throw badRequest('at most one of sinceTime or sinceSeconds may be specified');
    if (seconds) return this.clock.now() - optionalInt(seconds, 'sinceSeconds')! * 1000;
    if (time) {
      const parsed = Date.parse(time);
      if (Number.isNaN(parsed)) throw badRequest(`sinceTime: invalid value "${time}"`);
      return parsed;
    }
    return undefined;
  }

  private logFile(pod: KObject, container: string): string | undefined {
    const dir = this.options.logsDir!;
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name;
    const candidates = [
      join(dir, ns, name, `${container}.log`),
      join(dir, name, `${container}.log`),
      join(dir, `${name}.${container}.log`),
      join(dir, `${name}_${container}.log`),
      ...((pod.spec?.containers ?? []).length === 1 || container === pod.spec?.containers?.[0]?.name
        ? [join(dir, ns, `${name}.log`), join(dir, `${name}.log`)]
        : []),
    ];
    return candidates.find((path) => existsSync(path));
  }

  /** A recorded log, honouring tail, since (for lines that begin with a timestamp) and limitBytes. */
  private serveFile(
    res: ServerResponse,
    file: string,
    options: { timestamps: boolean; tailLines?: number; limitBytes?: number; since?: number },
  ): void {
    if (options.since === undefined && options.tailLines === undefined && !options.limitBytes) {
      // A whole recorded log is streamed as it is: benchmarks serve millions of lines, more
      // than one string can hold.
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
      return;
    }
    let lines = readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (options.since !== undefined) {
      lines = lines.filter((line) => {
        const t = Date.parse(line.split(/\s/, 1)[0] ?? '');
        return Number.isNaN(t) || t >= options.since!;
      });
    }
    if (options.tailLines !== undefined)
      lines = lines.slice(Math.max(0, lines.length - options.tailLines));
    let text = lines.map((l) => l + '\n').join('');
    if (options.limitBytes !== undefined)
      text = Buffer.from(text).subarray(0, options.limitBytes).toString('utf8');
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(text);
  }
}

function optionalInt(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new ApiError(
      400,
      'BadRequest',
      `${name}: Invalid value: ${value}: must be greater than or equal to 0`,
    );
  return n;
}

/** `2025-01-14T10:15:30.123000000Z`, the kubelet's timestamp prefix. */
function rfc3339Nano(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 23)}${String(Math.floor((at % 1) * 1e6)).padStart(6, '0')}Z`;
}
