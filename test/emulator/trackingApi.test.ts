/**
 * Segment's HTTP Tracking API on the emulator (`/v1/track|identify|page|screen|group|alias|batch|import` and
 * analytics.js' short paths): write keys, Segment's size limits and answers, Segment's normalisation, and the
 * real clients: `@segment/analytics-node` and the request analytics.js sends.
 */
import * as assert from 'node:assert/strict';
import { Analytics } from '@segment/analytics-node';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import type { HistoryRecord } from '../../src/emulator/history';
import { basicAuth, MOCK_DATAFILE_PATH, postJson, rawRequest, send, startEventApiServer, type Answer, type LocalServer } from './helpers';

const WRITE_KEY = 'wk-tracking-7c1d2e3f4a5b';

type Message = Record<string, unknown>;

function trackingRecords(emulator: RunningEmulator): HistoryRecord[] {
  return emulator.service.history.list({ route: 'tracking' }).reverse();
}

function messageOf(record: HistoryRecord): Message {
  assert.ok(record.message && typeof record.message === 'object', `record ${record.id} has no message`);
  return record.message as Message;
}

function postText(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  return send(url, { method: 'POST', body, headers: { 'content-type': 'text/plain', ...headers } });
}

describe('tracking API (/v1/*)', () => {
  let eventApi: LocalServer;
  let emulator: RunningEmulator;

  before(async () => {
    eventApi = await startEventApiServer();
    emulator = await startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH, eventApiUrl: `${eventApi.url}/ok/v1/events` });
  });

  after(async () => {
    await emulator?.close();
    await eventApi?.close();
  });

  beforeEach(async () => {
    await emulator.service.idle();
    await emulator.service.history.clear();
    eventApi.received.length = 0;
  });

  describe('routes and answers', () => {
    const SINGLE = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;

    for (const route of SINGLE) {
      it(`POST /v1/${route} → 200 {"success": true}, one record whose type comes from the route`, async () => {
        // The body claims another type: the route wins, as in Segment.
        const answer = await postJson(`${emulator.url}/v1/${route}`, { type: 'bogus', userId: 'user-1', event: 'Product List Clicked', messageId: `m-${route}` });
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(answer.json, { success: true });
        const records = trackingRecords(emulator);
        assert.equal(records.length, 1);
        assert.equal(records[0].type, route);
        assert.equal(messageOf(records[0]).type, route);
        assert.equal(messageOf(records[0]).messageId, `m-${route}`);
      });
    }

    for (const [short, type] of [['t', 'track'], ['i', 'identify'], ['p', 'page'], ['s', 'screen'], ['g', 'group'], ['a', 'alias']] as const) {
      it(`analytics.js' short path /v1/${short} (text/plain) is ${type}`, async () => {
        const answer = await postText(`${emulator.url}/v1/${short}`, JSON.stringify({ anonymousId: 'anon-1', event: 'Product List Clicked' }));
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(answer.json, { success: true });
        const [record] = trackingRecords(emulator);
        assert.equal(record.type, type);
        assert.equal(record.visitorId, 'anon-1');
      });
    }

    for (const route of ['batch', 'import']) {
      it(`POST /v1/${route}: one record per item, in order, each typed by the item`, async () => {
        const batch = [
          { type: 'track', event: 'Product List Clicked', userId: 'u1', messageId: 'b-1' },
          { type: 'identify', userId: 'u2', traits: { plan: 'pro' }, messageId: 'b-2' },
          { type: 'page', anonymousId: 'a3', name: 'Home', messageId: 'b-3' },
        ];
        const answer = await postJson(`${emulator.url}/v1/${route}`, { batch });
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(answer.json, { success: true });
        const records = trackingRecords(emulator);
        assert.deepEqual(records.map((record) => [record.type, messageOf(record).messageId]), [['track', 'b-1'], ['identify', 'b-2'], ['page', 'b-3']]);
        // Each record keeps its own item as raw body, not the whole batch.
        assert.deepEqual(JSON.parse(records[1].rawBody), batch[1]);
      });
    }

    it('an empty batch is accepted and makes no record', async () => {
      const answer = await postJson(`${emulator.url}/v1/batch`, { batch: [] });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { success: true });
      assert.equal(trackingRecords(emulator).length, 0);
    });

    it('a batch without a "batch" array → 400, recorded as rejected', async () => {
      const answer = await postJson(`${emulator.url}/v1/batch`, { events: [] });
      assert.equal(answer.status, 400);
      assert.equal((answer.json as { success: boolean }).success, false);
      const records = trackingRecords(emulator);
      assert.equal(records.length, 1);
      assert.equal(records[0].status, 'rejected');
    });

    it('a batch with one non-object item is refused whole: 400 naming the item, no item ingested', async () => {
      const answer = await postJson(`${emulator.url}/v1/batch`, { batch: [{ type: 'track', event: 'A', userId: 'u' }, 42] });
      assert.equal(answer.status, 400);
      assert.match((answer.json as { message: string }).message, /batch\[1\]/);
      const records = trackingRecords(emulator);
      assert.deepEqual(records.map((record) => record.status), ['rejected']);
    });

    it('malformed JSON → 400 {success: false} with the parser message, recorded with its raw body', async () => {
      const answer = await postText(`${emulator.url}/v1/track`, '{"userId": "u1",');
      assert.equal(answer.status, 400);
      const body = answer.json as { success: boolean; message: string };
      assert.equal(body.success, false);
      assert.match(body.message, /not valid JSON/);
      const [record] = trackingRecords(emulator);
      assert.equal(record.status, 'rejected');
      assert.equal(record.rawBody, '{"userId": "u1",');
    });

    it('GET on a tracking route → 404', async () => {
      const answer = await send(`${emulator.url}/v1/track`);
      assert.equal(answer.status, 404);
    });
  });

  describe('normalisation', () => {
    it('fills messageId when absent, keeps it when present, sets receivedAt', async () => {
      const before = Date.now();
      await postJson(`${emulator.url}/v1/batch`, { batch: [{ type: 'track', event: 'A', userId: 'u' }, { type: 'track', event: 'B', userId: 'u', messageId: 'mine-1' }] });
      const after = Date.now();
      const [generated, kept] = trackingRecords(emulator).map(messageOf);
      assert.equal(typeof generated.messageId, 'string');
      assert.ok((generated.messageId as string).length >= 10, `generated messageId ${String(generated.messageId)}`);
      assert.equal(kept.messageId, 'mine-1');
      for (const message of [generated, kept]) {
        const receivedAt = Date.parse(message.receivedAt as string);
        assert.ok(receivedAt >= before - 5 && receivedAt <= after + 5, `receivedAt ${String(message.receivedAt)}`);
      }
    });

    it('generated messageIds are unique', async () => {
      const batch = Array.from({ length: 50 }, (_, i) => ({ type: 'track', event: 'A', userId: `u${i}` }));
      await postJson(`${emulator.url}/v1/batch`, { batch });
      const ids = trackingRecords(emulator).map((record) => messageOf(record).messageId);
      assert.equal(new Set(ids).size, 50);
    });

    it('timestamp = receivedAt - (sentAt - originalTimestamp): a client clock 1 h fast is corrected', async () => {
      // The client's clock is one hour ahead; the event happened 5 s before it was sent.
      const clientNow = Date.now() + 3_600_000;
      const originalTimestamp = new Date(clientNow - 5_000).toISOString();
      const sentAt = new Date(clientNow).toISOString();
      await postJson(`${emulator.url}/v1/track`, { userId: 'u', event: 'A', originalTimestamp, sentAt });
      const message = messageOf(trackingRecords(emulator)[0]);
      const receivedAt = Date.parse(message.receivedAt as string);
      assert.equal(Date.parse(message.timestamp as string), receivedAt - 5_000);
      assert.equal(message.originalTimestamp, originalTimestamp);
      assert.equal(message.sentAt, sentAt);
    });

    it('a batch-level sentAt applies to every item', async () => {
      const sentAt = '2030-01-01T00:00:10.000Z';
      await postJson(`${emulator.url}/v1/batch`, {
        sentAt,
        batch: [
          { type: 'track', event: 'A', userId: 'u', originalTimestamp: '2030-01-01T00:00:00.000Z' },
          { type: 'track', event: 'B', userId: 'u', originalTimestamp: '2030-01-01T00:00:07.500Z' },
        ],
      });
      const [first, second] = trackingRecords(emulator).map(messageOf);
      assert.equal(Date.parse(first.timestamp as string), Date.parse(first.receivedAt as string) - 10_000);
      assert.equal(Date.parse(second.timestamp as string), Date.parse(second.receivedAt as string) - 2_500);
    });

    it('without sentAt: timestamp is originalTimestamp, or receivedAt when there is none', async () => {
      await postJson(`${emulator.url}/v1/batch`, {
        batch: [
          { type: 'track', event: 'A', userId: 'u', originalTimestamp: '2024-01-08T13:52:50.212Z' },
          { type: 'track', event: 'B', userId: 'u' },
        ],
      });
      const [withOriginal, bare] = trackingRecords(emulator).map(messageOf);
      assert.equal(withOriginal.timestamp, '2024-01-08T13:52:50.212Z');
      assert.equal(bare.timestamp, bare.receivedAt);
    });

    it('an explicit timestamp without sentAt (a historical import) is kept as sent', async () => {
      await postJson(`${emulator.url}/v1/import`, { batch: [{ type: 'track', event: 'A', userId: 'u', timestamp: '2020-02-02T02:02:02.000Z' }] });
      const message = messageOf(trackingRecords(emulator)[0]);
      assert.equal(message.timestamp, '2020-02-02T02:02:02.000Z');
    });

    it('problems Segment would flag are recorded, the answer is still 200', async () => {
      const answer = await postJson(`${emulator.url}/v1/track`, { properties: [] });
      assert.equal(answer.status, 200);
      const [record] = trackingRecords(emulator);
      const problems = (record.problems ?? []).map((problem) => problem.message).join('\n');
      assert.match(problems, /userId or an anonymousId/);
      assert.match(problems, /event name/);
      assert.match(problems, /properties must be an object/);
    });
  });

  describe("Segment's size limits", () => {
    /** A single-message body of exactly `bytes` bytes. */
    function messageOfSize(bytes: number): string {
      const base = JSON.stringify({ userId: 'u', event: 'A', properties: { pad: '' } });
      return JSON.stringify({ userId: 'u', event: 'A', properties: { pad: 'x'.repeat(bytes - base.length) } });
    }

    it('a message of exactly 32 KB is accepted; one byte more → 400 naming the 32 KB limit', async () => {
      const exact = messageOfSize(32 * 1024);
      assert.equal(Buffer.byteLength(exact), 32 * 1024);
      const ok = await postJson(`${emulator.url}/v1/track`, JSON.parse(exact));
      assert.equal(ok.status, 200, ok.text);
      const over = await send(`${emulator.url}/v1/track`, { method: 'POST', body: messageOfSize(32 * 1024 + 1), headers: { 'content-type': 'application/json' } });
      assert.equal(over.status, 400);
      const body = over.json as { success: boolean; message: string };
      assert.equal(body.success, false);
      assert.match(body.message, /32 KB/);
    });

    it('a batch item over 32 KB → 400 naming the item and the limit; nothing of the batch is ingested', async () => {
      const big = JSON.parse(messageOfSize(33 * 1024)) as Message;
      const answer = await postJson(`${emulator.url}/v1/batch`, { batch: [{ type: 'track', event: 'A', userId: 'u' }, { type: 'track', ...big }] });
      assert.equal(answer.status, 400);
      assert.match((answer.json as { message: string }).message, /batch\[1\].*32 KB/);
      assert.deepEqual(trackingRecords(emulator).map((record) => record.status), ['rejected']);
    });

    it('a batch over 500 KB → 400 naming the 500 KB limit', async () => {
      const item = JSON.parse(messageOfSize(20 * 1024)) as Message;
      const batch = Array.from({ length: 30 }, (_, i) => ({ type: 'track', ...item, messageId: `big-${i}` }));
      const answer = await postJson(`${emulator.url}/v1/batch`, { batch });
      assert.equal(answer.status, 400);
      const body = answer.json as { success: boolean; message: string };
      assert.equal(body.success, false);
      assert.match(body.message, /500 KB/);
      assert.deepEqual(trackingRecords(emulator).map((record) => record.status), ['rejected']);
    });

    it('a batch just under 500 KB is accepted', async () => {
      const item = JSON.parse(messageOfSize(20 * 1024)) as Message;
      const batch = Array.from({ length: 24 }, (_, i) => ({ type: 'track', ...item, messageId: `fit-${i}` }));
      const size = Buffer.byteLength(JSON.stringify({ batch }));
      assert.ok(size < 500 * 1024 && size > 480 * 1024, `size ${size}`);
      const answer = await postJson(`${emulator.url}/v1/batch`, { batch });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(trackingRecords(emulator).length, 24);
    });

    it('a batch over 1 MB is refused with 400 naming the 500 KB limit too, in the tracking answer shape', async () => {
      const item = JSON.parse(messageOfSize(20 * 1024)) as Message;
      const batch = Array.from({ length: 60 }, (_, i) => ({ type: 'track', ...item, messageId: `huge-${i}` }));
      const answer = await postJson(`${emulator.url}/v1/batch`, { batch });
      assert.equal(answer.status, 400, answer.text);
      const body = answer.json as { success: boolean; message: string };
      assert.equal(body.success, false);
      assert.match(body.message, /500 KB/);
      assert.deepEqual(trackingRecords(emulator).map((record) => record.status), ['rejected']);
    });

    it('a single message over 1 MB sent chunked (no Content-Length) → 400 naming the 32 KB limit', async () => {
      const answer = await rawRequest(`${emulator.url}/v1/track`, {
        method: 'POST',
        body: JSON.stringify({ userId: 'u', event: 'A', properties: { pad: 'x'.repeat(1_200_000) } }),
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      assert.equal(answer.status, 400, answer.text);
      const body = JSON.parse(answer.text) as { success: boolean; message: string };
      assert.equal(body.success, false);
      assert.match(body.message, /32 KB/);
      assert.doesNotMatch(body.message, /undefined/);
      const [record] = trackingRecords(emulator);
      assert.equal(record.status, 'rejected');
      assert.ok(record.rawBody.length < 100, 'a refused huge body is not kept');
    });
  });

  describe('@segment/analytics-node', () => {
    it('delivers every call type through /v1/batch; records keep the client messageIds and types', async () => {
      const analytics = new Analytics({ writeKey: WRITE_KEY, host: emulator.url, flushAt: 7, flushInterval: 50, maxRetries: 0 });
      const errors: unknown[] = [];
      const paths: string[] = [];
      analytics.on('error', (error) => errors.push(error));
      analytics.on('http_request', (request) => paths.push(new URL(request.url).pathname));
      const expected: [string, string][] = [];
      for (let i = 0; i < 5; i++) {
        analytics.track({ userId: `user-${i}`, event: 'Product List Clicked', properties: { revenue: 100 * i }, messageId: `node-track-${i}` });
        expected.push(['track', `node-track-${i}`]);
      }
      analytics.identify({ userId: 'user-1', traits: { plan: 'pro' }, messageId: 'node-identify' });
      analytics.page({ anonymousId: 'anon-1', name: 'Home', messageId: 'node-page' });
      analytics.screen({ userId: 'user-1', name: 'Cart', messageId: 'node-screen' });
      analytics.group({ userId: 'user-1', groupId: 'g1', messageId: 'node-group' });
      analytics.alias({ userId: 'user-1', previousId: 'anon-1', messageId: 'node-alias' });
      expected.push(['identify', 'node-identify'], ['page', 'node-page'], ['screen', 'node-screen'], ['group', 'node-group'], ['alias', 'node-alias']);
      await analytics.closeAndFlush({ timeout: 10_000 });
      await emulator.service.idle();

      assert.deepEqual(errors, []);
      assert.deepEqual([...new Set(paths)], ['/v1/batch']);
      assert.equal(paths.length, 2, 'flushAt 7: two batches for 10 calls');
      const records = trackingRecords(emulator);
      assert.deepEqual(
        records.map((record) => [record.type, messageOf(record).messageId]).sort(),
        expected.sort(),
      );
      // The write key in the batch body never becomes part of a message.
      for (const record of records) assert.equal(messageOf(record).writeKey, undefined);
      // The five tracks went through the default "Track Event" mapping to the Event API.
      const tracks = records.filter((record) => record.type === 'track');
      assert.deepEqual(tracks.map((record) => record.status), ['sent', 'sent', 'sent', 'sent', 'sent']);
      assert.equal(eventApi.received.length, 5);
      const uuids = eventApi.received.map((request) => (JSON.parse(request.body) as { visitors: { snapshots: { events: { uuid: string }[] }[] }[] }).visitors[0].snapshots[0].events[0].uuid);
      assert.deepEqual(uuids.sort(), ['node-track-0', 'node-track-1', 'node-track-2', 'node-track-3', 'node-track-4']);
      // No mapping matches the other calls (default trigger: type = "track").
      for (const record of records.filter((candidate) => candidate.type !== 'track')) {
        assert.equal(record.status, 'skipped');
        assert.deepEqual(record.outcomes, []);
      }
    });
  });

  describe('analytics.js request format', () => {
    it('a fetch to /v1/t with text/plain and writeKey in the body, from another origin, is accepted', async () => {
      const now = new Date();
      const body = {
        type: 'track',
        event: 'Product List Clicked',
        properties: { revenue: 2500, currency: 'USD' },
        anonymousId: '5a8b3c1e-0f4d-4d7e-9a61-2f1b7c9d8e01',
        messageId: 'ajs-next-1704721970212-9b1c',
        timestamp: now.toISOString(),
        sentAt: new Date(now.getTime() + 15).toISOString(),
        context: {
          library: { name: 'analytics.js', version: 'next-1.70.0' },
          page: { path: '/cart', url: 'https://shop.example/cart', title: 'Cart' },
          userAgent: 'Mozilla/5.0',
          traits: { test: 'test', plan: 'pro' },
        },
        integrations: {},
        writeKey: WRITE_KEY,
      };
      const answer = await send(`${emulator.url}/v1/t`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'text/plain', origin: 'https://shop.example' } });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.json, { success: true });
      assert.equal(answer.headers.get('access-control-allow-origin'), '*');
      await emulator.service.idle();
      const [record] = trackingRecords(emulator);
      const message = messageOf(record);
      assert.equal(message.type, 'track');
      assert.equal(message.messageId, body.messageId);
      assert.equal(message.writeKey, undefined, 'the write key is not part of the message');
      assert.deepEqual(message.context, body.context);
      assert.equal(message.originalTimestamp, body.timestamp);
      assert.ok(!Number.isNaN(Date.parse(message.timestamp as string)));
      assert.equal(record.visitorId, body.anonymousId);
      assert.equal(record.status, 'sent');
      const sent = JSON.parse(eventApi.received[0].body) as { visitors: { visitor_id: string; attributes: { key: string; value: string }[]; snapshots: { events: { uuid: string; revenue: number }[] }[] }[] };
      assert.equal(sent.visitors[0].visitor_id, body.anonymousId);
      assert.equal(sent.visitors[0].snapshots[0].events[0].uuid, body.messageId);
      assert.equal(sent.visitors[0].snapshots[0].events[0].revenue, 2500);
      // Only attributes the datafile defines are sent ("test"; "plan" is not one of them).
      assert.deepEqual(sent.visitors[0].attributes.map((attribute) => [attribute.key, attribute.value]), [['test', 'test']]);
    });
  });
});

describe('tracking API with a configured write key', () => {
  let emulator: RunningEmulator;
  const track = { userId: 'u1', event: 'Product List Clicked' };

  before(async () => {
    emulator = await startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH, config: { writeKey: WRITE_KEY, mappings: [] } });
  });

  after(async () => {
    await emulator?.close();
  });

  beforeEach(async () => {
    await emulator.service.idle();
    await emulator.service.history.clear();
  });

  const statuses = () => emulator.service.history.list({ route: 'tracking' }).reverse().map((record) => record.status);

  it('HTTP Basic with the write key as user name → 200', async () => {
    const answer = await postJson(`${emulator.url}/v1/track`, track, { authorization: basicAuth(WRITE_KEY) });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(statuses(), ['skipped']);
  });

  it('writeKey in the body (single call and batch) → 200', async () => {
    const single = await postText(`${emulator.url}/v1/t`, JSON.stringify({ ...track, writeKey: WRITE_KEY }));
    assert.equal(single.status, 200, single.text);
    const batch = await postJson(`${emulator.url}/v1/batch`, { writeKey: WRITE_KEY, batch: [{ type: 'track', ...track }] });
    assert.equal(batch.status, 200, batch.text);
    assert.deepEqual(statuses(), ['skipped', 'skipped']);
  });

  for (const [label, headers, body] of [
    ['no key at all', {}, track],
    ['a wrong Basic key', { authorization: basicAuth('wk-wrong-000000') }, track],
    ['a wrong body key', {}, { ...track, writeKey: 'wk-wrong-000000' }],
    ['a Bearer token instead of Basic', { authorization: `Bearer ${WRITE_KEY}` }, track],
  ] as const) {
    it(`${label} → 401 {success: false}, recorded as rejected`, async () => {
      const answer = await postJson(`${emulator.url}/v1/track`, body, headers);
      assert.equal(answer.status, 401, answer.text);
      const json = answer.json as { success: boolean; message: string };
      assert.equal(json.success, false);
      assert.match(json.message, /write key/i);
      assert.deepEqual(statuses(), ['rejected']);
    });
  }

  it('analytics-node with the wrong key gets 401 and reports the failure (nothing ingested)', async () => {
    const analytics = new Analytics({ writeKey: 'wk-wrong-000000', host: emulator.url, flushAt: 2, maxRetries: 0 });
    const errors: string[] = [];
    analytics.on('error', (error) => errors.push(String((error as { reason?: unknown }).reason ?? error)));
    analytics.track({ ...track });
    analytics.track({ ...track });
    await analytics.closeAndFlush({ timeout: 10_000 });
    assert.equal(errors.length, 2, `errors: ${JSON.stringify(errors)}`);
    assert.match(errors[0], /401/);
    assert.deepEqual(statuses(), ['rejected']);
  });

  it('analytics-node with the right key is accepted', async () => {
    const analytics = new Analytics({ writeKey: WRITE_KEY, host: emulator.url, flushAt: 3, maxRetries: 0 });
    for (let i = 0; i < 3; i++) analytics.track({ ...track, messageId: `ok-${i}` });
    await analytics.closeAndFlush({ timeout: 10_000 });
    assert.deepEqual(statuses(), ['skipped', 'skipped', 'skipped']);
  });

  it('the write key never appears in a record, wherever the client put it', async () => {
    await postText(`${emulator.url}/v1/t`, JSON.stringify({ ...track, writeKey: WRITE_KEY }));
    await postJson(`${emulator.url}/v1/batch`, { writeKey: WRITE_KEY, batch: [{ type: 'track', ...track, writeKey: WRITE_KEY }] });
    await postJson(`${emulator.url}/v1/track`, track, { authorization: basicAuth(WRITE_KEY) });
    await postText(`${emulator.url}/v1/t`, `{"writeKey": "${WRITE_KEY}", "userId": `);
    await postJson(`${emulator.url}/v1/track`, { ...track, writeKey: `${WRITE_KEY}-wrong` });
    assert.deepEqual(statuses(), ['skipped', 'skipped', 'skipped', 'rejected', 'rejected']);
    const text = JSON.stringify(emulator.service.history.list());
    assert.ok(!text.includes(WRITE_KEY), text.slice(0, 2000));
    assert.ok(text.includes('<redacted>'));
  });
});

describe('tracking API without a configured write key', () => {
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator({ port: 0, config: { mappings: [] } });
  });

  after(async () => {
    await emulator?.close();
  });

  it('any key, or none, is accepted', async () => {
    const none = await postJson(`${emulator.url}/v1/track`, { userId: 'u', event: 'A' });
    const basic = await postJson(`${emulator.url}/v1/track`, { userId: 'u', event: 'A' }, { authorization: basicAuth('anything-goes') });
    const body = await postText(`${emulator.url}/v1/t`, JSON.stringify({ userId: 'u', event: 'A', writeKey: 'whatever-key' }));
    assert.deepEqual([none.status, basic.status, body.status], [200, 200, 200]);
  });
});
