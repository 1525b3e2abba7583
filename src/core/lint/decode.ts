// Decoding of string-literal contents (escape sequences) per language. Called only for literals that are event keys.

/** Escape styles (low 4 bits of a literal's decode mode). */
export const ESC_NONE = 0; // raw: Python r'', Kotlin """, Go `…` (carriage returns dropped), heredoc-like
export const ESC_JS = 1;
export const ESC_PYTHON = 2;
export const ESC_RUBY_SINGLE = 3;
export const ESC_RUBY_DOUBLE = 4;
export const ESC_JAVA = 5; // Java and Kotlin
export const ESC_SWIFT = 6;
export const ESC_GO = 7;
export const ESC_GO_RAW = 8;
export const ESC_STYLE_MASK = 15;
/** Python f-string: `{{` and `}}` stand for single braces. */
export const ESC_FLAG_DOUBLED_BRACES = 16;
/** Swift raw strings: the number of `#` is stored from this bit on (escapes are `\#…`). */
export const ESC_HASH_SHIFT = 8;

const BACKSLASH = 92;

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isOctal(c: number): boolean {
  return c >= 48 && c <= 55;
}

/** Reads up to `max` (at least `min`) hex digits at `i`; returns the end index, or -1 when fewer than `min`. */
function hexEnd(text: string, i: number, end: number, min: number, max: number): number {
  let j = i;
  while (j < end && j - i < max && isHex(text.charCodeAt(j))) j++;
  return j - i >= min ? j : -1;
}

function codePoint(text: string, from: number, to: number, base: number): string {
  const n = parseInt(text.slice(from, to), base);
  return n <= 0x10ffff ? String.fromCodePoint(n) : text.slice(from, to);
}

/** True when a backslash may have an effect (or doubled braces, or a Go raw CR). */
function needsDecoding(text: string, start: number, end: number, mode: number): boolean {
  const style = mode & ESC_STYLE_MASK;
  if (style === ESC_NONE) return false;
  if (style === ESC_GO_RAW) {
    const cr = text.indexOf('\r', start);
    return cr >= 0 && cr < end;
  }
  const bs = text.indexOf('\\', start);
  if (bs >= 0 && bs < end) return true;
  if ((mode & ESC_FLAG_DOUBLED_BRACES) !== 0) {
    const o = text.indexOf('{', start);
    if (o >= 0 && o < end) return true;
    const c = text.indexOf('}', start);
    if (c >= 0 && c < end) return true;
  }
  return false;
}

/** Length of a line break starting at `i` (1 or 2), or 0. */
function lineBreakLength(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c === 10) return 1;
  if (c === 13) return i + 1 < end && text.charCodeAt(i + 1) === 10 ? 2 : 1;
  return 0;
}

/**
 * The value of the literal contents `text[start, end)` under `mode` (see the ESC_* constants).
 * Unknown escapes follow each language's rule (kept verbatim in Python and Ruby single quotes; otherwise the
 * escaped character).
 */
export function decodeLiteral(text: string, start: number, end: number, mode: number): string {
  if (!needsDecoding(text, start, end, mode)) return text.slice(start, end);
  const style = mode & ESC_STYLE_MASK;
  if (style === ESC_GO_RAW) return text.slice(start, end).replace(/\r/g, '');
  const doubledBraces = (mode & ESC_FLAG_DOUBLED_BRACES) !== 0;
  const hashes = mode >>> ESC_HASH_SHIFT;
  let out = '';
  let chunk = start; // start of the pending verbatim run
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (doubledBraces && (c === 123 || c === 125) && i + 1 < end && text.charCodeAt(i + 1) === c) {
      out += text.slice(chunk, i + 1);
      i += 2;
      chunk = i;
      continue;
    }
    if (c !== BACKSLASH) {
      i++;
      continue;
    }
    // Swift raw strings: only `\` followed by the same number of `#` escapes.
    let e = i + 1;
    if (style === ESC_SWIFT && hashes > 0) {
      let h = 0;
      while (h < hashes && e < end && text.charCodeAt(e) === 35) {
        h++;
        e++;
      }
      if (h < hashes) {
        i++;
        continue;
      }
    }
    if (e >= end) break;
    out += text.slice(chunk, i);
    const r = decodeEscape(text, e, end, style);
    out += r.value;
    i = r.next;
    chunk = i;
  }
  return out + text.slice(chunk, end);
}

interface Escape {
  value: string;
  next: number;
}

/** Decodes the escape whose character after the backslash (and Swift `#`s) is at `e`. */
function decodeEscape(text: string, e: number, end: number, style: number): Escape {
  const c = text.charCodeAt(e);
  const lb = lineBreakLength(text, e, end);
  if (lb > 0) {
    // Line continuation everywhere except Ruby single quotes (where `\` + newline is literal).
    if (style === ESC_RUBY_SINGLE) return { value: '\\', next: e };
    return { value: '', next: e + lb };
  }
  const ch = String.fromCharCode(c);
  if (style === ESC_RUBY_SINGLE) {
    return c === BACKSLASH || c === 39 ? { value: ch, next: e + 1 } : { value: '\\' + ch, next: e + 1 };
  }
  switch (c) {
    case 110: return { value: '\n', next: e + 1 }; // n
    case 116: return { value: '\t', next: e + 1 }; // t
    case 114: return { value: '\r', next: e + 1 }; // r
    case 48: // 0
      if (style === ESC_SWIFT) return { value: '\0', next: e + 1 };
      break;
    case 98: // b
      if (style !== ESC_SWIFT) return { value: '\b', next: e + 1 };
      break;
    case 102: // f
      if (style !== ESC_SWIFT) return { value: '\f', next: e + 1 };
      break;
    case 118: // v
      if (style === ESC_JS || style === ESC_PYTHON || style === ESC_RUBY_DOUBLE || style === ESC_GO) return { value: '\v', next: e + 1 };
      break;
    case 97: // a
      if (style === ESC_PYTHON || style === ESC_RUBY_DOUBLE || style === ESC_GO) return { value: '\x07', next: e + 1 };
      break;
    case 101: // e
      if (style === ESC_RUBY_DOUBLE) return { value: '\x1b', next: e + 1 };
      break;
    case 115: // s
      if (style === ESC_RUBY_DOUBLE || style === ESC_JAVA) return { value: ' ', next: e + 1 };
      break;
    case 120: { // x
      if (style === ESC_JAVA || style === ESC_SWIFT) break;
      const min = style === ESC_RUBY_DOUBLE ? 1 : 2;
      const h = hexEnd(text, e + 1, end, min, 2);
      if (h > 0) return { value: codePoint(text, e + 1, h, 16), next: h };
      break;
    }
    case 117: { // u
      if (style === ESC_JAVA) {
        let u = e + 1;
        while (u < end && text.charCodeAt(u) === 117) u++; // Java allows \uuuu0041
        const h = hexEnd(text, u, end, 4, 4);
        if (h > 0) return { value: codePoint(text, u, h, 16), next: h };
        break;
      }
      if (text.charCodeAt(e + 1) === 123 && (style === ESC_JS || style === ESC_SWIFT || style === ESC_RUBY_DOUBLE)) {
        // \u{…}; Ruby allows several space-separated code points.
        const close = text.indexOf('}', e + 2);
        if (close > 0 && close < end) {
          const parts = text.slice(e + 2, close).trim().split(/\s+/);
          if (parts.every((p) => /^[0-9a-fA-F]{1,8}$/.test(p))) {
            const cps = parts.map((p) => parseInt(p, 16));
            if (cps.every((n) => n <= 0x10ffff)) return { value: String.fromCodePoint(...cps), next: close + 1 };
          }
        }
        break;
      }
      if (style === ESC_SWIFT) break;
      const h = hexEnd(text, e + 1, end, 4, 4);
      if (h > 0) return { value: codePoint(text, e + 1, h, 16), next: h };
      break;
    }
    case 85: { // U
      if (style !== ESC_PYTHON && style !== ESC_GO) break;
      const h = hexEnd(text, e + 1, end, 8, 8);
      if (h > 0) return { value: codePoint(text, e + 1, h, 16), next: h };
      break;
    }
    default:
      break;
  }
  // Octal escapes: JS (legacy), Python, Ruby, Java (1–3 digits); Go (exactly 3).
  if (isOctal(c) && style !== ESC_SWIFT) {
    let j = e;
    while (j < end && j - e < 3 && isOctal(text.charCodeAt(j))) j++;
    if (style !== ESC_GO || j - e === 3) {
      if (style === ESC_JS && c === 48 && j === e + 1) return { value: '\0', next: e + 1 };
      return { value: codePoint(text, e, j, 8), next: j };
    }
  }
  if (style === ESC_PYTHON) {
    // Python keeps unknown escapes (and \N{…}, which needs the Unicode name table) verbatim.
    if (c === BACKSLASH || c === 39 || c === 34) return { value: ch, next: e + 1 };
    return { value: '\\' + ch, next: e + 1 };
  }
  // Everything else: the escaped character itself (`\'`, `\"`, `\\`, `` \` ``, `\$`, `\#`, …).
  const cp = text.codePointAt(e) ?? c;
  return { value: String.fromCodePoint(cp), next: e + (cp > 0xffff ? 2 : 1) };
}
