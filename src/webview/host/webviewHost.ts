/**
 * The console's host inside a VS Code webview: promise-based requests over `postMessage`, numbered and
 * answered by the extension (reply or error), after a ready handshake; pushes (history changes, "open this
 * record") arrive unsolicited. State goes through VS Code's `getState`/`setState`.
 */
import {
  CONSOLE_METHODS,
  PROTOCOL_VERSION,
  isHostMessage,
  type ConsoleApi,
  type ConsoleHost,
  type ConsoleInitial,
  type ConsoleMethod,
  type ConsolePush,
  type HostMessage,
  type UiMessage,
} from '../protocol';

/** The part of `acquireVsCodeApi()` the console uses. */
export interface VsCodeApiLike {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export class HostError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

/**
 * @param listen subscribes to messages from the extension (in a webview: `window.addEventListener('message', e => handler(e.data))`).
 */
export function createWebviewHost(api: VsCodeApiLike, listen: (handler: (data: unknown) => void) => void): ConsoleHost {
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Set<(push: ConsolePush) => void>();
  let resolveReady!: (value: { initial?: ConsoleInitial }) => void;
  const ready = new Promise<{ initial?: ConsoleInitial }>((resolve) => (resolveReady = resolve));

  const post = (message: UiMessage) => api.postMessage(message);

  listen((data) => {
    if (!isHostMessage(data)) return;
    const message: HostMessage = data;
    switch (message.type) {
      case 'hello':
        resolveReady({ initial: message.initial });
        return;
      case 'reply':
      case 'error': {
        const waiting = pending.get(message.id);
        if (!waiting) return;
        pending.delete(message.id);
        if (message.type === 'reply') waiting.resolve(message.result);
        else waiting.reject(new HostError(message.error.message, message.error.code));
        return;
      }
      case 'push':
        for (const listener of listeners) listener(message.push);
        return;
    }
  });
  post({ type: 'ready', protocol: PROTOCOL_VERSION });

  const call = async (method: ConsoleMethod, params?: unknown): Promise<unknown> => {
    await ready;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      post({ type: 'request', id, method, ...(params === undefined ? {} : { params }) });
    });
  };

  // One function per method, all carried the same way; the mapped type checks each signature.
  const methods = Object.fromEntries(CONSOLE_METHODS.map((method) => [method, (params?: unknown) => call(method, params)])) as unknown as ConsoleApi;

  return {
    ...methods,
    ready: () => ready,
    onPush(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
