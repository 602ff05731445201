/**
 * Declaring with PagerDuty and Slack 200 ms away: from `store.declare` (the form submitted) to
 * every delivery of the declaration sent by the outbox (PagerDuty incident; Slack channel, first
 * message, invite, two bookmarks), against the floor of the dependent chain: the same calls with
 * the same clients, PagerDuty beside Slack and everything after the channel at once. Also checks
 * that the journal holds the declaration before the first request leaves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

import { Outbox, type OutboxConfig } from '../src/incident/outbox';
import { IncidentStore } from '../src/incident/store';
import { PagerDutyClient } from '../src/platform/pagerduty/client';
import { SlackClient } from '../src/platform/slack/client';
import { silentLog } from '../src/common/log';
import { startServices, type RunningServices } from '../sandbox/services/router';
import { SANDBOX_PAGERDUTY_FROM, SANDBOX_TOKENS } from '../sandbox/services/tokens';
import { alternate, type BenchContext, type BenchResult } from './stats';

const LATENCY_MS = 200;
const RESPONDERS = ['U0FLUSR01', 'U0FLUSR02'];
const GRAFANA = 'https://grafana.example.test/d/freelms-overview';
const JAEGER = 'https://jaeger.example.test';

function outboxConfig(services: RunningServices): OutboxConfig {
  return {
    pagerduty: {
      region: 'us',
      baseUrl: services.endpoints.pagerduty,
      from: SANDBOX_PAGERDUTY_FROM,
      serviceId: 'PFLS001',
    },
    slack: { apiUrl: services.endpoints.slack },
    deliveries: { responders: RESPONDERS, grafanaUrl: GRAFANA, jaegerUrl: JAEGER },
  };
}

/** Our side, as the extension runs it: the outbox started, then the incident declared. */
async function declareThroughOutbox(
  folder: string,
  services: RunningServices,
  title: string,
): Promise<number> {
  const store = await IncidentStore.open({ folder, timeZone: 'UTC' });
  const tokens = { pagerduty: SANDBOX_TOKENS.pagerduty, slack: SANDBOX_TOKENS.slack };
  const outbox = new Outbox(store, outboxConfig(services), () => tokens);
  outbox.start();
  try {
    const started = performance.now();
    let id = '';
    const allSent = new Promise<void>((resolve, reject) => {
      outbox.onDidChange((changed) => {
        if (changed !== id) return;
        void outbox.deliveries(id).then((states) => {
          // A delivery that cannot be sent would keep the measurement waiting for ever.
          const stuck = states.find((s) => s.status === 'failed' || s.status === 'notConfigured');
          if (stuck) reject(new Error(`${stuck.label}: ${stuck.reason ?? stuck.status}`));
          else if (states.length > 0 && states.every((s) => s.status === 'sent')) resolve();
        });
      });
    });
    id = (
      await store.declare({
        title,
        severity: 'P1',
        description: 'api-gateway returns 502 for every request',
        services: ['api-gateway'],
        usersImpacted: 'all users',
        dataAtRisk: 'no',
        // The floor below measures PagerDuty and Slack: the status page stays out of both.
        notify: { statusPage: false },
        by: 'bench',
      })
    ).id;
    await allSent;
    return performance.now() - started;
  } finally {
    await outbox.stop();
  }
}

/** The floor: only what depends on something waits for it. */
async function dependentChain(services: RunningServices, n: number): Promise<number> {
  const pd = new PagerDutyClient(
    outboxConfig(services).pagerduty!,
    SANDBOX_TOKENS.pagerduty,
    silentLog,
  );
  const slack = new SlackClient(
    { apiUrl: services.endpoints.slack },
    SANDBOX_TOKENS.slack,
    silentLog,
  );
  const started = performance.now();
  await Promise.all([
    pd.createIncident({
      title: `[P1] floor ${n}`,
      incidentKey: `bench-floor-${n}`,
      urgency: 'high',
    }),
    (async () => {
      const channel = await slack.createOrReuseChannel(`incident-bench-floor-${n}`);
      await Promise.all([
        slack.postMessage(channel.id, `*🚨 INCIDENT DECLARED - P1* floor ${n}`),
        slack.invite(channel.id, RESPONDERS),
        slack.addBookmark(channel.id, 'Grafana', GRAFANA),
        slack.addBookmark(channel.id, 'Jaeger', JAEGER),
      ]);
    })(),
  ]);
  return performance.now() - started;
}

export async function declare(ctx: BenchContext): Promise<BenchResult> {
  const services = await startServices({
    faults: [`pagerduty:latency=${LATENCY_MS}`, `slack:latency=${LATENCY_MS}`],
  });
  // Each declaration gets a folder of its own; its first request looks for the journal there.
  let folder = '';
  let journaledFirst = true;
  let expectFirst = false;
  const intercept = services.faults.intercept.bind(services.faults);
  services.faults.intercept = (service, req, res, path) => {
    if (expectFirst) {
      expectFirst = false;
      const journals = readdirSync(folder).filter((f) => f.endsWith('.jsonl'));
      const text = journals.map((f) => readFileSync(join(folder, f), 'utf8')).join('');
      if (!text.includes('"declared"')) journaledFirst = false;
    }
    return intercept(service, req, res, path);
  };
  try {
    let n = 0;
    const pair = await alternate({
      warmup: 1,
      rounds: ctx.quick ? 2 : 5,
      ours: async () => {
        folder = await mkdtemp(join(ctx.dir, 'incidents-'));
        expectFirst = true;
        return declareThroughOutbox(folder, services, `Gateway down ${++n}`);
      },
      peer: () => dependentChain(services, ++n),
    });
    return {
      name: `declare, PagerDuty and Slack at ${LATENCY_MS} ms`,
      unit: 'ms',
      ours: pair.ours,
      peer: pair.peer,
      peerName: 'dependent chain floor',
      ratio: pair.ratio,
      goal: 'ours ≤ 1.3× the floor; journal written before the first request',
      met: pair.ratio <= 1.3 && journaledFirst,
      extra: { 'journal before first request': journaledFirst },
    };
  } finally {
    await services.stop();
  }
}
