/**
 * The subresources kubectl uses: `status` (read and written apart from the spec), `scale` (an
 * `autoscaling/v1` Scale over a Deployment, ReplicaSet or StatefulSet), `log` (handed to the
 * log service), `eviction` (a delete that answers 201) and `exec` (only over a websocket
 * upgrade, which `exec.ts` serves).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { isDryRun, notFoundPath, readBody, sendJson, successStatus, type Target } from './api-http';
import { checkBody, patched } from './api-write';
import type { SandboxClock } from './clock';
import { deleteObject, type DeleteOptions } from './ops';
import { selectorToString } from './selectors';
import { ApiError, badRequest, methodNotAllowed } from './status';
import type { ObjectStore } from './store';
import { deepClone, type KObject } from './types';

/** Serves `GET …/pods/{name}/log`. */
export type LogHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  pod: KObject,
  query: URLSearchParams,
) => void | Promise<void>;

/** What serving a subresource needs from the API server. */
export interface SubresourceContext {
  store: ObjectStore;
  clock: SandboxClock;
  logs: LogHandler | undefined;
}

export async function serveSubresource(
  ctx: SubresourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: Target,
  query: URLSearchParams,
  method: string,
): Promise<void> {
  const { info, namespace } = target;
  const name = target.name!;
  const dryRun = isDryRun(query);
  const current = ctx.store.require(info.resource, namespace, name);
  switch (target.subresource) {
    case 'status': {
      if (method === 'GET') return sendJson(res, 200, current);
      if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
      const next =
        method === 'PUT'
          ? checkBody(info, (await readBody(req)) as KObject, namespace, name)
          : await patched(req, current);
      const updated = deepClone(current);
      updated.status = next.status;
      if (method === 'PUT') updated.metadata.resourceVersion = next.metadata.resourceVersion;
      return sendJson(
        res,
        200,
        ctx.store.update(info.resource, updated, { checkVersion: true, dryRun }),
      );
    }
    case 'scale': {
      if (method === 'GET') return sendJson(res, 200, toScale(current));
      let scale: KObject;
      if (method === 'PUT') scale = (await readBody(req)) as KObject;
      else if (method === 'PATCH') scale = await patched(req, toScale(current));
      else throw methodNotAllowed();
      const replicas = scale?.spec?.replicas;
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw new ApiError(
          422,
          'Invalid',
          `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ` +
            `${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        );
      }
      const rv = scale.metadata?.resourceVersion;
      const updated = deepClone(current);
      updated.spec = { ...updated.spec, replicas };
      if (rv) updated.metadata.resourceVersion = rv;
      const stored = ctx.store.update(info.resource, updated, { checkVersion: true, dryRun });
      return sendJson(res, 200, toScale(stored));
    }
    case 'log': {
      if (method !== 'GET') throw methodNotAllowed();
      if (!ctx.logs)
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      return ctx.logs(req, res, current, query);
    }
    case 'exec':
      throw badRequest('Upgrade request required');
    case 'eviction': {
      if (method !== 'POST') throw methodNotAllowed();
      const body = (await readBody(req)) as { deleteOptions?: DeleteOptions } | undefined;
      deleteObject(ctx.store, ctx.clock, 'pods', namespace, name, {
        ...(body?.deleteOptions ?? {}),
        dryRun,
      });
      return sendJson(res, 201, successStatus({ code: 201 }));
    }
  }
  throw notFoundPath();
}

/** The `autoscaling/v1` Scale of a Deployment, ReplicaSet or StatefulSet. */
export function toScale(obj: KObject): KObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      selector: selectorToString(obj.spec?.selector).replace(/^<none>$/, ''),
    },
  };
}
