/**
 * The extension inside a real VS Code (code-server's extension host): activation cost, commands,
 * the Datafile view on the sample datafile, starting and stopping the emulator, the access token's
 * round trip through SecretStorage, and settings changes reaching the running emulator.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SegmentOptimizelyApi } from '../../../src/extension/extension';
import type { ModelNode } from '../../../src/extension/views/treeNode';

const EXTENSION_ID = 'segment-optimizely-emulator.segment-optimizely-emulator';
const SECTION = 'segmentOptimizely';
const metrics = (globalThis as { segmentOptimizelyTestMetrics?: Record<string, number | string | boolean> }).segmentOptimizelyTestMetrics ?? {};

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

function labels(nodes: readonly ModelNode[]): string[] {
  return nodes.map((node) => node.label);
}

describe('Segment → Optimizely extension in VS Code', () => {
  let extension: vscode.Extension<SegmentOptimizelyApi>;
  let api: SegmentOptimizelyApi;
  const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

  before(async () => {
    const found = vscode.extensions.getExtension<SegmentOptimizelyApi>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not installed in the extension host`);
    extension = found;
    metrics.activeBeforeTests = extension.isActive;
    const started = performance.now();
    api = await extension.activate();
    metrics.activateWithLoadMs = Math.round((performance.now() - started) * 10) / 10;
    metrics.activateOnlyMs = Math.round(api.activationMs * 10) / 10;
    metrics.moduleEvaluationMs = Math.round(api.moduleEvaluationMs * 10) / 10;
    await setSetting('emulator.port', 0); // a free port: CI machines may run something on 8787
  });

  after(async () => {
    await vscode.commands.executeCommand('segmentOptimizely.stopEmulator');
    for (const key of ['emulator.port', 'eventApiUrl', 'historyLimit', 'datafile.path', 'datafile.url', 'liveSend']) await setSetting(key, undefined);
    await vscode.commands.executeCommand('segmentOptimizely.clearAccessToken');
  });

  it('activates without starting or loading anything', () => {
    assert.equal(api.emulator.state, 'stopped');
    assert.equal(api.datafile.state.status, 'none');
    assert.ok(api.activationMs < 1_000, `activate() took ${api.activationMs} ms`);
  });

  it('registers every contributed command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 25);
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), []);
  });

  it('shows the sample datafile in the Datafile view', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.segmentOptimizely');
    await vscode.commands.executeCommand('segmentOptimizely.loadSampleDatafile');
    const roots = await waitFor('the datafile tree', async () => {
      const nodes = await api.datafileTree.getChildren();
      return nodes && nodes.some((node) => node.label === 'Events') ? nodes : undefined;
    });
    assert.equal(roots[0].label, 'Project 21448720155');
    const events = roots.find((node) => node.label === 'Events')!;
    assert.deepEqual(labels(events.children()), ['Order Completed', 'Product Added', 'Checkout Started', 'Product Viewed', 'Newsletter Signed Up']);
    assert.equal(events.children()[4].icon?.id, 'warning');
    const item = api.datafileTree.getTreeItem(events.children()[0]);
    assert.equal(item.label, 'Order Completed');
    assert.match(String(item.contextValue), /\bcompose\b/);
  });

  it('reveals an event in a read-only copy of the sample datafile', async () => {
    await vscode.commands.executeCommand('segmentOptimizely.revealInDatafile', '/events/4');
    const editor = await waitFor('the datafile editor', () => vscode.window.activeTextEditor?.document.uri.scheme === 'segment-optimizely-datafile' && vscode.window.activeTextEditor);
    assert.match(editor.document.getText(editor.selection), /"key": "Newsletter Signed Up"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('starts the emulator, shows received events live, and stops it', async () => {
    await vscode.commands.executeCommand('segmentOptimizely.startEmulator');
    assert.equal(api.emulator.state, 'running');
    const url = api.emulator.url!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const manifest = await fetch(`${url}/manifest`);
    assert.equal(manifest.status, 200);
    const response = await fetch(`${url}/trackEvent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload: { type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'msg-1', timestamp: '2026-01-08T13:52:50.212Z', properties: { revenue: 4999 } } }),
    });
    assert.equal(response.status, 200);
    const record = await waitFor('the record in the Emulator view', () => api.historyTree.getChildren().find((node) => node.label === 'Order Completed'));
    assert.match(record.description ?? '', /^user-123 · /);
    const rootLabels = labels(api.historyTree.getChildren());
    assert.deepEqual(rootLabels.slice(0, 2), ['Running', 'Live send: off']);

    await vscode.commands.executeCommand('segmentOptimizely.stopEmulator');
    assert.equal(api.emulator.state, 'stopped');
    assert.deepEqual(api.historyTree.getChildren(), []);
    await assert.rejects(fetch(`${url}/manifest`));
  });

  it('keeps the access token in secret storage only, and hands it to the emulator', async () => {
    const token = 'test-token-5f0e9c1d2b';
    await vscode.commands.executeCommand('segmentOptimizely.setAccessToken', token);
    assert.equal(await api.hasAccessToken(), true);
    const settingsText = JSON.stringify(vscode.workspace.getConfiguration(SECTION));
    assert.ok(!settingsText.includes(token), 'the token is not in the settings');
    await vscode.commands.executeCommand('segmentOptimizely.startEmulator');
    const service = api.emulator.emulator!.service;
    assert.equal(service.config.defaultSettings.accessToken, token);
    await vscode.commands.executeCommand('segmentOptimizely.clearAccessToken');
    assert.equal(await api.hasAccessToken(), false);
    await waitFor('the token to leave the running emulator', () => service.config.defaultSettings.accessToken === undefined);
    await vscode.commands.executeCommand('segmentOptimizely.setAccessToken', token);
    await waitFor('the token to reach the running emulator', () => service.config.defaultSettings.accessToken === token);
  });

  it('applies settings changes to the running emulator (in place, or by restarting it)', async () => {
    if (api.emulator.state !== 'running') await vscode.commands.executeCommand('segmentOptimizely.startEmulator');
    const first = api.emulator.emulator!;
    await setSetting('eventApiUrl', 'http://127.0.0.1:9/v1/events');
    await waitFor('the Event API URL', () => first.service.eventApiTarget === 'http://127.0.0.1:9/v1/events');
    assert.equal(api.emulator.emulator, first, 'applied in place, no restart');
    await setSetting('eventApiUrl', undefined);
    await waitFor('the local sink again', () => first.service.eventApiTarget === `${first.url}/v1/events`);

    await setSetting('historyLimit', 123);
    const restarted = await waitFor('a restart with the new history limit', () => api.emulator.state === 'running' && api.emulator.emulator !== first && api.emulator.emulator);
    assert.equal(restarted.service.history.limit, 123);
    assert.equal(restarted.service.config.defaultSettings.accessToken, 'test-token-5f0e9c1d2b', 'the token survives a restart');

    const fixture = path.join(repoRoot, 'test', 'fixtures', 'datafiles', 'java-sdk__valid-project-config-v4.json');
    await vscode.commands.executeCommand('segmentOptimizely.loadDatafileFromFile', fixture);
    const events = await waitFor('the fixture datafile in the tree', async () => {
      const roots = await api.datafileTree.getChildren();
      const node = roots?.find((root) => root.label === 'Events');
      return node && labels(node.children()).includes('basic_event') ? node : undefined;
    });
    assert.deepEqual(labels(events.children()), ['basic_event', 'event_with_paused_experiment', 'event_with_launched_experiments_only']);
    const serving = await waitFor('the emulator serving the fixture', () => api.emulator.emulator?.datafileUrl?.endsWith('/datafiles/java-sdk__valid-project-config-v4.json') && api.emulator.emulator);
    const served = await fetch(serving.datafileUrl!);
    assert.equal(served.status, 200);
  });

  it('reloads a workspace datafile when the file changes', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the test workspace is open');
    const file = path.join(folder, 'shop.datafile.json');
    const sample = fs.readFileSync(path.join(repoRoot, 'samples', 'shop.datafile.json'), 'utf8');
    fs.writeFileSync(file, sample);
    await vscode.commands.executeCommand('segmentOptimizely.loadDatafileFromFile', file);
    assert.equal(vscode.workspace.getConfiguration(SECTION).get('datafile.path'), 'shop.datafile.json', 'stored relative to the workspace');
    const eventLabels = async () => {
      const roots = await api.datafileTree.getChildren();
      const events = roots?.find((root) => root.label === 'Events');
      return events ? labels(events.children()) : [];
    };
    await waitFor('the workspace datafile', async () => (await eventLabels()).includes('Newsletter Signed Up'));
    fs.writeFileSync(file, sample.replace('"Newsletter Signed Up"', '"Newsletter Subscribed"'));
    await waitFor('the reloaded datafile', async () => (await eventLabels()).includes('Newsletter Subscribed'), 15_000);
  });

  it('loads a datafile from a URL (what Segment fetches) and refreshes it on command', async () => {
    let revision = 1;
    const server = http.createServer((_req, res) => {
      const text = fs.readFileSync(path.join(repoRoot, 'samples', 'shop.datafile.json'), 'utf8').replace('"revision": "87"', `"revision": "${revision}"`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/datafiles/shop.json`;
    try {
      await vscode.commands.executeCommand('segmentOptimizely.loadDatafileFromUrl', url);
      const header = async () => (await api.datafileTree.getChildren())?.[0];
      await waitFor('revision 1 from the URL', async () => (await header())?.description === 'production · revision 1');
      assert.equal(api.datafile.state.status === 'loaded' && api.datafile.state.source.kind, 'url');
      revision = 2;
      await vscode.commands.executeCommand('segmentOptimizely.refreshDatafile');
      await waitFor('revision 2 after a refresh', async () => (await header())?.description === 'production · revision 2');
      if (api.emulator.state === 'running') await waitFor('the emulator pointing at the URL', () => api.emulator.emulator?.service.config.defaultSettings.dataFileUrl === url);
    } finally {
      server.close();
      await vscode.commands.executeCommand('segmentOptimizely.loadSampleDatafile'); // clears the URL setting
    }
    assert.equal(vscode.workspace.getConfiguration(SECTION).get('datafile.url'), '');
  });

  it('asks before turning live send on (declined dialogs leave it off)', async () => {
    await vscode.commands.executeCommand('segmentOptimizely.toggleLiveSend');
    assert.equal(vscode.workspace.getConfiguration(SECTION).get('liveSend'), false);
    assert.equal(api.emulator.live, false);
  });

  it('opens the test console prefilled with a track event for an event key', async () => {
    if (api.emulator.state !== 'running') await vscode.commands.executeCommand('segmentOptimizely.startEmulator');
    await vscode.commands.executeCommand('segmentOptimizely.composeEvent', 'basic_event');
    const tab = await waitFor('the console tab', () =>
      vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('segmentOptimizely.console')),
    );
    assert.match(tab.label, /Console/);
    await vscode.window.tabGroups.close(tab);
  });

  it('exports the history as NDJSON', async () => {
    const running = api.emulator.emulator!;
    const body = { payload: { type: 'track', event: 'basic_event', userId: 'u-1', messageId: 'm-export', timestamp: '2026-01-08T13:52:50.212Z' } };
    await running.service.trackEvent(body, JSON.stringify(body));
    const target = path.join(os.tmpdir(), `segment-optimizely-export-${process.pid}.ndjson`);
    await vscode.commands.executeCommand('segmentOptimizely.exportHistory', target);
    const lines = fs.readFileSync(target, 'utf8').trimEnd().split('\n');
    fs.rmSync(target, { force: true });
    assert.ok(lines.some((line) => (JSON.parse(line) as { event?: string }).event === 'basic_event'));
  });

  it('stays stopped with a clear error when the port is taken', async () => {
    await vscode.commands.executeCommand('segmentOptimizely.stopEmulator');
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      await setSetting('emulator.port', (blocker.address() as AddressInfo).port);
      const started = await vscode.commands.executeCommand<boolean>('segmentOptimizely.startEmulator');
      assert.equal(started, false);
      assert.equal(api.emulator.state, 'stopped');
    } finally {
      blocker.close();
      await setSetting('emulator.port', 0);
    }
  });
});
