/**
 * Segment's `get(obj, path)` from actions-core: dot and bracket paths (`a.b[0].c`, `a['b']`).
 * Reproduced exactly, including its quirks (quotes are stripped anywhere in a segment, and a falsy
 * intermediate value short-circuits to that value rather than to undefined).
 */

const arrayRe = /\[(?="|'|\d)|\.|(?<="|'|\d)]+/g;

export function getPath(obj: unknown, path: string): unknown {
  if (path === '' || path === '.') return obj;
  const segments = path
    .split(arrayRe)
    .filter((segment) => segment)
    .map((segment) => segment.replace(/'|"/g, ''));
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
