/**
 * Segment's `get(obj, path)` from actions-core: dot and bracket paths (`a.b[0].c`, `a['b']`).
 * Reproduced exactly, including its quirks (quotes are stripped anywhere in a segment, and a falsy
 * intermediate value short-circuits to that value rather than to undefined).
 */

const arrayRe = /\[(?="|'|\d)|\.|(?<="|'|\d)]+/g;

/** Parsed paths, bounded: mappings use a handful of paths, templates a few more. */
const segmentCache = new Map<string, string[]>();
const SEGMENT_CACHE_LIMIT = 1_000;

function segmentsOf(path: string): string[] {
  let segments = segmentCache.get(path);
  if (!segments) {
    segments = path
      .split(arrayRe)
      .filter((segment) => segment)
      .map((segment) => segment.replace(/'|"/g, ''));
    if (segmentCache.size >= SEGMENT_CACHE_LIMIT) segmentCache.clear();
    segmentCache.set(path, segments);
  }
  return segments;
}

export function getPath(obj: unknown, path: string): unknown {
  if (path === '' || path === '.') return obj;
  const segments = segmentsOf(path);
  let current: unknown = obj;
  for (const key of segments) {
    // `prevObj && prevObj[key]`: the falsy value itself is returned (0, '', false, null).
    if (!current) return current;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Removes the first `$.` the way `@path` does (`path.replace('$.', '')`, which is not anchored). */
export function stripRootPrefix(path: string): string {
  return path.replace('$.', '');
}
