/**
 * Finds where a JSON pointer's value sits in JSON text (start/end offsets), to select a datafile entity in
 * an editor. A small scanner rather than a parser: it skips over values without building them, so a
 * multi-megabyte datafile costs one pass up to the target. Pure: no `vscode` import.
 */
import { parsePointer } from '../core/datafile/pointer';

export interface TextRange {
  /** Offset of the value's first character. */
  start: number;
  /** Offset just after the value's last character. */
  end: number;
  /** Offset of the member's key (its opening quote) when the value is an object member. */
  keyStart?: number;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\ufeff']);

class Scanner {
  constructor(readonly text: string) {}

  skipWhitespace(pos: number): number {
    const { text } = this;
    while (pos < text.length && WHITESPACE.has(text[pos])) pos++;
    return pos;
  }

  /** Offset just after the string starting at `pos` (which must be a quote). */
  skipString(pos: number): number {
    const { text } = this;
    for (let i = pos + 1; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\\') i++;
      else if (ch === '"') return i + 1;
    }
    return text.length;
  }

  /** Offset just after the value starting at `pos`. */
  skipValue(pos: number): number {
    const { text } = this;
    const first = text[pos];
    if (first === '"') return this.skipString(pos);
    if (first === '{' || first === '[') {
      let depth = 0;
      for (let i = pos; i < text.length; i++) {
        const ch = text[i];
        if (ch === '"') i = this.skipString(i) - 1;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          depth--;
          if (depth === 0) return i + 1;
        }
      }
      return text.length;
    }
    let i = pos;
    while (i < text.length && !WHITESPACE.has(text[i]) && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
    return i;
  }

  /** After a value inside a container: past the comma, or at the closing bracket. Undefined on bad text. */
  next(pos: number, close: string): number | undefined {
    pos = this.skipWhitespace(pos);
    if (this.text[pos] === ',') return this.skipWhitespace(pos + 1);
    if (this.text[pos] === close) return pos;
    return undefined;
  }
}

/**
 * The range of the value at `pointer` (RFC 6901) in `text`, or undefined when the pointer does not resolve
 * or the text is not JSON. With duplicate member names the first one is found.
 */
export function locatePointer(text: string, pointer: string): TextRange | undefined {
  const scanner = new Scanner(text);
  let pos = scanner.skipWhitespace(0);
  let keyStart: number | undefined;
  for (const segment of parsePointer(pointer)) {
    const open = text[pos];
    keyStart = undefined;
    if (open === '{') {
      pos = scanner.skipWhitespace(pos + 1);
      let found = false;
      while (pos < text.length && text[pos] !== '}') {
        if (text[pos] !== '"') return undefined;
        const keyEnd = scanner.skipString(pos);
        let key: string;
        try {
          key = JSON.parse(text.slice(pos, keyEnd)) as string;
        } catch {
          return undefined;
        }
        const memberKey = pos;
        pos = scanner.skipWhitespace(keyEnd);
        if (text[pos] !== ':') return undefined;
        pos = scanner.skipWhitespace(pos + 1);
        if (key === segment) {
          keyStart = memberKey;
          found = true;
          break;
        }
        const after = scanner.next(scanner.skipValue(pos), '}');
        if (after === undefined) return undefined;
        pos = after;
      }
      if (!found) return undefined;
    } else if (open === '[') {
      if (!/^(0|[1-9][0-9]*)$/.test(segment)) return undefined;
      const wanted = Number(segment);
      pos = scanner.skipWhitespace(pos + 1);
      for (let index = 0; index < wanted; index++) {
        if (pos >= text.length || text[pos] === ']') return undefined;
        const after = scanner.next(scanner.skipValue(pos), ']');
        if (after === undefined) return undefined;
        pos = after;
      }
      if (pos >= text.length || text[pos] === ']') return undefined;
    } else {
      return undefined;
    }
  }
  if (pos >= text.length) return undefined;
  return { start: pos, end: scanner.skipValue(pos), ...(keyStart !== undefined ? { keyStart } : {}) };
}
