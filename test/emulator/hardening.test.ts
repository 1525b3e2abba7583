/**
 * Safe defaults for a server on the developer's machine: it binds 127.0.0.1, refuses requests addressed to
 * another host name (DNS rebinding), answers CORS only for its own origin and Segment's tester (the tracking
 * API answers any origin, as Segment's does), and shuts down gracefully.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { MOCK_DATAFILE_PATH, rawExchange, rawRequest } from './helpers';

const TRACK = JSON.stringify({ userId: 'u1', event: 'Product List Clicked' });

describe('hardening', () => {
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH, config: { mappings: [] } });
  });

  after(async () => {
    await emulator?.close();
  });

  beforeEach(async () => {
    await emulator.service.history.clear();
  });

  it('binds 127.0.0.1 by default', () => {
    assert.equal(emulator.host, '127.0.0.1');
    assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  describe('Host header (DNS-rebinding guard)', () => {
    for (const [path, method, body] of [
      ['/v1/track', 'POST', TRACK],
      ['/v1/batch', 'POST', JSON.stringify({ batch: [] })],
      ['/api/events', 'GET', undefined],
      ['/manifest', 'GET', undefined],
      ['/trackEvent', 'POST', JSON.stringify({ payload: {} })],
    ] as const) {
      it(`${method} ${path} with Host: evil.example → 403; nothing is recorded`, async () => {
        const answer = await rawRequest(`${emulator.url}${path}`, { method, body, headers: { host: `evil.example:${emulator.port}`, 'content-type': 'application/json' } });
        assert.equal(answer.status, 403, answer.text);
        const error = (JSON.parse(answer.text) as { error: { code: string; message: string } }).error;
        assert.equal(error.code, 'host_not_allowed');
        assert.match(error.message, /DNS rebinding/);
        assert.equal(emulator.service.history.size, 0);
      });
    }

    for (const host of ['attacker.example', '127.0.0.1', `127.0.0.1:${1}`, '127.0.0.1.nip.io', `localhost.evil.example`]) {
      it(`Host: ${JSON.stringify(host)} (not this server) → 403`, async () => {
        const answer = await rawRequest(`${emulator.url}/api/events`, { headers: { host } });
        assert.equal(answer.status, 403, answer.text);
      });
    }

    it('its own loopback names are accepted: 127.0.0.1:<port>, localhost:<port> (any case)', async () => {
      for (const host of [`127.0.0.1:${emulator.port}`, `localhost:${emulator.port}`, `LocalHost:${emulator.port}`]) {
        const answer = await rawRequest(`${emulator.url}/api/events`, { headers: { host } });
        assert.equal(answer.status, 200, `${host}: ${answer.text}`);
        const track = await rawRequest(`${emulator.url}/v1/track`, { method: 'POST', body: TRACK, headers: { host, 'content-type': 'application/json' } });
        assert.equal(track.status, 200, `${host}: ${track.text}`);
      }
    });

    it('a request without a Host header, or with an empty one, is refused with a 4xx', async () => {
      for (const head of ['GET /api/events HTTP/1.1\r\nConnection: close\r\n\r\n', 'GET /api/events HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n', 'GET /api/events HTTP/1.0\r\n\r\n']) {
        const answer = await rawExchange(emulator.port, Buffer.from(head));
        assert.ok(answer.status >= 400 && answer.status < 500, `${JSON.stringify(head)}: status ${answer.status}`);
      }
    });
  });

  describe('CORS', () => {
    const ownOrigin = () => emulator.url;

    for (const origin of ['https://app.segment.com', 'https://eu1.app.segment.com']) {
      it(`Segment's tester origin ${origin} gets Access-Control-Allow-Origin on the API and the tester routes`, async () => {
        const list = await rawRequest(`${emulator.url}/api/events`, { headers: { origin } });
        assert.equal(list.status, 200);
        assert.equal(list.headers['access-control-allow-origin'], origin);
        const preflight = await rawRequest(`${emulator.url}/trackEvent`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
        });
        assert.equal(preflight.status, 204);
        assert.equal(preflight.headers['access-control-allow-origin'], origin);
        assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
        assert.match(String(preflight.headers['access-control-allow-headers']), /content-type/);
      });
    }

    it('its own origin gets Access-Control-Allow-Origin', async () => {
      const answer = await rawRequest(`${emulator.url}/api/events`, { headers: { origin: ownOrigin() } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['access-control-allow-origin'], ownOrigin());
    });

    for (const [method, path] of [
      ['GET', '/api/events'],
      ['GET', '/api/events.ndjson'],
      ['DELETE', '/api/events'],
      ['GET', '/api/stream'],
      ['POST', '/trackEvent'],
      ['POST', '/delete'],
      ['OPTIONS', '/api/events'],
    ] as const) {
      it(`another origin on ${method} ${path} → 403 without CORS headers`, async () => {
        const answer = await rawRequest(`${emulator.url}${path}`, {
          method,
          body: method === 'POST' ? JSON.stringify({ payload: { userId: 'u' } }) : undefined,
          headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
          timeoutMs: 5_000,
        });
        assert.equal(answer.status, 403, answer.text);
        assert.equal(answer.headers['access-control-allow-origin'], undefined);
        assert.equal((JSON.parse(answer.text) as { error: { code: string } }).error.code, 'origin_not_allowed');
      });
    }

    it('a cross-site DELETE does not clear the history; a cross-site /trackEvent is not run', async () => {
      await rawRequest(`${emulator.url}/v1/track`, { method: 'POST', body: TRACK, headers: { 'content-type': 'application/json' } });
      await rawRequest(`${emulator.url}/api/events`, { method: 'DELETE', headers: { origin: 'https://evil.example' } });
      await rawRequest(`${emulator.url}/trackEvent`, { method: 'POST', body: JSON.stringify({ payload: {} }), headers: { origin: 'null', 'content-type': 'text/plain' } });
      assert.deepEqual(emulator.service.history.list().map((record) => record.route), ['tracking']);
    });

    for (const path of ['/v1/track', '/v1/batch', '/v1/t', '/v1/identify']) {
      it(`${path} answers any origin with Access-Control-Allow-Origin: *`, async () => {
        const body = path === '/v1/batch' ? JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'E' }] }) : TRACK;
        const answer = await rawRequest(`${emulator.url}${path}`, { method: 'POST', body, headers: { origin: 'https://shop.example', 'content-type': 'text/plain' } });
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.headers['access-control-allow-origin'], '*');
        const preflight = await rawRequest(`${emulator.url}${path}`, {
          method: 'OPTIONS',
          headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
        });
        assert.equal(preflight.status, 204);
        assert.equal(preflight.headers['access-control-allow-origin'], '*');
        assert.match(String(preflight.headers['access-control-allow-headers']), /authorization/);
      });
    }

    it('the Event API sink is not open to other origins (only the tracking API is)', async () => {
      const answer = await rawRequest(`${emulator.url}/v1/events`, { method: 'POST', body: '{}', headers: { origin: 'https://shop.example', 'content-type': 'application/json' } });
      assert.equal(answer.status, 403, answer.text);
    });

    it('requests without an Origin (curl, server-side clients) get no CORS headers and work', async () => {
      const answer = await rawRequest(`${emulator.url}/api/events`);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['access-control-allow-origin'], undefined);
    });
  });

  describe('graceful shutdown', () => {
    it('close() finishes in-flight messages, closes open event streams and frees the port', async () => {
      const local = await startEmulator({ port: 0, config: { mappings: [] } });
      const stream = await rawRequestStream(local.port);
      await rawRequest(`${local.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'E' }] }), headers: { 'content-type': 'application/json' } });
      const started = Date.now();
      await local.close();
      assert.ok(Date.now() - started < 5_000, 'close() must not wait for the stream to end by itself');
      assert.equal(local.service.history.list({ route: 'tracking' })[0].status, 'skipped');
      await stream.closed;
      assert.equal(await isRefused(local.port), true);
    });
  });
});

/** An open server-sent-event connection; `closed` resolves when the server ends it. */
function rawRequestStream(port: number): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    });
    const closed = new Promise<void>((resolveClosed) => socket.once('close', () => resolveClosed()));
    socket.once('data', () => resolve({ closed }));
    socket.once('error', reject);
  });
}

function isRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
