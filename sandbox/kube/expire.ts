/**
 * `POST /_control/watches/expire`: what an API server does when its watch cache moves on
 * without a client: every open watch (and log follow) is cut, and the history they could
 * resume from is forgotten, so each client's next watch from its last version gets
 * `410 Gone` and must list again. Tests use it to prove a client resyncs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { sendJson } from '../services/http';
import type { ObjectStore } from './store';

export const EXPIRE_PATH = '/_control/watches/expire';

export function expireControl(
  store: ObjectStore,
  namespace: string,
  closeStreams: () => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: `${req.method} is not allowed on ${EXPIRE_PATH}; POST it` });
      return;
    }
    // Cut first, then move the version on and forget the history, all in one tick: no client
    // can reconnect in between, so every one of them resumes from a version now too old.
    closeStreams();
    store.mutate('namespaces', undefined, namespace, (ns) => {
      ns.metadata.annotations = {
        ...ns.metadata.annotations,
        'sandbox.freelms.io/expired': new Date().toISOString(),
      };
    });
    store.compact();
    sendJson(res, 200, { oldestResumableVersion: store.oldestResumableVersion });
  };
}
