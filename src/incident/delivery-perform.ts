import type { PagerDutyClient } from '../platform/pagerduty/client';
import { PagerDutyError } from '../platform/pagerduty/errors';
import type { SlackClient } from '../platform/slack/client';
import { SlackApiError } from '../platform/slack/errors';
import type { StatusPageClient } from '../platform/statuspage/client';
import type { DeliveryState } from './deliveries';
import { performStatusPage } from './delivery-statuspage';
import { channelName } from './ids';
import type { Incident, NewEvent } from './model';

export interface Clients {
  pagerduty?: PagerDutyClient;
  slack?: SlackClient;
  statusPage?: StatusPageClient;
}

/** What a successful delivery adds to the journal besides `delivery.succeeded`. */
export interface DeliveryOutcome {
  /** E.g. "already existed": the remote side had it before this attempt. */
  note?: string;
  /** The PagerDuty incident, Slack channel or status page incident now known. */
  linked?: NewEvent;
}

/** PagerDuty's deduplication key for an incident: stable, derived from the incident id. */
export function incidentKey(incident: Incident): string {
  return `freelms-${incident.id}`;
}

// How far before the first attempt a matching note or message still counts as ours, for clock skew.
const SKEW_MS = 60_000;

/**
 * Carries out one delivery. `checkFirst` is set when an earlier attempt may have landed (its
 * answer was lost): calls without an idempotency key of their own (notes, messages) then look
 * for what that attempt left before sending again.
 */
export async function performDelivery(
  delivery: DeliveryState,
  incident: Incident,
  clients: Clients,
  settings: { channelPrefix?: string },
  checkFirst: boolean,
): Promise<DeliveryOutcome> {
  const since = delivery.firstAttemptAt ? Date.parse(delivery.firstAttemptAt) - SKEW_MS : 0;
  if (delivery.target === 'statuspage')
    return performStatusPage(delivery, incident, clients.statusPage!, checkFirst, since);

  if (delivery.target === 'pagerduty') {
    const pd = clients.pagerduty!;
    if (delivery.op === 'pd.create') {
      const key = incidentKey(incident);
      try {
        const created = await pd.createIncident({
          title: `[${incident.severity}] ${incident.title}`,
          incidentKey: key,
          // P1 and P2 page now; P3 and P4 can wait for working hours, as their targets allow.
          urgency: incident.severity === 'P1' || incident.severity === 'P2' ? 'high' : 'low',
          details: incident.description,
        });
        return { linked: pdLinked(created.id, created.number, created.url) };
      } catch (error) {
        if (!(error instanceof PagerDutyError) || error.kind !== 'duplicateKey') throw error;
        const existing = await pd.findOpenIncident(key);
        if (!existing) throw error;
        return {
          note: `incident_key ${key} already open in PagerDuty`,
          linked: pdLinked(existing.id, existing.number, existing.url),
        };
      }
    }
    const pdId = incident.pagerduty?.incidentId;
    if (!pdId)
      throw new PagerDutyError(delivery.op, 'rejected', 'the PagerDuty incident is not known yet');
    if (delivery.op === 'pd.acknowledge' || delivery.op === 'pd.resolve') {
      try {
        await (delivery.op === 'pd.acknowledge' ? pd.acknowledge(pdId) : pd.resolve(pdId));
        return {};
      } catch (error) {
        if (error instanceof PagerDutyError && error.kind === 'alreadyDone')
          return { note: error.message };
        throw error;
      }
    }
    if (checkFirst) {
      const notes = await pd.listNotes(pdId);
      if (notes.some((n) => n.content === delivery.text && Date.parse(n.createdAt) >= since)) {
        return { note: 'found in PagerDuty after a lost answer' };
      }
    }
    await pd.addNote(pdId, delivery.text!);
    return {};
  }

  const slack = clients.slack!;
  if (delivery.op === 'slack.channel') {
    const channel = await slack.createOrReuseChannel(
      channelName(incident.id, settings.channelPrefix),
    );
    const linked: NewEvent = {
      type: 'linked',
      service: 'slack',
      remoteId: channel.id,
      name: channel.name,
    };
    const note = channel.reused
      ? `#${channel.name} existed${channel.unarchived ? ' (archived); unarchived and reused' : '; reused'}`
      : undefined;
    return { linked, ...(note ? { note } : {}) };
  }
  const channel = incident.slack?.channelId;
  if (!channel)
    throw new SlackApiError(delivery.op, 'rejected', 'the incident channel is not known yet');
  switch (delivery.op) {
    case 'slack.invite':
      await slack.invite(channel, delivery.users ?? []);
      return {};
    case 'slack.bookmark':
      // Slack bookmarks carry no idempotency key and this client cannot list them: an
      // attempt whose answer was lost may leave a second, identical bookmark.
      await slack.addBookmark(
        channel,
        delivery.bookmark!.title,
        delivery.bookmark!.link,
        delivery.bookmark!.emoji,
      );
      return {};
    default:
      if (checkFirst) {
        const found = await slack.findMessage(
          channel,
          delivery.text!,
          String(Math.floor(since / 1000)),
        );
        if (found) return { note: 'found in the channel after a lost answer' };
      }
      await slack.postMessage(channel, delivery.text!);
      return {};
  }
}

function pdLinked(id: string, number: number | undefined, url: string | undefined): NewEvent {
  return {
    type: 'linked',
    service: 'pagerduty',
    remoteId: id,
    ...(number !== undefined ? { name: `#${number}` } : {}),
    ...(url ? { url } : {}),
  };
}
