import type { Incident } from '../../incident/model';
import type { RevisionEntry } from '../../platform/kube/rollout';

/** Revisions of a Deployment that an incident rolled back away from, with where and when. */
export function revisionsLeft(
  incidents: readonly Incident[],
  deployment: string,
): Map<number, string> {
  const left = new Map<number, string>();
  for (const incident of incidents) {
    for (const event of incident.actions) {
      const action = event.action;
      if (
        event.ok &&
        action.kind === 'rollback' &&
        action.deployment === deployment &&
        action.fromRevision !== undefined
      )
        left.set(action.fromRevision, `${incident.id}, ${event.at.slice(11, 16)} UTC`);
    }
  }
  return left;
}

/**
 * The revisions a rollback may return to, in the order to offer them: newest first, but those an
 * incident rolled back from last. kubectl's "previous" is the newest revision that is not
 * current; after one rollback that is the release the incident just left, so it must not be
 * the choice Enter makes.
 */
export function revisionChoices(
  history: readonly RevisionEntry[],
  left: ReadonlyMap<number, string>,
): RevisionEntry[] {
  const older = history.filter((entry) => !entry.current).reverse();
  return [
    ...older.filter((entry) => !left.has(entry.revision)),
    ...older.filter((entry) => left.has(entry.revision)),
  ];
}
