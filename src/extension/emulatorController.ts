/**
 * Owns the in-process emulator: one instance at a time, started on demand (never at activation), stopped
 * and flushed when the extension stops. Settings that the running server can take (live send, Event API
 * URL, the access token) are applied in place; the others restart it.
 */
import { mkdir } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { RunningEmulator } from '../emulator/server';
import type { HistoryChange, HistoryRecord } from '../emulator/history';
import { EVENT_API_URL } from '../core/destination/definition';
import { currentSettings, openSetting } from './config';
import type { DatafileManager } from './datafileManager';
import type { Log } from './log';
import type { AccessTokenStore } from './secrets';
import { RESTART_SETTINGS, emulatorOptions, isExposedHost, isPortInUse, settingProblems, type ExtensionSettings } from './settingsModel';
import type { EmulatorState } from './views/historyTreeModel';

export interface HistoryEvent {
  record: HistoryRecord | undefined;
  change: HistoryChange;
}

export class EmulatorController implements vscode.Disposable {
  private running?: RunningEmulator;
  private currentState: EmulatorState = 'stopped';
  private unsubscribeHistory?: () => void;
  private operation: Promise<unknown> = Promise.resolve();
  private readonly stateChanged = new vscode.EventEmitter<EmulatorState>();
  private readonly historyChanged = new vscode.EventEmitter<HistoryEvent>();
  readonly onDidChangeState = this.stateChanged.event;
  readonly onDidChangeHistory = this.historyChanged.event;
  /** The port actually asked for when "use a free port" replaced the setting for this session. */
  private portOverride?: number;
  /** What the running server was started with; a difference in these needs a restart. */
  private startedWith?: { key: string; datafile: string };

  constructor(
    private readonly log: Log,
    private readonly datafile: DatafileManager,
    private readonly tokens: AccessTokenStore,
    private readonly storageUri: vscode.Uri | undefined,
  ) {}

  get state(): EmulatorState {
    return this.currentState;
  }

  get url(): string | undefined {
    return this.running?.url;
  }

  get emulator(): RunningEmulator | undefined {
    return this.running;
  }

  get live(): boolean {
    return this.running ? this.running.service.config.live : currentSettings().liveSend;
  }

  /** Where Event API requests go now (or would go once started). */
  get eventApiTarget(): string | undefined {
    if (this.running) return this.running.service.eventApiTarget;
    const settings = currentSettings();
    return settings.liveSend ? EVENT_API_URL : settings.eventApiUrl || undefined;
  }

  private setState(state: EmulatorState): void {
    this.currentState = state;
    void vscode.commands.executeCommand('setContext', 'segmentOptimizely.emulatorRunning', state === 'running');
    this.stateChanged.fire(state);
  }

  /** Runs start/stop/restart one after the other. */
  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const next = this.operation.then(task, task);
    this.operation = next.catch(() => undefined);
    return next;
  }

  /** Starts the emulator; resolves true when it runs. Problems are shown with a fix and logged. */
  start(options: { port?: number; quiet?: boolean } = {}): Promise<boolean> {
    return this.serialize(() => this.doStart(options));
  }

  stop(): Promise<void> {
    return this.serialize(() => this.doStop());
  }

  restart(reason?: string): Promise<boolean> {
    return this.serialize(async () => {
      if (reason) this.log.info(`restarting the emulator: ${reason}`);
      await this.doStop();
      return this.doStart({ quiet: true });
    });
  }

  private async doStart(options: { port?: number; quiet?: boolean }): Promise<boolean> {
    if (this.running) {
      if (!options.quiet) void vscode.window.showInformationMessage(`The emulator is already running at ${this.running.url}.`);
      return true;
    }
    const settings = currentSettings();
    const problems = settingProblems(settings);
    if (problems.length > 0) {
      const [first] = problems;
      this.log.error(`cannot start the emulator: ${problems.map((p) => p.message).join(' ')}`);
      void vscode.window.showErrorMessage(`Cannot start the emulator: ${first.message}`, 'Open Setting').then((choice) => {
        if (choice) void openSetting(first.setting);
      });
      return false;
    }
    const datafile = this.datafile.emulatorDatafile();
    if (!datafile) {
      const choice = await vscode.window.showWarningMessage(
        'No datafile is configured: the emulator needs one to map events (event ids, account and project). Load one first.',
        'Use the Sample Datafile',
        'Load from URL…',
        'Load from File…',
      );
      const commands: Record<string, string> = {
        'Use the Sample Datafile': 'segmentOptimizely.loadSampleDatafile',
        'Load from URL…': 'segmentOptimizely.loadDatafileFromUrl',
        'Load from File…': 'segmentOptimizely.loadDatafileFromFile',
      };
      const command = choice ? commands[choice] : undefined;
      // The load command restarts (starts) the emulator itself once a datafile is set.
      if (command) void vscode.commands.executeCommand(command, { startEmulator: true });
      return false;
    }
    this.setState('starting');
    const port = options.port ?? this.portOverride;
    try {
      const accessToken = await this.tokens.get();
      this.log.setSecrets([accessToken, settings.writeKey]);
      const dataDir = this.storageUri ? vscode.Uri.joinPath(this.storageUri, 'history').fsPath : undefined;
      if (dataDir) await mkdir(dataDir, { recursive: true });
      // The server (Express, ajv schemas) is loaded on the first start, not at activation.
      const { startEmulator } = await import('../emulator/server');
      this.running = await startEmulator(
        emulatorOptions(settings, { datafile, accessToken, dataDir, port, log: (message) => this.log.warn(`emulator: ${message}`) }),
      );
    } catch (error) {
      this.setState('stopped');
      this.reportStartError(error, settings);
      return false;
    }
    const running = this.running;
    this.startedWith = { key: restartKey(settings), datafile };
    this.unsubscribeHistory = running.service.history.onChange((record, change) => this.historyChanged.fire({ record, change }));
    this.log.info(`emulator listening on ${running.url} (datafile ${datafile}; Event API → ${running.service.eventApiTarget}${settings.liveSend ? ', LIVE' : ''})`);
    if (isExposedHost(settings.host)) this.log.warn(`the emulator listens on ${settings.host}, reachable from other machines`);
    this.setState('running');
    if (!options.quiet) void vscode.window.setStatusBarMessage(`$(radio-tower) Emulator listening on ${running.url}`, 4_000);
    return true;
  }

  private reportStartError(error: unknown, settings: ExtensionSettings): void {
    const message = (error as Error).message ?? String(error);
    this.log.error(`could not start the emulator: ${message}`);
    if (isPortInUse(error)) {
      void vscode.window
        .showErrorMessage(`Port ${settings.port} on ${settings.host} is already in use (another emulator, or another program). Use a free port for now, or choose another port in the settings.`, 'Use a Free Port', 'Change Port…', 'Show Output')
        .then((choice) => {
          if (choice === 'Use a Free Port') {
            this.portOverride = 0;
            void this.start();
          } else if (choice === 'Change Port…') void openSetting('port');
          else if (choice === 'Show Output') this.log.show();
        });
      return;
    }
    if ((error as Error).name === 'ConfigError') {
      void vscode.window.showErrorMessage(`The mappings setting is not valid: ${message.split('\n').slice(1).join(' ').trim() || message}`, 'Open Setting', 'Show Output').then((choice) => {
        if (choice === 'Open Setting') void openSetting('mappings');
        else if (choice === 'Show Output') this.log.show();
      });
      return;
    }
    void vscode.window.showErrorMessage(`Could not start the emulator: ${message}`, 'Show Output').then((choice) => {
      if (choice) this.log.show();
    });
  }

  private async doStop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.setState('stopping');
    this.unsubscribeHistory?.();
    this.unsubscribeHistory = undefined;
    this.running = undefined;
    this.startedWith = undefined;
    try {
      await running.close(); // stops accepting requests, lets queued messages finish, flushes history
      this.log.info('emulator stopped');
    } catch (error) {
      this.log.error(`stopping the emulator: ${(error as Error).message}`);
    } finally {
      this.setState('stopped');
      this.historyChanged.fire({ record: undefined, change: 'cleared' });
    }
  }

  /**
   * Brings the running server in line with the settings and the datafile source: restarts it when
   * something only a start can apply changed, else applies live send and the Event API URL in place.
   * Idempotent (the settings listener and the load commands may both call it).
   */
  sync(): Promise<void> {
    return this.serialize(async () => {
      if (!this.running || !this.startedWith) return;
      const settings = currentSettings();
      const datafile = this.datafile.emulatorDatafile();
      if (!datafile) this.log.warn(`no datafile is configured any more; the emulator keeps using ${this.startedWith.datafile} until it stops`);
      const changed =
        restartKey(settings) !== this.startedWith.key ? 'settings changed' : datafile && datafile !== this.startedWith.datafile ? 'the datafile source changed' : undefined;
      if (changed) {
        this.log.info(`restarting the emulator: ${changed}`);
        await this.doStop();
        await this.doStart({ quiet: true });
        return;
      }
      this.applyDelivery(settings);
    });
  }

  /** Applies live send and the Event API URL to the running server, in place. */
  applyDelivery(settings: ExtensionSettings): void {
    const running = this.running;
    if (!running) return;
    const eventApiUrl = settings.eventApiUrl || `${running.url}/v1/events`;
    if (running.service.config.live === settings.liveSend && running.service.config.eventApiUrl === eventApiUrl) return;
    running.service.config.live = settings.liveSend;
    running.service.config.eventApiUrl = eventApiUrl;
    this.log.info(`Event API requests now go to ${running.service.eventApiTarget}${settings.liveSend ? ' (LIVE: sent to Optimizely)' : ''}`);
    this.stateChanged.fire(this.currentState);
  }

  /** Applies a new (or removed) access token to the running server, in place. */
  async applyAccessToken(): Promise<void> {
    const token = await this.tokens.get();
    this.log.setSecrets([token, currentSettings().writeKey]);
    const running = this.running;
    if (!running) return;
    const defaults = running.service.config.defaultSettings;
    if (token) defaults.accessToken = token;
    else delete defaults.accessToken;
  }

  /** Forgets a "use a free port" choice (the port setting changed). */
  resetPortOverride(): void {
    this.portOverride = undefined;
  }

  /** Stops the server and flushes the history; awaited by `deactivate()`. */
  async shutdown(): Promise<void> {
    await this.stop();
  }

  dispose(): void {
    void this.shutdown().finally(() => {
      this.stateChanged.dispose();
      this.historyChanged.dispose();
    });
  }
}

/** The settings only a restart applies, as one comparable string. */
function restartKey(settings: ExtensionSettings): string {
  return JSON.stringify(RESTART_SETTINGS.map((name) => settings[name]));
}
