/**
 * The cluster's state: every object by resource and `namespace/name`, one resourceVersion
 * counter for all of them (as etcd's revision), and a bounded history of changes that watches
 * resume from. Stored objects are never mutated: every write stores a fresh copy, so readers
 * and watch events can hold on to what they got.
 */
import { randomUUID } from 'node:crypto';

import type { SandboxClock } from './clock';
import { alreadyExists, conflict, notFound } from './status';
import { deepClone, type KObject } from './types';
import { qualified, resourceByName } from './kinds';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: WatchEventType;
  resource: string;
  object: KObject;
  /** The object before this change (for MODIFIED and DELETED). */
  previous?: KObject;
}

export type StoreListener = (event: StoreEvent) => void;

/** Resources whose `metadata.generation` counts changes of `spec`. */
const GENERATION_RESOURCES = new Set(['deployments', 'replicasets', 'statefulsets']);

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class ObjectStore {
  private rv = 1000;
  /** Events at or below this version are gone from the history. */
  private compactedRv = 1000;
  private readonly tables = new Map<string, Map<string, KObject>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private readonly undelivered: StoreEvent[] = [];
  private delivering = false;
  private readonly byOwner = new Map<string, Set<string>>();

  constructor(
    private readonly clock: SandboxClock,
    /** How many changes watches can resume from before they get `410 Gone`. */
    private readonly historyLimit = 20_000,
  ) {}

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest version a watch may resume from. */
  get oldestResumableVersion(): number {
    return this.compactedRv;
  }

  private table(resource: string): Map<string, KObject> {
    let table = this.tables.get(resource);
    if (!table) {
      table = new Map();
      this.tables.set(resource, table);
    }
    return table;
  }

  get(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.tables.get(resource)?.get(objectKey(namespace, name));
  }

  /** Like `get`, but a missing object is a 404 `Status`. */
  require(resource: string, namespace: string | undefined, name: string): KObject {
    const obj = this.get(resource, namespace, name);
    if (!obj) {
      const info = resourceByName(resource);
      throw notFound(qualified(info), name, info.group);
    }
    return obj;
  }

  /** Keys of a resource in etcd order (namespace, then name). */
  keys(resource: string): string[] {
    let keys = this.sortedKeys.get(resource);
    if (!keys) {
      keys = [...this.table(resource).keys()].sort(compareKeys);
      this.sortedKeys.set(resource, keys);
    }
    return keys;
  }

  /** Objects of a resource, in key order, optionally of one namespace. */
  list(resource: string, namespace?: string): KObject[] {
    const table = this.table(resource);
    const out: KObject[] = [];
    for (const key of this.keys(resource)) {
      const obj = table.get(key)!;
      if (namespace && obj.metadata.namespace !== namespace) continue;
      out.push(obj);
    }
    return out;
  }

  count(resource: string): number {
    return this.table(resource).size;
  }

  /** Objects whose ownerReferences name `uid`. */
  ownedBy(uid: string, resource?: string): KObject[] {
    const out: KObject[] = [];
    for (const ref of this.byOwner.get(uid) ?? []) {
      const [res, key] = ref.split('|') as [string, string];
      if (resource && res !== resource) continue;
      const obj = this.tables.get(res)?.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** Fills in what the server owns (uid, creation time, version) on a new object. */
  prepareNew(resource: string, input: KObject): KObject {
    const obj = deepClone(input);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) {
      meta.name = meta.generateName + Math.random().toString(36).slice(2, 7);
    }
    meta.uid = meta.uid || randomUUID();
    meta.creationTimestamp = meta.creationTimestamp || this.clock.iso();
    if (GENERATION_RESOURCES.has(resource)) meta.generation = meta.generation ?? 1;
    delete meta.deletionTimestamp;
    return obj;
  }

  /** Stores a new object; `AlreadyExists` when the name is taken. */
  create(resource: string, input: KObject, options: { dryRun?: boolean } = {}): KObject {
    const obj = this.prepareNew(resource, input);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    if (this.table(resource).has(key)) {
      const info = resourceByName(resource);
      throw alreadyExists(qualified(info), obj.metadata.name, info.group);
    }
    if (options.dryRun) return obj;
    return this.write(resource, key, obj, 'ADDED', undefined);
  }

  /**
   * Replaces an object. With `checkVersion`, a stale `metadata.resourceVersion` is a 409
   * `Conflict`, as a PUT from kubectl would get.
   */
  update(
    resource: string,
    input: KObject,
    /** `owned`: `input` is a fresh copy the store may keep as it is. */
    options: { checkVersion?: boolean; dryRun?: boolean; owned?: boolean } = {},
  ): KObject {
    const current = this.require(resource, input.metadata.namespace, input.metadata.name);
    if (
      options.checkVersion &&
      input.metadata.resourceVersion &&
      input.metadata.resourceVersion !== current.metadata.resourceVersion
    ) {
      const info = resourceByName(resource);
      throw conflict(qualified(info), input.metadata.name, info.group);
    }
    const obj = options.owned ? input : deepClone(input);
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.deletionTimestamp) {
      obj.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
      obj.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    }
    if (GENERATION_RESOURCES.has(resource)) {
      const generation = current.metadata.generation ?? 1;
      const specChanged = JSON.stringify(obj.spec) !== JSON.stringify(current.spec);
      obj.metadata.generation = specChanged ? generation + 1 : generation;
    }
    obj.metadata.resourceVersion = current.metadata.resourceVersion;
    if (JSON.stringify(obj) === JSON.stringify(current)) return current;
    if (options.dryRun) return obj;
    return this.write(
      resource,
      objectKey(obj.metadata.namespace, obj.metadata.name),
      obj,
      'MODIFIED',
      current,
    );
  }

  /**
   * Changes an object through `change`, which edits a copy (return `false` to leave it alone).
   * Returns the stored result, or undefined when the object is gone.
   */
  mutate(
    resource: string,
    namespace: string | undefined,
    name: string,
    change: (obj: KObject) => void | boolean,
  ): KObject | undefined {
    const current = this.get(resource, namespace, name);
    if (!current) return undefined;
    const copy = deepClone(current);
    if (change(copy) === false) return current;
    return this.update(resource, copy, { owned: true });
  }

  /** Removes an object at once and tells watchers it is DELETED. */
  remove(resource: string, namespace: string | undefined, name: string): KObject {
    const current = this.require(resource, namespace, name);
    const key = objectKey(namespace, name);
    this.table(resource).delete(key);
    this.sortedKeys.delete(resource);
    this.unindex(resource, key, current);
    const rv = ++this.rv;
    const obj = deepClone(current);
    obj.metadata.resourceVersion = String(rv);
    this.record({ rv, type: 'DELETED', resource, object: obj, previous: current });
    return obj;
  }

  /** Changes since `rv` (exclusive), or `undefined` when they are no longer kept. */
  changesSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    // History is ordered by rv: binary search the first newer event.
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Forgets the history: watches can resume only from now on (used once the scenario is built). */
  compact(): void {
    this.history.length = 0;
    this.compactedRv = this.rv;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write(
    resource: string,
    key: string,
    obj: KObject,
    type: WatchEventType,
    previous: KObject | undefined,
  ): KObject {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    const table = this.table(resource);
    if (!table.has(key)) this.sortedKeys.delete(resource);
    if (previous) this.unindex(resource, key, previous);
    table.set(key, obj);
    this.index(resource, key, obj);
    this.record({ rv, type, resource, object: obj, previous });
    return obj;
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    // A listener may write in turn (the kubelet answers a new pod with its status): its event
    // waits until every listener has seen this one, so all of them see versions in order.
    this.undelivered.push(event);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.undelivered.shift(); next; next = this.undelivered.shift()) {
        for (const listener of [...this.listeners]) listener(next);
      }
    } finally {
      this.delivering = false;
      this.undelivered.length = 0;
    }
  }

  private index(resource: string, key: string, obj: KObject): void {
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let set = this.byOwner.get(ref.uid);
      if (!set) {
        set = new Set();
        this.byOwner.set(ref.uid, set);
      }
      set.add(`${resource}|${key}`);
    }
  }

  private unindex(resource: string, key: string, obj: KObject): void {
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const set = this.byOwner.get(ref.uid);
      set?.delete(`${resource}|${key}`);
      if (set && set.size === 0) this.byOwner.delete(ref.uid);
    }
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
