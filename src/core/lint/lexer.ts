// A small, allocation-light lexer for the languages the scanner supports. It does not build a syntax tree: it only has
// to get string literals, comments and brackets right so that the call matcher can work on tokens. Three families:
// C-like (JavaScript/TypeScript, Java, Kotlin, Swift, Go), Python and Ruby, with per-dialect string rules.
//
// `next()` returns one token at a time; the scanner stores them in a struct-of-arrays `TokenBuffer`, so lexing a file
// allocates a handful of typed arrays rather than one object per token. Interpolated code inside strings (`${…}`,
// f-string fields, `#{…}`, `\(…)`) is lexed recursively to find where the string ends, and is not emitted. JSX
// (JavaScript, JSX, TSX) is followed with a mode stack: tag and text parts are skipped, `{…}` containers emit tokens.
// Every path is linear in the text (bracket and interpolation nesting is bounded), and nothing throws.
import * as decode from './decode';
import * as languages from './languages';
import type { Dialect } from './languages';

// Imported constants are bound to module locals once: with per-file transpilers (tsx/esbuild) an imported binding is a
// getter, far too slow for the per-character paths below.
const { DIALECT_GO, DIALECT_JAVA, DIALECT_JS, DIALECT_KOTLIN, DIALECT_PYTHON, DIALECT_RUBY, DIALECT_SWIFT } = languages;
const {
  ESC_FLAG_DOUBLED_BRACES, ESC_GO, ESC_GO_RAW, ESC_HASH_SHIFT, ESC_JAVA, ESC_JS, ESC_NONE, ESC_PYTHON, ESC_RUBY_DOUBLE,
  ESC_RUBY_SINGLE, ESC_SWIFT,
} = decode;

// ---- token kinds ----
export const TK_EOF = 0;
export const TK_IDENT = 1;
/** A string literal whose contents can be an event key (content range in `a`/`b`). */
export const TK_STRING = 2;
export const TK_NUMBER = 3;
/** Punctuation / operator; the code is in `a` (a char code, or one of the P_* codes). */
export const TK_PUNCT = 4;
/** Something opaque that is a value: regex literal, char/rune literal, heredoc, `%w[]`, command string. */
export const TK_OPAQUE = 5;
/** Ruby symbol `:name` / `:"name"` (name range in `a`/`b`). */
export const TK_SYMBOL = 6;

// ---- token flags ----
export const F_DYNAMIC = 1;
export const F_UNTERMINATED = 2;
/** A line break separates this token from the previous one. */
export const F_NEWLINE_BEFORE = 4;

// ---- multi-character punctuation codes (single characters use their char code) ----
export const P_EQ_EQ = 256; // == === =~ (anything starting with = that is not = or =>)
export const P_ARROW = 257; // =>
export const P_OPT_DOT = 258; // ?.
export const P_SAFE_NAV = 259; // &. (Ruby)
export const P_SCOPE = 260; // ::
export const P_WALRUS = 261; // :=

// ---- interpolation styles for the string scanner ----
const I_NONE = 0;
const I_JS = 1; // ${…}
const I_KOTLIN = 2; // ${…} and $name
const I_SWIFT = 3; // \(…) (raw: \#(…))
const I_RUBY = 4; // #{…}, #@x, #$x
const I_PYF = 5; // {…} with {{ }} escapes

/** Deepest interpolation nesting followed (`${`${`${…}`}`}`); deeper text is treated as inside the literal. */
const MAX_NESTING = 256;

// ---- JSX modes ----
const M_CODE = 0; // code (also a barrier pushed by skipCode)
const M_JSX_TAG = 1; // inside `<Name …>`
const M_JSX_CHILDREN = 2; // between `>` and `</Name>`
const M_JSX_EXPR = 3; // inside a `{…}` container

// ---- character classes ----
const C_IDENT_START = 1;
const C_IDENT_PART = 2;
const C_DIGIT = 4;
const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    if (/[A-Za-z_$]/.test(ch)) t[c] = C_IDENT_START | C_IDENT_PART;
    else if (/[0-9]/.test(ch)) t[c] = C_IDENT_PART | C_DIGIT;
  }
  return t;
})();

function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export function isIdentStart(c: number): boolean {
  return c < 128 ? (CHAR_CLASS[c] & C_IDENT_START) !== 0 : !isUnicodeSpace(c);
}

export function isIdentPart(c: number): boolean {
  return c < 128 ? (CHAR_CLASS[c] & C_IDENT_PART) !== 0 : !isUnicodeSpace(c);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHorizontalSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12;
}

/** Keywords after which a `/` starts a regular expression (JavaScript). */
const JS_REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw',
  'case', 'do', 'else', 'yield', 'await', 'extends']);
/** Keywords after which an operand (regex, `%` literal, heredoc, `?c`) is expected (Ruby). */
const RUBY_OPERAND_KEYWORDS = new Set(['if', 'unless', 'while', 'until', 'and', 'or', 'not', 'return', 'when', 'in',
  'case', 'then', 'elsif', 'else', 'do', 'puts', 'print', 'p', 'yield', 'break', 'next']);

/** Growable struct-of-arrays token storage. */
export class TokenBuffer {
  count = 0;
  kind: Uint8Array;
  flags: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  /** TK_STRING/TK_SYMBOL: content start. TK_PUNCT: code. */
  a: Int32Array;
  /** TK_STRING/TK_SYMBOL: content end. */
  b: Int32Array;
  /** TK_STRING: decode mode (see decode.ts). */
  mode: Uint16Array;

  constructor(capacity: number) {
    const n = Math.max(64, capacity | 0);
    this.kind = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.a = new Int32Array(n);
    this.b = new Int32Array(n);
    this.mode = new Uint16Array(n);
  }

  push(lx: Lexer): number {
    const i = this.count;
    if (i === this.kind.length) this.grow();
    this.kind[i] = lx.kind;
    this.flags[i] = lx.flags;
    this.start[i] = lx.start;
    this.end[i] = lx.end;
    this.a[i] = lx.a;
    this.b[i] = lx.b;
    this.mode[i] = lx.mode;
    this.count = i + 1;
    return i;
  }

  private grow(): void {
    const n = this.kind.length * 2;
    const k = new Uint8Array(n); k.set(this.kind); this.kind = k;
    const f = new Uint8Array(n); f.set(this.flags); this.flags = f;
    const s = new Int32Array(n); s.set(this.start); this.start = s;
    const e = new Int32Array(n); e.set(this.end); this.end = e;
    const a = new Int32Array(n); a.set(this.a); this.a = a;
    const b = new Int32Array(n); b.set(this.b); this.b = b;
    const m = new Uint16Array(n); m.set(this.mode); this.mode = m;
  }

  isPunct(i: number, code: number): boolean {
    return i >= 0 && i < this.count && this.kind[i] === TK_PUNCT && this.a[i] === code;
  }
}

interface PendingHeredoc {
  id: string;
  indented: boolean;
}

/**
 * Pull lexer: `next()` reads one token into the public fields (`kind`, `start`, `end`, `a`, `b`, `flags`, `mode`).
 * Comments and whitespace are skipped. Never throws; unterminated constructs end at the end of the line (single-line
 * strings, regexes) or of the text.
 */
export class Lexer {
  kind = TK_EOF;
  start = 0;
  end = 0;
  a = 0;
  b = 0;
  flags = 0;
  mode = 0;
  /** Offset where the next token search starts. */
  pos = 0;

  private readonly len: number;
  private newline = false;
  // The previous token (for the regex / operand heuristics).
  private prevKind = TK_EOF;
  private prevCode = 0;
  private prevStart = 0;
  private prevEnd = 0;
  private heredocs: PendingHeredoc[] | null = null;
  private atLineStart = true;
  /** JSX mode stack (empty: plain code) and, per entry, the brace depth of `M_JSX_EXPR` containers. */
  private readonly modes: number[] = [];
  private readonly depths: number[] = [];
  /** Depth of recursive interpolation scans (bounded so hostile input cannot overflow the stack). */
  private nesting = 0;

  /**
   * @param jsx Recognise JSX elements (JavaScript and TSX; not plain TypeScript, where `<T>x` is a type assertion).
   */
  constructor(private readonly text: string, private readonly dialect: Dialect, private readonly jsx = false) {
    this.len = text.length;
    if (dialect === DIALECT_JS && text.charCodeAt(0) === 35 && text.charCodeAt(1) === 33) {
      const nl = text.indexOf('\n');
      this.pos = nl < 0 ? this.len : nl; // hashbang
    }
  }

  next(): number {
    this.newline = false;
    for (;;) {
      if (this.modes.length > 0) {
        const mode = this.modes[this.modes.length - 1];
        if (mode === M_JSX_TAG || mode === M_JSX_CHILDREN) {
          if (this.pos >= this.len) return this.eof();
          if (mode === M_JSX_TAG) this.scanJsxTag();
          else this.scanJsxChildren();
          continue;
        }
      }
      const p = this.skipTrivia(this.pos);
      this.flags = 0;
      this.mode = 0;
      this.a = 0;
      this.b = 0;
      if (p >= this.len) return this.eof();
      this.start = p;
      this.kind = TK_EOF;
      this.scanToken(p);
      if (this.kind === TK_EOF) continue; // entered a JSX element: `pos` was moved past its `<`
      this.pos = this.end;
      if (this.kind === TK_PUNCT && this.modes.length > 0 && this.modes[this.modes.length - 1] === M_JSX_EXPR) {
        // Braces inside a JSX `{…}` container: the unmatched `}` ends it (and is not emitted).
        const top = this.depths.length - 1;
        if (this.a === 123) this.depths[top]++;
        else if (this.a === 125) {
          if (this.depths[top] === 0) {
            this.modes.pop();
            this.depths.pop();
            continue;
          }
          this.depths[top]--;
        }
      }
      if (this.newline) this.flags |= F_NEWLINE_BEFORE;
      this.prevKind = this.kind;
      this.prevCode = this.kind === TK_PUNCT ? this.a : 0;
      this.prevStart = this.start;
      this.prevEnd = this.end;
      return this.kind;
    }
  }

  private eof(): number {
    this.pos = this.len;
    this.kind = TK_EOF;
    this.flags = 0;
    this.start = this.end = this.len;
    return TK_EOF;
  }

  // ---------------------------------------------------------------- trivia

  private skipTrivia(p: number): number {
    const text = this.text;
    const len = this.len;
    const d = this.dialect;
    while (p < len) {
      if (this.atLineStart && d === DIALECT_RUBY) {
        const q = this.rubyLineStart(p);
        if (q !== p) {
          p = q;
          continue;
        }
        this.atLineStart = false;
      }
      const c = text.charCodeAt(p);
      if (c === 10 || c === 13) {
        this.newline = true;
        p++;
        if (c === 13 && p < len && text.charCodeAt(p) === 10) p++;
        if (d === DIALECT_RUBY) {
          this.atLineStart = true;
          if (this.heredocs !== null) p = this.skipHeredocBodies(p);
        }
        continue;
      }
      if (isHorizontalSpace(c)) {
        p++;
        continue;
      }
      if (c >= 128 && isUnicodeSpace(c)) {
        if (c === 0x2028 || c === 0x2029) this.newline = true;
        p++;
        continue;
      }
      if (c === 47 && d !== DIALECT_PYTHON && d !== DIALECT_RUBY) {
        const n = text.charCodeAt(p + 1);
        if (n === 47) {
          p = this.lineEnd(p + 2);
          continue;
        }
        if (n === 42) {
          p = this.skipBlockComment(p, d === DIALECT_KOTLIN || d === DIALECT_SWIFT);
          continue;
        }
        return p;
      }
      if (c === 35 && (d === DIALECT_PYTHON || d === DIALECT_RUBY)) {
        p = this.lineEnd(p + 1);
        continue;
      }
      if (c === 92 && (d === DIALECT_PYTHON || d === DIALECT_RUBY)) {
        // Explicit line continuation.
        const n = text.charCodeAt(p + 1);
        if (n === 10 || n === 13) {
          p += n === 13 && text.charCodeAt(p + 2) === 10 ? 3 : 2;
          continue;
        }
      }
      return p;
    }
    return p;
  }

  /** Offset of the line break ending the line that contains `p` (or the text length). */
  private lineEnd(p: number): number {
    const text = this.text;
    const nl = text.indexOf('\n', p);
    const end = nl < 0 ? this.len : nl;
    return end > p && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  }

  private skipBlockComment(p: number, nested: boolean): number {
    const text = this.text;
    const len = this.len;
    let end: number;
    if (!nested) {
      const close = text.indexOf('*/', p + 2);
      end = close < 0 ? len : close + 2;
    } else {
      let depth = 0;
      let q = p;
      end = len;
      while (q < len) {
        const c = text.charCodeAt(q);
        if (c === 47 && text.charCodeAt(q + 1) === 42) {
          depth++;
          q += 2;
        } else if (c === 42 && text.charCodeAt(q + 1) === 47) {
          q += 2;
          if (--depth === 0) {
            end = q;
            break;
          }
        } else {
          q++;
        }
      }
    }
    if (!this.newline) {
      const nl = text.indexOf('\n', p);
      if (nl >= 0 && nl < end) this.newline = true;
    }
    return end;
  }

  /** Ruby `=begin … =end` and `__END__` at the start of a line. Returns `p` when neither applies. */
  private rubyLineStart(p: number): number {
    const text = this.text;
    const c = text.charCodeAt(p);
    if (c === 61 && text.startsWith('=begin', p) && !isIdentPart(text.charCodeAt(p + 6))) {
      let q = p;
      for (;;) {
        const nl = text.indexOf('\n', q);
        if (nl < 0) return this.len;
        q = nl + 1;
        if (text.startsWith('=end', q) && !isIdentPart(text.charCodeAt(q + 4))) {
          this.newline = true;
          return this.lineEnd(q);
        }
      }
    }
    if (c === 95 && text.startsWith('__END__', p)) {
      const n = text.charCodeAt(p + 7);
      if (p + 7 >= this.len || n === 10 || n === 13) return this.len;
    }
    return p;
  }

  private skipHeredocBodies(p: number): number {
    const text = this.text;
    const len = this.len;
    const pending = this.heredocs ?? [];
    this.heredocs = null;
    for (const h of pending) {
      while (p < len) {
        const nl = text.indexOf('\n', p);
        const lineEnd = nl < 0 ? len : nl;
        let s = p;
        if (h.indented) while (s < lineEnd && isHorizontalSpace(text.charCodeAt(s))) s++;
        let e = lineEnd;
        if (e > s && text.charCodeAt(e - 1) === 13) e--;
        while (e > s && isHorizontalSpace(text.charCodeAt(e - 1))) e--;
        p = nl < 0 ? len : nl + 1;
        if (e - s === h.id.length && text.startsWith(h.id, s)) break;
      }
    }
    return p;
  }

  // ---------------------------------------------------------------- tokens

  private setPunct(p: number, length: number, code: number): void {
    this.kind = TK_PUNCT;
    this.end = p + length;
    this.a = code;
  }

  private scanToken(p: number): void {
    const text = this.text;
    const d = this.dialect;
    const c = text.charCodeAt(p);
    // Fast path for the most frequent token. Ruby goes through its special cases first (`$` starts globals).
    if (c < 128 && (CHAR_CLASS[c] & C_IDENT_START) !== 0 && d !== DIALECT_RUBY) return this.scanWord(p);

    // Dialect-specific starts (they include characters that are otherwise punctuation or identifiers).
    switch (d) {
      case DIALECT_JS:
        if (c === 39 || c === 34) return this.scanSimpleString(p, 1, c, ESC_JS, false, I_NONE, 0);
        if (c === 96) return this.scanSimpleString(p, 1, 96, ESC_JS, true, I_JS, 0);
        if (c === 47 && this.jsRegexAllowed(p) && this.scanRegex(p)) return;
        if (c === 35 && isIdentStart(text.charCodeAt(p + 1))) return this.scanIdent(p, p + 1);
        if (c === 60 && this.jsx && this.jsOperandExpected() && this.jsxOpeningTagAhead(p)) {
          this.modes.push(M_JSX_TAG);
          this.depths.push(0);
          this.pos = p + 1;
          return; // kind stays TK_EOF: next() goes on in JSX mode
        }
        break;
      case DIALECT_JAVA:
        if (c === 34) {
          if (this.isTripleQuote(p, 34)) return this.scanSimpleString(p, 3, 34, ESC_JAVA, true, I_NONE, 0);
          return this.scanSimpleString(p, 1, 34, ESC_JAVA, false, I_NONE, 0);
        }
        if (c === 39) return this.scanCharLiteral(p);
        break;
      case DIALECT_KOTLIN:
        if (c === 34) {
          if (this.isTripleQuote(p, 34)) return this.scanSimpleString(p, 3, 34, ESC_NONE, true, I_KOTLIN, 0);
          return this.scanSimpleString(p, 1, 34, ESC_JAVA, false, I_KOTLIN, 0);
        }
        if (c === 39) return this.scanCharLiteral(p);
        if (c === 96) return this.scanBacktickIdent(p);
        break;
      case DIALECT_SWIFT:
        if (c === 34) return this.scanSwiftString(p, 0);
        if (c === 35) {
          let q = p;
          while (text.charCodeAt(q) === 35) q++;
          if (text.charCodeAt(q) === 34) return this.scanSwiftString(q, q - p);
          if (q === p + 1 && isIdentStart(text.charCodeAt(q))) return this.scanIdent(p, q); // #if, #selector
        }
        if (c === 96) return this.scanBacktickIdent(p);
        break;
      case DIALECT_GO:
        if (c === 34) return this.scanSimpleString(p, 1, 34, ESC_GO, false, I_NONE, 0);
        if (c === 96) return this.scanRawBacktick(p);
        if (c === 39) return this.scanCharLiteral(p);
        break;
      case DIALECT_PYTHON:
        if (c === 39 || c === 34) return this.scanPythonString(p, p);
        break;
      case DIALECT_RUBY:
        if (this.scanRubySpecial(p, c)) return;
        break;
    }

    if (isIdentStart(c)) return this.scanWord(p);
    if (isDigit(c)) return this.scanNumber(p);
    return this.scanPunct(p, c);
  }

  /** An identifier or keyword at `p` (or a Python string with a prefix such as `rb'…'`). */
  private scanWord(p: number): void {
    const text = this.text;
    const d = this.dialect;
    const len = this.len;
    let q = p + 1;
    while (q < len) {
      const c = text.charCodeAt(q);
      if (c < 128 ? (CHAR_CLASS[c] & C_IDENT_PART) === 0 : isUnicodeSpace(c)) break;
      q++;
    }
    if (d === DIALECT_PYTHON && q - p <= 2) {
      const n = text.charCodeAt(q);
      if ((n === 39 || n === 34) && this.isPythonPrefix(p, q)) return this.scanPythonString(p, q);
    }
    if (d === DIALECT_RUBY) {
      const n = text.charCodeAt(q);
      if ((n === 63 || n === 33) && !isIdentPart(text.charCodeAt(q + 1)) && text.charCodeAt(q + 1) !== 61 &&
          text.charCodeAt(q + 1) !== 58) q++; // method? method!
    }
    this.kind = TK_IDENT;
    this.end = q;
  }

  private scanIdent(p: number, from: number): void {
    const text = this.text;
    let q = from;
    while (q < this.len && isIdentPart(text.charCodeAt(q))) q++;
    this.kind = TK_IDENT;
    this.start = p;
    this.end = q;
  }

  private scanNumber(p: number): void {
    const text = this.text;
    const len = this.len;
    let q = p + 1;
    while (q < len) {
      const c = text.charCodeAt(q);
      if (isIdentPart(c) && c !== 36) q++;
      else if (c === 46 && isDigit(text.charCodeAt(q + 1))) q += 2;
      else break;
    }
    this.kind = TK_NUMBER;
    this.end = q;
  }

  private scanPunct(p: number, c: number): void {
    const text = this.text;
    const n = text.charCodeAt(p + 1);
    switch (c) {
      case 61: // =
        if (n === 62) return this.setPunct(p, 2, P_ARROW);
        if (n === 61 || n === 126) return this.setPunct(p, text.charCodeAt(p + 2) === 61 ? 3 : 2, P_EQ_EQ);
        return this.setPunct(p, 1, 61);
      case 63: // ?
        if (n === 46 && !isDigit(text.charCodeAt(p + 2)) && this.dialect !== DIALECT_PYTHON && this.dialect !== DIALECT_RUBY) {
          return this.setPunct(p, 2, P_OPT_DOT);
        }
        return this.setPunct(p, 1, 63);
      case 38: // &
        if (n === 46 && this.dialect === DIALECT_RUBY) return this.setPunct(p, 2, P_SAFE_NAV);
        return this.setPunct(p, 1, 38);
      case 58: // :
        if (n === 58) return this.setPunct(p, 2, P_SCOPE);
        if (n === 61) return this.setPunct(p, 2, P_WALRUS);
        return this.setPunct(p, 1, 58);
      default:
        return this.setPunct(p, c >= 0xd800 && c <= 0xdbff ? 2 : 1, c);
    }
  }

  private isTripleQuote(p: number, q: number): boolean {
    return this.text.charCodeAt(p + 1) === q && this.text.charCodeAt(p + 2) === q;
  }

  /**
   * Scans a string whose opening delimiter (`delim` characters of `quote`, after any prefix) starts at `open`; the
   * token starts at `this.start`. Handles escapes (even in raw strings a backslash protects the next character from
   * ending the string, except Go/Kotlin raw strings which never get here), interpolation (`interp`), and optional
   * Swift raw-string `#`s (`hashes`).
   */
  private scanSimpleString(open: number, delim: number, quote: number, mode: number, multiline: boolean, interp: number,
    hashes: number): void {
    const text = this.text;
    const len = this.len;
    const contentStart = open + delim;
    const rawKotlin = this.dialect === DIALECT_KOTLIN && delim === 3;
    let dynamic = false;
    let unterminated = false;
    let contentEnd = len;
    let end = len;
    let p = contentStart;
    while (p < len) {
      const c = text.charCodeAt(p);
      if (c === quote) {
        if (delim === 3) {
          if (text.charCodeAt(p + 1) !== quote || text.charCodeAt(p + 2) !== quote) {
            p++;
            continue;
          }
          // Kotlin/Swift/Python/Java: extra quotes before the closing triple belong to the content (Kotlin """a"""").
          let q = p + 3;
          if (rawKotlin) while (text.charCodeAt(q) === quote) q++;
          if (!this.hashesAt(q, hashes)) {
            p++;
            continue;
          }
          contentEnd = q - 3;
          end = q + hashes;
          break;
        }
        if (!this.hashesAt(p + 1, hashes)) {
          p++;
          continue;
        }
        contentEnd = p;
        end = p + 1 + hashes;
        break;
      }
      if (c === 92 && !rawKotlin) {
        let e = p + 1;
        if (hashes > 0) {
          if (!this.hashesAt(e, hashes)) {
            p++;
            continue;
          }
          e += hashes;
        }
        if (interp === I_SWIFT && text.charCodeAt(e) === 40) {
          dynamic = true;
          p = this.skipCode(e + 1, 41);
          continue;
        }
        const n = text.charCodeAt(e);
        p = e + 1;
        if (n === 13 && text.charCodeAt(p) === 10) p++;
        continue;
      }
      if ((c === 10 || c === 13) && !multiline) {
        unterminated = true;
        contentEnd = end = p;
        break;
      }
      if (interp !== I_NONE) {
        if (interp === I_JS) {
          if (c === 36 && text.charCodeAt(p + 1) === 123) {
            dynamic = true;
            p = this.skipCode(p + 2, 125);
            continue;
          }
        } else if (interp === I_KOTLIN) {
          if (c === 36) {
            const n = text.charCodeAt(p + 1);
            if (n === 123) {
              dynamic = true;
              p = this.skipCode(p + 2, 125);
              continue;
            }
            if (isIdentStart(n) && n !== 36) dynamic = true;
          }
        } else if (interp === I_RUBY) {
          if (c === 35) {
            const n = text.charCodeAt(p + 1);
            if (n === 123) {
              dynamic = true;
              p = this.skipCode(p + 2, 125);
              continue;
            }
            if (n === 64 || n === 36) dynamic = true;
          }
        } else if (interp === I_PYF) {
          if (c === 123) {
            if (text.charCodeAt(p + 1) === 123) {
              p += 2;
              continue;
            }
            dynamic = true;
            p = this.skipPythonField(p + 1);
            continue;
          }
        }
      }
      p++;
    }
    if (p >= len) unterminated = true; // reached the end of the text without a closing delimiter
    this.kind = TK_STRING;
    this.end = end;
    this.a = contentStart;
    this.b = contentEnd;
    this.mode = mode;
    this.flags = (dynamic ? F_DYNAMIC : 0) | (unterminated ? F_UNTERMINATED : 0);
  }

  private hashesAt(p: number, hashes: number): boolean {
    for (let i = 0; i < hashes; i++) if (this.text.charCodeAt(p + i) !== 35) return false;
    return true;
  }

  /** Swift `"…"`, `"""…"""`, `#"…"#` (quote at `q`, `hashes` `#` before it). */
  private scanSwiftString(q: number, hashes: number): void {
    const triple = this.isTripleQuote(q, 34);
    this.scanSimpleString(q, triple ? 3 : 1, 34, ESC_SWIFT | (hashes << ESC_HASH_SHIFT), triple, I_SWIFT, hashes);
  }

  /** Go raw string: `…` (no escapes, multi-line). */
  private scanRawBacktick(p: number): void {
    const close = this.text.indexOf('`', p + 1);
    this.kind = TK_STRING;
    this.a = p + 1;
    this.b = close < 0 ? this.len : close;
    this.end = close < 0 ? this.len : close + 1;
    this.mode = ESC_GO_RAW;
    if (close < 0) this.flags = F_UNTERMINATED;
  }

  /** Kotlin/Swift `` `identifier with spaces` `` (same line only). */
  private scanBacktickIdent(p: number): void {
    const text = this.text;
    let q = p + 1;
    while (q < this.len) {
      const c = text.charCodeAt(q);
      if (c === 96) {
        this.kind = TK_IDENT;
        this.end = q + 1;
        return;
      }
      if (c === 10 || c === 13) break;
      q++;
    }
    this.setPunct(p, 1, 96);
  }

  /** Java/Kotlin char or Go rune literal: opaque (never an event key). */
  private scanCharLiteral(p: number): void {
    this.scanSimpleString(p, 1, 39, ESC_NONE, false, I_NONE, 0);
    this.kind = TK_OPAQUE;
  }

  // ---------------------------------------------------------------- interpolation

  /**
   * Skips code from `p` up to and including the unmatched `closer` (a char code). Used for `${…}`, `\(…)`, `#{…}`.
   * Lexes recursively (strings inside interpolations may contain the closer) without emitting tokens.
   */
  private skipCode(p: number, closer: number): number {
    if (this.nesting >= MAX_NESTING) return this.len;
    const saved = this.saveState();
    this.pos = p;
    this.prevKind = TK_EOF;
    this.prevCode = 0;
    let depth = 0;
    let result = this.len;
    for (;;) {
      const k = this.next();
      if (k === TK_EOF) break;
      if (k !== TK_PUNCT) continue;
      const code = this.a;
      if (code === 40 || code === 91 || code === 123) depth++;
      else if (code === 41 || code === 93 || code === 125) {
        if (depth === 0) {
          if (code === closer) {
            result = this.end;
            break;
          }
        } else {
          depth--;
        }
      }
    }
    this.restoreState(saved);
    return result;
  }

  /** Skips a Python f-string replacement field after its `{`: expression, `!conversion`, `:format spec`, `}`. */
  private skipPythonField(p: number): number {
    if (this.nesting >= MAX_NESTING) return this.len;
    const saved = this.saveState();
    this.pos = p;
    this.prevKind = TK_EOF;
    let depth = 0;
    let result = this.len;
    for (;;) {
      const k = this.next();
      if (k === TK_EOF) break;
      if (k !== TK_PUNCT) continue;
      const code = this.a;
      if (code === 40 || code === 91 || code === 123) depth++;
      else if (code === 41 || code === 93) {
        if (depth > 0) depth--;
      } else if (code === 125) {
        if (depth === 0) {
          result = this.end;
          break;
        }
        depth--;
      } else if (code === 58 && depth === 0) {
        result = this.skipPythonFormatSpec(this.end);
        break;
      }
    }
    this.restoreState(saved);
    return result;
  }

  private skipPythonFormatSpec(p: number): number {
    const text = this.text;
    while (p < this.len) {
      const c = text.charCodeAt(p);
      if (c === 125) return p + 1;
      if (c === 123) p = this.skipPythonField(p + 1);
      else p++;
    }
    return this.len;
  }

  /** Saves the scan state and pushes a code barrier on the JSX mode stack (braces inside are not JSX containers). */
  private saveState(): number[] {
    const saved = [this.pos, this.prevKind, this.prevCode, this.prevStart, this.prevEnd, this.newline ? 1 : 0, this.start,
      this.atLineStart ? 1 : 0, this.modes.length, this.kind, this.end, this.a, this.b, this.flags, this.mode];
    this.modes.push(M_CODE);
    this.depths.push(0);
    this.nesting++;
    return saved;
  }

  private restoreState(s: number[]): void {
    this.nesting--;
    this.modes.length = s[8];
    this.depths.length = s[8];
    this.pos = s[0];
    this.prevKind = s[1];
    this.prevCode = s[2];
    this.prevStart = s[3];
    this.prevEnd = s[4];
    this.newline = s[5] === 1;
    this.start = s[6];
    this.atLineStart = s[7] === 1;
    this.kind = s[9];
    this.end = s[10];
    this.a = s[11];
    this.b = s[12];
    this.flags = s[13];
    this.mode = s[14];
  }

  // ---------------------------------------------------------------- JavaScript regex

  /** Whether a `/` at `p` starts a regex, judged by the previous token. */
  private jsRegexAllowed(p: number): boolean {
    if (this.text.charCodeAt(p + 1) === 62) return false; // `/>` (JSX, when not lexed as JSX)
    if (this.prevKind === TK_PUNCT && this.prevCode === 60 && this.prevEnd === p) return false; // `</`
    return this.jsOperandExpected();
  }

  /** Whether the previous token leaves an operand expected (so `/` is a regex and `<` may open JSX). */
  private jsOperandExpected(): boolean {
    switch (this.prevKind) {
      case TK_EOF:
        return true;
      case TK_IDENT:
        return JS_REGEX_KEYWORDS.has(this.text.slice(this.prevStart, this.prevEnd));
      case TK_PUNCT:
        return this.prevCode !== 41 && this.prevCode !== 93; // not after ) ]
      default:
        return false; // number, string, regex, JSX element: an operator follows
    }
  }

  // ---------------------------------------------------------------- JSX

  /**
   * Whether `<` at `p` (where an operand is expected) opens a JSX element rather than a type-parameter list. Decided
   * from the next few characters, without scanning the tag: `<>`, `<Name>`, `<Name/>`, `<Name attr…`, `<Name {…spread}`
   * are JSX; `<T,>`, `<T extends U>`, `<T = U>` and `<T>(…) =>` / `<T>(…):` (generic arrow functions) are not.
   */
  private jsxOpeningTagAhead(p: number): boolean {
    const text = this.text;
    let q = p + 1;
    const first = text.charCodeAt(q);
    if (first === 62) return true; // fragment
    if (!isIdentStart(first)) return false;
    q = this.skipJsxSpace(this.skipJsxName(q));
    const c = text.charCodeAt(q);
    if (c === 47) return text.charCodeAt(q + 1) === 62;
    if (c === 123) return true;
    if (isIdentStart(c)) {
      const e = this.skipJsxName(q);
      return !(e - q === 7 && text.startsWith('extends', q));
    }
    if (c !== 62) return false; // `,`, `=`, … : type parameters
    // `<T>(x) => …`: a generic arrow function (Flow, or TS written without the TSX comma).
    const after = this.skipJsxSpace(q + 1);
    if (text.charCodeAt(after) !== 40) return true;
    let depth = 0;
    const limit = Math.min(this.len, after + 2000);
    for (let r = after; r < limit; r++) {
      const d = text.charCodeAt(r);
      if (d === 40) depth++;
      else if (d === 41 && --depth === 0) {
        const n = this.skipJsxSpace(r + 1);
        const x = text.charCodeAt(n);
        return !((x === 61 && text.charCodeAt(n + 1) === 62) || x === 58 || x === 123);
      } else if (d === 10 && depth === 0) break;
    }
    return true;
  }

  private skipJsxName(q: number): number {
    const text = this.text;
    while (q < this.len) {
      const c = text.charCodeAt(q);
      if (isIdentPart(c) || c === 45 || c === 46 || c === 58) q++;
      else break;
    }
    return q;
  }

  private skipJsxSpace(q: number): number {
    const text = this.text;
    while (q < this.len) {
      const c = text.charCodeAt(q);
      if (c === 32 || c === 9 || c === 10 || c === 13) q++;
      else if (c === 47 && text.charCodeAt(q + 1) === 47) q = this.lineEnd(q + 2);
      else if (c === 47 && text.charCodeAt(q + 1) === 42) q = this.skipBlockComment(q, false);
      else break;
    }
    return q;
  }

  /** One step inside `<Name …>`: an attribute part, a `{…}` container, or the end of the tag. */
  private scanJsxTag(): void {
    const text = this.text;
    const p = this.skipJsxSpace(this.pos);
    const c = text.charCodeAt(p);
    if (p >= this.len) {
      this.pos = this.len;
    } else if (c === 62) { // `>`: children follow
      this.modes[this.modes.length - 1] = M_JSX_CHILDREN;
      this.pos = p + 1;
    } else if (c === 47 && text.charCodeAt(p + 1) === 62) { // `/>`
      this.pos = p + 2;
      this.closeJsxElement();
    } else if (c === 123) {
      this.enterJsxExpression(p + 1);
    } else if (c === 34 || c === 39) { // attribute string: no escapes, may span lines
      const close = text.indexOf(c === 34 ? '"' : "'", p + 1);
      this.pos = close < 0 ? this.len : close + 1;
    } else if (c === 60 && p > 0 && isIdentPart(text.charCodeAt(p - 1))) {
      this.pos = this.skipJsxTypeArguments(p); // `<Select<Option> …>` (TSX generic component)
    } else if (c === 60) { // element as attribute value
      this.modes.push(M_JSX_TAG);
      this.depths.push(0);
      this.pos = p + 1;
    } else {
      let q = p + 1;
      while (q < this.len) {
        const d = text.charCodeAt(q);
        if (d === 62 || d === 47 || d === 123 || d === 34 || d === 39 || d === 60 || d === 32 || d === 10 || d === 13 ||
            d === 9) break;
        q++;
      }
      this.pos = q;
    }
  }

  /** Skips `<…>` type arguments at `p` (nested angles, same line budget); returns the offset after them. */
  private skipJsxTypeArguments(p: number): number {
    const text = this.text;
    const limit = Math.min(this.len, p + 500);
    let depth = 0;
    for (let q = p; q < limit; q++) {
      const c = text.charCodeAt(q);
      if (c === 60) depth++;
      else if (c === 62 && text.charCodeAt(q - 1) !== 61 && --depth === 0) return q + 1;
    }
    return p + 1;
  }

  /** Children text up to the next `{`, child element or closing tag. */
  private scanJsxChildren(): void {
    const text = this.text;
    let p = this.pos;
    while (p < this.len) {
      const c = text.charCodeAt(p);
      if (c === 123 || c === 60) break;
      p++;
    }
    if (p >= this.len) {
      this.pos = this.len;
    } else if (text.charCodeAt(p) === 123) {
      this.enterJsxExpression(p + 1);
    } else if (text.charCodeAt(p + 1) === 47) { // `</Name>`
      const close = text.indexOf('>', p + 2);
      this.pos = close < 0 ? this.len : close + 1;
      this.closeJsxElement();
    } else {
      this.modes.push(M_JSX_TAG);
      this.depths.push(0);
      this.pos = p + 1;
    }
  }

  private enterJsxExpression(p: number): void {
    this.modes.push(M_JSX_EXPR);
    this.depths.push(0);
    this.pos = p;
    this.prevKind = TK_EOF; // an operand is expected after `{`
    this.prevCode = 0;
  }

  private closeJsxElement(): void {
    this.modes.pop();
    this.depths.pop();
    // Back in code, the element is an operand: a following `/` divides and `<` compares.
    this.prevKind = TK_OPAQUE;
    this.prevCode = 0;
  }

  /** Scans `/…/flags` from `p`; returns false (nothing consumed) when the line ends first. */
  private scanRegex(p: number): boolean {
    const text = this.text;
    const len = this.len;
    let q = p + 1;
    let inClass = false;
    while (q < len) {
      const c = text.charCodeAt(q);
      if (c === 10 || c === 13) return false;
      if (c === 92) {
        q += 2;
        continue;
      }
      if (c === 91) inClass = true;
      else if (c === 93) inClass = false;
      else if (c === 47 && !inClass) {
        q++;
        while (q < len && isIdentPart(text.charCodeAt(q))) q++;
        this.kind = TK_OPAQUE;
        this.end = q;
        return true;
      } else if (c === 35 && this.dialect === DIALECT_RUBY && text.charCodeAt(q + 1) === 123) {
        q = this.skipCode(q + 2, 125);
        continue;
      }
      q++;
    }
    return false;
  }

  // ---------------------------------------------------------------- Python

  private isPythonPrefix(p: number, q: number): boolean {
    const text = this.text;
    let r = 0;
    let other = 0;
    for (let i = p; i < q; i++) {
      const c = text.charCodeAt(i) | 32; // lower case
      if (c === 114) r++;
      else if (c === 117 || c === 98 || c === 102 || c === 116) other++;
      else return false;
    }
    if (r > 1 || other > 1) return false;
    if (q - p === 2 && r === 0) return false;
    if (q - p === 2 && (text.charCodeAt(p) | 32) === 117) return false; // no `ur`
    if (q - p === 2 && (text.charCodeAt(p + 1) | 32) === 117) return false;
    return true;
  }

  /** Python string with prefix `text[p, q)` and quote at `q`. */
  private scanPythonString(p: number, q: number): void {
    const text = this.text;
    let raw = false;
    let fstring = false;
    for (let i = p; i < q; i++) {
      const c = text.charCodeAt(i) | 32;
      if (c === 114) raw = true;
      else if (c === 102 || c === 116) fstring = true;
    }
    const quote = text.charCodeAt(q);
    const triple = this.isTripleQuote(q, quote);
    const mode = (raw ? ESC_NONE : ESC_PYTHON) | (fstring ? ESC_FLAG_DOUBLED_BRACES : 0);
    this.scanSimpleString(q, triple ? 3 : 1, quote, mode, triple, fstring ? I_PYF : I_NONE, 0);
  }

  // ---------------------------------------------------------------- Ruby

  /** True when the previous token ends an operand (so `/`, `%`, `<<`, `?` are operators). */
  private rubyPrevIsValue(): boolean {
    switch (this.prevKind) {
      case TK_EOF:
        return false;
      case TK_IDENT:
        return !RUBY_OPERAND_KEYWORDS.has(this.text.slice(this.prevStart, this.prevEnd));
      case TK_PUNCT:
        return this.prevCode === 41 || this.prevCode === 93 || this.prevCode === 125;
      default:
        return true;
    }
  }

  /** `foo /re/`, `puts %w[a]`: an identifier, a space, and no space after the operator → an argument. */
  private rubyCommandArgument(p: number): boolean {
    return this.prevKind === TK_IDENT && this.prevEnd < p && !isHorizontalSpace(this.text.charCodeAt(p + 1)) &&
      this.text.charCodeAt(p + 1) !== 61 && this.text.charCodeAt(p + 1) !== 10;
  }

  private scanRubySpecial(p: number, c: number): boolean {
    const text = this.text;
    const n = text.charCodeAt(p + 1);
    switch (c) {
      case 39: // '…'
        this.scanSimpleString(p, 1, 39, ESC_RUBY_SINGLE, true, I_NONE, 0);
        return true;
      case 34: // "…"
        this.scanSimpleString(p, 1, 34, ESC_RUBY_DOUBLE, true, I_RUBY, 0);
        return true;
      case 96: // `command`
        this.scanSimpleString(p, 1, 96, ESC_RUBY_DOUBLE, true, I_RUBY, 0);
        this.kind = TK_OPAQUE;
        return true;
      case 64: // @ivar, @@cvar
        if (isIdentStart(n) || (n === 64 && isIdentStart(text.charCodeAt(p + 2)))) {
          this.scanIdent(p, n === 64 ? p + 2 : p + 1);
          return true;
        }
        return false;
      case 36: // $global, $', $", $1 …
        if (isIdentStart(n) && n !== 36) {
          this.scanIdent(p, p + 1);
          return true;
        }
        if (p + 1 < this.len && '!@&`\'+~=/\\,;.<>_*$?:"0123456789'.includes(text[p + 1])) {
          this.kind = TK_IDENT;
          this.end = p + 2;
          return true;
        }
        return false;
      case 58: { // : symbol, label colon, ::
        if (n === 58) return false;
        // `event:` / `"event":` label: the colon touches the previous identifier or string.
        if (this.prevEnd === p && (this.prevKind === TK_IDENT || this.prevKind === TK_STRING)) return false;
        if (n === 34 || n === 39) {
          this.scanSimpleString(p + 1, 1, n, n === 34 ? ESC_RUBY_DOUBLE : ESC_RUBY_SINGLE, true,
            n === 34 ? I_RUBY : I_NONE, 0);
          this.kind = TK_SYMBOL;
          return true;
        }
        if (isIdentStart(n) || n === 64 || n === 36) {
          let q = p + 2;
          while (q < this.len && isIdentPart(text.charCodeAt(q))) q++;
          const t = text.charCodeAt(q);
          if ((t === 63 || t === 33 || t === 61) && text.charCodeAt(q + 1) !== 61 && text.charCodeAt(q + 1) !== 62) q++;
          this.kind = TK_SYMBOL;
          this.end = q;
          this.a = p + 1;
          this.b = q;
          return true;
        }
        return false;
      }
      case 47: // /regex/
        if ((!this.rubyPrevIsValue() || this.rubyCommandArgument(p)) && this.scanRegex(p)) return true;
        return false;
      case 37: // %w[…] %q(…) %(…)
        if (this.rubyPrevIsValue() && !this.rubyCommandArgument(p)) return false;
        return this.scanRubyPercent(p);
      case 60: // <<~HEREDOC
        if (n === 60) return this.scanRubyHeredocStart(p);
        return false;
      case 63: { // ?c character literal (only the troublesome quote/backslash/hash characters)
        if (this.rubyPrevIsValue()) return false;
        if (n === 39 || n === 34 || n === 96 || n === 35) {
          if (isIdentPart(text.charCodeAt(p + 2))) return false;
          this.kind = TK_OPAQUE;
          this.end = p + 2;
          return true;
        }
        if (n === 92 && p + 2 < this.len) {
          this.kind = TK_OPAQUE;
          this.end = p + 3;
          return true;
        }
        return false;
      }
      default:
        return false;
    }
  }

  private scanRubyPercent(p: number): boolean {
    const text = this.text;
    let type = text.charCodeAt(p + 1);
    let d = p + 2;
    if (type === 113 || type === 81 || type === 119 || type === 87 || type === 105 || type === 73 || type === 114 ||
        type === 115 || type === 120) {
      // %q %Q %w %W %i %I %r %s %x: delimiter follows
    } else {
      type = 0;
      d = p + 1;
    }
    const open = text.charCodeAt(d);
    if (d >= this.len || isIdentPart(open) || isHorizontalSpace(open) || open === 10 || open === 13 ||
        (type === 0 && open === 61)) return false;
    const close = open === 40 ? 41 : open === 91 ? 93 : open === 123 ? 125 : open === 60 ? 62 : open;
    const interpolates = type === 0 || type === 81 || type === 87 || type === 73 || type === 114 || type === 120;
    let depth = 0;
    let q = d + 1;
    let dynamic = false;
    let contentEnd = this.len;
    let end = this.len;
    while (q < this.len) {
      const c = text.charCodeAt(q);
      if (c === 92) {
        q += 2;
        continue;
      }
      if (c === close && depth === 0) {
        contentEnd = q;
        end = q + 1;
        break;
      }
      if (close !== open) {
        if (c === open) depth++;
        else if (c === close) depth--;
      }
      if (interpolates && c === 35 && text.charCodeAt(q + 1) === 123) {
        dynamic = true;
        q = this.skipCode(q + 2, 125);
        continue;
      }
      q++;
    }
    if (type === 0 || type === 113 || type === 81) {
      this.kind = TK_STRING;
      this.a = d + 1;
      this.b = contentEnd;
      this.mode = type === 113 ? ESC_RUBY_SINGLE : ESC_RUBY_DOUBLE;
      if (close !== 39 && type === 113) this.mode = ESC_NONE; // `\)` in %q() would otherwise decode oddly
      this.flags = (dynamic ? F_DYNAMIC : 0) | (end === this.len && contentEnd === this.len ? F_UNTERMINATED : 0);
    } else {
      this.kind = TK_OPAQUE;
    }
    this.end = end;
    return true;
  }

  private scanRubyHeredocStart(p: number): boolean {
    const text = this.text;
    let q = p + 2;
    let indented = false;
    const t = text.charCodeAt(q);
    if (t === 126 || t === 45) {
      indented = true;
      q++;
    }
    const c = text.charCodeAt(q);
    let id: string;
    let end: number;
    if (c === 39 || c === 34 || c === 96) {
      const close = text.indexOf(String.fromCharCode(c), q + 1);
      const nl = text.indexOf('\n', q + 1);
      if (close < 0 || (nl >= 0 && nl < close)) return false;
      id = text.slice(q + 1, close);
      end = close + 1;
    } else if (isIdentStart(c) && c !== 36) {
      // A bare `<<ID` is a heredoc only where an operand is expected (`x <<FOO` shifts) and, without `~`/`-`,
      // the id is upper case (the usual style) — `a << b` has a space and never gets here.
      if (!indented && !(c >= 65 && c <= 90) && c !== 95) return false;
      if (this.rubyPrevIsValue() && !this.rubyCommandArgument(p)) return false;
      let e = q + 1;
      while (e < this.len && isIdentPart(text.charCodeAt(e))) e++;
      id = text.slice(q, e);
      end = e;
    } else {
      return false;
    }
    (this.heredocs ??= []).push({ id, indented });
    this.kind = TK_OPAQUE;
    this.end = end;
    return true;
  }
}

