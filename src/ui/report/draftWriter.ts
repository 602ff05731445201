/** How long drafts stop coming before the latest one is written to the workspace state. */
export const WRITE_DRAFT_AFTER_MS = 300;

/** The timer functions the writer uses, so tests can drive them. */
export interface DraftTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: DraftTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The draft of one open Incident Report, held by the extension. The page sends every change as it
 * is typed; the latest is held here at once and written once drafts stop coming for a moment
 * (`WRITE_DRAFT_AFTER_MS`), so typing does not write the workspace state at every keystroke.
 * Closing the tab or the window writes the held draft at once (`flush`), so nothing typed before
 * it is lost; a Save or Discard drops it (`drop`), so it is never written after them. Writes go
 * one at a time, in order. Holds the draft only: it never logs it.
 */
export class DraftWriter<Draft> {
  /** The latest draft not written yet, if any. */
  private held: { draft: Draft } | undefined;
  private timer: unknown;
  /** The writes under way, one after another; never rejects. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (draft: Draft) => Promise<void>,
    /** Told of a write that failed; the error says nothing of the draft. */
    private readonly failed: (error: unknown) => void,
    private readonly delayMs = WRITE_DRAFT_AFTER_MS,
    private readonly timers: DraftTimers = realTimers,
  ) {}

  /** Whether a draft is held and not written yet. */
  get pending(): boolean {
    return this.held !== undefined;
  }

  /** Holds the latest draft now, in place of any held before; writes it once drafts pause. */
  hold(draft: Draft): void {
    this.held = { draft };
    this.stopTimer();
    this.timer = this.timers.setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Writes the held draft now, if any; resolves once it and every write before it are done. */
  flush(): Promise<void> {
    this.stopTimer();
    const held = this.held;
    this.held = undefined;
    if (held) this.writing = this.writing.then(() => this.write(held.draft)).catch(this.failed);
    return this.writing;
  }

  /**
   * Drops the held draft unwritten; resolves once any write under way is done, so that clearing
   * the stored draft after this leaves nothing that could bring it back.
   */
  drop(): Promise<void> {
    this.stopTimer();
    this.held = undefined;
    return this.writing;
  }

  private stopTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
