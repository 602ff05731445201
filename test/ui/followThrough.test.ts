import assert from 'node:assert/strict';
import { join } from 'node:path';

import { IncidentStore } from '../../src/incident/store';
import {
  openWorkbench,
  runCommand,
  SCREENSHOTS,
  screenshotOnFailure,
  webviewTitled,
  type Workbench,
} from './workbench';

describe('after the incident, as the responders see it', function () {
  let workbench: Workbench;
  let store: IncidentStore;
  let incidentId: string;

  before(async () => {
    workbench = await openWorkbench();
    // Resolved seven hours ago, so 41 of its 48 post-incident hours are left.
    store = await IncidentStore.open({
      folder: join(workbench.workspace, '.freelms', 'incidents'),
      timeZone: 'UTC',
    });
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const incident = await store.declare({
      title: 'Course pages time out',
      severity: 'P2',
      services: ['course-service'],
      usersImpacted: 'learners opening a course',
      dataAtRisk: 'no',
      notify: { pagerduty: false, slack: false, statusPage: false },
      roles: { commander: 'dana', technicalLead: 'lee' },
      at: minutesAgo(8 * 60),
    });
    incidentId = incident.id;
    await store.append(incident.id, [
      { type: 'resolved', summary: 'Warmed the cache', at: minutesAgo(7 * 60) },
      {
        type: 'followup.added',
        text: 'Alert on course-service latency',
        owner: 'lee',
        due: '2030-01-20',
        at: minutesAgo(7 * 60 - 5),
      },
      { type: 'followup.added', text: 'Added by mistake', at: minutesAgo(7 * 60 - 4) },
    ]);
  });

  screenshotOnFailure('follow-through', () => workbench);

  after(async () => {
    await workbench?.close();
  });

  it('opens a resolved incident on its post-incident checklist, the deadline and the follow-ups', async () => {
    const { page } = workbench;
    await page.locator('.activitybar [aria-label^="FreeLMS"]').first().click();
    const view = page.locator('[id="workbench.view.extension.freelms"]');
    await view
      .locator('.monaco-list-row', { hasText: /^Resolved/ })
      .first()
      .click();
    await view.locator('.monaco-list-row', { hasText: 'Course pages time out' }).first().click();

    const deadline = view.locator('.monaco-list-row', { hasText: /^(Due in 4[01] h)/ }).first();
    await deadline.waitFor({ timeout: 30_000 });
    assert.match((await deadline.textContent()) ?? '', /by \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC\)/);
    for (const step of [
      'Write incident report',
      'Schedule blameless postmortem',
      'Create follow-up tickets',
      'Update runbooks if needed',
    ])
      await view.locator('.monaco-list-row', { hasText: step }).first().waitFor();
    const followUp = view.locator('.monaco-list-row', {
      hasText: 'Alert on course-service latency',
    });
    await followUp.first().waitFor();
    assert.match((await followUp.first().textContent()) ?? '', /lee · due 2030-01-20/);
    await page.screenshot({ path: join(SCREENSHOTS, 'post-incident-checklist.png') });
  });

  it('adds a follow-up with owner and due date in the report form, refusing a day that does not exist, two owners and a repeat', async () => {
    const { page } = workbench;
    await runCommand(page, 'FreeLMS: Open Incident Report');
    const { frame: form } = await webviewTitled(page, 'Report: Course pages time out');
    await form.locator('#followUps li', { hasText: 'Added by mistake' }).waitFor();
    assert.match(
      (await form.locator('#deadline').textContent()) ?? '',
      /^Post-incident steps due in 4[01] h, by .* \(UTC\)\.$/,
    );

    await form.locator('#newFollowUp').fill('Load-test course-service before releases');
    await form.locator('#newOwner').fill('sam');
    await form.locator('#newDue').fill('2030-02-30');
    await form.locator('#addFollowUp').click();
    assert.match((await form.locator('#newFollowUp-error').textContent()) ?? '', /YYYY-MM-DD/);
    assert.equal(await form.locator('#newDue').getAttribute('aria-invalid'), 'true');
    await page.screenshot({ path: join(SCREENSHOTS, 'report-follow-up-bad-date.png') });

    await form.locator('#newDue').fill('2030-02-03');
    await form.locator('#newOwner').fill('Sam, Lee');
    await form.locator('#addFollowUp').click();
    assert.match((await form.locator('#newFollowUp-error').textContent()) ?? '', /one owner/);
    assert.equal(await form.locator('#newOwner').getAttribute('aria-invalid'), 'true');

    await form.locator('#newOwner').fill('@sam');
    await form.locator('#addFollowUp').click();
    await form
      .locator('#added li', { hasText: 'Load-test course-service before releases' })
      .waitFor();
    // The same follow-up typed again, as a tired responder does, is refused where it is typed.
    await form.locator('#newFollowUp').fill('load-test course-service before releases.');
    await form.locator('#addFollowUp').click();
    assert.match(
      (await form.locator('#newFollowUp-error').textContent()) ?? '',
      /is a follow-up already/,
    );
    assert.equal(await form.locator('#added li').count(), 1);
    await form.locator('#newFollowUp').fill('');
    await form
      .locator('#followUps li', { hasText: 'Added by mistake' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await page.screenshot({ path: join(SCREENSHOTS, 'report-follow-ups.png') });
    await form.locator('#save').click();
    await form.locator('#outcome', { hasText: 'Saved: 2 change(s)' }).waitFor();

    const incident = (await store.get(incidentId))!;
    assert.deepEqual(
      incident.followUps.map(({ text, owner, due }) => ({ text, owner, due })),
      [
        { text: 'Alert on course-service latency', owner: 'lee', due: '2030-01-20' },
        { text: 'Load-test course-service before releases', owner: 'sam', due: '2030-02-03' },
      ],
    );
  });

  it('keeps a follow-up typed but not added when the report tab is hidden and shown again', async () => {
    const { page } = workbench;
    const { frame: form } = await webviewTitled(page, 'Report: Course pages time out');
    await form.locator('#newFollowUp').fill('Half-typed follow-up');
    await form.locator('#newOwner').fill('kim');
    await runCommand(page, 'File: New Untitled Text File');
    await page.locator('.tab', { hasText: 'Report: Course pages time out' }).click();
    const again = (await webviewTitled(page, 'Report: Course pages time out')).frame;
    await again.locator('#followUps li').first().waitFor();
    assert.equal(await again.locator('#newFollowUp').inputValue(), 'Half-typed follow-up');
    assert.equal(await again.locator('#newOwner').inputValue(), 'kim');
  });
});
