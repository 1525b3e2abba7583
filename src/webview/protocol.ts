/**
 * The test console's protocol, shared by the UI (webview or browser page) and its hosts (the VS Code panel,
 * the emulator's HTTP API). The UI calls `ConsoleApi` methods; the VS Code host carries them as numbered
 * requests over `postMessage` (after a ready handshake), the browser host as HTTP calls. Only types and
 * tiny guards live here: it is imported by browser and Node code alike.
 */
import type { HistoryChange, HistoryRecord } from '../emulator/history';
import type { DatafileSummary } from '../emulator/service';
import type { Check, DecisionSummary } from '../core/diagnose/types';
import type { ErrorInfo } from '../core/destination/errors';
import type { EventApiRequest, TrackEventStatus } from '../core/destination/trackEvent';
import type { Exchange } from '../core/http/types';
import type { Mapping } from '../core/segment/mapping';

export type { HistoryChange, HistoryRecord, DatafileSummary, Check, DecisionSummary, ErrorInfo, EventApiRequest, Exchange, Mapping };

/** Bumped when a message shape changes incompatibly; the handshake carries it. */
export const PROTOCOL_VERSION = 1;

/** What the console sends: Segment's action-tester body (`POST /trackEvent`). */
export interface ConsoleInput {
  payload: unknown;
  /** Only the settings the user changed; the emulator fills in the rest (`accountId`, `dataFileUrl`). */
  settings?: Record<string, unknown>;
  /** Only the fields whose mapping differs from the default. */
  mapping?: Mapping;
  /** Send this one request to Optimizely's real Event API (the user confirmed); the live switch is untouched. */
  live?: boolean;
}

/** `GET /api/config`: the emulator's defaults (the access token shown as `<redacted>`) and where events go. */
export interface ConsoleConfig {
  defaultSettings: Record<string, unknown>;
  live: boolean;
  /** Where the Event API request is posted right now (the local sink unless live). */
  eventApiTarget: string;
}

/** `POST /api/live`. */
export interface LiveState {
  live: boolean;
  eventApiTarget: string;
}

/** A send: the history record it made (its outcome holds the request, exchanges, error and checks). */
export interface SendReply {
  recordId: string;
  record: HistoryRecord;
}

/** `POST /api/diagnose`: Segment's pipeline run without sending, and the checks. */
export interface DiagnoseReply {
  request?: EventApiRequest;
  error?: ErrorInfo;
  checks: Check[];
  decisions: DecisionSummary[];
  exchanges: Exchange[];
  payload?: unknown;
  status?: TrackEventStatus;
}

export interface HistoryQuery {
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  text?: string;
  route?: string;
  status?: string;
}

/** `GET /api/events`: newest first. */
export interface HistoryPage {
  events: HistoryRecord[];
  nextCursor: string | null;
  total?: number;
}

/** What the host asks the console to show when it opens (or when asked again later). */
export interface ConsoleInitial {
  /** Load this history record (its payload, settings, mapping and outcome). */
  recordId?: string;
  /** Or start from this Segment event. */
  payload?: unknown;
}

/** Every request the UI can make, with its parameter and answer. */
export interface ConsoleMethods {
  getConfig: { params: void; result: ConsoleConfig };
  getDatafile: { params: void; result: DatafileSummary };
  send: { params: ConsoleInput; result: SendReply };
  diagnose: { params: ConsoleInput; result: DiagnoseReply };
  /** The UI has already asked the user to confirm when `live` is true. */
  setLive: { params: { live: boolean }; result: LiveState };
  listHistory: { params: HistoryQuery; result: HistoryPage };
  getRecord: { params: { id: string }; result: HistoryRecord };
  clearHistory: { params: void; result: void };
  copyText: { params: { text: string }; result: void };
}

export type ConsoleMethod = keyof ConsoleMethods;
export type ParamsOf<M extends ConsoleMethod> = ConsoleMethods[M]['params'];
export type ResultOf<M extends ConsoleMethod> = ConsoleMethods[M]['result'];

/** The UI's view of a host: promise-returning methods, one per request. */
export type ConsoleApi = {
  [M in ConsoleMethod]: ParamsOf<M> extends void ? () => Promise<ResultOf<M>> : (params: ParamsOf<M>) => Promise<ResultOf<M>>;
};

/** Unsolicited news from the host. */
export type ConsolePush =
  | { kind: 'history'; change: HistoryChange; record?: HistoryRecord }
  | { kind: 'config'; config: ConsoleConfig }
  | { kind: 'open'; initial: ConsoleInitial };

/** Everything the UI needs from where it runs. The UI never learns which host this is. */
export interface ConsoleHost extends ConsoleApi {
  /** Resolves once the host is ready (handshake done); carries what to open first. */
  ready(): Promise<{ initial?: ConsoleInitial }>;
  onPush(listener: (push: ConsolePush) => void): () => void;
  getState(): unknown;
  setState(state: unknown): void;
}

// ---------------------------------------------------------------------------------------------------------
// Messages over postMessage (VS Code webview host)
// ---------------------------------------------------------------------------------------------------------

/** Webview → extension. */
export type UiMessage =
  | { type: 'ready'; protocol: number }
  | { type: 'request'; id: number; method: ConsoleMethod; params?: unknown };

/** Extension → webview. */
export type HostMessage =
  | { type: 'hello'; protocol: number; initial?: ConsoleInitial }
  | { type: 'reply'; id: number; result?: unknown }
  | { type: 'error'; id: number; error: { message: string; code?: string } }
  | { type: 'push'; push: ConsolePush };

export const CONSOLE_METHODS: readonly ConsoleMethod[] = [
  'getConfig',
  'getDatafile',
  'send',
  'diagnose',
  'setLive',
  'listHistory',
  'getRecord',
  'clearHistory',
  'copyText',
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isUiMessage(value: unknown): value is UiMessage {
  if (!isObject(value)) return false;
  if (value.type === 'ready') return typeof value.protocol === 'number';
  return value.type === 'request' && Number.isInteger(value.id) && CONSOLE_METHODS.includes(value.method as ConsoleMethod);
}

export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'hello':
      return typeof value.protocol === 'number';
    case 'reply':
      return Number.isInteger(value.id);
    case 'error':
      return Number.isInteger(value.id) && isObject(value.error) && typeof value.error.message === 'string';
    case 'push':
      return isObject(value.push) && typeof value.push.kind === 'string';
    default:
      return false;
  }
}

/** Where live send posts (Optimizely's real Event API); shown in the confirmation. */
export { EVENT_API_URL } from '../core/destination/definition';
