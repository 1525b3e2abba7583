/**
 * Delivery of tracking messages: Segment's retry policy (5xx except 501, 408, 423, 429; bounded by
 * maxAttempts; every attempt kept), the live target, and secrets (the access token, the write key) that
 * never appear in an API answer, the history, the event stream or the history file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import type { HistoryRecord } from '../../src/emulator/history';
import { basicAuth, MOCK_DATAFILE_PATH, openEventStream, postJson, send, startScriptedEventApiServer, type LocalServer } from './helpers';

const track = { type: 'track', event: 'Product List Clicked', userId: 'retry-user', messageId: 'retry-1', properties: { revenue: 100 } };

interface Scenario {
  server: LocalServer;
  emulator: RunningEmulator;
  sleeps: number[];
}

async function withScriptedEventApi(statuses: number[], maxAttempts: number, run: (scenario: Scenario) => Promise<void>): Promise<void> {
  const server = await startScriptedEventApiServer(statuses);
  const sleeps: number[] = [];
  const emulator = await startEmulator({
    port: 0,
    config: { settings: { accountId: '18269245474', dataFileUrl: `${server.url}/datafile.json` } },
    eventApiUrl: `${server.url}/v1/events`,
    retry: { maxAttempts, baseDelayMs: 40 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  try {
    await run({ server, emulator, sleeps });
  } finally {
    await emulator.close();
    await server.close();
  }
}

async function deliverOne(emulator: RunningEmulator): Promise<HistoryRecord> {
  const answer = await postJson(`${emulator.url}/v1/track`, track);
  assert.equal(answer.status, 200, answer.text);
  await emulator.service.idle();
  const [record] = emulator.service.history.list({ route: 'tracking' });
  return record;
}

const posts = (server: LocalServer) => server.received.filter((request) => request.method === 'POST');

describe('delivery', () => {
  describe('retries', () => {
    it('500 then 204: two attempts, both kept, the record is sent', async () => {
      await withScriptedEventApi([500, 204], 4, async ({ server, emulator, sleeps }) => {
        const record = await deliverOne(emulator);
        assert.equal(record.status, 'sent');
        const [outcome] = record.outcomes;
        assert.equal(outcome.status, 'sent');
        assert.ok(outcome.attempts, 'attempts are listed when there was more than one');
        assert.deepEqual(outcome.attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.error?.status ?? null]), [[1, 'failed', 500], [2, 'sent', null]]);
        // Each attempt keeps its own exchanges (the datafile fetch and the Event API post).
        assert.deepEqual(outcome.attempts[0].exchanges.map((exchange) => `${exchange.request.method} ${exchange.response?.statusCode}`), ['GET 200', 'POST 500']);
        assert.deepEqual(outcome.attempts[1].exchanges.map((exchange) => `${exchange.request.method} ${exchange.response?.statusCode}`), ['GET 200', 'POST 204']);
        assert.equal(outcome.exchanges.length, 4);
        assert.equal(posts(server).length, 2);
        // The same body both times (same uuid: the destination de-duplicates).
        assert.equal(posts(server)[0].body, posts(server)[1].body);
        // One wait between them: base delay plus jitter below the base.
        assert.equal(sleeps.length, 1);
        assert.ok(sleeps[0] >= 40 && sleeps[0] < 80, `delay ${sleeps[0]}`);
        assert.equal(outcome.attempts[0].retryInMs, sleeps[0]);
      });
    });

    for (const status of [503, 429, 408, 423, 502, 504]) {
      it(`${status} is retried`, async () => {
        await withScriptedEventApi([status, 204], 3, async ({ server, emulator }) => {
          const record = await deliverOne(emulator);
          assert.equal(record.status, 'sent');
          assert.deepEqual(record.outcomes[0].attempts?.map((attempt) => attempt.status), ['failed', 'sent']);
          assert.equal(posts(server).length, 2);
        });
      });
    }

    for (const status of [501, 400, 401, 403, 404, 413]) {
      it(`${status} is not retried`, async () => {
        await withScriptedEventApi([status, 204], 4, async ({ server, emulator, sleeps }) => {
          const record = await deliverOne(emulator);
          assert.notEqual(record.status, 'sent');
          const [outcome] = record.outcomes;
          assert.equal(outcome.attempts, undefined, 'a single attempt lists no attempts');
          assert.equal(outcome.error?.status, status);
          assert.equal(posts(server).length, 1);
          assert.deepEqual(sleeps, []);
        });
      });
    }

    it('is bounded by maxAttempts, with doubling delays', async () => {
      await withScriptedEventApi([500], 4, async ({ server, emulator, sleeps }) => {
        const record = await deliverOne(emulator);
        assert.equal(record.status, 'failed');
        const [outcome] = record.outcomes;
        assert.equal(outcome.status, 'failed');
        assert.deepEqual(outcome.attempts?.map((attempt) => attempt.attempt), [1, 2, 3, 4]);
        assert.deepEqual(outcome.attempts?.map((attempt) => attempt.status), ['failed', 'failed', 'failed', 'failed']);
        assert.equal(outcome.attempts?.[3].retryInMs, undefined, 'no wait after the last attempt');
        assert.equal(posts(server).length, 4);
        assert.equal(sleeps.length, 3);
        sleeps.forEach((delay, index) => {
          const base = 40 * 2 ** index;
          assert.ok(delay >= base && delay < base + 40, `delay ${index}: ${delay}`);
        });
      });
    });

    it('maxAttempts 1 means no retry at all', async () => {
      await withScriptedEventApi([503, 204], 1, async ({ server, emulator }) => {
        const record = await deliverOne(emulator);
        assert.equal(record.status, 'failed');
        assert.equal(posts(server).length, 1);
      });
    });

    it('without a retry policy (not live), a 500 is a single failed attempt', async () => {
      const server = await startScriptedEventApiServer([500, 204]);
      const emulator = await startEmulator({
        port: 0,
        config: { settings: { accountId: '18269245474', dataFileUrl: `${server.url}/datafile.json` } },
        eventApiUrl: `${server.url}/v1/events`,
      });
      try {
        assert.equal(emulator.service.retryPolicy, undefined);
        const record = await deliverOne(emulator);
        assert.equal(record.status, 'failed');
        assert.equal(posts(server).length, 1);
      } finally {
        await emulator.close();
        await server.close();
      }
    });
  });

  describe('live', () => {
    // Only the target is looked at: nothing is ever sent to Optimizely from these tests.
    it('live: true targets https://logx.optimizely.com/v1/events, even with an eventApiUrl, and retries like Segment', async () => {
      const emulator = await startEmulator({ port: 0, live: true, eventApiUrl: 'http://127.0.0.1:9/v1/events' });
      try {
        assert.equal(emulator.service.eventApiTarget, 'https://logx.optimizely.com/v1/events');
        assert.match(emulator.service.gdprApiTarget, /^https:\/\/api\.optimizely\.com\//);
        const policy = emulator.service.retryPolicy;
        assert.ok(policy && policy.maxAttempts > 1);
      } finally {
        await emulator.close();
      }
    });

    it('not live: the emulator\'s own sink, or the given eventApiUrl', async () => {
      const own = await startEmulator({ port: 0 });
      const given = await startEmulator({ port: 0, eventApiUrl: 'http://127.0.0.1:9/v1/events' });
      try {
        assert.equal(own.service.eventApiTarget, `${own.url}/v1/events`);
        assert.equal(given.service.eventApiTarget, 'http://127.0.0.1:9/v1/events');
      } finally {
        await own.close();
        await given.close();
      }
    });
  });

  describe('secrets', () => {
    const ACCESS_TOKEN = 'pat-secret-3e4f5a6b7c8d9e0f';
    const WRITE_KEY = 'wk-secret-a1b2c3d4e5f6';
    let tmp: string;
    let emulator: RunningEmulator;

    before(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seg-opt-secrets-'));
      emulator = await startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH, accessToken: ACCESS_TOKEN, dataDir: tmp, config: { writeKey: WRITE_KEY } });
    });

    after(async () => {
      await emulator?.close();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    function assertNoSecret(text: string, where: string): void {
      for (const secret of [ACCESS_TOKEN, WRITE_KEY]) {
        for (const form of [secret, Buffer.from(`${secret}:`).toString('base64').replace(/=+$/, '')]) {
          assert.ok(!text.includes(form), `${where} contains a secret (${form.slice(0, 6)}…): ${text.slice(Math.max(0, text.indexOf(form) - 200), text.indexOf(form) + 100)}`);
        }
      }
    }

    it('never appear in API answers, the event stream, the history JSON or history.jsonl', async () => {
      const stream = await openEventStream(`${emulator.url}/api/stream`);
      let streamed = '';
      try {
        await postJson(`${emulator.url}/v1/track`, { ...track, messageId: 's-1' }, { authorization: basicAuth(WRITE_KEY) });
        await send(`${emulator.url}/v1/t`, { method: 'POST', body: JSON.stringify({ ...track, messageId: 's-2', writeKey: WRITE_KEY }), headers: { 'content-type': 'text/plain' } });
        await postJson(`${emulator.url}/v1/batch`, { writeKey: WRITE_KEY, batch: [{ ...track, messageId: 's-3' }] });
        await postJson(`${emulator.url}/v1/track`, { ...track, writeKey: 'wk-wrong-key-000' });
        // The token is used by the GDPR delete (its own sink) and appears in the tester settings.
        await postJson(`${emulator.url}/delete`, { payload: { userId: 'retry-user' } });
        await postJson(`${emulator.url}/trackEvent`, { payload: track, settings: { accessToken: ACCESS_TOKEN } });
        await postJson(`${emulator.url}/authenticate`, { accessToken: ACCESS_TOKEN });
        await emulator.service.idle();
        await stream.waitFor((frames) => frames.filter((frame) => frame.event === 'updated').length >= 3);
        streamed = stream.frames.map((frame) => frame.data).join('\n');
      } finally {
        stream.close();
      }
      const records = emulator.service.history.list();
      assert.ok(records.some((record) => record.route === 'gdpr'), 'the delete reached the GDPR sink');
      assert.ok(records.filter((record) => record.route === 'tracking' && record.status === 'sent').length >= 3);

      assertNoSecret(streamed, 'the event stream');
      assertNoSecret(JSON.stringify(records), 'the history');
      const list = await send(`${emulator.url}/api/events?limit=500`);
      assertNoSecret(list.text, 'GET /api/events');
      for (const record of records) assertNoSecret((await send(`${emulator.url}/api/events/${record.id}`)).text, `GET /api/events/${record.id}`);
      const ndjson = await (await fetch(`${emulator.url}/api/events.ndjson`)).text();
      assertNoSecret(ndjson, 'the NDJSON export');
      assert.ok(ndjson.includes('<redacted>'), 'secrets are shown as <redacted>');
      await emulator.close();
      assertNoSecret(fs.readFileSync(path.join(tmp, 'history.jsonl'), 'utf8'), 'history.jsonl');
    });
  });
});
