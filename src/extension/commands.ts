/**
 * Every command the extension contributes. Commands that need the emulator or a datafile say so and offer
 * to start or load it; item actions take the tree node they were invoked on (or ask when run from the
 * palette). Arguments given programmatically (tests, other extensions) skip the dialogs that would ask
 * for the same value.
 */
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunningEmulator } from '../emulator/server';
import type { HistoryRecord } from '../emulator/history';
import { EVENT_API_URL } from '../core/destination/definition';
import { clearSetting, currentSettings, defaultTarget, updateSetting } from './config';
import type { DatafileDocuments } from './datafileDocuments';
import type { DatafileManager, DatafileState } from './datafileManager';
import type { EmulatorController } from './emulatorController';
import { eventApiCurl, eventApiPayloadText, replayCurl } from './curl';
import { historyToNdjson, resendRecord } from './historyActions';
import type { Log } from './log';
import { entityUrl } from './optimizelyLinks';
import type { AccessTokenStore } from './secrets';
import type { DatafileTreeProvider } from './views/datafileTreeProvider';
import type { HistoryTreeProvider } from './views/historyTreeProvider';
import type { EntityRef, ModelNode } from './views/treeNode';

import type { ConsoleOpenRequest } from './consoleOpener';

export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  datafile: DatafileManager;
  documents: DatafileDocuments;
  emulator: EmulatorController;
  tokens: AccessTokenStore;
  datafileTree: DatafileTreeProvider;
  historyTree: HistoryTreeProvider;
  /** Opens the test console (owned by the console module). */
  openConsole(initial?: ConsoleOpenRequest): Promise<void>;
  /** Set when the user confirmed live send through the command (no second warning from the settings listener). */
  liveConfirmed: boolean;
}

/** Options a load command accepts from another command (start the emulator once the datafile is set). */
interface LoadOptions {
  startEmulator?: boolean;
}

const URL_PROMPT_PLACEHOLDER = 'https://cdn.optimizely.com/datafiles/<SDK key>.json';

function entityOf(arg: unknown): EntityRef | undefined {
  if (arg && typeof arg === 'object' && 'entity' in arg) return (arg as ModelNode).entity;
  return undefined;
}

/** An options object passed by another command or a test (not a tree node, not a URI). */
function isOptionsArg(arg: unknown): arg is LoadOptions & { confirmed?: boolean } {
  return typeof arg === 'object' && arg !== null && !('entity' in arg) && !(arg instanceof vscode.Uri);
}

async function copy(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`$(clippy) Copied ${what}`, 3_000);
}

export function registerCommands(services: Services): vscode.Disposable[] {
  const { log, datafile, documents, emulator, tokens, historyTree } = services;

  /** The running emulator, or after offering to start it; undefined when the user declines. */
  async function requireEmulator(action: string): Promise<RunningEmulator | undefined> {
    if (emulator.emulator) return emulator.emulator;
    const choice = await vscode.window.showWarningMessage(`${action} needs the emulator, which is not running.`, 'Start Emulator');
    if (choice !== 'Start Emulator') return undefined;
    return (await emulator.start()) ? emulator.emulator : undefined;
  }

  /** The loaded datafile, or after offering to load one; undefined when there is none. */
  async function requireDatafile(action: string): Promise<Extract<DatafileState, { status: 'loaded' }> | undefined> {
    if (!datafile.isConfigured) {
      const choice = await vscode.window.showWarningMessage(`${action} needs a datafile, and none is configured.`, 'Use the Sample Datafile', 'Load from URL…', 'Load from File…');
      if (choice === 'Use the Sample Datafile') await loadSample();
      else if (choice === 'Load from URL…') await loadFromUrl();
      else if (choice === 'Load from File…') await loadFromFile();
      if (!datafile.isConfigured) return undefined;
    }
    let state = await datafile.ensureLoaded();
    if (state.status === 'loading') state = await datafile.reload();
    if (state.status === 'loaded') return state;
    if (state.status === 'error') {
      const choice = await vscode.window.showErrorMessage(`${action} needs the datafile: ${state.message}`, 'Try Again', 'Load Another…', 'Show Output');
      if (choice === 'Try Again') {
        const retried = await datafile.reload();
        return retried.status === 'loaded' ? retried : undefined;
      }
      if (choice === 'Load Another…') void vscode.commands.executeCommand('segmentOptimizely.loadDatafile');
      if (choice === 'Show Output') log.show();
    }
    return undefined;
  }

  /** After a source change: load it (the settings listener syncs too; both are idempotent) and report. */
  async function afterSourceChange(options: LoadOptions | undefined): Promise<void> {
    await syncDatafileContext(datafile);
    const state = await datafile.sync();
    if (state.status === 'error') {
      void vscode.window.showErrorMessage(state.message, 'Load Another…', 'Show Output').then((choice) => {
        if (choice === 'Load Another…') void vscode.commands.executeCommand('segmentOptimizely.loadDatafile');
        else if (choice === 'Show Output') log.show();
      });
    }
    if (emulator.emulator) await emulator.sync();
    else if (options?.startEmulator) await emulator.start();
  }

  async function loadFromUrl(arg?: unknown): Promise<void> {
    let url = typeof arg === 'string' ? arg : undefined;
    url ??= await vscode.window.showInputBox({
      title: 'Load an Optimizely datafile from a URL',
      prompt: 'The datafile URL of an environment (Settings → Environments in Optimizely), as in Segment\'s "Datafile URL" setting.',
      placeHolder: URL_PROMPT_PLACEHOLDER,
      value: currentSettings().datafileUrl || undefined,
      ignoreFocusOut: true,
      validateInput: (value) => (/^https?:\/\/\S+$/i.test(value.trim()) ? undefined : 'Enter an http:// or https:// URL.'),
    });
    if (!url) return;
    await datafile.setUseSample(false);
    await clearSetting('datafilePath');
    await updateSetting('datafileUrl', url.trim(), vscode.workspace.isTrusted ? defaultTarget() : vscode.ConfigurationTarget.Global);
    log.info(`datafile source set to the URL ${url.trim()}`);
    await afterSourceChange(isOptionsArg(arg) ? arg : undefined);
  }

  async function loadFromFile(arg?: unknown): Promise<void> {
    let file: string | undefined = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : undefined;
    if (!file) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Load an Optimizely datafile',
        canSelectMany: false,
        filters: { 'Datafile (JSON)': ['json'] },
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        openLabel: 'Load Datafile',
      });
      file = picked?.[0]?.fsPath;
    }
    if (!file) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const relative = folder ? path.relative(folder, file) : undefined;
    const stored = relative !== undefined && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
    await datafile.setUseSample(false);
    await clearSetting('datafileUrl');
    await updateSetting('datafilePath', stored);
    log.info(`datafile source set to the file ${file}`);
    await afterSourceChange(isOptionsArg(arg) ? arg : undefined);
  }

  async function loadSample(arg?: unknown): Promise<void> {
    await clearSetting('datafileUrl');
    await clearSetting('datafilePath');
    await datafile.setUseSample(true);
    log.info('datafile source set to the bundled sample (samples/shop.datafile.json)');
    await afterSourceChange(isOptionsArg(arg) ? arg : undefined);
  }

  async function eventKeyFrom(arg: unknown, action: string): Promise<string | undefined> {
    if (typeof arg === 'string') return arg;
    const entity = entityOf(arg);
    if (entity?.key) return entity.key;
    const state = await requireDatafile(action);
    if (!state) return undefined;
    const picked = await vscode.window.showQuickPick(
      state.index.events.filter((event) => event.duplicateOf === undefined).map((event) => ({ label: event.key, description: `id ${event.id}`, detail: `${event.experiments.length} experiments use it` })),
      { title: action, placeHolder: 'Pick an event key from the datafile' },
    );
    return picked?.label;
  }

  function recordFor(arg: unknown): { record: HistoryRecord; outcomeIndex?: number } | undefined {
    const entity = entityOf(arg);
    const id = entity?.recordId ?? (typeof arg === 'string' ? arg : undefined);
    const record = id ? emulator.emulator?.service.history.get(id) : undefined;
    if (!record) {
      void vscode.window.showWarningMessage(emulator.emulator ? 'That record is no longer in the history.' : 'The emulator is not running; its history is shown while it runs.');
      return undefined;
    }
    return { record, outcomeIndex: entity?.outcomeIndex };
  }

  async function toggleLive(): Promise<void> {
    const settings = currentSettings();
    const target = vscode.workspace.isTrusted && vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    if (settings.liveSend) {
      await updateSetting('liveSend', false, target);
      if (currentSettings().liveSend) await clearSetting('liveSend'); // set at another level too
      log.info('live send turned off');
      void vscode.window.showInformationMessage('Live send is off: Event API requests go to the emulator\'s local sink again.');
      return;
    }
    const choice = await vscode.window.showWarningMessage(
      'Send events to Optimizely for real?',
      {
        modal: true,
        detail: `Every event the emulator maps will be POSTed to ${EVENT_API_URL} (Optimizely's Event API) with your datafile's account and project: conversions and decisions count in your real results and cannot be deleted. Turn it off again with the same command.`,
      },
      'Turn On Live Send',
    );
    if (choice !== 'Turn On Live Send') return;
    services.liveConfirmed = true;
    await updateSetting('liveSend', true, target);
    log.warn(`live send turned on: events go to ${EVENT_API_URL}`);
  }

  async function setAccessToken(arg?: unknown): Promise<void> {
    let token = typeof arg === 'string' ? arg : undefined;
    token ??= await vscode.window.showInputBox({
      title: 'Optimizely personal access token',
      prompt: 'Used for GDPR deletes (Segment\'s "Access Token" setting). Kept in VS Code\'s secret storage, never in settings.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim().length >= 8 ? undefined : 'A personal access token is a long string from Optimizely (Profile → API Access).'),
    });
    if (!token) return;
    await tokens.set(token.trim());
    await emulator.applyAccessToken();
    await vscode.commands.executeCommand('setContext', 'segmentOptimizely.hasAccessToken', true);
    log.info('personal access token saved in secret storage');
    vscode.window.setStatusBarMessage('$(key) Access token saved in secret storage', 4_000);
  }

  async function clearAccessToken(): Promise<void> {
    if (!(await tokens.has())) {
      void vscode.window.showInformationMessage('No personal access token is stored.');
      return;
    }
    await tokens.clear();
    await emulator.applyAccessToken();
    await vscode.commands.executeCommand('setContext', 'segmentOptimizely.hasAccessToken', false);
    log.info('personal access token removed from secret storage');
    vscode.window.setStatusBarMessage('$(key) Access token removed', 4_000);
  }

  async function clearHistory(arg?: unknown): Promise<void> {
    const running = await requireEmulator('Clearing the history');
    if (!running) return;
    const count = running.service.history.size;
    if (count === 0) return;
    if (!(isOptionsArg(arg) && arg.confirmed)) {
      const choice = await vscode.window.showWarningMessage(`Clear ${count} history record${count === 1 ? '' : 's'}?`, { modal: true, detail: 'They are removed from the view and from the history file.' }, 'Clear History');
      if (choice !== 'Clear History') return;
    }
    await running.service.history.clear();
    log.info(`history cleared (${count} records)`);
  }

  async function exportHistory(arg?: unknown): Promise<void> {
    const running = await requireEmulator('Exporting the history');
    if (!running) return;
    let target = typeof arg === 'string' ? vscode.Uri.file(arg) : arg instanceof vscode.Uri ? arg : undefined;
    target ??= await vscode.window.showSaveDialog({
      title: 'Export the emulator history (NDJSON)',
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), 'segment-optimizely-history.ndjson'),
      filters: { 'NDJSON': ['ndjson', 'jsonl'] },
    });
    if (!target) return;
    const records = running.service.history.list();
    try {
      await writeFile(target.fsPath, historyToNdjson(records), 'utf8');
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not write ${target.fsPath}: ${(error as Error).message}`);
      return;
    }
    log.info(`exported ${records.length} history records to ${target.fsPath}`);
    if (typeof arg !== 'string') {
      void vscode.window.showInformationMessage(`Exported ${records.length} records to ${path.basename(target.fsPath)}.`, 'Open').then((choice) => {
        if (choice && target) void vscode.window.showTextDocument(target);
      });
    }
  }

  async function openConsole(initial?: unknown): Promise<void> {
    const request: ConsoleOpenRequest | undefined =
      initial && typeof initial === 'object' && !('entity' in initial) ? (initial as ConsoleOpenRequest) : undefined;
    if (!(await requireEmulator('The test console'))) return;
    await services.openConsole(request);
  }

  async function showActions(): Promise<void> {
    type Action = vscode.QuickPickItem & { command: string };
    const running = emulator.state === 'running';
    const live = currentSettings().liveSend;
    const items: Action[] = [
      ...(running
        ? [
            { label: '$(debug-stop) Stop Emulator', description: emulator.url, command: 'segmentOptimizely.stopEmulator' },
            { label: '$(debug-restart) Restart Emulator', command: 'segmentOptimizely.restartEmulator' },
            { label: '$(copy) Copy Emulator URL', description: emulator.url, command: 'segmentOptimizely.copyEmulatorUrl' },
          ]
        : [{ label: '$(play) Start Emulator', command: 'segmentOptimizely.startEmulator' }]),
      { label: '$(beaker) Open Test Console', command: 'segmentOptimizely.openConsole' },
      live
        ? { label: '$(shield) Turn Live Send Off', description: 'back to the local sink', command: 'segmentOptimizely.toggleLiveSend' }
        : { label: '$(warning) Turn Live Send On…', description: EVENT_API_URL, command: 'segmentOptimizely.toggleLiveSend' },
      { label: '$(cloud-download) Load Datafile…', command: 'segmentOptimizely.loadDatafile' },
      { label: '$(output) Show Output', command: 'segmentOptimizely.showOutput' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Segment → Optimizely Emulator', placeHolder: running ? `Running at ${emulator.url}` : 'The emulator is not running' });
    if (picked) await vscode.commands.executeCommand(picked.command);
  }

  const handlers: Record<string, (...args: unknown[]) => unknown> = {
    'segmentOptimizely.startEmulator': () => emulator.start(),
    'segmentOptimizely.stopEmulator': async () => {
      if (!emulator.emulator) {
        void vscode.window.showInformationMessage('The emulator is not running.');
        return;
      }
      await emulator.stop();
    },
    'segmentOptimizely.restartEmulator': () => (emulator.emulator ? emulator.restart('restart requested') : emulator.start()),
    'segmentOptimizely.openConsole': (initial) => openConsole(initial),
    'segmentOptimizely.loadDatafile': async (arg) => {
      const picked = await vscode.window.showQuickPick(
        [
          { label: '$(link) From a URL…', detail: 'e.g. https://cdn.optimizely.com/datafiles/<SDK key>.json', command: 'segmentOptimizely.loadDatafileFromUrl' },
          { label: '$(file) From a File…', detail: 'A datafile JSON in the workspace (watched and reloaded on change)', command: 'segmentOptimizely.loadDatafileFromFile' },
          { label: '$(package) The Sample Shop Datafile', detail: 'samples/shop.datafile.json, bundled with the extension', command: 'segmentOptimizely.loadSampleDatafile' },
        ],
        { title: 'Load an Optimizely datafile' },
      );
      if (picked) await vscode.commands.executeCommand(picked.command, isOptionsArg(arg) ? arg : undefined);
    },
    'segmentOptimizely.loadDatafileFromUrl': (arg) => loadFromUrl(arg),
    'segmentOptimizely.loadDatafileFromFile': (arg) => loadFromFile(arg),
    'segmentOptimizely.loadSampleDatafile': (arg) => loadSample(arg),
    'segmentOptimizely.refreshDatafile': async () => {
      if (!datafile.isConfigured) {
        await requireDatafile('Refreshing the datafile');
        return;
      }
      const state = await datafile.reload();
      if (state.status === 'error') {
        const choice = await vscode.window.showErrorMessage(state.message, 'Load Another…', 'Show Output');
        if (choice === 'Load Another…') void vscode.commands.executeCommand('segmentOptimizely.loadDatafile');
        else if (choice === 'Show Output') log.show();
      } else if (state.status === 'loaded') {
        vscode.window.setStatusBarMessage(`$(check) Datafile revision ${state.index.revision} loaded`, 3_000);
      }
    },
    'segmentOptimizely.toggleLiveSend': () => toggleLive(),
    'segmentOptimizely.setAccessToken': (arg) => setAccessToken(arg),
    'segmentOptimizely.clearAccessToken': () => clearAccessToken(),
    'segmentOptimizely.clearHistory': (arg) => clearHistory(arg),
    'segmentOptimizely.exportHistory': (arg) => exportHistory(arg),
    'segmentOptimizely.showOutput': () => log.show(),
    'segmentOptimizely.showActions': () => showActions(),
    'segmentOptimizely.showMoreHistory': () => historyTree.showMore(),
    'segmentOptimizely.copyEmulatorUrl': async () => {
      const running = await requireEmulator('Copying the emulator URL');
      if (running) await copy(running.url, running.url);
    },

    // Item actions.
    'segmentOptimizely.copyKey': async (arg) => {
      const key = entityOf(arg)?.key ?? (typeof arg === 'string' ? arg : undefined);
      if (key !== undefined) await copy(key, `"${key}"`);
    },
    'segmentOptimizely.copyId': async (arg) => {
      const entity = entityOf(arg);
      const id = entity?.id ?? entity?.recordId;
      if (id !== undefined) await copy(id, `id ${id}`);
    },
    'segmentOptimizely.copyValue': async (arg) => {
      const value = entityOf(arg)?.key;
      if (value !== undefined) await copy(value, value);
    },
    'segmentOptimizely.composeEvent': async (arg) => {
      const eventKey = await eventKeyFrom(arg, 'Compose a test event');
      const state = datafile.state;
      const attributes = state.status === 'loaded' ? [...state.index.attributesByKey.keys()] : undefined;
      if (eventKey) await openConsole({ eventKey, attributes });
    },
    'segmentOptimizely.openRecordInConsole': async (arg) => {
      const found = recordFor(arg);
      if (found) await openConsole({ recordId: found.record.id });
    },
    'segmentOptimizely.findUsages': async (arg) => {
      const key = await eventKeyFrom(arg, 'Find usages of an event key');
      if (!key) return;
      await vscode.commands.executeCommand('workbench.action.findInFiles', { query: key, isRegex: false, isCaseSensitive: true, matchWholeWord: false, triggerSearch: true });
    },
    'segmentOptimizely.openInOptimizely': async (arg) => {
      const entity = entityOf(arg);
      const state = datafile.state;
      const projectId = state.status === 'loaded' ? state.datafile.projectId : undefined;
      const url = entity ? entityUrl(projectId, entity) : undefined;
      if (!url) {
        void vscode.window.showWarningMessage('Only experiments, flags and flag rules have a page in the Optimizely app (and the datafile needs a projectId).');
        return;
      }
      await vscode.env.openExternal(vscode.Uri.parse(url));
    },
    'segmentOptimizely.revealInDatafile': async (arg) => {
      const pointer = entityOf(arg)?.pointer ?? (typeof arg === 'string' ? arg : undefined);
      if (!(await requireDatafile('Showing the datafile'))) return;
      await documents.reveal(pointer ?? '');
    },
    'segmentOptimizely.resendRecord': async (arg) => {
      const found = recordFor(arg);
      const running = emulator.emulator;
      if (!found || !running) return;
      try {
        const sent = await resendRecord(running.service, found.record);
        log.info(`record ${found.record.id} sent again as ${sent.id} (${sent.status})`);
        vscode.window.setStatusBarMessage(`$(debug-restart) Sent again: ${sent.event ?? sent.route} → ${sent.status}`, 4_000);
      } catch (error) {
        void vscode.window.showErrorMessage(`Could not send the record again: ${(error as Error).message}`);
      }
    },
    'segmentOptimizely.copyEventApiPayload': async (arg) => {
      const found = recordFor(arg);
      if (!found) return;
      const target = found.outcomeIndex !== undefined ? found.record.outcomes[found.outcomeIndex] : found.record;
      const text = target ? eventApiPayloadText(target) : undefined;
      if (text === undefined) void vscode.window.showWarningMessage('This event has no Event API request: it was rejected before one was built (see its error).');
      else await copy(text, 'the Event API payload');
    },
    'segmentOptimizely.copyAsCurl': async (arg) => {
      const found = recordFor(arg);
      if (!found) return;
      const target = found.outcomeIndex !== undefined ? found.record.outcomes[found.outcomeIndex] : found.record;
      const text = target ? eventApiCurl(target) : undefined;
      if (text === undefined) void vscode.window.showWarningMessage('This event has no Event API request to repeat. Use "Copy as curl to the Emulator" to send the original event again.');
      else await copy(text, 'the Event API request as curl');
    },
    'segmentOptimizely.copyReplayCurl': async (arg) => {
      const found = recordFor(arg);
      const running = emulator.emulator;
      if (!found || !running) return;
      const text = replayCurl(found.record, running.url, currentSettings().writeKey || undefined);
      if (text === undefined) void vscode.window.showWarningMessage(`Records of ${found.record.route} cannot be sent again.`);
      else await copy(text, 'curl to the emulator');
    },
    'segmentOptimizely.openDocs': async (arg) => {
      const url = entityOf(arg)?.url;
      if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
    },
  };

  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        log.error(`${id} failed: ${(error as Error).stack ?? String(error)}`);
        void vscode.window.showErrorMessage(`${(error as Error).message}`, 'Show Output').then((choice) => {
          if (choice) log.show();
        });
        return undefined;
      }
    }),
  );
}

/** Context keys the menus and welcome views use. */
export async function syncDatafileContext(datafile: DatafileManager): Promise<void> {
  await vscode.commands.executeCommand('setContext', 'segmentOptimizely.datafileConfigured', datafile.isConfigured);
  await vscode.commands.executeCommand('setContext', 'segmentOptimizely.datafileLoaded', datafile.state.status === 'loaded');
}
