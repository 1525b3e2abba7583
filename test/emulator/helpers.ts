/**
 * Shared pieces of the emulator tests: real local HTTP servers that stand in for Optimizely's CDN (datafile)
 * and Event API, a small JSON client that checks every answer for leaked stack frames, and the reference
 * input/output of spec/segment-destination.md §6.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const MOCK_DATAFILE_PATH = path.join(REPO_ROOT, 'test', 'fixtures', 'datafiles', 'segment-actions-mock-datafile.json');
export const MOCK_DATAFILE_TEXT = fs.readFileSync(MOCK_DATAFILE_PATH, 'utf8');
export const DEACTIVATED_BODY = '// This Optimizely project has been deactivated. Visit app.optimizely.com to activate it.';

export { MAIN_EXAMPLE_BODY, mainExampleEvent } from '../helpers/mainExample';

// ---------------------------------------------------------------------------------------------------------------
// Local servers
// ---------------------------------------------------------------------------------------------------------------

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface LocalServer {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

type Handler = (request: ReceivedRequest, res: http.ServerResponse) => void;

async function startLocalServer(handler: Handler): Promise<LocalServer> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      handler(request, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A CDN stand-in. Paths:
 * `/datafile.json` the mock datafile as application/json; `/datafile.txt` the same text as text/plain;
 * `/deactivated.json` Optimizely's deactivated-project body (200); `/forbidden.json` 403; anything else 404.
 */
export function startDatafileServer(): Promise<LocalServer> {
  return startLocalServer((request, res) => {
    switch (request.path) {
      case '/datafile.json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(MOCK_DATAFILE_TEXT);
        return;
      case '/datafile.txt':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(MOCK_DATAFILE_TEXT);
        return;
      case '/deactivated.json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(DEACTIVATED_BODY);
        return;
      case '/forbidden.json':
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<Error><Code>AccessDenied</Code></Error>');
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no such datafile');
    }
  });
}

/** Secret-looking response header the Event API stand-in sets: the emulator must show it redacted. */
export const EVENT_API_COOKIE = 'logx-session=s3cr3t-cookie-value';

/**
 * An Event API / GDPR API stand-in, recording every body. Paths:
 * `/ok/v1/events` 204 (with a request id and a cookie); `/bad/v1/events` 400; `/boom/v1/events` 500;
 * `/gdpr/v2/subject-access-requests` 200 JSON that echoes the Authorization header (to prove the emulator
 * redacts what a server sends back, too).
 */
export function startEventApiServer(): Promise<LocalServer> {
  return startLocalServer((request, res) => {
    switch (request.path) {
      case '/ok/v1/events':
        res.writeHead(204, { 'x-request-id': 'req-42', 'set-cookie': EVENT_API_COOKIE });
        res.end();
        return;
      case '/bad/v1/events':
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":"invalid batch"}');
        return;
      case '/boom/v1/events':
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('logx exploded');
        return;
      case '/gdpr/v2/subject-access-requests':
        res.writeHead(200, { 'content-type': 'application/json', 'x-echo-authorization': String(request.headers.authorization) });
        res.end(JSON.stringify({ id: 'sar-1', status: 'PENDING', echoedAuthorization: request.headers.authorization }));
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('unknown path');
    }
  });
}

/**
 * An Event API stand-in that answers its n-th POST with `statuses[n]` (the last status repeats), recording
 * every request. Any GET is answered with the mock datafile, so it can serve `dataFileUrl` too.
 */
export function startScriptedEventApiServer(statuses: number[]): Promise<LocalServer> {
  let posts = 0;
  return startLocalServer((request, res) => {
    if (request.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(MOCK_DATAFILE_TEXT);
      return;
    }
    const status = statuses[Math.min(posts++, statuses.length - 1)];
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status === 204 ? undefined : `status ${status}`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body (undefined when it is empty). */
  json: unknown;
}

/** Asserts that an answer carries no stack trace (no `    at ` frames, no `stack` key). */
export function assertNoStackTrace(text: string): void {
  assert.ok(!text.includes('    at '), `answer contains a stack frame: ${text.slice(0, 500)}`);
  assert.ok(!/\bat [^\s]+ \(.*:\d+:\d+\)/.test(text), `answer contains a stack frame: ${text.slice(0, 500)}`);
  assert.ok(!text.includes('"stack"'), `answer contains a stack: ${text.slice(0, 500)}`);
}

/** Sends a request and reads the whole answer; every answer is checked for stack traces. */
export async function send(
  url: string,
  options: { method?: string; json?: unknown; body?: string | Blob; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body: string | Blob | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  assertNoStackTrace(text);
  return { status: response.status, headers: response.headers, text, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

export function postJson(url: string, json: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return send(url, { method: 'POST', json, headers });
}

// ---------------------------------------------------------------------------------------------------------------
// Answer shapes (Segment's action-tester protocol)
// ---------------------------------------------------------------------------------------------------------------

export interface TesterExchange {
  request: { url: string; method: string; headers: Record<string, string>; body: string };
  response: { statusCode: number; statusMessage: string; headers: Record<string, string>; body: string } | null;
  error?: string;
}

export interface TesterRequestError {
  requestError: true;
  statusCode: number;
  name: string;
  message: string;
  code?: string;
  fields?: Record<string, string>;
}

export function asExchanges(answer: Answer): TesterExchange[] {
  assert.equal(answer.status, 200, answer.text);
  assert.ok(Array.isArray(answer.json), answer.text);
  const list = answer.json as TesterExchange[];
  for (const item of list) assert.ok(!('requestError' in item), `expected exchanges, got an error: ${answer.text}`);
  return list;
}

/** The single error entry of an error answer (HTTP 200, a list of one `requestError`). */
export function asRequestError(answer: Answer): TesterRequestError {
  assert.equal(answer.status, 200, answer.text);
  assert.ok(Array.isArray(answer.json), answer.text);
  const list = answer.json as TesterRequestError[];
  assert.equal(list.length, 1, answer.text);
  assert.equal(list[0].requestError, true, answer.text);
  return list[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Low-level clients: node:http with any Host header, raw TCP bytes, server-sent events
// ---------------------------------------------------------------------------------------------------------------

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request with node:http, so headers fetch would not let through (Host, Origin) can be set. Bounded by `timeoutMs`. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        // A body gets a Content-Length unless the caller asks for chunked transfer.
        headers: {
          ...(body === undefined || Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'transfer-encoding') ? {} : { 'content-length': String(body.length) }),
          ...(options.headers ?? {}),
        },
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          assertNoStackTrace(text);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${options.method ?? 'GET'} ${url} within ${options.timeoutMs ?? 10_000} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Writes raw bytes to a fresh TCP connection and reads until the server closes it (send `Connection: close`),
 * returning the status of the first final (non-1xx) response. Rejects when nothing arrives within `timeoutMs`:
 * a hang. The socket is never half-closed, as real clients keep it open until the answer arrives.
 */
export function rawExchange(port: number, bytes: Buffer, timeoutMs = 5_000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 300))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may reset the connection after answering a request it could not parse: what arrived still counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const statuses = [...text.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((match) => Number(match[1]));
      const status = statuses.find((value) => value >= 200);
      if (status === undefined) reject(new Error(`the connection closed without an answer; got ${JSON.stringify(text.slice(0, 300))}`));
      else resolve({ status, text });
    });
  });
}

export interface SseFrame {
  event: string;
  data: string;
}

export interface EventStreamReader {
  frames: SseFrame[];
  /** Resolves with the frames once `predicate` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (frames: SseFrame[]) => boolean, timeoutMs?: number): Promise<SseFrame[]>;
  close(): void;
}

/** Opens a text/event-stream with a raw node:http request and parses its frames as they arrive. */
export function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader & { status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const frames: SseFrame[] = [];
    const waiters = new Set<() => void>();
    let buffer = '';
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (response) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
          }
          if (data.length > 0) frames.push({ event, data: data.join('\n') });
        }
        for (const waiter of [...waiters]) waiter();
      });
      response.on('error', () => undefined); // closed by close()
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        frames,
        waitFor(predicate, timeoutMs = 5_000) {
          return new Promise((resolveWait, rejectWait) => {
            const check = () => {
              if (!predicate(frames)) return;
              waiters.delete(check);
              clearTimeout(timer);
              resolveWait(frames);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              rejectWait(new Error(`the event stream did not deliver the expected frames within ${timeoutMs} ms; got ${JSON.stringify(frames.map((frame) => frame.event))}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close() {
          request.destroy();
        },
      });
    });
    request.on('error', reject);
  });
}

/** HTTP Basic credentials the way Segment's libraries send a write key. */
export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}
