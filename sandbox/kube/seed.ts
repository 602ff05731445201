/**
 * `--seed DIR`: the objects of every JSON and YAML file under a folder (lists and multi-document
 * YAML too) loaded into the store as they are, with their namespaces created where missing. An
 * object seeded with a deletion timestamp keeps a finalizer, so it stays Terminating.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { applyDefaults } from './defaults';
import { resourceForKind } from './kinds';
import type { ObjectStore } from './store';
import type { KObject } from './types';

/**
 * Loads every object of the JSON/YAML files under `dir` (lists and multi-document YAML too).
 * What cannot be loaded is said, naming the file: an object is skipped with a warning, a file
 * that does not parse or an object the store refuses stops the sandbox with the file's name.
 */
export function loadSeed(
  store: ObjectStore,
  dir: string,
  warn: (message: string) => void = () => undefined,
): number {
  let count = 0;
  const seen = new Map<string, string>();
  const files = listFiles(dir)
    .filter((f) => /\.(json|ya?ml)$/i.test(f))
    .sort();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    let docs: unknown[];
    try {
      docs = file.toLowerCase().endsWith('.json')
        ? [JSON.parse(text)]
        : parseAllDocuments(text).map((d) => d.toJSON());
    } catch (error) {
      throw new Error(
        `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    for (const doc of docs.flatMap(flattenList)) {
      const obj = inferKind(doc as KObject);
      if (!obj?.kind || !obj.apiVersion || !obj.metadata?.name) {
        warn(`${file}: skipped an object without kind, apiVersion or metadata.name`);
        continue;
      }
      const info = resourceForKind(obj.apiVersion, obj.kind);
      if (!info)
        throw new Error(`${file}: the sandbox does not serve ${obj.apiVersion} ${obj.kind}`);
      if (info.namespaced) {
        obj.metadata.namespace ??= 'default';
        if (!store.get('namespaces', undefined, obj.metadata.namespace)) {
          const ns: KObject = {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: obj.metadata.namespace } as KObject['metadata'],
          };
          applyDefaults('namespaces', ns);
          store.create('namespaces', ns);
        }
      } else {
        delete obj.metadata.namespace;
      }
      delete (obj.metadata as Record<string, unknown>).resourceVersion;
      if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length)
        obj.metadata.finalizers = ['sandbox.freelms.io/seeded'];
      const deletion = obj.metadata.deletionTimestamp;
      const key = `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
      if (seen.has(key)) warn(`${file}: ${key} replaces the one from ${seen.get(key)}`);
      seen.set(key, file);
      let created: KObject;
      try {
        applyDefaults(info.resource, obj);
        if (store.get(info.resource, obj.metadata.namespace, obj.metadata.name))
          store.remove(info.resource, obj.metadata.namespace, obj.metadata.name);
        created = store.create(info.resource, obj);
      } catch (error) {
        throw new Error(`${file}: ${key} cannot be loaded: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (deletion) {
        store.mutate(info.resource, created.metadata.namespace, created.metadata.name, (o) => {
          o.metadata.deletionTimestamp = deletion;
        });
      }
      count++;
    }
  }
  return count;
}

/**
 * A pod as `kubectl get pod -o json | jq .items[0]` or an API client prints it often lacks
 * `kind` and `apiVersion`; its `spec.containers` says what it is.
 */
function inferKind(obj: KObject | undefined): KObject | undefined {
  if (!obj || typeof obj !== 'object' || obj.kind) return obj;
  const spec = (obj as { spec?: { containers?: unknown } }).spec;
  return Array.isArray(spec?.containers) ? { ...obj, kind: 'Pod', apiVersion: 'v1' } : obj;
}

function flattenList(doc: unknown): unknown[] {
  const obj = doc as { kind?: string; items?: unknown[] };
  if (
    obj &&
    typeof obj.kind === 'string' &&
    obj.kind.endsWith('List') &&
    Array.isArray(obj.items)
  ) {
    const itemKind = obj.kind.slice(0, -4);
    return obj.items.map((item) => ({
      kind: itemKind,
      apiVersion: (obj as { apiVersion?: string }).apiVersion,
      ...(item as object),
    }));
  }
  return [doc];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
