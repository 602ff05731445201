import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

import { redact, silentLog, type Log } from '../common/log';
import { deriveIncident } from './derive';
import { eventId, incidentId } from './ids';
import {
  appendEvents,
  readJournal,
  withoutSecrets,
  type JournalContents,
  type JournalProblem,
} from './journal';
import type { DeclaredEvent, Incident, IncidentEvent, NewEvent } from './model';

const JOURNAL_SUFFIX = '.jsonl';

export interface IncidentStoreOptions {
  /** Folder holding one `<id>.jsonl` journal per incident; created when missing. */
  folder: string;
  /** IANA time zone of the team (e.g. `Europe/Berlin`); the incident id carries its date. */
  timeZone: string;
  /** Clock, replaceable in tests. */
  now?: () => Date;
  log?: Log;
}

/** What the Declare Incident form supplies. */
export type DeclareInput = Omit<DeclaredEvent, 'id' | 'at' | 'type' | 'incidentId'> & {
  at?: string;
};

/** Thrown by `append` for an id that has no journal in the folder. */
export class UnknownIncidentError extends Error {
  override readonly name = 'UnknownIncidentError';
  constructor(readonly id: string) {
    super(`no incident ${id}`);
  }
}

export interface Disposable {
  dispose(): void;
}

/**
 * The incidents of a workspace: a folder of journals. Every change is an event appended (and
 * fsync'ed) to the incident's journal before the returned promise resolves; state is derived
 * from the journal on every read, so two windows on the same folder always agree.
 */
export class IncidentStore {
  private readonly now: () => Date;
  private readonly log: Log;
  private readonly listeners = new Set<(id: string) => void>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private watcher: FSWatcher | undefined;
  private readonly pendingNotifications = new Map<string, NodeJS.Timeout>();
  private readonly cache = new Map<
    string,
    { size: number; mtimeMs: number; contents: JournalContents }
  >();

  private constructor(private readonly options: IncidentStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? silentLog;
  }

  /** Opens (and creates when missing) the journal folder. */
  static async open(options: IncidentStoreOptions): Promise<IncidentStore> {
    await mkdir(options.folder, { recursive: true });
    return new IncidentStore(options);
  }

  get folder(): string {
    return this.options.folder;
  }

  journalPath(id: string): string {
    return join(this.options.folder, `${id}${JOURNAL_SUFFIX}`);
  }

  /** Declares an incident: picks a free id and creates its journal with the declaration. */
  async declare(input: DeclareInput): Promise<Incident> {
    const now = this.now();
    const at = input.at ?? now.toISOString();
    const localDate = format(new TZDate(new Date(at), this.options.timeZone), 'yyyy-MM-dd');
    // The id names the Slack channel and the PagerDuty incident key: it is made from the title
    // as the journal keeps it, with a pasted secret already redacted.
    const title = redact(input.title);
    for (let attempt = 1; ; attempt++) {
      const id = incidentId(localDate, title, attempt);
      const event = withoutSecrets({
        ...input,
        type: 'declared',
        id: eventId(now),
        at,
        incidentId: id,
      } satisfies DeclaredEvent);
      try {
        await appendEvents(this.journalPath(id), [event], { create: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      this.log.info(`declared ${id} (${input.severity}): ${title}`);
      this.notify(id);
      return deriveIncident([event], id);
    }
  }

  /**
   * Appends one or more events to an incident's journal, in order, and returns the new state.
   * Appends from this window are serialised per incident; other windows' appends interleave
   * only between whole lines.
   */
  async append(id: string, events: NewEvent | readonly NewEvent[]): Promise<Incident> {
    return (await this.write(id, events)).incident;
  }

  /**
   * `append`, also returning the events as they were written: with their ids, and with any
   * secret redacted, so a caller finds what it added without matching on what it typed.
   */
  async write(
    id: string,
    events: NewEvent | readonly NewEvent[],
  ): Promise<{ incident: Incident; written: IncidentEvent[] }> {
    const list = Array.isArray(events) ? events : [events as NewEvent];
    const run = async () => {
      const now = this.now();
      const written = list.map((e) =>
        withoutSecrets({ ...e, id: eventId(now), at: e.at ?? now.toISOString() } as IncidentEvent),
      );
      try {
        await appendEvents(this.journalPath(id), written);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UnknownIncidentError(id);
        throw error;
      }
      this.notify(id);
      return { incident: (await this.get(id))!, written };
    };
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(run, run);
    this.queues.set(
      id,
      next.catch(() => undefined),
    );
    return next;
  }

  /** The incident, or undefined when there is no such journal. */
  async get(id: string): Promise<Incident | undefined> {
    const contents = await this.read(id);
    return contents && deriveIncident(contents.events, this.journalPath(id));
  }

  /** Lines of the journal that were skipped (a torn last line, a hand edit gone wrong). */
  async problems(id: string): Promise<JournalProblem[]> {
    return (await this.read(id))?.problems ?? [];
  }

  /** Every incident of the folder, newest declaration first; unreadable journals are logged. */
  async list(): Promise<Incident[]> {
    const names = (await readdir(this.options.folder)).filter((n) => n.endsWith(JOURNAL_SUFFIX));
    const incidents: Incident[] = [];
    for (const name of names) {
      const id = name.slice(0, -JOURNAL_SUFFIX.length);
      try {
        const incident = await this.get(id);
        if (incident) incidents.push(incident);
      } catch (error) {
        this.log.warn(`skipping journal ${name}: ${(error as Error).message}`);
      }
    }
    return incidents.sort(
      (a, b) => b.declaredAt.localeCompare(a.declaredAt) || a.id.localeCompare(b.id),
    );
  }

  /**
   * Calls `listener` with an incident id whenever its journal changed, by this store or (once
   * `watch()` runs) by another window.
   */
  onDidChange(listener: (id: string) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Watches the folder so another window's appends are seen; dispose to stop. */
  watch(): Disposable {
    if (!this.watcher) {
      this.watcher = watch(this.options.folder, (_kind, filename) => {
        if (!filename?.endsWith(JOURNAL_SUFFIX)) return;
        this.notifySoon(filename.slice(0, -JOURNAL_SUFFIX.length));
      });
      this.watcher.on('error', (error) =>
        this.log.warn(`watching ${this.options.folder} failed: ${error.message}`),
      );
    }
    return {
      dispose: () => {
        this.watcher?.close();
        this.watcher = undefined;
        for (const timer of this.pendingNotifications.values()) clearTimeout(timer);
        this.pendingNotifications.clear();
      },
    };
  }

  // The tree, the status bar and the outbox all read journals often; an unchanged file (same
  // size, same modification time) is not parsed again. Appends always change the size.
  private async read(id: string): Promise<JournalContents | undefined> {
    const path = this.journalPath(id);
    try {
      const { size, mtimeMs } = await stat(path);
      const cached = this.cache.get(id);
      if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached.contents;
      const contents = await readJournal(path);
      this.cache.set(id, { size, mtimeMs, contents });
      return contents;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.cache.delete(id);
        return undefined;
      }
      throw error;
    }
  }

  // File systems report one append as several change events; one notification is enough.
  private notifySoon(id: string): void {
    clearTimeout(this.pendingNotifications.get(id));
    this.pendingNotifications.set(
      id,
      setTimeout(() => {
        this.pendingNotifications.delete(id);
        this.notify(id);
      }, 30),
    );
  }

  private notify(id: string): void {
    for (const listener of this.listeners) {
      try {
        listener(id);
      } catch (error) {
        this.log.error(`change listener failed: ${(error as Error).message}`);
      }
    }
  }
}
