/**
 * `psql … -c "…"` inside a pod, answered by the local PostgreSQL (database `test`, user
 * `postgres`) and printed as psql prints: aligned with centred headers and right-aligned
 * numbers, or `-A` unaligned, `-t` tuples only, and the command tag for statements without rows.
 */
import { ok, type CommandContext, type CommandResult } from './command-result';

const NUMERIC_TYPES = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);

export async function psql(args: string[], ctx: CommandContext): Promise<CommandResult> {
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
  // A connection PostgreSQL drops between queries is an 'error' event; the query or end that
  // follows reports it, and unheard it would end the whole sandbox.
  client.on('error', () => {});
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
