/**
 * What the test console panel needs from the extension: the emulator's behaviour, without HTTP. Implement
 * it by delegating to the EmulatorService running in the extension host; each method mirrors one route of
 * the browser host (src/webview/host/browserHost.ts), and must answer the same shape:
 *
 * | method          | same as                     | with the service                                                       |
 * |-----------------|-----------------------------|------------------------------------------------------------------------|
 * | getConfig       | GET /api/config             | defaultSettings (accessToken → '<redacted>'), live, eventApiTarget      |
 * | getDatafile     | GET /api/datafile           | service.datafileSummary()                                              |
 * | send            | POST /trackEvent            | service.trackEvent(input, JSON.stringify(input)) → {recordId, record}  |
 * | diagnose        | POST /api/diagnose          | service.diagnose(input) → {...diagnosis, exchanges, payload, status}   |
 * | setLive         | POST /api/live              | service.setLive(live) → {live, eventApiTarget} (the UI has confirmed)  |
 * | listHistory     | GET /api/events             | history.list(filter) + nextCursor (seq of the last record when more)   |
 * | getRecord       | GET /api/events/:id         | history.get(id) (undefined → the panel answers "not found")            |
 * | clearHistory    | DELETE /api/events          | history.clear()                                                        |
 * | onHistoryChange | GET /api/stream             | { dispose: history.onChange(listener) }                                |
 *
 * Throw an Error with a message the user can act on when the emulator is not running (e.g. "Start the
 * emulator first: Segment Optimizely: Start Emulator"); the console shows it.
 */
import type {
  ConsoleConfig,
  ConsoleInput,
  DatafileSummary,
  DiagnoseReply,
  HistoryChange,
  HistoryPage,
  HistoryQuery,
  HistoryRecord,
  LiveState,
  SendReply,
} from '../../webview/protocol';

export interface Subscription {
  dispose(): void;
}

export interface ConsoleBackend {
  getConfig(): Promise<ConsoleConfig>;
  getDatafile(): Promise<DatafileSummary>;
  send(input: ConsoleInput): Promise<SendReply>;
  diagnose(input: ConsoleInput): Promise<DiagnoseReply>;
  setLive(live: boolean): Promise<LiveState>;
  listHistory(query: HistoryQuery): Promise<HistoryPage>;
  getRecord(id: string): Promise<HistoryRecord | undefined>;
  clearHistory(): Promise<void>;
  /** Same listener shape as `History.onChange`, so `history.onChange(listener)` can be passed straight through. */
  onHistoryChange(listener: (record: HistoryRecord | undefined, change: HistoryChange) => void): Subscription;
  /** Optional: live send turned on/off elsewhere (a command, the status bar), so the panel shows it. */
  onConfigChange?(listener: (config: ConsoleConfig) => void): Subscription;
}
