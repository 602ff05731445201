/**
 * Messages between the Incident Report form (webview) and the extension, declared once for both.
 */
import * as v from 'valibot';

const text = (max: number) =>
  v.pipe(v.string(), v.trim(), v.maxLength(max, `At most ${max} characters.`));

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
  /** Follow-ups to add; existing ones are listed for ticking. */
  newFollowUps: v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500))),
    v.maxLength(50),
  ),
  /** Ids of existing follow-ups ticked done in the form. */
  done: v.array(v.string()),
});
export type Report = v.InferOutput<typeof ReportSchema>;

/** A follow-up as the form lists it. */
export interface FollowUpRow {
  id: string;
  text: string;
  done: boolean;
}

/** Extension → form. */
export type ToReport =
  | {
      type: 'init';
      incidentId: string;
      title: string;
      report: Omit<Report, 'newFollowUps' | 'done'>;
      followUps: FollowUpRow[];
      /** The 48-hour deadline for follow-ups, once resolved. */
      deadline?: string;
    }
  | { type: 'saved'; changes: number }
  | { type: 'failed'; message: string };

/** Form → extension. */
export const FromReportSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('save'), report: ReportSchema }),
]);
export type FromReport = v.InferInput<typeof FromReportSchema>;
