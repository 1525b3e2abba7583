/**
 * What the end-to-end run needs around the scenarios: the tools (scripts/vscode-tools.sh: Node 24 and
 * code-server, cached in ~/.cache/segment-optimizely-e2e), a fresh code-server per run on a free loopback port
 * with the VSIX installed from the command line, headless Debian Chromium through playwright-core, and the
 * workbench locators the scenarios share (the selectors of /work/shared/spec/e2e-recipe.md §4).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '..', '..');
export const EXTENSION_ID = 'segment-optimizely-emulator.segment-optimizely-emulator';
/** The view container's title: the activity-bar item's aria-label starts with it. */
export const CONTAINER_TITLE = 'Segment → Optimizely';
/** The flags of the recipe: no sandbox (root in CI), no GPU, nothing from the network. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Tools {
  node24: string;
  codeServer: string;
}

/** Runs scripts/vscode-tools.sh (installs on first use, reuses the cache after) and reads the paths it exports. */
export function tools(): Tools {
  const result = spawnSync('bash', [join(ROOT, 'scripts', 'vscode-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`scripts/vscode-tools.sh failed (exit ${result.status})`);
  const env: Record<string, string> = {};
  for (const line of result.stdout.split('\n')) {
    const match = /^export (\w+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  const node24 = env.SEGMENT_OPTIMIZELY_NODE24;
  const codeServer = env.SEGMENT_OPTIMIZELY_CODE_SERVER;
  if (!node24 || !existsSync(node24) || !codeServer || !existsSync(codeServer)) throw new Error('scripts/vscode-tools.sh did not provide Node 24 and code-server');
  return { node24, codeServer };
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A user-data dir with the recipe's settings: no welcome page, chat, telemetry, updates, tips or trust prompt. */
export function writeUserSettings(userData: string): void {
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.disableAIFeatures': true,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'workbench.enableExperiments': false,
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'editor.minimap.enabled': false,
        'editor.stickyScroll.enabled': false,
        // Offline and quiet: no npm type acquisition for the fixture's imports, no port-forwarding prompts.
        'typescript.disableAutomaticTypeAcquisition': true,
        'remote.autoForwardPorts': false,
        'window.restoreWindows': 'none',
      },
      null,
      2,
    ),
  );
}

/** `code-server --install-extension FILE.vsix` into a fresh extensions dir; returns the installed folder. */
export function installVsix(tools: Tools, vsix: string, dirs: { config: string; userData: string; extensions: string }): string {
  const result = spawnSync(
    tools.node24,
    [tools.codeServer, '--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix],
    { encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}' } },
  );
  if (result.status !== 0) throw new Error(`--install-extension failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  const folder = readdirSync(dirs.extensions).find((name) => name.startsWith(`${EXTENSION_ID}-`));
  if (!folder) throw new Error(`--install-extension did not install ${EXTENSION_ID}:\n${result.stdout}\n${result.stderr}`);
  return join(dirs.extensions, folder);
}

export interface CodeServer {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts code-server on a free loopback port in its own process group and waits for /healthz. */
export async function startCodeServer(tools: Tools, options: { config: string; userData: string; extensions: string; folder: string; log: string }): Promise<CodeServer> {
  const port = await freePort();
  const logFd = openSync(options.log, 'a');
  const child = spawn(
    tools.node24,
    [
      tools.codeServer,
      '--config', options.config,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir', options.userData,
      '--extensions-dir', options.extensions,
      options.folder,
    ],
    // detached: its own process group (server, extension host, file watchers), stopped as one.
    { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, EXTENSIONS_GALLERY: '{}' } },
  );
  const stop = async () => {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        return; // already gone
      }
      await sleep(300);
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it was ready (log: ${options.log})`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within 60 s (log: ${options.log})`);
    }
    await sleep(200);
  }
  return { port, child, stop };
}

export async function launchBrowser(profile: string): Promise<BrowserContext> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`No Chromium at ${executablePath}: apt-get install -y chromium (scripts/vscode-tools.sh does).`);
  // launchPersistentContext: Playwright refuses --user-data-dir in args.
  return chromium.launchPersistentContext(profile, { executablePath, headless: true, viewport: { width: 1400, height: 900 }, args: CHROMIUM_ARGS });
}

// ------------------------------------------------------------------------------------------------ workbench

/** The activity-bar item of our view container (the `<a>`: the `<li>`'s aria-label is empty unless selected). */
export function activityItem(page: Page): Locator {
  return page.locator(`.part.activitybar a.action-label[aria-label^="${CONTAINER_TITLE}"]`);
}

/** A view pane of the side bar, by its title. */
export function sidebarPane(page: Page, title: string): Locator {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
}

/** A tree row of a pane, by its exact label. */
export function treeRow(pane: Locator, label: string | RegExp): Locator {
  const exact = typeof label === 'string' ? new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : label;
  return pane.locator('.monaco-list-row[role="treeitem"]').filter({ has: pane.page().locator('.label-name', { hasText: exact }) });
}

/**
 * Expands a tree row with a click, as a user would, and makes sure it took: a click that lands while the tree
 * re-renders (e.g. right after another node collapsed) only selects the row; then the Right arrow expands it.
 */
export async function expandRow(row: Locator): Promise<void> {
  if ((await row.getAttribute('aria-expanded')) === 'true') return;
  await row.click();
  try {
    await row.and(row.page().locator('[aria-expanded="true"]')).waitFor({ timeout: 2_000 });
  } catch {
    await row.page().keyboard.press('ArrowRight');
    await row.and(row.page().locator('[aria-expanded="true"]')).waitFor();
  }
}

/** The labels of a pane's rendered tree rows, top to bottom (the list's DOM order is not its visual order). */
export async function rowLabels(pane: Locator): Promise<string[]> {
  const rows = await pane.locator('.monaco-list-row[role="treeitem"]').evaluateAll((elements) =>
    elements.map((row) => ({ index: Number(row.getAttribute('data-index')), label: row.querySelector('.label-name')?.textContent?.trim() ?? '' })),
  );
  return rows.sort((a, b) => a.index - b.index).map((row) => row.label);
}

/** Our status bar item (text `Emulator off`, `Emulator :PORT`, `Emulator :PORT LIVE`). */
export function statusItem(page: Page): Locator {
  return page.locator('.part.statusbar .statusbar-item').filter({ hasText: /Emulator (off|:\d+|starting|stopping)/ });
}

/** Runs a command from the command palette (F1), clicking its row (Enter may pick a "similar command"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first().click();
}

/** The test console's document: the webview's outer iframe, then its inner `active-frame`. */
export function consoleFrame(page: Page) {
  return page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('iframe#active-frame');
}
