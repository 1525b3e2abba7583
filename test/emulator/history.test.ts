/**
 * `service.history`: every request to /trackEvent, /trackEvent/eventKey, /authenticate, /delete, /v1/events
 * and /v2/subject-access-requests becomes exactly one record, with its outcome.
 */
import * as assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import type { HistoryRecord } from '../../src/emulator/history';
import { MAIN_EXAMPLE_BODY, mainExampleEvent, MOCK_DATAFILE_PATH, postJson, send, startDatafileServer, type LocalServer } from './helpers';

const TOKEN = 'history-token-5f1e2d3c4b5a';

describe('emulator history', () => {
  let cdn: LocalServer;
  let emulator: RunningEmulator;

  before(async () => {
    cdn = await startDatafileServer();
    emulator = await startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH });
  });

  after(async () => {
    await emulator?.close();
    await cdn?.close();
  });

  beforeEach(() => emulator.service.history.clear());

  /** Chronological `route:status` of the records. */
  const timeline = () => emulator.service.history.list().reverse().map((record) => `${record.route}:${record.status}`);

  it('records each request once, with its outcome, across every route', async () => {
    const added: HistoryRecord[] = [];
    const unsubscribe = emulator.service.history.onChange((record, change) => {
      if (change === 'added' && record) added.push(record);
    });
    try {
      const sent = await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent() });
      const unknownKey = await postJson(`${emulator.url}/trackEvent`, { payload: { ...mainExampleEvent(), event: 'Nope' } });
      const batch = await postJson(`${emulator.url}/trackEvent`, { payload: [mainExampleEvent()] });
      await postJson(`${emulator.url}/trackEvent/eventKey`, {});
      await postJson(`${emulator.url}/trackEvent/eventKey`, { settings: { dataFileUrl: `${cdn.url}/missing.json` } });
      await postJson(`${emulator.url}/authenticate`, {});
      await postJson(`${emulator.url}/authenticate`, { dataFileUrl: `${cdn.url}/missing.json` });
      await postJson(`${emulator.url}/delete`, { payload: { userId: 'u1' } });
      await postJson(`${emulator.url}/delete`, { payload: { userId: 'u1' }, settings: { accessToken: TOKEN } });
      await send(`${emulator.url}/v1/events`, { method: 'POST', body: MAIN_EXAMPLE_BODY, headers: { 'content-type': 'application/json' } });
      await postJson(`${emulator.url}/v1/events`, { account_id: 1 });
      await postJson(`${emulator.url}/v2/subject-access-requests`, { data_type: 'visitor' });

      assert.deepEqual(timeline(), [
        // the /trackEvent record is made on receipt, before its Event API request reaches the emulator's own sink
        'trackEvent:sent',
        'eventApi:recorded',
        'trackEvent:rejected',
        'trackEvent:rejected',
        'trackEvent/eventKey:ok',
        'trackEvent/eventKey:failed',
        'authenticate:ok',
        'authenticate:failed',
        'delete:failed',
        'gdpr:recorded',
        'delete:sent',
        'eventApi:recorded',
        'eventApi:rejected',
        'gdpr:rejected',
      ]);
      assert.equal(added.length, 14, 'one "added" notification per record');

      const records = emulator.service.history.list().reverse();
      // The record id is given back to the caller.
      assert.equal(sent.headers.get('x-emulator-record-id'), records[0].id);
      assert.equal(unknownKey.headers.get('x-emulator-record-id'), records[2].id);
      assert.equal(batch.headers.get('x-emulator-record-id'), records[3].id);
      assert.equal(new Set(records.map((record) => record.id)).size, records.length);
      for (const record of records) assert.ok(!Number.isNaN(Date.parse(record.receivedAt)));
      assert.ok(!JSON.stringify(records).includes(TOKEN));
    } finally {
      unsubscribe();
    }
  });

  it('a sent /trackEvent record holds the raw body, the message, the payload, the request and the exchanges', async () => {
    const requestBody = JSON.stringify({ payload: mainExampleEvent() });
    await send(`${emulator.url}/trackEvent`, { method: 'POST', body: requestBody, headers: { 'content-type': 'application/json' } });
    const record = emulator.service.history.list().find((candidate) => candidate.route === 'trackEvent');
    assert.ok(record);
    assert.equal(record.rawBody, requestBody);
    assert.deepEqual(record.message, mainExampleEvent());
    assert.equal(record.event, 'Product List Clicked');
    assert.equal(record.visitorId, 'user1234');
    assert.equal(record.status, 'sent');
    assert.equal(record.outcomes.length, 1);
    const [outcome] = record.outcomes;
    assert.equal(outcome.status, 'sent');
    assert.equal(outcome.error, undefined);
    assert.deepEqual(outcome.payload, {
      eventKey: 'Product List Clicked',
      userId: 'user1234',
      attributes: { test: 'test' },
      revenue: 1000,
      eventTags: { revenue: 1000 },
      timestamp: '2024-01-08T13:52:50.212Z',
      uuid: 'msg-0001',
    });
    // What Segment would send: Optimizely's real URL, whatever the emulator posted to.
    assert.deepEqual(outcome.eventApiRequest, {
      url: 'https://logx.optimizely.com/v1/events',
      method: 'POST',
      headers: { 'user-agent': 'Segment (Actions)', 'content-type': 'application/json' },
      body: MAIN_EXAMPLE_BODY,
    });
    assert.deepEqual(outcome.exchanges.map((exchange) => `${exchange.request.method} ${exchange.response?.statusCode}`), ['GET 200', 'POST 204']);
  });

  it('a rejected /trackEvent record holds the error', async () => {
    await postJson(`${emulator.url}/trackEvent`, { payload: { ...mainExampleEvent(), properties: { revenue: 19.99 } } });
    const [record] = emulator.service.history.list();
    assert.equal(record.route, 'trackEvent');
    assert.equal(record.status, 'rejected');
    assert.deepEqual(record.outcomes[0].error, {
      name: 'AggregateAjvError',
      message: 'Revenue must be an integer but it was a number.',
      fields: { revenue: 'Revenue must be an integer but it was a number.' },
    });
    assert.deepEqual(record.outcomes[0].exchanges, []);
  });

  it('a batched /trackEvent record holds the 501 error', async () => {
    await postJson(`${emulator.url}/trackEvent`, { payload: [mainExampleEvent(), mainExampleEvent()] });
    assert.equal(emulator.service.history.size, 1);
    const [record] = emulator.service.history.list();
    assert.equal(record.route, 'trackEvent');
    assert.equal(record.status, 'rejected');
    assert.deepEqual(record.message, [mainExampleEvent(), mainExampleEvent()]);
    assert.equal(record.outcomes.length, 1);
    assert.deepEqual(record.outcomes[0].error, {
      name: 'IntegrationError',
      message: 'This action does not support batched requests.',
      code: 'NotImplemented',
      status: 501,
    });
  });

  it('keeps at most historyLimit records, newest first', async () => {
    const small = await startEmulator({ port: 0, historyLimit: 3 });
    try {
      for (let i = 0; i < 5; i++) {
        await postJson(`${small.url}/v2/subject-access-requests`, { data_type: 'visitor', identifier: String(i) });
      }
      assert.equal(small.service.history.size, 3);
      assert.deepEqual(
        small.service.history.list().map((record) => (record.message as { identifier: string }).identifier),
        ['4', '3', '2'],
      );
    } finally {
      await small.close();
    }
  });
});
