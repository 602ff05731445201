import { silentLog, type Log } from '../../common/log';
import { httpRequest, TransportFailure, type HttpAnswer } from '../http';
import { kindOfStatus, retryAfterMs } from '../remoteError';
import { StatusPageError, type StatusPageErrorKind } from './errors';

/** The statuses a status page incident moves through, as Statuspage names them. */
export type StatusPageStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';

/** How bad the page shows an incident to be. */
export type StatusPageImpact = 'none' | 'minor' | 'major' | 'critical';

/** Settings of the status page client; `freelms.statusPage.*` maps onto it. The token is not here. */
export interface StatusPageConfig {
  /** API base, e.g. `https://api.statuspage.io/v1` (the sandbox's in tests). */
  baseUrl: string;
  /** The page incidents are published on. */
  pageId: string;
  /** Per call; 10 s by default. */
  timeoutMs?: number;
}

/** One update of a status page incident, as customers read it. */
export interface StatusPageUpdate {
  id: string;
  status: string;
  body: string;
  createdAt: string;
}

export interface StatusPageIncident {
  id: string;
  name: string;
  status: string;
  impact?: string;
  createdAt: string;
  resolvedAt?: string;
  /** The public short link to the incident. */
  shortlink?: string;
  /** The FreeLMS incident that opened it, from its metadata; absent for one opened elsewhere. */
  reference?: string;
  /** Newest first, as the API lists them. */
  updates: StatusPageUpdate[];
}

/**
 * The calls of a Statuspage-v1-shaped REST API that incident work needs: open an incident, post
 * an update, resolve, read one, list the unresolved. One request per call with a deadline and no
 * retry of its own (the outbox retries); every failure is a `StatusPageError`. The token goes in
 * `Authorization: OAuth <token>` as Statuspage expects and is never logged.
 */
export class StatusPageClient {
  private readonly base: string;

  constructor(
    private readonly config: StatusPageConfig,
    private readonly token: string,
    private readonly log: Log = silentLog,
  ) {
    this.base = `${config.baseUrl.replace(/\/+$/, '')}/pages/${encodeURIComponent(config.pageId)}`;
  }

  /**
   * Opens an incident on the page with its first update. `reference` (the FreeLMS incident's
   * id) goes in its metadata, so a retry after a lost answer finds this one and no other.
   */
  async createIncident(input: {
    name: string;
    status: StatusPageStatus;
    body: string;
    impact?: StatusPageImpact;
    reference?: string;
  }): Promise<StatusPageIncident> {
    const incident = {
      name: input.name,
      status: input.status,
      body: input.body,
      ...(input.impact ? { impact_override: input.impact } : {}),
      ...(input.reference ? { metadata: { [METADATA_KEY]: { incident: input.reference } } } : {}),
    };
    return toIncident(await this.request('POST /incidents', 'POST', '/incidents', { incident }));
  }

  /** Posts an update: a new status and the text customers read. */
  async postUpdate(
    incidentId: string,
    update: { status: StatusPageStatus; body: string },
  ): Promise<StatusPageIncident> {
    const path = `/incidents/${encodeURIComponent(incidentId)}`;
    const data = await this.request(`PATCH /incidents/{id} ${update.status}`, 'PATCH', path, {
      incident: update,
    });
    return toIncident(data);
  }

  /** Resolves with a last update; an incident resolved already throws kind `alreadyDone`. */
  resolve(incidentId: string, body: string): Promise<StatusPageIncident> {
    return this.postUpdate(incidentId, { status: 'resolved', body });
  }

  async getIncident(incidentId: string): Promise<StatusPageIncident> {
    const path = `/incidents/${encodeURIComponent(incidentId)}`;
    return toIncident(await this.request('GET /incidents/{id}', 'GET', path));
  }

  /** The page's incidents that are not resolved, newest first. */
  async listUnresolved(): Promise<StatusPageIncident[]> {
    const data = await this.request('GET /incidents/unresolved', 'GET', '/incidents/unresolved');
    return Array.isArray(data) ? data.map(toIncident) : [];
  }

  private async request(
    call: string,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: object,
  ): Promise<unknown> {
    let answer: HttpAnswer;
    try {
      answer = await httpRequest(`${this.base}${path}`, {
        method,
        headers: { authorization: `OAuth ${this.token}` },
        body,
        timeoutMs: this.config.timeoutMs ?? 10_000,
      });
    } catch (error) {
      if (!(error instanceof TransportFailure)) throw error;
      const kind: StatusPageErrorKind = error.kind === 'timeout' ? 'timeout' : 'network';
      this.log.warn(`${call} to ${this.config.baseUrl} got no answer: ${error.why}`);
      throw new StatusPageError(call, kind, `${error.why} (${this.config.baseUrl})`);
    }
    this.log.debug(`${call} ${answer.status} in ${answer.elapsedMs} ms`);
    if (answer.status >= 200 && answer.status < 300) {
      if (answer.json === undefined) {
        // A success whose body is unreadable: the call may well have landed.
        throw new StatusPageError(call, 'network', 'the answer could not be read', answer.status);
      }
      return answer.json;
    }
    throw this.httpError(call, answer);
  }

  private httpError(call: string, answer: HttpAnswer): StatusPageError {
    const status = answer.status;
    const said = errorText(answer);
    const kind = classify(status, said);
    let message = said || `answered ${status}`;
    if (kind === 'auth') {
      message +=
        '. Set the status page token with "FreeLMS: Set Credentials" (Status page API token)';
    } else if (kind === 'notFound') {
      message += `. Check freelms.statusPage.url and freelms.statusPage.pageId (${this.config.pageId})`;
    }
    const wait = status === 429 ? retryAfterMs(answer.headers['retry-after']) : undefined;
    this.log.warn(`${call} answered ${status} in ${answer.elapsedMs} ms: ${said}`);
    return new StatusPageError(call, kind, message, status, wait);
  }
}

function classify(status: number, said: string): StatusPageErrorKind {
  const byStatus = kindOfStatus(status);
  if (byStatus) return byStatus;
  if (status === 422 && /already resolved/i.test(said)) return 'alreadyDone';
  return 'rejected';
}

/** The API's `{"error": "…"}` (or a list of them), else a short body. */
function errorText(answer: HttpAnswer): string {
  const error = asJson(answer.json).error;
  if (typeof error === 'string') return error;
  if (Array.isArray(error)) return error.map(String).join('; ');
  const text = answer.text.trim();
  return text.length > 0 && text.length < 300 ? text : '';
}

type Json = Record<string, unknown>;

function asJson(value: unknown): Json {
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** Where in an incident's metadata the FreeLMS incident is named. */
const METADATA_KEY = 'freelms';

function toIncident(value: unknown): StatusPageIncident {
  const raw = asJson(value);
  const updates = Array.isArray(raw.incident_updates) ? raw.incident_updates : [];
  const reference = text(asJson(asJson(raw.metadata)[METADATA_KEY]).incident);
  return {
    id: String(raw.id ?? ''),
    name: String(raw.name ?? ''),
    status: String(raw.status ?? ''),
    impact: text(raw.impact),
    createdAt: String(raw.created_at ?? ''),
    resolvedAt: text(raw.resolved_at),
    shortlink: text(raw.shortlink),
    reference,
    updates: updates.map((u) => {
      const update = asJson(u);
      return {
        id: String(update.id ?? ''),
        status: String(update.status ?? ''),
        body: String(update.body ?? ''),
        createdAt: String(update.created_at ?? ''),
      };
    }),
  };
}
