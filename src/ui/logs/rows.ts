import { LogBuffer } from '../../platform/kube/logBuffer';
import { readableJson } from '../../platform/kube/logEntries';
import type { LogEntry } from '../../platform/kube/logEntries';
import { compileLogFilter, NO_FILTER } from '../../platform/kube/logFilter';
import type { LogFilter } from '../../platform/kube/logFilter';
import type { FilterSpec, LogRow } from './protocol';

/**
 * A JSON log line as a person reads it (level, message, fields as `key=value`), its stack trace
 * field split into the entry's continuation lines like a text log's.
 */
export function readableRow(json: Record<string, unknown>): {
  text: string;
  continuation: string[];
} {
  const [text = '', ...continuation] = readableJson(json).split(/\r?\n/);
  return { text, continuation: continuation.filter((line) => line.trim() !== '') };
}

/** The row the page renders for an entry. */
export function rowOf(entry: LogEntry, seq: number, tagPod = true): LogRow {
  const readable = entry.json ? readableRow(entry.json) : undefined;
  return {
    seq,
    pod: tagPod ? entry.pod : undefined,
    timestamp: entry.timestamp,
    level: entry.level,
    text: readable?.text ?? entry.text,
    continuation: readable ? [...readable.continuation, ...entry.continuation] : entry.continuation,
  };
}

/** An entry as plain text for copy and save: ANSI stripped, stack trace kept. */
export function plainText(entry: LogEntry, options: { pod: boolean; timestamps: boolean }): string {
  const head = [
    options.timestamps ? entry.timestamp : undefined,
    options.pod ? entry.pod : undefined,
    entry.plain,
  ].filter(Boolean);
  const stack = entry.continuation.map((line) => line.replace(ANSI, ''));
  return [head.join(' '), ...stack].join('\n');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;

/**
 * What one log panel holds: the bounded buffer of entries as they arrived, the filter, and the
 * panel's own row numbering. Everything here is plain data, so the panel's logic is tested
 * without VS Code.
 */
export class LogRows {
  private buffer: LogBuffer;
  private filter: LogFilter = NO_FILTER;
  private seq = 0;
  private droppedBefore = 0;
  private readonly seqs = new WeakMap<LogEntry, number>();

  /** `tagPods`: rows name their pod (workload mode); one pod's panel says it in its title. */
  constructor(
    lineBudget: number,
    private readonly tagPods = false,
  ) {
    this.buffer = new LogBuffer(lineBudget);
  }

  get lineBudget(): number {
    return this.buffer.lineBudget;
  }

  /** Entries and lines held, and lines dropped to stay within the budget. */
  get stats(): { entries: number; lines: number; droppedLines: number } {
    return {
      entries: this.buffer.length,
      lines: this.buffer.lines,
      droppedLines: this.buffer.dropped.lines - this.droppedBefore,
    };
  }

  /**
   * Compiles and applies a filter spec; throws `LogFilterError` (with the field) for a pattern
   * RE2 refuses, leaving the previous filter in place.
   */
  setFilter(spec: FilterSpec): void {
    this.filter = compileLogFilter({
      levels: spec.levels.length ? spec.levels : undefined,
      include: spec.include || undefined,
      exclude: spec.exclude || undefined,
    });
  }

  /** Adds arriving entries; returns the rows that pass the filter, for the page. */
  add(entries: readonly LogEntry[]): LogRow[] {
    const rows: LogRow[] = [];
    for (const entry of entries) {
      const seq = ++this.seq;
      this.seqs.set(entry, seq);
      this.buffer.push(entry);
      if (this.filter.matches(entry)) rows.push(rowOf(entry, seq, this.tagPods));
    }
    return rows;
  }

  /** Every held entry passing the filter, as rows: what the page shows after a change. */
  visibleRows(): LogRow[] {
    return this.buffer
      .filter(this.filter)
      .map((entry) => rowOf(entry, this.seqs.get(entry) ?? 0, this.tagPods));
  }

  /** The entries to copy or save: those passing the filter, or all of them. */
  entries(filtered: boolean): LogEntry[] {
    return filtered ? this.buffer.filter(this.filter) : this.buffer.slice();
  }

  /** Forgets every entry; the dropped count starts again, as the page's marker does. */
  clear(): void {
    this.droppedBefore = this.buffer.dropped.lines;
    this.buffer.clear();
  }
}
