/**
 * The control endpoint tests use to switch faults and read the call log:
 *
 * - `GET /_control/faults`: the faults in force.
 * - `POST /_control/faults`: switch one on; body `{"spec": "slack:chat.postMessage:429"}` or a
 *   JSON rule (see `parseFaultRule`); answers 201 with the fault and its `id`.
 * - `DELETE /_control/faults`: switch all off; `DELETE /_control/faults/{id}`: one.
 * - `GET /_control/calls[?service=slack]`: calls received, oldest first; `DELETE` clears them.
 * - `POST /_control/services/reset` (served by `router.ts`): services back to their seeded state.
 *
 * Other `/_control/…` paths are left to the Kubernetes part of the sandbox.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  FAULT_SERVICES,
  FaultSpecError,
  parseCount,
  parseFaultSpec,
  parseService,
  parseStatus,
  type FaultRegistry,
  type FaultRule,
  type FaultService,
} from '../faults';
import { parseJson, readBody, requestUrl, sendJson } from './http';

export const CONTROL_MOUNT = '/_control';

/** Answers a control request; false when the path is not one of these. */
export async function handleControl(
  faults: FaultRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = requestUrl(req);

  if (path === '/faults' || path === '/faults/') {
    if (method === 'GET') {
      sendJson(res, 200, { faults: faults.list() });
    } else if (method === 'DELETE') {
      faults.clear();
      sendJson(res, 200, { faults: [] });
    } else if (method === 'POST') {
      try {
        const fault = faults.add(parseFaultRule(parseJson(await readBody(req))));
        sendJson(res, 201, fault);
      } catch (error) {
        if (!(error instanceof FaultSpecError)) {
          throw error;
        }
        sendJson(res, 400, { error: error.message });
      }
    } else {
      sendJson(res, 405, { error: `${method} is not allowed on ${CONTROL_MOUNT}/faults` });
    }
    return true;
  }

  const one = /^\/faults\/([^/]+)$/.exec(path);
  if (one !== null && method === 'DELETE') {
    const removed = faults.remove(decodeURIComponent(one[1]!));
    sendJson(
      res,
      removed ? 200 : 404,
      removed ? { removed: one[1] } : { error: `no fault ${one[1]}` },
    );
    return true;
  }

  if (path === '/calls' || path === '/calls/') {
    const service = url.searchParams.get('service');
    if (service !== null && !(FAULT_SERVICES as readonly string[]).includes(service)) {
      sendJson(res, 400, {
        error: `unknown service "${service}" (one of ${FAULT_SERVICES.join(', ')})`,
      });
    } else if (method === 'DELETE') {
      faults.clearCalls();
      sendJson(res, 200, { calls: [] });
    } else {
      sendJson(res, 200, {
        calls: faults.calls((service ?? undefined) as FaultService | undefined),
      });
    }
    return true;
  }
  return false;
}

/**
 * Reads the JSON body of `POST /_control/faults`: either `{"spec": "…"}` or the fields of a
 * `FaultRule` flattened, e.g. `{"service": "slack", "method": "POST", "path": "chat.postMessage",
 * "status": 429, "retryAfterSeconds": 2, "times": 1}`, `{"service": "health", "latencyMs": 500}`,
 * `{"service": "kubernetes", "timeout": true}`, `{"service": "kubernetes", "cutAfterBytes": 100}`.
 * `body` replaces the service's own error body of a status fault.
 */
export function parseFaultRule(input: unknown): FaultRule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultSpecError('a fault is a JSON object');
  }
  const json = input as Record<string, unknown>;
  if (typeof json.spec === 'string') {
    return parseFaultSpec(json.spec);
  }
  const rule: FaultRule = {
    service: parseService(String(json.service ?? ''), 'the request'),
    action: { kind: 'latency' },
  };
  if (typeof json.method === 'string') {
    rule.method = json.method.toUpperCase();
  }
  if (typeof json.path === 'string') {
    rule.path = json.path;
  }
  const count = (key: string): number | undefined =>
    json[key] === undefined ? undefined : parseCount(String(json[key]), key);
  const times = count('times');
  const latencyMs = count('latencyMs');
  const retryAfterSeconds = count('retryAfterSeconds');
  const cutAfterBytes = count('cutAfterBytes');
  if (times !== undefined) {
    rule.times = times;
  }
  if (latencyMs !== undefined) {
    rule.latencyMs = latencyMs;
  }
  if (json.status !== undefined) {
    rule.action = { kind: 'status', status: parseStatus(String(json.status), 'the request') };
    if (retryAfterSeconds !== undefined) {
      rule.action.retryAfterSeconds = retryAfterSeconds;
    }
    if (json.body !== undefined) {
      rule.action.body = json.body;
    }
  } else if (json.timeout === true) {
    rule.action = { kind: 'timeout' };
  } else if (cutAfterBytes !== undefined) {
    rule.action = { kind: 'cut', afterBytes: cutAfterBytes };
  } else if (latencyMs === undefined) {
    throw new FaultSpecError('a fault needs status, timeout, cutAfterBytes or latencyMs');
  }
  return rule;
}
