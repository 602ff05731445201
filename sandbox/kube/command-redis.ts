/**
 * `redis-cli …` inside a pod, answered by the local Redis whatever host it names: through the
 * real `redis-cli` when it is installed, else by sending the command over RESP and printing
 * the reply as redis-cli does when not on a terminal.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

import { ok, type CommandContext, type CommandResult } from './command-result';

const REDIS_CLI = ['/usr/bin/redis-cli', '/usr/local/bin/redis-cli'].find((p) => existsSync(p));

export async function redisCli(args: string[], ctx: CommandContext): Promise<CommandResult> {
  // The pod's redis-cli talks to "its" Redis: whatever host it names, the local one answers.
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '-p' || a === '-a' || a === '--user' || a === '--pass') {
      i++;
      continue;
    }
    if (a === '--no-auth-warning' || a === '--raw') continue;
    rest.push(a);
  }
  const refused = machineWide(rest, ctx.stdin);
  if (refused)
    return {
      stdout: '',
      stderr:
        `(error) NOPERM the sandbox does not pass ${refused} to this machine's own Redis, ` +
        `which stands in for redis-0 and may serve others\n`,
      exitCode: 1,
    };
  if (REDIS_CLI) {
    return new Promise((resolve) => {
      const child = execFile(
        REDIS_CLI,
        ['-h', ctx.redis.host, '-p', String(ctx.redis.port), ...rest],
        { timeout: 15_000 },
        (error, stdout, stderr) => {
          const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
          resolve({ stdout: String(stdout), stderr: String(stderr), exitCode: code });
        },
      );
      // A command that exits without reading its input (INFO, PING) closes the pipe under us:
      // the EPIPE that follows is no failure of the command, and unheard it would end the
      // whole sandbox.
      child.stdin?.on('error', () => {});
      child.stdin?.end(ctx.stdin);
    });
  }
  const command = rest.filter((a) => !a.startsWith('-'));
  if (command.length === 0)
    return { stdout: '', stderr: 'redis-cli: interactive mode needs a terminal\n', exitCode: 1 };
  try {
    const reply = await respCall(ctx.redis.host, ctx.redis.port, command);
    return ok(formatResp(reply));
  } catch (error) {
    return {
      stdout: '',
      stderr: `Could not connect to Redis at ${ctx.redis.host}:${ctx.redis.port}: ${(error as Error).message}\n`,
      exitCode: 1,
    };
  }
}

/**
 * Commands that would stop, wipe or reconfigure the machine's Redis rather than read or write
 * keys, or that run code which could: what a responder may well type at a real redis-0, and
 * what must not reach a Redis that the machine's other users share. A guard against slips, not
 * a sandbox against a determined user (that is Redis's ACL's job).
 */
const MACHINE_WIDE: Readonly<Record<string, readonly string[] | 'all'>> = {
  SHUTDOWN: 'all',
  DEBUG: 'all',
  FLUSHALL: 'all',
  FLUSHDB: 'all',
  SWAPDB: 'all',
  MODULE: 'all',
  MONITOR: 'all',
  REPLICAOF: 'all',
  SLAVEOF: 'all',
  FAILOVER: 'all',
  MIGRATE: 'all',
  SAVE: 'all',
  BGSAVE: 'all',
  BGREWRITEAOF: 'all',
  EVAL: 'all',
  EVALSHA: 'all',
  EVAL_RO: 'all',
  EVALSHA_RO: 'all',
  FCALL: 'all',
  FCALL_RO: 'all',
  CONFIG: ['SET', 'REWRITE', 'RESETSTAT'],
  ACL: ['SETUSER', 'DELUSER', 'LOAD', 'SAVE'],
  CLIENT: ['KILL', 'PAUSE'],
  SCRIPT: ['FLUSH', 'KILL'],
  FUNCTION: ['LOAD', 'FLUSH', 'DELETE', 'RESTORE', 'KILL'],
};

/** redis-cli's options that take the next word as their value. */
const OPTIONS_WITH_VALUE = new Set([
  ...['-n', '-r', '-i', '-s', '-u', '-d', '-D', '-t'],
  ...['--cacert', '--cacertdir', '--cert', '--key', '--tls-ciphers', '--tls-ciphersuites'],
  ...['--sni', '--pattern', '--quoted-pattern', '--count', '--rdb', '--functions-rdb'],
  ...['--pipe-timeout', '--memkeys-samples', '--intrinsic-latency', '--lru-test', '--cluster'],
]);

/** Options that feed Redis what no argument shows: raw protocol, or a script from a file. */
const OPAQUE_OPTIONS = new Set(['--pipe', '--eval']);

/**
 * The machine-wide command redis-cli would send, if any: from its arguments (`CONFIG SET`), or,
 * when it reads its commands from stdin (none given, or `-x`), from each line there.
 */
function machineWide(args: readonly string[], stdin: string | undefined): string | undefined {
  const words: string[] = [];
  let lastFromStdin = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (OPAQUE_OPTIONS.has(a)) return a;
    if (OPTIONS_WITH_VALUE.has(a)) i++;
    else if (a === '-x') lastFromStdin = true;
    else if (!a.startsWith('-')) words.push(a);
  }
  const given = refusedCommand(words);
  if (given) return given;
  if (stdin === undefined) return undefined;
  if (lastFromStdin) return refusedCommand([...words, ...stdin.split(/\s+/).filter(Boolean)]);
  if (words.length > 0) return undefined;
  for (const line of stdin.split('\n')) {
    const refused = refusedCommand(line.trim().split(/\s+/).filter(Boolean));
    if (refused) return refused;
  }
  return undefined;
}

function refusedCommand(words: readonly string[]): string | undefined {
  const command = words[0]?.toUpperCase();
  if (!command) return undefined;
  const refused = MACHINE_WIDE[command];
  if (refused === 'all') return command;
  const sub = words[1]?.toUpperCase();
  return refused && sub && refused.includes(sub) ? `${command} ${sub}` : undefined;
}

type Resp = string | number | null | Resp[] | { error: string };

function respCall(host: string, port: number, command: string[]): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buffer = Buffer.alloc(0);
    socket.setTimeout(10_000, () => socket.destroy(new Error('Connection timed out')));
    socket.on('connect', () => {
      socket.write(
        `*${command.length}\r\n` +
          command.map((c) => `$${Buffer.byteLength(c)}\r\n${c}\r\n`).join(''),
      );
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const parsed = parseResp(buffer, 0);
      if (parsed) {
        socket.end();
        resolve(parsed.value);
      }
    });
    socket.on('error', reject);
  });
}

function parseResp(buf: Buffer, at: number): { value: Resp; next: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[at]!);
  const line = buf.toString('utf8', at + 1, eol);
  switch (type) {
    case '+':
      return { value: line, next: eol + 2 };
    case '-':
      return { value: { error: line }, next: eol + 2 };
    case ':':
      return { value: Number(line), next: eol + 2 };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: eol + 2 };
      const items: Resp[] = [];
      let next = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseResp(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
  }
  return { value: line, next: eol + 2 };
}

/** redis-cli's output when not on a terminal. */
function formatResp(value: Resp): string {
  if (value === null) return '\n';
  if (Array.isArray(value)) return value.map(formatResp).join('');
  if (typeof value === 'object') return `${value.error}\n`;
  return `${value}\n`;
}
