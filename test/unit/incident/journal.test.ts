import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { parseJournal } from '../../../src/incident/journal';
import { IncidentStore, UnknownIncidentError } from '../../../src/incident/store';
import { gatewayDown, manualClock, tempFolder } from './helpers';

const run = promisify(execFile);

describe('incident journal', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeEach(async () => {
    folder = await tempFolder('journal');
  });
  afterEach(async () => {
    await folder.remove();
  });

  it('declares an incident with a short, dated id usable as a Slack channel name', async () => {
    const clock = manualClock('2026-12-03T23:30:00Z');
    const store = await IncidentStore.open({
      folder: folder.path,
      timeZone: 'Europe/Berlin',
      now: clock.now,
    });
    const incident = await store.declare(gatewayDown);
    // 23:30 UTC is already the 4th in Berlin: the id carries the team's local date.
    assert.equal(incident.id, '2026-12-04-api-gateway-down');
    assert.equal(incident.status, 'investigating');
    assert.equal(incident.severity, 'P1');
    const second = await store.declare(gatewayDown);
    assert.equal(second.id, '2026-12-04-api-gateway-down-2');
  });

  it('keeps a token or password pasted into a note out of the journal', async () => {
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    const incident = await store.declare({
      ...gatewayDown,
      description: 'login with password=hunter22 fails',
    });
    await store.append(incident.id, {
      type: 'note',
      text: 'used xoxb-123456789012-abcdefghijkl and postgres://lms:s3cret@db/lms',
    });
    const text = await readFile(store.journalPath(incident.id), 'utf8');
    for (const secret of ['hunter22', 'abcdefghijkl', 's3cret'])
      assert.ok(!text.includes(secret), secret);
    const note = (await store.get(incident.id))!.events.at(-1);
    assert.equal(note?.type === 'note' && note.text, 'used xoxb-*** and postgres://lms:***@db/lms');
  });

  it('makes the id, and so the Slack channel and PagerDuty key, from the title without its secret', async () => {
    const store = await IncidentStore.open({
      folder: folder.path,
      timeZone: 'UTC',
      now: () => new Date('2026-12-03T10:00:00Z'),
    });
    const incident = await store.declare({ ...gatewayDown, title: 'password=hunter22 rejected' });
    assert.equal(incident.id, '2026-12-03-password-rejected');
    assert.equal(incident.title, 'password=*** rejected', 'the state returned is what was written');
    const text = await readFile(store.journalPath(incident.id), 'utf8');
    assert.ok(!text.includes('hunter22'));
  });

  it('returns the events as written, redacted and with their ids, for the caller to find', async () => {
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    const { id } = await store.declare(gatewayDown);
    const { incident, written } = await store.write(id, [
      { type: 'followup.added', text: 'Rotate password=hunter22' },
      { type: 'note', text: 'rotated' },
    ]);
    assert.equal(written.length, 2);
    assert.equal(written[0]!.type === 'followup.added' && written[0]!.text, 'Rotate password=***');
    assert.deepEqual(
      incident.followUps.map((f) => [f.id, f.text]),
      [[written[0]!.id, 'Rotate password=***']],
    );
  });

  it('keeps ids within Slack limits for very long titles with accents and emoji', async () => {
    const store = await IncidentStore.open({
      folder: folder.path,
      timeZone: 'UTC',
      now: () => new Date('2026-12-03T10:00:00Z'),
    });
    const incident = await store.declare({
      ...gatewayDown,
      title: `Zahlungsdienst fällt aus 🚨 ${'sehr '.repeat(30)}lang`,
    });
    assert.match(incident.id, /^2026-12-03-zahlungsdienst-fallt-aus-sehr-sehr/);
    assert.ok(incident.id.length <= 50);
    assert.match(incident.id, /-sehr$/, 'cut at a word boundary');
    assert.match(incident.id, /^[a-z0-9-]+$/);
  });

  it('writes one human-readable JSON line per event, flushed before append resolves', async () => {
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    const { id } = await store.declare(gatewayDown);
    await store.append(id, { type: 'note', text: 'pods restarting in a loop', by: 'Dana' });
    const lines = (await readFile(store.journalPath(id), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^\{"type":"declared","at":"/);
    assert.deepEqual(JSON.parse(lines[1]!).text, 'pods restarting in a loop');
  });

  it('ignores a torn last line after a crash and keeps every event before it', async () => {
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    const { id } = await store.declare(gatewayDown);
    await store.append(id, { type: 'acknowledged' });
    await appendFile(store.journalPath(id), '{"type":"note","at":"2026-12-03T10:0');
    const incident = await store.get(id);
    assert.ok(incident?.acknowledgedAt);
    assert.equal(incident.events.length, 2);
    assert.deepEqual(await store.problems(id), [
      { line: 3, reason: 'torn last line (interrupted write), ignored' },
    ]);

    // The next append starts on a fresh line instead of gluing itself to the fragment.
    await store.append(id, { type: 'note', text: 'after the crash' });
    const after = await store.get(id);
    assert.equal(after?.events.at(-1)?.type, 'note');
    assert.equal(after.events.length, 3);
  });

  it('refuses to append to an incident that was never declared, creating no journal', async () => {
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    await assert.rejects(
      store.append('2026-12-03-nothing', { type: 'note', text: 'x' }),
      UnknownIncidentError,
    );
    assert.deepEqual(await store.list(), []);
    assert.equal(await store.get('2026-12-03-nothing'), undefined);
  });

  it('skips a hand-edited line that is not an event without losing the rest', () => {
    const contents = parseJournal(
      '{"type":"declared","at":"2026-12-03T10:00:00Z","id":"a","incidentId":"x",' +
        '"title":"t","severity":"P2","services":[]}\n' +
        'oops\n{"type":"acknowledged","at":"2026-12-03T10:05:00Z","id":"b"}\n',
    );
    assert.equal(contents.events.length, 2);
    assert.deepEqual(contents.problems, [{ line: 2, reason: 'not a journal event, skipped' }]);
  });

  it('keeps every line whole when two windows append to the same journal at once', async function () {
    this.timeout(20_000);
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    const { id } = await store.declare(gatewayDown);
    const worker = join(import.meta.dirname, 'fixtures', 'append-worker.ts');
    const path = store.journalPath(id);
    await Promise.all(
      ['left', 'right'].map((w) =>
        run(process.execPath, ['--import', 'tsx', worker, path, w, '300']),
      ),
    );
    const incident = await store.get(id);
    assert.deepEqual(await store.problems(id), []);
    const notes = incident!.events.filter((e) => e.type === 'note');
    assert.equal(notes.length, 600);
    for (const writer of ['left', 'right']) {
      const mine = notes
        .map((n) => (n.type === 'note' ? n.text : ''))
        .filter((t) => t.startsWith(writer));
      assert.deepEqual(
        mine.map((t) => Number(t.split(' ')[1])),
        [...Array(300).keys()],
        `${writer} in order`,
      );
    }
  });

  it('serialises appends from one window so events keep their order', async () => {
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    const { id } = await store.declare(gatewayDown);
    await Promise.all(
      [...Array(50).keys()].map((i) => store.append(id, { type: 'note', text: String(i) })),
    );
    const incident = await store.get(id);
    const texts = incident!.events.flatMap((e) => (e.type === 'note' ? [e.text] : []));
    assert.deepEqual(texts, [...Array(50).keys()].map(String));
  });

  it('tells listeners when another window appended to a journal', async () => {
    const mine = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    const other = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    const { id } = await other.declare(gatewayDown);
    const watching = mine.watch();
    try {
      const seen = new Promise<string>((resolve) => mine.onDidChange(resolve));
      await other.append(id, { type: 'acknowledged' });
      assert.equal(await seen, id);
      assert.ok((await mine.get(id))?.acknowledgedAt);
    } finally {
      watching.dispose();
    }
  });

  it('lists incidents newest first and ignores files that are not journals', async () => {
    const clock = manualClock('2026-12-03T10:00:00Z');
    const store = await IncidentStore.open({
      folder: folder.path,
      timeZone: 'UTC',
      now: clock.now,
    });
    await store.declare({ ...gatewayDown, title: 'Payments failing', severity: 'P2' });
    clock.advance(60);
    await store.declare(gatewayDown);
    await writeFile(join(folder.path, 'notes.md'), '# not a journal');
    await writeFile(
      join(folder.path, 'broken.jsonl'),
      '{"type":"note","at":"x","id":"y","text":"z"}\n',
    );
    const ids = (await store.list()).map((i) => i.id);
    assert.deepEqual(ids, ['2026-12-03-api-gateway-down', '2026-12-03-payments-failing']);
  });
});
