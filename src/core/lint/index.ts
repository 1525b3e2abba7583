// Event-key scanner: finds Segment / Optimizely event keys written in application code and checks them against the
// events of a datafile. Shared by the editor (diagnostics, completion, hover) and the CLI `lint` command.
export type {
  CheckOptions,
  EventKeyKind,
  EventKeyReference,
  KnownEvents,
  LanguageId,
  LintCode,
  LintFinding,
  LintSeverity,
  ScanOptions,
  SourcePosition,
  SourceRange,
} from './types';
export { SUPPORTED_EXTENSIONS, SUPPORTED_LANGUAGES, isSupportedLanguage, languageForPath } from './languages';
export {
  DEFAULT_GO_TRACK_TYPES,
  DEFAULT_OPTIMIZELY_ANY_RECEIVER_METHODS,
  DEFAULT_OPTIMIZELY_METHODS,
  DEFAULT_OPTIMIZELY_RECEIVERS,
  DEFAULT_SEGMENT_METHODS,
  DEFAULT_SEGMENT_RECEIVERS,
  createEventKeyScanner,
  isInsideTrackCallString,
  scanSource,
  type EventKeyScanner,
} from './scanner';
export { checkReferences, createKnownEvents, suggestEventKeys, type KnownEventEntry } from './check';
export { knownEventsFromIndex } from './knownEvents';
export { escapeForLiteral, literalOpener } from './escape';

import { checkReferences } from './check';
import { scanSource } from './scanner';
import type { CheckOptions, KnownEvents, LanguageId, LintFinding, ScanOptions } from './types';

/** `checkReferences(scanSource(text, language, scanOptions), known, checkOptions)`. */
export function lintSource(text: string, language: LanguageId, known: KnownEvents,
  options: { scan?: ScanOptions; check?: CheckOptions } = {}): LintFinding[] {
  return checkReferences(scanSource(text, language, options.scan), known, options.check);
}
