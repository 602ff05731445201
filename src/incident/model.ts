/**
 * The incident's vocabulary, the runbook's: severity, status, roles, and the events of its
 * journal. An incident's state is never stored; it is folded from these events (see `derive`).
 */

/** The runbook's severity levels. */
export type Severity = 'P1' | 'P2' | 'P3' | 'P4';

export const SEVERITIES: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];

/** Where the incident stands, in the order an incident usually moves through them. */
export type IncidentStatus =
  'investigating' | 'identified' | 'mitigated' | 'monitoring' | 'resolved';

/** The three roles the runbook assigns during triage. */
export type Role = 'commander' | 'technicalLead' | 'communications';

export const ROLE_TITLES: Readonly<Record<Role, string>> = {
  commander: 'Incident Commander',
  technicalLead: 'Technical Lead',
  communications: 'Communications',
};

/** The checks of the runbook's detection and resolution phases. */
export type CheckKind =
  'health' | 'pods' | 'errors' | 'dashboards' | 'database' | 'redis' | 'kafka' | 'smokeTests';

/** Who the escalation path names, in its order. */
export type EscalationLevel = 'onCall' | 'teamLead' | 'engineeringManager' | 'cto';

/** Where an update is addressed. */
export type Audience = 'internal' | 'customer' | 'statusPage';

/** A mitigation the responder carried out (the runbook's options A–D). */
export type Action =
  | {
      kind: 'rollback';
      deployment: string;
      fromRevision?: number;
      toRevision?: number;
      changeCause?: string;
    }
  | { kind: 'scale'; deployment: string; fromReplicas?: number; toReplicas: number }
  | { kind: 'flag'; flag: string; enabled: boolean }
  | { kind: 'query'; statement: string; rowsAffected?: number; committed: boolean };

/** Fields every journal event carries. */
export interface EventBase {
  /** Unique within the journal; the outbox's idempotency keys are built from it. */
  id: string;
  /** ISO 8601 instant, UTC. */
  at: string;
  /** The responder who caused it, as they named themselves in settings. */
  by?: string;
}

export interface DeclaredEvent extends EventBase {
  type: 'declared';
  incidentId: string;
  title: string;
  /** What customers read as the status page incident's name; the title when absent. */
  publicTitle?: string;
  severity: Severity;
  description?: string;
  services: string[];
  usersImpacted?: string;
  dataAtRisk?: string;
  /** When the problem was first noticed, if before the declaration (an alert, a report). */
  detectedAt?: string;
  /** When the impact began, if known to be before detection (a deploy, a first error). */
  startedAt?: string;
  /** A major outage or a security incident brings the CTO into the escalation path. */
  majorOutage?: boolean;
  security?: boolean;
  /** Set when the incident was joined from an existing PagerDuty incident. */
  pagerdutyIncidentId?: string;
  /**
   * Where the responder chose to send the incident when declaring. Absent means everywhere
   * configured; `false` keeps that service out of this incident entirely.
   */
  notify?: { pagerduty?: boolean; slack?: boolean; statusPage?: boolean };
  /** The roles named in the declaration, so the declaration message already carries the IC. */
  roles?: Partial<Record<Role, string>>;
}

export interface AcknowledgedEvent extends EventBase {
  type: 'acknowledged';
  /** `pagerduty` when the acknowledgement happened there and only needs recording here. */
  source?: 'local' | 'pagerduty';
}

export interface SeverityChangedEvent extends EventBase {
  type: 'severity.changed';
  severity: Severity;
  reason?: string;
}

export interface StatusChangedEvent extends EventBase {
  type: 'status.changed';
  status: Exclude<IncidentStatus, 'resolved'>;
  note?: string;
  /**
   * Moving to `monitoring` starts the runbook's watch; its length is fixed here, when it
   * starts, so a restart or a changed setting cannot move its end.
   */
  watchMinutes?: number;
}

export interface ScopeUpdatedEvent extends EventBase {
  type: 'scope.updated';
  services?: string[];
  usersImpacted?: string;
  dataAtRisk?: string;
  impact?: string;
  /** From the incident report: what happened in a line, and the cause once known. */
  summary?: string;
  rootCause?: string;
}

export interface RoleAssignedEvent extends EventBase {
  type: 'role.assigned';
  role: Role;
  name: string;
  /** Slack user id, so the responder can be invited to the incident channel. */
  slackUserId?: string;
}

export interface CheckRanEvent extends EventBase {
  type: 'check.ran';
  check: CheckKind;
  ok: boolean;
  summary: string;
  /** A command's exit code (smoke tests); absent when it could not be started. */
  exitCode?: number;
  durationMs?: number;
}

/** What one affected service looked like at one moment, for before/after comparisons. */
export interface ServiceSnapshot {
  service: string;
  /** Ready and desired replicas of its Deployment; absent when the cluster had none by that name. */
  ready?: number;
  desired?: number;
  /** Pods of the service that were not healthy, with the status kubectl prints. */
  unhealthyPods: { name: string; status: string }[];
  /** ERROR lines in the service's logs over the snapshot's error window. */
  errorLines?: number;
}

/**
 * The health endpoint, the affected services' pods and their recent errors at one moment:
 * taken at declaration as the baseline, and again by Verify Fix, which compares the two.
 */
export interface SnapshotTakenEvent extends EventBase {
  type: 'snapshot.taken';
  purpose: 'declaration' | 'verify';
  health?: { status: string; httpStatus?: number; url?: string; error?: string };
  services: ServiceSnapshot[];
  /** Minutes of logs counted for `errorLines`. */
  errorWindowMinutes: number;
  /** What could not be measured (cluster unreachable, a log that could not be read). */
  problems?: string[];
  /** Verify only: the comparison with the baseline, one line per service and the health. */
  comparison?: string[];
  /** Verify only: true when nothing is worse than healthy. */
  ok?: boolean;
}

/** The monitoring watch found the service broken again. */
export interface WatchRegressedEvent extends EventBase {
  type: 'watch.regressed';
  /** The id of the `status.changed` event that started the watch. */
  watchId: string;
  summary: string;
  /**
   * Keys of the distinct problems this event reports (`health`, `pods:api-gateway`,
   * `ready:api-gateway`): a problem already reported during the same watch is not reported again.
   */
  problems?: string[];
}

/**
 * How a watch that ran its full length went: `clean` when the checks measured it to its end
 * and found no regression; `regressed` when they found one; `unobserved` when no check
 * measured its last part (VS Code was closed, or neither the health endpoint nor the cluster
 * could be reached), so nothing can be said for it.
 */
export type WatchOutcome = 'clean' | 'regressed' | 'unobserved';

/** The monitoring watch ran its full length. */
export interface WatchEndedEvent extends EventBase {
  type: 'watch.ended';
  watchId: string;
  /** True only for the `clean` outcome: a reader that knows no `outcome` claims nothing more. */
  clean: boolean;
  /** Absent from events written before there was one: then `clean` says clean or regressed. */
  outcome?: WatchOutcome;
  /** Rounds of the window that ended it that measured the health endpoint or the pods. */
  measuredRounds?: number;
  /** When the last of those rounds measured. */
  lastMeasuredAt?: string;
  summary: string;
}

export interface ActionTakenEvent extends EventBase {
  type: 'action.taken';
  action: Action;
  ok: boolean;
  summary?: string;
}

export interface NoteEvent extends EventBase {
  type: 'note';
  text: string;
}

export interface UpdatePostedEvent extends EventBase {
  type: 'update.posted';
  audience: Audience;
  text: string;
}

export interface EscalatedEvent extends EventBase {
  type: 'escalated';
  level: EscalationLevel;
  contact: string;
}

export interface ResolvedEvent extends EventBase {
  type: 'resolved';
  summary?: string;
  rootCause?: string;
  /** The impact as the resolution states it (users, minutes, data). */
  impact?: string;
  /** Why the incident was resolved before the monitoring watch ended. */
  earlyReason?: string;
}

export interface FollowUpAddedEvent extends EventBase {
  type: 'followup.added';
  text: string;
  owner?: string;
  /** Due date, `YYYY-MM-DD`. */
  due?: string;
}

/** A follow-up taken back (added by mistake, or merged into another). */
export interface FollowUpRemovedEvent extends EventBase {
  type: 'followup.removed';
  followUpId: string;
}

/** A follow-up opened as a tracker issue; recorded so it is never opened twice. */
export interface FollowUpLinkedEvent extends EventBase {
  type: 'followup.linked';
  followUpId: string;
  url: string;
}

/** Follow-ups written out as a Markdown task list. */
export interface FollowUpsExportedEvent extends EventBase {
  type: 'followups.exported';
  path: string;
  count: number;
}

export interface FollowUpDoneEvent extends EventBase {
  type: 'followup.done';
  /** The id of the `followup.added` event. */
  followUpId: string;
}

/** A checklist item ticked by hand, for steps the extension cannot observe. */
export interface ItemTickedEvent extends EventBase {
  type: 'item.ticked';
  item: string;
}

export interface PostmortemWrittenEvent extends EventBase {
  type: 'postmortem.written';
  path: string;
}

export interface ReviewScheduledEvent extends EventBase {
  type: 'review.scheduled';
  /** ISO 8601 start of the proposed slot. */
  when: string;
  durationMinutes?: number;
  /** The calendar invitation written (`.ics`), relative to the workspace when inside it. */
  path?: string;
  attendees?: string[];
  /** The team's time zone when it was scheduled, for the sentence posted to the channel. */
  timeZone?: string;
  /** Where the postmortem can be read (a web address or a path in the repository). */
  link?: string;
}

/** A note of what the incident found lacking, inserted into the runbook for its author. */
export interface RunbookAnnotatedEvent extends EventBase {
  type: 'runbook.annotated';
  path: string;
  phase: string;
}

/** Recorded by the outbox when PagerDuty or Slack answered with the remote object's identity. */
export interface LinkedEvent extends EventBase {
  type: 'linked';
  service: 'pagerduty' | 'slack' | 'statuspage';
  remoteId: string;
  /** The Slack channel name, the PagerDuty incident number or the status page incident name. */
  name?: string;
  url?: string;
}

/** Delivery bookkeeping of the outbox; see `outbox.ts` for the protocol. */
export interface DeliveryAttemptedEvent extends EventBase {
  type: 'delivery.attempted';
  key: string;
  attempt: number;
}

export interface DeliverySucceededEvent extends EventBase {
  type: 'delivery.succeeded';
  key: string;
  /** Said when the remote side already had it (duplicate `incident_key`, `name_taken`). */
  note?: string;
}

export interface DeliveryFailedEvent extends EventBase {
  type: 'delivery.failed';
  key: string;
  attempt: number;
  reason: string;
  /** A failure that retrying cannot fix (bad token, unknown service) waits for the user. */
  permanent: boolean;
  /** How long the service asked to wait (`Retry-After`, `ratelimit-reset`). */
  retryAfterMs?: number;
}

/** The user asked to try a failed delivery again. */
export interface DeliveryRetriedEvent extends EventBase {
  type: 'delivery.retried';
  key: string;
}

export type IncidentEvent =
  | DeclaredEvent
  | AcknowledgedEvent
  | SeverityChangedEvent
  | StatusChangedEvent
  | ScopeUpdatedEvent
  | RoleAssignedEvent
  | CheckRanEvent
  | SnapshotTakenEvent
  | WatchRegressedEvent
  | WatchEndedEvent
  | ActionTakenEvent
  | NoteEvent
  | UpdatePostedEvent
  | EscalatedEvent
  | ResolvedEvent
  | FollowUpAddedEvent
  | FollowUpDoneEvent
  | FollowUpRemovedEvent
  | FollowUpLinkedEvent
  | FollowUpsExportedEvent
  | ItemTickedEvent
  | PostmortemWrittenEvent
  | ReviewScheduledEvent
  | RunbookAnnotatedEvent
  | LinkedEvent
  | DeliveryAttemptedEvent
  | DeliverySucceededEvent
  | DeliveryFailedEvent
  | DeliveryRetriedEvent;

export type EventType = IncidentEvent['type'];

/** What a caller supplies: the journal adds `id` and `at`. */
export type NewEvent = IncidentEvent extends infer E
  ? E extends IncidentEvent
    ? Omit<E, 'id' | 'at'> & { at?: string }
    : never
  : never;

export interface FollowUp {
  id: string;
  text: string;
  owner?: string;
  /** `YYYY-MM-DD`. */
  due?: string;
  addedAt: string;
  done: boolean;
  /** The tracker issue it was opened as. */
  issueUrl?: string;
}

/** An incident's state, folded from its journal. */
export interface Incident {
  id: string;
  title: string;
  /** The status page incident's name, when the responder gave one other than the title. */
  publicTitle?: string;
  description?: string;
  severity: Severity;
  status: IncidentStatus;
  declaredAt: string;
  /** When the impact began; the detection time unless said otherwise. */
  startedAt: string;
  detectedAt: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  services: string[];
  usersImpacted?: string;
  dataAtRisk?: string;
  impact?: string;
  summary?: string;
  rootCause?: string;
  majorOutage: boolean;
  security: boolean;
  roles: Partial<Record<Role, string>>;
  /** Slack user ids of responders with a role, to invite to the channel. */
  responderSlackIds: string[];
  /** The PagerDuty incident; `number` is the one PagerDuty shows as `#1044`, without the `#`. */
  pagerduty?: { incidentId: string; url?: string; number?: string };
  slack?: { channelId: string; channelName?: string; url?: string };
  statusPage?: { incidentId: string; url?: string };
  /** The last (or running) monitoring watch, from the last move to `monitoring`. */
  watch?: WatchState;
  /** Why it was resolved before the watch ended, if it was. */
  earlyResolutionReason?: string;
  followUps: FollowUp[];
  actions: ActionTakenEvent[];
  lastCustomerUpdateAt?: string;
  escalations: EscalatedEvent[];
  /** Every event of the journal, delivery bookkeeping included, in journal order. */
  events: readonly IncidentEvent[];
}

/** The runbook's monitoring watch, as the journal tells it. */
export interface WatchState {
  /** The id of the `status.changed` event that started it. */
  id: string;
  startedAt: string;
  /** Start plus its length: when it ends if nothing stops it first. */
  endsAt: string;
  minutes: number;
  regressions: WatchRegressedEvent[];
  /** `ended`: ran its length (see `outcome`); `stopped`: the status moved on, or resolved. */
  state: 'running' | 'ended' | 'stopped';
  /** How an ended watch went. */
  outcome?: WatchOutcome;
  /** `outcome === 'clean'`. */
  clean?: boolean;
  /** When it ended or was stopped. */
  endedAt?: string;
}
