/**
 * Faults of the sandbox: per service and per call, switched on from the command line
 * (`--fault SPEC`), over the control endpoint (`services/control.ts`), or from code.
 *
 * Spec strings, one fault each, fields separated by `:`
 *
 *     SERVICE[:CALL]:ACTION[:OPTION]...
 *
 * - SERVICE: `kubernetes`, `pagerduty`, `slack`, `flags`, `health`, `statuspage` or `github`.
 * - CALL (optional, default every call): `[METHOD ]PATTERN`. The pattern is matched against the
 *   request path below the service's mount (`/incidents/P1`, `/chat.postMessage`; the whole
 *   path for Kubernetes). `*` matches inside one path segment, `**` across segments. A pattern
 *   starting with `/` must match the whole path; any other matches its last segments, so
 *   `chat.postMessage` or `incidents/*` work as written. `*` alone matches every call.
 * - ACTION: an HTTP status (`429`, `500`, `503`…) answered with the service's own error body;
 *   `timeout` (the request is held open and never answered); `cut=BYTES` (the answer is written
 *   up to BYTES bytes, then the connection is destroyed); `latency=MS` (the call is only delayed).
 * - OPTIONS: `times=N` (only the next N matching calls), `retry-after=SECONDS` (adds
 *   `Retry-After`; a 429 without it has none, as some real servers send), `latency=MS` (delay
 *   before the action).
 *
 * Examples (quote them in a shell, as some hold spaces):
 *
 *     slack:chat.postMessage:429:retry-after=2:times=1
 *     pagerduty:POST /incidents:503
 *     kubernetes:GET log:cut=2000                       every pod log, cut after 2000 bytes
 *     kubernetes:exec:cut=100:times=1                   the next exec, dropped after 100 bytes
 *
 * kubectl retries an exec whose websocket upgrade was refused over the older SPDY protocol (a
 * POST to the same path). The sandbox serves exec over websockets only and refuses that retry
 * with a 400 saying so, outside the faults: kubectl shows that 400 rather than the status the
 * fault answered, while our own client, which speaks websockets only, shows the status.
 *     kubernetes:GET /api/v1/namespaces/freelms/pods:500:latency=300
 *     health:latency=3000
 *     flags:timeout:times=1
 *
 * Faults are checked in the order they were added; the first that matches a call applies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

import { silentLog, type Log } from '../src/common/log';
import { cutAfter, describeFault, faultAnswer, pathPattern } from './services/fault-effects';
import { requestUrl, sendJson } from './services/http';

/** The simulated services a fault can target. */
export const FAULT_SERVICES = [
  'kubernetes',
  'pagerduty',
  'slack',
  'flags',
  'health',
  'statuspage',
  'github',
] as const;

export type FaultService = (typeof FAULT_SERVICES)[number];

/** What a fault does to a matching call. */
export type FaultAction =
  | { kind: 'latency' }
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
  | { kind: 'timeout' }
  | { kind: 'cut'; afterBytes: number };

/** A fault as requested: which calls, what happens, how often. */
export interface FaultRule {
  service: FaultService;
  /** Upper-case HTTP method; any when absent. */
  method?: string;
  /** Path pattern (see the file comment); every call when absent. */
  path?: string;
  action: FaultAction;
  /** Delay before the action (the whole effect for a `latency` action). */
  latencyMs?: number;
  /** How many more matching calls the fault applies to; unlimited when absent. */
  times?: number;
}

/** A fault in force, with the calls it has hit so far. */
export interface Fault extends FaultRule {
  id: string;
  hits: number;
}

/** One call a simulated service received, so tests can assert what was (not) sent twice. */
export interface CallRecord {
  seq: number;
  service: FaultService;
  method: string;
  /** Path below the service's mount, without the query. */
  path: string;
  /** The request URL as received, with its query. */
  url: string;
  at: string;
  /** Id of the fault that hit the call, if any. */
  fault?: string;
  /** The parsed request body, for the services that note it (credentials removed). */
  body?: unknown;
}

/** Calls kept per registry; older ones are dropped so a long benchmark cannot grow memory. */
const MAX_CALLS = 10_000;

/** The faults in force and the calls received, shared by every route of one sandbox. */
export class FaultRegistry {
  private readonly faults: Fault[] = [];
  private readonly callLog: CallRecord[] = [];
  private readonly recordOf = new WeakMap<IncomingMessage, CallRecord>();
  private readonly held = new Set<ServerResponse>();
  private nextId = 1;
  private nextSeq = 1;

  constructor(private readonly log: Log = silentLog) {}

  /** Switches a fault on and returns it with its id. */
  add(rule: FaultRule): Fault {
    if (rule.times !== undefined && rule.times < 1) {
      throw new FaultSpecError(`times=${rule.times} would never apply; give 1 or more`);
    }
    const fault: Fault = { ...rule, id: `fault-${this.nextId++}`, hits: 0 };
    this.faults.push(fault);
    this.log.info(`fault ${fault.id} on: ${describeFault(fault)}`);
    return fault;
  }

  /** Parses a spec string (see the file comment) and switches it on. */
  addSpec(spec: string): Fault {
    return this.add(parseFaultSpec(spec));
  }

  /** Switches one fault off; false when there was none with that id. */
  remove(id: string): boolean {
    const index = this.faults.findIndex((fault) => fault.id === id);
    if (index < 0) {
      return false;
    }
    this.faults.splice(index, 1);
    return true;
  }

  /** Switches every fault off (held requests stay held; see `releaseHeld`). */
  clear(): void {
    this.faults.length = 0;
  }

  /** The faults in force, oldest first. */
  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /** The calls received, oldest first, optionally for one service. */
  calls(service?: FaultService): CallRecord[] {
    return this.callLog.filter((call) => service === undefined || call.service === service);
  }

  clearCalls(): void {
    this.callLog.length = 0;
  }

  /** Attaches the parsed body to the call record of `req`, once the service has read it. */
  noteBody(req: IncomingMessage, body: unknown): void {
    const record = this.recordOf.get(req);
    if (record !== undefined) {
      record.body = body;
    }
  }

  /**
   * Records the call and applies the first matching fault. Call it first thing for every
   * request of `service`; `path` is the path below the service's mount (default: the URL's).
   * Resolves true when the fault answered the request or holds it open (the caller must not
   * answer), false when the caller answers as usual, possibly after a delay and possibly into a
   * response that a `cut` fault will break off.
   */
  async intercept(
    service: FaultService,
    req: IncomingMessage,
    res: ServerResponse,
    path = requestUrl(req).pathname,
  ): Promise<boolean> {
    const fault = this.interceptUpgrade(service, req, path);
    if (fault === undefined) {
      return false;
    }
    if (fault.latencyMs !== undefined && fault.latencyMs > 0) {
      await delay(fault.latencyMs);
    }
    const action = fault.action;
    switch (action.kind) {
      case 'latency':
        return false;
      case 'status': {
        const answer = faultAnswer(service, action.status, path, action.retryAfterSeconds);
        sendJson(res, action.status, action.body ?? answer.body, answer.headers);
        return true;
      }
      case 'timeout':
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return true;
      case 'cut':
        cutAfter(res, action.afterBytes);
        return false;
    }
  }

  /**
   * Records the call and returns the first matching fault without acting on it: for an upgrade
   * (`kubectl exec`), which has no HTTP response to answer into, the caller carries it out.
   */
  interceptUpgrade(
    service: FaultService,
    req: IncomingMessage,
    path = requestUrl(req).pathname,
  ): Fault | undefined {
    const method = (req.method ?? 'GET').toUpperCase();
    const record: CallRecord = {
      seq: this.nextSeq++,
      service,
      method,
      path,
      url: req.url ?? path,
      at: new Date().toISOString(),
    };
    this.callLog.push(record);
    if (this.callLog.length > MAX_CALLS) {
      this.callLog.splice(0, this.callLog.length - MAX_CALLS);
    }
    this.recordOf.set(req, record);

    const fault = this.take(service, method, path);
    if (fault !== undefined) {
      record.fault = fault.id;
      this.log.debug(`fault ${fault.id} hits ${service} ${method} ${path}`);
    }
    return fault;
  }

  /** Destroys the connections of requests held by `timeout` faults, e.g. when the sandbox stops. */
  releaseHeld(): void {
    for (const res of this.held) {
      res.socket?.destroy();
    }
    this.held.clear();
  }

  private take(service: FaultService, method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex((fault) => matches(fault, service, method, path));
    if (index < 0) {
      return undefined;
    }
    const fault = this.faults[index]!;
    fault.hits += 1;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) {
        this.faults.splice(index, 1);
      }
    }
    return fault;
  }
}

function matches(fault: FaultRule, service: FaultService, method: string, path: string): boolean {
  if (fault.service !== service) {
    return false;
  }
  if (fault.method !== undefined && fault.method !== method) {
    return false;
  }
  return fault.path === undefined || pathPattern(fault.path).test(path);
}

/** A fault spec or control request that cannot be understood; the message says which part. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

const ACTION_FIELD = /^(?:\d{3}|timeout|cut=\d+|latency=\d+)$/;

/** Parses a spec string of the language described at the top of this file. */
export function parseFaultSpec(spec: string): FaultRule {
  const fields = spec.split(':').map((field) => field.trim());
  const service = parseService(fields[0] ?? '', spec);
  const rest = fields.slice(1);
  if (rest.length === 0) {
    throw new FaultSpecError(
      `fault "${spec}" has no action (a status, timeout, cut=BYTES or latency=MS)`,
    );
  }

  const rule: FaultRule = { service, action: { kind: 'latency' } };
  const call = ACTION_FIELD.test(rest[0]!) ? undefined : rest.shift()!;
  if (call !== undefined) {
    Object.assign(rule, parseCall(call));
  }
  const actionField = rest.shift();
  if (actionField === undefined || !ACTION_FIELD.test(actionField)) {
    const what = actionField ?? call ?? '';
    throw new FaultSpecError(
      `fault "${spec}": "${what}" is not an action (a status, timeout, cut=BYTES or latency=MS)`,
    );
  }

  let retryAfterSeconds: number | undefined;
  for (const option of rest) {
    const [name, value = ''] = option.split('=', 2) as [string, string?];
    if (!['times', 'retry-after', 'latency'].includes(name)) {
      throw new FaultSpecError(
        `fault "${spec}": unknown option "${name}" (times, retry-after, latency)`,
      );
    }
    const number = parseCount(value, `${name} in fault "${spec}"`);
    if (name === 'times') {
      rule.times = number;
    } else if (name === 'retry-after') {
      retryAfterSeconds = number;
    } else {
      rule.latencyMs = number;
    }
  }

  if (/^\d{3}$/.test(actionField)) {
    rule.action = { kind: 'status', status: parseStatus(actionField, spec) };
    if (retryAfterSeconds !== undefined) {
      rule.action.retryAfterSeconds = retryAfterSeconds;
    }
  } else if (actionField === 'timeout') {
    rule.action = { kind: 'timeout' };
  } else if (actionField.startsWith('cut=')) {
    rule.action = {
      kind: 'cut',
      afterBytes: parseCount(actionField.slice(4), `cut in fault "${spec}"`),
    };
  } else {
    rule.latencyMs = parseCount(actionField.slice('latency='.length), `latency in fault "${spec}"`);
  }
  if (retryAfterSeconds !== undefined && rule.action.kind !== 'status') {
    throw new FaultSpecError(`fault "${spec}": retry-after goes with a status action only`);
  }
  return rule;
}

/** Checks a service name. */
export function parseService(name: string, where: string): FaultService {
  if (!(FAULT_SERVICES as readonly string[]).includes(name)) {
    throw new FaultSpecError(
      `unknown service "${name}" in ${where} (one of ${FAULT_SERVICES.join(', ')})`,
    );
  }
  return name as FaultService;
}

function parseCall(call: string): Pick<FaultRule, 'method' | 'path'> {
  const match = /^([A-Za-z]+)\s+(\S+)$/.exec(call);
  if (match !== null) {
    return { method: match[1]!.toUpperCase(), path: match[2]! };
  }
  if (/^[A-Z]+$/.test(call)) {
    return { method: call };
  }
  return call === '*' ? {} : { path: call };
}

/** Reads a whole number, saying which field holds something else. */
export function parseCount(text: string, what: string): number {
  if (!/^\d+$/.test(text)) {
    throw new FaultSpecError(`${what} must be a whole number, not "${text}"`);
  }
  return Number(text);
}

/** Reads an HTTP error status (400-599). */
export function parseStatus(text: string, where: string): number {
  const status = Number(text);
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new FaultSpecError(`status ${text} in ${where} is not an HTTP error status (400-599)`);
  }
  return status;
}
