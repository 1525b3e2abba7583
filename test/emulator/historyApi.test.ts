/**
 * The history of tracking messages and its API: one record per message on any route, list filters and
 * cursor paging (`GET /api/events`), one record, clearing, the NDJSON export, the server-sent-event stream,
 * and `history.jsonl` in the data directory (reload on restart, a torn last line skipped with a warning,
 * everything flushed by `close()`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import type { HistoryRecord } from '../../src/emulator/history';
import { HistoryFile } from '../../src/emulator/historyFile';
import { MOCK_DATAFILE_PATH, openEventStream, postJson, send, startEventApiServer, type LocalServer } from './helpers';

interface EventsPage {
  events: HistoryRecord[];
  nextCursor: string | null;
  total: number;
}

async function getPage(url: string): Promise<EventsPage> {
  const answer = await send(url);
  assert.equal(answer.status, 200, answer.text);
  return answer.json as EventsPage;
}

function readHistoryFile(dataDir: string): HistoryRecord[] {
  const text = fs.readFileSync(path.join(dataDir, 'history.jsonl'), 'utf8');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as HistoryRecord);
}

/** The last line written for each id (what a reload keeps), in file order of first appearance. */
function latestById(records: HistoryRecord[]): Map<string, HistoryRecord> {
  const byId = new Map<string, HistoryRecord>();
  for (const record of records) byId.set(record.id, record);
  return byId;
}

const trackOf = (i: number, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: i % 2 === 0 ? 'Product List Clicked' : 'Unknown Event',
  userId: `visitor-${i % 3}`,
  messageId: `hist-${i}`,
  properties: { n: i },
  ...extra,
});

describe('history API', () => {
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
  });

  it('a tracking record holds id, route, receivedAt, raw body, the normalised message and each outcome with its exchanges and error', async () => {
    const raw = JSON.stringify({ userId: 'u1', event: 'Unknown Event', messageId: 'rec-1', properties: { revenue: 5 } });
    await send(`${emulator.url}/v1/track`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json' } });
    await emulator.service.idle();
    const { events } = await getPage(`${emulator.url}/api/events?route=tracking`);
    assert.equal(events.length, 1);
    const [record] = events;
    assert.match(record.id, /^[0-9a-f-]{36}$/);
    assert.equal(record.route, 'tracking');
    assert.ok(!Number.isNaN(Date.parse(record.receivedAt)));
    assert.equal(record.rawBody, raw);
    const message = record.message as Record<string, unknown>;
    assert.equal(message.type, 'track');
    assert.equal(message.messageId, 'rec-1');
    assert.equal(message.receivedAt, record.receivedAt);
    assert.equal(record.event, 'Unknown Event');
    assert.equal(record.visitorId, 'u1');
    assert.equal(record.status, 'rejected');
    assert.equal(record.outcomes.length, 1);
    const [outcome] = record.outcomes;
    assert.equal(outcome.mapping, 'Track Event');
    assert.equal(outcome.status, 'rejected');
    assert.equal(outcome.error?.message, 'Event with name Unknown Event is not defined');
    assert.deepEqual(outcome.exchanges.map((exchange) => `${exchange.request.method} ${exchange.response?.statusCode}`), ['GET 200']);
  });

  it('every route makes exactly one record per message', async () => {
    await postJson(`${emulator.url}/v1/track`, trackOf(0));
    await postJson(`${emulator.url}/v1/batch`, { batch: [trackOf(1), trackOf(2), { type: 'identify', userId: 'x', messageId: 'hist-id' }] });
    await send(`${emulator.url}/v1/p`, { method: 'POST', body: JSON.stringify({ anonymousId: 'a', messageId: 'hist-page' }), headers: { 'content-type': 'text/plain' } });
    await send(`${emulator.url}/v1/t`, { method: 'POST', body: '{"broken', headers: { 'content-type': 'text/plain' } });
    await postJson(`${emulator.url}/trackEvent`, { payload: trackOf(3) });
    await emulator.service.idle();
    const records = emulator.service.history.list().reverse();
    const tracking = records.filter((record) => record.route === 'tracking');
    assert.deepEqual(
      tracking.map((record) => (record.message as { messageId?: string } | undefined)?.messageId ?? record.status),
      ['hist-0', 'hist-1', 'hist-2', 'hist-id', 'hist-page', 'rejected'],
    );
    assert.equal(records.filter((record) => record.route === 'trackEvent').length, 1);
    assert.equal(new Set(records.map((record) => record.id)).size, records.length);
    // Only the final states remain: no record is still "received" once idle.
    assert.deepEqual(records.filter((record) => record.status === 'received'), []);
  });

  describe('GET /api/events', () => {
    beforeEach(async () => {
      await postJson(`${emulator.url}/v1/batch`, { batch: Array.from({ length: 12 }, (_, i) => trackOf(i)) });
      await postJson(`${emulator.url}/v1/identify`, { userId: 'needle-user', traits: { motto: 'find the haystack' }, messageId: 'hist-identify' });
      await emulator.service.idle();
    });

    const ids = (page: EventsPage) => page.events.map((record) => (record.message as { messageId: string }).messageId);

    it('lists newest first, with the total', async () => {
      const page = await getPage(`${emulator.url}/api/events?route=tracking`);
      assert.equal(page.events.length, 13);
      assert.deepEqual(ids(page), ['hist-identify', ...Array.from({ length: 12 }, (_, i) => `hist-${11 - i}`)]);
      assert.equal(page.nextCursor, null);
      assert.ok(page.total >= 13);
    });

    it('filters by event, status, route, visitor and text, alone and combined', async () => {
      assert.deepEqual(ids(await getPage(`${emulator.url}/api/events?event=Unknown%20Event`)), ['hist-11', 'hist-9', 'hist-7', 'hist-5', 'hist-3', 'hist-1']);
      assert.deepEqual(ids(await getPage(`${emulator.url}/api/events?status=skipped`)), ['hist-identify']);
      assert.deepEqual(ids(await getPage(`${emulator.url}/api/events?route=tracking&status=sent`)), ['hist-10', 'hist-8', 'hist-6', 'hist-4', 'hist-2', 'hist-0']);
      assert.deepEqual(ids(await getPage(`${emulator.url}/api/events?route=tracking&visitor=visitor-1`)), ['hist-10', 'hist-7', 'hist-4', 'hist-1']);
      assert.deepEqual(ids(await getPage(`${emulator.url}/api/events?text=HAYSTACK`)), ['hist-identify']);
      assert.deepEqual(ids(await getPage(`${emulator.url}/api/events?route=tracking&visitor=visitor-0&status=sent`)), ['hist-6', 'hist-0']);
      assert.deepEqual(ids(await getPage(`${emulator.url}/api/events?route=gdpr`)), []);
      // The Event API sink records are there too (route eventApi) when the sink is the emulator itself; here it is not.
      assert.deepEqual(ids(await getPage(`${emulator.url}/api/events?route=eventApi`)), []);
    });

    it('pages with limit and nextCursor until null: every record exactly once, in order', async () => {
      const seen: string[] = [];
      let url = `${emulator.url}/api/events?route=tracking&limit=5`;
      let pages = 0;
      for (;;) {
        const page = await getPage(url);
        pages++;
        assert.ok(page.events.length <= 5);
        seen.push(...ids(page));
        if (page.nextCursor === null) break;
        assert.ok(pages < 10, 'paging must end');
        url = `${emulator.url}/api/events?route=tracking&limit=5&cursor=${encodeURIComponent(page.nextCursor)}`;
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen, ['hist-identify', ...Array.from({ length: 12 }, (_, i) => `hist-${11 - i}`)]);
    });

    it('a page that ends exactly at the last record has no nextCursor', async () => {
      const page = await getPage(`${emulator.url}/api/events?route=tracking&limit=13`);
      assert.equal(page.events.length, 13);
      assert.equal(page.nextCursor, null);
    });

    it('filters and paging combine', async () => {
      const first = await getPage(`${emulator.url}/api/events?event=Product%20List%20Clicked&limit=4`);
      assert.deepEqual(ids(first), ['hist-10', 'hist-8', 'hist-6', 'hist-4']);
      assert.ok(first.nextCursor);
      const second = await getPage(`${emulator.url}/api/events?event=Product%20List%20Clicked&limit=4&cursor=${first.nextCursor}`);
      assert.deepEqual(ids(second), ['hist-2', 'hist-0']);
      assert.equal(second.nextCursor, null);
    });

    for (const query of ['limit=0', 'limit=501', 'limit=abc', 'limit=1.5', 'cursor=xyz']) {
      it(`?${query} → 400`, async () => {
        const answer = await send(`${emulator.url}/api/events?${query}`);
        assert.equal(answer.status, 400, answer.text);
        assert.equal((answer.json as { error: { code: string } }).error.code, 'invalid_query');
      });
    }
  });

  it('GET /api/events/:id answers one record; an unknown id → 404', async () => {
    await postJson(`${emulator.url}/v1/track`, trackOf(0));
    await emulator.service.idle();
    const [record] = emulator.service.history.list({ route: 'tracking' });
    const answer = await send(`${emulator.url}/api/events/${record.id}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, JSON.parse(JSON.stringify(record)));
    const missing = await send(`${emulator.url}/api/events/00000000-0000-0000-0000-000000000000`);
    assert.equal(missing.status, 404);
    assert.equal((missing.json as { error: { code: string } }).error.code, 'event_not_found');
  });

  it('DELETE /api/events clears the history → 204, then an empty list', async () => {
    await postJson(`${emulator.url}/v1/track`, trackOf(0));
    await emulator.service.idle();
    const answer = await send(`${emulator.url}/api/events`, { method: 'DELETE' });
    assert.equal(answer.status, 204);
    const page = await getPage(`${emulator.url}/api/events`);
    assert.deepEqual(page.events, []);
    assert.equal(page.total, 0);
  });

  it('GET /api/events.ndjson exports every record, oldest first, one JSON per line', async () => {
    await postJson(`${emulator.url}/v1/batch`, { batch: [trackOf(0), trackOf(1), trackOf(2)] });
    await emulator.service.idle();
    // Read with fetch: NDJSON is not one JSON document, which `send` would parse.
    const response = await fetch(`${emulator.url}/api/events.ndjson`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/x-ndjson/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment/);
    const text = await response.text();
    assert.ok(text.endsWith('\n'));
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as HistoryRecord);
    assert.deepEqual(lines.map((record) => (record.message as { messageId: string }).messageId), ['hist-0', 'hist-1', 'hist-2']);
    assert.deepEqual(lines.map((record) => record.status), ['sent', 'rejected', 'sent']);
  });

  describe('GET /api/stream (server-sent events)', () => {
    it('streams "added" then "updated" for each message, and "cleared"', async () => {
      const stream = await openEventStream(`${emulator.url}/api/stream`);
      try {
        assert.equal(stream.status, 200);
        assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
        await postJson(`${emulator.url}/v1/batch`, { batch: [trackOf(0), trackOf(1)] });
        const frames = await stream.waitFor((list) => list.filter((frame) => frame.event === 'updated').length >= 2);
        const parsed = frames.map((frame) => ({ event: frame.event, record: JSON.parse(frame.data) as HistoryRecord }));
        for (const messageId of ['hist-0', 'hist-1']) {
          const mine = parsed.filter((frame) => (frame.record.message as { messageId?: string } | undefined)?.messageId === messageId);
          assert.deepEqual(mine.map((frame) => frame.event), ['added', 'updated'], messageId);
          assert.equal(mine[0].record.status, 'received');
          assert.equal(mine[1].record.status, messageId === 'hist-0' ? 'sent' : 'rejected');
          assert.equal(mine[0].record.id, mine[1].record.id);
          assert.equal(mine[1].record.outcomes.length, 1);
        }
        await send(`${emulator.url}/api/events`, { method: 'DELETE' });
        const afterClear = await stream.waitFor((list) => list.some((frame) => frame.event === 'cleared'));
        assert.equal(afterClear[afterClear.length - 1].event, 'cleared');
      } finally {
        stream.close();
      }
    });

    it('several streams each get every change; a closed stream does not disturb recording', async () => {
      const first = await openEventStream(`${emulator.url}/api/stream`);
      const second = await openEventStream(`${emulator.url}/api/stream`);
      try {
        second.close();
        await postJson(`${emulator.url}/v1/track`, trackOf(4));
        await first.waitFor((list) => list.some((frame) => frame.event === 'updated'));
        await postJson(`${emulator.url}/v1/track`, trackOf(6));
        await first.waitFor((list) => list.filter((frame) => frame.event === 'updated').length === 2);
        await emulator.service.idle();
        assert.equal(emulator.service.history.list({ route: 'tracking' }).length, 2);
      } finally {
        first.close();
      }
    });
  });
});

describe('history file (dataDir)', () => {
  let tmp: string;
  let eventApi: LocalServer;

  before(async () => {
    eventApi = await startEventApiServer();
  });

  after(async () => {
    await eventApi?.close();
  });

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seg-opt-history-'));
  });

  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const start = (options: { log?: (message: string) => void; historyLimit?: number } = {}) =>
    startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH, eventApiUrl: `${eventApi.url}/ok/v1/events`, dataDir: tmp, ...options });

  it('close() flushes every record to history.jsonl, final states included', async () => {
    const emulator = await start();
    const batch = Array.from({ length: 40 }, (_, i) => trackOf(i));
    await postJson(`${emulator.url}/v1/batch`, { batch });
    await postJson(`${emulator.url}/v1/track`, trackOf(99));
    // close() without waiting for idle first: it must let the queued messages finish and flush.
    await emulator.close();
    const inMemory = emulator.service.history.list();
    const onDisk = latestById(readHistoryFile(tmp));
    assert.equal(onDisk.size, inMemory.length);
    assert.equal(inMemory.length, 41);
    for (const record of inMemory) {
      const stored = onDisk.get(record.id);
      assert.ok(stored, `record ${record.id} missing from the file`);
      assert.deepEqual(stored, JSON.parse(JSON.stringify(record)));
      assert.notEqual(stored.status, 'received');
    }
  });

  it('a restart reloads the history: same ids, messages, statuses and outcomes; new records continue after them', async () => {
    const first = await start();
    await postJson(`${first.url}/v1/batch`, { batch: Array.from({ length: 6 }, (_, i) => trackOf(i)) });
    await first.service.idle();
    const before = first.service.history.list();
    await first.close();

    const second = await start();
    try {
      const page = await getPage(`${second.url}/api/events?limit=500`);
      assert.deepEqual(page.events, JSON.parse(JSON.stringify(before)));
      await postJson(`${second.url}/v1/track`, trackOf(6));
      await second.service.idle();
      const [newest] = second.service.history.list();
      assert.equal((newest.message as { messageId: string }).messageId, 'hist-6');
      assert.ok(newest.seq > Math.max(...before.map((record) => record.seq)), 'sequence numbers continue');
    } finally {
      await second.close();
    }
    const third = await start();
    try {
      assert.equal(third.service.history.size, 7);
    } finally {
      await third.close();
    }
  });

  it('a torn last line (a crash mid-write) is skipped with a warning; the start succeeds and the rest is intact', async () => {
    const first = await start();
    await postJson(`${first.url}/v1/batch`, { batch: Array.from({ length: 5 }, (_, i) => trackOf(i)) });
    await first.close();
    const file = path.join(tmp, 'history.jsonl');
    const kept = latestById(readHistoryFile(tmp));
    const line = JSON.stringify({ ...[...kept.values()][0], id: 'torn-record', seq: 1000 });
    fs.appendFileSync(file, line.slice(0, Math.floor(line.length / 2)));

    const warnings: string[] = [];
    const second = await start({ log: (message) => warnings.push(message) });
    try {
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.match(warnings[0], /history\.jsonl/);
      assert.match(warnings[0], /cut off|torn|incomplete/i);
      assert.deepEqual(second.service.history.list().map((record) => record.id).sort(), [...kept.keys()].sort());
      assert.equal(second.service.history.get('torn-record'), undefined);
      // It still works, and appends land on a line of their own.
      const answer = await postJson(`${second.url}/v1/track`, trackOf(5));
      assert.equal(answer.status, 200);
      await second.service.idle();
    } finally {
      await second.close();
    }
    const warningsAgain: string[] = [];
    const third = await start({ log: (message) => warningsAgain.push(message) });
    try {
      assert.deepEqual(warningsAgain, [], 'the torn line is gone after the restart that skipped it');
      assert.equal(third.service.history.size, 6);
    } finally {
      await third.close();
    }
  });

  it('a file whose last complete record lacks the final newline keeps that record and the next one', async () => {
    const first = await start();
    await postJson(`${first.url}/v1/batch`, { batch: [trackOf(0), trackOf(1)] });
    await first.close();
    const file = path.join(tmp, 'history.jsonl');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n$/, ''));

    const warnings: string[] = [];
    const second = await start({ log: (message) => warnings.push(message) });
    try {
      assert.equal(second.service.history.size, 2);
      await postJson(`${second.url}/v1/track`, trackOf(2));
      await second.service.idle();
    } finally {
      await second.close();
    }
    const third = await start({ log: (message) => warnings.push(message) });
    try {
      assert.deepEqual(warnings, []);
      assert.deepEqual(
        third.service.history.list().map((record) => (record.message as { messageId: string }).messageId),
        ['hist-2', 'hist-1', 'hist-0'],
      );
    } finally {
      await third.close();
    }
  });

  it('the in-memory ring keeps historyLimit records; a restart loads the newest historyLimit from the file', async () => {
    const first = await start({ historyLimit: 5 });
    await postJson(`${first.url}/v1/batch`, { batch: Array.from({ length: 8 }, (_, i) => trackOf(i)) });
    await first.service.idle();
    assert.equal(first.service.history.size, 5);
    await first.close();
    const second = await start({ historyLimit: 5 });
    try {
      assert.deepEqual(
        second.service.history.list().map((record) => (record.message as { messageId: string }).messageId),
        ['hist-7', 'hist-6', 'hist-5', 'hist-4', 'hist-3'],
      );
    } finally {
      await second.close();
    }
  });

  it('a failing append (disk full) is reported once through the log and never throws', async () => {
    // Linux's /dev/full fails every write with ENOSPC; the project's machines and CI are Linux.
    assert.ok(fs.existsSync('/dev/full'), 'this test needs /dev/full (Linux)');
    const file = new HistoryFile('/dev/full');
    const messages: string[] = [];
    file.onWriteError = (message) => messages.push(message);
    const record: HistoryRecord = { id: 'r1', seq: 1, route: 'tracking', receivedAt: new Date().toISOString(), rawBody: '{}', status: 'received', outcomes: [] };
    file.append(record);
    file.append({ ...record, status: 'sent' });
    await file.close();
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.match(messages[0], /cannot append to the history file/);
  });

  it('DELETE /api/events empties the file too', async () => {
    const first = await start();
    await postJson(`${first.url}/v1/track`, trackOf(0));
    await first.service.idle();
    await send(`${first.url}/api/events`, { method: 'DELETE' });
    await postJson(`${first.url}/v1/track`, trackOf(1));
    await first.close();
    const onDisk = latestById(readHistoryFile(tmp));
    assert.deepEqual([...onDisk.values()].map((record) => (record.message as { messageId: string }).messageId), ['hist-1']);
  });
});
