/**
 * The commands the runbook runs inside pods, answered for real where a real server runs here:
 * `redis-cli …` by the local Redis (through the real `redis-cli` when installed, else over
 * RESP), `psql … -c "…"` by the local PostgreSQL (database `test`, user `postgres`) with
 * psql's aligned output, `kafka-consumer-groups.sh … --describe` by a simulated lag table.
 * A few shell basics (`echo`, `env`, `hostname`, `sh -c`, `exit N`) complete the set. Each
 * family is in its own file (`command-redis.ts`, `command-psql.ts`, `command-kafka.ts`); this one
 * picks the family by the command's name and runs `sh -c` lines.
 */
import { kafkaConsumerGroups } from './command-kafka';
import { psql } from './command-psql';
import { redisCli } from './command-redis';
import { ok, type CommandContext, type CommandResult } from './command-result';

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
