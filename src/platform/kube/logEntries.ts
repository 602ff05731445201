import stripAnsi from 'strip-ansi';

/** Log levels the filters know; FATAL, CRITICAL and SEVERE count as ERROR, WARNING as WARN. */
export type LogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

/** One log entry: a line and the stack trace lines that belong to it. */
export interface LogEntry {
  /** Increasing number within one stream or merged workload stream. */
  seq: number;
  /** The pod it came from (always set in workload mode). */
  pod?: string;
  container?: string;
  /** The server's RFC3339Nano timestamp of the first line, when known. */
  timestamp?: string;
  /** `timestamp` in milliseconds since the epoch. */
  time?: number;
  /** The first line as written, ANSI colour codes included (the panel renders them). */
  text: string;
  /** The first line without ANSI codes: what filters and level detection read. */
  plain: string;
  level?: LogLevel;
  /** The parsed object of a JSON log line, for showing it readably. */
  json?: Record<string, unknown>;
  /** Following lines of a multi-line entry (stack trace), ANSI included. */
  continuation: string[];
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/** Splits the `timestamps=true` prefix the API server puts before each line. */
export function splitTimestamp(line: string): { timestamp?: string; text: string } {
  const m = TIMESTAMP.exec(line);
  return m ? { timestamp: m[1], text: line.slice(m[0].length) } : { text: line };
}

const LEVEL_WORDS: Record<string, LogLevel> = {
  FATAL: 'ERROR',
  CRITICAL: 'ERROR',
  CRIT: 'ERROR',
  SEVERE: 'ERROR',
  ERROR: 'ERROR',
  ERR: 'ERROR',
  WARN: 'WARN',
  WARNING: 'WARN',
  INFO: 'INFO',
  NOTICE: 'INFO',
  DEBUG: 'DEBUG',
  TRACE: 'TRACE',
};

/** pino and bunyan write numeric levels. */
function numericLevel(n: number): LogLevel {
  return n >= 50 ? 'ERROR' : n >= 40 ? 'WARN' : n >= 30 ? 'INFO' : n >= 20 ? 'DEBUG' : 'TRACE';
}

const JSON_LEVEL_KEYS = ['level', 'severity', 'lvl', 'loglevel', 'log.level', '@l', 'levelname'];

function levelOfJson(obj: Record<string, unknown>): LogLevel | undefined {
  for (const key of JSON_LEVEL_KEYS) {
    const value =
      key === 'log.level'
        ? ((obj.log as Record<string, unknown> | undefined)?.level ?? obj[key])
        : obj[key];
    if (typeof value === 'number') return numericLevel(value);
    if (typeof value === 'string') return LEVEL_WORDS[value.toUpperCase()];
  }
  return undefined;
}

// A level word near the start: Spring Boot (`... ERROR 1 --- [main]`), logback (`[main] WARN`),
// logfmt (`level=error`), Python (`ERROR:root:`), Go's klog (`E0310 12:00:00`).
const LEVEL_TOKEN = new RegExp(
  '(?:^|[\\s[(|])(?:level=)?(FATAL|CRITICAL|CRIT|SEVERE|ERROR|ERR|WARN|WARNING|INFO|NOTICE|DEBUG|TRACE)' +
    '(?=$|[\\s\\]):|,])',
  'i',
);
const KLOG = /^([EWIF])\d{4} \d\d:\d\d:\d\d/;

/** Finds the level of a line (ANSI already stripped) and parses it when it is JSON. */
export function detectLevel(plain: string): { level?: LogLevel; json?: Record<string, unknown> } {
  const trimmed = plain.trimStart();
  if (trimmed.startsWith('{') && trimmed.trimEnd().endsWith('}')) {
    try {
      const json = JSON.parse(trimmed) as Record<string, unknown>;
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        return { level: levelOfJson(json), json };
      }
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  const klog = KLOG.exec(trimmed);
  if (klog) {
    return { level: ({ E: 'ERROR', W: 'WARN', I: 'INFO', F: 'ERROR' } as const)[klog[1] as 'E'] };
  }
  const head = trimmed.length > 160 ? trimmed.slice(0, 160) : trimmed;
  const m = LEVEL_TOKEN.exec(head);
  const word = m?.[1]?.toUpperCase();
  // Lower-case words are only levels in logfmt or as the very first word ("error: ...").
  if (
    m &&
    word &&
    (m[1] === word || m[0].includes('level=') || head.toLowerCase().startsWith(m[1]!.toLowerCase()))
  ) {
    return { level: LEVEL_WORDS[word] };
  }
  return {};
}

// Lines that continue the previous entry: Java/Kotlin frames and causes, Python tracebacks,
// Node stack frames, Go goroutine dumps. Spring's console format writes the exception itself
// (`java.lang.IllegalStateException: …`) unindented under the ERROR line, often after a blank
// line: both belong to that entry.
const CONTINUATION = new RegExp(
  [
    '^(?:\\s+at ',
    '$',
    '(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error|Throwable)(?::|$)',
    '\\s*at [\\w$.<>]+\\(',
    '\\s*\\.\\.\\. \\d+ (?:more|common frames omitted)',
    'Caused by: ',
    'Suppressed: ',
    '\\s+File "',
    'Traceback \\(most recent call last\\)',
    'goroutine \\d+ \\[',
    '\\s+\\S+\\.go:\\d+)',
  ].join('|'),
);

/** True for a line that belongs to the entry before it (a stack frame, a "Caused by:"). */
export function isContinuation(plain: string): boolean {
  if (CONTINUATION.test(plain)) {
    return true;
  }
  // An indented line without a level of its own, e.g. the message lines of an exception.
  return /^\s+\S/.test(plain) && !detectLevel(plain).level;
}

/**
 * Groups raw lines into entries: a stack trace stays with the line that introduced it. An entry
 * is complete when the next entry starts, or when the stream pauses (`flush`), so filters
 * always judge a whole entry.
 */
export class EntryAssembler {
  private pending: LogEntry | undefined;
  private seq = 0;

  constructor(private readonly source: { pod?: string; container?: string } = {}) {}

  /**
   * Adds one raw line (with or without a timestamp prefix); returns the entries it completed.
   * `split` is the line already split by `splitTimestamp`, when the caller did that.
   */
  push(raw: string, split = splitTimestamp(raw)): LogEntry[] {
    const { timestamp, text } = split;
    // Most lines carry no escape codes; skipping strip-ansi for them doubles throughput.
    const plain = text.includes('\u001b') || text.includes('\u009b') ? stripAnsi(text) : text;
    if (this.pending && isContinuation(plain)) {
      this.pending.continuation.push(text);
      return [];
    }
    const done = this.flush();
    const { level, json } = detectLevel(plain);
    const time = timestamp ? Date.parse(timestamp) : undefined;
    this.pending = {
      seq: ++this.seq,
      ...this.source,
      timestamp,
      time: Number.isNaN(time) ? undefined : time,
      text,
      plain,
      level,
      json,
      continuation: [],
    };
    return done;
  }

  /** Completes the entry being assembled, if any. */
  flush(): LogEntry[] {
    const entry = this.pending;
    this.pending = undefined;
    return entry ? [entry] : [];
  }
}

const MESSAGE_KEYS = ['message', 'msg', '@m', '@mt', 'log', 'text'];
const HIDDEN_KEYS = new Set([
  ...JSON_LEVEL_KEYS,
  '@timestamp',
  'timestamp',
  'time',
  'ts',
  '@t',
  'v',
]);

/**
 * A JSON log line as a person reads it: level, message, then the other fields as `key=value`
 * (`ERROR provider timeout  orderId=42 durationMs=1200`); the stack trace field goes last.
 */
export function readableJson(json: Record<string, unknown>): string {
  const level = levelOfJson(json);
  const messageKey = MESSAGE_KEYS.find((k) => typeof json[k] === 'string');
  const parts: string[] = [];
  if (level) parts.push(level);
  if (messageKey) parts.push(String(json[messageKey]));
  const fields: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(json)) {
    if (key === messageKey || HIDDEN_KEYS.has(key)) continue;
    if (
      (key === 'stack' || key === 'stack_trace' || key === 'exception') &&
      typeof value === 'string'
    ) {
      stack = value;
      continue;
    }
    fields.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  const head = [parts.join(' '), fields.join(' ')].filter(Boolean).join('  ');
  return stack ? `${head}\n${stack}` : head;
}
