/**
 * The commands the runbook runs inside pods, answered for real where a real server runs here:
 * `redis-cli …` by the local Redis (through the real `redis-cli` when installed, else over
 * RESP), `psql … -c "…"` by the local PostgreSQL (database `test`, user `postgres`) with
 * psql's aligned output, `kafka-consumer-groups.sh … --describe` by a simulated lag table.
 * A few shell basics (`echo`, `env`, `hostname`, `sh -c`, `exit N`) complete the set.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

import { fnv1a } from './clock';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Set when the command could not be started at all (kubectl shows it as an error). */
  startError?: string;
}

export interface CommandContext {
  podName: string;
  namespace: string;
  container: string;
  env: Record<string, string>;
  stdin?: string;
  /** Simulated now, for lag that grows over time. */
  now: number;
  redis: { host: string; port: number };
  postgres: { host: string; port: number; database: string; user: string };
}

const REDIS_CLI = ['/usr/bin/redis-cli', '/usr/local/bin/redis-cli'].find((p) => existsSync(p));

export async function runCommand(argv: string[], ctx: CommandContext): Promise<CommandResult> {
  const [command, ...args] = argv;
  const base = (command ?? '').split('/').pop() ?? '';
  switch (base) {
    case 'redis-cli':
      return redisCli(args, ctx);
    case 'psql':
      return psql(args, ctx);
    case 'kafka-consumer-groups.sh':
    case 'kafka-consumer-groups':
      return kafkaConsumerGroups(args, ctx);
    case 'sh':
    case 'bash':
    case 'ash':
      if (args[0] === '-c' && args[1] !== undefined) return runShell(args[1], ctx);
      return { stdout: '', stderr: '', exitCode: 0 };
    case 'echo':
      return ok(args.join(' ') + '\n');
    case 'true':
      return ok('');
    case 'false':
      return { stdout: '', stderr: '', exitCode: 1 };
    case 'exit':
      return { stdout: '', stderr: '', exitCode: Number(args[0] ?? 0) || 0 };
    case 'hostname':
      return ok(ctx.podName + '\n');
    case 'whoami':
      return ok('app\n');
    case 'pwd':
      return ok('/app\n');
    case 'date':
      return ok(new Date(ctx.now).toUTCString() + '\n');
    case 'env':
    case 'printenv':
      if (base === 'printenv' && args[0]) {
        return ctx.env[args[0]] !== undefined
          ? ok(ctx.env[args[0]] + '\n')
          : { stdout: '', stderr: '', exitCode: 1 };
      }
      return ok(
        Object.entries(ctx.env)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n') + '\n',
      );
    case 'cat':
      if (args.length === 0) return ok(ctx.stdin ?? '');
      if (args[0] === '/etc/hostname') return ok(ctx.podName + '\n');
      return { stdout: '', stderr: `cat: ${args[0]}: No such file or directory\n`, exitCode: 1 };
    default:
      return {
        stdout: '',
        stderr: '',
        exitCode: 126,
        startError:
          `Internal error occurred: error executing command in container: failed to exec ` +
          `in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start ` +
          `container process: exec: "${command}": executable file not found in $PATH: unknown`,
      };
  }
}

function ok(stdout: string): CommandResult {
  return { stdout, stderr: '', exitCode: 0 };
}

/** Splits a shell line into words, honouring single and double quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || current) words.push(current);
      current = '';
      started = false;
    } else if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
    } else {
      current += ch;
    }
  }
  if (started || current) words.push(current);
  return words;
}

/** `sh -c`: commands joined by `;`, `&&` and `||`, each run in turn. */
async function runShell(script: string, ctx: CommandContext): Promise<CommandResult> {
  const parts = script.split(/(\s*(?:&&|\|\||;)\s*)/);
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  let op = ';';
  for (const part of parts) {
    const trimmed = part.trim();
    if (trimmed === '&&' || trimmed === '||' || trimmed === ';') {
      op = trimmed;
      continue;
    }
    if (!trimmed) continue;
    if ((op === '&&' && exitCode !== 0) || (op === '||' && exitCode === 0)) continue;
    const words = shellWords(trimmed).map((w) =>
      w.replace(/\$\{?(\w+)\}?/g, (_m, name: string) => ctx.env[name] ?? ''),
    );
    const result = await runCommand(words, ctx);
    if (result.startError) {
      stderr += `sh: ${words[0]}: not found\n`;
      exitCode = 127;
      continue;
    }
    stdout += result.stdout;
    stderr += result.stderr;
    exitCode = result.exitCode;
    if (words[0] === 'exit') break;
  }
  return { stdout, stderr, exitCode };
}

// ---- redis-cli ----

async function redisCli(args: string[], ctx: CommandContext): Promise<CommandResult> {
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
      child.stdin?.end(ctx.stdin ?? '');
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

// ---- psql ----

const NUMERIC_TYPES = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);

async function psql(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const commands: string[] = [];
  let tuplesOnly = false;
  let unaligned = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--command') commands.push(args[++i] ?? '');
    else if (a.startsWith('--command=')) commands.push(a.slice('--command='.length));
    else if (a === '-t' || a === '--tuples-only') tuplesOnly = true;
    else if (a === '-A' || a === '--no-align') unaligned = true;
    else if (a === '-tA' || a === '-At') tuplesOnly = unaligned = true;
    else if (
      ['-U', '-d', '-h', '-p', '-W', '--username', '--dbname', '--host', '--port'].includes(a)
    )
      i++;
  }
  if (commands.length === 0 && ctx.stdin) commands.push(ctx.stdin);
  if (commands.length === 0)
    return {
      stdout: '',
      stderr: 'psql: no command given (interactive psql needs a terminal)\n',
      exitCode: 1,
    };

  const { Client } = await import('pg');
  const client = new Client({ ...ctx.postgres, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    return {
      stdout: '',
      stderr:
        `psql: error: connection to server at "${ctx.postgres.host}", port ` +
        `${ctx.postgres.port} failed: ${(error as Error).message}\n`,
      exitCode: 2,
    };
  }
  let stdout = '';
  try {
    for (const sql of commands) {
      const results = await client.query(sql);
      for (const result of Array.isArray(results) ? results : [results]) {
        stdout += formatResult(result, tuplesOnly, unaligned);
      }
    }
    return ok(stdout);
  } catch (error) {
    return { stdout, stderr: `ERROR:  ${(error as Error).message}\n`, exitCode: 1 };
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface PgResult {
  command: string;
  rowCount: number | null;
  fields: Array<{ name: string; dataTypeID: number }>;
  rows: Array<Record<string, unknown>>;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '+00');
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** psql's aligned (or `-A` unaligned, `-t` tuples-only) rendering of one result. */
export function formatResult(result: PgResult, tuplesOnly = false, unaligned = false): string {
  if (!result.fields || result.fields.length === 0) {
    const tag =
      result.command === 'INSERT'
        ? `INSERT 0 ${result.rowCount ?? 0}`
        : result.rowCount !== null && ['UPDATE', 'DELETE', 'SELECT'].includes(result.command)
          ? `${result.command} ${result.rowCount}`
          : result.command;
    return tuplesOnly ? '' : `${tag}\n`;
  }
  const names = result.fields.map((f) => f.name);
  const rows = result.rows.map((row) => names.map((n) => cellText(row[n])));
  if (unaligned) {
    const lines = [...(tuplesOnly ? [] : [names.join('|')]), ...rows.map((r) => r.join('|'))];
    if (!tuplesOnly) lines.push(`(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`);
    return lines.join('\n') + '\n';
  }
  const widths = names.map((n, i) => Math.max(n.length, ...rows.map((r) => r[i]!.length)));
  const numeric = result.fields.map((f) => NUMERIC_TYPES.has(f.dataTypeID));
  const center = (text: string, width: number) => {
    const left = Math.floor((width - text.length) / 2);
    return ' '.repeat(left) + text + ' '.repeat(width - text.length - left);
  };
  const out: string[] = [];
  if (!tuplesOnly) {
    out.push(' ' + names.map((n, i) => center(n, widths[i]!)).join(' | ') + ' ');
    out.push(widths.map((w) => '-'.repeat(w + 2)).join('+'));
  }
  for (const row of rows) {
    // psql pads every cell but a left-aligned last one.
    const last = row.length - 1;
    const cells = row.map((cell, i) =>
      numeric[i] ? cell.padStart(widths[i]!) : i === last ? cell : cell.padEnd(widths[i]!),
    );
    out.push(' ' + cells.join(' | '));
  }
  if (!tuplesOnly) out.push(`(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`);
  return out.join('\n') + '\n' + (tuplesOnly ? '' : '\n');
}

// ---- kafka-consumer-groups.sh ----

interface Partition {
  group: string;
  topic: string;
  partition: number;
  current: number;
  end: number;
  consumer: string;
  host: string;
  client: string;
}

const GROUPS: Array<{
  group: string;
  topic: string;
  partitions: number;
  lagPerMinute: number;
  consumers: number;
  ip: string;
}> = [
  {
    group: 'notification-service',
    topic: 'enrollment-events',
    partitions: 3,
    lagPerMinute: 140,
    consumers: 2,
    ip: '10.244.2.14',
  },
  {
    group: 'course-service',
    topic: 'course-updates',
    partitions: 3,
    lagPerMinute: 0,
    consumers: 3,
    ip: '10.244.1.9',
  },
  {
    group: 'payment-service',
    topic: 'payment-events',
    partitions: 2,
    lagPerMinute: 2,
    consumers: 2,
    ip: '10.244.3.5',
  },
];

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** The groups' partitions at `now`: offsets grow steadily; notification-service falls behind. */
export function consumerLag(now: number): Partition[] {
  const minutes = Math.floor(now / 60_000) % 100_000;
  const out: Partition[] = [];
  for (const g of GROUPS) {
    for (let p = 0; p < g.partitions; p++) {
      const seed = fnv1a(`${g.group}/${p}`);
      const end = 1_000_000 + (seed % 500_000) + minutes * 37;
      const lag =
        g.lagPerMinute === 0
          ? 0
          : Math.floor((((now / 60_000) % 600) * g.lagPerMinute) / g.partitions) + (seed % 50);
      const consumerIndex = (p % g.consumers) + 1;
      const client = `consumer-${g.group}-${consumerIndex}`;
      out.push({
        group: g.group,
        topic: g.topic,
        partition: p,
        current: end - lag,
        end,
        consumer: `${client}-${hex8(seed)}-4b1e-9a3c-${hex8(fnv1a(client))}0c1d`,
        host: `/${g.ip.replace(/\d+$/, (n) => String((Number(n) + consumerIndex) % 250))}`,
        client,
      });
    }
  }
  return out;
}

function kafkaConsumerGroups(args: string[], ctx: CommandContext): CommandResult {
  if (!args.includes('--bootstrap-server')) {
    return { stdout: '', stderr: 'Missing required argument "[bootstrap-server]"\n', exitCode: 1 };
  }
  const all = consumerLag(ctx.now);
  if (args.includes('--list')) return ok([...new Set(all.map((p) => p.group))].join('\n') + '\n');
  if (!args.includes('--describe')) {
    return {
      stdout: '',
      stderr:
        'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets\n',
      exitCode: 1,
    };
  }
  const groupIndex = args.indexOf('--group');
  const wanted = args.includes('--all-groups') ? undefined : args[groupIndex + 1];
  if (!args.includes('--all-groups') && groupIndex < 0) {
    return {
      stdout: '',
      stderr: 'Option [describe] takes one of these options: [all-groups], [group]\n',
      exitCode: 1,
    };
  }
  const groups = [...new Set(all.map((p) => p.group))].filter((g) => !wanted || g === wanted);
  if (groups.length === 0)
    return {
      stdout: '',
      stderr: `Error: Consumer group '${wanted}' does not exist.\n`,
      exitCode: 0,
    };
  let out = '';
  for (const group of groups) {
    const rows = all.filter((p) => p.group === group);
    const w = {
      group: Math.max(5, ...rows.map((r) => r.group.length)),
      topic: Math.max(5, ...rows.map((r) => r.topic.length)),
      consumer: Math.max(11, ...rows.map((r) => r.consumer.length)),
      host: Math.max(4, ...rows.map((r) => r.host.length)),
    };
    const line = (cells: string[]) =>
      [
        cells[0]!.padEnd(w.group),
        cells[1]!.padEnd(w.topic),
        cells[2]!.padEnd(10),
        cells[3]!.padEnd(15),
        cells[4]!.padEnd(15),
        cells[5]!.padEnd(15),
        cells[6]!.padEnd(w.consumer),
        cells[7]!.padEnd(w.host),
        cells[8]!,
      ].join(' ');
    out +=
      '\n' +
      line([
        'GROUP',
        'TOPIC',
        'PARTITION',
        'CURRENT-OFFSET',
        'LOG-END-OFFSET',
        'LAG',
        'CONSUMER-ID',
        'HOST',
        'CLIENT-ID',
      ]) +
      '\n';
    for (const r of rows) {
      out +=
        line([
          r.group,
          r.topic,
          String(r.partition),
          String(r.current),
          String(r.end),
          String(r.end - r.current),
          r.consumer,
          r.host,
          r.client,
        ]) + '\n';
    }
  }
  return ok(out);
}
