import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { deriveIncident } from '../../../src/incident/derive';
import { formatLine, readJournal } from '../../../src/incident/journal';
import type { IncidentEvent } from '../../../src/incident/model';
import { renderPostmortem } from '../../../src/incident/postmortem';
import { tempFolder } from './helpers';
import { gatewayOutage } from './sample';

describe('postmortem', () => {
  const doc = renderPostmortem(gatewayOutage(), { timeZone: 'Europe/Berlin' });

  it('links the status page incident customers followed, when there was one', () => {
    assert.doesNotMatch(doc, /Status page incident/);
    const linked: IncidentEvent = {
      type: 'linked',
      id: 'sp',
      at: '2026-12-03T10:01:00.000Z',
      service: 'statuspage',
      remoteId: 'sp0000000001',
      url: 'https://stspg.example/000001',
    };
    const withPage = renderPostmortem(gatewayOutage([linked]), { timeZone: 'Europe/Berlin' });
    assert.match(
      withPage,
      /## Impact\n[^#]*- Status page incident: https:\/\/stspg\.example\/000001\n/,
    );
  });

  it('states the impact given at resolution once, and not again when it is the users impacted', () => {
    const resolvedWith = (impact: string) => {
      const events = gatewayOutage().events.map((event) =>
        event.type === 'resolved' ? { ...event, impact } : event,
      );
      return renderPostmortem(deriveIncident(events), { timeZone: 'UTC' });
    };
    const accepted = resolvedWith('all learners (~12,000)');
    assert.equal(accepted.split('all learners (~12,000)').length - 1, 1, accepted);
    assert.match(
      resolvedWith('72 minutes of 502s for every learner'),
      /\n- Users impacted: all learners \(~12,000\)\n- Data at risk: no\n- Impact: 72 minutes of 502s for every learner\n/,
    );
  });

  it('gives the times and the durations to acknowledge, mitigate and resolve', () => {
    assert.match(doc, /^# Postmortem: API gateway down\n/);
    assert.match(doc, /\| Detected \| 2026-12-03 10:58 \(Europe\/Berlin\) \|/);
    assert.match(doc, /\| Impact started \| 2026-12-03 10:58 \(Europe\/Berlin\) \|/);
    assert.match(doc, /\| Time to acknowledge \(from detection\) \| 4 min \|/);
    assert.match(doc, /\| Time to mitigate \(from detection\) \| 18 min \|/);
    assert.match(doc, /\| Time to resolve \(from detection\) \| 1 h 12 min \|/);
    assert.match(doc, /\| Severity \| P1 \(response target 15 min\) \|/);
  });

  it('writes the timeline in the configured time zone, without delivery bookkeeping', () => {
    assert.match(doc, /## Timeline \(Europe\/Berlin\)/);
    assert.match(
      doc,
      /\| 2026-12-03 11:00:00 \| Incident declared \(P1\): API gateway down \| Dana \|/,
    );
    assert.match(doc, /\| 2026-12-03 11:02:00 \| Acknowledged \| Dana \|/);
    assert.doesNotMatch(doc, /e12:slack|delivery/);
    // A pipe in a note would otherwise split the table row.
    assert.match(doc, /Revision 42 \\\| shipped at 09:40/);
    const utc = renderPostmortem(gatewayOutage(), { timeZone: 'UTC' });
    assert.match(utc, /\| 2026-12-03 10:00:00 \| Incident declared/);
  });

  it('lists the actions taken: rollback with revisions, scale, flag and query', () => {
    const section = doc.split('## Actions taken')[1]!.split('##')[0]!;
    assert.match(
      section,
      /Rolled back deployment\/api-gateway from revision 42 to revision 41 \(Lee\)/,
    );
    assert.match(section, /Scaled deployment\/api-gateway from 3 to 5 replicas/);
    assert.match(section, /Disabled feature flag new-routing/);
    assert.match(section, /Ran a corrective query \(committed, 12 rows affected\)/);
  });

  it('never carries a secret, even one typed into a query', () => {
    assert.doesNotMatch(doc, /hunter22/);
  });

  it('lists follow-ups as a checklist with the 48-hour deadline and ends with the blameless note', () => {
    assert.match(
      doc,
      /Due within 48 hours of resolution: by 2026-12-05 12:10 \(Europe\/Berlin\)\./,
    );
    assert.match(
      doc,
      /- \[ \] Add a canary stage for api-gateway — @Lee\n- \[x\] Alert on 5xx rate > 5%/,
    );
    assert.match(doc, /## Root cause\n\nA route table in revision 42/);
    assert.match(doc, /## Contributing factors\n\n_To be written by the authors._/);
    assert.match(doc, /## Blameless review\n\nThis review is blameless/);
  });

  it('is deterministic: the same journal gives the same document', () => {
    assert.equal(renderPostmortem(gatewayOutage(), { timeZone: 'Europe/Berlin' }), doc);
  });

  it('says what is not known yet for an unresolved incident', () => {
    const open = deriveIncident(gatewayOutage().events.filter((e) => e.type !== 'resolved'));
    const text = renderPostmortem(open, { timeZone: 'UTC' });
    assert.match(text, /\| Resolved \| not yet \|/);
    assert.match(text, /\| Time to resolve \(from detection\) \| n\/a \|/);
    assert.match(text, /the incident is not resolved yet/);
  });

  it('generates from a 10,000-event journal file (time printed, not asserted)', async () => {
    const base = gatewayOutage().events;
    const notes: IncidentEvent[] = [];
    for (let i = 0; notes.length + base.length < 10_000; i++) {
      const at = new Date(Date.parse('2026-12-03T10:30:00Z') + i * 1000).toISOString();
      notes.push(
        i % 3 === 0
          ? {
              type: 'check.ran',
              id: `n${i}`,
              at,
              check: 'pods',
              ok: true,
              summary: `${i} pods ready`,
              by: 'Lee',
            }
          : { type: 'note', id: `n${i}`, at, text: `observation ${i}`, by: 'Dana' },
      );
    }
    const events = [...base.slice(0, -1), ...notes, base.at(-1)!];
    const folder = await tempFolder('postmortem');
    const path = join(folder.path, 'big.jsonl');
    await writeFile(path, events.map(formatLine).join(''));
    let text: string;
    try {
      const started = performance.now();
      const journal = await readJournal(path);
      const read = performance.now();
      text = renderPostmortem(deriveIncident(journal.events), { timeZone: 'Europe/Berlin' });
      const done = performance.now();
      console.log(
        `      postmortem from ${events.length} events: ${(done - started).toFixed(0)} ms ` +
          `(read ${(read - started).toFixed(0)} ms, derive and render ${(done - read).toFixed(0)} ms), ` +
          `${text.length} characters`,
      );
    } finally {
      await folder.remove();
    }
    assert.equal(text.split('\n').filter((l) => l.startsWith('| 2026-')).length, events.length - 1);
  });
});
