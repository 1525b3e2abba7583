/**
 * Diagnostics for event keys: an unknown key is a Warning (`unknown-event-key`), a known key no running experiment
 * uses is Information (`event-not-in-running-experiment`). Open documents are linted when opened, 300 ms after the
 * last edit, and all at once when the datafile or the settings change; closing a document clears its diagnostics.
 */
import * as vscode from 'vscode';
import { checkReferences, type LintFinding } from '../../core/lint';
import { KeyedDebouncer, LINT_DEBOUNCE_MS } from './debounce';
import { diagnosticMessage } from './model';
import { DIAGNOSTIC_SOURCE, toRange, type LintState } from './state';

export class LintDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('segment-optimizely-lint');
  private readonly debouncer = new KeyedDebouncer<string>(LINT_DEBOUNCE_MS);
  /** The findings behind each document's diagnostics (for the quick fixes), with the version they belong to. */
  private readonly findings = new Map<string, { version: number; findings: LintFinding[] }>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly state: LintState) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.lint(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length === 0) return;
        const document = event.document;
        this.debouncer.schedule(document.uri.toString(), () => this.lint(document));
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.clear(document.uri)),
      state.onDidChange(() => this.lintAll()),
    );
    this.lintAll();
  }

  /** Lints every open document now (datafile or settings changed). */
  lintAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      this.debouncer.cancel(document.uri.toString());
      this.lint(document);
    }
  }

  lint(document: vscode.TextDocument): void {
    if (document.isClosed) return;
    const known = this.state.known;
    const info = this.state.info;
    const refs = this.state.refs(document);
    if (known === undefined || info === undefined || refs.length === 0) {
      this.clear(document.uri, false);
      return;
    }
    const findings = checkReferences(refs, known, { reportNotInRunningExperiment: this.state.settings.reportNotInRunningExperiment });
    this.findings.set(document.uri.toString(), { version: document.version, findings });
    this.collection.set(document.uri, findings.map((finding) => {
      const diagnostic = new vscode.Diagnostic(
        toRange(finding.reference.range),
        diagnosticMessage(finding, info(finding.reference.key)),
        finding.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
      );
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = finding.code;
      return diagnostic;
    }));
  }

  /** The finding behind a diagnostic of ours (same code and range) in the document's current version. */
  findingFor(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): LintFinding | undefined {
    const entry = this.findings.get(document.uri.toString());
    if (entry === undefined || entry.version !== document.version) return undefined;
    return entry.findings.find((f) => f.code === diagnostic.code && toRange(f.reference.range).isEqual(diagnostic.range));
  }

  private clear(uri: vscode.Uri, cancel = true): void {
    const key = uri.toString();
    if (cancel) this.debouncer.cancel(key);
    this.findings.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const d of this.subscriptions) d.dispose();
    this.findings.clear();
  }
}
