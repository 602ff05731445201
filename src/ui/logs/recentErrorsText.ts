import type { RecentErrorsResult } from '../../platform/kube/recentErrors';
import { readableRow } from './rows';

/** Where a line of the document links to: that pod's logs around the error. */
export interface LineLink {
  line: number;
  start: number;
  end: number;
  pod: string;
  container: string;
}

/** The most stack lines shown under an error; the rest are in the pod's log a click away. */
const STACK_LINES = 6;

/** The text of a recent-errors report and the pod links on its lines. Plain, for unit tests. */
export function renderRecentErrors(
  result: RecentErrorsResult,
  where: { context: string; namespace: string; minutes: number; at: Date },
): { text: string; links: LineLink[] } {
  const lines: string[] = [];
  const links: LineLink[] = [];
  const total = result.services.reduce((sum, s) => sum + s.count, 0);
  lines.push(
    `ERROR lines of the last ${where.minutes} minutes in ${where.namespace} (${where.context}), ` +
      `read ${where.at.toISOString()} from ${result.podCount} pods: ${total} errors in ` +
      `${result.services.length} services.`,
    'Click a pod to open its logs.',
  );
  for (const failure of result.failures) {
    lines.push(`Could not read ${failure.pod}/${failure.container}: ${failure.error.message}`);
  }
  if (total === 0) lines.push('', 'No ERROR lines.');
  for (const service of result.services) {
    lines.push(
      '',
      `== ${service.service}: ${service.count} ERROR ${service.count === 1 ? 'line' : 'lines'} ==`,
    );
    for (const error of service.errors) {
      const source = `${error.pod}/${error.container}`;
      // Seconds are enough to place an error; the pod's log has the full timestamp.
      const prefix = `${error.timestamp?.replace(/\.\d+Z$/, 'Z') ?? ''}  `;
      const readable = error.json ? readableRow(error.json) : undefined;
      const continuation = [...(readable?.continuation ?? []), ...error.continuation];
      links.push({
        line: lines.length,
        start: prefix.length,
        end: prefix.length + source.length,
        pod: error.pod,
        container: error.container,
      });
      lines.push(`${prefix}${source}  ${readable?.text ?? error.plain}`);
      const stack = continuation.slice(0, STACK_LINES);
      for (const frame of stack) lines.push(`    ${frame.trim()}`);
      if (continuation.length > stack.length) {
        lines.push(`    … ${continuation.length - stack.length} more lines in the pod's log`);
      }
    }
  }
  return { text: `${lines.join('\n')}\n`, links };
}
