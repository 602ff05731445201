import { sameFollowUpText } from '../../incident/followUpInput';
import type { Incident, NewEvent } from '../../incident/model';
import type { Report } from './protocol';

/**
 * The journal events a saved report makes: one `scope.updated` with only the fields that
 * changed, a `followup.added` per new follow-up (with its owner and due date when given), a
 * `followup.done` per one newly ticked and a `followup.removed` per one removed. Saving an
 * unchanged report writes nothing; a follow-up removed in another window is not removed twice,
 * and one the incident has already is not added again.
 */
export function reportEvents(incident: Incident, report: Report, by: string): NewEvent[] {
  const events: NewEvent[] = [];
  const scope: Extract<NewEvent, { type: 'scope.updated' }> = { type: 'scope.updated', by };
  let changed = false;
  const set = <K extends 'usersImpacted' | 'dataAtRisk' | 'impact' | 'summary' | 'rootCause'>(
    key: K,
  ) => {
    const now = report[key] || undefined;
    if (now !== (incident[key] || undefined)) {
      scope[key] = report[key];
      changed = true;
    }
  };
  if (report.services.join('\n') !== incident.services.join('\n')) {
    scope.services = report.services;
    changed = true;
  }
  for (const key of ['usersImpacted', 'dataAtRisk', 'impact', 'summary', 'rootCause'] as const)
    set(key);
  if (changed) events.push(scope);

  // A follow-up the incident has (or this save adds) already is not added again: a form saved
  // twice, or the same line typed in two windows.
  const texts = incident.followUps.map((followUp) => followUp.text);
  for (const { text, owner, due } of report.newFollowUps) {
    if (texts.some((known) => sameFollowUpText(known, text))) continue;
    texts.push(text);
    events.push({
      type: 'followup.added',
      text,
      ...(owner ? { owner } : {}),
      ...(due ? { due } : {}),
      by,
    });
  }
  const removed = report.removed ?? [];
  for (const followUp of incident.followUps) {
    if (removed.includes(followUp.id)) {
      events.push({ type: 'followup.removed', followUpId: followUp.id, by });
    } else if (!followUp.done && report.done.includes(followUp.id)) {
      events.push({ type: 'followup.done', followUpId: followUp.id, by });
    }
  }
  return events;
}
