// Finds event keys at Segment / Optimizely track calls. Works on the lexer's tokens: a candidate identifier (`track`,
// `trackEvent`, Go `Track`, …) is checked for a matching receiver chain before it (`analytics.`, `Analytics.with(ctx).`,
// `this.analytics?.`) and for an argument list after it; the key is the one argument (positional, named, or an
// `event` property of a first-argument object / hash / Go composite literal) that is a single string literal.
import { decodeLiteral } from './decode';
import * as languages from './languages';
import { dialectOf, jsxEnabled, type Dialect } from './languages';
import * as lexer from './lexer';
import { Lexer, TokenBuffer } from './lexer';
import type { EventKeyKind, EventKeyReference, LanguageId, ScanOptions, SourcePosition } from './types';

// Imported constants bound to module locals once (imported bindings are getters under per-file transpilers).
const { DIALECT_GO, DIALECT_JAVA, DIALECT_JS, DIALECT_KOTLIN, DIALECT_PYTHON, DIALECT_RUBY, DIALECT_SWIFT } = languages;
const {
  F_DYNAMIC, F_NEWLINE_BEFORE, F_UNTERMINATED, P_ARROW, P_OPT_DOT, P_SAFE_NAV, P_SCOPE, TK_EOF, TK_IDENT, TK_PUNCT,
  TK_STRING, TK_SYMBOL,
} = lexer;

export const DEFAULT_SEGMENT_RECEIVERS: readonly string[] = Object.freeze([
  'analytics', 'window.analytics', 'Analytics', 'Analytics.with()', 'Analytics.shared()',
]);
export const DEFAULT_SEGMENT_METHODS: readonly string[] = Object.freeze(['track']);
export const DEFAULT_GO_TRACK_TYPES: readonly string[] = Object.freeze(['Track']);
export const DEFAULT_OPTIMIZELY_RECEIVERS: readonly string[] = Object.freeze([
  'optimizely', 'optimizelyClient', 'optimizely_client',
]);
export const DEFAULT_OPTIMIZELY_METHODS: readonly string[] = Object.freeze(['track']);
export const DEFAULT_OPTIMIZELY_ANY_RECEIVER_METHODS: readonly string[] = Object.freeze(['trackEvent', 'track_event']);

// Roles a candidate identifier can have (bit set).
const R_SEGMENT_METHOD = 1;
const R_OPTIMIZELY_METHOD = 2;
const R_ANY_RECEIVER_METHOD = 4;
const R_SEGMENT_FUNCTION = 8;
const R_OPTIMIZELY_FUNCTION = 16;
const R_GO_TYPE = 32;

interface NameEntry {
  name: string;
  roles: number;
}

/** Candidate names indexed by length, for a cheap allocation-free identifier check. */
type NameTable = (NameEntry[] | undefined)[];

/** Where the key is in a call's arguments. */
interface ArgSpec {
  /** Index among unlabelled arguments, or -1. */
  positional: number;
  /** Named-argument / property names (`event`, `event_key`, `name`, `eventKey`). */
  labels: readonly string[];
  /** The first positional argument may be an object / hash literal holding a `labels` property. */
  objectForm: boolean;
}

const SPEC_POSITIONAL_0: ArgSpec = { positional: 0, labels: [], objectForm: false };
const ARG_SPECS: Readonly<Record<Dialect, { segment: ArgSpec; optimizely: ArgSpec }>> = {
  [DIALECT_JS]: { segment: { positional: 0, labels: ['event'], objectForm: true }, optimizely: SPEC_POSITIONAL_0 },
  [DIALECT_JAVA]: { segment: SPEC_POSITIONAL_0, optimizely: SPEC_POSITIONAL_0 },
  [DIALECT_KOTLIN]: {
    segment: { positional: 0, labels: ['name'], objectForm: false },
    optimizely: { positional: 0, labels: ['eventKey'], objectForm: false },
  },
  [DIALECT_SWIFT]: {
    segment: { positional: 0, labels: ['name'], objectForm: false },
    optimizely: { positional: 0, labels: ['eventKey'], objectForm: false },
  },
  [DIALECT_GO]: { segment: { positional: -1, labels: ['Event'], objectForm: false }, optimizely: SPEC_POSITIONAL_0 },
  [DIALECT_PYTHON]: {
    segment: { positional: 1, labels: ['event'], objectForm: false },
    optimizely: { positional: 0, labels: ['event_key'], objectForm: false },
  },
  [DIALECT_RUBY]: {
    segment: { positional: -1, labels: ['event'], objectForm: true },
    optimizely: { positional: 0, labels: ['event_key'], objectForm: false },
  },
};

/** Keywords that end a paren-less Ruby argument list (or show there is none). */
const RUBY_ARG_STOP = new Set(['do', 'if', 'unless', 'while', 'until', 'and', 'or', 'then', 'end', 'rescue']);
/** Keywords before a name that make it a definition, not a call. */
const DEFINITION_KEYWORDS = new Set(['function', 'def', 'fun', 'func', 'void', 'async', 'get', 'set']);

/** A configured scanner; reuse one for many files (the CLI) instead of `scanSource`, which resolves options each call. */
export interface EventKeyScanner {
  /** All event-key references in `text`, in source order. */
  scan(text: string, language: LanguageId): EventKeyReference[];
  /**
   * Cheap pre-filter: false when the content cannot contain a track call (no candidate name occurs). Accepts raw
   * bytes so a CLI can skip files before decoding them.
   */
  mightContainEventKeys(content: string | Uint8Array): boolean;
  /** The reference whose key (between the quotes, ends inclusive) contains `offset`; includes incomplete literals. */
  referenceAt(text: string, language: LanguageId, offset: number): EventKeyReference | undefined;
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

function buildNameTable(entries: Map<string, number>): NameTable {
  const table: NameTable = [];
  for (const [name, roles] of entries) {
    if (name.length === 0) continue;
    (table[name.length] ??= []).push({ name, roles });
  }
  return table;
}

function addRole(map: Map<string, number>, names: readonly string[], role: number): void {
  for (const n of names) map.set(n, (map.get(n) ?? 0) | role);
}

/** Needles for the pre-filter: the candidate names, dropping any that contains a shorter one. */
function prefilterNeedles(names: Iterable<string>): string[] {
  const sorted = [...new Set(names)].filter((n) => n.length > 0).sort((x, y) => x.length - y.length);
  const out: string[] = [];
  for (const n of sorted) if (!out.some((o) => n.includes(o))) out.push(n);
  return out;
}

export function createEventKeyScanner(options: ScanOptions = {}): EventKeyScanner {
  const segmentReceivers = options.segmentReceivers ?? DEFAULT_SEGMENT_RECEIVERS;
  const optimizelyReceivers = options.optimizelyReceivers ?? DEFAULT_OPTIMIZELY_RECEIVERS;
  const segmentMethods = options.segmentMethods ?? DEFAULT_SEGMENT_METHODS;
  const optimizelyMethods = options.optimizelyMethods ?? DEFAULT_OPTIMIZELY_METHODS;
  const anyReceiverMethods = options.optimizelyAnyReceiverMethods ?? DEFAULT_OPTIMIZELY_ANY_RECEIVER_METHODS;
  const segmentFunctions = options.segmentFunctions ?? [];
  const optimizelyFunctions = options.optimizelyFunctions ?? [];
  const goTypes = options.goTrackTypes ?? DEFAULT_GO_TRACK_TYPES;

  const common = new Map<string, number>();
  addRole(common, segmentMethods, R_SEGMENT_METHOD);
  addRole(common, optimizelyMethods, R_OPTIMIZELY_METHOD);
  addRole(common, anyReceiverMethods, R_ANY_RECEIVER_METHOD);
  addRole(common, segmentFunctions, R_SEGMENT_FUNCTION);
  addRole(common, optimizelyFunctions, R_OPTIMIZELY_FUNCTION);
  // Go exports are capitalised: `optimizelyClient.Track(…)`, `user.TrackEvent(…)`, `analytics.Track{…}`.
  const go = new Map(common);
  addRole(go, optimizelyMethods.map(capitalize), R_OPTIMIZELY_METHOD);
  addRole(go, anyReceiverMethods.map(capitalize), R_ANY_RECEIVER_METHOD);
  addRole(go, goTypes, R_GO_TYPE);
  const commonTable = buildNameTable(common);
  const goTable = buildNameTable(go);
  const needles = prefilterNeedles([...common.keys(), ...go.keys()]);

  const config: ScanConfig = {
    segmentReceivers,
    optimizelyReceivers,
    includeIncomplete: options.includeIncomplete === true,
    commonTable,
    goTable,
    needles,
  };
  // Token storage reused across the scans of this scanner (a CLI scans thousands of files with one scanner).
  let spare: TokenBuffer | undefined;
  const run = (text: string, language: LanguageId, cfg: ScanConfig): EventKeyReference[] => {
    const tokens = spare ?? new TokenBuffer((text.length >> 2) + 64);
    spare = undefined;
    try {
      return scanTokens(text, language, cfg, tokens);
    } finally {
      tokens.count = 0;
      if (tokens.kind.length <= MAX_RETAINED_TOKENS) spare = tokens;
    }
  };

  const prefilter = new Prefilter(go, needles);
  function mightContainEventKeys(content: string | Uint8Array): boolean {
    if (typeof content === 'string') return prefilter.string(content);
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    return prefilter.bytes(buf);
  }

  return {
    scan(text, language) {
      if (!mightContainEventKeys(text)) return [];
      return run(text, language, config);
    },
    mightContainEventKeys,
    referenceAt(text, language, offset) {
      if (!mightContainEventKeys(text)) return undefined;
      const refs = run(text, language, { ...config, includeIncomplete: true });
      return refs.find((r) => r.keyOffset <= offset && offset <= r.keyEndOffset);
    },
  };
}

const FUNCTION_ROLES = R_SEGMENT_FUNCTION | R_OPTIMIZELY_FUNCTION;

/** `[A-Za-z0-9_$]`: bytes that continue an identifier in every supported language. */
function isIdentByte(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** Bytes from the rarest to the most common in source code (roughly); others rank in the middle. */
const RARITY = 'QJZXqjzKVxYUkWvBGFHPOMNLIDRECAwTbSyfg_hmpudclrsnioate';

function byteRarity(b: number): number {
  const r = b < 128 ? RARITY.indexOf(String.fromCharCode(b)) : -1;
  return r < 0 ? 24 : r;
}

/**
 * The pre-filter: is there an occurrence of a candidate name that the scanner could take for a call? Exact in what it
 * rejects, conservative otherwise. An occurrence counts when it is a whole identifier that is a candidate name and,
 * unless that name is a bare function, something other than an identifier precedes it on its line (a method or Go type
 * needs an accessor: `.`, `?.`, `&.`, `::`; a block comment between them ends with a slash; a line break may hide a comment).
 * So `trackingId`, `onTrack`, `function track(`, `// track orders` and "we track orders" do not make a file worth lexing.
 * Non-ASCII bytes next to a name count as "maybe" (identifiers and spaces beyond ASCII differ per language).
 */
class Prefilter {
  /** Needles grouped by their anchor: the rarest byte in them, found with `memchr` before the needle is compared. */
  private readonly groups: { anchor: number; needles: { bytes: Buffer; offset: number; ascii: boolean }[] }[] = [];

  constructor(private readonly roles: ReadonlyMap<string, number>, private readonly needles: readonly string[]) {
    for (const needle of needles) {
      const bytes = Buffer.from(needle, 'utf8');
      let offset = 0;
      for (let k = 1; k < bytes.length; k++) if (byteRarity(bytes[k]) < byteRarity(bytes[offset])) offset = k;
      const anchor = bytes[offset];
      const entry = { bytes, offset, ascii: bytes.every((b) => b < 128) };
      const group = this.groups.find((g) => g.anchor === anchor);
      if (group) group.needles.push(entry);
      else this.groups.push({ anchor, needles: [entry] });
    }
  }

  bytes(buf: Buffer): boolean {
    const size = buf.length;
    const at = (k: number) => buf[k];
    const slice = (s: number, e: number) => buf.toString('latin1', s, e);
    for (const { anchor, needles } of this.groups) {
      for (let i = buf.indexOf(anchor); i >= 0; i = buf.indexOf(anchor, i + 1)) {
        for (const { bytes, offset, ascii } of needles) {
          const start = i - offset;
          if (start < 0 || start + bytes.length > size) continue;
          let k = 0;
          while (k < bytes.length && buf[start + k] === bytes[k]) k++;
          if (k < bytes.length) continue;
          // A name with non-ASCII characters is compared as text by the scanner: do not second-guess it here.
          if (!ascii || this.plausible(at, size, start, bytes.length, slice)) return true;
        }
      }
    }
    return false;
  }

  string(text: string): boolean {
    for (const needle of this.needles) {
      for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
        if (this.plausible((k) => text.charCodeAt(k), text.length, i, needle.length, (s, e) => text.slice(s, e))) return true;
      }
    }
    return false;
  }

  /** Whether the occurrence of a needle at `[i, i + length)` may be a call's name (see the class comment). */
  private plausible(at: (k: number) => number, size: number, i: number, length: number, slice: (s: number, e: number) => string): boolean {
    const before = i > 0 ? at(i - 1) : 32;
    if (before >= 128) return true;
    if (isIdentByte(before)) return false;
    let end = i + length;
    while (end < size && isIdentByte(at(end))) end++;
    if (end < size && at(end) >= 128) return true;
    const roles = this.roles.get(slice(i, end));
    if (roles === undefined) return false;
    if ((roles & FUNCTION_ROLES) !== 0) return true;
    for (let k = i - 1; k >= 0; k--) {
      const c = at(k);
      if (c === 32 || c === 9 || c === 12 || c === 11) continue;
      // `.` `?.` `&.` `::` accessors, the end `*/` of a comment in between, a line break (a comment may end the
      // line above), Python / Ruby line continuations, and anything non-ASCII: maybe.
      if (c === 47) return k > 0 && at(k - 1) === 42;
      return c === 46 || c === 58 || c === 10 || c === 13 || c === 92 || c >= 128;
    }
    return false;
  }
}

/** All event-key references in `text` (see `EventKeyReference`), in source order. */
export function scanSource(text: string, language: LanguageId, options?: ScanOptions): EventKeyReference[] {
  return createEventKeyScanner(options).scan(text, language);
}

/**
 * For completion and hover: the reference whose key literal contains `offset` (between the quotes, both ends
 * inclusive, so a cursor right after the opening quote or right before the closing one counts). Literals still being
 * typed (unterminated, or the call not closed yet) are included and marked `incomplete`.
 */
export function isInsideTrackCallString(text: string, language: LanguageId, offset: number,
  options?: ScanOptions): EventKeyReference | undefined {
  return createEventKeyScanner(options).referenceAt(text, language, offset);
}

// ------------------------------------------------------------------------------------------------ implementation

interface ScanConfig {
  segmentReceivers: readonly string[];
  optimizelyReceivers: readonly string[];
  includeIncomplete: boolean;
  commonTable: NameTable;
  goTable: NameTable;
  /** Substrings every candidate name contains one of (see `prefilterNeedles`). */
  needles: readonly string[];
}

/** Lexing stops early once every call is complete (see `scanTokens`); tests turn it off to compare. */
let stopAfterLastCall = true;

/** For tests: scan whole texts (false) or stop after the last call (true, the default). */
export function setStopAfterLastCallForTesting(enabled: boolean): void {
  stopAfterLastCall = enabled;
}

/** A reference before its line/character positions are computed. */
type PendingReference = Omit<EventKeyReference, 'range' | 'keyRange'>;

/** Token buffers larger than this (in tokens) are not kept between scans. */
const MAX_RETAINED_TOKENS = 1 << 22;

function scanTokens(text: string, language: LanguageId, config: ScanConfig, tokens: TokenBuffer): EventKeyReference[] {
  const dialect = dialectOf(language);
  const table = dialect === DIALECT_GO ? config.goTable : config.commonTable;
  const lx = new Lexer(text, dialect, jsxEnabled(language));
  const candidates: number[] = [];
  const candidateRoles: number[] = [];
  const maxLength = table.length;
  // Stopping early: no candidate name can start after `lastNeedle` (each name contains a needle). Once past it, at a
  // line break where the bracket depth is back to (or below) the shallowest candidate's, every candidate's call has
  // closed (or can never close, as in the whole text: bracket pairing is decided left to right). In Ruby a line that
  // ends with an operator or comma continues a paren-less call, so there the line break must follow a value.
  // Completion and hover (`includeIncomplete`) want unclosed calls: they scan everything.
  const truncate = stopAfterLastCall && !config.includeIncomplete;
  let lastNeedle = -1;
  if (truncate) for (const n of config.needles) lastNeedle = Math.max(lastNeedle, text.lastIndexOf(n));
  const ruby = dialect === DIALECT_RUBY;
  let depth = 0;
  let minDepth = 0x7fffffff;
  for (;;) {
    const k = lx.next();
    if (k === TK_EOF) break;
    if (truncate && lx.start > lastNeedle && depth <= minDepth && (lx.flags & F_NEWLINE_BEFORE) !== 0 &&
        !(ruby && rubyLineContinues(tokens))) break;
    const i = tokens.push(lx);
    if (k === TK_PUNCT) {
      const code = lx.a;
      if (code === 40 || code === 91 || code === 123) depth++;
      else if ((code === 41 || code === 93 || code === 125) && depth > 0) depth--;
      continue;
    }
    if (k !== TK_IDENT) continue;
    const length = lx.end - lx.start;
    if (length >= maxLength) continue;
    const entries = table[length];
    if (entries === undefined) continue;
    for (const e of entries) {
      if (text.startsWith(e.name, lx.start)) {
        candidates.push(i);
        candidateRoles.push(e.roles);
        if (depth < minDepth) minDepth = depth;
        break;
      }
    }
  }
  if (candidates.length === 0) return [];

  const matcher = new CallMatcher(text, dialect, tokens, config);
  const pending: PendingReference[] = [];
  for (let c = 0; c < candidates.length; c++) {
    const ref = matcher.match(candidates[c], candidateRoles[c]);
    if (ref !== undefined) pending.push(ref);
  }
  if (pending.length === 0) return [];
  pending.sort((x, y) => x.offset - y.offset);
  return withPositions(text, pending);
}

/** Ruby: the last token (an operator, comma, label colon, …; not a closing bracket) carries the statement on. */
function rubyLineContinues(tokens: TokenBuffer): boolean {
  const last = tokens.count - 1;
  if (last < 0 || tokens.kind[last] !== TK_PUNCT) return false;
  const code = tokens.a[last];
  return code !== 41 && code !== 93 && code !== 125;
}

/** Adds line/character ranges, walking the text once (offsets are visited in increasing order). */
function withPositions(text: string, pending: PendingReference[]): EventKeyReference[] {
  let line = 0;
  let lineStart = 0;
  let cursor = 0;
  const at = (offset: number): SourcePosition => {
    if (offset < cursor) {
      line = 0;
      lineStart = 0;
      cursor = 0;
    }
    for (let i = cursor; i < offset; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        line++;
        lineStart = i + 1;
      }
    }
    cursor = offset;
    return { line, character: offset - lineStart };
  };
  const out: EventKeyReference[] = [];
  let lastOffset = -1;
  for (const p of pending) {
    if (p.offset === lastOffset) continue; // the same literal reached from two candidates
    lastOffset = p.offset;
    const start = at(p.offset);
    const keyStart = at(p.keyOffset);
    const keyEnd = at(p.keyEndOffset);
    const end = at(p.endOffset);
    const ref: EventKeyReference = {
      key: p.key,
      dynamic: p.dynamic,
      kind: p.kind,
      callee: p.callee,
      range: { start, end },
      keyRange: { start: keyStart, end: keyEnd },
      offset: p.offset,
      endOffset: p.endOffset,
      keyOffset: p.keyOffset,
      keyEndOffset: p.keyEndOffset,
    };
    if (p.incomplete === true) ref.incomplete = true;
    out.push(ref);
  }
  return out;
}

function isAccessor(code: number, dialect: Dialect): boolean {
  return code === 46 || code === P_OPT_DOT || code === P_SAFE_NAV || (code === P_SCOPE && dialect === DIALECT_RUBY);
}

/** Receiver `r` matches chain `c` when equal, or when `c` ends with `.` + `r`. */
function receiverMatches(chain: string, receivers: readonly string[]): boolean {
  for (const r of receivers) {
    if (chain === r) return true;
    if (chain.length > r.length && chain.endsWith(r) && chain.charCodeAt(chain.length - r.length - 1) === 46) return true;
  }
  return false;
}

/**
 * Pairs brackets in one pass: `match[i]` is the partner of the bracket token `i`, or -1. Any closer closes the innermost
 * open bracket (whatever its type), which is what depth counting would do; unmatched openers and stray closers get -1.
 */
function matchBrackets(tokens: TokenBuffer): Int32Array {
  const count = tokens.count;
  const kind = tokens.kind;
  const a = tokens.a;
  const match = new Int32Array(count).fill(-1);
  const stack: number[] = [];
  for (let t = 0; t < count; t++) {
    if (kind[t] !== TK_PUNCT) continue;
    const code = a[t];
    if (code === 40 || code === 91 || code === 123) {
      stack.push(t);
    } else if ((code === 41 || code === 93 || code === 125) && stack.length > 0) {
      const open = stack.pop() as number;
      match[open] = t;
      match[t] = open;
    }
  }
  return match;
}

class CallMatcher {
  private readonly kind: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly count: number;
  /** For each bracket token, the index of its partner (-1: unmatched); see `matchBrackets`. */
  private readonly partner: Int32Array;
  /** Whether the last `splitArguments` ended at its closer (false: end of text, `;`, or a stray closer). */
  private closed = true;

  constructor(private readonly text: string, private readonly dialect: Dialect, private readonly tokens: TokenBuffer,
    private readonly config: ScanConfig) {
    this.kind = tokens.kind;
    this.flags = tokens.flags;
    this.start = tokens.start;
    this.end = tokens.end;
    this.a = tokens.a;
    this.b = tokens.b;
    this.count = tokens.count;
    this.partner = matchBrackets(tokens);
  }

  private punct(i: number, code: number): boolean {
    return i >= 0 && i < this.count && this.kind[i] === TK_PUNCT && this.a[i] === code;
  }

  private identText(i: number): string {
    return this.text.slice(this.start[i], this.end[i]);
  }

  /** The event-key reference of the call whose name is token `i`, if any. */
  match(i: number, roles: number): PendingReference | undefined {
    const name = this.identText(i);
    const dialect = this.dialect;
    const prev = i - 1;
    const isMember = prev >= 0 && this.kind[prev] === TK_PUNCT && isAccessor(this.a[prev], dialect);
    let kind: EventKeyKind | undefined;
    let callee = name;
    if (isMember) {
      const chain = this.receiverChain(prev - 1);
      if (chain === undefined) {
        if ((roles & R_ANY_RECEIVER_METHOD) === 0) return undefined;
      } else {
        callee = chain + '.' + name;
      }
      if ((roles & R_GO_TYPE) !== 0 && chain !== undefined && this.punct(i + 1, 123) &&
          receiverMatches(chain, this.config.segmentReceivers)) {
        return this.fromBraces(i + 1, ARG_SPECS[dialect].segment, 'segment', callee);
      }
      if ((roles & R_SEGMENT_METHOD) !== 0 && chain !== undefined && receiverMatches(chain, this.config.segmentReceivers)) {
        kind = 'segment';
      } else if ((roles & R_OPTIMIZELY_METHOD) !== 0 && chain !== undefined &&
          receiverMatches(chain, this.config.optimizelyReceivers)) {
        kind = 'optimizely';
      } else if ((roles & R_ANY_RECEIVER_METHOD) !== 0) {
        kind = 'optimizely';
      }
    } else {
      if (prev >= 0 && this.kind[prev] === TK_IDENT && DEFINITION_KEYWORDS.has(this.identText(prev))) return undefined;
      if (prev >= 0 && this.kind[prev] === TK_PUNCT && (this.a[prev] === P_SCOPE || this.a[prev] === 46)) return undefined;
      if ((roles & R_SEGMENT_FUNCTION) !== 0) kind = 'segment';
      else if ((roles & R_OPTIMIZELY_FUNCTION) !== 0) kind = 'optimizely';
    }
    if (kind === undefined) return undefined;
    const spec = ARG_SPECS[dialect][kind];

    let j = i + 1;
    if (this.punct(j, 60) && (dialect === DIALECT_JS || dialect === DIALECT_KOTLIN || dialect === DIALECT_SWIFT ||
        dialect === DIALECT_JAVA)) {
      j = this.skipTypeArguments(j);
      if (j < 0) return undefined;
    }
    if (dialect === DIALECT_JS && this.punct(j, P_OPT_DOT)) j++;
    if (this.punct(j, 40)) return this.fromArguments(this.splitArguments(j, 41), spec, kind, callee);
    if (dialect === DIALECT_RUBY) {
      const args = this.splitRubyCommandArguments(j);
      if (args !== undefined) return this.fromArguments(args, spec, kind, callee);
    }
    return undefined;
  }

  /**
   * The receiver chain ending at token `k` (`analytics`, `window.analytics`, `Analytics.with()`), or undefined when
   * the receiver is not a plain chain (e.g. `(a || b).track`).
   */
  private receiverChain(k: number): string | undefined {
    const parts: string[] = [];
    for (let guard = 0; guard < 16 && k >= 0; guard++) {
      // Postfix `!!` / `?` / `!` (Kotlin, Swift) touching the operand.
      while (k >= 1 && this.kind[k] === TK_PUNCT && (this.a[k] === 33 || this.a[k] === 63) &&
          this.start[k] === this.end[k - 1]) k--;
      if (this.kind[k] === TK_IDENT) {
        parts.push(this.normalizeIdent(k));
        k--;
      } else if (this.punct(k, 41)) {
        const open = this.matchBackward(k);
        if (open < 1 || this.kind[open - 1] !== TK_IDENT) return undefined;
        parts.push(this.normalizeIdent(open - 1) + '()');
        k = open - 2;
      } else if (this.punct(k, 93)) {
        const open = this.matchBackward(k);
        if (open < 1) return undefined;
        parts.push('[]');
        k = open - 1;
        continue;
      } else {
        break;
      }
      if (k >= 0 && this.kind[k] === TK_PUNCT && (isAccessor(this.a[k], this.dialect) || this.a[k] === P_SCOPE)) {
        k--;
        continue;
      }
      break;
    }
    if (parts.length === 0 || parts[parts.length - 1] === '[]') return undefined;
    let chain = '';
    for (let p = parts.length - 1; p >= 0; p--) {
      const part = parts[p];
      chain = chain.length === 0 || part === '[]' ? chain + part : chain + '.' + part;
    }
    return chain;
  }

  /** Identifier text without sigils that do not matter for matching (`@analytics`, `#client`, `` `name` ``). */
  private normalizeIdent(i: number): string {
    let s = this.start[i];
    let e = this.end[i];
    const text = this.text;
    while (s < e && (text.charCodeAt(s) === 64 || text.charCodeAt(s) === 35)) s++;
    if (text.charCodeAt(s) === 96 && e - s >= 2) {
      s++;
      e--;
    }
    return text.slice(s, e);
  }

  /** The opener matching the closer at `k`, or -1. */
  private matchBackward(k: number): number {
    return this.partner[k];
  }

  /** Skips `<…>` type arguments at `j`; returns the index after the closing `>`, or -1 if it does not look like one. */
  private skipTypeArguments(j: number): number {
    let depth = 0;
    for (let t = j; t < this.count && t < j + 64; t++) {
      if (this.kind[t] !== TK_PUNCT) continue;
      const code = this.a[t];
      if (code === 60) depth++;
      else if (code === 62) {
        if (--depth === 0) return t + 1;
      } else if (code === 40 || code === 41 || code === 59 || code === 61) return -1;
    }
    return -1;
  }

  /**
   * Splits the bracketed list opened at token `open` into arguments: a flat array of [start, end) token index pairs.
   * Nested groups are jumped over with the bracket partner table, so this costs the number of top-level tokens. Stops at the
   * matching closer, a top-level `;` (outside braces), or the end of the text.
   */
  private splitArguments(open: number, closer: number): number[] {
    const out: number[] = [];
    const m = this.partner[open];
    const end = m < 0 ? this.count : m;
    let argStart = open + 1;
    let t = open + 1;
    while (t < end) {
      if (this.kind[t] === TK_PUNCT) {
        const code = this.a[t];
        if (code === 40 || code === 91 || code === 123) {
          const inner = this.partner[t];
          t = inner < 0 ? this.count : inner + 1;
          continue;
        }
        if (code === 44) {
          out.push(argStart, t);
          argStart = t + 1;
        } else if (code === 59 && closer !== 125) {
          break;
        }
      }
      t++;
    }
    if (t > this.count) t = this.count;
    if (t > argStart) out.push(argStart, t);
    this.closed = t === end && m >= 0 && this.a[m] === closer;
    return out;
  }

  /** Ruby `Analytics.track event: 'X', user_id: 1` (no parentheses): arguments up to the end of the statement. */
  private splitRubyCommandArguments(j: number): number[] | undefined {
    if (j >= this.count || (this.flags[j] & F_NEWLINE_BEFORE) !== 0) return undefined;
    const k = this.kind[j];
    if (k !== TK_IDENT && k !== TK_STRING && k !== TK_SYMBOL) return undefined;
    if (k === TK_IDENT && RUBY_ARG_STOP.has(this.identText(j))) return undefined;
    const out: number[] = [];
    let argStart = j;
    let t = j;
    while (t < this.count) {
      const kind = this.kind[t];
      if (t > j && (this.flags[t] & F_NEWLINE_BEFORE) !== 0 && !this.punct(t - 1, 44)) break;
      if (kind === TK_IDENT && RUBY_ARG_STOP.has(this.identText(t))) break;
      if (kind === TK_PUNCT) {
        const code = this.a[t];
        // A block, not a hash (a hash follows a comma, a label colon or `=>`).
        if (code === 123 && !this.punct(t - 1, 44) && !this.punct(t - 1, 58) && !this.punct(t - 1, P_ARROW)) break;
        if (code === 40 || code === 91 || code === 123) {
          const inner = this.partner[t];
          t = inner < 0 ? this.count : inner + 1;
          continue;
        }
        if (code === 41 || code === 93 || code === 125 || code === 59) break;
        if (code === 44) {
          out.push(argStart, t);
          argStart = t + 1;
        }
      }
      t++;
    }
    if (t > this.count) t = this.count;
    if (t > argStart) out.push(argStart, t);
    this.closed = true;
    return out;
  }

  /** Whether the argument / member `[s, e)` starts with a label (`name:`, `name =`, `:name =>`, …); the value is at `s + 2`. */
  private labelAt(s: number, e: number, inObject: boolean): boolean {
    if (s + 2 > e) return false;
    const k = this.kind[s];
    switch (this.dialect) {
      case DIALECT_JS:
        return inObject && (k === TK_IDENT || (k === TK_STRING && (this.flags[s] & F_DYNAMIC) === 0)) &&
          this.punct(s + 1, 58);
      case DIALECT_PYTHON:
      case DIALECT_KOTLIN:
        return k === TK_IDENT && this.punct(s + 1, 61);
      case DIALECT_SWIFT:
      case DIALECT_GO:
        return k === TK_IDENT && this.punct(s + 1, 58);
      case DIALECT_RUBY:
        if ((k === TK_IDENT || k === TK_STRING) && this.punct(s + 1, 58) && this.start[s + 1] === this.end[s]) return true;
        return (k === TK_SYMBOL || k === TK_STRING) && this.punct(s + 1, P_ARROW);
      default:
        return false;
    }
  }

  private labelIs(t: number, labels: readonly string[]): boolean {
    let s: number;
    let e: number;
    if (this.kind[t] === TK_IDENT) {
      s = this.start[t];
      e = this.end[t];
    } else {
      s = this.a[t];
      e = this.b[t];
    }
    for (const l of labels) if (l.length === e - s && this.text.startsWith(l, s)) return true;
    return false;
  }

  private fromArguments(args: number[], spec: ArgSpec, kind: EventKeyKind, callee: string): PendingReference | undefined {
    const closed = this.closed;
    let position = 0;
    for (let x = 0; x < args.length; x += 2) {
      const s = args[x];
      const e = args[x + 1];
      if (s >= e) continue;
      if (this.labelAt(s, e, false)) {
        if (this.labelIs(s, spec.labels)) return this.literal(s + 2, e, kind, callee, closed);
        continue;
      }
      if (position === 0 && spec.objectForm && this.punct(s, 123)) {
        const ref = this.fromBraces(s, spec, kind, callee);
        if (ref !== undefined || spec.positional === 0) return ref;
      } else if (position === spec.positional) {
        return this.literal(s, e, kind, callee, closed);
      }
      position++;
    }
    return undefined;
  }

  /** An object literal / hash / Go composite literal opened at `open`: the `labels` member's literal. */
  private fromBraces(open: number, spec: ArgSpec, kind: EventKeyKind, callee: string): PendingReference | undefined {
    const members = this.splitArguments(open, 125);
    const closed = this.closed;
    for (let x = 0; x < members.length; x += 2) {
      const s = members[x];
      const e = members[x + 1];
      if (this.labelAt(s, e, true) && this.labelIs(s, spec.labels)) return this.literal(s + 2, e, kind, callee, closed);
    }
    return undefined;
  }

  private isTypeAssertion(t: number): boolean {
    if (this.dialect !== DIALECT_JS || this.kind[t] !== TK_IDENT || (this.flags[t] & F_NEWLINE_BEFORE) !== 0) return false;
    const s = this.start[t];
    const length = this.end[t] - s;
    return (length === 2 && this.text.startsWith('as', s)) || (length === 9 && this.text.startsWith('satisfies', s));
  }

  /** The reference when tokens `[v, e)` are exactly one string literal (or, when typing, start with one). */
  private literal(v: number, e: number, kind: EventKeyKind, callee: string, closed: boolean): PendingReference | undefined {
    if (v >= e || this.kind[v] !== TK_STRING) return undefined;
    const flags = this.flags[v];
    let incomplete = !closed;
    if (incomplete && !this.config.includeIncomplete) return undefined;
    if (v + 1 !== e && this.isTypeAssertion(v + 1)) {
      // TypeScript `'Key' as const` / `'Key' satisfies EventName`: still the literal.
      if ((flags & F_UNTERMINATED) !== 0) return undefined;
    } else if (v + 1 !== e) {
      if (!this.config.includeIncomplete) return undefined;
      if ((flags & F_UNTERMINATED) === 0 && (this.flags[v + 1] & F_NEWLINE_BEFORE) === 0) return undefined;
      incomplete = true;
    } else if ((flags & F_UNTERMINATED) !== 0) {
      if (!this.config.includeIncomplete) return undefined;
      incomplete = true;
    }
    const dynamic = (flags & F_DYNAMIC) !== 0;
    const cs = this.a[v];
    const ce = this.b[v];
    const ref: PendingReference = {
      key: dynamic ? this.text.slice(cs, ce) : decodeLiteral(this.text, cs, ce, this.tokens.mode[v]),
      dynamic,
      kind,
      callee,
      offset: this.start[v],
      endOffset: this.end[v],
      keyOffset: cs,
      keyEndOffset: ce,
    };
    if (incomplete) ref.incomplete = true;
    return ref;
  }
}
