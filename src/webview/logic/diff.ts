/**
 * A readable comparison of two Event API bodies: the values that changed (by JSON path), and a line diff
 * of the pretty-printed bodies with unchanged runs folded.
 */

export type DiffOp = 'same' | 'removed' | 'added';

export interface DiffLine {
  op: DiffOp;
  text: string;
  /** Line numbers in the old / new text (1-based), when the line exists there. */
  oldLine?: number;
  newLine?: number;
}

/** A folded run of unchanged lines. */
export interface DiffFold {
  op: 'fold';
  count: number;
}

export interface ValueChange {
  /** `visitors[0].snapshots[0].events[0].revenue` */
  path: string;
  kind: 'changed' | 'added' | 'removed';
  before?: string;
  after?: string;
}

export interface BodyDiff {
  identical: boolean;
  changes: ValueChange[];
  lines: (DiffLine | DiffFold)[];
  added: number;
  removed: number;
}

/** Above this many lines on both sides, the line diff is not computed (the value changes still are). */
const MAX_LCS_CELLS = 4_000_000;

/** Longest-common-subsequence line diff. */
export function diffLines(before: string[], after: string[]): DiffLine[] {
  // Common prefix and suffix first: bodies usually differ in a few lines.
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const a = before.slice(prefix, before.length - suffix);
  const b = after.slice(prefix, after.length - suffix);
  const result: DiffLine[] = [];
  for (let index = 0; index < prefix; index++) result.push({ op: 'same', text: before[index], oldLine: index + 1, newLine: index + 1 });
  const middle: DiffLine[] = [];
  if (a.length * b.length > MAX_LCS_CELLS) {
    a.forEach((text, index) => middle.push({ op: 'removed', text, oldLine: prefix + index + 1 }));
    b.forEach((text, index) => middle.push({ op: 'added', text, newLine: prefix + index + 1 }));
  } else {
    // lengths[i][j] = LCS length of a[i..] and b[j..]
    const width = b.length + 1;
    const lengths = new Uint32Array((a.length + 1) * width);
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1] + 1 : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        middle.push({ op: 'same', text: a[i], oldLine: prefix + i + 1, newLine: prefix + j + 1 });
        i++;
        j++;
      } else if (j < b.length && (i >= a.length || lengths[i * width + j + 1] >= lengths[(i + 1) * width + j])) {
        middle.push({ op: 'added', text: b[j], newLine: prefix + j + 1 });
        j++;
      } else {
        middle.push({ op: 'removed', text: a[i], oldLine: prefix + i + 1 });
        i++;
      }
    }
  }
  result.push(...orderRemovalsFirst(middle));
  for (let index = 0; index < suffix; index++) {
    const oldIndex = before.length - suffix + index;
    const newIndex = after.length - suffix + index;
    result.push({ op: 'same', text: before[oldIndex], oldLine: oldIndex + 1, newLine: newIndex + 1 });
  }
  return result;
}

/** Within each changed block, removed lines come before added ones (the way people read diffs). */
function orderRemovalsFirst(lines: DiffLine[]): DiffLine[] {
  const result: DiffLine[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = () => {
    result.push(...removed, ...added);
    removed = [];
    added = [];
  };
  for (const line of lines) {
    if (line.op === 'same') {
      flush();
      result.push(line);
    } else if (line.op === 'removed') removed.push(line);
    else added.push(line);
  }
  flush();
  return result;
}

/** Folds runs of unchanged lines longer than `2 * context + 1`, keeping `context` lines around changes. */
export function foldUnchanged(lines: DiffLine[], context = 3): (DiffLine | DiffFold)[] {
  const result: (DiffLine | DiffFold)[] = [];
  let index = 0;
  while (index < lines.length) {
    if (lines[index].op !== 'same') {
      result.push(lines[index++]);
      continue;
    }
    let end = index;
    while (end < lines.length && lines[end].op === 'same') end++;
    const run = end - index;
    const keepBefore = index === 0 ? 0 : context;
    const keepAfter = end === lines.length ? 0 : context;
    if (run > keepBefore + keepAfter + 1) {
      result.push(...lines.slice(index, index + keepBefore));
      result.push({ op: 'fold', count: run - keepBefore - keepAfter });
      result.push(...lines.slice(end - keepAfter, end));
    } else {
      result.push(...lines.slice(index, end));
    }
    index = end;
  }
  return result;
}

/** Pretty-prints JSON text with 2-space indent; other text is returned unchanged. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function parseOrUndefined(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function pathJoin(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** Leaf-level differences between two JSON values, in document order. */
export function valueChanges(before: unknown, after: unknown, path = ''): ValueChange[] {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const changes: ValueChange[] = [];
    if (Array.isArray(before) && Array.isArray(after)) {
      for (let index = 0; index < Math.max(before.length, after.length); index++) {
        const at = pathJoin(path, index);
        if (index >= after.length) changes.push({ path: at, kind: 'removed', before: JSON.stringify(before[index]) });
        else if (index >= before.length) changes.push({ path: at, kind: 'added', after: JSON.stringify(after[index]) });
        else changes.push(...valueChanges(before[index], after[index], at));
      }
      return changes;
    }
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    const keys = [...Object.keys(b), ...Object.keys(a).filter((key) => !Object.prototype.hasOwnProperty.call(b, key))];
    for (const key of keys) {
      const at = pathJoin(path, key);
      const inBefore = Object.prototype.hasOwnProperty.call(b, key);
      const inAfter = Object.prototype.hasOwnProperty.call(a, key);
      if (!inAfter) changes.push({ path: at, kind: 'removed', before: JSON.stringify(b[key]) });
      else if (!inBefore) changes.push({ path: at, kind: 'added', after: JSON.stringify(a[key]) });
      else changes.push(...valueChanges(b[key], a[key], at));
    }
    return changes;
  }
  const beforeText = JSON.stringify(before);
  const afterText = JSON.stringify(after);
  return beforeText === afterText ? [] : [{ path: path || '(whole body)', kind: 'changed', before: beforeText, after: afterText }];
}

/** Compares two bodies (JSON text or any text). */
export function diffBodies(before: string, after: string, context = 3): BodyDiff {
  const lines = diffLines(prettyJson(before).split('\n'), prettyJson(after).split('\n'));
  const parsedBefore = parseOrUndefined(before);
  const parsedAfter = parseOrUndefined(after);
  const changes = parsedBefore && parsedAfter ? valueChanges(parsedBefore.value, parsedAfter.value) : [];
  return {
    identical: before === after,
    changes,
    lines: foldUnchanged(lines, context),
    added: lines.filter((line) => line.op === 'added').length,
    removed: lines.filter((line) => line.op === 'removed').length,
  };
}

/** The diff as unified-style text (`-`/`+`/` ` prefixes), for copying. */
export function diffText(diff: BodyDiff): string {
  return diff.lines
    .map((line) => (line.op === 'fold' ? `@@ ${line.count} unchanged line${line.count === 1 ? '' : 's'} @@` : `${line.op === 'added' ? '+' : line.op === 'removed' ? '-' : ' '} ${line.text}`))
    .join('\n');
}
