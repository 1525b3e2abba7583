/** Timing helpers for benchmarks: repeated samples, medians, and a ratio against a same-run baseline. */
import { performance } from 'node:perf_hooks';

function sampleOnce(fn: () => void, minMs: number): number {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 200; i++) fn();
    ops += 200;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1e6) / ops;
}

/**
 * Times a subject against its baseline with samples taken alternately, so that a busy machine slows both
 * alike; returns the median ns/op of each and the median of the per-round ratios.
 */
export function timePair(baselineFn: () => void, subjectFn: () => void, rounds = 11, minMs = 100): { baseline: number; subject: number; ratio: number } {
  for (let i = 0; i < 2_000; i++) {
    baselineFn();
    subjectFn();
  }
  const baselines: number[] = [];
  const subjects: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const b = sampleOnce(baselineFn, minMs);
    const s = sampleOnce(subjectFn, minMs);
    baselines.push(b);
    subjects.push(s);
    ratios.push(s / b);
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  return { baseline: median(baselines), subject: median(subjects), ratio: median(ratios) };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function report(line: string): void {
  process.stdout.write(`${line}\n`);
}
