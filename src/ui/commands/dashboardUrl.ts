import type { Incident } from '../../incident/model';

export type Dashboard = 'grafana' | 'jaeger';

/**
 * The dashboard's address with the incident's time window, where the tool takes one in its URL:
 * Grafana's `from`/`to` in epoch milliseconds; Jaeger's search `start`/`end` in microseconds and
 * a `lookback` of `custom`. The window opens 15 minutes before detection so the onset shows.
 */
export function dashboardUrl(
  base: string,
  dashboard: Dashboard,
  incident: Incident,
  now: Date,
): string {
  const url = new URL(base);
  const from = Date.parse(incident.detectedAt) - 15 * 60_000;
  const to = incident.resolvedAt ? Date.parse(incident.resolvedAt) + 15 * 60_000 : undefined;
  if (dashboard === 'grafana') {
    url.searchParams.set('from', String(from));
    url.searchParams.set('to', to ? String(to) : 'now');
  } else {
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/search';
    url.searchParams.set('start', String(from * 1000));
    url.searchParams.set('end', String((to ?? now.getTime()) * 1000));
    url.searchParams.set('lookback', 'custom');
  }
  return url.toString();
}
