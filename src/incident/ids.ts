import { randomBytes } from 'node:crypto';

/**
 * Slack allows 80 characters in a channel name; the id stays well below, to leave room for a
 * prefix and to stay readable in a channel list.
 */
export const MAX_INCIDENT_ID_LENGTH = 50;

/**
 * The incident id: the declaration date in the configured time zone and a slug of the title,
 * e.g. `2026-12-03-api-gateway-down`. Lowercase letters, digits and hyphens only, so it is a
 * valid Slack channel name after `incident-`, readable on a phone at 3 a.m., and stable (it
 * never changes when the title does). `attempt` > 1 appends `-2`, `-3`… for a second incident
 * with the same title on the same day.
 */
export function incidentId(localDate: string, title: string, attempt = 1): string {
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const room = MAX_INCIDENT_ID_LENGTH - localDate.length - 1 - suffix.length;
  let slug = slugify(title);
  if (slug.length > room) {
    // Cut at a word boundary when one is near, so the id does not end in half a word.
    const cut = slug.slice(0, room + 1).lastIndexOf('-');
    slug = cut > room / 2 ? slug.slice(0, cut) : slug.slice(0, room).replace(/-+$/, '');
  }
  slug ||= 'incident';
  return `${localDate}-${slug}${suffix}`;
}

/** Lowercase ASCII words joined by hyphens; accents folded, everything else dropped. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The Slack channel of an incident: `incident-<id>` with the default prefix. */
export function channelName(id: string, prefix = 'incident-'): string {
  return `${prefix}${id}`.toLowerCase().slice(0, 80);
}

/** A journal event id: time-ordered and unique across windows appending to the same journal. */
export function eventId(now: Date): string {
  return `${now.getTime().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** True when `id` has the shape `incidentId` produces. */
export function isIncidentId(id: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) && id.length <= MAX_INCIDENT_ID_LENGTH
  );
}
