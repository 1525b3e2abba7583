/**
 * The test console in a browser: `GET /` serves the page (nonce CSP, no inline code), `/console/webview.js`
 * and `/console/webview.css` the bundle built by esbuild into dist/. The page talks to this emulator's
 * own HTTP API (same origin), so `npm start` users get the console that the VS Code panel shows.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Router, type Response } from 'express';
import { browserCsp, browserCspHeader, consolePageHtml } from '../../webview/page';
import { sendError } from '../http';

const ASSETS: Record<string, { file: string; type: string }> = {
  '/console/webview.js': { file: 'webview.js', type: 'text/javascript; charset=utf-8' },
  '/console/webview.css': { file: 'webview.css', type: 'text/css; charset=utf-8' },
  '/console/webview.js.map': { file: 'webview.js.map', type: 'application/json; charset=utf-8' },
  '/console/webview.css.map': { file: 'webview.css.map', type: 'application/json; charset=utf-8' },
};

/**
 * Where the bundle is: next to this code once bundled (dist/cli.js, dist/extension.js), or the repository's
 * dist/ when running from src/ (tests via tsx).
 */
export function consoleAssetDirs(): string[] {
  return [__dirname, resolve(__dirname, '..', '..', '..', 'dist')];
}

function findAsset(file: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const path = join(dir, file);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function securityHeaders(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-cache');
}

export function consoleRoutes(dirs: string[] = consoleAssetDirs()): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    if (!findAsset('webview.js', dirs)) {
      sendError(res, 503, 'console_not_built', 'The test console is not built: dist/webview.js is missing.', 'Run `node esbuild.js` (or `npm run build`), then reload.');
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    const csp = browserCsp(nonce);
    securityHeaders(res);
    res.setHeader('Content-Security-Policy', browserCspHeader(nonce));
    res.setHeader('X-Frame-Options', 'DENY');
    res.type('html').send(consolePageHtml({ scriptUri: '/console/webview.js', styleUri: '/console/webview.css', nonce, csp, standalone: true }));
  });

  for (const [route, asset] of Object.entries(ASSETS)) {
    router.get(route, (_req, res) => {
      const path = findAsset(asset.file, dirs);
      if (!path) {
        sendError(res, 404, 'console_asset_missing', `${asset.file} is not built.`, 'Run `node esbuild.js` (or `npm run build`).');
        return;
      }
      securityHeaders(res);
      res.type(asset.type).send(readFileSync(path));
    });
  }

  return router;
}
