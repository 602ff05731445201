/**
 * What every object of the FreeLMS scenario shares: its namespace and `part-of` label, the
 * image registry, the units its back-dating is written in, and the metadata helpers that give
 * each object its labels, creation time and owner. The builders of the scenario's parts
 * (`scenario-services.ts`, `scenario-pods.ts`) receive a `ScenarioBuilder` that creates objects
 * with the API server's defaults and knows the scenario's "now".
 */
import type { ObjectStore } from './store';
import type { KObject } from './types';

export const NAMESPACE = 'freelms';
export const PART_OF = 'app.kubernetes.io/part-of';
export const REGISTRY = 'registry.freelms.io';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Creates the scenario's objects, back-dated from `now`. */
export interface ScenarioBuilder {
  now: number;
  /** When the cluster's nodes and namespaces were created. */
  clusterBorn: number;
  store: ObjectStore;
  /** Creates `obj` with the defaults the API server would fill in. */
  create(resource: string, obj: KObject): KObject;
}

/** The labels of a FreeLMS object: its `app`, part of `freelms`, and any `extra`. */
export function labels(app: string, extra: Record<string, string> = {}): Record<string, string> {
  return { app, [PART_OF]: 'freelms', ...extra };
}

/** Metadata created at `created` (whole seconds, as the API server writes it). */
export function meta(
  name: string,
  namespace: string | undefined,
  created: number,
  rest: Record<string, unknown> = {},
): KObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    creationTimestamp: new Date(Math.floor(created / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z'),
    ...rest,
  } as KObject['metadata'];
}
