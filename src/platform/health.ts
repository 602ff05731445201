import type { Log } from '../common/log';
import { httpRequest } from './http';
import type { HttpAnswer, TransportFailure } from './http';

/** Spring Boot's statuses; custom indicators may report others, kept as they are. */
export type HealthStatus = 'UP' | 'DOWN' | 'OUT_OF_SERVICE' | 'UNKNOWN' | (string & {});

/** One health indicator, composite ones with their children. */
export interface HealthComponent {
  name: string;
  /** Slash-separated from the top: `db`, `broker/kafka-1`. */
  path: string;
  status: HealthStatus;
  /** The indicator's details (`database`, `validationQuery`, `free`…). */
  details: Record<string, unknown>;
  /** `details.error` (Boot 2+) or `error` (Boot 1.x): why it is not UP. */
  error?: string;
  components: HealthComponent[];
}

/** An actuator health answer, whatever its HTTP status. */
export interface HealthReport {
  url: string;
  httpStatus: number;
  status: HealthStatus;
  /**
   * `components` (Boot 2.2+), `details` (Boot 2.0–2.1), `flat` (Boot 1.x, indicators beside
   * `status`), `statusOnly` (no indicators shown), `none` (an answer without a health body).
   */
  format: 'components' | 'details' | 'flat' | 'statusOnly' | 'none';
  components: HealthComponent[];
  /** Health groups the endpoint offers (Boot 2.2+ `groups`). */
  groups: string[];
  /** A top-level error (Boot 1.x `error`), or what came instead of a health body. */
  error?: string;
  /** Paths of every component not UP, deepest first within each branch. */
  failing: string[];
  checkedAt: Date;
  elapsedMs: number;
}

/** Why no health answer could be had. */
export type HealthErrorKind =
  'timeout' | 'unreachable' | 'tls' | 'cancelled' | 'notFound' | 'unauthorized' | 'badAnswer';

/** A health check that got no health answer, naming the URL and what to do. */
export class HealthError extends Error {
  override readonly name = 'HealthError';

  constructor(
    readonly kind: HealthErrorKind,
    message: string,
    readonly url: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** Options of `checkHealth`. */
export interface HealthCheckOptions {
  log: Log;
  /** Default 10 s: a health endpoint slower than that is itself a finding. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra headers, e.g. an `authorization` the caller holds for a secured actuator. */
  headers?: Record<string, string>;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const hasStatus = (v: unknown): v is Json => isObject(v) && typeof v.status === 'string';

function errorText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** One indicator: Boot 2+ (`details`, nested `components`) or Boot 1.x (fields beside status). */
function component(name: string, value: Json, parent: string): HealthComponent {
  const path = parent ? `${parent}/${name}` : name;
  let details: Json = {};
  let children: HealthComponent[] = [];
  if (isObject(value.components)) {
    children = childrenOf(value.components, path);
    details = isObject(value.details) ? value.details : {};
  } else if (isObject(value.details)) {
    // Boot 2.0/2.1 nests composite children under `details` too.
    const nested = Object.entries(value.details).filter(([, v]) => hasStatus(v));
    if (nested.length > 0 && nested.length === Object.keys(value.details).length) {
      children = childrenOf(value.details, path);
    } else {
      details = value.details;
    }
  } else {
    const { status: _status, ...rest } = value;
    const nested = Object.entries(rest).filter(([, v]) => hasStatus(v));
    children = nested.map(([k, v]) => component(k, v as Json, path));
    details = Object.fromEntries(Object.entries(rest).filter(([, v]) => !hasStatus(v)));
  }
  return {
    name,
    path,
    status: value.status as string,
    details,
    error: errorText(details.error) ?? errorText(value.error),
    components: children,
  };
}

function childrenOf(map: Json, parent: string): HealthComponent[] {
  return Object.entries(map)
    .filter(([, v]) => hasStatus(v))
    .map(([k, v]) => component(k, v as Json, parent));
}

function failingOf(components: HealthComponent[]): string[] {
  return components.flatMap((c) => [
    ...failingOf(c.components),
    ...(c.status !== 'UP' ? [c.path] : []),
  ]);
}

/**
 * Reads an actuator health body of any Spring Boot generation: 2.2+ `components` (with
 * `groups`), 2.0–2.1 `details`, 1.x indicators beside `status` and 1.x's bare `error`.
 * Returns undefined when the body has no `status` at all.
 */
export function parseHealth(
  body: unknown,
):
  | Pick<HealthReport, 'status' | 'format' | 'components' | 'groups' | 'error' | 'failing'>
  | undefined {
  if (!hasStatus(body)) {
    return undefined;
  }
  const groups = Array.isArray(body.groups) ? body.groups.map(String) : [];
  let format: HealthReport['format'];
  let components: HealthComponent[];
  if (isObject(body.components)) {
    format = 'components';
    components = childrenOf(body.components, '');
  } else if (isObject(body.details) && Object.values(body.details).some(hasStatus)) {
    format = 'details';
    components = childrenOf(body.details, '');
  } else {
    components = childrenOf(body, '');
    format = components.length > 0 ? 'flat' : 'statusOnly';
  }
  return {
    status: body.status as string,
    format,
    components,
    groups,
    error: errorText(body.error),
    failing: failingOf(components),
  };
}

/**
 * GETs an actuator health URL and reads the answer. Any status with a health body is an answer:
 * Spring answers DOWN and OUT_OF_SERVICE with 503. A 503 or 502 without one (an ingress with no
 * backend) is reported DOWN with what came instead. No answer, 401/403, 404 and bodies that are
 * not health throw `HealthError`.
 */
export async function checkHealth(url: string, options: HealthCheckOptions): Promise<HealthReport> {
  const checkedAt = new Date();
  let answer: HttpAnswer;
  try {
    answer = await httpRequest(url, {
      timeoutMs: options.timeoutMs ?? 10_000,
      signal: options.signal,
      headers: {
        accept: 'application/vnd.spring-boot.actuator.v3+json, application/json',
        ...options.headers,
      },
    });
  } catch (err) {
    const failure = err as TransportFailure;
    if (failure.kind !== 'cancelled') {
      options.log.warn(`health check GET ${url} failed: ${failure.why}`);
    }
    const advice =
      failure.kind === 'timeout'
        ? 'The service may be overloaded or hung: check its pods and recent errors.'
        : failure.kind === 'tls'
          ? 'Check the certificate of the endpoint, or the health URL in the settings.'
          : 'Check the health URL in the settings, the VPN, DNS and the ingress.';
    throw new HealthError(
      failure.kind ?? 'unreachable',
      failure.kind === 'cancelled'
        ? 'Cancelled.'
        : `No answer from ${url}: ${failure.why}. ${advice}`,
      url,
    );
  }
  const parsed = parseHealth(answer.json);
  const base = { url, httpStatus: answer.status, checkedAt, elapsedMs: answer.elapsedMs };
  if (parsed) {
    if (parsed.status !== 'UP') {
      options.log.info(
        `health ${url}: ${parsed.status} (${answer.status}), failing: ${parsed.failing.join(', ')}`,
      );
    }
    return { ...base, ...parsed };
  }
  options.log.warn(`health check GET ${url} answered ${answer.status} without a health body`);
  const snippet = answer.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  if (answer.status === 401 || answer.status === 403) {
    throw new HealthError(
      'unauthorized',
      `${url} refused the health check (${answer.status}): the actuator is secured. ` +
        'Use the public health URL, or one the cluster exposes without credentials.',
      url,
      answer.status,
    );
  }
  if (answer.status === 404) {
    throw new HealthError(
      'notFound',
      `Nothing answers at ${url} (404): check the health URL in the settings ` +
        '(Spring Boot 2+: /actuator/health, Boot 1.x: /health).',
      url,
      404,
    );
  }
  if (answer.status === 502 || answer.status === 503 || answer.status === 504) {
    return {
      ...base,
      status: 'DOWN',
      format: 'none',
      components: [],
      groups: [],
      error: `HTTP ${answer.status} without a health body${snippet ? `: ${snippet}` : ''}`,
      failing: [],
    };
  }
  throw new HealthError(
    'badAnswer',
    `${url} answered ${answer.status} with something that is not an actuator health body` +
      `${snippet ? ` ("${snippet}")` : ''}: check the health URL in the settings.`,
    url,
    answer.status,
  );
}
