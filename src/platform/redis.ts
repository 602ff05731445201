import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

import type { Log } from '../common/log';
import type { KubeConnection } from './kube/connection';
import { execInPod } from './kube/exec';
import type { ExecOptions } from './kube/exec';
import { KubeError } from './kube/errors';
import { parseRedisInfo } from './redisInfo';
import type { RedisInfo } from './redisInfo';

/** Why INFO could not be read. */
export type RedisErrorKind =
  'unreachable' | 'timeout' | 'authentication' | 'protocol' | 'cancelled';

/** A failed Redis call, naming the server and what to do. */
export class RedisError extends Error {
  override readonly name = 'RedisError';

  constructor(
    readonly kind: RedisErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Where Redis is; a password comes from the caller's secret storage. */
export interface RedisTarget {
  /** `redis://[user:password@]host:port` or `rediss://…` for TLS. */
  url: string;
  /** Overrides a password in the URL. */
  password?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  log: Log;
}

const command = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** Reads one RESP reply from the front of `buf`: undefined while incomplete. */
function reply(buf: Buffer): { value: string; error: boolean; rest: Buffer } | undefined {
  const end = buf.indexOf('\r\n');
  if (end < 0) {
    return undefined;
  }
  const head = buf.subarray(1, end).toString('utf8');
  switch (String.fromCharCode(buf[0]!)) {
    case '+':
    case ':':
      return { value: head, error: false, rest: buf.subarray(end + 2) };
    case '-':
      return { value: head, error: true, rest: buf.subarray(end + 2) };
    case '$': {
      const len = Number(head);
      if (len < 0) {
        return { value: '', error: false, rest: buf.subarray(end + 2) };
      }
      if (buf.length < end + 2 + len + 2) {
        return undefined;
      }
      return {
        value: buf.subarray(end + 2, end + 2 + len).toString('utf8'),
        error: false,
        rest: buf.subarray(end + 4 + len),
      };
    }
    default:
      throw new RedisError(
        'protocol',
        `Unexpected answer from Redis: ${JSON.stringify(buf.subarray(0, 40).toString())}`,
      );
  }
}

/**
 * `redis-cli INFO` over the Redis protocol. Written on `net` rather than with a client library:
 * it is one command (two with AUTH) and one bulk reply, and a library's reconnect-and-queue
 * behaviour would turn "Redis is unreachable", itself the finding, into a hang.
 */
export async function redisInfo(target: RedisTarget): Promise<RedisInfo> {
  const url = new URL(target.url);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  const where = `${url.protocol}//${host}:${port}`;
  const password = target.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const timeoutMs = target.timeoutMs ?? 5000;
  const commands = [
    ...(password ? [user ? command('AUTH', user, password) : command('AUTH', password)] : []),
    command('INFO'),
  ];
  const started = Date.now();
  const text = await new Promise<string>((resolve, reject) => {
    const socket: Socket =
      url.protocol === 'rediss:'
        ? tlsConnect({ host, port, servername: host })
        : netConnect({ host, port });
    let buf: Buffer = Buffer.alloc(0);
    let expected = commands.length;
    const fail = (err: RedisError) => {
      socket.destroy();
      cleanup();
      reject(err);
    };
    const timer = setTimeout(
      () =>
        fail(
          new RedisError(
            'timeout',
            `Redis at ${where} gave no INFO within ${timeoutMs / 1000} s: it may be blocked ` +
              'by a slow command or overloaded.',
          ),
        ),
      timeoutMs,
    );
    const onAbort = () => fail(new RedisError('cancelled', 'Cancelled.'));
    target.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      target.signal?.removeEventListener('abort', onAbort);
    };
    socket.once('connect', () => socket.write(commands.join('')));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        for (let r = reply(buf); r; r = reply(buf)) {
          buf = r.rest;
          expected -= 1;
          if (r.error) {
            const auth = /NOAUTH|WRONGPASS|invalid password|AUTH/i.test(r.value);
            return fail(
              new RedisError(
                auth ? 'authentication' : 'protocol',
                `Redis at ${where} answered: ${r.value}.` +
                  (auth ? ' Check the Redis password in secret storage.' : ''),
              ),
            );
          }
          if (expected === 0) {
            socket.end();
            cleanup();
            return resolve(r.value);
          }
        }
      } catch (err) {
        fail(err as RedisError);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        new RedisError(
          'unreachable',
          `Cannot reach Redis at ${where}: ${err.code ?? err.message}. ` +
            'Check the Redis URL in the settings, ' +
            'the VPN, or use a port-forward to redis-0.',
        ),
      ),
    );
  }).catch((err: RedisError) => {
    if (err.kind !== 'cancelled') {
      target.log.warn(
        `INFO on Redis ${where} failed after ${Date.now() - started} ms: ` +
          `${err.kind}: ${err.message}`,
      );
    }
    throw err;
  });
  return parseRedisInfo(text);
}

/**
 * The runbook's `kubectl exec -it redis-0 -n freelms -- redis-cli INFO`, for clusters where Redis
 * is not reachable from the laptop. Pod and command are the caller's (settings).
 */
export async function redisInfoViaExec(
  connection: KubeConnection,
  pod = 'redis-0',
  commandLine: string[] = ['redis-cli', 'INFO'],
  options: ExecOptions = {},
): Promise<RedisInfo> {
  const result = await execInPod(connection, pod, commandLine, options);
  // redis-cli exits 0 even when it cannot connect; its message then starts with "Could not".
  const failed = result.exitCode !== 0 || !/^# ?\w/m.test(result.stdout);
  if (failed) {
    const said = (result.stderr || result.stdout).trim().split('\n')[0] ?? '';
    throw new KubeError(
      'unknown',
      `\`${commandLine.join(' ')}\` in ${pod} (namespace ${connection.namespace}) ` +
        'did not print INFO' +
        ` (exit ${result.exitCode})${said ? `: ${said}` : ''}. Check that Redis runs in that pod.`,
      connection.target({ verb: 'create', resource: 'pods/exec', name: pod }),
    );
  }
  return parseRedisInfo(result.stdout);
}
