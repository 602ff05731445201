import { RE2 } from 're2-wasm';

import type { LogEntry, LogLevel } from './logEntries';

/** What the log panel's filter bar holds. */
export interface LogFilterSpec {
  /** Levels to show; empty or missing shows every line, leveled or not. */
  levels?: LogLevel[];
  /** Show only entries matching this regular expression (case-insensitive). */
  include?: string;
  /** Hide entries matching this regular expression (case-insensitive). */
  exclude?: string;
}

/** A compiled filter: `matches(entry)` decides for the entry and its stack trace together. */
export interface LogFilter {
  readonly spec: LogFilterSpec;
  matches(entry: LogEntry): boolean;
}

/** A user pattern that cannot be used, with the reason to show under the filter box. */
export class LogFilterError extends Error {
  override readonly name = 'LogFilterError';
  constructor(
    readonly field: 'include' | 'exclude',
    message: string,
  ) {
    super(message);
  }
}

/** Longest pattern accepted; longer ones are pasted log lines, not filters. */
export const MAX_PATTERN_LENGTH = 1000;
/** Characters of an entry a pattern is matched against; a 5 MB single-line dump is cut here. */
export const MAX_MATCH_LENGTH = 64 * 1024;

/**
 * Compiles a user regex with RE2 (`re2-wasm`), which matches in time linear in the input:
 * a pattern like `(a+)+$` cannot hang the extension host the way it hangs JavaScript's
 * backtracking engine on a long line. A timeout cannot interrupt a synchronous `RegExp`, and a
 * worker per line costs more than the match. RE2 has no lookaround and no backreferences; such
 * patterns are refused with a message saying so. Patterns and matched text are capped in length.
 */
function compile(
  field: 'include' | 'exclude',
  pattern: string | undefined,
): { test(text: string): boolean } | undefined {
  if (!pattern) {
    return undefined;
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new LogFilterError(
      field,
      `The ${field} pattern is longer than ${MAX_PATTERN_LENGTH} characters.`,
    );
  }
  // Most filters are a plain word (`ERROR`, an order id). A literal cannot backtrack, and
  // JavaScript's own engine finds it without copying every entry into RE2's WebAssembly memory,
  // which took most of the time of a filtered million-line log (`npm run bench`).
  if (!/[\\^$.|?*+()[\]{}]/.test(pattern)) {
    return new RegExp(pattern, 'iu');
  }
  try {
    return new RE2(pattern, 'iu');
  } catch (err) {
    const detail = (err as Error).message.replace(/^Invalid regular expression: /, '');
    const unsupported = /invalid perl operator|backreference|invalid escape/.test(detail)
      ? ' Lookahead, lookbehind and backreferences are not supported.'
      : '';
    throw new LogFilterError(field, `The ${field} pattern is not valid: ${detail}.${unsupported}`);
  }
}

function entryText(entry: LogEntry, withStack: boolean): string {
  let text = entry.pod ? `${entry.pod} ${entry.plain}` : entry.plain;
  if (withStack && entry.continuation.length > 0) {
    text += '\n' + entry.continuation.join('\n');
  }
  return text.length > MAX_MATCH_LENGTH ? text.slice(0, MAX_MATCH_LENGTH) : text;
}

/**
 * Compiles the filter bar into a predicate applied to entries already shown and to those
 * arriving later. Throws `LogFilterError` for a pattern that cannot be used.
 */
export function compileLogFilter(spec: LogFilterSpec): LogFilter {
  const include = compile('include', spec.include);
  const exclude = compile('exclude', spec.exclude);
  const levels = spec.levels && spec.levels.length > 0 ? new Set(spec.levels) : undefined;
  return {
    spec,
    matches(entry) {
      if (levels && (!entry.level || !levels.has(entry.level))) {
        return false;
      }
      if (include || exclude) {
        const text = entryText(entry, true);
        if (include && !include.test(text)) return false;
        if (exclude && exclude.test(text)) return false;
      }
      return true;
    },
  };
}

/** The filter that lets everything through. */
export const NO_FILTER: LogFilter = { spec: {}, matches: () => true };
