/**
 * Deletion as the API server and garbage collector perform it: pods terminate gracefully
 * (the kubelet removes them when their containers have stopped), owners take their dependents
 * with them, namespaces empty themselves before they go.
 */
import type { SandboxClock } from './clock';
import { RESOURCES } from './kinds';
import type { ObjectStore } from './store';
import type { KObject } from './types';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  dryRun?: boolean;
}

/** Deletes an object; returns what the API answers for it (the terminating pod, or the object). */
export function deleteObject(
  store: ObjectStore,
  clock: SandboxClock,
  resource: string,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions = {},
): KObject {
  const current = store.require(resource, namespace, name);
  if (options.dryRun) return current;

  if (resource === 'pods') {
    const grace = options.gracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
    const terminal = current.status?.phase === 'Succeeded' || current.status?.phase === 'Failed';
    if (grace <= 0 || terminal || !current.spec?.nodeName)
      return store.remove(resource, namespace, name);
    if (current.metadata.deletionTimestamp) {
      if (grace < (current.metadata.deletionGracePeriodSeconds ?? 30)) {
        return store.mutate(resource, namespace, name, (pod) => {
          pod.metadata.deletionGracePeriodSeconds = grace;
        })!;
      }
      return current;
    }
    return store.mutate(resource, namespace, name, (pod) => {
      pod.metadata.deletionTimestamp = clock.iso(clock.now() + grace * 1000);
      pod.metadata.deletionGracePeriodSeconds = grace;
    })!;
  }

  if (resource === 'namespaces') {
    if (!current.metadata.deletionTimestamp) {
      const terminating = store.mutate(resource, undefined, name, (ns) => {
        ns.metadata.deletionTimestamp = clock.iso();
        ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
      })!;
      for (const info of RESOURCES.filter((r) => r.namespaced)) {
        for (const obj of store.list(info.resource, name)) {
          deleteObject(store, clock, info.resource, name, obj.metadata.name, {
            gracePeriodSeconds: 0,
          });
        }
      }
      if (store.get(resource, undefined, name)) store.remove(resource, undefined, name);
      return terminating;
    }
    return current;
  }

  if (options.propagationPolicy === 'Orphan') {
    for (const info of RESOURCES) {
      for (const dependent of store.ownedBy(current.metadata.uid, info.resource)) {
        store.mutate(
          info.resource,
          dependent.metadata.namespace,
          dependent.metadata.name,
          (obj) => {
            obj.metadata.ownerReferences = obj.metadata.ownerReferences?.filter(
              (r) => r.uid !== current.metadata.uid,
            );
            if (obj.metadata.ownerReferences?.length === 0) delete obj.metadata.ownerReferences;
          },
        );
      }
    }
  }
  return store.remove(resource, namespace, name);
}

/**
 * The garbage collector: when an owner is gone, its dependents are deleted too (in the
 * background, as `propagationPolicy=Background` does).
 */
export function startGarbageCollector(store: ObjectStore, clock: SandboxClock): () => void {
  return store.subscribe((event) => {
    if (event.type !== 'DELETED') return;
    const uid = event.object.metadata.uid;
    queueMicrotask(() => {
      for (const info of RESOURCES) {
        for (const dependent of store.ownedBy(uid, info.resource)) {
          if (info.resource === 'pods' && dependent.metadata.deletionTimestamp) continue;
          deleteObject(
            store,
            clock,
            info.resource,
            dependent.metadata.namespace,
            dependent.metadata.name,
          );
        }
      }
    });
  });
}
