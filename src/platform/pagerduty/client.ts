import { api } from '@pagerduty/pdjs';
import type { APIResponse } from '@pagerduty/pdjs/build/src/api';

import { silentLog, type Log } from '../../common/log';
import { kindOfStatus, retryAfterMs } from '../remoteError';
import { PagerDutyError, type PagerDutyErrorKind } from './errors';

/** PagerDuty's two service regions. */
export type PagerDutyRegion = 'us' | 'eu';

export const PAGERDUTY_API_BASES: Readonly<Record<PagerDutyRegion, string>> = {
  us: 'https://api.pagerduty.com',
  eu: 'https://api.eu.pagerduty.com',
};

/** Settings of the PagerDuty client; `freelms.pagerduty.*` maps onto it. The token is not here. */
export interface PagerDutyConfig {
  region: PagerDutyRegion;
  /** Replaces the regional base URL, e.g. with the sandbox's. */
  baseUrl?: string;
  /** E-mail of a PagerDuty user, sent as `From` on every write as PagerDuty requires. */
  from: string;
  /** The PagerDuty service incidents are opened on. */
  serviceId: string;
  /** Per call, covering the SDK's own 429 retries; 10 s by default. */
  timeoutMs?: number;
  /**
   * pdjs retries a 429 three times by itself, waiting this long between tries, without reading
   * `Retry-After` (it cannot be switched off). Kept short so the caller's own policy, which does
   * honour the rate-limit headers, takes over quickly. 500 ms by default.
   */
  sdkRetryDelayMs?: number;
}

export interface PagerDutyIncidentRef {
  id: string;
  number?: number;
  /** `triggered`, `acknowledged` or `resolved`. */
  status: string;
  title?: string;
  /** When PagerDuty opened it: the detection time of an incident joined from PagerDuty. */
  createdAt?: string;
  urgency?: string;
  /** The PagerDuty service's name, e.g. `api-gateway`. */
  serviceName?: string;
  url?: string;
  incidentKey?: string;
}

export interface PagerDutyNote {
  id: string;
  content: string;
  createdAt: string;
}

/**
 * The PagerDuty REST API v2 calls incident work needs, over the official `@pagerduty/pdjs`.
 * Every call has a deadline (pdjs's own `requestTimeout` sets a timer that cancels nothing),
 * and every failure is a `PagerDutyError`. The token is passed in per client and never logged.
 */
export class PagerDutyClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: PagerDutyConfig,
    private readonly token: string,
    private readonly log: Log = silentLog,
  ) {
    this.base = (config.baseUrl ?? PAGERDUTY_API_BASES[config.region]).replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? 10_000;
  }

  /** Opens an incident; a duplicate `incidentKey` throws kind `duplicateKey`. */
  async createIncident(input: {
    title: string;
    incidentKey: string;
    urgency?: 'high' | 'low';
    details?: string;
  }): Promise<PagerDutyIncidentRef> {
    const data = await this.request('POST /incidents', 'POST', '/incidents', {
      incident: {
        type: 'incident',
        title: input.title,
        service: { id: this.config.serviceId, type: 'service_reference' },
        incident_key: input.incidentKey,
        urgency: input.urgency ?? 'high',
        ...(input.details ? { body: { type: 'incident_body', details: input.details } } : {}),
      },
    });
    return toRef(data.incident);
  }

  /** The open (triggered or acknowledged) incident with this key on the configured service. */
  async findOpenIncident(incidentKey: string): Promise<PagerDutyIncidentRef | undefined> {
    const data = await this.request('GET /incidents', 'GET', '/incidents', undefined, {
      incident_key: incidentKey,
      'service_ids[]': [this.config.serviceId],
      'statuses[]': ['triggered', 'acknowledged'],
    });
    const incidents = Array.isArray(data.incidents) ? data.incidents : [];
    return incidents.length > 0 ? toRef(incidents[0]) : undefined;
  }

  /** Incidents of the given services in the given states, for the "join an incident" picker. */
  async listTriggered(
    serviceIds: readonly string[] = [this.config.serviceId],
    statuses: readonly ('triggered' | 'acknowledged')[] = ['triggered'],
  ): Promise<PagerDutyIncidentRef[]> {
    const data = await this.request('GET /incidents', 'GET', '/incidents', undefined, {
      'service_ids[]': [...serviceIds],
      'statuses[]': [...statuses],
      limit: '100',
    });
    return (Array.isArray(data.incidents) ? data.incidents : []).map(toRef);
  }

  /** Acknowledges; an incident already acknowledged or resolved throws kind `alreadyDone`. */
  async acknowledge(incidentId: string): Promise<void> {
    await this.setStatus(incidentId, 'acknowledged');
  }

  /** Resolves; an incident already resolved throws kind `alreadyDone`. */
  async resolve(incidentId: string): Promise<void> {
    await this.setStatus(incidentId, 'resolved');
  }

  async addNote(incidentId: string, content: string): Promise<PagerDutyNote> {
    const path = `/incidents/${encodeURIComponent(incidentId)}/notes`;
    const data = await this.request('POST /incidents/{id}/notes', 'POST', path, {
      note: { content },
    });
    return toNote(data.note);
  }

  async listNotes(incidentId: string): Promise<PagerDutyNote[]> {
    const path = `/incidents/${encodeURIComponent(incidentId)}/notes`;
    const data = await this.request('GET /incidents/{id}/notes', 'GET', path);
    return (Array.isArray(data.notes) ? data.notes : []).map(toNote);
  }

  private async setStatus(incidentId: string, status: 'acknowledged' | 'resolved'): Promise<void> {
    const path = `/incidents/${encodeURIComponent(incidentId)}`;
    await this.request(`PUT /incidents/{id} ${status}`, 'PUT', path, {
      incident: { type: 'incident_reference', status },
    });
  }

  private async request(
    call: string,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    data?: object,
    query?: Record<string, string | string[]>,
  ): Promise<Json> {
    const started = Date.now();
    let response: APIResponse;
    try {
      response = await api({
        url: `${this.base}${path}`,
        method,
        token: this.token,
        headers: { From: this.config.from },
        ...(data ? { data } : {}),
        ...(query ? { queryParameters: query } : {}),
        // pdjs's requestTimeout only starts a timer that does nothing but keep Node alive.
        requestTimeout: 0,
        retryTimeout: this.config.sdkRetryDelayMs ?? 500,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw this.failure(call, error, started);
    }
    const status = response.status;
    this.log.debug(`${call} ${status} in ${Date.now() - started} ms`);
    if (status >= 200 && status < 300) return (response.data ?? {}) as Json;
    throw this.httpError(call, response);
  }

  private failure(call: string, error: unknown, started: number): PagerDutyError {
    // pdjs rejects with the response itself when the body is not JSON.
    if (
      error &&
      typeof error === 'object' &&
      'status' in error &&
      typeof error.status === 'number'
    ) {
      const status = error.status;
      if (status >= 200 && status < 300) {
        // A success whose body was cut off: the call may well have landed.
        this.log.warn(`${call} answered ${status} but the body was unreadable`);
        return new PagerDutyError(
          call,
          'network',
          `answer ${status} cut off before its body was read`,
          status,
        );
      }
      return this.httpError(call, error as APIResponse);
    }
    const e = error as Error;
    const timedOut =
      e?.name === 'TimeoutError' ||
      e?.name === 'AbortError' ||
      (e as { type?: string })?.type === 'aborted';
    const kind: PagerDutyErrorKind = timedOut ? 'timeout' : 'network';
    const message = timedOut
      ? `no answer within ${this.timeoutMs} ms`
      : (e?.message ?? String(error));
    this.log.warn(`${call} failed after ${Date.now() - started} ms: ${message}`);
    return new PagerDutyError(call, kind, message);
  }

  private httpError(call: string, response: APIResponse): PagerDutyError {
    const status = response.status;
    const body = (response.data ?? {}) as {
      error?: { message?: string; code?: number; errors?: unknown };
    };
    const code = body.error?.code;
    const details = Array.isArray(body.error?.errors) ? body.error.errors.map(String) : [];
    const message = [body.error?.message ?? response.statusText ?? 'error', ...details].join(': ');
    const kind = classify(status, code, details);
    const retryAfterMs = status === 429 ? rateLimitWait(response.headers) : undefined;
    this.log.warn(`${call} answered ${status}${code ? ` code ${code}` : ''}: ${message}`);
    return new PagerDutyError(call, kind, message, status, code, retryAfterMs);
  }
}

function classify(status: number, code: number | undefined, details: string[]): PagerDutyErrorKind {
  const byStatus = kindOfStatus(status);
  if (byStatus) return byStatus;
  if (code === 1001 || code === 1002) return 'alreadyDone';
  // The code of a duplicate key varies between reports (2001, 2002); the wording does not.
  if (details.some((d) => /matching dedup key already exists|incident_key/i.test(d)))
    return 'duplicateKey';
  return 'rejected';
}

/** `Retry-After` when sent, else PagerDuty's `ratelimit-reset` (seconds until the window refills). */
function rateLimitWait(headers: Headers | undefined): number | undefined {
  const asked = retryAfterMs(headers?.get('retry-after'));
  if (asked !== undefined) return asked;
  const reset = headers?.get('ratelimit-reset');
  if (reset && /^\d+(\.\d+)?$/.test(reset.trim())) return Number(reset) * 1000;
  return undefined;
}

type Json = Record<string, unknown>;

function asJson(value: unknown): Json {
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

function toRef(value: unknown): PagerDutyIncidentRef {
  const raw = asJson(value);
  return {
    id: String(raw.id ?? ''),
    number: typeof raw.incident_number === 'number' ? raw.incident_number : undefined,
    status: String(raw.status ?? ''),
    title: typeof raw.title === 'string' ? raw.title : undefined,
    createdAt: typeof raw.created_at === 'string' ? raw.created_at : undefined,
    urgency: typeof raw.urgency === 'string' ? raw.urgency : undefined,
    serviceName:
      typeof asJson(raw.service).summary === 'string'
        ? String(asJson(raw.service).summary)
        : undefined,
    url: typeof raw.html_url === 'string' ? raw.html_url : undefined,
    incidentKey: typeof raw.incident_key === 'string' ? raw.incident_key : undefined,
  };
}

function toNote(value: unknown): PagerDutyNote {
  const raw = asJson(value);
  return {
    id: String(raw.id ?? ''),
    content: String(raw.content ?? ''),
    createdAt: String(raw.created_at ?? ''),
  };
}
