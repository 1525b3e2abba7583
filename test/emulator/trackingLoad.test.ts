/**
 * Volume: 10,000 events from the real `@segment/analytics-node` client through `/v1/batch` become exactly
 * 10,000 tracking records with final outcomes — none lost, none duplicated — and exactly 10,000 Event API
 * requests, one per messageId.
 */
import * as assert from 'node:assert/strict';
import { Analytics } from '@segment/analytics-node';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { startDatafileServer, startEventApiServer, type LocalServer } from './helpers';

const EVENTS = 10_000;

describe('tracking API under load', function () {
  // Measured at about 15-25 s on 2 cores (two local HTTP requests per event); the bound leaves room for slow CI.
  this.timeout(90_000);

  let cdn: LocalServer;
  let eventApi: LocalServer;
  let emulator: RunningEmulator;

  before(async () => {
    cdn = await startDatafileServer();
    eventApi = await startEventApiServer();
    emulator = await startEmulator({
      port: 0,
      // Room for every record; the Event API is a separate local server, so the emulator's sink records nothing.
      historyLimit: EVENTS * 2,
      config: { writeKey: 'wk-load-0123456789', settings: { accountId: '18269245474', dataFileUrl: `${cdn.url}/datafile.json` } },
      eventApiUrl: `${eventApi.url}/ok/v1/events`,
    });
  });

  after(async () => {
    await emulator?.close();
    await eventApi?.close();
    await cdn?.close();
  });

  it(`${EVENTS.toLocaleString('en')} events from analytics-node: exactly ${EVENTS.toLocaleString('en')} records with final outcomes, none lost or duplicated`, async () => {
    const started = Date.now();
    const analytics = new Analytics({ writeKey: 'wk-load-0123456789', host: emulator.url, flushAt: 100, flushInterval: 200, maxRetries: 0, httpRequestTimeout: 30_000 });
    const failures: unknown[] = [];
    let batches = 0;
    analytics.on('error', (error) => failures.push(error));
    analytics.on('http_response', (response) => {
      batches++;
      if (response.status !== 200) failures.push(`HTTP ${response.status}`);
    });
    const sent: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const messageId = `load-${i}`;
      sent.push(messageId);
      analytics.track({ userId: `user-${i % 97}`, event: 'Product List Clicked', properties: { revenue: i, index: i }, context: { traits: { test: 'test' } }, messageId });
    }
    await analytics.closeAndFlush({ timeout: 60_000 });
    const flushed = Date.now();
    await emulator.service.idle();
    const finished = Date.now();
    console.log(`      ${EVENTS} events: ${batches} batches accepted in ${flushed - started} ms, all delivered after ${finished - started} ms`);

    assert.deepEqual(failures, []);
    assert.equal(batches, EVENTS / 100);

    const records = emulator.service.history.list({ route: 'tracking' });
    assert.equal(records.length, EVENTS);
    assert.equal(emulator.service.history.size, EVENTS, 'nothing but the tracking records');
    const ids = records.map((record) => (record.message as { messageId: string }).messageId);
    assert.equal(new Set(ids).size, EVENTS, 'no messageId twice');
    assert.deepEqual([...ids].sort(), [...sent].sort(), 'every messageId sent was recorded');
    const statuses = new Map<string, number>();
    for (const record of records) statuses.set(record.status, (statuses.get(record.status) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(statuses), { sent: EVENTS });
    for (const record of records) {
      assert.equal(record.outcomes.length, 1);
      assert.equal(record.outcomes[0].status, 'sent');
    }

    // The Event API got one request per message, each with its messageId as uuid.
    assert.equal(eventApi.received.length, EVENTS);
    const uuids = eventApi.received.map((request) => (JSON.parse(request.body) as { visitors: { snapshots: { events: { uuid: string }[] }[] }[] }).visitors[0].snapshots[0].events[0].uuid);
    assert.equal(new Set(uuids).size, EVENTS);
    assert.deepEqual(uuids.sort(), [...sent].sort());
  });
});
