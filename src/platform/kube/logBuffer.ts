import type { LogEntry } from './logEntries';
import type { LogFilter } from './logFilter';

/** The default line budget of a log panel. */
export const DEFAULT_LINE_BUDGET = 50_000;

/**
 * A ring of the most recent entries, bounded by a line budget (an entry counts as its first line
 * plus its stack trace lines), so memory stays flat however long a panel follows a noisy pod.
 * Older entries are dropped; `dropped` counts them for the panel's "older lines dropped" marker.
 */
export class LogBuffer {
  private readonly ring: (LogEntry | undefined)[];
  private start = 0;
  private size = 0;
  private lineCount = 0;
  private droppedEntries = 0;
  private droppedLines = 0;

  constructor(readonly lineBudget: number = DEFAULT_LINE_BUDGET) {
    if (lineBudget < 1) {
      throw new RangeError('The line budget must be at least 1.');
    }
    this.ring = new Array<LogEntry | undefined>(lineBudget);
  }

  /** Entries held. */
  get length(): number {
    return this.size;
  }

  /** Lines held, stack traces included. */
  get lines(): number {
    return this.lineCount;
  }

  /** Entries and lines dropped so far to stay within the budget. */
  get dropped(): { entries: number; lines: number } {
    return { entries: this.droppedEntries, lines: this.droppedLines };
  }

  /** Adds an entry, dropping the oldest ones while over budget. An entry larger than the budget keeps its head. */
  push(entry: LogEntry): void {
    let stored = entry;
    const cost = 1 + entry.continuation.length;
    if (cost > this.lineBudget) {
      const kept = entry.continuation.slice(0, this.lineBudget - 1);
      this.droppedLines += entry.continuation.length - kept.length;
      stored = { ...entry, continuation: kept };
    }
    while (
      this.size > 0 &&
      (this.lineCount + 1 + stored.continuation.length > this.lineBudget ||
        this.size === this.ring.length)
    ) {
      this.dropOldest();
    }
    this.ring[(this.start + this.size) % this.ring.length] = stored;
    this.size++;
    this.lineCount += 1 + stored.continuation.length;
  }

  /** The entry at `index`, 0 being the oldest held. */
  at(index: number): LogEntry | undefined {
    return index >= 0 && index < this.size
      ? this.ring[(this.start + index) % this.ring.length]
      : undefined;
  }

  /** Entries from `from` (inclusive) to `to` (exclusive), for rendering only the visible rows. */
  slice(from = 0, to = this.size): LogEntry[] {
    const result: LogEntry[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.size); i++) {
      result.push(this.ring[(this.start + i) % this.ring.length]!);
    }
    return result;
  }

  /** Entries passing a filter, oldest first: what the panel shows after a filter change. */
  filter(filter: LogFilter): LogEntry[] {
    const result: LogEntry[] = [];
    for (let i = 0; i < this.size; i++) {
      const e = this.ring[(this.start + i) % this.ring.length]!;
      if (filter.matches(e)) result.push(e);
    }
    return result;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.size = 0;
    this.lineCount = 0;
  }

  private dropOldest(): void {
    const oldest = this.ring[this.start]!;
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.ring.length;
    this.size--;
    this.lineCount -= 1 + oldest.continuation.length;
    this.droppedEntries++;
    this.droppedLines += 1 + oldest.continuation.length;
  }
}
