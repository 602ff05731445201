/**
 * `kubectl exec` over websocket with the `v5.channel.k8s.io` protocol: binary frames whose
 * first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 status, 255 close), a status
 * frame with `NonZeroExitCode` for a non-zero exit, then a close with code 1000 — anything
 * else makes kubectl exit 1. Stdin (`-i`) is read until the client closes channel 0.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { WebSocketServer, type WebSocket } from 'ws';

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

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SandboxClock,
    private readonly kubelet: Kubelet,
    private readonly backends: ExecBackends,
  ) {}

  /** Takes the upgrade if it is an exec request; returns false for anything else. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const match = EXEC_PATH.exec(url.pathname);
    if (!match) return false;
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
        this.session(ws, command, stdin, {
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
      const body = JSON.stringify(apiError.toStatus());
      socket.end(
        `HTTP/1.1 ${apiError.code} ${apiError.reason}\r\nContent-Type: ` +
          `application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    return true;
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private session(
    ws: WebSocket,
    command: string[],
    wantsStdin: boolean,
    ctx: CommandContext,
  ): void {
    const v5 = ws.protocol === 'v5.channel.k8s.io';
    const input: Buffer[] = [];
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      void this.run(ws, command, {
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

  private async run(ws: WebSocket, command: string[], ctx: CommandContext): Promise<void> {
    const send = (channel: number, text: string) => {
      if (!text || ws.readyState !== ws.OPEN) return;
      const payload = Buffer.from(text, 'utf8');
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
