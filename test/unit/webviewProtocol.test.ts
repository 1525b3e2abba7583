/**
 * The console protocol end to end without VS Code: the webview host (UI side) wired to the ConsoleChannel
 * (extension side) over an in-process postMessage, with a fake backend; and the browser host over a fake
 * fetch and event stream.
 */
import * as assert from 'node:assert/strict';
import type { ConsoleBackend } from '../../src/extension/console/backend';
import { ConsoleChannel } from '../../src/extension/console/channel';
import { createBrowserHost, STATE_KEY } from '../../src/webview/host/browserHost';
import { createWebviewHost, HostError } from '../../src/webview/host/webviewHost';
import type { ConsoleConfig, ConsoleInput, ConsolePush, HistoryChange, HistoryRecord, HostMessage } from '../../src/webview/protocol';
import { isHostMessage, isUiMessage } from '../../src/webview/protocol';

function record(id: string, overrides: Partial<HistoryRecord> = {}): HistoryRecord {
  return { id, seq: 1, route: 'trackEvent', receivedAt: '2026-01-08T13:52:50.212Z', rawBody: '{}', status: 'sent', outcomes: [], ...overrides };
}

const config: ConsoleConfig = { defaultSettings: { accountId: '1', accessToken: '<redacted>' }, live: false, eventApiTarget: 'http://127.0.0.1:1/v1/events' };

function fakeBackend() {
  const historyListeners = new Set<(record: HistoryRecord | undefined, change: HistoryChange) => void>();
  const configListeners = new Set<(config: ConsoleConfig) => void>();
  const sent: ConsoleInput[] = [];
  const calls: string[] = [];
  const backend: ConsoleBackend = {
    getConfig: async () => config,
    getDatafile: async () => ({ events: [{ key: 'A', id: '1', experimentCount: 1, runningExperimentCount: 1 }], attributes: [] }),
    send: async (input) => {
      sent.push(input);
      return { recordId: 'r1', record: record('r1') };
    },
    diagnose: async () => ({ checks: [], decisions: [], exchanges: [] }),
    setLive: async (live) => {
      calls.push(`setLive ${live}`);
      return { live, eventApiTarget: 'x' };
    },
    listHistory: async (query) => {
      calls.push(`list ${JSON.stringify(query)}`);
      return { events: [record('r1')], nextCursor: null };
    },
    getRecord: async (id) => (id === 'r1' ? record('r1') : undefined),
    clearHistory: async () => {
      calls.push('clear');
    },
    onHistoryChange(listener) {
      historyListeners.add(listener);
      return { dispose: () => historyListeners.delete(listener) };
    },
    onConfigChange(listener) {
      configListeners.add(listener);
      return { dispose: () => configListeners.delete(listener) };
    },
  };
  return { backend, sent, calls, historyListeners, configListeners };
}

/** Wires a webview host to a channel; messages cross asynchronously like postMessage, as JSON. */
function wire(initial?: { recordId: string }) {
  const fake = fakeBackend();
  const toUi = new Set<(data: unknown) => void>();
  const posted: HostMessage[] = [];
  const copied: string[] = [];
  let stored: unknown;
  const channel = new ConsoleChannel({
    backend: fake.backend,
    initial,
    post: (message) => {
      posted.push(message);
      setImmediate(() => toUi.forEach((handler) => handler(JSON.parse(JSON.stringify(message)))));
    },
    copyText: async (text) => {
      copied.push(text);
    },
  });
  const host = createWebviewHost(
    { postMessage: (message) => setImmediate(() => void channel.receive(JSON.parse(JSON.stringify(message)))), getState: () => stored, setState: (state) => (stored = state) },
    (handler) => toUi.add(handler),
  );
  return { ...fake, channel, host, posted, copied, getStored: () => stored };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('webview protocol: webview host ↔ extension channel', () => {
  it('hands the initial request over in the handshake, then answers numbered requests', async () => {
    const { host, sent, posted, calls } = wire({ recordId: 'r1' });
    assert.deepEqual(await host.ready(), { initial: { recordId: 'r1' } });
    assert.deepEqual(await host.getConfig(), config);
    const reply = await host.send({ payload: { event: 'A' }, settings: { accountId: '2' } });
    assert.equal(reply.recordId, 'r1');
    assert.deepEqual(sent, [{ payload: { event: 'A' }, settings: { accountId: '2' } }]);
    await host.listHistory({ limit: 5, text: 'x' });
    await host.setLive({ live: true });
    await host.clearHistory();
    assert.deepEqual(calls, ['list {"limit":5,"text":"x"}', 'setLive true', 'clear']);
    assert.equal(posted[0].type, 'hello');
    const ids = posted.filter((message) => message.type === 'reply').map((message) => (message as { id: number }).id);
    assert.deepEqual(ids, [1, 2, 3, 4, 5]);
  });

  it('turns backend failures into rejected promises with the message', async () => {
    const { host } = wire();
    await host.ready();
    await assert.rejects(host.getRecord({ id: 'nope' }), (error: HostError) => error instanceof HostError && /No history record has id nope/.test(error.message) && error.code === 'event_not_found');
  });

  it('runs concurrent requests independently', async () => {
    const { host } = wire();
    const [a, b, c] = await Promise.all([host.getConfig(), host.getRecord({ id: 'r1' }), host.getDatafile()]);
    assert.equal(a.live, false);
    assert.equal(b.id, 'r1');
    assert.equal(c.events[0].key, 'A');
  });

  it('copies through the extension', async () => {
    const { host, copied } = wire();
    await host.copyText({ text: 'curl …' });
    assert.deepEqual(copied, ['curl …']);
  });

  it('pushes history and config changes only after the handshake, and "open" requests', async () => {
    const { host, channel, historyListeners, configListeners } = wire();
    const pushes: ConsolePush[] = [];
    host.onPush((push) => pushes.push(push));
    await host.ready();
    await tick();
    historyListeners.forEach((listener) => listener(record('r2'), 'added'));
    historyListeners.forEach((listener) => listener(undefined, 'cleared'));
    configListeners.forEach((listener) => listener({ ...config, live: true }));
    channel.open({ recordId: 'r2' });
    await tick();
    await tick();
    assert.deepEqual(pushes, [
      { kind: 'history', change: 'added', record: record('r2') },
      { kind: 'history', change: 'cleared' },
      { kind: 'config', config: { ...config, live: true } },
      { kind: 'open', initial: { recordId: 'r2' } },
    ]);
    channel.dispose();
    assert.equal(historyListeners.size, 0);
    assert.equal(configListeners.size, 0);
  });

  it('answers a second ready (webview reloaded) without subscribing twice', async () => {
    const { channel, posted, historyListeners } = wire({ recordId: 'r1' });
    await channel.receive({ type: 'ready', protocol: 1 });
    await channel.receive({ type: 'ready', protocol: 1 });
    const hellos = posted.filter((message) => message.type === 'hello');
    assert.equal(hellos.length, 2);
    assert.deepEqual(hellos[0], { type: 'hello', protocol: 1, initial: { recordId: 'r1' } });
    assert.deepEqual(hellos[1], { type: 'hello', protocol: 1 });
    assert.equal(historyListeners.size, 1);
  });

  it('ignores malformed messages and validates parameters', async () => {
    const { channel, posted } = wire();
    for (const message of [null, 'ready', { type: 'request', id: 'x', method: 'send' }, { type: 'request', id: 1, method: 'eval' }]) await channel.receive(message);
    assert.equal(posted.length, 0);
    await channel.receive({ type: 'request', id: 7, method: 'send', params: { nothing: true } });
    await channel.receive({ type: 'request', id: 8, method: 'setLive', params: { live: 'yes' } });
    assert.deepEqual(
      posted.map((message) => message.type === 'error' && [message.id, message.error.message]),
      [
        [7, 'Expected {payload, settings?, mapping?}.'],
        [8, 'setLive needs {live: boolean}.'],
      ],
    );
  });

  it('keeps state through VS Code’s getState/setState', () => {
    const { host, getStored } = wire();
    host.setState({ version: 1, payloadText: 'x' });
    assert.deepEqual(getStored(), { version: 1, payloadText: 'x' });
    assert.deepEqual(host.getState(), { version: 1, payloadText: 'x' });
  });

  it('guards both message directions', () => {
    assert.ok(isUiMessage({ type: 'ready', protocol: 1 }));
    assert.ok(!isUiMessage({ type: 'request', id: 1.5, method: 'send' }));
    assert.ok(isHostMessage({ type: 'error', id: 1, error: { message: 'm' } }));
    assert.ok(!isHostMessage({ type: 'error', id: 1, error: 'm' }));
    assert.ok(!isHostMessage({ type: 'push', push: null }));
  });
});

describe('webview protocol: browser host over HTTP', () => {
  function fakeHttp(routes: Record<string, (init: RequestInit | undefined) => Response>) {
    const requests: { url: string; init?: RequestInit }[] = [];
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      requests.push({ url, init });
      const key = `${init?.method ?? 'GET'} ${url}`;
      const route = routes[key];
      if (!route) return new Response(JSON.stringify({ error: { status: 404, code: 'not_found', message: `No route ${key}.`, fix: 'Check it.' } }), { status: 404 });
      return route(init);
    }) as typeof fetch;
    return { fetchFn, requests };
  }

  it('sends through POST /trackEvent and returns the record it made', async () => {
    const { fetchFn, requests } = fakeHttp({
      'POST http://emu/trackEvent': () => new Response('[{"requestError":true}]', { headers: { 'x-emulator-record-id': 'r9', 'content-type': 'application/json' } }),
      'GET http://emu/api/events/r9': () => Response.json(record('r9', { status: 'rejected' })),
    });
    const host = createBrowserHost({ baseUrl: 'http://emu', fetch: fetchFn, search: '' });
    const reply = await host.send({ payload: { event: 'A' } });
    assert.equal(reply.recordId, 'r9');
    assert.equal(reply.record.status, 'rejected');
    assert.equal(requests[0].init?.body, '{"payload":{"event":"A"}}');
    assert.deepEqual(await host.ready(), { initial: undefined });
  });

  it('confirms live send explicitly, and only when turning it on', async () => {
    const bodies: unknown[] = [];
    const { fetchFn } = fakeHttp({
      'POST http://emu/api/live': (init) => {
        bodies.push(JSON.parse(String(init?.body)));
        return Response.json({ live: true, eventApiTarget: 'https://logx.optimizely.com/v1/events' });
      },
    });
    const host = createBrowserHost({ baseUrl: 'http://emu', fetch: fetchFn });
    await host.setLive({ live: true });
    await host.setLive({ live: false });
    assert.deepEqual(bodies, [{ live: true, confirm: true }, { live: false }]);
  });

  it('reports the emulator’s error message and fix', async () => {
    const { fetchFn } = fakeHttp({});
    const host = createBrowserHost({ baseUrl: 'http://emu', fetch: fetchFn });
    await assert.rejects(host.getConfig(), /No route GET http:\/\/emu\/api\/config\. Check it\./);
  });

  it('says when the emulator cannot be reached', async () => {
    const host = createBrowserHost({ baseUrl: 'http://emu', fetch: (async () => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch });
    await assert.rejects(host.getDatafile(), /Cannot reach the emulator at http:\/\/emu \(Failed to fetch\)\. Is it still running\?/);
  });

  it('lists history with the query, opens ?record= and keeps state in storage', async () => {
    const { fetchFn, requests } = fakeHttp({ 'GET http://emu/api/events?limit=50&text=a+b': () => Response.json({ events: [], nextCursor: null }) });
    const storage = new Map<string, string>();
    const host = createBrowserHost({ baseUrl: 'http://emu', fetch: fetchFn, search: '?record=abc', storage: { getItem: (key) => storage.get(key) ?? null, setItem: (key, value) => void storage.set(key, value) } });
    await host.listHistory({ limit: 50, text: 'a b', cursor: undefined });
    assert.equal(requests[0].url, 'http://emu/api/events?limit=50&text=a+b');
    assert.deepEqual(await host.ready(), { initial: { recordId: 'abc' } });
    host.setState({ version: 1 });
    assert.equal(storage.get(STATE_KEY), '{"version":1}');
    assert.deepEqual(host.getState(), { version: 1 });
    storage.set(STATE_KEY, '{broken');
    assert.equal(host.getState(), undefined);
  });

  it('turns the event stream into history pushes and closes it with the last listener', () => {
    const listeners = new Map<string, (event: MessageEvent) => void>();
    let closed = false;
    const host = createBrowserHost({
      baseUrl: 'http://emu',
      createEventSource: (url) => {
        assert.equal(url, 'http://emu/api/stream');
        return { addEventListener: (type, listener) => listeners.set(type, listener), close: () => (closed = true) };
      },
    });
    const pushes: ConsolePush[] = [];
    const off = host.onPush((push) => pushes.push(push));
    listeners.get('added')?.({ data: JSON.stringify(record('r3')) } as MessageEvent);
    listeners.get('updated')?.({ data: 'not json' } as MessageEvent);
    listeners.get('cleared')?.({ data: '{}' } as MessageEvent);
    assert.deepEqual(pushes, [
      { kind: 'history', change: 'added', record: record('r3') },
      { kind: 'history', change: 'cleared', record: undefined },
    ]);
    off();
    assert.equal(closed, true);
  });
});
