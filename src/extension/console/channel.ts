/**
 * The extension side of the console protocol, without VS Code types (unit-testable): answers the webview's
 * handshake, runs its numbered requests against the backend and replies (or answers an error), and pushes
 * history changes and "open this" requests once the webview is ready.
 */
import { CONSOLE_METHODS, PROTOCOL_VERSION, isUiMessage, type ConsoleInitial, type ConsoleMethod, type ConsolePush, type HostMessage } from '../../webview/protocol';
import type { ConsoleBackend, Subscription } from './backend';

export interface ChannelOptions {
  backend: ConsoleBackend;
  /** Delivers a message to the webview (`webview.postMessage`). */
  post: (message: HostMessage) => unknown;
  copyText: (text: string) => Promise<void>;
  initial?: ConsoleInitial;
  log?: (message: string) => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class ConsoleChannel {
  private ready = false;
  private pendingInitial?: ConsoleInitial;
  private subscriptions: Subscription[] = [];
  private disposed = false;

  constructor(private readonly options: ChannelOptions) {
    this.pendingInitial = options.initial;
  }

  /** Handles one message from the webview; never throws. */
  async receive(message: unknown): Promise<void> {
    if (this.disposed || !isUiMessage(message)) {
      if (!this.disposed) this.options.log?.(`console: ignored a malformed message from the webview`);
      return;
    }
    if (message.type === 'ready') {
      // Sent again whenever the webview reloads (hidden and shown again): answer each time.
      const initial = this.pendingInitial;
      this.pendingInitial = undefined;
      this.post({ type: 'hello', protocol: PROTOCOL_VERSION, ...(initial ? { initial } : {}) });
      if (!this.ready) this.subscribe();
      this.ready = true;
      return;
    }
    const { id, method, params } = message;
    try {
      const result = await this.call(method, params);
      this.post({ type: 'reply', id, ...(result === undefined ? {} : { result }) });
    } catch (error) {
      const err = error as Error & { code?: string };
      this.post({ type: 'error', id, error: { message: err?.message ?? String(error), ...(typeof err?.code === 'string' ? { code: err.code } : {}) } });
    }
  }

  /** Asks the console to open a record or payload (now, or right after its handshake). */
  open(initial: ConsoleInitial): void {
    if (this.ready) this.push({ kind: 'open', initial });
    else this.pendingInitial = initial;
  }

  dispose(): void {
    this.disposed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.subscriptions = [];
  }

  private subscribe(): void {
    const { backend } = this.options;
    this.subscriptions.push(backend.onHistoryChange((record, change) => this.push({ kind: 'history', change, ...(record ? { record } : {}) })));
    if (backend.onConfigChange) this.subscriptions.push(backend.onConfigChange((config) => this.push({ kind: 'config', config })));
  }

  private push(push: ConsolePush): void {
    if (this.ready && !this.disposed) this.post({ type: 'push', push });
  }

  private post(message: HostMessage): void {
    try {
      const result = this.options.post(message);
      if (result instanceof Promise) result.catch(() => undefined); // the panel may be closing
    } catch (error) {
      this.options.log?.(`console: could not post to the webview: ${(error as Error).message}`);
    }
  }

  private async call(method: ConsoleMethod, params: unknown): Promise<unknown> {
    const { backend } = this.options;
    const object = isRecord(params) ? params : {};
    switch (method) {
      case 'getConfig':
        return backend.getConfig();
      case 'getDatafile':
        return backend.getDatafile();
      case 'send':
        return backend.send(requireInput(params));
      case 'diagnose':
        return backend.diagnose(requireInput(params));
      case 'setLive':
        if (typeof object.live !== 'boolean') throw new Error('setLive needs {live: boolean}.');
        return backend.setLive(object.live);
      case 'listHistory':
        return backend.listHistory(object);
      case 'getRecord': {
        if (typeof object.id !== 'string') throw new Error('getRecord needs {id: string}.');
        const record = await backend.getRecord(object.id);
        if (!record) throw Object.assign(new Error(`No history record has id ${object.id} (old records leave the history when it is full).`), { code: 'event_not_found' });
        return record;
      }
      case 'clearHistory':
        return backend.clearHistory();
      case 'copyText':
        if (typeof object.text !== 'string') throw new Error('copyText needs {text: string}.');
        return this.options.copyText(object.text);
      default:
        throw new Error(`Unknown method ${String(method)}; known: ${CONSOLE_METHODS.join(', ')}.`);
    }
  }
}

function requireInput(params: unknown) {
  if (!isRecord(params) || !('payload' in params)) throw new Error('Expected {payload, settings?, mapping?}.');
  return {
    payload: params.payload,
    ...(isRecord(params.settings) ? { settings: params.settings } : {}),
    ...(isRecord(params.mapping) ? { mapping: params.mapping } : {}),
    ...(params.live === true ? { live: true } : {}),
  };
}
