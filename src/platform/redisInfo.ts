/** `INFO` read into its sections: `{ server: { redis_version: '7.2.4', … }, … }`. */
export type RedisInfoSections = Record<string, Record<string, string>>;

/** One `dbN:keys=…,expires=…,avg_ttl=…` line of the Keyspace section. */
export interface KeyspaceEntry {
  db: string;
  keys: number;
  expires: number;
  avgTtlMs?: number;
}

/** The INFO numbers an on-call engineer looks at first. */
export interface RedisSummary {
  version?: string;
  mode?: string;
  uptimeSeconds?: number;
  connectedClients?: number;
  blockedClients?: number;
  rejectedConnections?: number;
  usedMemory?: number;
  usedMemoryPeak?: number;
  /** 0 means no limit. */
  maxMemory?: number;
  maxMemoryPolicy?: string;
  /** used / maxmemory, when there is a limit. */
  memoryUsedRatio?: number;
  fragmentationRatio?: number;
  keyspaceHits?: number;
  keyspaceMisses?: number;
  /** hits / (hits + misses); undefined before any lookup. */
  hitRatio?: number;
  evictedKeys?: number;
  expiredKeys?: number;
  opsPerSecond?: number;
  role?: string;
  connectedReplicas?: number;
  /** A replica's link to its master: `up` or `down`. */
  masterLinkStatus?: string;
  lastBgsaveStatus?: string;
  keyspace: KeyspaceEntry[];
}

/** Something in INFO worth a look during an incident. */
export interface RedisWarning {
  kind:
    | 'memory'
    | 'evictions'
    | 'rejected'
    | 'hitRatio'
    | 'replication'
    | 'persistence'
    | 'blocked'
    | 'fragmentation';
  message: string;
}

/** A parsed `INFO` answer. */
export interface RedisInfo {
  sections: RedisInfoSections;
  summary: RedisSummary;
  warnings: RedisWarning[];
}

/**
 * Reads `INFO` output (`redis-cli INFO` or the bulk reply itself, LF or CRLF, Redis 2.x to 7.x):
 * `# Section` headers, `key:value` lines; section names lower-cased. Values keep their text;
 * `summarizeRedisInfo` converts what it needs.
 */
export function parseRedisInfo(text: string): RedisInfo {
  const sections: RedisInfoSections = {};
  let current = 'default';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) {
      current = line.slice(1).trim().toLowerCase();
      sections[current] ??= {};
    } else if (line.includes(':')) {
      const at = line.indexOf(':');
      (sections[current] ??= {})[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  const summary = summarizeRedisInfo(sections);
  return { sections, summary, warnings: redisWarnings(summary) };
}

function numberIn(sections: RedisInfoSections, key: string): number | undefined {
  for (const section of Object.values(sections)) {
    if (key in section) {
      const n = Number(section[key]);
      return Number.isFinite(n) ? n : undefined;
    }
  }
  return undefined;
}

function textIn(sections: RedisInfoSections, key: string): string | undefined {
  for (const section of Object.values(sections)) {
    if (key in section) {
      return section[key];
    }
  }
  return undefined;
}

function keyspaceOf(sections: RedisInfoSections): KeyspaceEntry[] {
  return Object.entries(sections.keyspace ?? {}).map(([db, value]) => {
    const fields = Object.fromEntries(
      value.split(',').map((kv) => kv.split('=') as [string, string]),
    );
    return {
      db,
      keys: Number(fields.keys ?? 0),
      expires: Number(fields.expires ?? 0),
      avgTtlMs: fields.avg_ttl === undefined ? undefined : Number(fields.avg_ttl),
    };
  });
}

/** The summary numbers out of parsed sections. */
export function summarizeRedisInfo(sections: RedisInfoSections): RedisSummary {
  const n = (key: string) => numberIn(sections, key);
  const hits = n('keyspace_hits');
  const misses = n('keyspace_misses');
  const used = n('used_memory');
  const max = n('maxmemory');
  return {
    version: textIn(sections, 'redis_version'),
    mode: textIn(sections, 'redis_mode'),
    uptimeSeconds: n('uptime_in_seconds'),
    connectedClients: n('connected_clients'),
    blockedClients: n('blocked_clients'),
    rejectedConnections: n('rejected_connections'),
    usedMemory: used,
    usedMemoryPeak: n('used_memory_peak'),
    maxMemory: max,
    maxMemoryPolicy: textIn(sections, 'maxmemory_policy'),
    memoryUsedRatio: used !== undefined && max ? used / max : undefined,
    fragmentationRatio: n('mem_fragmentation_ratio'),
    keyspaceHits: hits,
    keyspaceMisses: misses,
    hitRatio:
      hits !== undefined && misses !== undefined && hits + misses > 0
        ? hits / (hits + misses)
        : undefined,
    evictedKeys: n('evicted_keys'),
    expiredKeys: n('expired_keys'),
    opsPerSecond: n('instantaneous_ops_per_sec'),
    role: textIn(sections, 'role'),
    // `connected_slaves` is still the field's name in Redis 7.
    connectedReplicas: n('connected_slaves'),
    masterLinkStatus: textIn(sections, 'master_link_status'),
    lastBgsaveStatus: textIn(sections, 'rdb_last_bgsave_status'),
    keyspace: keyspaceOf(sections),
  };
}

const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** The worrying numbers, in plain words. */
export function redisWarnings(s: RedisSummary): RedisWarning[] {
  const w: RedisWarning[] = [];
  if (s.memoryUsedRatio !== undefined && s.memoryUsedRatio >= 0.9) {
    w.push({
      kind: 'memory',
      message:
        `Memory is at ${pct(s.memoryUsedRatio)} of maxmemory ` +
        `(policy ${s.maxMemoryPolicy ?? '?'}): ` +
        (s.maxMemoryPolicy === 'noeviction'
          ? 'writes will fail when it is full.'
          : 'keys are being or will be evicted.'),
    });
  }
  if ((s.evictedKeys ?? 0) > 0) {
    w.push({
      kind: 'evictions',
      message: `${s.evictedKeys} keys were evicted for lack of memory since start.`,
    });
  }
  if ((s.rejectedConnections ?? 0) > 0) {
    w.push({
      kind: 'rejected',
      message: `${s.rejectedConnections} connections were rejected (maxclients reached).`,
    });
  }
  if (
    s.hitRatio !== undefined &&
    s.hitRatio < 0.8 &&
    (s.keyspaceHits ?? 0) + (s.keyspaceMisses ?? 0) >= 1000
  ) {
    w.push({
      kind: 'hitRatio',
      message: `Cache hit ratio is ${pct(s.hitRatio)}: most lookups miss and go to the database.`,
    });
  }
  if (s.masterLinkStatus === 'down') {
    w.push({
      kind: 'replication',
      message: 'This replica has lost its link to the master: its data is going stale.',
    });
  }
  if (s.lastBgsaveStatus !== undefined && s.lastBgsaveStatus !== 'ok') {
    w.push({
      kind: 'persistence',
      message: `The last background save failed (${s.lastBgsaveStatus}).`,
    });
  }
  if ((s.blockedClients ?? 0) > 0) {
    w.push({
      kind: 'blocked',
      message: `${s.blockedClients} clients are blocked in BLPOP/XREAD-style calls.`,
    });
  }
  if (
    s.fragmentationRatio !== undefined &&
    s.fragmentationRatio > 1.5 &&
    (s.usedMemory ?? 0) > 100 * 1024 * 1024
  ) {
    w.push({
      kind: 'fragmentation',
      message:
        `Memory fragmentation ratio is ${s.fragmentationRatio}: ` +
        'RSS is well above the data size.',
    });
  }
  return w;
}
