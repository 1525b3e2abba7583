/**
 * What every editor feature shares: the `segmentOptimizely.lint.*` settings, one configured scanner, the datafile's
 * events, and the scanned references of each open document (cached per document version).
 */
import * as vscode from 'vscode';
import type { DatafileIndex } from '../../core/datafile/index';
import {
  createEventKeyScanner,
  isSupportedLanguage,
  knownEventsFromIndex,
  type EventKeyReference,
  type EventKeyScanner,
  type KnownEvents,
  type LanguageId,
} from '../../core/lint';
import { keyInfoCache, LINT_SECTION, lintSettings, type KeyInfo, type LintSettings } from './model';

/** Where the editor features get the datafile from (the extension passes its datafile manager, adapted). */
export interface EventKeySource {
  /** The loaded datafile's index, or undefined while none is loaded. */
  current(): DatafileIndex | undefined;
  /** Fires when `current()` may have changed (loaded, reloaded, cleared). */
  readonly onDidChange: vscode.Event<void>;
  /**
   * Optional: called when an open document has track calls but no datafile is loaded, so that a source that loads
   * lazily can load now. Must be cheap to call repeatedly.
   */
  request?(): void;
}

/** Schemes whose documents are linted (not diff views of git revisions, output channels, …). */
const SCHEMES: ReadonlySet<string> = new Set(['file', 'untitled', 'vscode-vfs', 'vscode-notebook-cell', 'vscode-remote']);

export const DIAGNOSTIC_SOURCE = 'Segment Optimizely';

export class LintState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the settings or the datafile changed: everything shown must be recomputed. */
  readonly onDidChange = this.changed.event;
  settings: LintSettings;
  scanner: EventKeyScanner;
  index: DatafileIndex | undefined;
  known: KnownEvents | undefined;
  /** What the datafile says about a key (cached per datafile); undefined while no datafile is loaded. */
  info: ((key: string) => KeyInfo) | undefined;
  private readonly cache = new Map<string, { version: number; languageId: string; refs: EventKeyReference[] }>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly source: EventKeySource) {
    this.settings = readSettings();
    this.scanner = createEventKeyScanner(this.settings.scan);
    this.setIndex(source.current());
    this.subscriptions.push(
      source.onDidChange(() => {
        const next = source.current();
        if (next === this.index) return;
        this.setIndex(next);
        this.changed.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration(LINT_SECTION)) return;
        this.settings = readSettings();
        this.scanner = createEventKeyScanner(this.settings.scan);
        this.cache.clear();
        this.changed.fire();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.cache.delete(document.uri.toString())),
      this.changed,
    );
  }

  private setIndex(index: DatafileIndex | undefined): void {
    this.index = index;
    this.known = index === undefined ? undefined : knownEventsFromIndex(index);
    this.info = index === undefined ? undefined : keyInfoCache(index);
  }

  /** The language to scan `document` as, when the features apply to it. */
  languageOf(document: vscode.TextDocument): LanguageId | undefined {
    if (!this.settings.enabled || !SCHEMES.has(document.uri.scheme)) return undefined;
    return isSupportedLanguage(document.languageId) ? document.languageId : undefined;
  }

  /** The event-key references of `document` (complete calls only), cached per version. */
  refs(document: vscode.TextDocument): EventKeyReference[] {
    const language = this.languageOf(document);
    if (language === undefined) return [];
    const uri = document.uri.toString();
    const cached = this.cache.get(uri);
    if (cached !== undefined && cached.version === document.version && cached.languageId === language) return cached.refs;
    const refs = this.scanner.scan(document.getText(), language);
    this.cache.set(uri, { version: document.version, languageId: language, refs });
    if (refs.length > 0 && this.index === undefined) this.source.request?.();
    return refs;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.cache.clear();
  }
}

function readSettings(): LintSettings {
  const config = vscode.workspace.getConfiguration(LINT_SECTION);
  return lintSettings((key) => config.get(key));
}

export function toRange(range: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}
