import assert from 'node:assert/strict';

import { LineSplitter } from '../../../src/platform/kube/lines';
import { LogBuffer } from '../../../src/platform/kube/logBuffer';
import { detectLevel, EntryAssembler, readableJson } from '../../../src/platform/kube/logEntries';
import type { LogEntry } from '../../../src/platform/kube/logEntries';
import { compileLogFilter } from '../../../src/platform/kube/logFilter';
import type { LogFilterError } from '../../../src/platform/kube/logFilter';

const assemble = (lines: string[]): LogEntry[] => {
  const a = new EntryAssembler({ pod: 'course-service-6d4b75cb6d-aaaaa' });
  return [...lines.flatMap((l) => a.push(l)), ...a.flush()];
};

describe('log lines', () => {
  it('finds the level of Spring Boot, logback, logfmt, klog and JSON lines', () => {
    const cases: [string, string | undefined][] = [
      [
        '2026-03-10T11:59:58.120Z ERROR 1 --- [course-service] [nio-8080-exec-3] ' +
          'c.f.course.CourseController : Enrolment failed',
        'ERROR',
      ],
      [
        '2026-03-10 11:59:58.120  WARN 1 --- [           main] o.h.e.j.e.i.JdbcEnvironmentInitiator     : HHH000342',
        'WARN',
      ],
      [
        '11:59:58.120 [main] INFO  c.f.user.UserApplication - Started UserApplication in 4.2 seconds',
        'INFO',
      ],
      ['time="2026-03-10T11:59:58Z" level=error msg="payment provider timeout"', 'ERROR'],
      ['E0310 11:59:58.120000       1 reflector.go:138] failed to list *v1.Pod', 'ERROR'],
      [
        '{"@timestamp":"2026-03-10T11:59:58Z","level":"WARN","message":"slow query","duration_ms":1200}',
        'WARN',
      ],
      ['{"level":50,"time":1773143998120,"msg":"unhandled rejection"}', 'ERROR'],
      ['{"severity":"CRITICAL","message":"disk full"}', 'ERROR'],
      ['GET /api/courses 200 12ms', undefined],
      ['user reported an error in the form', undefined],
    ];
    for (const [line, level] of cases) {
      assert.equal(detectLevel(line).level, level, line);
    }
  });

  it('strips ANSI colour codes before reading the level, keeping them in the text to render', () => {
    const [entry] = assemble(['\u001b[31mERROR\u001b[0m payment declined: card expired']);
    assert.equal(entry!.level, 'ERROR');
    assert.equal(entry!.plain, 'ERROR payment declined: card expired');
    assert.ok(entry!.text.includes('\u001b[31m'));
  });

  it('keeps a Java stack trace with the line that introduced it, causes and "... more" included', () => {
    const entries = assemble([
      '2026-03-10T11:59:58.120000000Z 2026-03-10 11:59:58.120 ERROR 1 --- [nio-8080-exec-3] ' +
        'o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception',
      '2026-03-10T11:59:58.120000001Z java.lang.NullPointerException: ' +
        'Cannot invoke "Course.getId()" because "course" is null',
      '2026-03-10T11:59:58.120000002Z \tat com.freelms.course.EnrolmentService.enrol(EnrolmentService.java:42)',
      '2026-03-10T11:59:58.120000003Z \tat com.freelms.course.CourseController.enrol(CourseController.java:88)',
      '2026-03-10T11:59:58.120000004Z Caused by: org.postgresql.util.PSQLException: Connection refused',
      '2026-03-10T11:59:58.120000005Z \t... 12 more',
      '2026-03-10T11:59:59.000000000Z 2026-03-10 11:59:59.000  INFO 1 --- [main] c.f.course.Health : ok',
    ]);
    // Spring writes the exception unindented under the ERROR line; an ERROR filter must keep it.
    assert.equal(entries.length, 2);
    assert.equal(entries[0]!.level, 'ERROR');
    assert.equal(entries[0]!.timestamp, '2026-03-10T11:59:58.120000000Z');
    assert.match(entries[0]!.continuation[0]!, /^java.lang.NullPointerException/);
    assert.equal(entries[0]!.continuation.length, 5);
    assert.match(entries[0]!.continuation[3]!, /^Caused by: /);
    assert.equal(entries[1]!.level, 'INFO');
  });

  it('keeps a Python traceback together', () => {
    const entries = assemble([
      'ERROR:root:job failed',
      'Traceback (most recent call last):',
      '  File "/app/worker.py", line 12, in run',
      '    send(message)',
      'ValueError: bad address',
    ]);
    assert.equal(entries[0]!.level, 'ERROR');
    assert.equal(entries[0]!.continuation.length, 3);
  });

  it('splits lines across chunk boundaries, even inside a multi-byte character', () => {
    const s = new LineSplitter();
    const bytes = Buffer.from('première ligne\r\nsecond € line\nthird');
    const cut = bytes.indexOf(Buffer.from('€')) + 1;
    const lines = [
      ...s.push(bytes.subarray(0, 5)),
      ...s.push(bytes.subarray(5, cut)),
      ...s.push(bytes.subarray(cut)),
      ...s.end(),
    ];
    assert.deepEqual(lines, ['première ligne', 'second € line', 'third']);
  });
});

describe('log filters', () => {
  const entries = assemble([
    '2026-03-10T11:00:00Z INFO started',
    '2026-03-10T11:00:01Z WARN slow query on courses',
    '2026-03-10T11:00:02Z ERROR enrolment failed',
    '\tat com.freelms.course.EnrolmentService.enrol(EnrolmentService.java:42)',
    '2026-03-10T11:00:03Z ERROR health check failed',
  ]);

  it('shows only the chosen levels', () => {
    const f = compileLogFilter({ levels: ['ERROR'] });
    assert.deepEqual(
      entries.filter((e) => f.matches(e)).map((e) => e.plain),
      ['ERROR enrolment failed', 'ERROR health check failed'],
    );
  });

  it('matches an include pattern against the stack trace too, and excludes case-insensitively', () => {
    const include = compileLogFilter({ include: 'EnrolmentService\\.java' });
    assert.deepEqual(
      entries.filter((e) => include.matches(e)).map((e) => e.plain),
      ['ERROR enrolment failed'],
    );
    const exclude = compileLogFilter({ levels: ['ERROR', 'WARN'], exclude: 'HEALTH' });
    assert.equal(entries.filter((e) => exclude.matches(e)).length, 2);
  });

  it('matches a plain word as a regular expression would: any case, Unicode folding, the stack trace', () => {
    const word = compileLogFilter({ include: 'enrolmentservice' });
    assert.deepEqual(
      entries.filter((e) => word.matches(e)).map((e) => e.plain),
      ['ERROR enrolment failed'],
    );
    // U+212A KELVIN SIGN folds to k, as RE2 folds it.
    const [kelvin] = assemble(['2026-03-10T11:00:04Z ERROR \u212Aafka consumer lag']);
    assert.equal(compileLogFilter({ include: 'kafka' }).matches(kelvin!), true);
    assert.equal(compileLogFilter({ exclude: 'health check' }).matches(entries.at(-1)!), false);
  });

  it('cannot be hung by a catastrophic pattern on a long line', () => {
    const [line] = assemble(['a'.repeat(50_000) + '!']);
    const f = compileLogFilter({ include: '(a+)+$' });
    const started = Date.now();
    assert.equal(f.matches(line!), false);
    assert.ok(Date.now() - started < 1000);
  });

  it('refuses lookahead with a message that says why', () => {
    assert.throws(
      () => compileLogFilter({ exclude: 'foo(?=bar)' }),
      (e: LogFilterError) =>
        e.field === 'exclude' &&
        /Lookahead, lookbehind and backreferences are not supported/.test(e.message),
    );
  });
});

describe('the log line budget', () => {
  it('keeps memory flat over 300,000 lines, dropping the oldest and counting them', () => {
    const buffer = new LogBuffer(1000);
    const a = new EntryAssembler();
    for (let i = 0; i < 300_000; i++) {
      for (const e of a.push(`line ${i}`)) buffer.push(e);
    }
    for (const e of a.flush()) buffer.push(e);
    assert.equal(buffer.length, 1000);
    assert.equal(buffer.lines, 1000);
    assert.deepEqual(buffer.dropped, { entries: 299_000, lines: 299_000 });
    assert.equal(buffer.at(0)!.plain, 'line 299000');
    assert.equal(
      buffer
        .slice(998)
        .map((e) => e.plain)
        .join(),
      'line 299998,line 299999',
    );
  });

  it('counts stack trace lines against the budget', () => {
    const buffer = new LogBuffer(5);
    const e = (n: number, stack: number): LogEntry => ({
      seq: n,
      text: `e${n}`,
      plain: `e${n}`,
      continuation: Array.from({ length: stack }, () => '\tat x'),
    });
    buffer.push(e(1, 2));
    buffer.push(e(2, 2));
    assert.deepEqual(
      buffer.slice().map((x) => x.seq),
      [2],
    );
    buffer.push(e(3, 10));
    assert.deepEqual(
      buffer.slice().map((x) => [x.seq, x.continuation.length]),
      [[3, 4]],
    );
    assert.equal(buffer.lines, 5);
  });
});

describe('JSON log lines shown readably', () => {
  it('puts level and message first, fields after, and the stack trace on its own lines', () => {
    const { json } = detectLevel(
      '{"@timestamp":"2026-03-10T11:59:58Z","level":"ERROR","message":"provider timeout",' +
        '"orderId":42,"ctx":{"retry":2},"stack_trace":"java.net.SocketTimeoutException\\n\\tat x"}',
    );
    assert.equal(
      readableJson(json!),
      'ERROR provider timeout  orderId=42 ctx={"retry":2}\njava.net.SocketTimeoutException\n\tat x',
    );
  });
});
