/**
 * Editor features for event keys written in application code (issue 7): diagnostics with quick fixes, completion of
 * datafile keys inside track-call strings, hovers, and code lenses. All driven by the pure scanner in src/core/lint.
 *
 * The extension calls `registerLanguageFeatures(context, eventKeySourceFromDatafileManager(datafileManager))` once in
 * `activate()`; everything registered is owned by `context.subscriptions`.
 */
import * as vscode from 'vscode';
import type { DatafileIndex } from '../../core/datafile/index';
import { SUPPORTED_LANGUAGES } from '../../core/lint';
import type { DatafileManager } from '../datafileManager';
import { LintDiagnostics } from './diagnostics';
import {
  copyEventKey,
  COPY_EVENT_KEY_COMMAND,
  EventKeyCodeActions,
  EventKeyCodeLenses,
  EventKeyCompletions,
  EventKeyHover,
} from './providers';
import { LintState, type EventKeySource } from './state';

export type { EventKeySource } from './state';
export { COMPOSE_TEST_EVENT_COMMAND, COPY_EVENT_KEY_COMMAND } from './providers';

/** The documents the features apply to: every supported language, in files and untitled editors. */
function selector(): vscode.DocumentSelector {
  return SUPPORTED_LANGUAGES.flatMap((language) => ['file', 'untitled', 'vscode-vfs', 'vscode-notebook-cell'].map((scheme) => ({ language, scheme })));
}

export function registerLanguageFeatures(context: vscode.ExtensionContext, source: EventKeySource): void {
  const state = new LintState(source);
  const diagnostics = new LintDiagnostics(state);
  const lenses = new EventKeyCodeLenses(state);
  const documents = selector();
  context.subscriptions.push(
    state,
    diagnostics,
    lenses,
    vscode.commands.registerCommand(COPY_EVENT_KEY_COMMAND, copyEventKey),
    vscode.languages.registerCodeActionsProvider(documents, new EventKeyCodeActions(state, diagnostics), EventKeyCodeActions.metadata),
    vscode.languages.registerCompletionItemProvider(documents, new EventKeyCompletions(state), ...EventKeyCompletions.triggerCharacters),
    vscode.languages.registerHoverProvider(documents, new EventKeyHover(state)),
    vscode.languages.registerCodeLensProvider(documents, lenses),
  );
}

/** What the adapter needs from the extension's datafile manager. */
export type DatafileManagerLike = Pick<DatafileManager, 'state' | 'onDidChange' | 'isConfigured' | 'ensureLoaded'>;

/**
 * The extension's `DatafileManager` as an `EventKeySource`: the index of the loaded datafile (kept while a reload is
 * in flight, so diagnostics do not flicker), a change event that fires only when the index changes, and `request()`
 * to load a configured datafile the first time an open document has track calls (the manager loads lazily).
 */
export function eventKeySourceFromDatafileManager(manager: DatafileManagerLike): EventKeySource & vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  let last: DatafileIndex | undefined;
  const current = (): DatafileIndex | undefined => {
    const state = manager.state;
    if (state.status === 'loaded') last = state.index;
    else if (state.status !== 'loading') last = undefined;
    return last;
  };
  current();
  let shown = last;
  const subscription = manager.onDidChange(() => {
    const next = current();
    if (next === shown) return;
    shown = next;
    changed.fire();
  });
  let requested = false;
  return {
    current,
    onDidChange: changed.event,
    request() {
      if (requested || !manager.isConfigured) return;
      requested = true;
      void manager.ensureLoaded();
    },
    dispose() {
      subscription.dispose();
      changed.dispose();
    },
  };
}
