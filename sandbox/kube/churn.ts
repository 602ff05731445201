/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are open JSON */
/**
 * Pod churn for benchmarks: `POST /_control/churn {"rate": 1000, "seconds": 10}` changes that
 * many pods per second, round-robin over the namespace, each change a watch event (MODIFIED).
 * A change rewrites the first container's `lastState.terminated` (reason `BenchChurn`) with the
 * real time of the change, to the millisecond, so a watcher can tell how long it took to arrive.
 * `GET /_control/churn` answers how many changes were made and whether churn still runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { parseJson, readBody, sendJson } from '../services/http';
import type { ObjectStore } from './store';

export const CHURN_PATH = '/_control/churn';

/** The termination reason of a churned change, so a watcher tells it from the kubelet's own. */
export const CHURN_REASON = 'BenchChurn';

/** Changes made so far and whether the churn is still running. */
export interface ChurnState {
  changes: number;
  running: boolean;
}

/** Serves `/_control/churn` for one namespace of the store. */
export function churnControl(
  store: ObjectStore,
  namespace: string,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const state: ChurnState = { changes: 0, running: false };
  let timer: NodeJS.Timeout | undefined;

  const start = (rate: number, seconds: number) => {
    clearInterval(timer);
    const names = store.list('pods', namespace).map((p) => p.metadata.name as string);
    const started = Date.now();
    let next = 0;
    let made = 0;
    state.running = names.length > 0;
    if (!state.running) return;
    // A 10 ms tick catches up on what is due, so the rate holds when a tick comes late.
    timer = setInterval(() => {
      const elapsed = Math.min(Date.now() - started, seconds * 1000);
      const due = Math.floor((elapsed * rate) / 1000);
      // A pod gone or not started yet is skipped and the next one takes its turn.
      for (let skipped = 0; made < due && skipped < names.length;) {
        const name = names[next++ % names.length]!;
        let changed = false;
        store.mutate('pods', namespace, name, (pod: any) => {
          const status = pod.status?.containerStatuses?.[0];
          if (!status || pod.metadata.deletionTimestamp) return false;
          status.lastState = {
            terminated: { exitCode: 1, reason: CHURN_REASON, finishedAt: new Date().toISOString() },
          };
          changed = true;
        });
        if (changed) {
          made++;
          state.changes++;
          skipped = 0;
        } else {
          skipped++;
        }
      }
      if (elapsed >= seconds * 1000) {
        clearInterval(timer);
        state.running = false;
      }
    }, 10);
  };

  return async (req, res) => {
    if (req.method === 'POST') {
      const body = parseJson(await readBody(req)) as { rate?: number; seconds?: number };
      const rate = Number(body.rate ?? 1000);
      const seconds = Number(body.seconds ?? 10);
      if (!(rate > 0) || !(seconds > 0)) {
        sendJson(res, 400, { error: 'rate and seconds must be numbers above zero' });
        return;
      }
      state.changes = 0;
      start(rate, seconds);
      sendJson(res, 202, state);
      return;
    }
    if (req.method === 'DELETE') {
      clearInterval(timer);
      state.running = false;
    }
    sendJson(res, 200, state);
  };
}
