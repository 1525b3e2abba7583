/**
 * Quick fixes, completion, hover and code lenses for event keys at track calls. Text comes from `model.ts`; this file
 * only builds the VS Code objects.
 */
import * as vscode from 'vscode';
import { escapeForLiteral, literalOpener, type EventKeyReference } from '../../core/lint';
import type { LintDiagnostics } from './diagnostics';
import { completionEntries, experimentCountTitle, hoverMarkdown, md, SEND_TEST_EVENT_TITLE } from './model';
import { DIAGNOSTIC_SOURCE, toRange, type LintState } from './state';

/** Runs with the key of the call (provided by the extension: opens the test-event composer). */
/** The extension's "compose a test event" command; it takes the event key as its argument. */
export const COMPOSE_TEST_EVENT_COMMAND = 'segmentOptimizely.composeEvent';
/** Copies an event key to the clipboard (registered here; used by the quick fix). */
export const COPY_EVENT_KEY_COMMAND = 'segmentOptimizely.lint.copyEventKey';

export async function copyEventKey(key: unknown): Promise<void> {
  if (typeof key !== 'string') return;
  await vscode.env.clipboard.writeText(key);
  void vscode.window.setStatusBarMessage(`Copied event key ${JSON.stringify(key)}`, 3_000);
}

export class EventKeyCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly state: LintState, private readonly diagnostics: LintDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const language = this.state.languageOf(document);
    if (language === undefined) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const finding = this.diagnostics.findingFor(document, diagnostic);
      if (finding === undefined) continue;
      const ref = finding.reference;
      const opener = literalOpener(document.getText(), ref);
      finding.suggestions.forEach((suggestion, i) => {
        const text = escapeForLiteral(suggestion, opener, language);
        if (text === undefined) return; // this literal cannot hold the key (a raw string with its delimiter in it)
        const action = new vscode.CodeAction(`Change to ${JSON.stringify(suggestion)}`, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = i === 0;
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, toRange(ref.keyRange), text);
        actions.push(action);
      });
      const copy = new vscode.CodeAction(`Copy event key ${JSON.stringify(ref.key)}`, vscode.CodeActionKind.QuickFix);
      copy.diagnostics = [diagnostic];
      copy.command = { command: COPY_EVENT_KEY_COMMAND, title: copy.title, arguments: [ref.key] };
      actions.push(copy);
    }
    return actions;
  }
}

export class EventKeyCompletions implements vscode.CompletionItemProvider {
  static readonly triggerCharacters = ["'", '"', '`'];

  constructor(private readonly state: LintState) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    const language = this.state.languageOf(document);
    const index = this.state.index;
    if (language === undefined || index === undefined) return undefined;
    const text = document.getText();
    const ref = this.state.scanner.referenceAt(text, language, document.offsetAt(position));
    if (ref === undefined || ref.dynamic) return undefined;
    const range = replaceRange(ref, position);
    const opener = literalOpener(text, ref);
    return completionEntries(index).map((entry) => {
      const item = new vscode.CompletionItem({ label: entry.key, description: entry.detail }, vscode.CompletionItemKind.Event);
      item.detail = entry.detail;
      item.documentation = new vscode.MarkdownString(entry.documentation);
      item.insertText = escapeForLiteral(entry.key, opener, language) ?? entry.key;
      item.filterText = typeof item.insertText === 'string' ? item.insertText : entry.key;
      item.range = range;
      item.sortText = entry.sortText;
      return item;
    });
  }
}

/** The literal's current content on the cursor's line (completion ranges must be single-line and hold the cursor). */
function replaceRange(ref: EventKeyReference, position: vscode.Position): vscode.Range {
  const start = ref.keyRange.start.line === position.line ? new vscode.Position(position.line, ref.keyRange.start.character) : new vscode.Position(position.line, 0);
  const end = ref.keyRange.end.line === position.line ? new vscode.Position(position.line, ref.keyRange.end.character) : position;
  return new vscode.Range(start.isAfter(position) ? position : start, end.isBefore(position) ? position : end);
}

export class EventKeyHover implements vscode.HoverProvider {
  constructor(private readonly state: LintState) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const info = this.state.info;
    const ref = this.state.refs(document).find((r) => !r.dynamic && toRange(r.range).contains(position));
    if (ref === undefined) return undefined;
    const markdown = info === undefined
      ? new vscode.MarkdownString(`**${md(ref.key)}**: no datafile is loaded, so this key is not checked. Load one (the \`segmentOptimizely.datafile.*\` settings, or the Datafile view).`)
      : new vscode.MarkdownString(hoverMarkdown(info(ref.key), ref.kind));
    return new vscode.Hover(markdown, toRange(ref.range));
  }
}

export class EventKeyCodeLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly state: LintState) {
    this.subscription = state.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.state.settings.codeLens) return [];
    const info = this.state.info;
    const lenses: vscode.CodeLens[] = [];
    for (const ref of this.state.refs(document)) {
      if (ref.dynamic) continue;
      const range = toRange(ref.range);
      lenses.push(new vscode.CodeLens(range, { title: SEND_TEST_EVENT_TITLE, command: COMPOSE_TEST_EVENT_COMMAND, arguments: [ref.key], tooltip: `Compose a test event ${JSON.stringify(ref.key)} and send it through the emulator` }));
      if (info !== undefined) lenses.push(new vscode.CodeLens(range, { title: experimentCountTitle(info(ref.key)), command: '' }));
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
