/**
 * The test console in real Chromium (Debian's, driven by playwright-core), against an emulator started the
 * way `npm start` starts it (the sample shop datafile, after `node esbuild.js`): the browser page at GET /,
 * and the same bundle in a webview harness whose `acquireVsCodeApi` is bridged to the extension's
 * ConsoleChannel. Screenshots of the main states go to test-results/webview/.
 *
 *   npx mocha --no-config -r tsx/cjs --extension ts --timeout 120000 test/webview/console.test.ts
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ConsoleChannel } from '../../src/extension/console/channel';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import type { HistoryRecord } from '../../src/emulator/history';
import { runTrackEvent } from '../../src/core/destination/trackEvent';
import type { HttpTransport } from '../../src/core/http/types';
import { consolePageHtml, webviewCsp } from '../../src/webview/page';
import { serviceBackend } from './serviceBackend';

const ROOT = path.resolve(__dirname, '..', '..');
const DATAFILE = path.join(ROOT, 'samples', 'shop.datafile.json');
const SHOTS = path.join(ROOT, 'test-results', 'webview');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags of the project's e2e recipe. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const ACCOUNT_ID = '21437658901';

function payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Order Completed',
    userId: 'user-123',
    messageId: 'msg-console-1',
    timestamp: '2026-01-08T13:52:50.212Z',
    properties: { revenue: 4999, currency: 'USD' },
    context: { traits: { plan: 'pro', country: 'US' } },
    ...overrides,
  };
}

/** The body Segment would send for `event`, computed by the core directly (not through the UI). */
async function expectedBody(event: unknown): Promise<string> {
  const text = readFileSync(DATAFILE, 'utf8');
  const transport: HttpTransport = async () => ({ status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, body: text });
  const result = await runTrackEvent({ event, settings: { accountId: ACCOUNT_ID, dataFileUrl: 'http://datafile.test/shop.json' } }, { transport, send: false });
  assert.ok(result.eventApiRequest, `the core rejected the test event: ${result.error?.message}`);
  return result.eventApiRequest.body;
}

/** VS Code sets the theme's colours as --vscode-* properties on <html>; the harness uses the stylesheet's dark fallbacks. */
function darkThemeVariables(): [string, string][] {
  const css = readFileSync(path.join(ROOT, 'src', 'webview', 'console.css'), 'utf8');
  const light = /:root\.standalone \{([^}]*)\}/.exec(css)?.[1] ?? '';
  const dark = /prefers-color-scheme: dark\) \{\s*:root\.standalone \{([^}]*)\}/.exec(css)?.[1] ?? '';
  const variables = new Map<string, string>();
  for (const block of [light, dark]) for (const match of block.matchAll(/(--vscode-[\w-]+):\s*([^;]+);/g)) variables.set(match[1], match[2].trim());
  return [...variables];
}

interface PageProblems {
  errors: string[];
}

/** Collects page errors, console errors and CSP violations; the tests assert there are none. */
async function watch(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (error) => problems.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
  });
  return problems;
}

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

async function setPayload(page: Page, value: unknown): Promise<void> {
  await page.fill('#payload-editor', typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

async function sendAndWait(page: Page, previousRecordId?: string): Promise<string> {
  await page.keyboard.press('Control+Enter');
  const handle = await page.waitForFunction(
    (previous) => {
      const meta = document.querySelector('#verdict .verdict-meta')?.textContent ?? '';
      const id = /Record (\w+)/.exec(meta)?.[1];
      return id && id !== previous?.slice(0, 8) && document.querySelector('#send')?.textContent === 'Send' ? id : false;
    },
    previousRecordId,
    { timeout: 15_000 },
  );
  return (await handle.jsonValue()) as string;
}

async function latestRecord(emulator: RunningEmulator, route = 'trackEvent'): Promise<HistoryRecord> {
  const page = (await (await fetch(`${emulator.url}/api/events?limit=1&route=${route}`)).json()) as { events: HistoryRecord[] };
  return page.events[0];
}

describe('test console in Chromium', function () {
  this.timeout(120_000);
  let emulator: RunningEmulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  before(async function () {
    // Never skipped: a missing browser is a broken test machine, said plainly.
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run apt-get install -y chromium (.ci/run does).`);
    mkdirSync(SHOTS, { recursive: true });
    execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
    emulator = await startEmulator({ port: 0, datafile: DATAFILE });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: emulator.url });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    problems = await watch(page);
    await page.goto(`${emulator.url}/`);
    await page.waitForSelector('#send');
    await page.waitForFunction(() => /revision 87/.test(document.querySelector('#datafile-info')?.textContent ?? ''));
  });

  after(async () => {
    await browser?.close();
    await emulator?.close();
  });

  afterEach(function () {
    if (problems && this.currentTest?.state === 'passed') assert.deepEqual(problems.errors, [], 'the page logged errors or CSP violations');
  });

  it('serves the page with a nonce CSP and no inline code', async () => {
    const response = await fetch(`${emulator.url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(csp, /unsafe/);
    const html = await response.text();
    assert.match(html, /<script nonce="[^"]+" src="\/console\/webview\.js"><\/script>/);
    assert.equal((await fetch(`${emulator.url}/console/webview.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
  });

  it('starts from templates', async () => {
    await shot(page, '01-start');
    await page.click('#template-select');
    await page.locator('#template-select').getByRole('option', { name: 'Anonymous visitor', exact: true }).click();
    const anonymous = JSON.parse(await page.inputValue('#payload-editor'));
    assert.equal(anonymous.userId, undefined);
    assert.match(anonymous.anonymousId, /^anon-/);
    assert.equal(anonymous.event, 'Order Completed');
    await page.click('#template-select');
    await page.locator('#template-select').getByRole('option', { name: 'With traits', exact: true }).click();
    assert.deepEqual(JSON.parse(await page.inputValue('#payload-editor')).context, { traits: { plan: 'pro', country: 'US', is_returning: true, cart_value: 120, app_version: '1.4.0' } });
  });

  it('picks the event key from the datafile’s events and flags unknown keys', async () => {
    const picker = page.getByRole('combobox', { name: /Event key/ });
    await picker.fill('prod');
    const options = page.getByRole('option');
    assert.deepEqual(await options.locator('.option-key').allTextContents(), ['Product Added', 'Product Viewed']);
    await picker.press('ArrowDown');
    await picker.press('ArrowDown');
    await picker.press('Enter');
    assert.match(await page.inputValue('#payload-editor'), /"event": "Product Viewed"/);
    assert.match((await page.textContent('.picker-note')) ?? '', /In the datafile \(event id 21470030004\)/);

    await picker.fill('Order Complete');
    await picker.press('Escape');
    await picker.press('Enter');
    assert.match(await page.inputValue('#payload-editor'), /"event": "Order Complete"/);
    const note = page.locator('.picker-note');
    assert.match((await note.textContent()) ?? '', /"Order Complete" is not an event in the datafile \(revision 87\): Segment rejects it/);
    assert.equal(await picker.getAttribute('aria-invalid'), 'true');
    await shot(page, '02-unknown-key');
    await note.getByRole('button', { name: 'Order Completed' }).click();
    assert.match(await page.inputValue('#payload-editor'), /"event": "Order Completed"/);
    assert.equal(await picker.getAttribute('aria-invalid'), 'false');
  });

  it('validates the JSON as it is typed, at the line', async () => {
    await setPayload(page, '{\n  "type": "track"\n  "event": "Order Completed"\n}');
    const status = page.locator('#payload-editor-status');
    assert.match((await status.textContent()) ?? '', /Line 3, column 3: Expected ',' or '}' after the value of "type": a comma is missing/);
    assert.equal(await page.getAttribute('#payload-editor', 'aria-invalid'), 'true');
    assert.equal(await page.locator('.gutter-line.mark-error').textContent(), '3');
    await shot(page, '03-json-error');
    await page.keyboard.press('Control+Enter');
    assert.match((await page.textContent('#console-message')) ?? '', /not valid JSON \(line 3, column 3\)/);
    await setPayload(page, payload());
    assert.match((await status.textContent()) ?? '', /Valid JSON/);
  });

  it('sends and shows the exact Event API request', async () => {
    const event = payload();
    await setPayload(page, event);
    await sendAndWait(page);
    assert.match((await page.textContent('#verdict')) ?? '', /Sent: the Event API accepted it/);
    assert.equal(await page.textContent('#request-url'), 'https://logx.optimizely.com/v1/events');
    const raw = await page.locator('#result pre.body-raw').textContent();
    assert.equal(raw, await expectedBody(event));
    const record = await latestRecord(emulator);
    assert.equal(raw, record.outcomes[0].eventApiRequest?.body);
    assert.equal(raw, record.outcomes[0].exchanges.find((exchange) => exchange.request.method === 'POST')?.request.body);
    assert.deepEqual(JSON.parse(await page.locator('#result pre.body-pretty').textContent() ?? ''), JSON.parse(raw ?? ''));
    assert.match((await page.textContent('table.headers')) ?? '', /user-agentSegment \(Actions\)/);
    await shot(page, '04-sent');
    await page.click('vscode-tab-header[data-tab=checks]');
    const checks = page.locator('vscode-tab-panel[data-panel=checks] li.check');
    assert.ok((await checks.count()) > 0, 'the checklist is shown');
    assert.equal(await page.locator('vscode-tab-panel[data-panel=checks] li.check-fail').count(), 0, 'nothing fails for a well-formed conversion');
    for (const check of await page.locator('vscode-tab-panel[data-panel=checks] li.check-warn').all()) assert.match((await check.locator('.check-fix').textContent()) ?? '', /^Fix: ./);
    await page.click('vscode-tab-header[data-tab=request]');

    await page.click('#copy-body');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), raw);
    await page.click('#copy-curl');
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(curl, /^curl -X POST 'https:\/\/logx\.optimizely\.com\/v1\/events'/);
    assert.ok(curl.includes(`--data-raw '${raw}'`));
    await page.click('#copy-fixture');
    const fixture = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    assert.deepEqual(fixture.input, { payload: event });
    assert.equal(fixture.expected.status, 'sent');
    assert.equal(fixture.expected.request.body, raw);

    await page.click('vscode-tab-header[data-tab=exchanges]');
    const exchanges = page.locator('vscode-tab-panel[data-panel=exchanges] details.exchange summary');
    assert.equal(await exchanges.count(), 2);
    assert.match((await exchanges.nth(0).textContent()) ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/datafiles\/shop\.datafile\.json → 200/);
    assert.match((await exchanges.nth(1).textContent()) ?? '', /^POST http:\/\/127\.0\.0\.1:\d+\/v1\/events → 204/);
  });

  it('compares the Event API body with the previous send', async () => {
    await setPayload(page, payload({ properties: { revenue: 5999, currency: 'USD' } }));
    await sendAndWait(page, (await latestRecord(emulator)).id);
    await page.click('vscode-tab-header[data-tab=diff]');
    const changes = page.locator('vscode-tab-panel[data-panel=diff] .value-changes li');
    assert.equal(await changes.count(), 1);
    assert.equal(await changes.first().textContent(), 'visitors[0].snapshots[0].events[0].revenue: 4999 → 5999');
    assert.deepEqual(await page.locator('vscode-tab-panel[data-panel=diff] .diff-removed').allTextContents(), ['-               "revenue": 4999,\n']);
    assert.deepEqual(await page.locator('vscode-tab-panel[data-panel=diff] .diff-added').allTextContents(), ['+               "revenue": 5999,\n']);
    await shot(page, '05-diff');
  });

  it('shows Segment’s rejection with the offending field highlighted, and the checks', async () => {
    await setPayload(page, payload({ properties: { revenue: 19.99, currency: 'USD' } }));
    await sendAndWait(page, (await latestRecord(emulator)).id);
    const verdict = (await page.textContent('#verdict')) ?? '';
    assert.match(verdict, /Segment rejects this event/);
    assert.match(verdict, /AggregateAjvError: Revenue must be an integer but it was a number\./);
    assert.match((await page.textContent('#verdict .error-field[data-field="revenue"]')) ?? '', /^revenue: Revenue must be an integer but it was a number\./);
    // The mapping row of the field and the payload line it is read from are marked.
    const row = page.locator('.mapping-row[data-field="revenue"]');
    assert.equal(await row.getAttribute('aria-invalid'), 'true');
    assert.match((await row.locator('.segment-field-error').textContent()) ?? '', /Segment: Revenue must be an integer/);
    const editorText = await page.inputValue('#payload-editor');
    const revenueLine = editorText.split('\n').findIndex((line) => line.includes('"revenue": 19.99')) + 1;
    assert.deepEqual(await page.locator('.gutter-line.mark-field').allTextContents(), [String(revenueLine)]);
    assert.match((await page.textContent('#payload-editor-status')) ?? '', new RegExp(`Line ${revenueLine}: revenue — Revenue must be an integer`));
    await page.click('#verdict .error-field button:has-text("show mapping")');
    await page.waitForFunction(() => (document.querySelector('#mapping-section') as HTMLElement & { open?: boolean })?.open === true);
    await page.waitForTimeout(150);
    await shot(page, '06-rejected');
    await page.click('vscode-tab-header[data-tab=checks]');
    const failing = page.locator('vscode-tab-panel[data-panel=checks] li.check-fail[data-check="segment.validation"]');
    assert.equal(await failing.count(), 1);
    assert.match((await failing.locator('.check-fix').textContent()) ?? '', /send 1999 instead of 19\.99/);
    await page.locator('vscode-tab-panel[data-panel=checks]').scrollIntoViewIfNeeded();
    await shot(page, '07-checks');
    // The README's picture: the rejection, its field in the payload, and the checklist, in one screen.
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, '00-readme', false);
    assert.match((await page.textContent('vscode-tab-panel[data-panel=request]')) ?? '', /No request: Segment rejected the event before building it/);
  });

  it('edits a field’s mapping in the form', async () => {
    await page.click('#mapping-mode-revenue');
    await page.locator('#mapping-mode-revenue').getByRole('option', { name: 'Literal', exact: true }).click();
    const literal = page.locator('#mapping-revenue-literal input');
    await literal.fill('1234');
    assert.match((await page.textContent('.mapping-row[data-field="revenue"] .mapping-preview')) ?? '', /→ 1234/);
    assert.match((await page.textContent('#mapping-summary')) ?? '', /1 field changed/);
    await sendAndWait(page, (await latestRecord(emulator)).id);
    const record = await latestRecord(emulator);
    assert.deepEqual(JSON.parse(record.rawBody).mapping, { revenue: 1234 });
    assert.match(record.outcomes[0].eventApiRequest?.body ?? '', /"revenue":1234/);
    assert.match((await page.textContent('#verdict')) ?? '', /Sent/);
    // Back to the default.
    await page.click('#mapping-mode-revenue');
    await page.locator('#mapping-mode-revenue').getByRole('option', { name: 'Default', exact: true }).click();
    assert.match((await page.textContent('#mapping-summary')) ?? '', /defaults/);
  });

  it('updates the history from another client’s send, and opens any record', async () => {
    const other = payload({ event: 'Checkout Started', userId: 'other-client', messageId: 'msg-other' });
    const response = await fetch(`${emulator.url}/trackEvent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload: other }) });
    assert.equal(response.status, 200);
    // The emulator's Event API sink records the delivered batch too; open the /trackEvent record.
    const item = page.locator('.history-item[aria-label$="via trackEvent"]', { hasText: 'other-client' });
    await item.waitFor({ timeout: 10_000 });
    assert.match((await item.textContent()) ?? '', /sent\s*Checkout Started\s*other-client\s*trackEvent/);
    await item.click();
    await page.waitForFunction(() => (document.querySelector('#payload-editor') as HTMLTextAreaElement).value.includes('other-client'));
    assert.deepEqual(JSON.parse(await page.inputValue('#payload-editor')), other);
    assert.equal(await item.getAttribute('aria-current'), 'true');
    await page.click('vscode-tab-header[data-tab=request]');
    assert.equal(await page.locator('#result pre.body-raw').textContent(), await expectedBody(other));
    await page.locator('.history').scrollIntoViewIfNeeded();
    await shot(page, '08-history');
  });

  it('asks before anything goes live, saying where it goes', async () => {
    const before = (await latestRecord(emulator)).id;
    await page.click('#live-toggle');
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', /Live send posts the Event API request to https:\/\/logx\.optimizely\.com\/v1\/events — Optimizely’s real Event API for account 21437658901/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'live-cancel');
    await shot(page, '09-live-confirm', false);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(((await (await fetch(`${emulator.url}/api/config`)).json()) as { live: boolean }).live, false);

    await page.check('#live-once');
    await page.keyboard.press('Control+Enter');
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', /Only this one request goes live/);
    await dialog.getByText('Cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    await page.uncheck('#live-once');
    assert.equal((await latestRecord(emulator)).id, before, 'nothing was sent');
    assert.equal(((await (await fetch(`${emulator.url}/api/config`)).json()) as { live: boolean }).live, false);
  });

  it('restores its state after a reload', async () => {
    const text = await page.inputValue('#payload-editor');
    const verdict = await page.textContent('#verdict-title');
    await page.waitForTimeout(300); // the state is saved shortly after the last change
    await page.reload();
    await page.waitForSelector('#verdict');
    assert.equal(await page.inputValue('#payload-editor'), text);
    assert.equal(await page.textContent('#verdict-title'), verdict);
  });

  it('labels every control and reaches them by keyboard', async () => {
    const unlabelled = await page.evaluate(() => {
      const missing: string[] = [];
      for (const element of Array.from(document.querySelectorAll<HTMLElement>('input, textarea, select, button, vscode-textfield, vscode-single-select, vscode-button'))) {
        if (element.closest('[hidden]') || element.closest('.visually-hidden') || element.classList.contains('offscreen')) continue;
        const labelled =
          (element.tagName.startsWith('VSCODE-') && (element as HTMLElement & { label?: string }).label) ||
          element.getAttribute('aria-label') ||
          element.getAttribute('aria-labelledby') ||
          (element as HTMLInputElement).labels?.length ||
          (['BUTTON', 'VSCODE-BUTTON'].includes(element.tagName) && element.textContent?.trim());
        if (!labelled) missing.push(element.outerHTML.slice(0, 80));
      }
      return missing;
    });
    assert.deepEqual(unlabelled, []);
    await page.click('#settings-section');
    await page.focus('#payload-editor');
    const reached = new Set<string>();
    for (let index = 0; index < 40; index++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName.toLowerCase() || ''));
    }
    for (const id of ['setting-accountId', 'mapping-mode-eventKey', 'send', 'live-once']) assert.ok([...reached].some((name) => name === id || name.startsWith(id)), `${id} not reached by Tab; reached ${[...reached].join(', ')}`);
  });

  it('follows the system theme in a browser (dark and forced colours)', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => window.scrollTo(0, 0));
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(31, 31, 31)');
    await shot(page, '10-dark');
    await page.emulateMedia({ colorScheme: 'light', forcedColors: 'active' });
    await shot(page, '11-forced-colors', false);
    await page.emulateMedia({ colorScheme: 'light', forcedColors: 'none' });
  });
});

describe('test console in a webview harness (the VS Code host protocol, in Chromium)', function () {
  this.timeout(120_000);
  let emulator: RunningEmulator;
  let browser: Browser;
  let page: Page;
  let channel: ConsoleChannel;
  let problems: PageProblems;
  const ORIGIN = 'https://webview.test';

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run apt-get install -y chromium (.ci/run does).`);
    if (!existsSync(path.join(ROOT, 'dist', 'webview.js'))) execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
    emulator = await startEmulator({ port: 0, datafile: DATAFILE });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = await watch(page);
    // The page as the panel builds it: VS Code's CSP, assets from the resource origin, acquireVsCodeApi injected.
    await context.route(`${ORIGIN}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/index.html') {
        const nonce = randomBytes(16).toString('base64');
        const html = consolePageHtml({ scriptUri: `${ORIGIN}/dist/webview.js`, styleUri: `${ORIGIN}/dist/webview.css`, nonce, csp: webviewCsp(ORIGIN, nonce), standalone: false }).replace(
          '<body>',
          `<body class="vscode-dark"><script nonce="${nonce}" src="${ORIGIN}/stub.js"></script>`,
        );
        await route.fulfill({ contentType: 'text/html', body: html });
      } else if (url.pathname === '/stub.js') {
        await route.fulfill({
          contentType: 'text/javascript',
          body: `for (const [name, value] of ${JSON.stringify(darkThemeVariables())}) document.documentElement.style.setProperty(name, value);
          document.documentElement.style.background = 'var(--vscode-editor-background)';
          window.acquireVsCodeApi = () => ({
            postMessage: (m) => window.toExtension(m),
            getState: () => JSON.parse(sessionStorage.getItem('vscode-state') || 'null'),
            setState: (s) => sessionStorage.setItem('vscode-state', JSON.stringify(s)),
          });`,
        });
      } else {
        await route.fulfill({ path: path.join(ROOT, url.pathname) });
      }
    });
    context.setDefaultTimeout(10_000);
    // One channel for the panel's life, as in ConsolePanel: a reloaded webview says ready again.
    channel = new ConsoleChannel({
      backend: serviceBackend(emulator.service),
      post: (message) => page.evaluate((m) => window.postMessage(m, '*'), message).catch(() => undefined),
      copyText: async () => undefined,
    });
    await page.exposeFunction('toExtension', (message: unknown) => channel.receive(message));
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() => /revision 87/.test(document.querySelector('#datafile-info')?.textContent ?? ''));
  });

  after(async () => {
    channel?.dispose();
    await browser?.close();
    await emulator?.close();
  });

  afterEach(function () {
    if (problems && this.currentTest?.state === 'passed') assert.deepEqual(problems.errors, [], 'the page logged errors or CSP violations');
  });

  it('sends through the extension and shows the request', async () => {
    const event = payload({ messageId: 'msg-webview' });
    await setPayload(page, event);
    await sendAndWait(page);
    assert.equal(await page.locator('#result pre.body-raw').textContent(), await expectedBody(event));
    await shot(page, '12-webview-dark');
  });

  it('receives history pushes from the extension', async () => {
    await fetch(`${emulator.url}/trackEvent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload: payload({ userId: 'pushed-visitor' }) }) });
    await page.locator('.history-item[aria-label$="via trackEvent"]', { hasText: 'pushed-visitor' }).waitFor({ timeout: 10_000 });
  });

  it('restores from getState after the webview reloads', async () => {
    const text = await page.inputValue('#payload-editor');
    await page.waitForTimeout(300);
    await page.reload();
    await page.waitForSelector('#verdict');
    assert.equal(await page.inputValue('#payload-editor'), text);
    assert.match((await page.textContent('#verdict')) ?? '', /Sent/);
  });
});
