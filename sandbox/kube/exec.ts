/**
 * `kubectl exec` over websocket with the `v5.channel.k8s.io` protocol: binary frames whose
 * first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 status, 255 close), a status
 * frame with `NonZeroExitCode` for a non-zero exit, then a close with code 1000 — anything
 * else makes kubectl exit 1. Stdin (`-i`) is read until the client closes channel 0.
 *
 * Kubernetes faults (`faults.ts`) whose path matches `…/pods/NAME/exec` apply here too: a
 * status refuses the upgrade with it, `timeout` never answers, `latency` delays the session and
 * `cut=BYTES` sends at most BYTES of output, then drops the connection without a status, as
 * when the node or the API server goes away mid-command.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { WebSocketServer, type WebSocket } from 'ws';

import type { FaultRegistry } from '../faults';
import { faultAnswer } from '../services/fault-effects';
import type { SandboxClock } from './clock';
import type { CommandContext } from './command-result';
import { runCommand } from './commands';
import type { Kubelet } from './kubelet';
import { ApiError } from './status';
import type { ObjectStore } from './store';

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

export interface ExecBackends {
  redis: CommandContext['redis'];
  postgres: CommandContext['postgres'];
}

export class ExecService {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  /**
   * Upgrades not answered yet: held by a `timeout` fault (no timer) or delayed by a `latency`
   * one (its timer). `close` destroys them at once.
   */
  private readonly waiting = new Map<Duplex, NodeJS.Timeout | undefined>();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SandboxClock,
    private readonly kubelet: Kubelet,
    private readonly backends: ExecBackends,
    private readonly faults?: FaultRegistry,
  ) {}

  /** Takes the upgrade if it is an exec request; returns false for anything else. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (!EXEC_PATH.test(url.pathname)) return false;
    // Until `ws` takes the socket over, nothing else hears its errors: a client that resets
    // the connection would otherwise end the whole sandbox.
    socket.on('error', () => socket.destroy());
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
      // kubectl's fallback after a refused websocket upgrade; it is no new call for a fault.
      refuse(socket, 400, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `the sandbox serves exec over websockets only (${PROTOCOLS.join(', ')}), not ${req.headers.upgrade ?? 'a plain request'}`,
        reason: 'BadRequest',
        code: 400,
      });
      return true;
    }
    const fault = this.faults?.interceptUpgrade('kubernetes', req, url.pathname);
    const action = fault?.action;
    const forget = () => {
      clearTimeout(this.waiting.get(socket));
      this.waiting.delete(socket);
    };
    // A client that gives up half-closes; its socket must not linger in CLOSE_WAIT.
    const hangUp = () => socket.destroy();
    const wait = (timer?: NodeJS.Timeout) => {
      this.waiting.set(socket, timer);
      socket.once('close', forget);
      socket.once('end', hangUp);
    };
    if (action?.kind === 'timeout') {
      wait();
      return true;
    }
    if (action?.kind === 'status') {
      const answer = faultAnswer(
        'kubernetes',
        action.status,
        url.pathname,
        action.retryAfterSeconds,
      );
      refuse(socket, action.status, action.body ?? answer.body, answer.headers);
      return true;
    }
    const cutAfterBytes = action?.kind === 'cut' ? action.afterBytes : undefined;
    const latency = fault?.latencyMs ?? 0;
    if (latency > 0)
      wait(
        setTimeout(() => {
          forget();
          socket.off('close', forget).off('end', hangUp);
          this.upgrade(req, socket, head, url, cutAfterBytes);
        }, latency),
      );
    else this.upgrade(req, socket, head, url, cutAfterBytes);
    return true;
  }

  private upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
    cutAfterBytes: number | undefined,
  ): void {
    const match = EXEC_PATH.exec(url.pathname)!;
    const namespace = decodeURIComponent(match[1]!);
    const name = decodeURIComponent(match[2]!);
    try {
      const pod = this.store.get('pods', namespace, name);
      if (!pod)
        throw new ApiError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
      const containers: Array<{ name: string; env?: Array<{ name: string; value?: string }> }> =
        pod.spec?.containers ?? [];
      const containerName = url.searchParams.get('container') || containers[0]?.name || '';
      const container = containers.find((c) => c.name === containerName);
      if (!container)
        throw new ApiError(
          400,
          'BadRequest',
          `container ${containerName} is not valid for pod ${name}`,
        );
      if (!this.kubelet.isRunning(pod.metadata.uid, containerName)) {
        throw new ApiError(400, 'BadRequest', `container not found ("${containerName}")`);
      }
      const command = url.searchParams.getAll('command');
      if (command.length === 0)
        throw new ApiError(400, 'BadRequest', 'you must specify at least 1 command');
      const stdin =
        url.searchParams.get('stdin') === 'true' || url.searchParams.get('stdin') === '1';
      const env: Record<string, string> = {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOSTNAME: name,
        KUBERNETES_SERVICE_HOST: '10.96.0.1',
        KUBERNETES_SERVICE_PORT: '443',
      };
      for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.session(ws, command, stdin, cutAfterBytes, {
          podName: name,
          namespace,
          container: containerName,
          env,
          now: this.clock.now(),
          redis: this.backends.redis,
          postgres: this.backends.postgres,
        });
      });
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : new ApiError(500, 'InternalError', String(error));
      refuse(socket, apiError.code, apiError.toStatus());
    }
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    for (const [socket, timer] of this.waiting) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.waiting.clear();
    this.wss.close();
  }

  private session(
    ws: WebSocket,
    command: string[],
    wantsStdin: boolean,
    cutAfterBytes: number | undefined,
    ctx: CommandContext,
  ): void {
    const v5 = ws.protocol === 'v5.channel.k8s.io';
    const input: Buffer[] = [];
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      void this.run(ws, command, cutAfterBytes, {
        ...ctx,
        ...(wantsStdin ? { stdin: Buffer.concat(input).toString('utf8') } : {}),
      });
    };
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary || data.length === 0) return;
      const channel = data[0];
      if (channel === 0) input.push(data.subarray(1));
      else if (channel === 255 && data[1] === 0) start();
    });
    ws.on('error', () => ws.terminate());
    if (!wantsStdin || !v5) start();
  }

  private async run(
    ws: WebSocket,
    command: string[],
    cutAfterBytes: number | undefined,
    ctx: CommandContext,
  ): Promise<void> {
    const send = (channel: number, output: string | Buffer) => {
      if (output.length === 0 || ws.readyState !== ws.OPEN) return;
      const payload = typeof output === 'string' ? Buffer.from(output, 'utf8') : output;
      // Keep frames modest, as a container runtime streams output in pieces.
      for (let offset = 0; offset < payload.length; offset += 32 * 1024) {
        ws.send(
          Buffer.concat([Buffer.from([channel]), payload.subarray(offset, offset + 32 * 1024)]),
          { binary: true },
        );
      }
    };
    const result = await runCommand(command, ctx).catch((error: unknown) => ({
      stdout: '',
      stderr: '',
      exitCode: 1,
      startError: `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`,
    }));
    if (cutAfterBytes !== undefined) {
      // Bytes, not characters: the cut may fall inside one, as on a real connection.
      send(1, Buffer.from(result.stdout).subarray(0, cutAfterBytes));
      ws.terminate();
      return;
    }
    send(1, result.stdout);
    send(2, result.stderr);
    let status: Record<string, unknown>;
    if (result.startError) {
      status = {
        metadata: {},
        status: 'Failure',
        message: result.startError,
        reason: 'InternalError',
        code: 500,
      };
    } else if (result.exitCode !== 0) {
      status = {
        metadata: {},
        status: 'Failure',
        message:
          `command terminated with non-zero exit code: error executing command ` +
          `[${command.join(' ')}], exit code ${result.exitCode}`,
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
      };
    } else {
      status = { metadata: {}, status: 'Success' };
    }
    send(3, JSON.stringify(status));
    if (ws.readyState === ws.OPEN) ws.close(1000);
  }
}

/** Answers an upgrade with an HTTP error instead of switching protocols. */
function refuse(
  socket: Duplex,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      `${extra.join('')}Connection: close\r\n\r\n${text}`,
  );
}
