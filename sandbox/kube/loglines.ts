/**
 * What the FreeLMS containers write, generated on demand: entry k of a container run is a
 * pure function of (run id, k), so any window of a log can be produced without storing it.
 * Spring Boot services write Spring's console format with multi-line stack traces,
 * notification-service writes JSON lines, the databases and sidecars their own formats.
 * A run's first entries are its start-up and, when it ended in a crash, its last ones say why.
 * The formats are in `loglines-spring.ts` (FreeLMS's own containers) and `loglines-datastores.ts`.
 */
import { fnv1a, prng } from './clock';
import { kafkaEntry, postgresEntry, redisEntry } from './loglines-datastores';
import { envoyEntry, jsonEntry, springEntry } from './loglines-spring';

export type LogProfile =
  'spring' | 'json' | 'postgres' | 'redis' | 'kafka' | 'envoy' | 'init' | 'plain';

export interface RunContext {
  profile: LogProfile;
  /** The app (label `app`), e.g. `api-gateway`. */
  app: string;
  image: string;
  runId: string;
  /** How the run ended, if it has: `OOMKilled`, `Error`, `Completed`. */
  endReason?: string;
}

/** Entry k of a run: one or more physical lines (stack traces span several). */
export function logEntry(
  ctx: RunContext,
  k: number,
  at: number,
  total: number | undefined,
): string[] {
  const random = prng(fnv1a(`${ctx.runId}/${k}`));
  const version = ctx.image.includes(':')
    ? ctx.image.slice(ctx.image.lastIndexOf(':') + 1)
    : 'latest';
  const ending =
    total !== undefined && ctx.endReason && ctx.endReason !== 'Completed' ? total - k : Infinity;
  switch (ctx.profile) {
    case 'spring':
      return springEntry(ctx, k, at, random, version, ending);
    case 'json':
      return [jsonEntry(ctx, k, at, random, ending)];
    case 'postgres':
      return [postgresEntry(k, at, random)];
    case 'redis':
      return [redisEntry(k, at, random)];
    case 'kafka':
      return [kafkaEntry(k, at, random)];
    case 'envoy':
      return [envoyEntry(at, random)];
    case 'init':
      return [`${new Date(at).toISOString()} waiting for dependencies (attempt ${k + 1})`];
    default:
      return [`${new Date(at).toISOString()} ${ctx.app} heartbeat ${k}`];
  }
}

/** The profile of a container, from its pod's `app` label and its name. */
export function profileFor(app: string, container: string, init: boolean): LogProfile {
  if (init) return 'init';
  if (container === 'envoy') return 'envoy';
  if (app === 'notification-service') return 'json';
  if (app === 'postgres' || app === 'redis' || app === 'kafka') return app;
  if (
    app === 'api-gateway' ||
    app.endsWith('-service') ||
    app.startsWith('lms-worker') ||
    app.length > 0
  )
    return 'spring';
  return 'plain';
}
