import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { fetch } from 'undici';

import type { KubeConnection, RequestInfo } from './connection';
import { errorFromResponse } from './errors';

/** A request body and how the server is to read it. */
export interface KubeRequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** `application/json-patch+json`, `application/merge-patch+json`, or plain JSON by default. */
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * Sends one JSON request (a PATCH with a chosen patch type, mostly) and returns the parsed answer.
 * client-node's typed clients round-trip bodies through their model serializer, which turns
 * timestamps into `Date`s and drops fields it does not know; a rollback must send the
 * ReplicaSet's template exactly as the server gave it, so this path stays on raw JSON.
 * Failures come out of `connection.call` as logged `KubeError`s naming the request.
 */
export async function kubeRequest<T>(
  connection: KubeConnection,
  info: RequestInfo,
  method: 'GET' | 'PATCH' | 'PUT' | 'POST',
  path: string,
  options: KubeRequestOptions = {},
): Promise<T> {
  return connection.call(info, async () => {
    const url = new URL(connection.server.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    const request = new RequestContext(url.toString(), HttpMethod.GET);
    await connection.kubeConfig.applySecurityAuthentication(request);
    const headers: Record<string, string> = {
      ...request.getHeaders(),
      accept: 'application/json',
    };
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      dispatcher: request.getDispatcher(),
      signal: options.signal,
    });
    const text = await response.text();
    if (response.status < 200 || response.status > 299) {
      const responseHeaders = Object.fromEntries(response.headers.entries());
      throw errorFromResponse(response.status, text, responseHeaders, connection.target(info));
    }
    return (text ? JSON.parse(text) : undefined) as T;
  });
}
