import assert from 'node:assert/strict';

import type { Incident } from '../../../src/incident/model';
import { dashboardUrl } from '../../../src/ui/commands/dashboardUrl';

const incident = {
  detectedAt: '2026-12-03T03:12:00.000Z',
  resolvedAt: undefined,
} as unknown as Incident;

describe('dashboards opened at the incident’s time window', () => {
  const now = new Date('2026-12-03T04:00:00.000Z');

  it('gives Grafana from 15 minutes before detection to now, keeping the dashboard’s own query', () => {
    const url = new URL(
      dashboardUrl(
        'https://grafana.example.test/d/freelms-overview?orgId=1',
        'grafana',
        incident,
        now,
      ),
    );
    assert.equal(url.searchParams.get('orgId'), '1');
    assert.equal(url.searchParams.get('from'), String(Date.parse('2026-12-03T02:57:00.000Z')));
    assert.equal(url.searchParams.get('to'), 'now');
  });

  it('gives Jaeger a custom search window in microseconds, ending at the resolution', () => {
    const resolved = { ...incident, resolvedAt: '2026-12-03T03:40:00.000Z' } as Incident;
    const url = new URL(dashboardUrl('https://jaeger.example.test', 'jaeger', resolved, now));
    assert.equal(url.pathname, '/search');
    assert.equal(
      url.searchParams.get('start'),
      String(Date.parse('2026-12-03T02:57:00.000Z') * 1000),
    );
    assert.equal(
      url.searchParams.get('end'),
      String(Date.parse('2026-12-03T03:55:00.000Z') * 1000),
    );
    assert.equal(url.searchParams.get('lookback'), 'custom');
  });
});
