/**
 * A status page API shaped like Statuspage.io's v1, for one page (`SANDBOX_STATUS_PAGE_ID`):
 *
 * - `GET  /pages/{page}/incidents` (newest first), `GET /pages/{page}/incidents/unresolved`
 * - `POST /pages/{page}/incidents` with `{"incident": {"name", "status", "body", "impact_override",
 *   "metadata"}}`; `metadata` (an object of objects, as Statuspage keeps it) is stored and returned
 * - `GET  /pages/{page}/incidents/{id}`
 * - `PATCH` (or `PUT`) `/pages/{page}/incidents/{id}` with `{"incident": {"status", "body"}}`: posts
 *   an update; `"status": "resolved"` resolves the incident.
 *
 * Token: `Authorization: OAuth <token>` (Statuspage's scheme) or `Bearer <token>`; 401 otherwise.
 * Errors are `{"error": "…"}`; invalid input is 422, as Statuspage answers it.
 * Known gap: components, subscribers, scheduled maintenances and postmortems are not served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultRegistry } from '../faults';
import { authorizationToken, isRecord, parseJson, readBody, sendJson } from './http';
import { SANDBOX_STATUS_PAGE_ID, SANDBOX_TOKENS } from './tokens';

export const STATUS_PAGE_MOUNT = '/statuspage/v1';

const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
type IncidentStatus = (typeof STATUSES)[number];

interface IncidentUpdate {
  id: string;
  incident_id: string;
  status: IncidentStatus;
  body: string;
  created_at: string;
  updated_at: string;
  display_at: string;
}

interface StatusIncident {
  id: string;
  page_id: string;
  name: string;
  status: IncidentStatus;
  impact: string;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  shortlink: string;
  metadata: Record<string, unknown>;
  incident_updates: IncidentUpdate[];
}

export class StatusPageApi {
  readonly incidents: StatusIncident[] = [];
  private nextId = 1;

  constructor(private readonly faults: FaultRegistry) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const token = authorizationToken(req, ['OAuth ', 'Bearer ']);
    if (token !== SANDBOX_TOKENS.statusPage) {
      return sendJson(res, 401, { error: 'Could not authenticate' });
    }
    const segments = path.split('/').filter((segment) => segment !== '');
    if (segments[0] !== 'pages' || segments[2] !== 'incidents' || segments.length > 4) {
      return sendJson(res, 404, { error: 'Not found' });
    }
    if (segments[1] !== SANDBOX_STATUS_PAGE_ID) {
      return sendJson(res, 404, { error: 'Page not found' });
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const id = segments[3];

    if (method === 'GET' && id === undefined) {
      return sendJson(res, 200, this.incidents.slice().reverse());
    }
    if (method === 'GET' && id === 'unresolved') {
      return sendJson(
        res,
        200,
        this.incidents.filter((incident) => incident.status !== 'resolved').reverse(),
      );
    }
    const incident =
      id === undefined ? undefined : this.incidents.find((candidate) => candidate.id === id);
    if (id !== undefined && incident === undefined) {
      return sendJson(res, 404, { error: 'Incident not found' });
    }
    if (method === 'GET') {
      return sendJson(res, 200, incident);
    }

    const body = parseJson(await readBody(req));
    this.faults.noteBody(req, body);
    const input = isRecord(body) && isRecord(body.incident) ? body.incident : undefined;
    if (input === undefined) {
      return sendJson(res, 422, { error: 'incident is missing' });
    }
    const status = input.status ?? (incident === undefined ? 'investigating' : incident.status);
    if (!STATUSES.includes(status as IncidentStatus)) {
      return sendJson(res, 422, { error: `status must be one of ${STATUSES.join(', ')}` });
    }
    if (method === 'POST' && id === undefined) {
      return this.create(res, input, status as IncidentStatus);
    }
    if ((method === 'PATCH' || method === 'PUT') && incident !== undefined) {
      if (incident.status === 'resolved') {
        return sendJson(res, 422, { error: 'Incident is already resolved' });
      }
      this.update(
        incident,
        status as IncidentStatus,
        typeof input.body === 'string' ? input.body : '',
      );
      return sendJson(res, 200, incident);
    }
    sendJson(res, 405, { error: `${method} is not allowed here` });
  }

  private create(
    res: ServerResponse,
    input: Record<string, unknown>,
    status: IncidentStatus,
  ): void {
    if (typeof input.name !== 'string' || input.name.trim() === '') {
      return sendJson(res, 422, { error: "Name can't be blank" });
    }
    const impact = IMPACTS.includes(input.impact_override as (typeof IMPACTS)[number])
      ? String(input.impact_override)
      : 'minor';
    const now = new Date().toISOString();
    const id = `sp${String(this.nextId++).padStart(10, '0')}`;
    const incident: StatusIncident = {
      id,
      page_id: SANDBOX_STATUS_PAGE_ID,
      name: input.name,
      status,
      impact,
      created_at: now,
      updated_at: now,
      monitoring_at: null,
      resolved_at: null,
      shortlink: `https://stspg.example/${id.slice(-6)}`,
      metadata: isRecord(input.metadata) ? input.metadata : {},
      incident_updates: [],
    };
    this.incidents.push(incident);
    this.update(incident, status, typeof input.body === 'string' ? input.body : '');
    sendJson(res, 201, incident);
  }

  private update(incident: StatusIncident, status: IncidentStatus, text: string): void {
    const now = new Date().toISOString();
    incident.status = status;
    incident.updated_at = now;
    if (status === 'monitoring') {
      incident.monitoring_at = now;
    }
    if (status === 'resolved') {
      incident.resolved_at = now;
    }
    // Newest update first, as Statuspage lists them.
    incident.incident_updates.unshift({
      id: `${incident.id}u${incident.incident_updates.length + 1}`,
      incident_id: incident.id,
      status,
      body: text,
      created_at: now,
      updated_at: now,
      display_at: now,
    });
  }
}
