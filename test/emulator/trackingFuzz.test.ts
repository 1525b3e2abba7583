/**
 * Property: whatever malformed request reaches any route that takes a body — random bytes, truncated or
 * nested JSON, JSON that is not an object, wrong or odd content-types and encodings, huge or odd headers,
 * broken framing, wrong methods — the emulator answers with a 4xx, never a 5xx and never a hang, and keeps
 * answering good requests afterwards. Requests are written as raw bytes on a TCP socket, so headers no HTTP
 * client would send get through too.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { TRACKING_ROUTES } from '../../src/emulator/routes/tracking';
import { MOCK_DATAFILE_PATH, postJson, rawExchange, send } from './helpers';

const BODY_ROUTES = [...TRACKING_ROUTES, '/trackEvent', '/trackEvent/eventKey', '/authenticate', '/delete', '/v1/events', '/v2/subject-access-requests'];
/** Methods no body route answers (OPTIONS is every route's CORS preflight, so it is not "wrong"). */
const WRONG_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'PROPFIND', 'FOO'];
/** Headers the generator sets itself, so random extra headers must not. */
const RESERVED_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'content-type', 'content-encoding', 'authorization', 'expect', 'keep-alive', 'upgrade', 'te', 'trailer']);
const RUNS = 400;

/** True when a decoding of the bytes that a server might apply parses as a JSON object (a well-formed message). */
function isJsonObjectSomehow(bytes: Buffer): boolean {
  const swapped = Buffer.from(bytes);
  if (swapped.length % 2 === 0) swapped.swap16();
  const decodings = [bytes.toString('utf8'), bytes.toString('latin1'), bytes.toString('utf16le'), swapped.toString('utf16le')];
  return decodings.some((text) => {
    try {
      const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    } catch {
      return false;
    }
  });
}

const bodies: fc.Arbitrary<Buffer> = fc
  .oneof(
    { weight: 4, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((bytes) => Buffer.from(bytes)) },
    // A strict prefix of a JSON object is never valid JSON.
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 6 }), fc.nat())
        .map(([value, cut]) => {
          const text = JSON.stringify({ type: 'track', event: 'Product List Clicked', userId: 'fuzz', ...value });
          return Buffer.from(text.slice(0, 1 + (cut % (text.length - 1))));
        }),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }).map((text) => Buffer.from(text)) },
    // Valid JSON of the wrong shape: numbers, strings, arrays, null.
    { weight: 2, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 3 }).filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 })).map((value) => Buffer.from(JSON.stringify(value))) },
    // Deep nesting, balanced (an array) or not.
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => Buffer.from('{"a":'.repeat(depth))) },
    // A batch with a broken item list.
    { weight: 1, arbitrary: fc.constantFrom('{"batch": [1, 2', '{"batch": {"a": 1}', '{"batch": [{"type": "track"}, ', '{"writeKey": "k", "batch"') .map((text) => Buffer.from(text)) },
    // Over every route's read limit, sometimes.
    { weight: 1, arbitrary: fc.integer({ min: 1_050_000, max: 1_300_000 }).map((size) => Buffer.from(`{"pad":"${'x'.repeat(size)}`)) },
  )
  .filter((body) => body.length > 0 && !isJsonObjectSomehow(body));

const contentTypes: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constantFrom(
    undefined,
    'application/json',
    'text/plain',
    'text/plain;charset=UTF-8',
    'text/json',
    'application/vnd.segment+json',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=----x',
    'application/octet-stream',
    'application/json; charset=utf-16',
    'application/json; charset=klingon',
    'text/plain; charset=latin1',
    'application/json; charset',
    ';;;=',
    '*/*',
  ),
  fc.string({ maxLength: 60 }).map((text) => text.replace(/[\r\n]/g, ' ')),
);

const encodings = fc.constantFrom(undefined, undefined, undefined, 'gzip', 'deflate', 'br', 'identity', 'zstd', 'gzip, br', 'x-unknown');

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,24}$/).filter((name) => !RESERVED_HEADERS.has(name.toLowerCase()));
const headerValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 80 }).map((text) => text.replace(/[\r\n]/g, '')) },
  // Control characters and bytes beyond ASCII: Node's parser refuses some of these itself.
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((text) => text.replace(/[\r\n]/g, '')) },
  // Huge: beyond Node's 16 KB header limit, sometimes.
  { weight: 1, arbitrary: fc.integer({ min: 4_000, max: 24_000 }).map((size) => 'h'.repeat(size)) },
);
const extraHeaders = fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 });

const authorizations = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 40 }).map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
  fc.string({ maxLength: 30 }).map((text) => `Basic ${text.replace(/[\r\n]/g, '')}`),
  fc.constantFrom('Basic', 'Basic ===', 'Digest x', 'Basic Og=='),
);

/** How the body is framed: a correct Content-Length, correct chunks, or one of the malformed framings. */
const framings = fc.constantFrom('length', 'length', 'length', 'chunked', 'chunked-broken', 'length-and-chunked', 'length-short', 'length-not-a-number');

interface BadRequest {
  method: string;
  route: string;
  body: Buffer;
  contentType?: string;
  encoding?: string;
  authorization?: string;
  headers: [string, string][];
  framing: string;
  host: 'own' | 'other';
}

const badRequests: fc.Arbitrary<BadRequest> = fc.record({
  method: fc.oneof({ weight: 5, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom(...WRONG_METHODS) }),
  route: fc.constantFrom(...BODY_ROUTES),
  body: bodies,
  contentType: contentTypes,
  encoding: encodings,
  authorization: authorizations,
  headers: extraHeaders,
  framing: framings,
  host: fc.oneof({ weight: 9, arbitrary: fc.constant('own' as const) }, { weight: 1, arbitrary: fc.constant('other' as const) }),
});

function chunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += 1000) {
    const chunk = body.subarray(offset, offset + 1000);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

function encode(request: BadRequest, port: number): Buffer {
  const lines = [`${request.method} ${request.route} HTTP/1.1`, `Host: ${request.host === 'own' ? `127.0.0.1:${port}` : 'rebind.example'}`, 'Connection: close'];
  if (request.contentType !== undefined) lines.push(`Content-Type: ${request.contentType}`);
  if (request.encoding !== undefined) lines.push(`Content-Encoding: ${request.encoding}`);
  if (request.authorization !== undefined) lines.push(`Authorization: ${request.authorization}`);
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  let payload = request.body;
  switch (request.framing) {
    case 'length':
      lines.push(`Content-Length: ${payload.length}`);
      break;
    case 'chunked':
      lines.push('Transfer-Encoding: chunked');
      payload = chunked(payload);
      break;
    case 'chunked-broken':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from('zz\r\n'), payload, Buffer.from('\r\n0\r\n\r\n')]);
      break;
    case 'length-and-chunked':
      lines.push(`Content-Length: ${payload.length}`, 'Transfer-Encoding: chunked');
      break;
    case 'length-short':
      // Fewer bytes announced than sent: the rest reads as a garbage second request.
      lines.push(`Content-Length: ${Math.max(1, Math.floor(payload.length / 2))}`);
      break;
    case 'length-not-a-number':
      lines.push('Content-Length: 12abc');
      break;
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

function describeRequest(request: BadRequest): string {
  return JSON.stringify({ ...request, body: `${request.body.length} bytes: ${JSON.stringify(request.body.subarray(0, 80).toString('latin1'))}`, headers: request.headers.map(([name, value]) => [name, value.length > 80 ? `${value.slice(0, 20)}… (${value.length})` : value]) });
}

describe('malformed requests (property-based)', function () {
  this.timeout(120_000);
  let emulator: RunningEmulator;
  const logged: string[] = [];

  before(async () => {
    emulator = await startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH, log: (message) => logged.push(message) });
  });

  after(async () => {
    await emulator?.close();
  });

  it(`${RUNS} malformed requests to every body route: each answered with a 4xx, never a 5xx or a hang`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(badRequests, async (request) => {
        const { status, text } = await rawExchange(emulator.port, encode(request, emulator.port), 10_000);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        assert.ok(status >= 400 && status < 500, `${describeRequest(request)} → ${status} ${text.slice(0, 400)}`);
        assert.ok(!text.includes('    at '), `a stack trace leaked: ${text.slice(0, 400)}`);
      }),
      // FC_SEED replays a failure (fast-check prints the seed); FC_RUNS runs more cases.
      { numRuns: Number(process.env.FC_RUNS ?? RUNS), endOnFailure: true, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
    console.log(`      statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    assert.deepEqual(logged.filter((message) => /internal error/i.test(message)), []);
  });

  it('still answers good requests on every kind of route afterwards', async () => {
    const track = await postJson(`${emulator.url}/v1/track`, { userId: 'after-fuzz', event: 'Product List Clicked', messageId: 'after-fuzz-1', properties: { revenue: 1 } });
    assert.equal(track.status, 200, track.text);
    const batch = await send(`${emulator.url}/v1/t`, { method: 'POST', body: JSON.stringify({ userId: 'after-fuzz', event: 'Product List Clicked', messageId: 'after-fuzz-2' }), headers: { 'content-type': 'text/plain' } });
    assert.equal(batch.status, 200, batch.text);
    const tester = await postJson(`${emulator.url}/trackEvent`, { payload: { type: 'track', event: 'Product List Clicked', userId: 'after-fuzz', messageId: 'after-fuzz-3' } });
    assert.equal(tester.status, 200, tester.text);
    await emulator.service.idle();
    const records = emulator.service.history.list({ route: 'tracking', visitor: 'after-fuzz' });
    assert.deepEqual(records.map((record) => record.status), ['sent', 'sent']);
    const list = await send(`${emulator.url}/api/events?limit=1`);
    assert.equal(list.status, 200);
  });
});
