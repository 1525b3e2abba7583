// Public types of the event-key scanner (src/core/lint). Pure data: no vscode, no express, no global state.

/**
 * Languages the scanner understands. The values are VS Code language identifiers so the editor can pass
 * `document.languageId` straight through; the CLI maps file names with `languageForPath`.
 */
export type LanguageId =
  | 'javascript'
  | 'javascriptreact'
  | 'typescript'
  | 'typescriptreact'
  | 'python'
  | 'kotlin'
  | 'java'
  | 'swift'
  | 'go'
  | 'ruby';

/** 0-based line and UTF-16 code-unit character, the same convention as VS Code's `Position` and LSP. */
export interface SourcePosition {
  line: number;
  character: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

/** Which SDK the call belongs to: Segment (`analytics.track`, …) or Optimizely (`optimizely.track`, `user.trackEvent`, …). */
export type EventKeyKind = 'segment' | 'optimizely';

/** One event key written as a string literal at a track call. */
export interface EventKeyReference {
  /**
   * The key: the literal's value with escapes decoded. For a `dynamic` literal (template / f-string / interpolation)
   * this is the raw source text between the delimiters (e.g. `Order ${step}`), which is not a real key.
   */
  key: string;
  /** True when the literal interpolates (`${…}`, f-string `{…}`, `"#{…}"`, `"\(…)"`, `"$x"`): not checkable. */
  dynamic: boolean;
  kind: EventKeyKind;
  /** The callee as written, receiver chain normalised: `analytics.track`, `Analytics.with().track`, `user.trackEvent`, `analytics.Track`. */
  callee: string;
  /** The whole literal, including quotes, string prefixes (`f`, `r`, …) and Swift raw-string `#`s. */
  range: SourceRange;
  /** The text between the delimiters. */
  keyRange: SourceRange;
  /** Offsets (UTF-16 code units) of `range`. */
  offset: number;
  endOffset: number;
  /** Offsets (UTF-16 code units) of `keyRange`. */
  keyOffset: number;
  keyEndOffset: number;
  /**
   * Only with `ScanOptions.includeIncomplete`: the literal is unterminated or the call is not closed yet
   * (the user is typing). Absent otherwise.
   */
  incomplete?: true;
}

/** What counts as a track call. Every list replaces its default; spread the `DEFAULT_*` arrays to extend them. */
export interface ScanOptions {
  /**
   * Receivers whose track methods are Segment calls. A receiver matches the call's receiver chain exactly or as its
   * tail after a `.` (`analytics` matches `this.analytics` and `window.analytics`). Calls in the chain are written
   * `name()` (`Analytics.with()` matches `Analytics.with(context)`). For Go these are package names of the
   * `Track{…}` composite literal. Default: `DEFAULT_SEGMENT_RECEIVERS`.
   */
  segmentReceivers?: readonly string[];
  /** Segment track method names. Default `['track']`. */
  segmentMethods?: readonly string[];
  /** Bare Segment functions (`track('Key')` after `const { track } = useAnalytics()`). Default `[]`. */
  segmentFunctions?: readonly string[];
  /** Go composite-literal types under a Segment receiver package (`analytics.Track{Event: …}`). Default `['Track']`. */
  goTrackTypes?: readonly string[];
  /** Receivers whose track methods are Optimizely calls (`optimizelyClient.track('key', userId)`). */
  optimizelyReceivers?: readonly string[];
  /** Optimizely track method names on `optimizelyReceivers`. Default `['track']` (Go: also `Track`). */
  optimizelyMethods?: readonly string[];
  /** Optimizely methods accepted on any receiver (`user.trackEvent('key')`). Default `['trackEvent', 'track_event']` (Go: also `TrackEvent`). */
  optimizelyAnyReceiverMethods?: readonly string[];
  /** Bare Optimizely functions. Default `[]`. */
  optimizelyFunctions?: readonly string[];
  /**
   * Also report literals the user is still typing: unterminated strings, and a literal followed by a line break
   * where the call is not closed yet. Meant for completion and hover; off for linting.
   */
  includeIncomplete?: boolean;
}

/**
 * The events of a datafile, as the checker needs them. The datafile index plugs in here; `createKnownEvents` is a
 * simple implementation over a list.
 */
export interface KnownEvents {
  /** Number of known event keys (used in messages). */
  readonly size: number;
  has(key: string): boolean;
  /** Known keys close to an unknown one, best first (may be empty). */
  suggestions(key: string): readonly string[];
  /** How many running experiments (or rules) use this event; 0 when unknown. */
  runningExperimentCount(key: string): number;
}

export type LintCode = 'unknown-event-key' | 'event-not-in-running-experiment';
export type LintSeverity = 'warning' | 'information';

export interface LintFinding {
  code: LintCode;
  severity: LintSeverity;
  message: string;
  /** Replacement keys for a quick fix, best first. */
  suggestions: string[];
  reference: EventKeyReference;
}

export interface CheckOptions {
  /** Report known keys that no running experiment uses (`event-not-in-running-experiment`). Default true. */
  reportNotInRunningExperiment?: boolean;
}
