/**
 * The HTTP plumbing every part of the Kubernetes API shares: where a request points (resource,
 * namespace, name, subresource), reading a JSON or YAML body with a size limit, writing a JSON
 * answer, the `dryRun=All` query, and the `Status` objects for a path that is not served and
 * for a success.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { parse as parseYaml } from 'yaml';

import type { ResourceInfo } from './kinds';
import { ApiError, badRequest } from './status';

const MAX_BODY = 8 * 1024 * 1024;

/** Where a request points inside the API. */
export interface Target {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

export function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

/** A `Status` of success, with what the answer adds to it (`details`, `code`). */
export function successStatus(rest: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...rest };
}

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  const contentType = String(req.headers['content-type'] ?? '');
  try {
    return contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `the request body could not be decoded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
