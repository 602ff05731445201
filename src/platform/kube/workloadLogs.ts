import type { V1Deployment, V1Pod } from '@kubernetes/client-node';

import type { KubeConnection } from './connection';
import { Emitter } from './emitter';
import { toKubeError } from './errors';
import type { KubeError } from './errors';
import { ListWatch } from './listWatch';
import type { LogEntry } from './logEntries';
import { LogStream } from './logs';
import type { LogRequest, LogStreamEvent, LogStreamOptions } from './logs';
import { selectorOf } from './deploymentSelector';

/** Every pod of a workload, merged. */
export interface WorkloadLogRequest extends Omit<LogRequest, 'pod'> {
  /** The Deployment whose pods to merge; its selector is read from the cluster. */
  deployment?: string;
  /** Or a label selector directly (`app.kubernetes.io/name=course-service`). */
  selector?: string;
}

/** Workload mode adds which pods are streamed as they come and go. */
export type WorkloadLogEvent =
  LogStreamEvent | { type: 'pods'; added: string[]; removed: string[] };

/** Options of a merged stream. */
export interface WorkloadLogOptions extends LogStreamOptions {
  /** Entries from different pods are held this long and delivered in timestamp order. */
  reorderWindowMs?: number;
  watchBackoff?: { initialDelay: number; maxDelay: number };
}

/** The label selector of a Deployment, as `kubectl logs deployment/x` uses it. */
export async function deploymentSelector(
  connection: KubeConnection,
  name: string,
): Promise<string> {
  const ns = encodeURIComponent(connection.namespace);
  const d = await connection.getJson<V1Deployment>(
    { verb: 'get', resource: 'deployments', name },
    `/apis/apps/v1/namespaces/${ns}/deployments/${encodeURIComponent(name)}`,
  );
  return selectorOf(d);
}

/**
 * Merges the logs of every pod of a workload, each entry tagged with its pod. When following,
 * the workload's pods are watched: a pod created by a rollout or a restart is streamed from its
 * first line, a deleted one ends on its own. Entries are re-numbered in one sequence and put in
 * timestamp order within a short window; entries further apart than the window keep arrival order.
 */
export class WorkloadLogStream {
  private readonly emitter = new Emitter<WorkloadLogEvent>();
  private readonly streams = new Map<string, LogStream>();
  private watch: ListWatch<V1Pod> | undefined;
  private held: LogEntry[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  private initial = true;
  private stopped = false;

  /** Every event, in order; `end` comes when every pod ended (or `stop`). */
  readonly onEvent = this.emitter.event;

  constructor(
    private readonly connection: KubeConnection,
    readonly request: WorkloadLogRequest,
    private readonly options: WorkloadLogOptions = {},
  ) {}

  /** Pods currently streamed. */
  get pods(): string[] {
    return [...this.streams.keys()].sort();
  }

  async start(): Promise<void> {
    try {
      const selector =
        this.request.selector ??
        (await deploymentSelector(this.connection, this.request.deployment ?? ''));
      const ns = encodeURIComponent(this.connection.namespace);
      this.watch = new ListWatch<V1Pod>(
        {
          connection: this.connection,
          resource: 'pods',
          path: `/api/v1/namespaces/${ns}/pods`,
          labelSelector: selector,
          backoff: this.options.watchBackoff,
        },
        {
          reset: (pods) => {
            pods.forEach((p) => this.add(p));
            this.initial = false;
          },
          event: (type, p) => (type === 'ADDED' ? this.add(p) : undefined),
        },
      );
      await this.watch.start();
      if (this.watch.state.phase === 'failed') {
        this.finish('failed', this.watch.state.error.message, this.watch.state.error);
        return;
      }
      if (!this.request.follow) {
        await this.watch.stop();
        this.watch = undefined;
        if (this.streams.size === 0) this.finish('completed', 'No pods match the workload.');
      }
    } catch (err) {
      const error = toKubeError(
        err,
        this.connection.target({
          verb: 'get',
          resource: 'deployments',
          name: this.request.deployment,
        }),
      );
      this.finish('failed', error.message, error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watch?.stop();
    await Promise.all([...this.streams.values()].map((s) => s.stop()));
    this.finish('stopped');
  }

  private add(pod: V1Pod): void {
    const name = pod.metadata?.name ?? '';
    if (this.stopped || this.streams.has(name)) return;
    const { deployment: _d, selector: _s, ...rest } = this.request;
    // Pods that appear later (a rollout, a restart) are read from their first line.
    const request: LogRequest = this.initial
      ? { ...rest, pod: name }
      : { ...rest, pod: name, tailLines: undefined, sinceSeconds: undefined };
    const stream = new LogStream(this.connection, request, this.options);
    this.streams.set(name, stream);
    stream.onEvent((event) => this.onPodEvent(name, event));
    stream.start();
    this.emitter.fire({ type: 'pods', added: [name], removed: [] });
  }

  private onPodEvent(pod: string, event: LogStreamEvent): void {
    if (event.type === 'entries') {
      this.held.push(...event.entries);
      this.holdTimer ??= setTimeout(() => this.release(), this.options.reorderWindowMs ?? 200);
    } else if (event.type === 'notice') {
      this.emitter.fire({ type: 'notice', message: event.message });
    } else {
      this.streams.delete(pod);
      this.emitter.fire({ type: 'pods', added: [], removed: [pod] });
      if (event.reason === 'failed' && event.message) {
        this.emitter.fire({ type: 'notice', message: `${pod}: ${event.message}` });
      }
      if (this.streams.size === 0 && !this.request.follow) {
        this.release();
        this.finish('completed');
      }
    }
  }

  private release(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    if (this.held.length === 0) return;
    const entries = this.held
      .sort((a, b) => (a.time ?? 0) - (b.time ?? 0))
      .map((e) => ({ ...e, seq: ++this.seq }));
    this.held = [];
    this.emitter.fire({ type: 'entries', entries });
  }

  private finish(
    reason: 'completed' | 'stopped' | 'failed',
    message?: string,
    error?: KubeError,
  ): void {
    if (this.stopped && reason !== 'stopped') return;
    this.release();
    this.emitter.fire({ type: 'end', reason, message, error });
    this.emitter.dispose();
  }
}
