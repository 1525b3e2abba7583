// Checks scanned event-key references against the events a datafile knows.
import type { CheckOptions, EventKeyReference, KnownEvents, LintFinding } from './types';

/**
 * Findings for `refs` (dynamic keys are skipped):
 * - `unknown-event-key` (warning): the key is not in the datafile; suggestions from `known.suggestions`.
 * - `event-not-in-running-experiment` (information): the key exists but no running experiment uses it.
 */
export function checkReferences(refs: readonly EventKeyReference[], known: KnownEvents,
  options: CheckOptions = {}): LintFinding[] {
  const reportUnused = options.reportNotInRunningExperiment !== false;
  const findings: LintFinding[] = [];
  for (const reference of refs) {
    if (reference.dynamic) continue;
    const key = reference.key;
    if (!known.has(key)) {
      const suggestions = [...known.suggestions(key)];
      const message = suggestions.length > 0
        ? `Event key ${quote(key)} is not in the datafile. Did you mean ${quote(suggestions[0])}?`
        : `Event key ${quote(key)} is not in the datafile (${known.size} ${known.size === 1 ? 'event' : 'events'} known).`;
      findings.push({ code: 'unknown-event-key', severity: 'warning', message, suggestions, reference });
      continue;
    }
    if (reportUnused && known.runningExperimentCount(key) === 0) {
      findings.push({
        code: 'event-not-in-running-experiment',
        severity: 'information',
        message: `Event key ${quote(key)} is in the datafile but no running experiment uses it.`,
        suggestions: [],
        reference,
      });
    }
  }
  return findings;
}

/** `"key"` with quotes, backslashes and control characters escaped so messages stay on one line. */
function quote(key: string): string {
  return JSON.stringify(key);
}

export interface KnownEventEntry {
  key: string;
  /** Running experiments (or rules) that use the event. */
  usedByRunningExperiments: number;
}

/** A `KnownEvents` over a list of events (duplicate keys add up). */
export function createKnownEvents(events: Iterable<KnownEventEntry>, maxSuggestions = 3): KnownEvents {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.key, (counts.get(e.key) ?? 0) + Math.max(0, e.usedByRunningExperiments));
  const keys = [...counts.keys()];
  return {
    get size() {
      return counts.size;
    },
    has: (key) => counts.has(key),
    suggestions: (key) => suggestEventKeys(key, keys, maxSuggestions),
    runningExperimentCount: (key) => counts.get(key) ?? 0,
  };
}

/** Lower case without spaces, `_`, `-`, `.`: `Order_Completed` ≈ `order completed`. */
function normalizeKey(s: string): string {
  return s.toLowerCase().replace(/[\s_.-]+/g, '');
}

/**
 * Known keys that look like a misspelling of `key`, best first: same key ignoring case, then same after dropping
 * separators, then by (optimal string alignment) edit distance on lower case, up to about a third of the length.
 */
export function suggestEventKeys(key: string, candidates: readonly string[], max = 3): string[] {
  if (max <= 0 || key.length === 0) return [];
  const lower = key.toLowerCase();
  const normalized = normalizeKey(key);
  const scored: { key: string; score: number }[] = [];
  for (const c of candidates) {
    if (c === key) continue;
    const cl = c.toLowerCase();
    let score: number;
    if (cl === lower) score = 0;
    else if (normalized.length > 0 && normalizeKey(c) === normalized) score = 0.5;
    else {
      const limit = Math.max(1, Math.min(5, Math.floor(Math.max(lower.length, cl.length) / 3)));
      const d = boundedEditDistance(lower, cl, limit);
      if (d > limit) continue;
      score = d;
    }
    scored.push({ key: c, score });
  }
  scored.sort((x, y) => x.score - y.score || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return scored.slice(0, max).map((s) => s.key);
}

/** Optimal-string-alignment distance, or `limit + 1` as soon as it must exceed `limit`. */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let prevPrev = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, prevPrev[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const t = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = t;
  }
  return prev[n];
}
