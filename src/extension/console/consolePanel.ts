/**
 * The test console as a VS Code webview panel: one at a time, restored after a reload by a serializer (the
 * webview keeps its own state with getState/setState). Strict CSP (`default-src 'none'`, nonce script),
 * assets only from dist/ through `asWebviewUri`; all I/O goes through the extension (ConsoleChannel).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ConsoleInitial } from '../../webview/protocol';
import { consolePageHtml, webviewCsp } from '../../webview/page';
import type { ConsoleBackend } from './backend';
import { ConsoleChannel } from './channel';

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

export function consoleHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
  return consolePageHtml({ scriptUri: asset('webview.js'), styleUri: asset('webview.css'), nonce, csp: webviewCsp(webview.cspSource, nonce), standalone: false });
}

export class ConsolePanel implements vscode.Disposable {
  static readonly viewType = 'segmentOptimizely.console';
  static readonly title = 'Segment → Optimizely Console';
  private static current: ConsolePanel | undefined;

  private readonly channel: ConsoleChannel;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows the console (creating it if needed); `initial` opens a history record or a payload in it. */
  static createOrShow(extensionUri: vscode.Uri, backend: ConsoleBackend, initial?: ConsoleInitial): ConsolePanel {
    const existing = ConsolePanel.current;
    if (existing) {
      existing.panel.reveal();
      if (initial) existing.channel.open(initial);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(ConsolePanel.viewType, ConsolePanel.title, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new ConsolePanel(panel, extensionUri, backend, initial);
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, backend: ConsoleBackend): ConsolePanel {
    ConsolePanel.current?.dispose();
    return new ConsolePanel(panel, extensionUri, backend);
  }

  /** The open console, if any. */
  static get instance(): ConsolePanel | undefined {
    return ConsolePanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    backend: ConsoleBackend,
    initial?: ConsoleInitial,
  ) {
    ConsolePanel.current = this;
    // Re-applied on revive so localResourceRoots always point at this installation.
    panel.webview.options = webviewOptions(extensionUri);
    this.channel = new ConsoleChannel({
      backend,
      initial,
      post: (message) => panel.webview.postMessage(message),
      copyText: async (text) => {
        await vscode.env.clipboard.writeText(text);
      },
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.channel.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = consoleHtml(panel.webview, extensionUri);
  }

  /** Opens a history record or a payload in this console. */
  open(initial: ConsoleInitial): void {
    this.channel.open(initial);
  }

  dispose(): void {
    if (ConsolePanel.current === this) ConsolePanel.current = undefined;
    this.channel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}

/**
 * Restores the console after VS Code reloads (package.json needs `"onWebviewPanel:segmentOptimizely.console"`
 * in activationEvents). The registration is added to `context.subscriptions` and returned.
 */
export function registerConsoleSerializer(context: vscode.ExtensionContext, backend: ConsoleBackend): vscode.Disposable {
  const registration = vscode.window.registerWebviewPanelSerializer(ConsolePanel.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
      ConsolePanel.revive(panel, context.extensionUri, backend);
    },
  });
  context.subscriptions.push(registration);
  return registration;
}
