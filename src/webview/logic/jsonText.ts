/**
 * Strict JSON checking for the payload editor: the first syntax error with its line and column and a
 * message that says what to change, or the value plus where every value sits in the text (JSON pointer →
 * span), so fields can be highlighted and single values replaced without reformatting the user's text.
 */

export interface JsonSpan {
  /** Offset of the value's first character. */
  start: number;
  /** Offset just past the value. */
  end: number;
  /** Offset of the property name's opening quote, for object members. */
  keyStart?: number;
}

export interface JsonSyntaxError {
  message: string;
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

export type JsonCheck = { ok: true; value: unknown; spans: Map<string, JsonSpan> } | { ok: false; error: JsonSyntaxError };

const MAX_DEPTH = 256;

class Failure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = 0; index < end; index++) {
    if (text.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function describeChar(char: string | undefined): string {
  if (char === undefined) return 'the end of the text';
  if (char === '\n') return 'a line break';
  if (char === '\t') return 'a tab';
  return `'${char}'`;
}

/** Parses `text` as strict JSON (RFC 8259). Never throws. */
export function checkJson(text: string): JsonCheck {
  const spans = new Map<string, JsonSpan>();
  let pos = 0;

  const skipSpace = () => {
    while (pos < text.length) {
      const code = text.charCodeAt(pos);
      if (code === 32 || code === 9 || code === 10 || code === 13) pos++;
      else if (code === 47 && (text[pos + 1] === '/' || text[pos + 1] === '*')) throw new Failure('Comments are not allowed in JSON: remove them.', pos);
      else break;
    }
  };

  const fail = (expected: string): never => {
    const char = text[pos];
    if (char === "'") throw new Failure(`${expected}, found a single quote: JSON strings and names use double quotes (").`, pos);
    throw new Failure(`${expected}, found ${describeChar(char)}.`, pos);
  };

  const parseString = (): void => {
    const start = pos;
    pos++; // opening quote
    while (pos < text.length) {
      const char = text[pos];
      if (char === '"') {
        pos++;
        return;
      }
      if (char === '\\') {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) throw new Failure('A \\u escape needs exactly four hex digits (e.g. \\u00e9).', pos);
          pos += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) {
          throw new Failure(`Invalid escape \\${next ?? ''} in a string: use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX.`, pos);
        }
        pos += 2;
        continue;
      }
      if (char.charCodeAt(0) < 0x20) {
        if (char === '\n') throw new Failure('This string is not closed before the end of the line: add the closing " (or write \\n for a line break).', pos);
        throw new Failure(`A control character is not allowed inside a string: escape it (e.g. \\t).`, pos);
      }
      pos++;
    }
    throw new Failure('This string is never closed: add the closing ".', start);
  };

  const parseNumber = (): void => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (!match) throw new Failure(`Invalid number: JSON numbers look like 42, -1.5 or 1e3.`, pos);
    const after = text[pos + match[0].length];
    if (after !== undefined && /[0-9.eE]/.test(after)) {
      throw new Failure(`Invalid number ${text.slice(pos, pos + match[0].length + 1)}: no leading zeros, and a "." needs digits after it.`, pos);
    }
    pos += match[0].length;
  };

  const parseValue = (pointer: string, depth: number, keyStart?: number): void => {
    if (depth > MAX_DEPTH) throw new Failure(`The JSON is nested more than ${MAX_DEPTH} levels deep.`, pos);
    skipSpace();
    const start = pos;
    const char = text[pos];
    if (char === '{') parseObject(pointer, depth);
    else if (char === '[') parseArray(pointer, depth);
    else if (char === '"') parseString();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) parseNumber();
    else if (text.startsWith('true', pos)) pos += 4;
    else if (text.startsWith('false', pos)) pos += 5;
    else if (text.startsWith('null', pos)) pos += 4;
    else if (char === undefined) throw new Failure('The JSON ends where a value was expected: finish it (a closing bracket may be missing).', pos);
    else if (/[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(pos))?.[0] ?? char;
      throw new Failure(`${word} is not a JSON value: strings need double quotes ("${word}"); the literals are true, false and null.`, pos);
    } else fail('Expected a value');
    spans.set(pointer, keyStart === undefined ? { start, end: pos } : { start, end: pos, keyStart });
  };

  const parseObject = (pointer: string, depth: number): void => {
    pos++; // {
    skipSpace();
    if (text[pos] === '}') {
      pos++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') {
        if (text[pos] === '}') throw new Failure('A trailing comma is not allowed in JSON: remove the comma before }.', pos);
        fail('Expected a property name in double quotes');
      }
      const keyStart = pos;
      parseString();
      const key = JSON.parse(text.slice(keyStart, pos)) as string;
      skipSpace();
      if (text[pos] !== ':') fail(`Expected ':' after the property name "${key}"`);
      pos++;
      parseValue(`${pointer}/${escapePointer(key)}`, depth + 1, keyStart);
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return;
      }
      if (text[pos] === '"') throw new Failure(`Expected ',' or '}' after the value of "${key}": a comma is missing.`, pos);
      fail(`Expected ',' or '}' after the value of "${key}"`);
    }
  };

  const parseArray = (pointer: string, depth: number): void => {
    pos++; // [
    skipSpace();
    if (text[pos] === ']') {
      pos++;
      return;
    }
    for (let index = 0; ; index++) {
      skipSpace();
      if (text[pos] === ']') throw new Failure('A trailing comma is not allowed in JSON: remove the comma before ].', pos);
      parseValue(`${pointer}/${index}`, depth + 1);
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return;
      }
      fail("Expected ',' or ']' after an array item");
    }
  };

  try {
    skipSpace();
    if (pos >= text.length) throw new Failure('The editor is empty: write a JSON object such as {"type": "track", "event": "…"}.', pos);
    parseValue('', 0);
    skipSpace();
    if (pos < text.length) throw new Failure(`Unexpected ${describeChar(text[pos])} after the end of the JSON value: remove it (only one value is allowed).`, pos);
  } catch (error) {
    if (error instanceof Failure) {
      return { ok: false, error: { message: error.message, offset: error.offset, ...lineColumnOf(text, error.offset) } };
    }
    throw error;
  }
  // The checker agrees with JSON.parse; the value itself comes from it so that it is exactly what is sent.
  return { ok: true, value: JSON.parse(text), spans };
}

/** JSON pointer segments of a Segment path (`$.properties.revenue`, `context.traits['plan']`, `a[0]`). */
export function pointerOfPath(path: string): string | undefined {
  const stripped = path.replace(/^\$\.?/, '');
  if (stripped === '') return '';
  const segments: string[] = [];
  const re = /([^.[\]]+)|\[(?:'([^']*)'|"([^"]*)"|(\d+))\]/g;
  let consumed = 0;
  for (let match = re.exec(stripped); match; match = re.exec(stripped)) {
    const between = stripped.slice(consumed, match.index);
    if (between !== '' && between !== '.') return undefined;
    segments.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
    consumed = re.lastIndex;
  }
  if (consumed !== stripped.length) return undefined;
  return segments.map((segment) => `/${escapePointer(segment)}`).join('');
}

/**
 * Sets the value at a JSON pointer in JSON text. An existing value is replaced in place (the rest of the
 * text keeps its formatting); otherwise the value is parsed, changed and written back with 2-space indent.
 * Returns undefined when the text is not a JSON object or a parent on the way is not an object.
 */
export function setJsonValue(text: string, pointer: string, value: unknown): string | undefined {
  const checked = checkJson(text);
  if (!checked.ok) return undefined;
  const span = checked.spans.get(pointer);
  const replacement = JSON.stringify(value);
  if (span && replacement !== undefined) return text.slice(0, span.start) + replacement + text.slice(span.end);
  const segments = pointer.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (segments.length === 0) return JSON.stringify(value, null, 2);
  const root = checked.value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return undefined;
  let current = root as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (next === undefined) current[segment] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) return undefined;
    current = current[segment] as Record<string, unknown>;
  }
  current[segments[segments.length - 1]] = value;
  return JSON.stringify(root, null, 2);
}

/** Line numbers (1-based) of the value at each pointer that exists in the text. */
export function linesOfPointers(text: string, spans: Map<string, JsonSpan>, pointers: Iterable<string>): number[] {
  const lines = new Set<number>();
  for (const pointer of pointers) {
    const span = spans.get(pointer);
    if (span) lines.add(lineColumnOf(text, span.keyStart ?? span.start).line);
  }
  return [...lines].sort((a, b) => a - b);
}
