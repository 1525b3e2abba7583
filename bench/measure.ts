/** Timing helpers for benchmarks: repeated samples, medians, and a ratio against a same-run baseline. */
import { performance } from 'node:perf_hooks';

export interface Sample {
  name: string;
  /** Median nanoseconds per operation. */
  nsPerOp: number;
}

/** Runs `fn` in batches until `minMs` has passed per sample, returns the median ns/op over `samples`. */
export function timeSync(name: string, fn: () => void, options: { samples?: number; minMs?: number } = {}): Sample {
  const samples = options.samples ?? 7;
  const minMs = options.minMs ?? 150;
  for (let i = 0; i < 2_000; i++) fn(); // warm up the JIT
  const results: number[] = [];
  for (let s = 0; s < samples; s++) {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < minMs) {
      for (let i = 0; i < 200; i++) fn();
      ops += 200;
      elapsed = performance.now() - start;
    }
    results.push((elapsed * 1e6) / ops);
  }
  results.sort((a, b) => a - b);
  return { name, nsPerOp: results[Math.floor(results.length / 2)] };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function formatRatio(subject: number, baseline: number): string {
  return `${(subject / baseline).toFixed(2)}×`;
}

export function report(line: string): void {
  process.stdout.write(`${line}\n`);
}
