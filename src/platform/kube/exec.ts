import { Writable } from 'node:stream';

import { Exec } from '@kubernetes/client-node';
import type { V1Pod, V1Status } from '@kubernetes/client-node';

import type { KubeConnection } from './connection';
import { errorFromResponse, KubeError, toKubeError } from './errors';
import type { RequestInfo } from './connection';

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
    return toKubeError(err, connection.target(info));
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
 * `KubeError`.
 */
export async function execInPod(
  connection: KubeConnection,
  pod: string,
  command: string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const info = { verb: 'create', resource: 'pods/exec', name: pod };
  const started = Date.now();
  let container = options.container;
  if (!container) {
    const p = await connection.getJson<V1Pod>(
      { verb: 'get', resource: 'pods', name: pod },
      `/api/v1/namespaces/${encodeURIComponent(connection.namespace)}` +
        `/pods/${encodeURIComponent(pod)}`,
      {},
      options.signal,
    );
    container =
      p.metadata?.annotations?.['kubectl.kubernetes.io/default-container'] ??
      p.spec?.containers?.[0]?.name ??
      '';
  }
  const stdout = new Collector(options.maxBytes ?? 8 * 1024 * 1024);
  const stderr = new Collector(options.maxBytes ?? 8 * 1024 * 1024);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return connection.call(info, async () => {
    const exec = new Exec(connection.kubeConfig);
    let status: V1Status | undefined;
    const socket = await exec
      .exec(connection.namespace, pod, container, command, stdout, stderr, null, false, (s) => {
        status = s;
      })
      .catch((err: unknown) => {
        throw upgradeError(err, connection, info, pod, container);
      });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(
          new KubeError(
            'unreachable',
            `\`${command.join(' ')}\` in ${pod} gave no result within ${timeoutMs / 1000} s.`,
            connection.target(info),
          ),
        );
      }, timeoutMs);
      const onAbort = () => {
        socket.close();
        reject(new KubeError('cancelled', 'Cancelled.', connection.target(info)));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      socket.on('close', (code: number) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        // The container runtime ends every command with a status; a connection dropped before
        // it (the node, the API server or the network went away) leaves the outcome unknown,
        // and what was printed may be only its start.
        if (status === undefined && code !== 1000) {
          reject(
            new KubeError(
              'unreachable',
              `The connection to the cluster closed before \`${command.join(' ')}\` in ${pod} ` +
                `finished (websocket close ${code}), so its result is unknown. ` +
                `Check that the pod still runs, then run it again.`,
              connection.target(info),
            ),
          );
          return;
        }
        resolve();
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(toKubeError(err, connection.target(info)));
      });
    });
    if (status?.status === 'Failure' && status.reason !== 'NonZeroExitCode') {
      throw new KubeError(
        'serverError',
        `Could not run \`${command.join(' ')}\` in ${pod}/${container}: ` +
          `${status.message ?? 'failed'}.`,
        connection.target(info),
        { status: { ...status, kind: 'Status' } },
      );
    }
    return {
      stdout: stdout.text(),
      stderr: stderr.text(),
      exitCode: exitCodeOf(status),
      elapsedMs: Date.now() - started,
    };
  });
}
