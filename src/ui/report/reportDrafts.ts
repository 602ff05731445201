import * as v from 'valibot';

import { formatTime } from '../../incident/describe';
import type { Incident } from '../../incident/model';
import { ReportDraftSchema, ReportSchema, type ReportDraft } from './protocol';
import { reportEvents } from './reportEvents';

/** The part of `vscode.Memento` the drafts use, so they are tested without VS Code. */
export interface DraftMemento {
  keys(): readonly string[];
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const KEY_PREFIX = 'freelms.report.draft:';

/** A draft as kept in the workspace state. */
const StoredDraftSchema = v.object({
  /**
   * The declaration time of the incident it was typed for: an incident declared again under the
   * same id (the same title on the same day, after the journal was removed) is another incident.
   */
  declaredAt: v.string(),
  /** When it was last typed in, ISO. */
  at: v.string(),
  values: ReportDraftSchema,
});
export type StoredDraft = v.InferOutput<typeof StoredDraftSchema>;

/** Data at risk as the form shows it: an incident that never said is "unknown yet". */
export function savedDataAtRisk(incident: Incident): 'no' | 'unknown' | 'yes' {
  return (
    (['no', 'unknown', 'yes'] as const).find((value) => value === incident.dataAtRisk) ?? 'unknown'
  );
}

/**
 * Whether the draft holds anything saving would not lose: a field that saving would change, a
 * follow-up staged, ticked or removed, or a follow-up half typed. A draft whose text is not valid
 * yet (too long, a date that does not exist) is unsaved work too.
 */
export function hasUnsavedChanges(draft: ReportDraft, incident: Incident): boolean {
  const pending = draft.pending;
  if (pending && [pending.text, pending.owner, pending.due].some((value) => value.trim()))
    return true;
  const report = v.safeParse(ReportSchema, {
    services: draft.services ?? incident.services,
    usersImpacted: draft.usersImpacted ?? incident.usersImpacted ?? '',
    dataAtRisk: draft.dataAtRisk ?? savedDataAtRisk(incident),
    impact: draft.impact ?? incident.impact ?? '',
    summary: draft.summary ?? incident.summary ?? '',
    rootCause: draft.rootCause ?? incident.rootCause ?? '',
    newFollowUps: draft.newFollowUps ?? [],
    done: draft.done ?? [],
    removed: draft.removed ?? [],
  });
  if (!report.success) return true;
  const asShown = { ...incident, dataAtRisk: savedDataAtRisk(incident) };
  return reportEvents(asShown, report.output, '').length > 0;
}

/** When a draft was last typed in, as the restored line says it: the time today, else the day too. */
export function draftTimeText(at: string, now: Date, timeZone: string): string {
  const then = formatTime(at, timeZone);
  const today = formatTime(now.toISOString(), timeZone);
  return then.slice(0, 10) === today.slice(0, 10) ? then.slice(11) : then;
}

/**
 * The Incident Report's unsaved drafts, one per incident, kept in the workspace state so that
 * closing the report's tab (or the window) loses nothing typed. Drafts are kept verbatim, not
 * redacted: they must come back exactly as typed, so they stay in the workspace state, which is
 * on this machine only (never synced, never sent anywhere), and are never logged.
 */
export class ReportDrafts {
  constructor(
    private readonly memento: DraftMemento,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Keeps what is typed for the incident; a draft with nothing unsaved in it clears it. */
  async keep(incident: Incident, values: ReportDraft): Promise<void> {
    if (!hasUnsavedChanges(values, incident)) return this.clear(incident.id);
    const stored: StoredDraft = {
      declaredAt: incident.declaredAt,
      at: this.now().toISOString(),
      values,
    };
    await this.memento.update(KEY_PREFIX + incident.id, stored);
  }

  /**
   * The draft to show when the incident's report opens, if there is one still unsaved. A draft
   * that is unreadable, typed for another incident of the same id, or saved since (from another
   * window, say) is dropped.
   */
  async restore(incident: Incident): Promise<StoredDraft | undefined> {
    const key = KEY_PREFIX + incident.id;
    const raw = this.memento.get<unknown>(key);
    if (raw === undefined) return undefined;
    const stored = v.safeParse(StoredDraftSchema, raw);
    if (
      stored.success &&
      stored.output.declaredAt === incident.declaredAt &&
      hasUnsavedChanges(stored.output.values, incident)
    )
      return stored.output;
    await this.memento.update(key, undefined);
    return undefined;
  }

  async clear(incidentId: string): Promise<void> {
    if (this.memento.get(KEY_PREFIX + incidentId) !== undefined)
      await this.memento.update(KEY_PREFIX + incidentId, undefined);
  }

  /** Drops the drafts of incidents no longer in the journal folder. */
  async prune(exists: (incidentId: string) => Promise<boolean>): Promise<void> {
    for (const key of this.memento.keys()) {
      if (!key.startsWith(KEY_PREFIX)) continue;
      const incidentId = key.slice(KEY_PREFIX.length);
      if (!(await exists(incidentId))) await this.memento.update(key, undefined);
    }
  }
}
