/**
 * The sandbox's sense of time. Everything the simulated cluster does (pod start-up, crash
 * back-off, log lines, ages printed by kubectl) reads this clock, so tests can run the
 * cluster faster than real time instead of sleeping.
 */
export class SandboxClock {
  private readonly realStart = Date.now();
  private readonly simStart: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** `speed` 10 makes ten simulated seconds pass in one real second. */
  constructor(
    readonly speed = 1,
    start = Date.now(),
  ) {
    if (!(speed > 0)) throw new Error(`clock speed must be positive, got ${speed}`);
    this.simStart = start;
  }

  /** Simulated milliseconds since the epoch. */
  now(): number {
    return this.simStart + (Date.now() - this.realStart) * this.speed;
  }

  /** The simulated time as Kubernetes writes it: RFC 3339, whole seconds. */
  iso(at = this.now()): string {
    return new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  /** Real milliseconds that `simMs` of simulated time take. */
  toReal(simMs: number): number {
    return Math.max(0, simMs / this.speed);
  }

  /** Runs `fn` after `simMs` simulated milliseconds; the timer never keeps the process alive. */
  after(simMs: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    }, this.toReal(simMs));
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  /** Runs `fn` every `simMs` simulated milliseconds until cancelled. */
  every(simMs: number, fn: () => void): NodeJS.Timeout {
    const timer = setInterval(
      () => {
        if (!this.stopped) fn();
      },
      Math.max(1, this.toReal(simMs)),
    );
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Cancels every pending timer; later calls to `after`/`every` fire nothing. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/**
 * How long things take in the simulated cluster, in simulated milliseconds. Defaults are close
 * to a real cluster running small JVM services, shortened where waiting teaches nothing.
 */
export interface Timings {
  /** Pending (unscheduled) → scheduled on a node. */
  schedule: number;
  /** Scheduled → image pulled and container started. */
  containerStart: number;
  /** Each init container runs this long. */
  initContainer: number;
  /** Container started → readiness probe passes. */
  ready: number;
  /** Container started → crash, for images that crash. */
  crash: number;
  /** First crash back-off; doubles per restart up to `backOffMax` (the kubelet's 10 s → 5 min). */
  backOff: number;
  backOffMax: number;
  /** ErrImagePull → ImagePullBackOff and between retries. */
  imagePull: number;
  /** A deleted pod stays Terminating this long (or its grace period, if shorter). */
  termination: number;
  /** A Job-like container that completes runs this long. */
  complete: number;
}

export const DEFAULT_TIMINGS: Timings = {
  schedule: 300,
  containerStart: 1500,
  initContainer: 2000,
  ready: 3000,
  crash: 4000,
  backOff: 10_000,
  backOffMax: 300_000,
  imagePull: 3000,
  termination: 3000,
  complete: 5000,
};

/** A small deterministic PRNG (mulberry32), so a scenario looks the same on every start. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `items`, chosen by `random` (a `prng`). */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** FNV-1a, 32 bit: stable hashes for template hashes, names and log generation. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

// The alphabet Kubernetes uses for generated name suffixes: no vowels, no look-alikes.
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Encodes a number the way Kubernetes spells pod-template-hash and generated suffixes. */
export function safeEncode(value: number, length: number): string {
  let out = '';
  let v = value >>> 0;
  for (let i = 0; i < length; i++) {
    out += SAFE_ALPHABET[v % SAFE_ALPHABET.length];
    v = (Math.floor(v / SAFE_ALPHABET.length) ^ fnv1a(String(v + i))) >>> 0;
  }
  return out;
}

/** kubectl's HumanDuration, which the server uses for every AGE cell. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}
