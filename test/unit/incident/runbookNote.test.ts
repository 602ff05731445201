import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { BUILT_IN_RUNBOOK } from '../../../src/incident/checklist';
import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent } from '../../../src/incident/model';
import {
  commentInsertion,
  defaultRunbookNote,
  findPhaseHeading,
  lackingPhase,
  phaseHeadings,
  runbookComment,
} from '../../../src/incident/runbookNote';

const team = readFileSync(
  join(import.meta.dirname, 'fixtures', 'team-runbook-mojibake.md'),
  'utf8',
);

/** Applies an insertion the way the editor's WorkspaceEdit does. */
function apply(markdown: string, at: ReturnType<typeof commentInsertion>): string {
  const lines = markdown.split('\n');
  const line = lines[at.line] ?? '';
  lines[at.line] = line.slice(0, at.character) + at.text + line.slice(at.character);
  return lines.join('\n');
}

describe('a note for the runbook’s author under the phase the incident found lacking', () => {
  it('finds each phase heading of the team runbook, emoji repaired, by title or kind', () => {
    const headings = phaseHeadings(team);
    assert.equal(headings.length, 5);
    const mitigation = findPhaseHeading(headings, 'mitigation')!;
    assert.equal(mitigation.title, 'Mitigation');
    assert.match(team.split('\n')[mitigation.endLine - 1]!, /^#+ .*Phase 3/);
    assert.equal(findPhaseHeading(headings, 'Post-Incident')!.title, 'Post-Incident');
    assert.equal(findPhaseHeading(headings, 'capacity planning'), undefined);
  });

  it('puts the comment on the line right under the heading, on one line and without "--"', () => {
    const comment = runbookComment(
      '2026-12-03-api-gateway-down',
      '2026-12-03',
      'Rollback took 20 min --\nnobody knew the\tprevious revision -->',
    );
    assert.equal(
      comment,
      '<!-- FreeLMS 2026-12-03-api-gateway-down, 2026-12-03: ' +
        'Rollback took 20 min — nobody knew the previous revision — -->',
    );
    const heading = findPhaseHeading(phaseHeadings(team), 'Mitigation')!;
    const after = apply(team, commentInsertion(team, heading, comment));
    const lines = after.split('\n');
    assert.equal(lines[heading.endLine], comment);
    assert.equal(lines.length, team.split('\n').length + 1);
    assert.equal(after.replace(`${comment}\n`, ''), team, 'nothing else changes');
  });

  it('keeps a token or password pasted into the note out of the runbook', () => {
    const comment = runbookComment(
      '2026-12-03-api-gateway-down',
      '2026-12-03',
      'rotated xoxb-123456789012-abcdefghijkl and password=hunter22',
    );
    assert.ok(!/abcdefghijkl|hunter22/.test(comment), comment);
    assert.match(comment, /rotated xoxb-\*\*\* and password=\*\*\*/);
  });

  it('adds a line when the heading is the file’s last line', () => {
    const markdown = '### Phase 1: Detection\n1. Acknowledge alert\n### Phase 2: Triage';
    const heading = findPhaseHeading(phaseHeadings(`${markdown}\n1. Identify scope\n`), 'Triage')!;
    const at = commentInsertion(markdown, heading, '<!-- x -->');
    assert.equal(apply(markdown, at), `${markdown}\n<!-- x -->`);
  });

  it('defaults to the first phase with steps left open, and words a note from the incident', () => {
    const t = (m: number) =>
      new Date(Date.parse('2026-12-03T10:00:00Z') + m * 60_000).toISOString();
    const events: IncidentEvent[] = [
      {
        type: 'declared',
        id: 'd',
        at: t(0),
        incidentId: 'i',
        title: 'API gateway down',
        severity: 'P1',
        services: ['api-gateway'],
      },
      { type: 'acknowledged', id: 'a', at: t(1) },
    ];
    const lacking = lackingPhase(BUILT_IN_RUNBOOK, deriveIncident(events), new Date(t(90)))!;
    assert.equal(lacking.title, 'Detection & Alert');
    assert.deepEqual(
      lacking.open.map((item) => item.title),
      ['Initial assessment'],
    );
    assert.equal(
      defaultRunbookNote(
        { ...deriveIncident(events), rootCause: 'a bad route table' },
        lacking.open,
      ),
      'API gateway down: a bad route table. Steps left open: Initial assessment',
    );
  });
});
