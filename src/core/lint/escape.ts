// Writing an event key back into source: the text to put between a literal's delimiters so that the literal's value is
// exactly the key, in the literal's own style (quote character, raw / f-string / template prefix, Swift `#`s, Ruby `%q`).
// Used by quick fixes and completion (replace the key range only) and by the CLI's SARIF fixes.
import { dialectOf, DIALECT_GO, DIALECT_JAVA, DIALECT_JS, DIALECT_KOTLIN, DIALECT_PYTHON, DIALECT_RUBY, DIALECT_SWIFT } from './languages';
import type { EventKeyReference, LanguageId } from './types';

/** The opening delimiter of `ref`'s literal as written (prefixes and `#`s included): `'`, `f"`, `"""`, `#"`, `%q(`. */
export function literalOpener(text: string, ref: Pick<EventKeyReference, 'offset' | 'keyOffset'>): string {
  return text.slice(ref.offset, ref.keyOffset);
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/** True for characters written as escapes rather than verbatim: C0 controls and DEL. */
function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

/** JavaScript also escapes U+2028 / U+2029 (line terminators in string literals before ES2019). */
function isJsControl(code: number): boolean {
  return isControl(code) || code === 0x2028 || code === 0x2029;
}

/** `\n`, `\r`, `\t`, or undefined. */
function shortEscape(code: number): string | undefined {
  return code === 10 ? '\\n' : code === 13 ? '\\r' : code === 9 ? '\\t' : undefined;
}

interface EscapeStyle {
  /** Characters (single code units) that get a backslash in front. */
  backslashed: string;
  /** Which characters are written as escapes (default: C0 controls and DEL). */
  isControl?: (code: number) => boolean;
  /** How a control character is written. */
  control: (code: number) => string;
  /** Extra rewriting of one character at `i` (return undefined for the default handling). */
  special?: (value: string, i: number) => string | undefined;
}

function escapeWith(value: string, style: EscapeStyle): string {
  const control = style.isControl ?? isControl;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    const special = style.special?.(value, i);
    if (special !== undefined) out += special;
    else if (ch === '\\' || style.backslashed.includes(ch)) out += '\\' + ch;
    else if (control(code)) out += shortEscape(code) ?? style.control(code);
    else out += ch;
  }
  return out;
}

const unicode4 = (code: number) => `\\u${hex(code, 4)}`;

/** True when `value` contains a character no raw literal can hold on one line (or at all). */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (isControl(value.charCodeAt(i))) return true;
  return false;
}

/**
 * The literal contents that decode to `value` inside a literal opened by `opener` (see `literalOpener`), or undefined
 * when that literal cannot hold `value` (a raw string containing its own delimiter, an unknown opener). Only the
 * characters that need it are escaped, so a plain key comes back unchanged.
 */
export function escapeForLiteral(value: string, opener: string, language: LanguageId): string | undefined {
  switch (dialectOf(language)) {
    case DIALECT_JS:
      if (opener === "'" || opener === '"') return escapeWith(value, { backslashed: opener, control: unicode4, isControl: isJsControl });
      if (opener === '`') {
        return escapeWith(value, {
          backslashed: '`',
          control: unicode4,
          isControl: isJsControl,
          special: (v, i) => (v[i] === '$' && v[i + 1] === '{' ? '\\$' : undefined),
        });
      }
      return undefined;
    case DIALECT_JAVA:
      // Octal, not \uXXXX: Java translates unicode escapes before lexing (a \u000A would end the line). Not text
      // blocks (`"""` + a line break): their content starts on the next line.
      if (opener === '"') {
        return escapeWith(value, { backslashed: '"', control: (c) => `\\${c.toString(8).padStart(3, '0')}` });
      }
      return undefined;
    case DIALECT_KOTLIN:
      if (opener === '"') return escapeWith(value, { backslashed: '"$', control: unicode4 });
      if (opener === '"""') {
        // Raw: no escapes at all; `$` would interpolate and `"""` would end the string.
        if (value.includes('$') || value.includes('"""') || value.endsWith('"') || hasControl(value)) return undefined;
        return value;
      }
      return undefined;
    case DIALECT_SWIFT: {
      const m = /^(#*)("|""")$/.exec(opener);
      if (m === null) return undefined;
      const hashes = m[1];
      if (hashes.length === 0) return escapeWith(value, { backslashed: '"', control: (c) => `\\u{${hex(c, 1)}}` });
      // Raw: only `\#…` escapes; `"#…` ends the string.
      if (value.includes('"' + hashes) || value.includes('\\' + hashes) || hasControl(value)) return undefined;
      return value;
    }
    case DIALECT_GO:
      if (opener === '"') return escapeWith(value, { backslashed: '"', control: unicode4 });
      if (opener === '`') return value.includes('`') || hasControl(value) ? undefined : value;
      return undefined;
    case DIALECT_PYTHON:
      return escapePython(value, opener);
    case DIALECT_RUBY:
      return escapeRuby(value, opener);
    default:
      return undefined;
  }
}

function escapePython(value: string, opener: string): string | undefined {
  const m = /^([a-zA-Z]{0,2})('''|"""|'|")$/.exec(opener);
  if (m === null) return undefined;
  const prefix = m[1].toLowerCase();
  if (prefix.includes('b') || prefix.includes('t')) return undefined; // bytes, template strings: not event keys
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f');
  const quote = m[2][0];
  const braces = (s: string) => (fstring ? s.replace(/[{}]/g, (b) => b + b) : s);
  if (raw) {
    // A raw string cannot escape anything: the value must not contain its quote, a backslash or a control character
    // (nor, in a raw f-string, braces: the scanner reads those raw).
    if (value.includes(quote) || value.includes('\\') || hasControl(value) || (fstring && /[{}]/.test(value))) return undefined;
    return value;
  }
  const escaped = escapeWith(value, { backslashed: quote, control: (c) => `\\x${hex(c, 2)}` });
  return braces(escaped);
}

const RUBY_PAIRS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '<': '>' };

function escapeRuby(value: string, opener: string): string | undefined {
  const interpolation = (v: string, i: number) => (v[i] === '#' && '{@$'.includes(v[i + 1] ?? ' ') && i + 1 < v.length ? '\\#' : undefined);
  if (opener === "'") return value.replace(/[\\']/g, (c) => '\\' + c);
  if (opener === '"') return escapeWith(value, { backslashed: '"', control: unicode4, special: interpolation });
  const m = /^%([qQ]?)(.)$/s.exec(opener);
  if (m === null) return undefined;
  const open = m[2];
  const close = RUBY_PAIRS[open] ?? open;
  const delimiters = open === close ? open : open + close;
  if (m[1] === 'q') {
    // %q(…) is read raw here (see the lexer): the value must not contain a delimiter or a backslash.
    if ([...delimiters, '\\'].some((d) => value.includes(d))) return undefined;
    return value;
  }
  return escapeWith(value, { backslashed: delimiters, control: unicode4, special: interpolation });
}
