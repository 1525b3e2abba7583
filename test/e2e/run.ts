/**
 * End-to-end tests of the packaged extension in a real VS Code, with no VS Code download: a fresh code-server
 * (Node 24, from npm, cached by scripts/vscode-tools.sh) on a free loopback port, the VSIX installed with
 * `--install-extension` into an empty extensions dir, a fresh copy of test/e2e/workspace opened in headless
 * Debian Chromium (playwright-core), and the scenarios of ./scenarios.ts run as a user would.
 *
 *   npm run test:e2e                    (packages the VSIX, then runs this)
 *   npx tsx test/e2e/run.ts [FILE.vsix] [--update-docs-images]
 *
 * Prints each scenario with its time, a last check that the extension logged no error and the browser showed
 * none, then `e2e: N passed, N failed`; exits non-zero on any failure. Screenshots of every step (and of
 * failures, with the page's HTML) go to test-results/e2e/ with report.json; `--update-docs-images` also copies
 * the README's ones to docs/images/vscode-*.png.
 * Env: SEGMENT_OPTIMIZELY_E2E_KEEP=1 keeps the work dir (code-server log, profile, workspace);
 * SEGMENT_OPTIMIZELY_E2E_TIMEOUT_MS (default 300000) bounds the whole run; CHROMIUM_PATH (/usr/bin/chromium).
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { activityItem, EXTENSION_ID, freePort, installVsix, launchBrowser, ROOT, startCodeServer, tools, writeUserSettings, type CodeServer } from './harness';
import { scenarios } from './scenarios';

const RESULTS = join(ROOT, 'test-results', 'e2e');
/** Screenshot → README image (docs/images), refreshed with --update-docs-images. */
const DOCS_IMAGES: Record<string, string> = {
  '04-outside-request': 'vscode-views.png',
  '05b-quick-fix': 'vscode-quick-fix.png',
  '06a-live-send-confirm': 'vscode-live-send.png',
};
const started = Date.now();
/** The whole run, tools install excluded; past it the run stops code-server and fails. */
const WATCHDOG_MS = Number(process.env.SEGMENT_OPTIMIZELY_E2E_TIMEOUT_MS ?? 300_000);
let workDir: string | undefined;
let runningServer: CodeServer | undefined;

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
function log(message: string): void {
  console.log(`[e2e] ${message}`);
}

/** `[error]` lines of the extension's log (its LogOutputChannel, in the user-data dir's logs). */
function extensionLogErrors(userData: string): string[] {
  const errors: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.includes(`${EXTENSION_ID}/`) && entry.name.endsWith('.log')) {
        for (const line of readFileSync(path, 'utf8').split('\n')) if (/\[error\]/.test(line)) errors.push(`extension log: ${line}`);
      }
    }
  };
  if (existsSync(join(userData, 'logs'))) walk(join(userData, 'logs'));
  return errors;
}

function defaultVsix(): string {
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return join(ROOT, `${name}-${version}.vsix`);
}

interface Result {
  title: string;
  ok: boolean;
  ms: number;
  error?: string;
  notes: string[];
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const updateDocs = args.includes('--update-docs-images');
  const vsix = args.find((arg) => !arg.startsWith('--')) ?? defaultVsix();
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist: run \`npm run package\` first (\`npm run test:e2e\` does).`);

  const toolsStarted = Date.now();
  const tool = tools();
  log(`tools ready (${seconds(toolsStarted)})`);
  setTimeout(() => {
    console.error(`[e2e] timed out after ${WATCHDOG_MS / 1000} s (work dir: ${workDir})`);
    console.log(`e2e: 0 passed, ${scenarios.length + 1} failed`);
    void (runningServer?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  }, WATCHDOG_MS).unref();

  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'segment-optimizely-e2e-'));
  workDir = work;
  const dirs = { config: join(work, 'config.yaml'), userData: join(work, 'user-data'), extensions: join(work, 'extensions') };
  writeFileSync(dirs.config, 'auth: none\ncert: false\n'); // else code-server writes ~/.config/code-server/config.yaml
  writeUserSettings(dirs.userData);
  mkdirSync(dirs.extensions, { recursive: true });

  // The workspace: a fresh copy (the quick fix edits it), its emulator port set to a free one for this run.
  const workspace = join(work, 'shop');
  cpSync(join(ROOT, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
  const emulatorPort = await freePort();
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  writeFileSync(settingsFile, `${JSON.stringify({ ...JSON.parse(readFileSync(settingsFile, 'utf8')), 'segmentOptimizely.emulator.port': emulatorPort }, null, 2)}\n`);

  const installStarted = Date.now();
  const installed = installVsix(tool, vsix, dirs);
  const shipped = readdirSync(installed);
  if (shipped.includes('node_modules')) throw new Error(`the installed extension has node_modules: ${installed}`);
  log(`installed ${basename(vsix)} → ${basename(installed)} [${shipped.sort().join(', ')}] (${seconds(installStarted)})`);

  const results: Result[] = [];
  let server: CodeServer | undefined;
  let context: BrowserContext | undefined;
  const browserErrors: string[] = [];
  try {
    server = await startCodeServer(tool, { ...dirs, folder: workspace, log: join(work, 'code-server.log') });
    runningServer = server;
    log(`code-server on 127.0.0.1:${server.port}, emulator port ${emulatorPort} (${seconds(started)})`);
    context = await launchBrowser(join(work, 'chromium'));
    context.setDefaultTimeout(15_000);
    const page: Page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => browserErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // Errors of the console webview (its frames are served from …/webview/…) or naming the extension.
      if (message.type() === 'error' && (/segment-?optimizely/i.test(message.text()) || /\/webview\//.test(message.location().url))) browserErrors.push(`console: ${message.text()}`);
    });
    await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 90_000 });
    // Contributions arrive after the workbench DOM: wait for our activity-bar item (the extension host is up).
    await activityItem(page).waitFor({ timeout: 60_000 });
    log(`workbench ready with the extension's view container (${seconds(started)})`);

    let shots = 0;
    const shot = async (name: string) => {
      await page.screenshot({ path: join(RESULTS, `${name}.png`) });
      shots++;
    };
    for (const [i, scenario] of scenarios.entries()) {
      const title = `${i + 1}. ${scenario.title}`;
      const scenarioStarted = Date.now();
      const notes: string[] = [];
      const printNotes = () => notes.forEach((message) => console.log(`      note: ${message}`));
      try {
        await scenario.run({ page, emulatorPort, workspace, shot, note: (message) => notes.push(message) });
        results.push({ title, ok: true, ms: Date.now() - scenarioStarted, notes });
        console.log(`  ✔ ${title} (${seconds(scenarioStarted)})`);
        printNotes();
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        results.push({ title, ok: false, ms: Date.now() - scenarioStarted, error: message, notes });
        console.log(`  ✖ ${title} (${seconds(scenarioStarted)})\n${message.split('\n').map((line) => `      ${line}`).join('\n')}`);
        printNotes();
        await page.screenshot({ path: join(RESULTS, `${String(i + 1).padStart(2, '0')}-failure.png`) }).catch(() => undefined);
        writeFileSync(join(RESULTS, `${String(i + 1).padStart(2, '0')}-failure.html`), await page.content().catch(() => ''));
        await page.keyboard.press('Escape').catch(() => undefined); // a menu or dialog left open would block the next scenario
      }
    }
    log(`${shots} screenshots in test-results/e2e/`);

    // Last check, every run: nothing went wrong behind the screens.
    const healthStarted = Date.now();
    const extensionErrors = extensionLogErrors(dirs.userData);
    const problems = [...browserErrors, ...extensionErrors];
    const health = `${scenarios.length + 1}. no errors in the extension's log or the browser (page errors, console webview)`;
    results.push({ title: health, ok: problems.length === 0, ms: Date.now() - healthStarted, error: problems.join('\n') || undefined, notes: [] });
    console.log(`  ${problems.length === 0 ? '✔' : '✖'} ${health}${problems.length === 0 ? '' : `\n${problems.map((line) => `      ${line}`).join('\n')}`}`);
  } finally {
    await context?.close().catch(() => undefined);
    await server?.stop();
  }

  if (browserErrors.length > 0) writeFileSync(join(RESULTS, 'browser-errors.log'), browserErrors.join('\n'));
  writeFileSync(join(RESULTS, 'report.json'), JSON.stringify({ results, totalMs: Date.now() - started }, null, 2));
  const failed = results.filter((result) => !result.ok).length;
  const passed = results.length - failed;
  const ok = failed === 0 && passed === scenarios.length + 1;
  if (ok && updateDocs) {
    for (const [shotName, image] of Object.entries(DOCS_IMAGES)) copyFileSync(join(RESULTS, `${shotName}.png`), join(ROOT, 'docs', 'images', image));
    log(`refreshed docs/images/${Object.values(DOCS_IMAGES).join(', docs/images/')}`);
  }
  if (ok && !process.env.SEGMENT_OPTIMIZELY_E2E_KEEP) rmSync(work, { recursive: true, force: true });
  else log(`work dir kept: ${work} (code-server.log, profile, workspace)`);
  log(`finished in ${seconds(started)}`);
  console.log(`e2e: ${passed} passed, ${failed + Math.max(0, scenarios.length + 1 - results.length)} failed`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[e2e] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}${workDir ? `\n[e2e] work dir kept: ${workDir}` : ''}`);
    console.log(`e2e: 0 passed, ${scenarios.length + 1} failed`);
    process.exit(1);
  },
);
