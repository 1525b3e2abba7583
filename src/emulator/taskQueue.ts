/** Runs async tasks with bounded concurrency, in arrival order; `idle()` resolves when all are done. */
export class TaskQueue {
  private readonly pending: (() => Promise<void>)[] = [];
  private running = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  push(task: () => Promise<void>): void {
    this.pending.push(task);
    this.pump();
  }

  get size(): number {
    return this.pending.length + this.running;
  }

  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.pending.length > 0) {
      const task = this.pending.shift() as () => Promise<void>;
      this.running++;
      task()
        .catch(() => undefined) // tasks record their own failures
        .finally(() => {
          this.running--;
          this.pump();
          if (this.size === 0) {
            const waiters = this.waiters;
            this.waiters = [];
            for (const resolve of waiters) resolve();
          }
        });
    }
  }
}
