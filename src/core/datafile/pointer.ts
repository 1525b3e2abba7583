/**
 * JSON pointer (RFC 6901) helpers and plain-English names for datafile locations.
 */

/** Escapes one pointer segment ("~" → "~0", "/" → "~1"). */
export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins segments into a JSON pointer; no segments gives "" (the whole document). */
export function toPointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + escapePointerSegment(s)).join('');
}

/** Appends segments to an existing pointer. */
export function appendPointer(pointer: string, ...segments: Array<string | number>): string {
  return pointer + toPointer(...segments);
}

/** Splits a JSON pointer into unescaped segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A readable name for the value at `pointer` inside `root`, e.g.
 * `experiments[3] ("paused_experiment").trafficAllocation[0].entityId`.
 * Array elements that are objects with a string `key` (else `name`, else `id`) are labelled with it.
 * `rootName` names the document itself ("the datafile" when the pointer is empty).
 */
export function describeLocation(pointer: string, root: unknown, rootName = ''): string {
  const segments = parsePointer(pointer);
  if (segments.length === 0) return rootName === '' ? 'the datafile' : rootName;
  let text = rootName;
  let current: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      text += `[${segment}]`;
      current = current[Number(segment)];
      if (isRecord(current)) {
        if (typeof current.key === 'string' && current.key !== '') text += ` (${JSON.stringify(current.key)})`;
        else if (typeof current.name === 'string' && current.name !== '') text += ` (${JSON.stringify(current.name)})`;
        else if (typeof current.id === 'string' && current.id !== '') text += ` (id ${JSON.stringify(current.id)})`;
      }
    } else {
      text += IDENTIFIER.test(segment) ? (text === '' ? segment : `.${segment}`) : `[${JSON.stringify(segment)}]`;
      current = isRecord(current) ? current[segment] : undefined;
    }
  }
  return text;
}

/** Describes a JSON value for a message: `the number 5`, `the string "abc"`, `an array`, … */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (isRecord(value)) return 'an object';
  return typeof value;
}
