/**
 * The end-to-end scenarios, in order, as a user sees them in a real VS Code (code-server) with the VSIX
 * installed and test/e2e/workspace open. Each asserts what is on screen (views, status bar, webview, editor,
 * dialogs) and what it did (the emulator's HTTP API, the file on disk). Later scenarios build on earlier ones
 * (the emulator started in 2 receives the events of 3 and 4).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { activityItem, consoleFrame, expandRow, rowLabels, sidebarPane, statusItem, treeRow } from './harness';

export interface ScenarioContext {
  page: Page;
  /** The emulator's port, from the workspace settings (a free port chosen for this run). */
  emulatorPort: number;
  /** The workspace folder code-server opened (a fresh copy of test/e2e/workspace). */
  workspace: string;
  /** Saves a screenshot as test-results/e2e/<name>.png. */
  shot(name: string): Promise<void>;
  /** Prints a remark under the scenario (e.g. a retried step). */
  note(message: string): void;
}

export interface Scenario {
  title: string;
  run(context: ScenarioContext): Promise<void>;
}

const EVENT_KEYS = ['Order Completed', 'Product Added', 'Checkout Started', 'Product Viewed', 'Newsletter Signed Up'];
/** Top-level experiments, then those of the exclusion group, as the datafile lists them. */
const EXPERIMENTS = ['checkout_button_color', 'free_shipping_banner', 'holiday_homepage_2024', 'one_page_checkout', 'product_recs_test', 'search_ranking_v2', 'search_autocomplete'];
const ACCOUNT_ID = '21437658901';

async function poll<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The running emulator's effective configuration (GET /api/config): `live` is the live-send switch. */
async function emulatorConfig(port: number): Promise<{ live?: boolean; eventApiTarget?: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/api/config`);
  assert.equal(response.status, 200);
  return (await response.json()) as { live?: boolean; eventApiTarget?: string };
}

/** Shows our view container (clicking its activity item when it is already shown would hide the side bar). */
async function showPane(page: Page, title: string) {
  const pane = sidebarPane(page, title);
  if (!(await pane.isVisible())) await activityItem(page).click();
  await pane.waitFor({ state: 'visible' });
  return pane;
}

/**
 * Picks an item of the open context menu. The menu ignores a click that comes right after it opened (the
 * release of the right click must not choose an item), so hover first, and fall back to Enter on the item.
 */
async function chooseMenuItem(page: Page, name: string): Promise<void> {
  const item = page.getByRole('menuitem', { name });
  await item.waitFor({ state: 'visible' });
  await item.hover();
  await page.waitForTimeout(150);
  await item.click();
  try {
    await item.waitFor({ state: 'hidden', timeout: 1_000 });
  } catch {
    await item.hover();
    await page.keyboard.press('Enter');
    await item.waitFor({ state: 'hidden' });
  }
}

export const scenarios: Scenario[] = [
  {
    title: 'the activity-bar container opens and the Datafile view lists the workspace datafile’s events and experiments',
    async run({ page, shot }) {
      await activityItem(page).click();
      const datafile = sidebarPane(page, 'Datafile');
      await datafile.waitFor({ state: 'visible' });
      // The workspace setting points at datafile.json: the header names the project, its revision and the file.
      const header = treeRow(datafile, 'Project 21448720155');
      await header.waitFor({ timeout: 20_000 });
      assert.match((await header.locator('.label-description').textContent()) ?? '', /revision 87/);
      assert.match((await treeRow(datafile, 'File').locator('.label-description').textContent()) ?? '', /datafile\.json$/);
      await header.locator('.monaco-tl-twistie').click(); // collapse the details: the tree only renders rows in view
      await treeRow(datafile, 'Account').waitFor({ state: 'detached' });
      await expandRow(treeRow(datafile, 'Events'));
      await treeRow(datafile, EVENT_KEYS[EVENT_KEYS.length - 1]).waitFor();
      await expandRow(treeRow(datafile, 'Experiments'));
      await treeRow(datafile, EXPERIMENTS[EXPERIMENTS.length - 1]).waitFor();
      const labels = await rowLabels(datafile);
      for (const key of [...EVENT_KEYS, ...EXPERIMENTS]) assert.ok(labels.includes(key), `the Datafile view lists ${key} (it shows: ${labels.join(', ')})`);
      // Events come before experiments, in datafile order.
      const events = labels.slice(labels.indexOf('Events') + 1, labels.indexOf('Experiments'));
      assert.deepEqual(events, EVENT_KEYS);
      assert.deepEqual(labels.slice(labels.indexOf('Experiments') + 1, labels.indexOf('Experiments') + 1 + EXPERIMENTS.length), EXPERIMENTS);
      await shot('01-datafile-view');
    },
  },
  {
    title: 'the Emulator view’s welcome button starts the emulator and the status bar shows its port',
    async run({ page, emulatorPort, shot }) {
      const emulator = sidebarPane(page, 'Emulator');
      await emulator.waitFor({ state: 'visible' });
      assert.match((await statusItem(page).textContent()) ?? '', /Emulator off/);
      const welcome = emulator.locator('.welcome-view-content');
      assert.match((await welcome.textContent()) ?? '', /The emulator is not running/);
      await shot('02a-emulator-welcome');
      await welcome.getByRole('button', { name: 'Start Emulator' }).click();
      await statusItem(page).filter({ hasText: `Emulator :${emulatorPort}` }).waitFor({ timeout: 20_000 });
      await treeRow(emulator, 'Running').waitFor();
      assert.match((await treeRow(emulator, 'Running').locator('.label-description').textContent()) ?? '', new RegExp(`127\\.0\\.0\\.1:${emulatorPort}`));
      assert.equal(await welcome.count(), 0, 'the welcome content is gone');
      const manifest = await fetch(`http://127.0.0.1:${emulatorPort}/manifest`);
      assert.equal(manifest.status, 200, 'the emulator answers on the port the status bar shows');
      await shot('02b-emulator-running');
    },
  },
  {
    title: 'an event’s context menu opens the console with its key; sending shows the Event API body and the checks, and the Emulator view the record',
    async run({ page, emulatorPort, shot }) {
      const datafile = sidebarPane(page, 'Datafile');
      await treeRow(datafile, 'Order Completed').click({ button: 'right' });
      await chooseMenuItem(page, 'Compose Test Event…');
      await page.locator('.tabs-container .tab', { hasText: 'Console' }).waitFor();
      const frame = consoleFrame(page);
      const picker = frame.getByRole('combobox', { name: /Event key/ });
      await picker.waitFor({ timeout: 20_000 });
      assert.equal(await picker.inputValue(), 'Order Completed', 'the key is prefilled');
      const payload = JSON.parse(await frame.locator('#payload-editor').inputValue()) as { event: string; type: string };
      assert.equal(payload.type, 'track');
      assert.equal(payload.event, 'Order Completed');
      await shot('03a-console-prefilled');

      await frame.locator('#send').click();
      const raw = frame.locator('#result pre.body-raw');
      await raw.waitFor({ timeout: 20_000 });
      const body = JSON.parse((await raw.textContent()) ?? '') as { account_id: string; visitors: { snapshots: { events: { key: string; entity_id: string }[] }[] }[] };
      assert.equal(body.account_id, ACCOUNT_ID);
      assert.equal(body.visitors[0].snapshots[0].events[0].key, 'Order Completed');
      assert.equal(body.visitors[0].snapshots[0].events[0].entity_id, '21470030001');
      assert.match((await frame.locator('#verdict').textContent()) ?? '', /Sent/);
      const checks = frame.locator('vscode-tab-panel[data-panel=checks] li.check');
      assert.ok((await checks.count()) > 0, 'the checklist is shown');
      assert.equal(await frame.locator('vscode-tab-panel[data-panel=checks] li.check-fail').count(), 0, 'nothing fails for the prefilled conversion');
      await shot('03b-console-sent');
      await frame.locator('vscode-tab-header[data-tab=checks]').click();
      await frame.locator('vscode-tab-panel[data-panel=checks] li.check').first().waitFor({ state: 'visible' });
      await shot('03c-console-checks');

      const emulator = sidebarPane(page, 'Emulator');
      const record = treeRow(emulator, 'Order Completed');
      await record.waitFor();
      const events = (await (await fetch(`http://127.0.0.1:${emulatorPort}/api/events?route=trackEvent`)).json()) as { events: { event?: string; status: string }[] };
      assert.equal(events.events.length, 1, 'one record in the emulator');
      assert.equal(events.events[0].event, 'Order Completed');
      assert.equal(events.events[0].status, 'sent');
      await shot('03d-emulator-record');
    },
  },
  {
    title: 'a request from outside (an app posting to /v1/track) appears in the Emulator view',
    async run({ page, emulatorPort, shot }) {
      const response = await fetch(`http://127.0.0.1:${emulatorPort}/v1/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('e2e-write-key:').toString('base64')}` },
        body: JSON.stringify({ userId: 'e2e-outside-user', event: 'Checkout Started', properties: { cart_value: 120 }, context: { traits: { plan: 'pro' } } }),
      });
      assert.equal(response.status, 200, `POST /v1/track answered ${response.status}: ${await response.text()}`);
      const emulator = sidebarPane(page, 'Emulator');
      const record = treeRow(emulator, 'Checkout Started');
      await record.waitFor();
      assert.match((await record.locator('.label-description').textContent()) ?? '', /^e2e-outside-user · /);
      const labels = await rowLabels(emulator);
      assert.ok(labels.indexOf('Checkout Started') < labels.indexOf('Order Completed'), `newest first (rows: ${labels.join(', ')})`);
      await record.click();
      await shot('04-outside-request');
    },
  },
  {
    title: 'the misspelled key in src/app.js is underlined and listed in Problems; the quick fix replaces it with the datafile’s key',
    async run({ page, workspace, shot, note }) {
      const file = join(workspace, 'src', 'app.js');
      const before = readFileSync(file, 'utf8');
      assert.match(before, /analytics\.track\('Order Complete',/);
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible' });
      await input.fill('app.js');
      await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'app.js' }).first().click();
      const editor = page.locator('.part.editor .editor-instance .monaco-editor').first();
      await page.locator('.tabs-container .tab', { hasText: 'app.js' }).waitFor();
      const squiggle = editor.locator('.squiggly-warning');
      await squiggle
        .first()
        .waitFor({ timeout: 20_000 })
        .catch((error: Error) => {
          throw new Error(`no warning squiggle in src/app.js after 20 s: the unknown-event-key diagnostic did not appear (${error.message.split('\n')[0]})`);
        });
      assert.equal(await squiggle.count(), 1, 'one warning squiggle: the misspelled key only');

      await page.keyboard.press('Control+Shift+M');
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Event key "Order Complete" is not in the datafile' });
      await problem.waitFor();
      assert.match((await problem.textContent()) ?? '', /Did you mean "Order Completed"/);
      await shot('05a-problem');

      // Click into the misspelled key, then the quick fix (Ctrl+.), as a user would. The menu lists every
      // provider's actions, so it waits for the TypeScript server too, which is slow to start on a small machine
      // and sometimes drops the first request: like a user, try again.
      const key = editor.locator('.view-lines span', { hasText: /^'Order\sComplete'$/ }); // Monaco renders spaces as &nbsp;
      const fix = page.locator('.action-widget .monaco-list-row.action', { hasText: 'Change to "Order Completed"' });
      for (let attempt = 1; ; attempt++) {
        await key.click();
        await page.locator('.part.editor .monaco-editor.focused').waitFor();
        // The light bulb shows once every provider has answered for the cursor position.
        await editor.locator('.lightBulbWidget').waitFor({ timeout: 10_000 }).catch(() => note(`no light bulb after 10 s (attempt ${attempt})`));
        await page.keyboard.press('Control+.');
        try {
          await fix.waitFor({ timeout: 10_000 });
          if (attempt > 1) note(`the quick-fix menu opened on attempt ${attempt}`);
          break;
        } catch (error) {
          if (attempt === 3) throw error;
          await page.keyboard.press('Escape');
        }
      }
      await shot('05b-quick-fix');
      await fix.click();
      await poll('the squiggle to go', async () => (await squiggle.count()) === 0);
      await page.keyboard.press('Control+S');
      const after = await poll('the fixed file on disk', async () => {
        const text = readFileSync(file, 'utf8');
        return text !== before && text;
      });
      assert.equal(after, before.replace("analytics.track('Order Complete',", "analytics.track('Order Completed',"));
      assert.doesNotMatch(after, /'Order Complete'/);
      await poll('Problems to clear', async () => (await problem.count()) === 0);
      await shot('05c-quick-fix-applied');
    },
  },
  {
    title: 'toggling live send asks first; Cancel leaves it off',
    async run({ page, emulatorPort, workspace, shot }) {
      const settingsFile = join(workspace, '.vscode', 'settings.json');
      const settingsBefore = readFileSync(settingsFile, 'utf8');
      const emulator = await showPane(page, 'Emulator');
      await emulator.locator('.pane-header').hover();
      await emulator.locator('.pane-header .actions').getByRole('button', { name: 'Toggle Live Send to Optimizely…' }).click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor();
      assert.match((await dialog.locator('.dialog-message-text').textContent()) ?? '', /Send events to Optimizely for real\?/);
      assert.match((await dialog.locator('.dialog-message-detail').textContent()) ?? '', /https:\/\/logx\.optimizely\.com\/v1\/events/);
      await shot('06a-live-send-confirm');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(readFileSync(settingsFile, 'utf8'), settingsBefore, 'the workspace settings are unchanged');
      const status = (await statusItem(page).textContent()) ?? '';
      assert.match(status, new RegExp(`Emulator :${emulatorPort}`));
      assert.doesNotMatch(status, /LIVE/);
      await treeRow(emulator, 'Live send: off').waitFor();
      const config = await emulatorConfig(emulatorPort);
      assert.equal(config.live, false, `the emulator is not live: ${JSON.stringify(config)}`);
      await shot('06b-live-send-cancelled');
    },
  },
];
