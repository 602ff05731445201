import assert from 'node:assert/strict';

import { deriveIncident } from '../../../src/incident/derive';
import { isDueDate } from '../../../src/incident/dueDate';
import {
  checkFollowUp,
  FollowUpInputError,
  sameFollowUpText,
} from '../../../src/incident/followUpInput';
import {
  followUpTasks,
  newFollowUpsIn,
  parseTaskText,
  renderFollowUpsMarkdown,
  tickedInExport,
} from '../../../src/incident/followUps';
import type { IncidentEvent } from '../../../src/incident/model';
import { renderPostmortem } from '../../../src/incident/postmortem';
import { gatewayOutage } from './sample';

describe('a follow-up as typed', () => {
  it('accepts a real day written YYYY-MM-DD and nothing else as a due date', () => {
    assert.equal(isDueDate('2026-12-05'), true);
    assert.equal(isDueDate('2028-02-29'), true, 'a leap day');
    for (const bad of ['2026-02-30', '2026-2-3', '05.12.2026', '2026-12-05T10:00', '', 'soon'])
      assert.equal(isDueDate(bad), false, bad);
  });

  it('keeps one line of text and says which field is wrong', () => {
    assert.deepEqual(
      checkFollowUp({ text: ' Add a\n canary stage ', owner: ' Lee ', due: '2026-12-05' }),
      {
        text: 'Add a canary stage',
        owner: 'Lee',
        due: '2026-12-05',
      },
    );
    assert.deepEqual(checkFollowUp({ text: 'x', owner: '', due: '' }), { text: 'x' });
    assert.throws(
      () => checkFollowUp({ text: 'x', due: '2026-13-01' }),
      (error: unknown) =>
        error instanceof FollowUpInputError &&
        error.field === 'due' &&
        /YYYY-MM-DD/.test(error.message),
    );
    assert.throws(
      () => checkFollowUp({ text: '   ' }),
      (error: unknown) => error instanceof FollowUpInputError && error.field === 'text',
    );
  });

  it('takes @lee as the owner lee, and refuses two owners in one', () => {
    assert.equal(checkFollowUp({ text: 'x', owner: '@Dana Smith' }).owner, 'Dana Smith');
    for (const owner of ['Jean-Luc', 'lee@freelms.example', 'Dana Smith'])
      assert.equal(checkFollowUp({ text: 'x', owner }).owner, owner);
    for (const owners of [
      'Lee, Sam',
      'Lee — Sam',
      'Sam & Lee',
      'Sam and Lee',
      '@sam @lee',
      'Sam; Lee',
      'Sam / Lee',
      'Sam - Lee',
    ])
      assert.throws(
        () => checkFollowUp({ text: 'x', owner: owners }),
        (error: unknown) =>
          error instanceof FollowUpInputError &&
          error.field === 'owner' &&
          /one owner/.test(error.message),
        owners,
      );
  });
});

describe('task lines read back', () => {
  it('reads the owner and the due date after the dash', () => {
    assert.deepEqual(parseTaskText('Add a canary stage — @Lee, due 2026-12-05'), {
      text: 'Add a canary stage',
      owner: 'Lee',
      due: '2026-12-05',
    });
    assert.deepEqual(parseTaskText('Page the DBA earlier — @Dana Smith'), {
      text: 'Page the DBA earlier',
      owner: 'Dana Smith',
    });
  });

  it('reads @owner and due at the end of a line without a dash', () => {
    assert.deepEqual(parseTaskText('Alert on `5xx` rate @ops due 2026-12-07'), {
      text: 'Alert on `5xx` rate',
      owner: 'ops',
      due: '2026-12-07',
    });
  });

  it('keeps a dash that is part of the sentence', () => {
    assert.deepEqual(parseTaskText('Tune the alert — it fired 20 minutes late'), {
      text: 'Tune the alert — it fired 20 minutes late',
    });
  });

  it('reads the export’s bare owner and skips the issue link', () => {
    assert.deepEqual(
      parseTaskText(
        'Canary — Lee, due 2026-12-05, [freelms/platform#3](https://x/freelms/platform/issues/3)',
        'bare',
      ),
      { text: 'Canary', owner: 'Lee', due: '2026-12-05' },
    );
  });
});

describe('follow-ups from the postmortem’s checklist', () => {
  const incident = gatewayOutage();

  it('adds only new unchecked items of the follow-ups section, each once', () => {
    const generated = renderPostmortem(incident, { timeZone: 'UTC' });
    const edited = generated.replace(
      '## Follow-ups\n',
      [
        '## Follow-ups',
        '',
        '- [ ] Load-test the route table before release — @Lee, due 2026-12-10',
        '- [ ] add a canary stage for API-gateway.',
        '- [x] Already done elsewhere',
        '- [ ] Load-test the route table before release',
        '- [ ] Review alert thresholds @dana',
        '',
        '```markdown',
        '- [ ] Not a task: inside a code block',
        '```',
        '',
      ].join('\n'),
    );
    const withTimeline = `${edited}\n## Notes\n\n- [ ] Not a follow-up: another section\n`;
    const { added, rejected } = newFollowUpsIn(incident, withTimeline);
    assert.deepEqual(added, [
      { text: 'Load-test the route table before release', owner: 'Lee', due: '2026-12-10' },
      { text: 'Review alert thresholds', owner: 'dana' },
    ]);
    assert.deepEqual(rejected, []);
  });

  it('adds nothing when the generated postmortem is saved as it is', () => {
    const generated = renderPostmortem(incident, { timeZone: 'UTC' });
    assert.deepEqual(newFollowUpsIn(incident, generated).added, []);
    const none = deriveIncident(incident.events.filter((e) => !e.type.startsWith('followup.')));
    assert.deepEqual(
      newFollowUpsIn(none, renderPostmortem(none, { timeZone: 'UTC' })).added,
      [],
      'the stand-in "Create follow-up tickets" item is not a follow-up',
    );
  });

  it('adds nothing from a saved postmortem whose follow-up has an owner written before the one-owner rule', () => {
    const incident = gatewayOutage([
      {
        type: 'followup.added',
        id: 'e90',
        at: '2026-12-03T11:30:00.000Z',
        text: 'Rotate the key',
        owner: 'Lee, Sam',
      },
    ]);
    const markdown = renderPostmortem(incident, { timeZone: 'UTC' });
    assert.match(markdown, /- \[ \] Rotate the key — @Lee, Sam/);
    assert.deepEqual(newFollowUpsIn(incident, markdown).added, []);
  });

  it('adds a follow-up holding a pasted token once, though the journal keeps it redacted', () => {
    // What the journal keeps of "Rotate the key, token=…": the secret redacted on the way in.
    const incident = gatewayOutage([
      {
        type: 'followup.added',
        id: 'e91',
        at: '2026-12-03T11:30:00.000Z',
        text: 'Rotate the key, token=***',
      },
    ]);
    const doc = '## Follow-ups\n\n- [ ] Rotate the key, token=9f8e7d6c5b4a\n';
    assert.deepEqual(newFollowUpsIn(incident, doc).added, []);
    assert.ok(sameFollowUpText('Rotate the key, token=9f8e7d6c5b4a', 'Rotate the key, token=***'));
  });

  it('does not bring back a follow-up that was removed', () => {
    const removed = deriveIncident([
      ...incident.events,
      {
        type: 'followup.removed',
        id: 'r1',
        at: '2026-12-03T12:00:00.000Z',
        followUpId: incident.followUps[0]!.id,
      },
    ]);
    const doc = `## Action items\n\n- [ ] ${incident.followUps[0]!.text}\n`;
    assert.deepEqual(newFollowUpsIn(removed, doc).added, []);
  });

  it('names the line of an item whose due date is not a day', () => {
    const doc = '# P\n\n## Follow-ups\n\n- [ ] Fix it — due 2026-02-30\n';
    const { added, rejected } = newFollowUpsIn(incident, doc);
    assert.deepEqual(added, []);
    assert.equal(rejected[0]!.line, 5);
    assert.match(rejected[0]!.reason, /2026-02-30/);
  });
});

describe('the Markdown export of follow-ups', () => {
  const at = (minute: number) =>
    new Date(Date.parse('2026-12-03T10:30:00Z') + minute * 60_000).toISOString();
  const events: IncidentEvent[] = [
    ...gatewayOutage().events.filter((e) => !e.type.startsWith('followup.')),
    {
      type: 'followup.added',
      id: 'f1',
      at: at(1),
      text: 'Add a canary stage',
      owner: 'Lee',
      due: '2026-12-05',
    },
    { type: 'followup.added', id: 'f2', at: at(2), text: 'Alert on 5xx rate > 5%', owner: 'Dana' },
    { type: 'followup.added', id: 'f3', at: at(3), text: 'Document the route table' },
    { type: 'followup.added', id: 'f4', at: at(4), text: 'Removed by mistake' },
    { type: 'followup.done', id: 'f5', at: at(5), followUpId: 'f2' },
    { type: 'followup.removed', id: 'f6', at: at(6), followUpId: 'f4' },
    {
      type: 'followup.linked',
      id: 'f7',
      at: at(7),
      followUpId: 'f3',
      url: 'https://github.com/freelms/platform/issues/12',
    },
  ];
  const incident = deriveIncident(events);
  const doc = renderFollowUpsMarkdown(incident, {
    timeZone: 'Europe/Berlin',
    links: { postmortem: '2026-12-03-api-gateway-down.md' },
  });

  it('writes the title, the links and one task line per follow-up', () => {
    assert.equal(
      doc,
      [
        '# Follow-ups: API gateway down',
        '',
        'Incident `2026-12-03-api-gateway-down` · P1 · resolved 2026-12-03 12:10 (Europe/Berlin).',
        'Due within 48 hours of resolution: by 2026-12-05 12:10 (Europe/Berlin).',
        '',
        '- Postmortem: [2026-12-03-api-gateway-down.md](2026-12-03-api-gateway-down.md)',
        '- Slack: #incident-2026-12-03-api-gateway-down',
        '',
        '## Tasks',
        '',
        '- [ ] Add a canary stage — Lee, due 2026-12-05',
        '- [x] Alert on 5xx rate > 5% — Dana',
        '- [ ] Document the route table — [freelms/platform#12](https://github.com/freelms/platform/issues/12)',
        '',
      ].join('\n'),
    );
  });

  it('reads back as the same follow-ups', () => {
    const tasks = followUpTasks(doc, { section: /^tasks$/i, owners: 'bare' });
    assert.deepEqual(
      tasks.map(({ text, owner, due, checked }) => ({ text, owner, due, done: checked })),
      incident.followUps.map(({ text, owner, due, done }) => ({ text, owner, due, done })),
    );
  });

  it('reads tasks written into an earlier export as new follow-ups, and the export’s own lines as none', () => {
    assert.deepEqual(newFollowUpsIn(incident, doc, 'export'), { added: [], rejected: [] });
    const written = doc.replace(
      '- [ ] Add a canary stage — Lee, due 2026-12-05\n',
      [
        '- [ ] Add a canary stage — Lee, due 2026-12-05',
        '- [ ] Page on 5xx from the gateway — Sam, due 2026-12-09',
        '- [ ] Removed by mistake',
        '- [ ] Fix it — due 2026-02-30',
        '',
      ].join('\n'),
    );
    const { added, rejected } = newFollowUpsIn(incident, written, 'export');
    assert.deepEqual(added, [
      { text: 'Page on 5xx from the gateway', owner: 'Sam', due: '2026-12-09' },
    ]);
    assert.deepEqual(
      rejected.map((r) => [r.line, r.text]),
      [[14, 'Fix it']],
    );
  });

  it('finds follow-ups ticked in an earlier export that the journal still has open', () => {
    const ticked = doc.replace('- [ ] Add a canary stage', '- [x] Add a canary stage');
    assert.deepEqual(
      tickedInExport(incident, ticked).map((f) => f.id),
      ['f1'],
    );
    assert.deepEqual(tickedInExport(incident, doc), []);
  });

  it('finds a ticked follow-up whose text has a dash of its own, or an owner written before the rule', () => {
    const odd = deriveIncident([
      ...events,
      { type: 'followup.added', id: 'f8', at: at(8), text: 'Check — something odd' },
      {
        type: 'followup.added',
        id: 'f9',
        at: at(9),
        text: 'Rotate the key',
        owner: 'Lee, Sam',
        due: '2020-01-01',
      },
    ]);
    const exported = renderFollowUpsMarkdown(odd, { timeZone: 'UTC' });
    const ticked = exported
      .replace('- [ ] Check — something odd', '- [x] Check — something odd')
      .replace('- [ ] Rotate the key', '- [x] Rotate the key');
    assert.deepEqual(
      tickedInExport(odd, ticked).map((f) => f.id),
      ['f8', 'f9'],
    );
  });
});
