/**
 * Showing the datafile JSON at an entity: a workspace file opens as itself; a URL (or the bundled sample)
 * opens as a read-only virtual document holding exactly the text that was loaded. The entity's range is
 * found from its JSON pointer in the document's current text.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatafileManager } from './datafileManager';
import { locatePointer } from './jsonLocate';

export const DATAFILE_SCHEME = 'segment-optimizely-datafile';

export class DatafileDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private lastUri?: vscode.Uri;

  constructor(private readonly manager: DatafileManager) {
    this.subscription = manager.onDidChange(() => {
      if (this.lastUri) this.changed.fire(this.lastUri);
    });
  }

  provideTextDocumentContent(): string {
    const state = this.manager.state;
    return state.status === 'loaded' ? state.text : '// The datafile is not loaded.';
  }

  /** The URI to open for the current datafile (the file itself, or the read-only copy). */
  documentUri(): vscode.Uri | undefined {
    const state = this.manager.state;
    if (state.status !== 'loaded') return undefined;
    if (state.source.kind === 'file') return vscode.Uri.file(state.source.path);
    // Ends in .datafile.json so the JSON language and the datafile schema apply.
    const name = state.source.kind === 'sample' ? 'shop.datafile.json' : `${safeName(state.source.url)}.datafile.json`;
    this.lastUri = vscode.Uri.from({ scheme: DATAFILE_SCHEME, path: `/${name}` });
    return this.lastUri;
  }

  /** Opens the datafile and selects the value at `pointer` (the whole document for ""). */
  async reveal(pointer: string): Promise<boolean> {
    const state = await this.manager.ensureLoaded();
    const uri = this.documentUri();
    if (!uri || state.status !== 'loaded') return false;
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    const range = pointer === '' ? undefined : locatePointer(text, pointer);
    const editor = await vscode.window.showTextDocument(document, { preview: true });
    if (range) {
      const start = document.positionAt(range.keyStart ?? range.start);
      const end = document.positionAt(range.end);
      editor.selection = new vscode.Selection(start, end);
      editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return true;
    }
    if (pointer !== '') void vscode.window.showWarningMessage(`${pointer} is not in the datafile as it is now (it changed since it was loaded?). Refresh the datafile and try again.`);
    return pointer === '';
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function safeName(url: string): string {
  try {
    const parsed = new URL(url);
    const base = path.posix.basename(parsed.pathname).replace(/\.json$/i, '');
    return (base || parsed.hostname).replace(/[^A-Za-z0-9._-]/g, '_');
  } catch {
    return 'datafile';
  }
}
