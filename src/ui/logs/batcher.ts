/** Timers the batcher uses; tests pass fake ones. */
export interface BatchTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: BatchTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Collects items and hands them on in batches, at most one batch per `intervalMs`: a pod
 * writing 50,000 lines a second costs the webview ten messages a second, not 50,000. The first
 * item after a quiet spell goes out at once, so a slow log still appears without delay. A batch
 * never holds more than `maxBatch` items; the rest follow on the next ticks.
 */
export class Batcher<T> {
  private pending: T[] = [];
  private timer: unknown;
  private lastSent = -Infinity;

  constructor(
    private readonly send: (items: T[]) => void,
    private readonly intervalMs = 100,
    private readonly maxBatch = 20_000,
    private readonly timers: BatchTimers = realTimers,
  ) {}

  /** Items waiting for the next batch. */
  get size(): number {
    return this.pending.length;
  }

  push(items: readonly T[]): void {
    if (items.length === 0) return;
    for (const item of items) this.pending.push(item);
    this.schedule();
  }

  /** Sends everything waiting now (before a reset, or when the panel closes). */
  flush(): void {
    this.cancel();
    while (this.pending.length > 0) this.sendOne();
  }

  /** Forgets what is waiting (the panel was cleared or the stream restarted). */
  discard(): void {
    this.cancel();
    this.pending = [];
  }

  dispose(): void {
    this.discard();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.sendOne();
      if (this.pending.length > 0) this.schedule();
    }, wait);
  }

  private sendOne(): void {
    if (this.pending.length === 0) return;
    const batch =
      this.pending.length <= this.maxBatch ? this.pending : this.pending.slice(0, this.maxBatch);
    this.pending = batch === this.pending ? [] : this.pending.slice(this.maxBatch);
    this.lastSent = this.timers.now();
    this.send(batch);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
