import { format } from 'node:util';

/** The line `scripts/test.mjs` reads the suite's counts from. */
export const RESULT_PREFIX = 'FREELMS_TEST_RESULT ';

/**
 * Marks the suite's own output: the workbench forwards its whole log through the same channel
 * as the extension host's console, and `scripts/test.mjs` prints only the marked lines (the rest
 * goes to a log file). VS Code's extension host does not let `console.log` be replaced, so the
 * suite writes through `note` and the reporter is pointed at it.
 */
export const OUTPUT_MARK = 'FREELMS| ';

/** Prints a line of the suite's output, e.g. a figure a test measured. */
export function note(...args: unknown[]): void {
  for (const line of format(...args).split('\n')) console.log(`${OUTPUT_MARK}${line}`);
}
