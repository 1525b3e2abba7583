/** Per-key debouncing (one pending run per document), with injectable timers for tests. No `vscode` import. */

/** How long the diagnostics wait after the last edit of a document. */
export const LINT_DEBOUNCE_MS = 300;

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * `schedule(key, run)` runs `run` once `delayMs` after the last `schedule` for that key (each call restarts the wait
 * and replaces the callback); `flush(key)` runs a pending one now; `cancel(key)` drops it.
 */
export class KeyedDebouncer<K> {
  private readonly pending = new Map<K, { handle: unknown; run: () => void }>();

  constructor(private readonly delayMs: number, private readonly timers: Timers = realTimers) {}

  schedule(key: K, run: () => void): void {
    this.cancel(key);
    const handle = this.timers.set(() => {
      this.pending.delete(key);
      run();
    }, this.delayMs);
    this.pending.set(key, { handle, run });
  }

  /** Runs the pending callback for `key` now (if any). */
  flush(key: K): void {
    const entry = this.pending.get(key);
    if (entry === undefined) return;
    this.cancel(key);
    entry.run();
  }

  cancel(key: K): void {
    const entry = this.pending.get(key);
    if (entry === undefined) return;
    this.timers.clear(entry.handle);
    this.pending.delete(key);
  }

  has(key: K): boolean {
    return this.pending.has(key);
  }

  get size(): number {
    return this.pending.size;
  }

  dispose(): void {
    for (const { handle } of this.pending.values()) this.timers.clear(handle);
    this.pending.clear();
  }
}
