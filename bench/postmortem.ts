/**
 * The postmortem of a long incident: a 10,000-event journal (notes, checks, scale actions,
 * deliveries, status changes) read by a fresh IncidentStore, derived and rendered to Markdown,
 * against the floor of reading the same file and parsing each line as JSON.
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

import { appendEvents } from '../src/incident/journal';
import type { IncidentEvent } from '../src/incident/model';
import { renderPostmortem } from '../src/incident/postmortem';
import { IncidentStore } from '../src/incident/store';
import { alternate, type BenchContext, type BenchResult } from './stats';

const ID = '2026-12-03-api-gateway-down';

/** A journal of `count` events, an incident of several hours run by the book. */
export function longIncident(count: number): IncidentEvent[] {
  const start = Date.parse('2026-12-03T09:00:00.000Z');
  const at = (i: number) => new Date(start + i * 1500).toISOString();
  const events: IncidentEvent[] = [
    {
      type: 'declared',
      id: 'e0',
      at: at(0),
      incidentId: ID,
      title: 'API gateway down',
      severity: 'P1',
      description: 'every request answers 502',
      services: ['api-gateway', 'course-service'],
      usersImpacted: 'all learners',
      dataAtRisk: 'no',
      by: 'Dana',
    },
    { type: 'acknowledged', id: 'e1', at: at(1), by: 'Dana' },
  ];
  for (let i = 2; i < count - 1; i++) {
    const id = `e${i}`;
    switch (i % 6) {
      case 0:
        events.push({ type: 'note', id, at: at(i), by: 'Lee', text: `observation ${i}` });
        break;
      case 1:
        events.push({
          type: 'check.ran',
          id,
          at: at(i),
          check: 'pods',
          ok: i % 12 !== 1,
          summary: `${i % 3} of 3 api-gateway pods ready`,
        });
        break;
      case 2:
        events.push({
          type: 'action.taken',
          id,
          at: at(i),
          by: 'Lee',
          ok: true,
          action: { kind: 'scale', deployment: 'api-gateway', toReplicas: 3 + (i % 4) },
        });
        break;
      case 3:
        events.push({
          type: 'delivery.attempted',
          id,
          at: at(i),
          key: `e${i - 3}:pd.note`,
          attempt: 1,
        });
        break;
      case 4:
        events.push({ type: 'delivery.succeeded', id, at: at(i), key: `e${i - 4}:pd.note` });
        break;
      default:
        events.push({
          type: 'followup.added',
          id,
          at: at(i),
          text: `follow-up ${i}`,
          owner: 'Lee',
        });
    }
  }
  events.push({
    type: 'resolved',
    id: `e${count - 1}`,
    at: at(count - 1),
    rootCause: 'bad route table',
  });
  return events;
}

export async function postmortem(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.quick ? 1000 : 10_000;
  const folder = await mkdtemp(join(ctx.dir, 'journal-'));
  const path = join(folder, `${ID}.jsonl`);
  await appendEvents(path, longIncident(count), { create: true });
  let length = 0;
  const pair = await alternate({
    warmup: 2,
    rounds: ctx.quick ? 3 : 15,
    ours: async () => {
      const started = performance.now();
      const store = await IncidentStore.open({ folder, timeZone: 'Europe/Berlin' });
      const incident = await store.get(ID);
      if (!incident) throw new Error('the journal was not read');
      length = renderPostmortem(incident, { timeZone: 'Europe/Berlin' }).length;
      return performance.now() - started;
    },
    peer: async () => {
      const started = performance.now();
      const text = await readFile(path, 'utf8');
      for (const line of text.split('\n')) if (line) JSON.parse(line);
      return performance.now() - started;
    },
  });
  return {
    name: `postmortem from a ${count.toLocaleString('en')}-event journal`,
    unit: 'ms',
    ours: pair.ours,
    peer: pair.peer,
    peerName: 'read + JSON.parse',
    ratio: pair.ratio,
    goal: 'ours ≤ 200 ms',
    met: pair.ours.median <= 200,
    extra: { 'postmortem characters': length },
  };
}
