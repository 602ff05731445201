import type { StatusPageImpact, StatusPageStatus } from '../platform/statuspage/client';
import { deriveIncident } from './derive';
import { describeEvent } from './describe';
import { channelName } from './ids';
import type { Incident, IncidentEvent } from './model';
import { planStatusPage } from './statusPagePlan';
import { declarationMessage, resolutionMessage } from './templates';

/** The services the outbox delivers to. */
export type Target = 'pagerduty' | 'slack' | 'statuspage';

export const TARGETS: readonly Target[] = ['pagerduty', 'slack', 'statuspage'];

export const TARGET_NAMES: Readonly<Record<Target, string>> = {
  pagerduty: 'PagerDuty',
  slack: 'Slack',
  statuspage: 'Status page',
};

/** The key of each target in the declaration's `notify` opt-out. */
const NOTIFY_KEYS = { pagerduty: 'pagerduty', slack: 'slack', statuspage: 'statusPage' } as const;

export type DeliveryOp =
  | 'pd.create'
  | 'pd.acknowledge'
  | 'pd.note'
  | 'pd.resolve'
  | 'slack.channel'
  | 'slack.message'
  | 'slack.invite'
  | 'slack.bookmark'
  | 'sp.create'
  | 'sp.update'
  | 'sp.resolve';

/** What the outbox needs to know to plan deliveries; the UI maps `freelms.*` settings onto it. */
export interface DeliverySettings {
  /** Slack channel prefix; `incident-` by default. */
  channelPrefix?: string;
  /** Slack user ids invited to every incident channel (the on-call rota). */
  responders?: readonly string[];
  /** Dashboards bookmarked in the channel. */
  grafanaUrl?: string;
  jaegerUrl?: string;
  /** Where written postmortems can be opened in a browser (e.g. the repository's web view). */
  postmortemBaseUrl?: string;
  /** Impact a status page incident opens with, below P1 (which is always `critical`). */
  statusPageImpact?: StatusPageImpact;
}

/** One thing to do on PagerDuty, Slack or the status page because of one journal event. */
export interface PlannedDelivery {
  /** Idempotency key: `<event id>:<op>[:<part>]`, unique within the journal. */
  key: string;
  target: Target;
  op: DeliveryOp;
  eventId: string;
  /** What the user sees in the list of deliveries. */
  label: string;
  /** Note or message text, fixed by the event so a retry sends the very same text. */
  text?: string;
  users?: string[];
  bookmark?: { title: string; link: string; emoji?: string };
  /** Status page only: the status to set (and, opening it, the name and impact); body in `text`. */
  page?: { status: StatusPageStatus; name?: string; impact?: StatusPageImpact };
  /**
   * Opening the PagerDuty incident, the channel or the status page incident: everything else on
   * the target waits for it.
   */
  blocking: boolean;
}

/**
 * Events that go to neither PagerDuty notes nor Slack messages: bookkeeping, and records of
 * follow-through work that would only be noise in the incident channel.
 */
const NOT_DELIVERED = new Set<IncidentEvent['type']>([
  'item.ticked',
  'followup.done',
  'linked',
  'followup.removed',
  'followup.linked',
  'followups.exported',
  'runbook.annotated',
]);

function delivered(event: IncidentEvent): boolean {
  if (event.type.startsWith('delivery.') || NOT_DELIVERED.has(event.type)) return false;
  // The baseline is taken as the incident opens; only what Verify Fix found is news.
  return !(event.type === 'snapshot.taken' && event.purpose === 'declaration');
}

/** The deliveries an incident's journal calls for, in journal order. Pure. */
export function planDeliveries(
  incident: Incident,
  settings: DeliverySettings = {},
): PlannedDelivery[] {
  const plan: PlannedDelivery[] = [];
  const events = incident.events;
  const add = (
    event: IncidentEvent,
    op: DeliveryOp,
    label: string,
    extra: Partial<PlannedDelivery> = {},
    part?: string,
  ) =>
    plan.push({
      key: `${event.id}:${op}${part ? `:${part}` : ''}`,
      target: op.startsWith('pd.') ? 'pagerduty' : op.startsWith('sp.') ? 'statuspage' : 'slack',
      op,
      eventId: event.id,
      label,
      blocking: op === 'pd.create' || op === 'slack.channel',
      ...extra,
    });

  events.forEach((event, index) => {
    if (!delivered(event)) return;
    const line = describeEvent(event);
    if (line === undefined) return;
    const noteText =
      event.type === 'update.posted'
        ? `${line}: ${event.text}`
        : event.by
          ? `${event.by}: ${line}`
          : line;

    if (event.type === 'declared') {
      if (!event.pagerdutyIncidentId) add(event, 'pd.create', 'PagerDuty: open the incident');
      const name = channelName(incident.id, settings.channelPrefix);
      add(event, 'slack.channel', `Slack: create #${name}`);
      const asDeclared = deriveIncident(events.slice(0, index + 1));
      add(event, 'slack.message', 'Slack: post the declaration', {
        text: declarationMessage(asDeclared, {
          format: 'slack',
          channelPrefix: settings.channelPrefix,
        }),
      });
      if (settings.responders?.length)
        add(event, 'slack.invite', 'Slack: invite the responders', {
          users: [...settings.responders],
        });
      if (settings.grafanaUrl) {
        const link = withTimeWindow(settings.grafanaUrl, incident.detectedAt);
        add(
          event,
          'slack.bookmark',
          'Slack: bookmark Grafana',
          { bookmark: { title: 'Grafana', link } },
          'grafana',
        );
      }
      if (settings.jaegerUrl) {
        add(
          event,
          'slack.bookmark',
          'Slack: bookmark Jaeger',
          { bookmark: { title: 'Jaeger', link: settings.jaegerUrl } },
          'jaeger',
        );
      }
      return;
    }
    if (event.type === 'acknowledged') {
      if (event.source !== 'pagerduty') add(event, 'pd.acknowledge', 'PagerDuty: acknowledge');
    } else if (event.type === 'resolved') {
      add(event, 'pd.resolve', 'PagerDuty: resolve');
    } else {
      add(event, 'pd.note', `PagerDuty note: ${clip(noteText)}`, { text: noteText });
    }

    if (event.type === 'resolved') {
      const asResolved = deriveIncident(events.slice(0, index + 1));
      add(event, 'slack.message', 'Slack: post the resolution', {
        text: resolutionMessage(asResolved, { format: 'slack' }),
      });
    } else {
      const text =
        event.type === 'update.posted' && event.audience === 'internal'
          ? event.text
          : slackLine(noteText);
      add(event, 'slack.message', `Slack: ${clip(noteText)}`, { text });
    }
    if (event.type === 'role.assigned' && event.slackUserId) {
      add(event, 'slack.invite', `Slack: invite ${event.name}`, { users: [event.slackUserId] });
    }
    if (event.type === 'postmortem.written') {
      const link = /^https?:\/\//.test(event.path)
        ? event.path
        : settings.postmortemBaseUrl
          ? `${settings.postmortemBaseUrl.replace(/\/+$/, '')}/${event.path.replace(/^\/+/, '')}`
          : undefined;
      if (link)
        add(
          event,
          'slack.bookmark',
          'Slack: bookmark the postmortem',
          { bookmark: { title: 'Postmortem', link } },
          'postmortem',
        );
    }
  });
  // In journal order, so the Deliveries list reads like the timeline.
  const position = new Map(events.map((event, index) => [event.id, index]));
  const all = [...plan, ...planStatusPage(incident, settings)].sort(
    (a, b) => (position.get(a.eventId) ?? 0) - (position.get(b.eventId) ?? 0),
  );
  // A service the responder opted out of when declaring gets nothing for this incident.
  const notify = events[0]?.type === 'declared' ? events[0].notify : undefined;
  return all.filter((delivery) => notify?.[NOTIFY_KEYS[delivery.target]] !== false);
}

function slackLine(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

// Grafana reads its time range from `from`/`to` in epoch milliseconds.
function withTimeWindow(url: string, since: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has('from')) {
      parsed.searchParams.set('from', String(Date.parse(since) - 15 * 60_000));
      parsed.searchParams.set('to', 'now');
    }
    return parsed.toString();
  } catch {
    return url;
  }
}

export type DeliveryStatus = 'sent' | 'pending' | 'failed' | 'blocked' | 'notConfigured';

/** A planned delivery with where it stands, for the UI and the outbox. */
export interface DeliveryState extends PlannedDelivery {
  status: DeliveryStatus;
  /** Why it is not sent: the last failure, what it waits for, or "not configured". */
  reason?: string;
  attempts: number;
  firstAttemptAt?: string;
  /** When a pending delivery may be tried again. */
  nextAttemptAt?: string;
  /** Tried, with no answer recorded: it may have landed, so check before sending again. */
  uncertain: boolean;
  /** Said when the remote side already had it. */
  note?: string;
}

export interface BackoffSettings {
  /** Delay after the first failed round; doubled per failed round. 1 s by default. */
  initialDelayMs?: number;
  /** Longest delay between rounds; 5 min by default. */
  maxDelayMs?: number;
}

/**
 * Where each delivery stands, from the journal's delivery events alone, so pending work and
 * its backoff survive a restart. `configured` says which services have a token now.
 */
export function deliveryStates(
  incident: Incident,
  plan: readonly PlannedDelivery[],
  configured: Readonly<Record<Target, boolean>>,
  backoff: BackoffSettings = {},
): DeliveryState[] {
  const history = new Map<string, IncidentEvent[]>();
  for (const event of incident.events) {
    if (event.type.startsWith('delivery.') && 'key' in event) {
      const list = history.get(event.key) ?? [];
      list.push(event);
      history.set(event.key, list);
    }
  }

  const blockers = new Map<Target, DeliveryState>();
  return plan.map((delivery) => {
    const state = stateOf(delivery, history.get(delivery.key) ?? [], backoff);
    if (state.status !== 'sent' && !configured[delivery.target]) {
      return {
        ...state,
        status: 'notConfigured',
        reason: `not sent: ${TARGET_NAMES[delivery.target]} not configured`,
      };
    }
    const blocker = blockers.get(delivery.target);
    if (blocker && state.status !== 'sent') {
      return {
        ...state,
        status: 'blocked',
        reason: `waiting for "${blocker.label}"${blocker.reason ? ` (${blocker.reason})` : ''}`,
      };
    }
    if (delivery.blocking && state.status !== 'sent') blockers.set(delivery.target, state);
    return state;
  });
}

function stateOf(
  delivery: PlannedDelivery,
  events: IncidentEvent[],
  backoff: BackoffSettings,
): DeliveryState {
  const attempts = events.filter((e) => e.type === 'delivery.attempted');
  const state: DeliveryState = {
    ...delivery,
    status: 'pending',
    attempts: attempts.length,
    firstAttemptAt: attempts[0]?.at,
    uncertain: events.at(-1)?.type === 'delivery.attempted',
  };
  const success = events.find((e) => e.type === 'delivery.succeeded');
  if (success?.type === 'delivery.succeeded')
    return { ...state, status: 'sent', uncertain: false, note: success.note };

  const lastRetry = events.findLastIndex((e) => e.type === 'delivery.retried');
  const failures = events.slice(lastRetry + 1).filter((e) => e.type === 'delivery.failed');
  const last = failures.at(-1);
  if (last?.type !== 'delivery.failed') return state;
  if (last.permanent) return { ...state, status: 'failed', reason: last.reason };

  const initial = backoff.initialDelayMs ?? 1000;
  const max = backoff.maxDelayMs ?? 300_000;
  const delay =
    last.retryAfterMs ?? Math.min(max, initial * 2 ** Math.min(20, failures.length - 1));
  return {
    ...state,
    reason: last.reason,
    nextAttemptAt: new Date(Date.parse(last.at) + delay).toISOString(),
  };
}

/** Per service, what is not delivered yet, for a one-line status in the tree or status bar. */
export interface DeliverySummary {
  target: Target;
  sent: number;
  pending: number;
  failed: number;
  notConfigured: boolean;
  /** E.g. `PagerDuty: 2 pending (rate limited, retry after 20 s)` or `Slack: not configured`. */
  text: string;
}

export function summarizeDeliveries(states: readonly DeliveryState[]): DeliverySummary[] {
  return TARGETS.map((target) => {
    const mine = states.filter((d) => d.target === target);
    const count = (status: DeliveryStatus) => mine.filter((d) => d.status === status).length;
    const sent = count('sent');
    const pending = count('pending') + count('blocked');
    const failed = count('failed');
    const notConfigured = mine.some((d) => d.status === 'notConfigured');
    const name = TARGET_NAMES[target];
    let text: string;
    if (mine.length === 0) {
      // E.g. a P3 whose customers have not been told anything yet: no status page incident.
      text = `${name}: nothing to send`;
    } else if (notConfigured) {
      text = `${name}: not configured, ${mine.length - sent} not sent`;
    } else if (failed > 0) {
      const reason = mine.find((d) => d.status === 'failed')?.reason;
      text = `${name}: ${failed} failed${reason ? ` (${reason})` : ''}`;
    } else if (pending > 0) {
      const reason = mine.find((d) => d.status === 'pending' && d.reason)?.reason;
      text = `${name}: ${pending} pending${reason ? ` (${reason})` : ''}`;
    } else {
      text = `${name}: all ${sent} sent`;
    }
    return { target, sent, pending, failed, notConfigured, text };
  });
}
