/**
 * Entry point of dist/webview.js: picks the host (VS Code's webview API when present, else the emulator's
 * HTTP API in a browser tab) and starts the console. Nothing past this file knows which one it got.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './console.css';
import type { ConsoleHost } from './protocol';
import { createBrowserHost } from './host/browserHost';
import { createWebviewHost, type VsCodeApiLike } from './host/webviewHost';
import { ConsoleApp } from './ui/app';

function pickHost(): ConsoleHost {
  const acquire = (globalThis as { acquireVsCodeApi?: () => VsCodeApiLike }).acquireVsCodeApi;
  if (typeof acquire === 'function') {
    // acquireVsCodeApi may be called once; the API object stays in this closure, never in a global.
    return createWebviewHost(acquire(), (handler) => window.addEventListener('message', (event) => handler(event.data)));
  }
  return createBrowserHost();
}

const root = document.getElementById('console-root');
if (root) {
  const app = new ConsoleApp(root, pickHost());
  app.start().catch((error: unknown) => {
    const note = document.createElement('p');
    note.className = 'status-line error';
    note.setAttribute('role', 'alert');
    note.textContent = `The console could not start: ${error instanceof Error ? error.message : String(error)}`;
    root.prepend(note);
  });
}
