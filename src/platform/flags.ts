import type { Log } from '../common/log';
import type { Action } from '../incident/model';
import { httpRequest } from './http';
import type { TransportFailure } from './http';
import type { HttpAnswer } from './http';

/** A feature flag as the admin API reports it. */
export interface FeatureFlag {
  flag: string;
  enabled: boolean;
  description?: string;
  updatedAt?: string;
  updatedBy?: string;
}

/** What went wrong with the admin API, in the categories the responder acts on differently. */
export type FlagErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'unknownFlag'
  | 'badRequest'
  | 'notApplied'
  | 'serverError'
  | 'badAnswer'
  | 'timeout'
  | 'unreachable'
  | 'tls'
  | 'cancelled';

/** A failed feature-flag call, naming the request, the URL and what to do. */
export class FlagError extends Error {
  override readonly name = 'FlagError';

  constructor(
    readonly kind: FlagErrorKind,
    message: string,
    readonly url: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** Where the admin API is and how to call it; the token comes from the caller's secret storage. */
export interface FlagsTarget {
  /** Base URL of the admin API (`https://api.example.com`); `/admin/feature-flags` is added. */
  baseUrl: string;
  /** The admin bearer token (the runbook's `$ADMIN_TOKEN`). Never logged. */
  token: string;
  log: Log;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What `setFlag` did, with the state read back afterwards. */
export interface FlagChange {
  flag: string;
  /** State before the change, when the API said or the list showed it. */
  previous?: boolean;
  requested: boolean;
  /** State read back from the list after the change. */
  readBack: boolean;
  flagAfter: FeatureFlag;
}

const flagsUrl = (baseUrl: string) => `${baseUrl.replace(/\/+$/, '')}/admin/feature-flags`;

function serverMessage(answer: HttpAnswer): string {
  const body = answer.json as { message?: unknown; error?: unknown } | undefined;
  const said = typeof body?.message === 'string' ? body.message : undefined;
  return said ?? (answer.text.length < 300 ? answer.text.trim() : '');
}

async function call(
  target: FlagsTarget,
  method: 'GET' | 'POST',
  body?: unknown,
  flag?: string,
): Promise<HttpAnswer> {
  const url = flagsUrl(target.baseUrl);
  const what = `${method} ${url}`;
  let answer: HttpAnswer;
  try {
    answer = await httpRequest(url, {
      method,
      headers: { authorization: `Bearer ${target.token}` },
      body,
      timeoutMs: target.timeoutMs ?? 10_000,
      signal: target.signal,
    });
  } catch (err) {
    const failure = err as TransportFailure;
    if (failure.kind !== 'cancelled') {
      target.log.warn(`${what} failed: ${failure.why}`);
    }
    const advice =
      failure.kind === 'tls'
        ? 'Check the flags URL in the settings and the certificate of the admin API.'
        : 'Check the flags URL in the settings, the VPN and that the admin API is up.';
    throw new FlagError(
      failure.kind ?? 'unreachable',
      failure.kind === 'cancelled'
        ? 'Cancelled.'
        : `The admin API did not answer ${what}: ${failure.why}. ${advice}`,
      url,
    );
  }
  if (answer.status >= 200 && answer.status < 300) {
    return answer;
  }
  target.log.warn(`${what} answered ${answer.status} in ${answer.elapsedMs} ms`);
  const said = serverMessage(answer);
  const saidText = said ? ` The server said: ${said}` : '';
  switch (answer.status) {
    case 401:
      throw new FlagError(
        'unauthorized',
        `The admin API refused ${what} without valid credentials (401). The admin token is ` +
          `missing or expired: set it again.${saidText}`,
        url,
        401,
      );
    case 403:
      throw new FlagError(
        'forbidden',
        `The admin API refused ${what} (403): the admin token is not allowed to manage ` +
          `feature flags. Ask for a token with the admin role.${saidText}`,
        url,
        403,
      );
    case 404:
      throw new FlagError(
        flag ? 'unknownFlag' : 'badAnswer',
        flag
          ? `The admin API has no feature flag "${flag}" (404). Pick one from the list.${saidText}`
          : `Nothing answers at ${url} (404): check the flags URL in the settings.${saidText}`,
        url,
        404,
      );
    case 400:
      throw new FlagError(
        'badRequest',
        `The admin API rejected ${what} (400).${saidText}`,
        url,
        400,
      );
    default:
      throw new FlagError(
        answer.status >= 500 ? 'serverError' : 'badAnswer',
        `The admin API failed ${what} with ${answer.status}.${saidText} Try again; if it ` +
          'persists, the admin API itself needs attention.',
        url,
        answer.status,
      );
  }
}

function toFlag(value: unknown, name?: string): FeatureFlag | undefined {
  if (typeof value === 'boolean' && name) {
    return { flag: name, enabled: value };
  }
  if (!value || typeof value !== 'object') {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const flag = typeof v.flag === 'string' ? v.flag : typeof v.name === 'string' ? v.name : name;
  if (!flag || typeof v.enabled !== 'boolean') {
    return undefined;
  }
  return {
    flag,
    enabled: v.enabled,
    description: typeof v.description === 'string' ? v.description : undefined,
    updatedAt: typeof v.updatedAt === 'string' ? v.updatedAt : undefined,
    updatedBy: typeof v.updatedBy === 'string' ? v.updatedBy : undefined,
  };
}

/**
 * Reads the flags out of a list answer: `{flags: [...]}`, a bare array, or a map of name to
 * boolean or to a flag object; admin APIs differ in this and all three are met in practice.
 */
export function parseFlagList(body: unknown): FeatureFlag[] | undefined {
  const inner = (body as { flags?: unknown } | undefined)?.flags ?? body;
  if (Array.isArray(inner)) {
    const flags = inner.map((v) => toFlag(v));
    return flags.every((f) => f) ? (flags as FeatureFlag[]) : undefined;
  }
  if (inner && typeof inner === 'object') {
    const flags = Object.entries(inner).map(([k, v]) => toFlag(v, k));
    return flags.every((f) => f) ? (flags as FeatureFlag[]) : undefined;
  }
  return undefined;
}

/** `GET /admin/feature-flags`: every flag with its state, sorted by name. */
export async function listFlags(target: FlagsTarget): Promise<FeatureFlag[]> {
  const answer = await call(target, 'GET');
  const flags = parseFlagList(answer.json);
  if (!flags) {
    throw new FlagError(
      'badAnswer',
      `GET ${flagsUrl(target.baseUrl)} did not answer a list of flags: check the flags URL.`,
      flagsUrl(target.baseUrl),
      answer.status,
    );
  }
  return flags.sort((a, b) => a.flag.localeCompare(b.flag));
}

/**
 * `POST /admin/feature-flags {"flag", "enabled"}` as the runbook's curl does, then the list read
 * again so the state shown is the one the API holds, not the one asked for. A read-back that
 * disagrees throws `notApplied`.
 */
export async function setFlag(
  target: FlagsTarget,
  flag: string,
  enabled: boolean,
): Promise<FlagChange> {
  const answer = await call(target, 'POST', { flag, enabled }, flag);
  const said = answer.json as { previous?: unknown } | undefined;
  const after = (await listFlags(target)).find((f) => f.flag === flag);
  if (!after) {
    throw new FlagError(
      'notApplied',
      `The admin API accepted the change of "${flag}" but does not list that flag afterwards.`,
      flagsUrl(target.baseUrl),
    );
  }
  if (after.enabled !== enabled) {
    throw new FlagError(
      'notApplied',
      `The admin API accepted turning "${flag}" ${enabled ? 'on' : 'off'}, but reads it back ` +
        `${after.enabled ? 'on' : 'off'}. Something else may manage this flag; check it.`,
      flagsUrl(target.baseUrl),
    );
  }
  target.log.info(`feature flag ${flag} set to ${enabled} at ${flagsUrl(target.baseUrl)}`);
  return {
    flag,
    previous: typeof said?.previous === 'boolean' ? said.previous : undefined,
    requested: enabled,
    readBack: after.enabled,
    flagAfter: after,
  };
}

/** The journal's record of a flag change. */
export function flagAction(change: FlagChange): Action {
  return { kind: 'flag', flag: change.flag, enabled: change.readBack };
}
