import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  checklistFromMarkdown,
  checklistFromRunbook,
  currentPhase,
  defaultChecklist,
  evaluateChecklist,
  type PhaseState,
} from '../../../src/incident/checklist';
import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent } from '../../../src/incident/model';
import { parseRunbook } from '../../../src/incident/runbook';
import { gatewayDeclared as declared } from './sample';

let n = 0;
const ev = (minute: number, event: Record<string, unknown>): IncidentEvent =>
  ({
    id: `e${++n}`,
    at: new Date(Date.parse(declared.at) + minute * 60_000).toISOString(),
    ...event,
  }) as IncidentEvent;

function ticked(states: PhaseState[]): string[] {
  const out: string[] = [];
  const walk = (items: PhaseState['items']) => {
    for (const i of items) {
      if (i.ticked) out.push(i.title);
      walk(i.items);
    }
  };
  for (const p of states) walk(p.items);
  return out;
}

describe('runbook checklist', () => {
  it('has the five phases of the runbook built in', () => {
    assert.deepEqual(
      defaultChecklist().map((p) => p.kind),
      ['detection', 'triage', 'mitigation', 'resolution', 'postIncident'],
    );
  });

  it('ticks "incident channel" on declaring and nothing else yet', () => {
    const states = evaluateChecklist(
      defaultChecklist(),
      deriveIncident([declared]),
      new Date(declared.at),
    );
    assert.deepEqual(ticked(states), ['Join incident channel - #incident-<id>']);
    assert.equal(currentPhase(states)?.kind, 'detection');
  });

  it('ticks detection from acknowledgement and the three checks, then moves to triage', () => {
    const incident = deriveIncident([
      declared,
      ev(2, { type: 'acknowledged' }),
      ev(3, { type: 'check.ran', check: 'health', ok: false, summary: 'DOWN' }),
      ev(3, { type: 'check.ran', check: 'pods', ok: false, summary: '2 of 3 CrashLoopBackOff' }),
      ev(4, { type: 'check.ran', check: 'errors', ok: true, summary: '120 ERROR lines' }),
    ]);
    const states = evaluateChecklist(defaultChecklist(), incident, new Date());
    assert.equal(states[0]!.done, true);
    assert.equal(
      states[0]!.items[2]!.tickedAt,
      '2026-12-03T10:04:00.000Z',
      'initial assessment done when its checks are',
    );
    assert.equal(currentPhase(states)?.kind, 'triage');
  });

  it('ticks mitigation with a rollback alone, since the runbook offers options', () => {
    const incident = deriveIncident([
      declared,
      ev(20, {
        type: 'action.taken',
        ok: true,
        action: { kind: 'rollback', deployment: 'api-gateway', fromRevision: 5, toRevision: 4 },
      }),
    ]);
    const mitigation = evaluateChecklist(defaultChecklist(), incident, new Date()).find(
      (p) => p.kind === 'mitigation',
    )!;
    assert.equal(mitigation.done, true);
    assert.deepEqual(
      mitigation.items.map((i) => i.ticked),
      [true, false, false, false],
    );
  });

  it('does not count a failed rollback as mitigation', () => {
    const incident = deriveIncident([
      declared,
      ev(20, {
        type: 'action.taken',
        ok: false,
        action: { kind: 'rollback', deployment: 'api-gateway' },
      }),
    ]);
    assert.equal(
      evaluateChecklist(defaultChecklist(), incident, new Date()).find(
        (p) => p.kind === 'mitigation',
      )!.done,
      false,
    );
  });

  it('verifies the fix only with a health check after the mitigation, and monitors for 30 minutes', () => {
    const monitoring = ev(25, { type: 'status.changed', status: 'monitoring' });
    const events = [
      declared,
      ev(3, { type: 'check.ran', check: 'health', ok: true, summary: 'UP (before)' }),
      ev(20, {
        type: 'action.taken',
        ok: true,
        action: { kind: 'scale', deployment: 'api-gateway', toReplicas: 5 },
      }),
      monitoring,
    ];
    const before = evaluateChecklist(
      defaultChecklist(),
      deriveIncident(events),
      new Date('2026-12-03T10:40:00Z'),
    );
    const resolution = () => before.find((p) => p.kind === 'resolution')!;
    assert.deepEqual(
      resolution().items.map((i) => i.ticked),
      [false, false, false, false],
    );

    events.push(ev(26, { type: 'check.ran', check: 'health', ok: true, summary: 'UP' }));
    events.push(ev(30, { type: 'update.posted', audience: 'statusPage', text: 'Resolved' }));
    events.push(
      ev(55, {
        type: 'watch.ended',
        watchId: monitoring.id,
        clean: true,
        outcome: 'clean',
        measuredRounds: 30,
        summary: '30 minutes without a regression (30 checks measured)',
      }),
    );
    events.push(ev(56, { type: 'resolved' }));
    const after = evaluateChecklist(
      defaultChecklist(),
      deriveIncident(events),
      new Date('2026-12-03T10:56:00Z'),
    );
    assert.equal(after.find((p) => p.kind === 'resolution')!.done, true);
  });

  it('ticks "Update status page" when the outbox delivered the resolution to the status page', () => {
    const statusPageItem = (events: IncidentEvent[]) =>
      evaluateChecklist(
        defaultChecklist(),
        deriveIncident(events),
        new Date('2026-12-03T11:00:00Z'),
      )
        .find((p) => p.kind === 'resolution')!
        .items.find((i) => /status page/i.test(i.title))!;
    const events: IncidentEvent[] = [declared, ev(40, { type: 'resolved' })];
    assert.equal(statusPageItem(events).ticked, false, 'resolved, not yet on the status page');
    events.push(ev(41, { type: 'delivery.attempted', key: 'e40:sp.resolve', attempt: 1 }));
    assert.equal(statusPageItem(events).ticked, false, 'an attempt is not a delivery');
    events.push(ev(42, { type: 'delivery.succeeded', key: 'e40:sp.resolve' }));
    assert.equal(statusPageItem(events).ticked, true);
  });

  it('ticks post-incident items from the postmortem, the review, follow-ups tracked outside the journal and the runbook note', () => {
    const checklist = defaultChecklist();
    const events: IncidentEvent[] = [
      declared,
      ev(60, { type: 'postmortem.written', path: 'postmortems/x.md' }),
      ev(61, { type: 'review.scheduled', when: '2026-12-04T14:00:00Z' }),
      ev(62, { type: 'followup.added', text: 'Alert on 5xx rate' }),
      ev(63, { type: 'runbook.annotated', path: 'runbook.md', phase: 'Mitigation' }),
    ];
    const post = (list: IncidentEvent[]) =>
      evaluateChecklist(checklist, deriveIncident(list), new Date()).find(
        (p) => p.kind === 'postIncident',
      )!;
    assert.deepEqual(
      post(events).items.map((item) => [item.rule, item.ticked]),
      [
        ['report', true],
        ['review', true],
        ['followUps', false],
        ['runbook', true],
      ],
    );
    events.push(
      ev(64, { type: 'followups.exported', path: 'postmortems/x-follow-ups.md', count: 1 }),
    );
    assert.equal(post(events).done, true);
    assert.equal(checklist[4]!.items[3]!.id, 'post-incident/update-runbooks-if-needed');
  });

  it('gives the team runbook with double-encoded emoji the same rules as the built-in checklist', () => {
    const markdown = readFileSync(
      join(import.meta.dirname, 'fixtures', 'team-runbook-mojibake.md'),
      'utf8',
    );
    const checklist = checklistFromRunbook(parseRunbook(markdown));
    assert.deepEqual(
      checklist.map((p) => [p.kind, p.items.map((i) => i.rule ?? '-')]),
      [
        ['detection', ['acknowledge', 'channel', '-']],
        ['triage', ['scope', 'dashboards', 'roles']],
        ['mitigation', ['rollback', 'scale', 'flag', 'database']],
        ['resolution', ['verify', 'monitor', 'statusPage', 'close']],
        ['postIncident', ['report', 'review', 'followUps', 'runbook']],
      ],
    );
    assert.deepEqual(
      checklist[0]!.items[2]!.items.map((i) => i.rule),
      ['health', 'pods', 'errors'],
    );
    assert.deepEqual(
      checklist[3]!.items[0]!.items.map((i) => i.rule),
      ['verify', 'smokeTests'],
    );
  });

  it('falls back to the built-in checklist when the runbook file has no phases, and says so', () => {
    const fallback = checklistFromMarkdown('# Notes\n\nNothing to see.');
    assert.equal(fallback.fromRunbook, false);
    assert.match(fallback.problem!, /no "Phase" headings/);
    assert.equal(fallback.phases.length, 5);
    assert.equal(checklistFromMarkdown(undefined).problem, undefined);
    const markdown = readFileSync(
      join(import.meta.dirname, 'fixtures', 'team-runbook-mojibake.md'),
      'utf8',
    );
    assert.equal(checklistFromMarkdown(markdown).fromRunbook, true);
  });
});

describe('roles named when declaring', () => {
  it('count for the checklist and the declaration message', async () => {
    const { deriveIncident } = await import('../../../src/incident/derive');
    const { defaultChecklist, evaluateChecklist } = await import('../../../src/incident/checklist');
    const { declarationMessage } = await import('../../../src/incident/templates');
    const incident = deriveIncident([
      {
        type: 'declared',
        id: 'd1',
        at: '2026-12-03T10:00:00.000Z',
        incidentId: '2026-12-03-api-down',
        title: 'API down',
        severity: 'P1',
        services: [],
        roles: { commander: 'dana', technicalLead: 'sam', communications: 'lee' },
      },
    ]);
    assert.equal(incident.roles.commander, 'dana');
    assert.match(declarationMessage(incident, { format: 'plain' }), /IC: dana/);
    const triage = evaluateChecklist(
      defaultChecklist(),
      incident,
      new Date('2026-12-03T10:01:00.000Z'),
    ).find((phase) => phase.kind === 'triage')!;
    const roles = triage.items.find((item) => /roles/i.test(item.title))!;
    assert.equal(roles.ticked, true);
  });
});
