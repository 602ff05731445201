/**
 * What a write request carries, made into the object to store: a body checked against the URL
 * (kind, namespace, name), a JSON, merge or strategic merge patch applied to the current object
 * by its content type, and the options of a delete from its query or its body.
 */
import type { IncomingMessage } from 'node:http';

import { isDryRun, readBody } from './api-http';
import { groupVersion, type ResourceInfo } from './kinds';
import type { DeleteOptions } from './ops';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch';
import { ApiError, badRequest, unsupportedMediaType } from './status';
import { deepClone, type KObject } from './types';

/** The object `current` becomes under the patch in the request body, by its content type. */
export async function patched(req: IncomingMessage, current: KObject): Promise<KObject> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const body = await readBody(req);
  let result: unknown;
  switch (contentType) {
    case 'application/json-patch+json':
      result = applyJsonPatch(current, body);
      break;
    case 'application/merge-patch+json':
      result = applyMergePatch(current, body);
      break;
    case 'application/strategic-merge-patch+json':
      result = applyStrategicMergePatch(current, body);
      break;
    default:
      throw unsupportedMediaType(contentType || '(none)');
  }
  const obj = result as KObject;
  if (!obj || typeof obj !== 'object' || !obj.metadata)
    throw badRequest('the patch removed the object metadata');
  if (obj.metadata.name !== current.metadata.name) {
    throw new ApiError(
      422,
      'Invalid',
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${current.metadata.name})`,
    );
  }
  obj.metadata.uid = current.metadata.uid;
  obj.metadata.namespace = current.metadata.namespace;
  obj.kind = current.kind;
  obj.apiVersion = current.apiVersion;
  return obj;
}

/** A created or replaced object as sent, checked against the URL and given its kind and namespace. */
export function checkBody(
  info: ResourceInfo,
  body: KObject,
  namespace: string | undefined,
  name?: string,
): KObject {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('the request body must be an object');
  if (body.kind && body.kind !== info.kind) {
    throw badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version ` +
        `(${groupVersion(info)})`,
    );
  }
  const obj = deepClone(body);
  obj.kind = info.kind;
  obj.apiVersion = groupVersion(info);
  obj.metadata ??= {} as KObject['metadata'];
  if (info.namespaced) {
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    obj.metadata.namespace = namespace ?? obj.metadata.namespace;
  } else {
    delete obj.metadata.namespace;
  }
  if (name !== undefined && obj.metadata.name && obj.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  if (name !== undefined) obj.metadata.name = name;
  return obj;
}

/** The delete options of a request, from its query or its `DeleteOptions` body. */
export async function deleteOptions(
  req: IncomingMessage,
  query: URLSearchParams,
): Promise<DeleteOptions> {
  const body = ((await readBody(req)) ?? {}) as Record<string, unknown>;
  const grace = query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const propagation =
    query.get('propagationPolicy') ??
    body.propagationPolicy ??
    (body.orphanDependents === true ? 'Orphan' : undefined);
  return {
    ...(grace !== undefined && grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
    ...(propagation
      ? { propagationPolicy: propagation as DeleteOptions['propagationPolicy'] }
      : {}),
    dryRun: isDryRun(query) || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
  };
}
