import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { DeclareInput } from '../../../src/incident/store';

/** A temporary folder removed after the suite. */
export async function tempFolder(
  prefix: string,
): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `freelms-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A clock the test moves by hand. */
export function manualClock(start: string): {
  now: () => Date;
  advance(minutes: number): void;
  set(iso: string): void;
} {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    advance: (minutes) => {
      current = new Date(current.getTime() + minutes * 60_000);
    },
    set: (iso) => {
      current = new Date(iso);
    },
  };
}

export const gatewayDown: DeclareInput = {
  title: 'API gateway down',
  severity: 'P1',
  description: 'api-gateway returns 502 for every request',
  services: ['api-gateway'],
  usersImpacted: 'all users',
  dataAtRisk: 'no',
  by: 'Dana',
};
