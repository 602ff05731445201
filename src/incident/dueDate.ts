import { format, isValid, parse } from 'date-fns';

/** How a follow-up's due date is written, in the journal, the form and every export. */
export const DUE_DATE_FORMAT = 'yyyy-MM-dd';

/**
 * Whether `text` is a real calendar day written `YYYY-MM-DD`: `2026-02-30` and `2026-2-3` are
 * not. Shared by the report form (in the browser) and the extension.
 */
export function isDueDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = parse(text, DUE_DATE_FORMAT, new Date(0));
  return isValid(date) && format(date, DUE_DATE_FORMAT) === text;
}
