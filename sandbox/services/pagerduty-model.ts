import { isoSeconds } from './http';
import { SANDBOX_PAGERDUTY_FROM } from './tokens';

/** A PagerDuty user of the FreeLMS account. */
export interface PdUser {
  id: string;
  name: string;
  email: string;
}

/** A PagerDuty service, one per FreeLMS service. */
export interface PdService {
  id: string;
  name: string;
  description: string;
}

export type PdStatus = 'triggered' | 'acknowledged' | 'resolved';

/** Who did something: a user (through the API with `From`) or a service (an alert). */
export interface PdAgent {
  kind: 'user' | 'service';
  id: string;
}

export interface PdLogEntry {
  id: string;
  type: 'trigger_log_entry' | 'acknowledge_log_entry' | 'resolve_log_entry' | 'annotate_log_entry';
  summary: string;
  createdAt: Date;
  agent: PdAgent;
}

export interface PdNote {
  id: string;
  userId: string;
  content: string;
  createdAt: Date;
}

export interface PdIncident {
  id: string;
  number: number;
  title: string;
  status: PdStatus;
  incidentKey: string;
  serviceId: string;
  urgency: 'high' | 'low';
  details: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  lastStatusChangeAt: Date;
  lastStatusChangeBy: PdAgent;
  resolvedAt: Date | undefined;
  assigneeIds: string[];
  acknowledgements: Array<{ at: Date; userId: string }>;
  notes: PdNote[];
  logEntries: PdLogEntry[];
}

/** Where the sandbox says a person would open an object in PagerDuty's web app. */
const WEB_ORIGIN = 'https://freelms-sandbox.pagerduty.example';

const ESCALATION_POLICY = { id: 'PFLEP01', name: 'FreeLMS Platform On-Call' };
const TEAM = { id: 'PFLTM01', name: 'FreeLMS Platform' };

/** The PagerDuty account of the sandbox: users, services and incidents, all in memory. */
export class PagerDutyModel {
  readonly users: PdUser[] = [
    { id: 'PFLU001', name: 'Dana Okafor', email: SANDBOX_PAGERDUTY_FROM },
    { id: 'PFLU002', name: 'Sam Lindqvist', email: 'incident-commander@freelms.example' },
    { id: 'PFLU003', name: 'Priya Natarajan', email: 'platform-lead@freelms.example' },
  ];

  readonly services: PdService[] = [
    { id: 'PFLS001', name: 'api-gateway', description: 'FreeLMS API gateway' },
    { id: 'PFLS002', name: 'course-service', description: 'Courses and enrolments' },
    { id: 'PFLS003', name: 'user-service', description: 'Accounts and authentication' },
    { id: 'PFLS004', name: 'payment-service', description: 'Payments and invoices' },
    { id: 'PFLS005', name: 'notification-service', description: 'E-mail and push notifications' },
  ];

  readonly incidents: PdIncident[] = [];
  private nextNumber = 1041;
  private nextId = 1;

  constructor(now = new Date()) {
    const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    this.create({
      title: 'api-gateway: 5xx rate above 5% for 5 minutes',
      serviceId: 'PFLS001',
      incidentKey: 'freelms/api-gateway/high-5xx-rate',
      urgency: 'high',
      details: 'Prometheus alert HighErrorRate fired for job=api-gateway in namespace freelms.',
      at: minutesAgo(12),
    });
    const latency = this.create({
      title: 'payment-service: p99 latency above 2 s',
      serviceId: 'PFLS004',
      incidentKey: 'freelms/payment-service/p99-latency',
      urgency: 'high',
      details: 'Prometheus alert HighLatency fired for job=payment-service.',
      at: minutesAgo(41),
    });
    this.setStatus(latency, 'acknowledged', 'PFLU001', minutesAgo(37));
    const oom = this.create({
      title: 'course-service: pods OOMKilled',
      serviceId: 'PFLS002',
      incidentKey: 'freelms/course-service/oomkilled',
      urgency: 'low',
      details: undefined,
      at: minutesAgo(26 * 60),
    });
    this.setStatus(oom, 'resolved', 'PFLU002', minutesAgo(25 * 60));
  }

  userByEmail(email: string): PdUser | undefined {
    return this.users.find((user) => user.email.toLowerCase() === email.trim().toLowerCase());
  }

  incident(id: string): PdIncident | undefined {
    return this.incidents.find((incident) => incident.id === id);
  }

  /** The open incident with this key on this service, which a new one may not duplicate. */
  openIncidentWithKey(serviceId: string, incidentKey: string): PdIncident | undefined {
    return this.incidents.find(
      (incident) =>
        incident.serviceId === serviceId &&
        incident.incidentKey === incidentKey &&
        incident.status !== 'resolved',
    );
  }

  create(input: {
    title: string;
    serviceId: string;
    incidentKey: string | undefined;
    urgency: 'high' | 'low';
    details: string | undefined;
    at?: Date;
  }): PdIncident {
    const at = input.at ?? new Date();
    const id = this.newId('Q');
    const agent: PdAgent = { kind: 'service', id: input.serviceId };
    const incident: PdIncident = {
      id,
      number: this.nextNumber++,
      title: input.title,
      status: 'triggered',
      incidentKey: input.incidentKey ?? id.toLowerCase().padEnd(32, '0'),
      serviceId: input.serviceId,
      urgency: input.urgency,
      details: input.details,
      createdAt: at,
      updatedAt: at,
      lastStatusChangeAt: at,
      lastStatusChangeBy: agent,
      resolvedAt: undefined,
      // The escalation policy pages whoever is on call first: the first user.
      assigneeIds: [this.users[0]!.id],
      acknowledgements: [],
      notes: [],
      logEntries: [],
    };
    incident.logEntries.push({
      id: this.newId('R'),
      type: 'trigger_log_entry',
      summary: 'Triggered through the API',
      createdAt: at,
      agent,
    });
    this.incidents.push(incident);
    return incident;
  }

  setStatus(
    incident: PdIncident,
    status: 'acknowledged' | 'resolved',
    userId: string,
    at = new Date(),
  ): void {
    incident.status = status;
    incident.updatedAt = at;
    incident.lastStatusChangeAt = at;
    incident.lastStatusChangeBy = { kind: 'user', id: userId };
    const user = this.users.find((candidate) => candidate.id === userId);
    if (status === 'acknowledged') {
      incident.acknowledgements.push({ at, userId });
    } else {
      incident.resolvedAt = at;
      incident.assigneeIds = [];
      incident.acknowledgements = [];
    }
    incident.logEntries.push({
      id: this.newId('R'),
      type: status === 'acknowledged' ? 'acknowledge_log_entry' : 'resolve_log_entry',
      summary: `${status === 'acknowledged' ? 'Acknowledged' : 'Resolved'} by ${user?.name ?? userId}`,
      createdAt: at,
      agent: { kind: 'user', id: userId },
    });
  }

  addNote(incident: PdIncident, userId: string, content: string): PdNote {
    const note: PdNote = { id: this.newId('P'), userId, content, createdAt: new Date() };
    incident.notes.push(note);
    incident.logEntries.push({
      id: this.newId('R'),
      type: 'annotate_log_entry',
      summary: `Note added by ${this.users.find((user) => user.id === userId)?.name ?? userId}`,
      createdAt: note.createdAt,
      agent: { kind: 'user', id: userId },
    });
    return note;
  }

  private newId(prefix: string): string {
    return `${prefix}${(this.nextId++).toString(36).toUpperCase().padStart(6, '0')}`;
  }
}

/** Renders model objects the way PagerDuty's REST API v2 prints them. */
export class PdRenderer {
  constructor(
    private readonly model: PagerDutyModel,
    private readonly apiBase: string,
  ) {}

  incident(incident: PdIncident): Record<string, unknown> {
    const trigger = incident.logEntries[0]!;
    return {
      id: incident.id,
      type: 'incident',
      summary: `[#${incident.number}] ${incident.title}`,
      self: `${this.apiBase}/incidents/${incident.id}`,
      html_url: `${WEB_ORIGIN}/incidents/${incident.id}`,
      incident_number: incident.number,
      title: incident.title,
      created_at: isoSeconds(incident.createdAt),
      updated_at: isoSeconds(incident.updatedAt),
      status: incident.status,
      incident_key: incident.incidentKey,
      service: this.serviceReference(incident.serviceId),
      assignments: incident.assigneeIds.map((id) => ({
        at: isoSeconds(incident.createdAt),
        assignee: this.userReference(id),
      })),
      assigned_via: 'escalation_policy',
      last_status_change_at: isoSeconds(incident.lastStatusChangeAt),
      resolved_at: incident.resolvedAt === undefined ? null : isoSeconds(incident.resolvedAt),
      first_trigger_log_entry: {
        ...this.reference(
          trigger.id,
          'trigger_log_entry_reference',
          trigger.summary,
          'log_entries',
        ),
        self: `${this.apiBase}/log_entries/${trigger.id}?incident_id=${incident.id}`,
        html_url: `${WEB_ORIGIN}/incidents/${incident.id}/log_entries/${trigger.id}`,
      },
      alert_counts: {
        all: 1,
        triggered: incident.status === 'resolved' ? 0 : 1,
        resolved: incident.status === 'resolved' ? 1 : 0,
      },
      is_mergeable: true,
      incident_type: { name: 'incident_default' },
      escalation_policy: this.reference(
        ESCALATION_POLICY.id,
        'escalation_policy_reference',
        ESCALATION_POLICY.name,
        'escalation_policies',
      ),
      teams: [this.reference(TEAM.id, 'team_reference', TEAM.name, 'teams')],
      pending_actions: [],
      acknowledgements: incident.acknowledgements.map((ack) => ({
        at: isoSeconds(ack.at),
        acknowledger: this.userReference(ack.userId),
      })),
      last_status_change_by: this.agentReference(incident.lastStatusChangeBy),
      priority: null,
      urgency: incident.urgency,
      body: { type: 'incident_body', details: incident.details ?? '' },
    };
  }

  logEntry(incident: PdIncident, entry: PdLogEntry): Record<string, unknown> {
    return {
      id: entry.id,
      type: entry.type,
      summary: entry.summary,
      self: `${this.apiBase}/log_entries/${entry.id}?incident_id=${incident.id}`,
      html_url: `${WEB_ORIGIN}/incidents/${incident.id}/log_entries/${entry.id}`,
      created_at: isoSeconds(entry.createdAt),
      agent: this.agentReference(entry.agent),
      channel: { type: entry.type === 'annotate_log_entry' ? 'note' : 'api' },
      service: this.serviceReference(incident.serviceId),
      incident: this.reference(
        incident.id,
        'incident_reference',
        `[#${incident.number}] ${incident.title}`,
        'incidents',
      ),
      teams: [this.reference(TEAM.id, 'team_reference', TEAM.name, 'teams')],
      contexts: [],
    };
  }

  note(note: PdNote): Record<string, unknown> {
    return {
      id: note.id,
      user: this.userReference(note.userId),
      content: note.content,
      created_at: isoSeconds(note.createdAt),
    };
  }

  service(service: PdService): Record<string, unknown> {
    const open = this.model.incidents.filter(
      (i) => i.serviceId === service.id && i.status !== 'resolved',
    );
    return {
      ...this.reference(service.id, 'service', service.name, 'services'),
      html_url: `${WEB_ORIGIN}/service-directory/${service.id}`,
      name: service.name,
      description: service.description,
      status: open.some((i) => i.status === 'triggered')
        ? 'critical'
        : open.length > 0
          ? 'warning'
          : 'active',
      escalation_policy: this.reference(
        ESCALATION_POLICY.id,
        'escalation_policy_reference',
        ESCALATION_POLICY.name,
        'escalation_policies',
      ),
      teams: [this.reference(TEAM.id, 'team_reference', TEAM.name, 'teams')],
      alert_creation: 'create_alerts_and_incidents',
    };
  }

  user(user: PdUser): Record<string, unknown> {
    return {
      ...this.userReference(user.id),
      type: 'user',
      name: user.name,
      email: user.email,
      role: 'user',
    };
  }

  private serviceReference(id: string): Record<string, unknown> {
    const name = this.model.services.find((service) => service.id === id)?.name ?? id;
    return {
      ...this.reference(id, 'service_reference', name, 'services'),
      html_url: `${WEB_ORIGIN}/service-directory/${id}`,
    };
  }

  private userReference(id: string): Record<string, unknown> {
    const name = this.model.users.find((user) => user.id === id)?.name ?? id;
    return this.reference(id, 'user_reference', name, 'users');
  }

  private agentReference(agent: PdAgent): Record<string, unknown> {
    return agent.kind === 'user' ? this.userReference(agent.id) : this.serviceReference(agent.id);
  }

  private reference(
    id: string,
    type: string,
    summary: string,
    collection: string,
  ): Record<string, unknown> {
    return {
      id,
      type,
      summary,
      self: `${this.apiBase}/${collection}/${id}`,
      html_url: `${WEB_ORIGIN}/${collection}/${id}`,
    };
  }
}
