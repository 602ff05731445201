/**
 * The messages between the Declare Incident form (webview) and the extension, declared once and
 * imported by both sides. The extension validates every message it receives with these schemas:
 * a webview is untrusted input like any other.
 */
import * as v from 'valibot';

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type SeverityId = (typeof SEVERITIES)[number];

const trimmed = (max: number) =>
  v.pipe(v.string(), v.trim(), v.maxLength(max, `At most ${max} characters.`));

/** What the responder fills in to declare an incident. */
export const DeclareFormSchema = v.object({
  title: v.pipe(
    trimmed(120),
    v.minLength(3, 'Give the incident a title of at least 3 characters.'),
  ),
  severity: v.picklist(SEVERITIES, 'Choose a severity.'),
  /** The status page incident's name, for customers; empty: the title. */
  publicTitle: v.optional(trimmed(120), ''),
  description: trimmed(4000),
  /** Deployments picked from the cluster, or typed when the cluster is out of reach. */
  affectedServices: v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.trim(),
        v.minLength(1, 'A service needs a name.'),
        v.maxLength(63, 'A service name is at most 63 characters, like a Kubernetes name.'),
      ),
    ),
    v.maxLength(50, 'At most 50 services.'),
  ),
  usersImpacted: trimmed(500),
  dataAtRisk: v.picklist(['no', 'unknown', 'yes'], 'Say whether data is at risk.'),
  commander: v.pipe(trimmed(100), v.minLength(1, 'Name the incident commander.')),
  technicalLead: trimmed(100),
  communications: trimmed(100),
  createSlackChannel: v.boolean(),
  pagePagerDuty: v.boolean(),
  /**
   * Tell customers on the status page: at once for a P1 or P2, otherwise with the first customer
   * update. On unless unticked, so scripted declarations that leave it out publish as the form does.
   */
  publishStatusPage: v.optional(v.boolean(), true),
});
export type DeclareForm = v.InferOutput<typeof DeclareFormSchema>;

/** How one severity is offered in the form. */
export interface SeverityOption {
  id: SeverityId;
  /** e.g. "Critical: platform down". */
  label: string;
  /** The runbook's response target, e.g. "respond within 15 min". */
  target: string;
}

/** One delivery step shown under the form after submitting. */
export interface DeclareStep {
  name: string;
  state: 'pending' | 'done' | 'failed' | 'skipped';
  detail?: string;
}

/** Extension → form. */
export type ToForm =
  | {
      type: 'init';
      severities: SeverityOption[];
      /** Deployments of the cluster, offered as affected services. */
      services: string[];
      defaults: { commander: string };
      /** Which integrations are configured; unconfigured ones are shown as off and disabled. */
      integrations: { slack: boolean; pagerduty: boolean; statusPage: boolean };
    }
  | { type: 'progress'; steps: DeclareStep[] }
  | { type: 'declared'; incidentId: string }
  | { type: 'failed'; message: string };

/** Form → extension. */
export const FromFormSchema = v.variant('type', [
  v.object({
    type: v.literal('ready'),
    /** The page was submitted before a reload: the next Declare Incident opens a new form. */
    submitted: v.optional(v.boolean()),
  }),
  v.object({ type: v.literal('submit'), form: DeclareFormSchema }),
  v.object({ type: v.literal('cancel') }),
]);
export type FromForm = v.InferInput<typeof FromFormSchema>;

/** What to say when a required field is missing altogether (a scripted call left it out). */
const REQUIRED: Readonly<Record<string, string>> = {
  title: 'Give the incident a title of at least 3 characters.',
  severity: 'Choose a severity.',
  commander: 'Name the incident commander.',
  dataAtRisk: 'Say whether data is at risk.',
};

/** Validation messages per field, for showing beside each input. */
export function validateDeclareForm(input: unknown): {
  form?: DeclareForm;
  errors: Record<string, string>;
} {
  const result = v.safeParse(DeclareFormSchema, input);
  if (result.success) return { form: result.output, errors: {} };
  const errors: Record<string, string> = {};
  for (const issue of result.issues) {
    const field = (v.getDotPath(issue) ?? 'form').split('.')[0]!;
    const missing = issue.input === undefined && issue.kind === 'schema';
    errors[field] ??= missing ? (REQUIRED[field] ?? `${field} is required.`) : issue.message;
  }
  return { errors };
}
