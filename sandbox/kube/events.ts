/**
 * Events as the kubelet and controllers record them: repeated ones are folded into one Event
 * whose `count` grows, and the total is bounded (oldest deleted first), as a real cluster's
 * event TTL keeps it bounded.
 */
import { randomBytes } from 'node:crypto';

import type { SandboxClock } from './clock';
import type { ObjectStore } from './store';
import type { KObject } from './types';

export class EventRecorder {
  private readonly byKey = new Map<string, { namespace: string; name: string }>();
  private readonly order: string[] = [];
  /** Set while the kubelet replays a pod's past, so the replay does not flood the events. */
  muted = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SandboxClock,
    private readonly limit = 2000,
  ) {}

  record(
    involved: KObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: { component: string; host?: string },
    fieldPath?: string,
  ): void {
    if (this.muted) return;
    const namespace = involved.metadata.namespace ?? 'default';
    const key = `${involved.metadata.uid}|${reason}|${message}|${fieldPath ?? ''}`;
    const now = this.clock.iso();
    const existing = this.byKey.get(key);
    if (existing && this.store.get('events', existing.namespace, existing.name)) {
      this.store.mutate('events', existing.namespace, existing.name, (ev) => {
        ev.count = ((ev.count as number) ?? 1) + 1;
        ev.lastTimestamp = now;
      });
      return;
    }
    const name = `${involved.metadata.name}.${randomBytes(8).toString('hex')}`;
    this.store.create('events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace } as KObject['metadata'],
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
    this.byKey.set(key, { namespace, name });
    this.order.push(key);
    while (this.order.length > this.limit) {
      const oldest = this.order.shift()!;
      const ref = this.byKey.get(oldest);
      this.byKey.delete(oldest);
      if (ref && this.store.get('events', ref.namespace, ref.name))
        this.store.remove('events', ref.namespace, ref.name);
    }
  }
}
