/**
 * The test console's backend inside VS Code (`ConsoleBackend`, defined by the console in
 * src/extension/console/backend.ts): every request is delegated to the running emulator's service, the
 * same object the emulator's HTTP API drives, so the console, the tree views and curl all see one history.
 * Live send goes through the `segmentOptimizely.liveSend` setting, so the status bar, the views and the
 * console agree; the access token never reaches the webview (shown as `<redacted>`).
 */
import * as vscode from 'vscode';
import { REDACTED } from '../core/http/redact';
import type { EmulatorService } from '../emulator/service';
import type { HistoryFilter } from '../emulator/history';
import type { ConsoleConfig, ConsoleInput, DatafileSummary, DiagnoseReply, HistoryChange, HistoryPage, HistoryQuery, HistoryRecord, LiveState, SendReply } from '../webview/protocol';
import type { ConsoleBackend, Subscription } from './console/backend';
import { currentSettings, updateSetting } from './config';
import type { EmulatorController } from './emulatorController';

const MAX_PAGE = 500;

export class ExtensionConsoleBackend implements ConsoleBackend {
  constructor(
    private readonly emulator: EmulatorController,
    /** Called when the console turns live send on (the console confirmed with the user first). */
    private readonly onLiveConfirmed: () => void,
  ) {}

  private service(): EmulatorService {
    const running = this.emulator.emulator;
    if (!running) throw new Error('The emulator is not running. Start it first: Segment Optimizely: Start Emulator.');
    return running.service;
  }

  private configOf(service: EmulatorService): ConsoleConfig {
    const defaultSettings = { ...service.config.defaultSettings };
    if (defaultSettings.accessToken) defaultSettings.accessToken = REDACTED;
    return { defaultSettings, live: service.config.live, eventApiTarget: service.eventApiTarget };
  }

  async getConfig(): Promise<ConsoleConfig> {
    return this.configOf(this.service());
  }

  async getDatafile(): Promise<DatafileSummary> {
    return this.service().datafileSummary();
  }

  async send(input: ConsoleInput): Promise<SendReply> {
    const { record } = await this.service().trackEvent(input, JSON.stringify(input));
    return { recordId: record.id, record };
  }

  async diagnose(input: ConsoleInput): Promise<DiagnoseReply> {
    const { result, ...diagnosis } = await this.service().diagnose({ payload: input.payload ?? {}, settings: input.settings, mapping: input.mapping });
    return { ...diagnosis, exchanges: result.exchanges, payload: result.payload ?? result.mapped, status: result.status };
  }

  async setLive(live: boolean): Promise<LiveState> {
    const service = this.service();
    if (live) this.onLiveConfirmed();
    if (currentSettings().liveSend !== live) {
      const target = vscode.workspace.isTrusted && vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await updateSetting('liveSend', live, target);
    }
    // The settings listener applies it as well; applying it now makes the answer true already.
    service.config.live = live;
    return { live: service.config.live, eventApiTarget: service.eventApiTarget };
  }

  async listHistory(query: HistoryQuery): Promise<HistoryPage> {
    const history = this.service().history;
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), MAX_PAGE);
    const before = query.cursor ? Number(query.cursor) : undefined;
    const filter: HistoryFilter = { text: query.text, route: query.route, status: query.status, before: Number.isInteger(before) ? before : undefined, limit };
    const events = history.list(filter);
    const last = events[events.length - 1];
    const more = last !== undefined && history.list({ ...filter, before: last.seq, limit: 1 }).length > 0;
    return { events, nextCursor: more ? String(last.seq) : null, total: history.size };
  }

  async getRecord(id: string): Promise<HistoryRecord | undefined> {
    return this.service().history.get(id);
  }

  async clearHistory(): Promise<void> {
    await this.service().history.clear();
  }

  /** History changes of whichever emulator runs (it survives restarts; nothing while stopped). */
  onHistoryChange(listener: (record: HistoryRecord | undefined, change: HistoryChange) => void): Subscription {
    return this.emulator.onDidChangeHistory(({ record, change }) => listener(record, change));
  }

  onConfigChange(listener: (config: ConsoleConfig) => void): Subscription {
    return this.emulator.onDidChangeState(() => {
      const running = this.emulator.emulator;
      if (running) listener(this.configOf(running.service));
    });
  }
}
