import assert from 'node:assert/strict';

import * as v from 'valibot';

import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent } from '../../../src/incident/model';
import { FromReportSchema } from '../../../src/ui/report/protocol';
import {
  draftTimeText,
  hasUnsavedChanges,
  ReportDrafts,
  type DraftMemento,
} from '../../../src/ui/report/reportDrafts';

const declared: IncidentEvent = {
  type: 'declared',
  id: 'd1',
  at: '2026-12-03T02:40:00.000Z',
  incidentId: '2026-12-03-payments-failing',
  title: 'Payments failing',
  severity: 'P1',
  services: ['payment-service'],
  usersImpacted: 'everyone paying',
};
const incident = deriveIncident([
  declared,
  { type: 'followup.added', id: 'f1', at: '2026-12-03T03:00:00.000Z', text: 'Alert on retries' },
]);
/** The same id declared again after the journal was removed: another incident. */
const redeclared = deriveIncident([{ ...declared, at: '2026-12-03T09:00:00.000Z' }]);

/** The workspace state, in memory. */
class MemoryMemento implements DraftMemento {
  readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    return Promise.resolve();
  }
}

const at3am = new Date('2026-12-03T03:12:30.000Z');

describe('the incident report’s unsaved draft', () => {
  it('comes back exactly as typed, secrets and stray spaces included, after the tab is closed', async () => {
    const drafts = new ReportDrafts(new MemoryMemento(), () => at3am);
    const typed = {
      summary: '  Checkout failed for 40 min; token ghp_abcdefghijklmnopqrstuvwxyz0123456789 ',
      rootCause: 'Webhook timeout of 1 s\n',
      newFollowUps: [{ text: 'Raise the timeout', owner: 'lee', due: '2026-12-05' }],
      pending: { text: 'Alert on webhook', owner: 'ki', due: '' },
    };
    await drafts.keep(incident, typed);
    const restored = await drafts.restore(incident);
    assert.deepEqual(restored?.values, typed);
    assert.equal(restored?.at, at3am.toISOString());
  });

  it('is not kept when it holds nothing a save would change', async () => {
    const memento = new MemoryMemento();
    const drafts = new ReportDrafts(memento);
    await drafts.keep(incident, { summary: 'Checkout failed' });
    await drafts.keep(incident, {
      services: ['payment-service'],
      usersImpacted: 'everyone paying ',
      dataAtRisk: 'unknown',
      summary: '',
      newFollowUps: [],
      done: [],
      removed: [],
      pending: { text: ' ', owner: '', due: '' },
    });
    assert.equal(memento.values.size, 0);
    assert.equal(await drafts.restore(incident), undefined);
  });

  it('counts a staged, ticked or removed follow-up, or one half typed, as unsaved', () => {
    assert.ok(
      hasUnsavedChanges({ newFollowUps: [{ text: 'Add a test', owner: '', due: '' }] }, incident),
    );
    assert.ok(hasUnsavedChanges({ done: ['f1'] }, incident));
    assert.ok(hasUnsavedChanges({ removed: ['f1'] }, incident));
    assert.ok(hasUnsavedChanges({ pending: { text: '', owner: '', due: '2026-12' } }, incident));
    assert.equal(hasUnsavedChanges({ done: ['gone'] }, incident), false);
  });

  it('keeps text that cannot be saved yet rather than losing it', () => {
    assert.ok(hasUnsavedChanges({ summary: 'x'.repeat(2001) }, incident));
  });

  it('is dropped when the report is saved, and ignored for another incident of the same id', async () => {
    const memento = new MemoryMemento();
    const drafts = new ReportDrafts(memento);
    await drafts.keep(incident, { summary: 'Checkout failed' });
    await drafts.clear(incident.id);
    assert.equal(await drafts.restore(incident), undefined);

    await drafts.keep(incident, { summary: 'Checkout failed' });
    assert.equal(await drafts.restore(redeclared), undefined);
    assert.equal(memento.values.size, 0);
  });

  it('is dropped once what it holds was saved from another window', async () => {
    const drafts = new ReportDrafts(new MemoryMemento());
    await drafts.keep(incident, { rootCause: 'Webhook timeout' });
    const savedElsewhere = deriveIncident([
      ...incident.events,
      {
        type: 'scope.updated',
        id: 's1',
        at: '2026-12-03T03:20:00.000Z',
        rootCause: 'Webhook timeout',
      },
    ]);
    assert.equal(await drafts.restore(savedElsewhere), undefined);
  });

  it('is dropped when unreadable, and pruned when its incident is gone', async () => {
    const memento = new MemoryMemento();
    const drafts = new ReportDrafts(memento);
    await memento.update(`freelms.report.draft:${incident.id}`, { values: 'garbage' });
    assert.equal(await drafts.restore(incident), undefined);

    await drafts.keep(incident, { summary: 'Checkout failed' });
    await memento.update('freelms.report.draft:2026-11-01-gone', { declaredAt: '', at: '' });
    await memento.update('freelms.cluster.context', 'prod');
    await drafts.prune((id) => Promise.resolve(id === incident.id));
    assert.deepEqual(memento.keys(), [
      `freelms.report.draft:${incident.id}`,
      'freelms.cluster.context',
    ]);
  });

  it('says when it was typed: the time today, the day as well before today', () => {
    const iso = '2026-12-03T02:40:00.000Z';
    assert.equal(draftTimeText(iso, at3am, 'UTC'), '02:40');
    assert.equal(draftTimeText(iso, at3am, 'Europe/Berlin'), '03:40');
    assert.equal(draftTimeText('2026-12-02T23:40:00.000Z', at3am, 'UTC'), '2026-12-02 23:40');
  });

  it('is sent by the form with its fields untrimmed, and refused when it is not a draft', () => {
    const draft = { summary: ' Checkout failed ', pending: { text: 'a', owner: '', due: '' } };
    const parsed = v.safeParse(FromReportSchema, { type: 'draft', draft });
    assert.ok(parsed.success);
    assert.deepEqual(parsed.output.type === 'draft' && parsed.output.draft, draft);
    assert.equal(
      v.safeParse(FromReportSchema, { type: 'draft', draft: { summary: 42 } }).success,
      false,
    );
  });
});
