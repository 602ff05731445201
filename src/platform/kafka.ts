import type { KubeConnection } from './kube/connection';
import { KubeError } from './kube/errors';
import { execInPod } from './kube/exec';
import type { ExecOptions } from './kube/exec';

/** One partition a group consumes, as a row of `--describe` prints it. */
export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** Undefined for `-`: the group has committed no offset on that partition. */
  currentOffset?: number;
  logEndOffset?: number;
  /** Undefined for `-` (no committed offset). */
  lag?: number;
  /** Undefined for `-`: no member holds the partition (no active members). */
  consumerId?: string;
  host?: string;
  clientId?: string;
}

/** A member of a group and how many partitions it holds (0 for members without any). */
export interface GroupMember {
  consumerId: string;
  host?: string;
  clientId?: string;
  partitions: number;
}

/** A consumer group's lag: the total and per partition. */
export interface ConsumerGroupLag {
  group: string;
  /** Sum of the known lags. */
  totalLag: number;
  /** Partitions whose lag is `-` (no committed offset). */
  unknownLag: number;
  partitions: PartitionLag[];
  members: GroupMember[];
  /** False when Kafka says the group has no active members (or none holds a partition). */
  active: boolean;
  /** Kafka's notes about the group: `rebalancing`, `has no active members`. */
  notes: string[];
}

/** The whole answer: groups worst first, and lines Kafka printed about errors. */
export interface ConsumerLagReport {
  groups: ConsumerGroupLag[];
  /** `Error: …` and `Warning: …` lines not tied to a group, as printed. */
  messages: string[];
}

const NONE = '-';

const numberOr = (text: string | undefined) => {
  if (text === undefined || text === NONE || text === '') {
    return undefined;
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
};
const textOr = (text: string | undefined) =>
  text === undefined || text === NONE ? undefined : text;

const GROUP_NOTE = /^(?:Warning: |Error: )?Consumer group '([^']+)' (.+?)\.?$/;

/**
 * Parses `kafka-consumer-groups.sh --describe` output: `--all-groups` (one table per group,
 * blank lines between), one `--group`, the old format without a GROUP column (Kafka 0.10–2.0,
 * where the group comes from the "Consumer group 'x' has no active members." line, the
 * `--group` on an echoed command line, or `defaultGroup`), `-` offsets, members holding no
 * partition (`-` topic and partition), banners, shell prompts and extra columns of later
 * versions. Columns are found by their header names, not positions.
 */
export function parseConsumerGroups(text: string, defaultGroup?: string): ConsumerLagReport {
  const groups = new Map<string, ConsumerGroupLag>();
  const messages: string[] = [];
  let columns: string[] | undefined;
  let contextGroup = defaultGroup;
  const groupOf = (name: string) => {
    let g = groups.get(name);
    if (!g) {
      g = {
        group: name,
        totalLag: 0,
        unknownLag: 0,
        partitions: [],
        members: [],
        active: true,
        notes: [],
      };
      groups.set(name, g);
    }
    return g;
  };

  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      columns = undefined;
      continue;
    }
    const echoed = /--group[= ]+(\S+)/.exec(line);
    if (echoed && /kafka-consumer-groups/.test(line)) {
      contextGroup = echoed[1]!;
      continue;
    }
    const note = GROUP_NOTE.exec(line);
    if (note) {
      contextGroup = note[1]!;
      const g = groupOf(note[1]!);
      g.notes.push(note[2]!);
      if (/no active members/.test(note[2]!)) {
        g.active = false;
      }
      continue;
    }
    const fields = line.split(/\s+/);
    if (fields.includes('TOPIC') && fields.includes('PARTITION')) {
      columns = fields;
      continue;
    }
    if (/^(Error|Warning):/.test(line)) {
      messages.push(line);
      continue;
    }
    if (!columns || fields.length < columns.indexOf('LAG') + 1) {
      // Banners ("Note: …"), prompts and anything outside a table.
      continue;
    }
    const at = (name: string) => {
      const i = columns!.indexOf(name);
      return i < 0 ? undefined : fields[i];
    };
    const name = at('GROUP') ?? contextGroup;
    if (!name) {
      messages.push(`A row without a group name was skipped: ${line}`);
      continue;
    }
    const g = groupOf(name);
    const consumerId = textOr(at('CONSUMER-ID'));
    const topic = at('TOPIC');
    const partition = numberOr(at('PARTITION'));
    if (consumerId && !g.members.some((m) => m.consumerId === consumerId)) {
      g.members.push({
        consumerId,
        host: textOr(at('HOST')),
        clientId: textOr(at('CLIENT-ID')),
        partitions: 0,
      });
    }
    if (topic === undefined || topic === NONE || partition === undefined) {
      continue;
    }
    const lag = numberOr(at('LAG'));
    g.partitions.push({
      group: name,
      topic,
      partition,
      currentOffset: numberOr(at('CURRENT-OFFSET')),
      logEndOffset: numberOr(at('LOG-END-OFFSET')),
      lag,
      consumerId,
      host: textOr(at('HOST')),
      clientId: textOr(at('CLIENT-ID')),
    });
    if (lag === undefined) {
      g.unknownLag += 1;
    } else {
      g.totalLag += lag;
    }
    const member = g.members.find((m) => m.consumerId === consumerId);
    if (member) {
      member.partitions += 1;
    }
  }

  for (const g of groups.values()) {
    if (g.partitions.length > 0 && g.partitions.every((p) => p.consumerId === undefined)) {
      g.active = false;
    }
    g.partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }
  const sorted = [...groups.values()].sort(
    (a, b) => b.totalLag - a.totalLag || a.group.localeCompare(b.group),
  );
  return { groups: sorted, messages };
}

/** The runbook's command, run in `kafka-0`. */
export const DEFAULT_KAFKA_COMMAND = [
  'kafka-consumer-groups.sh',
  '--bootstrap-server',
  'localhost:9092',
  '--describe',
  '--all-groups',
];

/**
 * `kubectl exec kafka-0 -n freelms -- kafka-consumer-groups.sh --bootstrap-server localhost:9092
 * --describe --all-groups`, parsed. Pod and command are the caller's (settings). A non-zero exit
 * with nothing parsed throws `KubeError` with Kafka's own first error line.
 */
export async function consumerLagViaExec(
  connection: KubeConnection,
  pod = 'kafka-0',
  command: string[] = DEFAULT_KAFKA_COMMAND,
  options: ExecOptions = {},
): Promise<ConsumerLagReport> {
  const result = await execInPod(connection, pod, command, { timeoutMs: 60_000, ...options });
  const report = parseConsumerGroups(result.stdout);
  if (result.exitCode !== 0 && report.groups.length === 0) {
    const said =
      (result.stderr || result.stdout)
        .trim()
        .split('\n')
        .find((l) => l.trim()) ?? '';
    throw new KubeError(
      'unknown',
      `\`${command.join(' ')}\` in ${pod} (namespace ${connection.namespace}) failed with exit ` +
        `${result.exitCode}${said ? `: ${said}` : ''}. Check that Kafka runs in that pod and ` +
        'listens on the bootstrap server given.',
      connection.target({ verb: 'create', resource: 'pods/exec', name: pod }),
    );
  }
  report.messages.push(
    ...result.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^(Error|Warning):/.test(l)),
  );
  return report;
}
