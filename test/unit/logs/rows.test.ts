import assert from 'node:assert/strict';

import { KubeError } from '../../../src/platform/kube/errors';
import { EntryAssembler } from '../../../src/platform/kube/logEntries';
import type { LogEntry } from '../../../src/platform/kube/logEntries';
import { LogFilterError } from '../../../src/platform/kube/logFilter';
import { hintFor } from '../../../src/ui/logs/logFeed';
import { containersOf, defaultContainer } from '../../../src/ui/logs/podSpec';
import { LogRows, plainText, readableRow } from '../../../src/ui/logs/rows';

const NO_FILTER = { levels: [], include: '', exclude: '' };

function entries(lines: string[], pod?: string): LogEntry[] {
  const assembler = new EntryAssembler({ pod });
  return [...lines.flatMap((line) => assembler.push(line)), ...assembler.flush()];
}

const SPRING = [
  '2026-03-10T11:00:01.000000000Z 2026-03-10 11:00:01.000  INFO 1 --- [main] c.f.Api : Started',
  '2026-03-10T11:00:02.000000000Z 2026-03-10 11:00:02.000 ERROR 1 --- [exec-1] c.f.Api : Request failed',
  '2026-03-10T11:00:02.000000000Z java.lang.IllegalStateException: pool exhausted',
  '2026-03-10T11:00:02.000000000Z \tat com.freelms.Pool.get(Pool.java:42)',
  '2026-03-10T11:00:03.000000000Z 2026-03-10 11:00:03.000  WARN 1 --- [exec-2] c.f.Api : Slow query',
];

describe('what a log panel holds and shows', () => {
  it('keeps a stack trace with its ERROR line and hides INFO when filtering by level', () => {
    const rows = new LogRows(1000);
    rows.setFilter({ ...NO_FILTER, levels: ['ERROR'] });
    const shown = rows.add(entries(SPRING));
    assert.equal(shown.length, 1);
    assert.match(shown[0]!.text, /Request failed/);
    assert.equal(shown[0]!.continuation.length, 2);
    assert.equal(rows.stats.entries, 3, 'the buffer keeps every entry for a later filter change');
  });

  it('applies a new filter to lines already held, in arrival order', () => {
    const rows = new LogRows(1000);
    rows.add(entries(SPRING));
    rows.setFilter({ ...NO_FILTER, include: 'slow|pool' });
    assert.deepEqual(
      rows.visibleRows().map((row) => row.seq),
      [2, 3],
      'the stack trace line "pool exhausted" matches its entry',
    );
    rows.setFilter({ ...NO_FILTER, exclude: 'slow' });
    assert.deepEqual(
      rows.visibleRows().map((row) => row.level),
      ['INFO', 'ERROR'],
    );
  });

  it("keeps Spring's indented message, blank line and exception with the ERROR line", () => {
    const rows = new LogRows(1000);
    rows.setFilter({ ...NO_FILTER, levels: ['ERROR'] });
    const shown = rows.add(
      entries([
        '2019-04-26 14:00:46.990 ERROR 89248 --- [exec-1] c.d.GlobalExceptionHandler : Missing @Url.',
        '    for method ServiceMesh2Api.getIndex',
        '',
        'java.lang.IllegalArgumentException: Missing @Url.',
        '    for method ServiceMesh2Api.getIndex',
        '\tat retrofit2.Utils.methodError(Utils.java:52) ~[retrofit-2.5.0.jar:na]',
        '2019-04-26 14:00:47.000  INFO 89248 --- [main] c.d.App : next',
      ]),
    );
    assert.equal(shown.length, 1);
    assert.equal(shown[0]!.continuation.length, 5);
  });

  it('refuses a pattern RE2 cannot run and keeps the previous filter', () => {
    const rows = new LogRows(1000);
    rows.add(entries(SPRING));
    rows.setFilter({ ...NO_FILTER, levels: ['WARN'] });
    assert.throws(
      () => rows.setFilter({ ...NO_FILTER, include: '(?<=a)b' }),
      (error: unknown) => error instanceof LogFilterError && error.field === 'include',
    );
    assert.deepEqual(
      rows.visibleRows().map((row) => row.level),
      ['WARN'],
    );
  });

  it('stays within its line budget, counting the lines it dropped', () => {
    const rows = new LogRows(4);
    rows.add(entries(SPRING));
    rows.add(entries(SPRING));
    assert.ok(rows.stats.lines <= 4);
    assert.ok(rows.stats.droppedLines > 0);
  });

  it("shows a JSON log line readably, its stack_trace as the entry's stack", () => {
    const json = {
      '@timestamp': '2026-03-10T11:00:00Z',
      level: 'ERROR',
      message: 'SMTP send failed',
      logger_name: 'c.f.SmtpSender',
      stack_trace:
        'javax.mail.MessagingException: timeout\n\tat c.f.SmtpSender.send(SmtpSender.java:12)',
    };
    const readable = readableRow(json);
    assert.equal(readable.text, 'ERROR SMTP send failed  logger_name=c.f.SmtpSender');
    assert.equal(readable.continuation.length, 2);
    const [entry] = entries([JSON.stringify(json)]);
    const rows = new LogRows(100);
    assert.equal(rows.add([entry!])[0]!.text, readable.text);
  });

  it('copies and saves plain text: ANSI stripped, pod and timestamp in front, stack kept', () => {
    const [entry] = entries(
      ['2026-03-10T11:00:01.000000000Z \u001b[31mERROR\u001b[0m boom', '  at x (y.js:1:1)'],
      'course-service-abc',
    );
    assert.equal(
      plainText(entry!, { pod: true, timestamps: true }),
      '2026-03-10T11:00:01.000000000Z course-service-abc ERROR boom\n  at x (y.js:1:1)',
    );
  });

  it('tells the responder what to do about a stream error', () => {
    const options = { follow: true, previous: true };
    assert.match(hintFor(new KubeError('noPreviousLogs', 'x'), options)!, /Turn off "previous"/);
    assert.match(hintFor(new KubeError('forbidden', 'x'), options)!, /RBAC/);
    assert.match(hintFor(new KubeError('badRequest', 'x'), options)!, /Choose a container/);
    assert.equal(hintFor(undefined, options), undefined);
  });
});

describe('which container a log panel reads', () => {
  const spec = (names: string[], init: string[] = []) => ({
    containers: names.map((name) => ({ name })),
    initContainers: init.map((name) => ({ name })),
  });

  it('lets the server pick a single container, and picks the first of a pod with a sidecar', () => {
    assert.equal(defaultContainer({ spec: spec(['course-service']) }), undefined);
    assert.equal(defaultContainer({ spec: spec(['api-gateway', 'envoy']) }), 'api-gateway');
  });

  it('follows the kubectl.kubernetes.io/default-container annotation, as kubectl does', () => {
    const annotations = { 'kubectl.kubernetes.io/default-container': 'envoy' };
    assert.equal(defaultContainer({ spec: spec(['api-gateway', 'envoy']), annotations }), 'envoy');
    const stale = { 'kubectl.kubernetes.io/default-container': 'gone' };
    assert.equal(defaultContainer({ spec: spec(['a', 'b']), annotations: stale }), 'a');
  });

  it('offers init containers first in the picker', () => {
    assert.deepEqual(containersOf({ spec: spec(['app'], ['wait-for-kafka']) }), [
      { name: 'wait-for-kafka', init: true },
      { name: 'app', init: false },
    ]);
  });

  it('starts the dropped count again after a clear', () => {
    const rows = new LogRows(4);
    rows.add(entries(SPRING));
    rows.add(entries(SPRING));
    assert.ok(rows.stats.droppedLines > 0);
    rows.clear();
    assert.equal(rows.stats.droppedLines, 0);
  });
});
