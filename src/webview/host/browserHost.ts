/**
 * The console's host in a plain browser tab (the page the emulator serves at `GET /`): the same interface
 * as the webview host, over the emulator's HTTP API and its server-sent event stream. State lives in
 * localStorage. `?record=<id>` in the page URL opens that history record.
 */
import type {
  ConsoleConfig,
  ConsoleHost,
  ConsoleInitial,
  ConsoleInput,
  ConsolePush,
  DatafileSummary,
  DiagnoseReply,
  HistoryChange,
  HistoryPage,
  HistoryQuery,
  HistoryRecord,
  LiveState,
  SendReply,
} from '../protocol';
import { HostError } from './webviewHost';

export const STATE_KEY = 'segment-optimizely-console/state';

interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface BrowserHostOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  createEventSource?: (url: string) => EventSourceLike;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  writeClipboard?: (text: string) => Promise<void>;
  /** The page's query string (for `?record=`). */
  search?: string;
}

/** The emulator answers errors as `{error: {message, fix?, code}}`; Segment's tester as `[{requestError…}]`. */
async function errorOf(response: Response): Promise<HostError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string; fix?: string; code?: string } };
    if (body.error?.message) return new HostError(body.error.fix ? `${body.error.message} ${body.error.fix}` : body.error.message, body.error.code);
  } catch {
    // not JSON: use the status line
  }
  return new HostError(`${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

/** Copies through a hidden textarea where the async clipboard API is unavailable. */
function legacyCopy(text: string): Promise<void> {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  return ok ? Promise.resolve() : Promise.reject(new HostError('The browser refused to copy to the clipboard.'));
}

export function createBrowserHost(options: BrowserHostOptions = {}): ConsoleHost {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const storage = options.storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
  const listeners = new Set<(push: ConsolePush) => void>();
  let stream: EventSourceLike | undefined;

  const request = async <T>(method: string, path: string, body?: unknown): Promise<{ value: T; response: Response }> => {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const where = base || (typeof location === 'undefined' ? 'the emulator' : location.origin);
      throw new HostError(`Cannot reach the emulator at ${where} (${(error as Error).message}). Is it still running? Start it with npm start.`, 'unreachable');
    }
    if (!response.ok) throw await errorOf(response);
    const value = (response.status === 204 ? undefined : await response.json()) as T;
    return { value, response };
  };
  const getJson = async <T>(path: string) => (await request<T>('GET', path)).value;

  const getRecord = (id: string) => getJson<HistoryRecord>(`/api/events/${encodeURIComponent(id)}`);

  const openStream = () => {
    if (stream) return;
    const create = options.createEventSource ?? ((url: string) => new EventSource(url));
    stream = create(`${base}/api/stream`);
    for (const change of ['added', 'updated', 'cleared'] as HistoryChange[]) {
      stream.addEventListener(change, (event) => {
        let record: HistoryRecord | undefined;
        try {
          const parsed = JSON.parse(String(event.data)) as HistoryRecord;
          record = change === 'cleared' ? undefined : parsed;
        } catch {
          return;
        }
        for (const listener of listeners) listener({ kind: 'history', change, record });
      });
    }
  };

  const initial = (): ConsoleInitial | undefined => {
    const search = options.search ?? (typeof location === 'undefined' ? '' : location.search);
    const recordId = new URLSearchParams(search).get('record');
    return recordId ? { recordId } : undefined;
  };

  return {
    ready: async () => ({ initial: initial() }),
    getConfig: () => getJson<ConsoleConfig>('/api/config'),
    getDatafile: () => getJson<DatafileSummary>('/api/datafile'),
    async send(input: ConsoleInput): Promise<SendReply> {
      // A one-off live send is confirmed in the page; the emulator asks for that confirmation explicitly.
      const { value, response } = await request<unknown>('POST', '/trackEvent', input.live ? { ...input, confirm: true } : input);
      const recordId = response.headers.get('x-emulator-record-id');
      if (!recordId) throw new HostError(`The emulator answered without a record id: ${JSON.stringify(value).slice(0, 200)}`);
      return { recordId, record: await getRecord(recordId) };
    },
    diagnose: async (input: ConsoleInput) => (await request<DiagnoseReply>('POST', '/api/diagnose', input)).value,
    setLive: async ({ live }) => (await request<LiveState>('POST', '/api/live', live ? { live, confirm: true } : { live })).value,
    listHistory(query: HistoryQuery): Promise<HistoryPage> {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
      const text = params.toString();
      return getJson<HistoryPage>(`/api/events${text ? `?${text}` : ''}`);
    },
    getRecord: ({ id }) => getRecord(id),
    clearHistory: async () => {
      await request<void>('DELETE', '/api/events');
    },
    copyText: ({ text }) => {
      if (options.writeClipboard) return options.writeClipboard(text);
      if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText) return navigator.clipboard.writeText(text).catch(() => legacyCopy(text));
      return legacyCopy(text);
    },
    onPush(listener) {
      listeners.add(listener);
      openStream();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          stream?.close();
          stream = undefined;
        }
      };
    },
    getState() {
      try {
        const text = storage?.getItem(STATE_KEY);
        return text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        return undefined;
      }
    },
    setState(state) {
      try {
        storage?.setItem(STATE_KEY, JSON.stringify(state));
      } catch {
        // storage full or disabled: the console still works, it just forgets on reload
      }
    },
  };
}
