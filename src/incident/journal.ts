import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';

import { redact } from '../common/log';
import type { IncidentEvent } from './model';

/**
 * One incident's journal: an append-only file of JSON lines, one event per line, readable in
 * any editor and diffable in git.
 *
 * Concurrency: two VS Code windows may append to the same journal. Each event is written with
 * a single `write()` on a descriptor opened with `O_APPEND`, and POSIX places such a write at
 * the end of the file atomically, so lines from two writers never interleave (on a local disk;
 * network file systems such as NFS do not give that guarantee). That needs no lock file which
 * a crashed window could leave behind. The outbox, which must not run twice at once, takes a
 * delivery lock of its own (see `outbox.ts`); `appendOnce` takes the journal's lock only to
 * decide on a fresh read and append.
 *
 * Crash safety: each line is fsync'ed before `append` resolves, and the caller sends nothing
 * elsewhere before that. A crash mid-write leaves a torn last line without its newline; the
 * reader ignores it and keeps everything before it, and the next append starts on a new line
 * so the torn fragment never swallows a good event.
 */

/** A line the reader could not use, reported so the UI can say the journal was repaired. */
export interface JournalProblem {
  /** 1-based line number. */
  line: number;
  reason: string;
}

export interface JournalContents {
  events: IncidentEvent[];
  problems: JournalProblem[];
}

/** Serialises one event as a journal line, `type` and `at` first so the file reads well. */
export function formatLine(event: IncidentEvent): string {
  const { type, at, id, ...rest } = withoutSecrets(event);
  return `${JSON.stringify({ type, at, id, ...rest })}\n`;
}

/**
 * Secrets never reach the journal, and so never Slack, PagerDuty or the postmortem either: a
 * token or password pasted into a title, note or statement is redacted on the way in. The
 * outbox's own bookkeeping (`delivery.*`) holds no typed text and is written as it is.
 */
export function withoutSecrets(event: IncidentEvent): IncidentEvent {
  if (event.type.startsWith('delivery.')) return event;
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value);
    if (Array.isArray(value)) return value.map(clean);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, clean(inner)]));
    }
    return value;
  };
  return clean(event) as IncidentEvent;
}

/** Parses journal text; never throws. */
export function parseJournal(text: string): JournalContents {
  const events: IncidentEvent[] = [];
  const problems: JournalProblem[] = [];
  const lines = text.split('\n');
  const complete = text.endsWith('\n') || text === '';
  lines.forEach((line, index) => {
    const isLast = index === lines.length - 1;
    if (line.trim() === '') return;
    const event = parseEvent(line);
    if (event) {
      events.push(event);
    } else if (isLast && !complete) {
      problems.push({ line: index + 1, reason: 'torn last line (interrupted write), ignored' });
    } else {
      problems.push({ line: index + 1, reason: 'not a journal event, skipped' });
    }
  });
  return { events, problems };
}

function parseEvent(line: string): IncidentEvent | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { type?: unknown }).type === 'string' &&
      typeof (value as { id?: unknown }).id === 'string' &&
      typeof (value as { at?: unknown }).at === 'string'
    ) {
      return value as IncidentEvent;
    }
  } catch {
    // Reported by the caller as a problem line.
  }
  return undefined;
}

/** Reads a journal file. */
export async function readJournal(path: string): Promise<JournalContents> {
  return parseJournal(await readFile(path, 'utf8'));
}

/**
 * Appends events to a journal and fsyncs it. With `create`, the file must not exist yet (the
 * exclusive create is what makes two windows declaring at once get two different ids);
 * without it, the file must exist (ENOENT otherwise), so a stray append cannot start a
 * journal that has no declaration.
 */
export async function appendEvents(
  path: string,
  events: readonly IncidentEvent[],
  options: { create?: boolean } = {},
): Promise<void> {
  const handle = await open(path, options.create ? 'wx' : constants.O_RDWR | constants.O_APPEND);
  try {
    let text = events.map(formatLine).join('');
    if (!options.create && (await endsWithoutNewline(handle))) text = `\n${text}`;
    await handle.write(Buffer.from(text, 'utf8'));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function endsWithoutNewline(handle: Awaited<ReturnType<typeof open>>): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}
