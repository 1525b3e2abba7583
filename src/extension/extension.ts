/**
 * Extension entry point. `activate()` only registers: views, commands, the status bar item, the settings
 * and secret listeners. Nothing is loaded, read or started until a view is shown or a command runs; the
 * emulator (Express, ajv) is imported on its first start. Every registration is owned by
 * `context.subscriptions`; `deactivate()` stops the server and flushes the history.
 */
import { moduleEvaluationStarted } from './loadTimer';
import * as vscode from 'vscode';
import { registerCommands, syncDatafileContext, type Services } from './commands';
import { currentSettings } from './config';
import { ExtensionConsoleBackend } from './consoleBackend';
import { openConsolePanel, registerConsolePanelSerializer, type ConsoleOpenRequest } from './consoleOpener';
import { DATAFILE_SCHEME, DatafileDocuments } from './datafileDocuments';
import { DatafileManager } from './datafileManager';
import { EmulatorController } from './emulatorController';
import { Log } from './log';
import { AccessTokenStore } from './secrets';
import { DATAFILE_SETTINGS, SECTION, changedSettings } from './settingsModel';
import { EmulatorStatusBar } from './statusBar';
import { DatafileTreeProvider } from './views/datafileTreeProvider';
import { HistoryTreeProvider } from './views/historyTreeProvider';
import { EVENT_API_URL } from '../core/destination/definition';
import { eventKeySourceFromDatafileManager, registerLanguageFeatures } from './language';

/** What `activate()` returns: for the extension-host tests and other extensions; not a stable API. */
export interface SegmentOptimizelyApi {
  readonly emulator: EmulatorController;
  readonly datafile: DatafileManager;
  readonly datafileTree: DatafileTreeProvider;
  readonly historyTree: HistoryTreeProvider;
  hasAccessToken(): Promise<boolean>;
  /** Milliseconds `activate()` itself took (module loading not included). */
  readonly activationMs: number;
  /** Milliseconds from the first module's evaluation to the call of `activate()` (parsing the bundle not included). */
  readonly moduleEvaluationMs: number;
}

let controller: EmulatorController | undefined;

export function activate(context: vscode.ExtensionContext): SegmentOptimizelyApi {
  const started = performance.now();
  const moduleEvaluationMs = started - moduleEvaluationStarted;
  const log = new Log(vscode.window.createOutputChannel('Segment → Optimizely Emulator', { log: true }));
  const tokens = new AccessTokenStore(context.secrets);
  const datafile = new DatafileManager(context.extensionUri, context.workspaceState, log);
  const emulator = new EmulatorController(log, datafile, tokens, context.storageUri ?? context.globalStorageUri);
  controller = emulator;
  const documents = new DatafileDocuments(datafile);
  const datafileTree = new DatafileTreeProvider(datafile);
  const historyTree = new HistoryTreeProvider(emulator);
  const statusBar = new EmulatorStatusBar(emulator);
  const services: Services = {
    context,
    log,
    datafile,
    documents,
    emulator,
    tokens,
    datafileTree,
    historyTree,
    liveConfirmed: false,
    openConsole: async (initial?: ConsoleOpenRequest) => openConsolePanel(context.extensionUri, backend, initial),
  };
  const backend = new ExtensionConsoleBackend(emulator, () => {
    services.liveConfirmed = true;
  });

  let settings = currentSettings();
  const onSettingsChanged = (event: vscode.ConfigurationChangeEvent) => {
    if (!event.affectsConfiguration(SECTION)) return;
    const next = currentSettings();
    const changed = changedSettings(settings, next);
    const wasLive = settings.liveSend;
    settings = next;
    if (changed.length === 0) return;
    log.info(`settings changed: ${changed.join(', ')}`);
    if (changed.includes('port')) emulator.resetPortOverride();
    if (changed.some((name) => DATAFILE_SETTINGS.includes(name))) {
      void syncDatafileContext(datafile);
      void datafile.sync();
    }
    void emulator.sync();
    historyTree.refresh();
    statusBar.update();
    if (next.liveSend && !wasLive) {
      if (!services.liveConfirmed) {
        void vscode.window.showWarningMessage(`Live send was turned on in the settings: the emulator now sends events to Optimizely for real (${EVENT_API_URL}).`, 'Turn Off').then((choice) => {
          if (choice) void vscode.commands.executeCommand('segmentOptimizely.toggleLiveSend');
        });
      }
      services.liveConfirmed = false;
    }
  };

  context.subscriptions.push(
    log,
    tokens,
    datafile,
    emulator,
    documents,
    datafileTree,
    historyTree,
    statusBar,
    vscode.window.createTreeView('segmentOptimizely.datafile', { treeDataProvider: datafileTree, showCollapseAll: true }),
    vscode.window.createTreeView('segmentOptimizely.emulator', { treeDataProvider: historyTree }),
    vscode.workspace.registerTextDocumentContentProvider(DATAFILE_SCHEME, documents),
    vscode.workspace.onDidChangeConfiguration(onSettingsChanged),
    vscode.workspace.onDidGrantWorkspaceTrust(() => onSettingsChanged({ affectsConfiguration: () => true })),
    datafile.onDidChange(() => void syncDatafileContext(datafile)),
    tokens.onDidChange(() => {
      void emulator.applyAccessToken();
      void tokens.has().then((has) => vscode.commands.executeCommand('setContext', 'segmentOptimizely.hasAccessToken', has));
    }),
    ...registerCommands(services),
  );
  registerConsolePanelSerializer(context, backend);
  const eventKeys = eventKeySourceFromDatafileManager(datafile);
  context.subscriptions.push(eventKeys);
  registerLanguageFeatures(context, eventKeys);
  void syncDatafileContext(datafile);
  void tokens.has().then((has) => vscode.commands.executeCommand('setContext', 'segmentOptimizely.hasAccessToken', has));
  const activationMs = performance.now() - started;
  log.debug(`activated in ${activationMs.toFixed(1)} ms`);
  return { emulator, datafile, datafileTree, historyTree, hasAccessToken: () => tokens.has(), activationMs, moduleEvaluationMs };
}

/** Stops the server and flushes the history before the extension host goes away. */
export async function deactivate(): Promise<void> {
  const running = controller;
  controller = undefined;
  await running?.shutdown();
}
