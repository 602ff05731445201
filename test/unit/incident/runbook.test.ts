import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repairMojibake } from '../../../src/incident/mojibake';
import { commandsOf, parseRunbook } from '../../../src/incident/runbook';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('runbook parsing', () => {
  const runbook = parseRunbook(fixture('team-runbook-mojibake.md'));

  it('reads the five phases of the team runbook from its headings', () => {
    assert.deepEqual(
      runbook.phases.map((p) => p.title),
      ['Detection & Alert', 'Triage', 'Mitigation', 'Resolution', 'Post-Incident'],
    );
    assert.equal(runbook.phases[0]!.heading, 'Phase 1: Detection & Alert (0-5 min)');
  });

  it('reads steps from numbered lists, option paragraphs and the post-incident task list', () => {
    const titles = runbook.phases.map((p) => p.steps.map((s) => s.title));
    assert.deepEqual(titles, [
      ['Acknowledge the page in PagerDuty', 'Join incident channel - #incident-<id>', 'First look'],
      ['Identify scope', 'Check dashboards', 'Assign roles'],
      [
        'Option A: Rollback',
        'Option B: Scale Up',
        'Option C: Feature Toggle',
        'Option D: Database Fix',
      ],
      ['Verify fix', 'Monitor for 30 minutes', 'Update status page', 'Close incident in PagerDuty'],
      [
        'Write incident report',
        'Schedule blameless postmortem',
        'Create follow-up tickets',
        'Update runbooks if needed',
      ],
    ]);
    assert.deepEqual(runbook.phases[1]!.steps[0]!.details, [
      'Which services are affected?',
      'How many users are impacted?',
      'Is data at risk?',
    ]);
  });

  it('turns a block of commented commands into sub-steps with their commands', () => {
    const firstLook = runbook.phases[0]!.steps[2]!;
    assert.deepEqual(
      firstLook.steps.map((s) => s.title),
      ['Quick health check', 'Check all services', 'Check recent errors'],
    );
    assert.equal(firstLook.steps[1]!.commands[0]!.command, 'kubectl get pods -n lms');
    const rollback = runbook.phases[2]!.steps[0]!;
    assert.deepEqual(rollback.commands, [
      {
        comment: 'Back to the previous revision',
        command: 'kubectl rollout undo deployment/<service> -n lms',
      },
      {
        comment: 'Watch it roll out',
        command: 'kubectl rollout status deployment/<service> -n lms',
      },
    ]);
  });

  it('keeps a command continued over several lines whole, and a warning without a command', () => {
    const toggle = runbook.phases[2]!.steps[2]!.commands[0]!;
    assert.equal(toggle.command!.split('\n').length, 3);
    assert.match(toggle.command!, /"enabled": false/);
    assert.deepEqual(runbook.phases[2]!.steps[3]!.commands.at(-1), {
      comment: 'Corrective statement Try it in staging before production!',
    });
  });

  it('repairs the double-encoded emoji of the templates', () => {
    assert.deepEqual(
      runbook.templates.map((t) => t.title),
      ['Initial Response (Internal)', 'Resolution'],
    );
    assert.ok(runbook.templates[0]!.text.startsWith('🚨 INCIDENT DECLARED'));
    assert.ok(runbook.templates[1]!.text.startsWith('✅ INCIDENT RESOLVED'));
  });

  it('falls back to headings with numbered steps when no heading says "Phase", despite BOM and CRLF', () => {
    const other = parseRunbook(fixture('headings-without-phases.md'));
    assert.equal(other.title, 'Database failover');
    assert.deepEqual(
      other.phases.map((p) => [p.title, p.steps.map((s) => s.title)]),
      [
        ['Prepare', ['Tell the channel', 'Stop writes']],
        ['Fail over', ['Promote the replica']],
      ],
    );
    assert.equal(other.phases[1]!.steps[0]!.commands[0]!.command, 'pg_ctl promote');
  });

  it('finds no phases in a document that is not a runbook, without throwing', () => {
    assert.deepEqual(parseRunbook('just some text\n\n- a\n- b').phases, []);
  });

  it('splits shell blocks into commented commands', () => {
    assert.deepEqual(commandsOf('# one\necho 1\n\n# two\n# more\necho 2\necho 3'), [
      { comment: 'one', command: 'echo 1' },
      { comment: 'two more', command: 'echo 2' },
      { command: 'echo 3' },
    ]);
  });
});

describe('mojibake repair', () => {
  it('turns UTF-8 read as Windows-1252 back into the emoji', () => {
    assert.equal(repairMojibake('ðŸš¨ down, âœ… fixed, â€” dash'), '🚨 down, ✅ fixed, — dash');
  });

  it('leaves correct accented text and real emoji alone', () => {
    const text = 'Zahlungsdienst fällt aus: Größe, café, naïve 🚨 ✅';
    assert.equal(repairMojibake(text), text);
  });
});
