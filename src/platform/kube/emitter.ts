/** Something to dispose; shaped like VS Code's `Disposable` so the UI can own it directly. */
export interface Disposable {
  dispose(): void;
}

/** A minimal event emitter with VS Code's `event(listener) → Disposable` shape, without `vscode`. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Subscribes; the returned disposable unsubscribes. */
  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      listener(value);
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
