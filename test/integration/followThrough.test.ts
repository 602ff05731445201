import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import ICAL from 'ical.js';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import * as vscode from 'vscode';

import type { FreeLmsApi } from '../../src/extension';
import { BUILT_IN_RUNBOOK, defaultChecklist } from '../../src/incident/checklist';
import type { Incident } from '../../src/incident/model';
import { postIncidentPhase } from '../../src/incident/postIncident';
import { Commands } from '../../src/ui/ids';
import { until } from './sandbox';

async function api(): Promise<FreeLmsApi> {
  return vscode.extensions
    .getExtension<FreeLmsApi>('freelms.freelms-incident-response')!
    .activate();
}

/**
 * The task lines of the export's "Tasks" section, read with the Markdown parser and the
 * export's documented line shape (`text — owner, due YYYY-MM-DD`), independently of the code
 * that wrote them.
 */
function exportedTasks(markdown: string) {
  const tree = fromMarkdown(markdown, {
    extensions: [gfmTaskListItem()],
    mdastExtensions: [gfmTaskListItemFromMarkdown()],
  });
  const tasksHeading = tree.children.findIndex(
    (node) =>
      node.type === 'heading' &&
      markdown.slice(node.position!.start.offset, node.position!.end.offset) === '## Tasks',
  );
  const list = tree.children.slice(tasksHeading).find((node) => node.type === 'list');
  assert.ok(list && list.type === 'list', 'a task list under "## Tasks"');
  return list.children.map((item) => {
    const paragraph = item.children[0]!;
    const line = markdown.slice(paragraph.position!.start.offset, paragraph.position!.end.offset);
    const [text, tail] = line.split(' — ');
    const parts = tail ? tail.split(', ') : [];
    const due = parts.find((part) => part.startsWith('due '))?.slice(4);
    const owner = parts.find((part) => !part.startsWith('due ') && !part.startsWith('['));
    return { text: text!, owner, due, done: item.checked === true };
  });
}

describe('after the incident: follow-ups, their export, the review invitation and the runbook note', function () {
  this.timeout(120_000);
  let incidentId: string;
  const workspace = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const runbook = () => join(workspace(), 'runbooks', 'follow-through-test-runbook.md');
  const incident = async (): Promise<Incident> => (await (await api()).store.get(incidentId))!;

  before(async () => {
    incidentId = await vscode.commands.executeCommand<string>(Commands.declareIncident, {
      title: 'Course pages time out',
      severity: 'P3',
      affectedServices: ['course-service'],
      commander: 'dana',
      technicalLead: 'lee@freelms.example',
      createSlackChannel: false,
      pagePagerDuty: false,
    });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace
      .getConfiguration('freelms')
      .update('runbook.path', undefined, vscode.ConfigurationTarget.Workspace);
    await rm(runbook(), { force: true });
  });

  it('adds follow-ups with owners and due dates, ticks one done and removes one', async () => {
    const add = (argument: object) =>
      vscode.commands.executeCommand<{ followUpId: string }>(Commands.addFollowUp, {
        incidentId,
        ...argument,
      });
    await add({ text: 'Add a timeout alert for course-service', owner: 'lee', due: '2030-01-20' });
    const done = await add({ text: 'Raise the connection pool', owner: 'dana' });
    await add({ text: 'Document the cache warm-up' });
    const mistake = await add({ text: 'Added by mistake' });
    await vscode.commands.executeCommand(Commands.completeFollowUp, {
      incidentId,
      followUpId: done.followUpId,
    });
    await vscode.commands.executeCommand(Commands.removeFollowUp, {
      incidentId,
      followUpId: mistake.followUpId,
    });

    const { followUps } = await incident();
    assert.deepEqual(
      followUps.map(({ text, owner, due, done }) => ({ text, owner, due, done })),
      [
        {
          text: 'Add a timeout alert for course-service',
          owner: 'lee',
          due: '2030-01-20',
          done: false,
        },
        { text: 'Raise the connection pool', owner: 'dana', due: undefined, done: true },
        { text: 'Document the cache warm-up', owner: undefined, due: undefined, done: false },
      ],
    );
  });

  it('refuses a due date that is not a day, naming the format', async () => {
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(Commands.addFollowUp, {
          incidentId,
          text: 'Never added',
          due: '2030-02-30',
        }),
      ),
      /YYYY-MM-DD/,
    );
    assert.ok(!(await incident()).followUps.some((f) => f.text === 'Never added'));
  });

  it('resolves, and the Markdown export’s tasks are exactly the report’s follow-ups', async () => {
    await vscode.commands.executeCommand(Commands.resolveIncident, {
      incidentId,
      summary: 'Restarted the cache',
      rootCause: 'A cold cache after the deploy',
    });
    assert.equal((await incident()).status, 'resolved');

    const path = await vscode.commands.executeCommand<string>(Commands.exportFollowUps, {
      incidentId,
      target: 'markdown',
    });
    assert.equal(path, join(workspace(), 'postmortems', `${incidentId}-follow-ups.md`));
    const markdown = await readFile(path, 'utf8');
    assert.match(markdown, /^# Follow-ups: Course pages time out\n/);

    const resolved = await incident();
    assert.deepEqual(
      exportedTasks(markdown),
      resolved.followUps.map(({ text, owner, due, done }) => ({ text, owner, due, done })),
    );
    const exported = resolved.events.findLast((e) => e.type === 'followups.exported');
    assert.deepEqual(
      exported && exported.type === 'followups.exported' && [exported.path, exported.count],
      [`postmortems/${incidentId}-follow-ups.md`, 3],
    );

    // Someone writes a task into the exported file; exporting again keeps it, as a follow-up.
    await writeFile(
      path,
      markdown.replace('## Tasks\n\n', '## Tasks\n\n- [ ] Warm the cache after deploys — Sam\n'),
    );
    await vscode.commands.executeCommand(Commands.exportFollowUps, {
      incidentId,
      target: 'markdown',
    });
    const again = await incident();
    assert.deepEqual(again.followUps.map((f) => [f.text, f.owner]).at(-1), [
      'Warm the cache after deploys',
      'Sam',
    ]);
    assert.deepEqual(
      exportedTasks(await readFile(path, 'utf8')),
      again.followUps.map(({ text, owner, due, done }) => ({ text, owner, due, done })),
    );
  });

  it('writes times in this machine’s zone when the time zone setting names no zone', async () => {
    const config = () => vscode.workspace.getConfiguration('freelms');
    await config().update(
      'severity.timeZone',
      'Europe/Atlantis',
      vscode.ConfigurationTarget.Workspace,
    );
    try {
      const path = await vscode.commands.executeCommand<string>(Commands.exportFollowUps, {
        incidentId,
        target: 'markdown',
      });
      const markdown = await readFile(path, 'utf8');
      const machine = Intl.DateTimeFormat().resolvedOptions().timeZone;
      assert.match(
        markdown,
        new RegExp(`resolved \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(${machine}\\)`),
      );
      assert.doesNotMatch(markdown, /Atlantis/);
    } finally {
      await config().update('severity.timeZone', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('adds a follow-up the authors write into the saved postmortem, once', async () => {
    const written = await vscode.commands.executeCommand<{ path: string }>(
      Commands.generatePostmortem,
      { incidentId },
    );
    const document = await vscode.workspace.openTextDocument(written.path);
    const heading = document.getText().indexOf('## Follow-ups');
    assert.ok(heading >= 0);
    const line = document.positionAt(heading).line + 1;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(
      document.uri,
      new vscode.Position(line, 0),
      '\n- [ ] Load-test course-service before releases — @sam, due 2030-01-25\n',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    await document.save();

    const added = await until(
      async () =>
        (await incident()).followUps.find(
          (f) => f.text === 'Load-test course-service before releases',
        ),
      'the follow-up from the postmortem',
    );
    assert.deepEqual([added.owner, added.due], ['sam', '2030-01-25']);

    await document.save();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(
      (await incident()).followUps.filter((f) => f.text.startsWith('Load-test course-service'))
        .length,
      1,
      'saving again adds nothing twice',
    );
  });

  it('schedules the review: the .ics parses as one valid event, and review.scheduled is journaled', async () => {
    const start = '2030-01-15T10:00:00.000Z';
    const result = await vscode.commands.executeCommand<{ path: string; sequence: number }>(
      Commands.schedulePostmortemReview,
      { incidentId, start, attendees: ['Ops Team <ops@freelms.example>'] },
    );
    assert.equal(result.path, join(workspace(), 'postmortems', `${incidentId}-review.ics`));

    const read = async () => {
      const calendar = new ICAL.Component(ICAL.parse(await readFile(result.path, 'utf8')));
      const events = calendar.getAllSubcomponents('vevent');
      assert.equal(events.length, 1);
      return new ICAL.Event(events[0]!);
    };
    const event = await read();
    assert.equal(event.summary, 'Blameless postmortem: Course pages time out');
    assert.equal(event.startDate.toJSDate().toISOString(), start);
    assert.equal(event.endDate.toJSDate().toISOString(), '2030-01-15T11:00:00.000Z');
    assert.deepEqual(event.attendees.map((a) => a.getFirstValue()).sort(), [
      'mailto:lee@freelms.example',
      'mailto:ops@freelms.example',
    ]);
    assert.match(event.description, /No e-mail address known for dana/);
    assert.match(event.description, new RegExp(`Postmortem: postmortems/${incidentId}\\.md`));

    const scheduled = (await incident()).events.findLast((e) => e.type === 'review.scheduled');
    assert.ok(scheduled?.type === 'review.scheduled');
    assert.deepEqual(
      [scheduled.when, scheduled.durationMinutes, scheduled.path],
      [start, 60, `postmortems/${incidentId}-review.ics`],
    );

    await vscode.commands.executeCommand(Commands.schedulePostmortemReview, {
      incidentId,
      start: '2030-01-15T14:00:00Z',
    });
    const again = await read();
    assert.equal(again.uid, event.uid, 'the same event, moved');
    assert.equal(again.sequence, 1);
  });

  it('names the setting when the runbook it points to does not exist or is a folder', async () => {
    const config = vscode.workspace.getConfiguration('freelms');
    await mkdir(join(workspace(), 'runbooks'), { recursive: true });
    try {
      for (const [path, says] of [
        ['runbooks/no-such-runbook.md', /does not exist/],
        ['runbooks', /is a folder, not a file/],
      ] as const) {
        await config.update('runbook.path', path, vscode.ConfigurationTarget.Workspace);
        await assert.rejects(
          Promise.resolve(
            vscode.commands.executeCommand(Commands.updateRunbook, {
              incidentId,
              phase: 'Mitigation',
              note: 'never written',
            }),
          ),
          (error: Error) =>
            says.test(error.message) && /freelms\.runbook\.path/.test(error.message),
        );
      }
    } finally {
      await config.update('runbook.path', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('notes in the runbook what the incident found lacking, under the phase’s heading, unsaved', async () => {
    await mkdir(join(workspace(), 'runbooks'), { recursive: true });
    await writeFile(runbook(), `# Team runbook\n${BUILT_IN_RUNBOOK}`);
    await vscode.workspace
      .getConfiguration('freelms')
      .update(
        'runbook.path',
        'runbooks/follow-through-test-runbook.md',
        vscode.ConfigurationTarget.Workspace,
      );

    const result = await vscode.commands.executeCommand<{ phase: string; line: number }>(
      Commands.updateRunbook,
      { incidentId, phase: 'Mitigation', note: 'The cache had no warm-up step' },
    );
    assert.equal(result.phase, 'Mitigation');
    const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === runbook())!;
    assert.ok(document.isDirty, 'inserted for the author to save, not saved');
    assert.equal(document.lineAt(result.line - 1).text, '### Phase 3: Mitigation');
    assert.match(
      document.lineAt(result.line).text,
      new RegExp(
        `^<!-- FreeLMS ${incidentId}, \\d{4}-\\d{2}-\\d{2}: The cache had no warm-up step -->$`,
      ),
    );
    const annotated = (await incident()).events.findLast((e) => e.type === 'runbook.annotated');
    assert.deepEqual(annotated?.type === 'runbook.annotated' && [annotated.path, annotated.phase], [
      'runbooks/follow-through-test-runbook.md',
      'Mitigation',
    ]);
  });

  it('has every post-incident step of the checklist ticked from the journal', async () => {
    const phase = postIncidentPhase(defaultChecklist(), await incident(), new Date())!;
    assert.deepEqual(
      phase.items.map((item) => [item.rule, item.ticked]),
      [
        ['report', true],
        ['review', true],
        ['followUps', true],
        ['runbook', true],
      ],
    );
  });
});
