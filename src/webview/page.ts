/**
 * The console's HTML document, for both hosts: the VS Code panel (assets through `asWebviewUri`, CSP from
 * `webview.cspSource`) and the page the emulator serves at `GET /` (assets under /console/). Scripts only
 * run with the page's nonce; there is no inline script or style, and no remote resource.
 */

export interface ConsolePageOptions {
  scriptUri: string;
  styleUri: string;
  nonce: string;
  csp: string;
  /** `standalone` in a browser tab: the stylesheet then supplies the --vscode-* colours VS Code would. */
  standalone: boolean;
}

/** VS Code webview: everything from the extension's own resource origin, scripts only with the nonce. */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource} data:`, `script-src 'nonce-${nonce}'`].join('; ');
}

/** Browser page: same origin only (the emulator's HTTP API and its event stream), scripts only with the nonce. */
export function browserCsp(nonce: string): string {
  return [
    `default-src 'none'`,
    `style-src 'self'`,
    `font-src 'self'`,
    `img-src 'self' data:`,
    `script-src 'nonce-${nonce}'`,
    `connect-src 'self'`,
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
}

/** `frame-ancestors` only works as an HTTP header (browsers ignore it in a meta tag). */
export function browserCspHeader(nonce: string): string {
  return `${browserCsp(nonce)}; frame-ancestors 'none'`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function consolePageHtml(options: ConsolePageOptions): string {
  const attr = escapeAttribute;
  return `<!DOCTYPE html>
<html lang="en"${options.standalone ? ' class="standalone"' : ''}>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(options.csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Segment → Optimizely test console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${attr(options.styleUri)}">
</head>
<body>
<div id="console-root" class="console"><p class="loading">Loading the test console…</p></div>
<noscript>The test console needs JavaScript.</noscript>
<script nonce="${attr(options.nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>
`;
}
