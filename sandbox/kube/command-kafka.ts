/**
 * `kafka-consumer-groups.sh --list` and `--describe` inside a pod, answered from a simulated
 * lag table: three consumer groups whose offsets grow steadily with the simulated time, and
 * notification-service falling behind, printed in the tool's own columns.
 */
import { fnv1a } from './clock';
import { ok, type CommandContext, type CommandResult } from './command-result';

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

export function kafkaConsumerGroups(args: string[], ctx: CommandContext): CommandResult {
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
