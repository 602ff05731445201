/**
 * Messages between the Incident Report form (webview) and the extension, declared once for both.
 */
import * as v from 'valibot';

import { checkFollowUp, FollowUpInputError } from '../../incident/followUpInput';

const text = (max: number) =>
  v.pipe(v.string(), v.trim(), v.maxLength(max, `At most ${max} characters.`));

/**
 * A follow-up typed in the form; owner and due date may be left empty. Checked by the same rules
 * as Add Follow-up (one line, one owner, a real day), which the page also applies as it is typed.
 */
export const NewFollowUpSchema = v.pipe(
  v.object({ text: v.string(), owner: v.string(), due: v.string() }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      const checked = checkFollowUp(dataset.value);
      return { text: checked.text, owner: checked.owner ?? '', due: checked.due ?? '' };
    } catch (error) {
      if (!(error instanceof FollowUpInputError)) throw error;
      addIssue({ message: error.message });
      return NEVER;
    }
  }),
);
export type NewFollowUp = v.InferOutput<typeof NewFollowUpSchema>;

/** The report as the form edits it: the incident's scope, impact, analysis and follow-ups. */
export const ReportSchema = v.object({
  services: v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(63))),
    v.maxLength(50),
  ),
  usersImpacted: text(500),
  dataAtRisk: v.picklist(['no', 'unknown', 'yes']),
  impact: text(2000),
  summary: text(2000),
  rootCause: text(4000),
  /** Follow-ups to add; existing ones are listed for ticking and removing. */
  newFollowUps: v.pipe(v.array(NewFollowUpSchema), v.maxLength(50)),
  /** Ids of existing follow-ups ticked done in the form. */
  done: v.array(v.string()),
  /** Ids of existing follow-ups removed in the form. */
  removed: v.optional(v.array(v.string()), []),
});
export type Report = v.InferOutput<typeof ReportSchema>;

/**
 * A string as the form holds it, untrimmed. A draft keeps exactly what was typed, so the cap only
 * keeps a runaway page from filling the workspace state; the form's own limits apply on saving.
 */
const typed = v.pipe(v.string(), v.maxLength(20_000));
const typedList = <T extends v.GenericSchema>(item: T) => v.pipe(v.array(item), v.maxLength(500));
const TypedFollowUpSchema = v.object({ text: typed, owner: typed, due: typed });

/**
 * What is typed in the form and not saved yet, as the page holds it: any field of the report
 * (one left out is as saved), the follow-ups staged with Add, ticks and removals, and the
 * follow-up still being typed. Kept by the extension so that closing the tab loses nothing.
 */
export const ReportDraftSchema = v.object({
  services: v.optional(typedList(typed)),
  usersImpacted: v.optional(typed),
  dataAtRisk: v.optional(v.picklist(['no', 'unknown', 'yes'])),
  impact: v.optional(typed),
  summary: v.optional(typed),
  rootCause: v.optional(typed),
  /** Follow-ups staged with Add, not saved yet. */
  newFollowUps: v.optional(typedList(TypedFollowUpSchema)),
  /** Ids of existing follow-ups ticked done, not saved yet. */
  done: v.optional(typedList(typed)),
  /** Ids of existing follow-ups marked for removal, not saved yet. */
  removed: v.optional(typedList(typed)),
  /** The follow-up being typed, not added yet. */
  pending: v.optional(TypedFollowUpSchema),
});
export type ReportDraft = v.InferOutput<typeof ReportDraftSchema>;

/** A follow-up as the form lists it. */
export interface FollowUpRow {
  id: string;
  text: string;
  owner?: string;
  /** `YYYY-MM-DD`. */
  due?: string;
  done: boolean;
  /** The issue it was opened as, if it was. */
  issueUrl?: string;
}

/** Extension → form. */
export type ToReport =
  | {
      type: 'init';
      incidentId: string;
      title: string;
      report: Omit<Report, 'newFollowUps' | 'done' | 'removed'>;
      followUps: FollowUpRow[];
      /** The 48-hour post-incident deadline in words, once resolved: `due in 41 h, by …`. */
      deadline?: string;
      /**
       * What was typed and not saved when the form was last open, if anything: the page shows
       * it instead of the saved report unless it holds what was typed itself (a hidden tab).
       */
      draft?: {
        values: ReportDraft;
        /** When it was last typed in, in words: `03:12`, or `2026-12-02 23:40` on another day. */
        when: string;
      };
    }
  | { type: 'saved'; changes: number }
  | { type: 'failed'; message: string };

/** Form → extension. */
export const FromReportSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('save'), report: ReportSchema }),
  /**
   * What is typed and not saved yet, sent on every change: the extension holds the latest at once
   * and writes it to the workspace state shortly after, or as soon as the tab is closed.
   */
  v.object({ type: v.literal('draft'), draft: ReportDraftSchema }),
  /** Discard was clicked: the restored draft is dropped and the saved report shown. */
  v.object({ type: v.literal('discard') }),
]);
export type FromReport = v.InferInput<typeof FromReportSchema>;
