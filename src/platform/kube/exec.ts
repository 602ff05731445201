import { Writable } from 'node:stream';

import { Exec } from '@kubernetes/client-node';
import type { V1Pod, V1Status } from '@kubernetes/client-node';
import type WebSocket from 'ws';

import type { KubeConnection } from './connection';
import { errorCode } from '../networkCause';
import { errorFromResponse, KubeError, toKubeError } from './errors';
import type { RequestInfo } from './connection';

/** Network failures that mean the request never reached the API server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** What a command run in a container printed, and how it ended. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** 0 on success; the command's exit code otherwise. */
  exitCode: number;
  elapsedMs: number;
}

/** Options of `execInPod`. */
export interface ExecOptions {
  /** The container; the pod's default container (annotation, else the first) when absent. */
  container?: string;
  /** Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Output kept per stream; the rest is dropped (default 8 MiB). */
  maxBytes?: number;
}

class Collector extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly max: number) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    if (this.size < this.max) {
      this.chunks.push(chunk.subarray(0, this.max - this.size));
      this.size += chunk.length;
    }
    done();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * client-node's websocket reports a refused upgrade only as `Unexpected server response: 400`,
 * without the Status body: the status alone gives the kind, and a 400 on exec means the
 * container is missing or not running.
 */
function upgradeError(
  err: unknown,
  connection: KubeConnection,
  info: RequestInfo,
  pod: string,
  container: string,
): KubeError {
  const code = /Unexpected server response: (\d+)/.exec((err as Error)?.message ?? '')?.[1];
  if (code === undefined) {
    // client-node rejects with the websocket's ErrorEvent, whose `error` is the socket's own.
    const cause = (err as { error?: unknown } | undefined)?.error ?? err;
    return toKubeError(cause, connection.target(info));
  }
  if (code === '400') {
    return new KubeError(
      'badRequest',
      `Cannot run a command in container "${container}" of pod ${pod} ` +
        `(namespace ${connection.namespace}): the container is not in the pod or not running.`,
      connection.target(info),
      { httpStatus: 400, cause: err },
    );
  }
  return errorFromResponse(Number(code), undefined, undefined, connection.target(info));
}

function exitCodeOf(status: V1Status | undefined): number {
  if (!status || status.status === 'Success') {
    return 0;
  }
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : 1;
}

/**
 * `kubectl exec <pod> -c <container> -- <command…>`: runs a command without a TTY or stdin over
 * client-node's websocket exec (`v5.channel.k8s.io`) and collects what it printed. A non-zero
 * exit is a result, not an error; a pod or container that cannot run it, a refused upgrade
 * (403), a connection dropped before the command's status, a timeout or a cancel throw
 * `KubeError`. The timeout and the cancel cover the whole call: finding the pod's container,
 * the upgrade (a proxy may hold it unanswered) and the command.
 */
export async function execInPod(
  connection: KubeConnection,
  pod: string,
  command: string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const info = { verb: 'create', resource: 'pods/exec', name: pod };
  const target = connection.target(info);
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const where = `${pod} (namespace ${connection.namespace}, context ${target.context ?? '?'})`;
  const shown = `\`${command.join(' ')}\``;
  // Once the upgrade request is out, the command may run whatever becomes of the answer.
  let sent = false;
  const stopped = () => {
    if (options.signal?.aborted)
      return new KubeError(
        'cancelled',
        sent
          ? `Cancelled; ${shown} may already have run in ${where}: check before running it again.`
          : 'Cancelled.',
        target,
      );
    return new KubeError(
      'unreachable',
      sent
        ? `${shown} in ${where} gave no result within ${timeoutMs / 1000} s. ` +
            `It may still be running there: check before running it again.`
        : `${shown} was not run in ${where}: the cluster gave no answer within ` +
            `${timeoutMs / 1000} s. Check the VPN and that the cluster is up, then try again.`,
      target,
    );
  };
  // Signing in (a credential plugin) and the pod lookup wait on the cluster too: the deadline
  // and the cancel end the call wherever it is.
  const untilStopped = <T>(work: Promise<T>): Promise<T> =>
    Promise.race([
      work,
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(stopped());
        else signal.addEventListener('abort', () => reject(stopped()), { once: true });
      }),
    ]);

  let container = options.container;
  if (!container) {
    const p = await untilStopped(
      connection.getJson<V1Pod>(
        { verb: 'get', resource: 'pods', name: pod },
        `/api/v1/namespaces/${encodeURIComponent(connection.namespace)}` +
          `/pods/${encodeURIComponent(pod)}`,
        {},
        signal,
      ),
    ).catch((error: unknown) => {
      throw signal.aborted ? stopped() : error;
    });
    container =
      p.metadata?.annotations?.['kubectl.kubernetes.io/default-container'] ??
      p.spec?.containers?.[0]?.name ??
      '';
  }
  const chosen = container;
  // A connection that fails once the request is out (reset, closed) may have carried it: only
  // a refused or unresolved one surely did not.
  const afterSending = (error: KubeError): KubeError =>
    error.kind === 'unreachable' && !NOT_SENT.has(errorCode(error.cause) ?? '')
      ? new KubeError(
          'unreachable',
          `${error.message} The request had gone out, so whether ${shown} ran in ${where} is ` +
            `unknown: check before running it again.`,
          target,
          { cause: error.cause },
        )
      : error;
  const stdout = new Collector(options.maxBytes ?? 8 * 1024 * 1024);
  const stderr = new Collector(options.maxBytes ?? 8 * 1024 * 1024);
  return untilStopped(
    connection.call(info, async () => {
      const status = await new Promise<V1Status | undefined>((resolve, reject) => {
        if (signal.aborted) {
          reject(stopped());
          return;
        }
        let socket: WebSocket | undefined;
        const onAbort = () => {
          socket?.terminate();
          reject(stopped());
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const settled = () => signal.removeEventListener('abort', onAbort);
        let status: V1Status | undefined;
        sent = true;
        new Exec(connection.kubeConfig)
          .exec(connection.namespace, pod, chosen, command, stdout, stderr, null, false, (s) => {
            status = s;
          })
          .then(
            (ws) => {
              socket = ws;
              // An upgrade answered after the deadline or the cancel: the caller has moved on.
              if (signal.aborted) ws.terminate();
              ws.on('close', (code: number) => {
                settled();
                // The container runtime ends every command with a status; a connection dropped
                // before it (the node, the API server or the network went away) leaves the
                // outcome unknown, and what was printed may be only its start.
                if (status === undefined && code !== 1000) {
                  reject(
                    new KubeError(
                      'unreachable',
                      `The connection to the cluster closed before ${shown} in ${where} ` +
                        `finished (websocket close ${code}), so whether it ran is unknown. ` +
                        `Check its effect in the pod before running it again.`,
                      target,
                    ),
                  );
                  return;
                }
                resolve(status);
              });
              ws.on('error', (err) => {
                settled();
                reject(toKubeError(err, target));
              });
            },
            (err: unknown) => {
              settled();
              reject(afterSending(upgradeError(err, connection, info, pod, chosen)));
            },
          );
      });
      if (status?.status === 'Failure' && status.reason !== 'NonZeroExitCode') {
        throw new KubeError(
          'serverError',
          `Could not run ${shown} in ${pod}/${chosen}: ${status.message ?? 'failed'}.`,
          target,
          { status: { ...status, kind: 'Status' } },
        );
      }
      return {
        stdout: stdout.text(),
        stderr: stderr.text(),
        exitCode: exitCodeOf(status),
        elapsedMs: Date.now() - started,
      };
    }),
  );
}
