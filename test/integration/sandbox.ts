import { readFileSync } from 'node:fs';

import type { SandboxEndpoints } from '../../sandbox/endpoints';

/** The sandbox `scripts/test.mjs` started for this run; undefined when run without it. */
export function sandbox(): SandboxEndpoints | undefined {
  const file = process.env['FREELMS_SANDBOX_ENDPOINTS'];
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as SandboxEndpoints) : undefined;
}

/** Calls the sandbox's control API (faults, call log, reset). */
export async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const endpoints = sandbox();
  if (!endpoints) throw new Error('no sandbox: FREELMS_SANDBOX_ENDPOINTS is not set');
  const response = await fetch(`${endpoints.control}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Polls until `probe` gives a value, or fails naming what it waited for. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  seen: () => unknown = () => undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const last = await seen();
      throw new Error(
        `timed out waiting for ${what}${last === undefined ? '' : `; last seen: ${JSON.stringify(last)}`}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
