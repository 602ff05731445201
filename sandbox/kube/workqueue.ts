/** A de-duplicating queue of keys, drained in one batch per turn of the event loop. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private stopped = false;

  constructor(private readonly work: (key: string) => void) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.work(key);
      } catch (error) {
        // A controller that throws retries later rather than taking the sandbox down.
        process.stderr.write(
          `[sandbox] controller failed on ${key}: ${error instanceof Error ? error.stack : String(error)}\n`,
        );
        setTimeout(() => this.add(key), 1000).unref();
      }
    }
  }
}
