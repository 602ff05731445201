/**
 * PagerDuty REST API v2, the part on-call work uses: incidents (create with `incident_key`,
 * list, get, acknowledge and resolve one or in bulk), notes, log entries, services and users.
 * Answers carry PagerDuty's shapes and its error envelope `{"error": {"message", "code",
 * "errors"?}}` with its codes.
 *
 * Every call needs `Authorization: Token token=<SANDBOX_TOKENS.pagerduty>` (401, code 2006,
 * otherwise). Writes also need `From: <e-mail of a seeded user>` such as
 * `SANDBOX_PAGERDUTY_FROM`: without it 400 code 2016, with an unknown address 400 code 1008.
 * Seeded: five FreeLMS services (`PFLS001` api-gateway … `PFLS005` notification-service), one
 * triggered, one acknowledged and one resolved incident.
 *
 * Known gaps: `since`/`until`, `sort_by`, `include[]`, `time_zone` and `team_ids[]` are accepted
 * and ignored; reassign, snooze, merge and escalate are not served (404).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultRegistry } from '../faults';
import {
  authorizationToken,
  isRecord,
  originOf,
  parseJson,
  readBody,
  requestUrl,
  sendJson,
} from './http';
import { PagerDutyModel, PdRenderer, type PdIncident, type PdUser } from './pagerduty-model';
import { SANDBOX_TOKENS } from './tokens';

/** Where the PagerDuty API is mounted; see `router.ts` for why the name looks like a host. */
export const PAGERDUTY_MOUNT = '/api.pagerduty.com';

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 25;

/** The PagerDuty part of the sandbox: `handle` answers one request below the mount. */
export class PagerDutyApi {
  readonly model = new PagerDutyModel();

  constructor(private readonly faults: FaultRegistry) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const token = authorizationToken(req, ['Token token=', 'Bearer ']);
    if (token !== SANDBOX_TOKENS.pagerduty) {
      sendError(res, 401, 'Authentication failed', 2006);
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const query = requestUrl(req).searchParams;
    const render = new PdRenderer(this.model, `${originOf(req)}${PAGERDUTY_MOUNT}`);
    const segments = path.split('/').filter((segment) => segment !== '');

    let body: Record<string, unknown> = {};
    if (method === 'POST' || method === 'PUT') {
      const parsed = parseJson(await readBody(req));
      this.faults.noteBody(req, parsed);
      if (!isRecord(parsed)) {
        sendError(res, 400, 'Invalid Input Provided', 2001, [
          'The request body is not a JSON object.',
        ]);
        return;
      }
      body = parsed;
    }
    const requester = () => this.requester(req, res);

    if (segments[0] === 'incidents') {
      const incident = segments[1] === undefined ? undefined : this.model.incident(segments[1]);
      if (segments[1] !== undefined && incident === undefined) {
        sendError(res, 404, 'Not Found', 2100);
        return;
      }
      if (segments.length === 1 && method === 'GET') {
        return this.listIncidents(res, query, render);
      }
      if (segments.length === 1 && method === 'POST') {
        return this.createIncident(res, body, requester(), render);
      }
      if (segments.length === 1 && method === 'PUT') {
        return this.updateIncidents(res, body, requester(), render);
      }
      if (segments.length === 2 && method === 'GET') {
        return sendJson(res, 200, { incident: render.incident(incident!) });
      }
      if (segments.length === 2 && method === 'PUT') {
        const user = requester();
        if (user === undefined) {
          return;
        }
        const update = isRecord(body.incident) ? body.incident : {};
        const error = this.applyStatus(incident!, update.status, user);
        return error === undefined
          ? sendJson(res, 200, { incident: render.incident(incident!) })
          : sendError(res, 400, error.message, error.code);
      }
      if (segments.length === 3 && segments[2] === 'notes' && method === 'GET') {
        return sendJson(res, 200, { notes: incident!.notes.map((note) => render.note(note)) });
      }
      if (segments.length === 3 && segments[2] === 'notes' && method === 'POST') {
        const user = requester();
        if (user === undefined) {
          return;
        }
        const content = isRecord(body.note) ? body.note.content : undefined;
        if (typeof content !== 'string' || content.trim() === '') {
          return sendError(res, 400, 'Invalid Input Provided', 2001, ['Content cannot be empty.']);
        }
        return sendJson(res, 201, {
          note: render.note(this.model.addNote(incident!, user.id, content)),
        });
      }
      if (segments.length === 3 && segments[2] === 'log_entries' && method === 'GET') {
        // Newest first, as PagerDuty lists them.
        const entries = incident!.logEntries
          .map((entry) => render.logEntry(incident!, entry))
          .reverse();
        return sendPage(res, 'log_entries', entries, query);
      }
    }
    if (segments[0] === 'services' && method === 'GET') {
      if (segments.length === 1) {
        return sendPage(
          res,
          'services',
          this.model.services.map((service) => render.service(service)),
          query,
        );
      }
      const service = this.model.services.find((candidate) => candidate.id === segments[1]);
      return service === undefined || segments.length > 2
        ? sendError(res, 404, 'Not Found', 2100)
        : sendJson(res, 200, { service: render.service(service) });
    }
    if (segments[0] === 'users' && segments.length === 1 && method === 'GET') {
      return sendPage(
        res,
        'users',
        this.model.users.map((user) => render.user(user)),
        query,
      );
    }
    sendError(res, 404, 'Not Found', 2100);
  }

  /** The user named by `From`, or undefined after answering the error PagerDuty gives. */
  private requester(req: IncomingMessage, res: ServerResponse): PdUser | undefined {
    const from = req.headers.from;
    if (from === undefined || from.trim() === '') {
      sendError(
        res,
        400,
        'You must specify a user\'s email address in the "From" header to perform this action',
        2016,
      );
      return undefined;
    }
    const user = this.model.userByEmail(from);
    if (user === undefined) {
      sendError(res, 400, 'Requester User Not Found', 1008);
    }
    return user;
  }

  private listIncidents(res: ServerResponse, query: URLSearchParams, render: PdRenderer): void {
    const statuses = all(query, 'statuses');
    const serviceIds = all(query, 'service_ids');
    const urgencies = all(query, 'urgencies');
    const key = query.get('incident_key');
    const incidents = this.model.incidents.filter(
      (incident) =>
        (statuses.length === 0 || statuses.includes(incident.status)) &&
        (serviceIds.length === 0 || serviceIds.includes(incident.serviceId)) &&
        (urgencies.length === 0 || urgencies.includes(incident.urgency)) &&
        (key === null || incident.incidentKey === key),
    );
    sendPage(
      res,
      'incidents',
      incidents.map((incident) => render.incident(incident)),
      query,
    );
  }

  private createIncident(
    res: ServerResponse,
    body: Record<string, unknown>,
    user: PdUser | undefined,
    render: PdRenderer,
  ): void {
    if (user === undefined) {
      return;
    }
    const input = isRecord(body.incident) ? body.incident : undefined;
    const title = input?.title;
    if (input === undefined || typeof title !== 'string' || title.trim() === '') {
      return sendError(res, 400, 'Invalid Input Provided', 2001, ['Title cannot be empty.']);
    }
    const serviceId = isRecord(input.service) ? input.service.id : undefined;
    const service = this.model.services.find((candidate) => candidate.id === serviceId);
    if (service === undefined) {
      return sendError(res, 400, 'Arguments Caused Error', 2002, ['Service not found']);
    }
    const incidentKey = typeof input.incident_key === 'string' ? input.incident_key : undefined;
    if (
      incidentKey !== undefined &&
      this.model.openIncidentWithKey(service.id, incidentKey) !== undefined
    ) {
      // The wording of `errors` is what clients match on; published client code quotes it
      // verbatim. The code varies between reports (2001, 2002), so clients should not rely on it.
      return sendError(res, 400, 'Invalid Input Provided', 2001, [
        'Open incident with matching dedup key already exists on this service',
      ]);
    }
    const details = isRecord(input.body) ? input.body.details : undefined;
    const incident = this.model.create({
      title,
      serviceId: service.id,
      incidentKey,
      urgency: input.urgency === 'low' ? 'low' : 'high',
      details: typeof details === 'string' ? details : undefined,
    });
    sendJson(res, 201, { incident: render.incident(incident) });
  }

  private updateIncidents(
    res: ServerResponse,
    body: Record<string, unknown>,
    user: PdUser | undefined,
    render: PdRenderer,
  ): void {
    if (user === undefined) {
      return;
    }
    const updates = Array.isArray(body.incidents) ? body.incidents.filter(isRecord) : [];
    if (updates.length === 0) {
      return sendError(res, 400, 'Invalid Input Provided', 2001, [
        'Incidents must be a non-empty array.',
      ]);
    }
    const targets: Array<[PdIncident, unknown]> = [];
    for (const update of updates) {
      const incident = typeof update.id === 'string' ? this.model.incident(update.id) : undefined;
      if (incident === undefined) {
        return sendError(res, 404, 'Not Found', 2100);
      }
      targets.push([incident, update.status]);
    }
    // All or nothing, so a failed bulk update leaves no half-acknowledged set behind.
    for (const [incident, status] of targets) {
      const error = this.checkStatus(incident, status);
      if (error !== undefined) {
        return sendError(res, 400, error.message, error.code, [`${incident.id}: ${error.message}`]);
      }
    }
    for (const [incident, status] of targets) {
      this.applyStatus(incident, status, user);
    }
    sendJson(res, 200, { incidents: targets.map(([incident]) => render.incident(incident)) });
  }

  private checkStatus(
    incident: PdIncident,
    status: unknown,
  ): { message: string; code: number } | undefined {
    if (status !== 'acknowledged' && status !== 'resolved') {
      return { message: 'Invalid Status Provided', code: 1003 };
    }
    if (incident.status === 'resolved') {
      return { message: 'Incident Already Resolved', code: 1001 };
    }
    if (status === 'acknowledged' && incident.status === 'acknowledged') {
      return { message: 'Incident Already Acknowledged', code: 1002 };
    }
    return undefined;
  }

  private applyStatus(
    incident: PdIncident,
    status: unknown,
    user: PdUser,
  ): { message: string; code: number } | undefined {
    const error = this.checkStatus(incident, status);
    if (error === undefined) {
      this.model.setStatus(incident, status as 'acknowledged' | 'resolved', user.id);
    }
    return error;
  }
}

/** PagerDuty's error envelope. */
function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  code: number,
  errors?: string[],
): void {
  sendJson(res, status, { error: { message, code, ...(errors === undefined ? {} : { errors }) } });
}

/** Values of an array parameter, sent as `name[]=a&name[]=b` (or without the brackets). */
function all(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(`${name}[]`), ...query.getAll(name)];
}

/** Offset paging the way PagerDuty does it: `total` is null unless `total=true` was asked. */
function paging(
  count: number,
  query: URLSearchParams,
): { limit: number; offset: number; more: boolean; total: number | null } {
  const limit = Math.min(
    MAX_LIMIT,
    Math.max(1, Number(query.get('limit') ?? DEFAULT_LIMIT) || DEFAULT_LIMIT),
  );
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  return {
    limit,
    offset,
    more: offset + limit < count,
    total: query.get('total') === 'true' ? count : null,
  };
}

function sendPage(
  res: ServerResponse,
  key: string,
  items: unknown[],
  query: URLSearchParams,
): void {
  const page = paging(items.length, query);
  sendJson(res, 200, { [key]: items.slice(page.offset, page.offset + page.limit), ...page });
}
