/**
 * A follow-up as someone types it, checked the same way wherever it is typed: the Add Follow-up
 * command, the Incident Report form (in its page, as the user types) and the postmortem's
 * checklist. No Markdown and no Node here, so the form's page can use it as it is.
 */
import { redact } from '../common/log';
import { isDueDate } from './dueDate';

/** A follow-up as someone asks for it: from the form, a command or the postmortem. */
export interface FollowUpInput {
  text: string;
  owner?: string;
  /** `YYYY-MM-DD`. */
  due?: string;
}

export const FOLLOW_UP_TEXT_MAX = 500;
export const FOLLOW_UP_OWNER_MAX = 100;

/** Input that cannot become a follow-up; `field` says which part and the message what to do. */
export class FollowUpInputError extends Error {
  override readonly name = 'FollowUpInputError';
  constructor(
    readonly field: 'text' | 'owner' | 'due',
    message: string,
  ) {
    super(message);
  }
}

/** What separates two people: a comma, "and", "&", "/", a spaced dash, a second @handle. */
const TWO_OWNERS = /[,;/&+—–]|\s(?:and|-)\s|\s@/i;

/**
 * Checks and tidies a follow-up: one line of text, an owner without line breaks, a due date that
 * is a real day written `YYYY-MM-DD`. Throws `FollowUpInputError` naming what is wrong.
 */
export function checkFollowUp(input: FollowUpInput): FollowUpInput {
  const text = oneLine(input.text ?? '');
  if (!text) throw new FollowUpInputError('text', 'A follow-up needs a text: what is to be done.');
  if (text.length > FOLLOW_UP_TEXT_MAX)
    throw new FollowUpInputError(
      'text',
      `A follow-up's text is at most ${FOLLOW_UP_TEXT_MAX} characters (this one has ` +
        `${text.length}); put the details in the ticket.`,
    );
  // `@lee` and `lee` are the same owner; the postmortem adds the `@` itself.
  const owner = oneLine(input.owner ?? '').replace(/^@+\s*/, '') || undefined;
  if (owner && owner.length > FOLLOW_UP_OWNER_MAX)
    throw new FollowUpInputError(
      'owner',
      `An owner is a name or handle of at most ${FOLLOW_UP_OWNER_MAX} characters.`,
    );
  // Two people joined by a comma, "and", "&", "/" or a second @handle are two owners; a comma
  // or a dash would also end the owner early when the task line is read back.
  if (owner && TWO_OWNERS.test(owner))
    throw new FollowUpInputError(
      'owner',
      `A follow-up has one owner, a name or handle ("${owner}" looks like more than one, or ` +
        'has a comma or a dash); add a follow-up for each owner.',
    );
  const due = (input.due ?? '').trim() || undefined;
  if (due && !isDueDate(due))
    throw new FollowUpInputError(
      'due',
      `The due date "${due}" is not a day written YYYY-MM-DD (for example 2026-12-05).`,
    );
  return { text, ...(owner ? { owner } : {}), ...(due ? { due } : {}) };
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Texts compared the way a reader would: case, spacing and final punctuation aside. */
export function sameFollowUpText(a: string, b: string): boolean {
  return comparable(a) === comparable(b);
}

// The journal keeps a follow-up with any secret in it redacted, so a text as typed is compared
// redacted the same way: otherwise a line holding a token would never match its own follow-up.
function comparable(text: string): string {
  return oneLine(redact(text))
    .toLowerCase()
    .replace(/[\s.;:,!?]+$/, '');
}
