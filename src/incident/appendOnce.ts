import { lock } from 'proper-lockfile';

import type { Incident, NewEvent } from './model';
import type { IncidentStore } from './store';

/**
 * Thrown when the incident's lock stayed taken for longer than we were willing to wait: another
 * decision on the same journal (this window's or another's) was being written, or a window that
 * crashed holding it left it behind (stale, and taken over, after 20 s).
 */
export class JournalBusyError extends Error {
  override readonly name = 'JournalBusyError';

  constructor(readonly incidentId: string) {
    super(`the journal of ${incidentId} stayed locked by another change; try again in a moment`);
  }
}

/**
 * Appends what `decide` asks for, deciding on the journal as it is now, with no other decision
 * appended in between: the incident's lock is held from the fresh read to the append, a few
 * milliseconds. (The outbox delivers under a lock of its own, so a slow delivery round does not
 * hold this one.) Two windows watching the same incident both call
 * this when the watch ends; the second one reads the first one's `watch.ended` and appends
 * nothing. Returns the events written (empty when `decide` wanted none) and the incident after.
 */
export async function appendOnce(
  store: IncidentStore,
  incidentId: string,
  decide: (incident: Incident) => NewEvent[],
): Promise<{ written: NewEvent[]; incident: Incident | undefined }> {
  let release: () => Promise<void>;
  try {
    release = await lock(store.journalPath(incidentId), {
      stale: 20_000,
      update: 5_000,
      // Other holders only read and append; a few seconds covers many of them in a row.
      retries: { retries: 10, factor: 1.5, minTimeout: 50, maxTimeout: 1_000 },
      realpath: false,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new JournalBusyError(incidentId);
    throw error;
  }
  try {
    const incident = await store.get(incidentId);
    const written = incident ? decide(incident) : [];
    if (written.length === 0) return { written, incident };
    return { written, incident: await store.append(incidentId, written) };
  } finally {
    await release().catch(() => undefined);
  }
}
