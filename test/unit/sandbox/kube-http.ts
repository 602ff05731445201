/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are open JSON, checked field by field */
/**
 * The sandbox's Kubernetes API as any HTTP client sees it, for tests that check answers field by
 * field: GET with headers, a write with a body of a given content type, and a watch stream read
 * event by event until the test has seen enough.
 */
import assert from 'node:assert/strict';

/** A `Status` object as the API server answers errors with it. */
export interface Status {
  kind: string;
  status: string;
  reason: string;
  code: number;
  message: string;
  details?: { name?: string; kind?: string; group?: string };
}

/** The Accept header kubectl sends for server-side printing. */
export const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export interface ApiClient {
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  send(
    method: string,
    path: string,
    body: unknown,
    contentType?: string,
  ): Promise<{ status: number; body: any }>;
  /** Reads a watch stream until `done` says enough, then aborts it. */
  watch(path: string, done: (events: any[]) => boolean, timeoutMs?: number): Promise<any[]>;
}

/** A client of the API at `base()`, read on every call so it follows the current sandbox. */
export function apiClient(base: () => string): ApiClient {
  return {
    get: async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(base() + path, { headers });
      return { status: response.status, body: (await response.json()) as any };
    },
    send: async (method: string, path: string, body: unknown, contentType = 'application/json') => {
      const response = await fetch(base() + path, {
        method,
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    },
    watch: async (
      path: string,
      done: (events: any[]) => boolean,
      timeoutMs = 10_000,
    ): Promise<any[]> => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const events: any[] = [];
      try {
        const response = await fetch(base() + path, { signal: controller.signal });
        assert.equal(response.status, 200);
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buffer.slice(0, newline)));
            buffer = buffer.slice(newline + 1);
          }
          if (done(events)) break;
        }
      } catch (error) {
        if (!controller.signal.aborted) throw error;
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
      return events;
    },
  };
}
