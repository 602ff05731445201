/**
 * The three patch types kubectl sends: JSON patch (RFC 6902, `rollout undo`), JSON merge patch
 * (RFC 7386, `scale`, `annotate`) and strategic merge patch (`set image`, `rollout restart`,
 * `rollout pause`). The strategic one covers the lists kubectl patches in practice: lists of
 * containers, env, ports, volumes… are merged by their merge key, and the `$patch`,
 * `$retainKeys`, `$setElementOrder` and `$deleteFromPrimitiveList` directives are honoured.
 */
import { badRequest, ApiError } from './status';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`json patch: invalid path ${pointer}`);
  return pointer.slice(1).split('/').map(unescapePointer);
}

function getAt(doc: unknown, tokens: string[], pointer: string): unknown {
  let value = doc;
  for (const token of tokens) {
    if (Array.isArray(value)) value = value[Number(token)];
    else if (isObject(value)) value = value[token];
    else value = undefined;
    if (value === undefined) throw patchFailed(`doc is missing path: "${pointer}"`);
  }
  return value;
}

function patchFailed(message: string): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `the server rejected our request due to an error in our request: ${message}`,
  );
}

/** Applies an RFC 6902 JSON patch to a copy of `doc`. */
export function applyJsonPatch<T>(doc: T, operations: unknown): T {
  if (!Array.isArray(operations))
    throw badRequest('json patch: the body must be a list of operations');
  const root: { doc: unknown } = { doc: structuredClone(doc) };
  for (const raw of operations) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest(`json patch: invalid operation ${JSON.stringify(raw)}`);
    }
    const tokens = parsePointer(raw.path);
    switch (raw.op) {
      case 'add':
        put(root, tokens, structuredClone(raw.value), 'add', raw.path);
        break;
      case 'replace':
        getAt(root.doc, tokens, raw.path);
        put(root, tokens, structuredClone(raw.value), 'replace', raw.path);
        break;
      case 'remove':
        getAt(root.doc, tokens, raw.path);
        remove(root, tokens);
        break;
      case 'move':
      case 'copy': {
        if (typeof raw.from !== 'string') throw badRequest(`json patch: ${raw.op} needs "from"`);
        const fromTokens = parsePointer(raw.from);
        const value = structuredClone(getAt(root.doc, fromTokens, raw.from));
        if (raw.op === 'move') remove(root, fromTokens);
        put(root, tokens, value, 'add', raw.path);
        break;
      }
      case 'test': {
        const value = getAt(root.doc, tokens, raw.path);
        if (JSON.stringify(value) !== JSON.stringify(raw.value)) {
          throw patchFailed(`testing value ${raw.path} failed`);
        }
        break;
      }
      default:
        throw badRequest(`json patch: unknown operation ${raw.op}`);
    }
  }
  return root.doc as T;
}

function put(
  root: { doc: unknown },
  tokens: string[],
  value: unknown,
  mode: 'add' | 'replace',
  pointer: string,
): void {
  if (tokens.length === 0) {
    root.doc = value;
    return;
  }
  const parent = getAt(root.doc, tokens.slice(0, -1), pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw patchFailed(`index out of range at ${pointer}`);
    }
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw patchFailed(`doc is missing path: "${pointer}"`);
  }
}

function remove(root: { doc: unknown }, tokens: string[]): void {
  const parent = getAt(root.doc, tokens.slice(0, -1), '');
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObject(parent)) delete parent[last];
}

/** RFC 7386: objects merge, `null` deletes, everything else (lists too) replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** Merge keys of the lists that strategic merge patch merges rather than replaces. */
const MERGE_KEYS: Record<string, string | ((item: JsonObject) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
};

/** Primitive lists that merge as sets (the rest replace). */
const SET_LISTS = new Set(['finalizers']);

/** Applies a strategic merge patch to a copy of `target`. */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw badRequest('strategic merge patch: the body must be an object');
  return mergeObject(isObject(target) ? structuredClone(target) : {}, patch);
}

function mergeObject(target: JsonObject, patch: JsonObject): JsonObject {
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return stripDirectives(rest) as JsonObject;
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const key of Object.keys(target)) if (!keep.has(key)) delete target[key];
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const list = target[field];
      if (Array.isArray(list) && Array.isArray(value)) {
        target[field] = list.filter((item) => !value.includes(item));
      }
      continue;
    }
    if (value === null) {
      delete target[key];
    } else if (isObject(value)) {
      if (value.$patch === 'delete') delete target[key];
      else
        target[key] = mergeObject(isObject(target[key]) ? (target[key] as JsonObject) : {}, value);
    } else if (Array.isArray(value)) {
      target[key] = mergeList(key, target[key], value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

function mergeList(field: string, current: unknown, patch: unknown[]): unknown[] {
  const replace = patch.some((item) => isObject(item) && item.$patch === 'replace');
  if (replace)
    return stripDirectives(
      patch.filter((item) => !(isObject(item) && item.$patch === 'replace')),
    ) as unknown[];
  const existing = Array.isArray(current) ? current : [];
  if (SET_LISTS.has(field)) return [...new Set([...existing, ...patch])];
  const keySpec = MERGE_KEYS[field];
  if (!keySpec || !patch.every(isObject)) return stripDirectives(patch) as unknown[];
  const result = [...existing] as JsonObject[];
  for (const item of patch as JsonObject[]) {
    const key = typeof keySpec === 'string' ? keySpec : keySpec(item);
    const index = result.findIndex(
      (candidate) => isObject(candidate) && candidate[key] === item[key],
    );
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = mergeObject(result[index]!, item);
    } else {
      result.push(stripDirectives(item) as JsonObject);
    }
  }
  return result;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    out[key] = stripDirectives(inner);
  }
  return out;
}
