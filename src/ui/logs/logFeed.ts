import type { KubeConnection } from '../../platform/kube/connection';
import type { KubeError } from '../../platform/kube/errors';
import type { LogEntry } from '../../platform/kube/logEntries';
import { LogStream } from '../../platform/kube/logs';
import type { LogStreamOptions } from '../../platform/kube/logs';
import { WorkloadLogStream } from '../../platform/kube/workloadLogs';
import type { LogNotice, LogTarget, StreamOptions, StreamState } from './protocol';

/** What a feed tells its panel. */
export interface FeedListener {
  entries(entries: LogEntry[]): void;
  notice(notice: LogNotice): void;
  state(state: StreamState, detail?: string): void;
}

/** What to do about a stream error, in the words of someone on call. */
export function hintFor(error: KubeError | undefined, options: StreamOptions): string | undefined {
  switch (error?.kind) {
    case 'noPreviousLogs':
      return 'Turn off "previous" to read the running container.';
    case 'forbidden':
      return 'Ask for RBAC access to get pods/log in this namespace.';
    case 'credentials':
      return 'Log in again with your cloud CLI, then reopen the log.';
    case 'unreachable':
      return 'Check the VPN and the cluster address; reopen the log when the cluster answers.';
    case 'notFound':
      return options.container
        ? `Check that the pod still exists and has a container named ${options.container}.`
        : 'The pod may have been replaced: open the logs of its Deployment instead.';
    case 'badRequest':
      return 'Choose a container: this pod has more than one.';
    default:
      return error
        ? 'Open the FreeLMS log (FreeLMS: Show Log) for the request that failed.'
        : undefined;
  }
}

/**
 * One running log request of a panel: a single pod's `LogStream`, or a Deployment's merged
 * `WorkloadLogStream`. The panel replaces the feed whenever the options change.
 */
export class LogFeed {
  private readonly stream: LogStream | WorkloadLogStream;
  private ended = false;

  constructor(
    connection: KubeConnection,
    target: LogTarget,
    readonly options: StreamOptions,
    private readonly listener: FeedListener,
    timings: LogStreamOptions = {},
  ) {
    const request = {
      container: options.container,
      // A previous container has ended: its log is complete, there is nothing to follow.
      follow: options.follow && !options.previous,
      previous: options.previous,
      sinceSeconds: options.sinceSeconds,
      tailLines: options.tailLines,
    };
    if (target.kind === 'pod') {
      const stream = new LogStream(connection, { ...request, pod: target.pod }, timings);
      stream.onEvent((event) => {
        if (event.type === 'entries') this.onEntries(event.entries);
        else if (event.type === 'notice') this.onNotice(event.message);
        else this.onEnd(event.reason, event.message, event.error);
      });
      this.stream = stream;
    } else {
      const stream = new WorkloadLogStream(
        connection,
        { ...request, deployment: target.deployment },
        timings,
      );
      stream.onEvent((event) => {
        if (event.type === 'entries') this.onEntries(event.entries);
        else if (event.type === 'notice') this.onNotice(event.message);
        else if (event.type === 'pods') this.onPods(event.added, event.removed);
        else this.onEnd(event.reason, event.message, event.error);
      });
      this.stream = stream;
    }
  }

  start(): void {
    this.listener.state('connecting');
    if (this.stream instanceof LogStream) this.stream.start();
    else void this.stream.start();
  }

  async stop(): Promise<void> {
    this.ended = true;
    await this.stream.stop();
  }

  private streaming = false;
  private reconnecting = false;

  private onEntries(entries: LogEntry[]): void {
    if (this.ended) return;
    if (this.reconnecting) {
      this.reconnecting = false;
      // The stream resumes from the last line's timestamp and skips lines already shown.
      this.listener.notice({
        severity: 'info',
        message: 'Reconnected; continuing after the last line shown.',
      });
    }
    if (!this.streaming) {
      this.streaming = true;
      this.listener.state('streaming');
    }
    this.listener.entries(entries);
  }

  private onNotice(message: string): void {
    if (this.ended) return;
    const reconnecting = /reconnecting/i.test(message);
    this.listener.notice({ severity: reconnecting ? 'warning' : 'info', message });
    if (reconnecting) {
      this.reconnecting = true;
      this.streaming = false;
      this.listener.state('connecting', message);
    }
  }

  private addedPods: string[] = [];

  private onPods(added: string[], removed: string[]): void {
    if (this.ended) return;
    // The pods found at the start arrive one event each; they are announced in one notice.
    if (added.length > 0 && this.addedPods.length === 0) {
      setTimeout(() => {
        const pods = this.addedPods.splice(0);
        if (!this.ended) {
          this.listener.notice({ severity: 'info', message: `Streaming ${pods.join(', ')}.` });
        }
      }, 0);
    }
    this.addedPods.push(...added);
    for (const pod of removed) {
      if (this.options.follow) this.listener.notice({ severity: 'info', message: `${pod} ended.` });
    }
  }

  private onEnd(reason: string, message: string | undefined, error: KubeError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    if (reason === 'failed') {
      this.listener.notice({
        severity: 'error',
        message: message ?? 'The log stream failed.',
        hint: hintFor(error, this.options),
      });
      this.listener.state('failed', message);
    } else if (reason === 'completed') {
      if (message) this.listener.notice({ severity: 'info', message });
      this.listener.state('ended', message);
    }
  }
}
