import type { StatusPageClient, StatusPageIncident } from '../platform/statuspage/client';
import { StatusPageError } from '../platform/statuspage/errors';
import type { DeliveryState } from './deliveries';
import type { DeliveryOutcome } from './delivery-perform';
import type { Incident, NewEvent } from './model';

/**
 * Carries out one status page delivery. The API has no idempotency key, so when an earlier
 * attempt may have landed (`checkFirst`) the page is read before writing again: an unresolved
 * incident whose metadata names this incident is ours (see `isOurs`), an update with the same
 * text since the first attempt was posted, and a resolved incident needs no second resolution.
 */
export async function performStatusPage(
  delivery: DeliveryState,
  incident: Incident,
  page: StatusPageClient,
  checkFirst: boolean,
  since: number,
): Promise<DeliveryOutcome> {
  const planned = delivery.page;
  if (!planned) throw new StatusPageError(delivery.op, 'rejected', 'nothing planned to send');

  if (delivery.op === 'sp.create') {
    const name = planned.name ?? incident.title;
    if (checkFirst) {
      const opened = Date.parse(incident.declaredAt) - SKEW_MS;
      const existing = (await page.listUnresolved()).find((candidate) =>
        isOurs(candidate, incident, name, delivery.text ?? '', opened),
      );
      if (existing)
        return { note: 'found on the status page after a lost answer', linked: linked(existing) };
    }
    const created = await page.createIncident({
      name,
      status: planned.status,
      body: delivery.text ?? '',
      ...(planned.impact ? { impact: planned.impact } : {}),
      reference: incident.id,
    });
    return { linked: linked(created) };
  }

  const id = incident.statusPage?.incidentId;
  if (!id)
    throw new StatusPageError(delivery.op, 'rejected', 'the status page incident is not known yet');
  if (delivery.op === 'sp.resolve') {
    if (checkFirst && (await page.getIncident(id)).status === 'resolved')
      return { note: 'already resolved on the status page' };
    try {
      await page.resolve(id, delivery.text ?? '');
      return {};
    } catch (error) {
      if (error instanceof StatusPageError && error.kind === 'alreadyDone')
        return { note: 'already resolved on the status page' };
      throw error;
    }
  }
  if (checkFirst) {
    const current = await page.getIncident(id);
    const found = current.updates.some(
      (update) => update.body === delivery.text && Date.parse(update.createdAt) >= since,
    );
    if (found) return { note: 'found on the status page after a lost answer' };
  }
  await page.postUpdate(id, { status: planned.status, body: delivery.text ?? '' });
  return {};
}

// How far before the declaration a page incident still counts as ours, for clock skew.
const SKEW_MS = 60_000;

/**
 * Whether a page incident is the one an earlier attempt opened for `incident`. Its metadata
 * names the incident it was opened for: two incidents published under the same customer title
 * ("Courses load slowly") are told apart by it. A page that drops metadata leaves only the name,
 * the time and the first update's text to go by.
 */
function isOurs(
  candidate: StatusPageIncident,
  incident: Incident,
  name: string,
  body: string,
  opened: number,
): boolean {
  if (candidate.reference !== undefined) return candidate.reference === incident.id;
  const first = candidate.updates.at(-1);
  return (
    candidate.name === name &&
    Date.parse(candidate.createdAt) >= opened &&
    (first === undefined || first.body === body)
  );
}

function linked(incident: StatusPageIncident): NewEvent {
  return {
    type: 'linked',
    service: 'statuspage',
    remoteId: incident.id,
    name: incident.name,
    ...(incident.shortlink ? { url: incident.shortlink } : {}),
  };
}
