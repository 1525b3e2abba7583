#!/usr/bin/env node
/**
 * Runs the extension-host suite (test/vscode/suite) inside a real VS Code with no VS Code download:
 * code-server (Node 24, from npm) hosts the extension as an Extension Development Host, Debian's
 * Chromium (driven by playwright-core) opens the workbench with `?payload=` naming the extension and the
 * tests, and the workbench calls `codeAutomationExit(code)` when the tests end.
 *
 * Prints each test, then a final line `vscode: N passed, N failed`; exits non-zero on any failure.
 * Tools come from scripts/vscode-tools.sh (cached in ~/.cache/segment-optimizely-e2e). Build the
 * extension first (`npm run test:vscode` does). Env: SEGMENT_OPTIMIZELY_E2E_KEEP=1 keeps the work dir.
 */
/* global console, process, fetch, setTimeout, clearTimeout */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUITE_OUT = join(ROOT, 'out', 'test', 'vscode', 'suite');
const RESULTS = join(ROOT, 'test-results', 'vscode');
const TOTAL_TIMEOUT_MS = Number(process.env.SEGMENT_OPTIMIZELY_E2E_TIMEOUT_MS ?? 300_000);
const started = Date.now();

function log(message) {
  console.log(`[vscode-tests] ${message}`);
}

function elapsed() {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** Runs the tools script (installs on first use) and reads the `export NAME=value` lines it prints. */
function tools() {
  const result = spawnSync('bash', [join(ROOT, 'scripts', 'vscode-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`scripts/vscode-tools.sh failed (exit ${result.status})`);
  const env = {};
  for (const line of result.stdout.split('\n')) {
    const match = /^export (\w+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  for (const name of ['SEGMENT_OPTIMIZELY_NODE24', 'SEGMENT_OPTIMIZELY_CODE_SERVER']) {
    if (!env[name] || !existsSync(env[name])) throw new Error(`scripts/vscode-tools.sh did not provide ${name}`);
  }
  return { node24: env.SEGMENT_OPTIMIZELY_NODE24, codeServer: env.SEGMENT_OPTIMIZELY_CODE_SERVER };
}

async function buildSuite() {
  if (!existsSync(join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first.');
  await esbuild.build({
    entryPoints: [join(ROOT, 'test', 'vscode', 'suite', 'index.ts'), join(ROOT, 'test', 'vscode', 'suite', 'extension.test.ts')],
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(port, child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('code-server did not answer /healthz within 60 s');
}

function readReport(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

async function main() {
  const { node24, codeServer } = tools();
  await buildSuite();
  log(`suite built (${elapsed()})`);

  const work = mkdtempSync(join(tmpdir(), 'segment-optimizely-vscode-'));
  const userData = join(work, 'user-data');
  const workspace = join(work, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(join(work, 'extensions'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'workbench.enableExperiments': false,
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': false,
    }),
  );
  writeFileSync(join(workspace, 'app.js'), "analytics.track('Order Completed', { revenue: 4999 });\n");
  const config = join(work, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const report = join(work, 'report.json');
  const serverLog = join(work, 'code-server.log');
  const port = await freePort();

  const logFd = openSync(serverLog, 'a');
  // detached: its own process group (server, extension host, watchers), killed as one at the end.
  const child = spawn(
    node24,
    [codeServer, '--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', userData, '--extensions-dir', join(work, 'extensions'), '--vscode-option', 'enable-smoke-test-driver', workspace],
    { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, EXTENSIONS_GALLERY: '{}', SEGMENT_OPTIMIZELY_TEST_REPORT: report } },
  );
  let context;
  let exitCode;
  let timer;
  const consoleLog = [];
  try {
    await waitForHealth(port, child);
    log(`code-server ready on 127.0.0.1:${port} (${elapsed()})`);
    context = await chromium.launchPersistentContext(join(work, 'chromium'), {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    let resolveExit;
    const exited = new Promise((r) => {
      resolveExit = r;
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    page.on('console', async (message) => {
      let text;
      try {
        text = format(...(await Promise.all(message.args().map((arg) => arg.jsonValue()))));
      } catch {
        text = message.text();
      }
      consoleLog.push(text);
      // The extension host's console is forwarded here; show its errors that involve this extension (the
      // tests themselves are printed from the report, with their errors, at the end).
      if (/\bERR\b/.test(text) && /segmentOptimizely|segment-optimizely|dist\/extension\.js/.test(text)) console.log(`  | ${text.trim()}`);
    });
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(join(SUITE_OUT, 'index.js'))],
    ];
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    log(`workbench opened (${elapsed()}); waiting for the tests`);
    exitCode = await Promise.race([
      exited,
      new Promise((resolveTimeout) => {
        timer = setTimeout(() => resolveTimeout('timeout'), Math.max(10_000, TOTAL_TIMEOUT_MS - (Date.now() - started)));
      }),
    ]);
    if (exitCode !== 0) await page.screenshot({ path: join(RESULTS, 'failure.png') }).catch(() => undefined);
  } finally {
    clearTimeout(timer);
    await context?.close().catch(() => undefined);
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 300));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  const result = readReport(report);
  writeFileSync(join(RESULTS, 'browser-console.log'), consoleLog.join('\n'));
  if (result) {
    writeFileSync(join(RESULTS, 'report.json'), JSON.stringify(result, null, 2));
    for (const test of result.tests) {
      console.log(`${test.state === 'passed' ? '  ✔' : '  ✖'} ${test.title}${test.durationMs !== undefined ? ` (${test.durationMs} ms)` : ''}`);
      if (test.error) console.log(test.error.split('\n').map((line) => `      ${line}`).join('\n'));
    }
    for (const [name, value] of Object.entries(result.metrics ?? {})) console.log(`  metric ${name}: ${value}`);
  }
  const passed = result?.passed ?? 0;
  const failed = result?.failed ?? 0;
  let ok = exitCode === 0 && result?.finished === true && failed === 0 && passed > 0;
  if (exitCode === 'timeout') console.log(`[vscode-tests] timed out after ${elapsed()} (logs: ${serverLog}, test-results/vscode/)`);
  else if (!ok) console.log(`[vscode-tests] the extension host exited with ${exitCode}; logs: ${serverLog}, test-results/vscode/browser-console.log`);
  if (!result && ok) ok = false;
  if (ok && !process.env.SEGMENT_OPTIMIZELY_E2E_KEEP) rmSync(work, { recursive: true, force: true });
  else console.log(`[vscode-tests] work dir kept: ${work}`);
  console.log(`[vscode-tests] finished in ${elapsed()}`);
  console.log(`vscode: ${passed} passed, ${failed + (ok || failed > 0 ? 0 : 1)} failed`);
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`[vscode-tests] ${error.stack ?? error}`);
  console.log('vscode: 0 passed, 1 failed');
  process.exit(1);
});
