/**
 * POST /trackEvent against a real emulator, a real local datafile server and a real local Event API:
 * the exchanges Segment's tester protocol returns, the exact body that reaches the Event API, and every
 * error of spec/segment-destination.md §4, §5 and §7 in the tester's `requestError` shape.
 */
import * as assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import {
  asExchanges,
  asRequestError,
  DEACTIVATED_BODY,
  EVENT_API_COOKIE,
  MAIN_EXAMPLE_BODY,
  mainExampleEvent,
  MOCK_DATAFILE_TEXT,
  postJson,
  startDatafileServer,
  startEventApiServer,
  type LocalServer,
} from './helpers';

describe('emulator POST /trackEvent', () => {
  let cdn: LocalServer;
  let logx: LocalServer;
  /** Posts to the local Event API stand-in (`/ok/v1/events`). */
  let emulator: RunningEmulator;
  /** Default configuration: posts to its own sink. */
  let sinkEmulator: RunningEmulator;

  const settings = (datafilePath = '/datafile.json') => ({ accountId: '12345566', dataFileUrl: `${cdn.url}${datafilePath}` });

  before(async () => {
    cdn = await startDatafileServer();
    logx = await startEventApiServer();
    emulator = await startEmulator({ port: 0, eventApiUrl: `${logx.url}/ok/v1/events` });
    sinkEmulator = await startEmulator({ port: 0 });
  });

  after(async () => {
    await emulator?.close();
    await sinkEmulator?.close();
    await cdn?.close();
    await logx?.close();
  });

  beforeEach(() => {
    cdn.received.length = 0;
    logx.received.length = 0;
    emulator.service.history.clear();
    sinkEmulator.service.history.clear();
  });

  describe('a successful event (the spec main example)', () => {
    it('answers 200 with the datafile GET and the Event API POST, each with request and response', async () => {
      const answer = await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings() });
      assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
      const exchanges = asExchanges(answer);
      assert.equal(exchanges.length, 2);

      const [get, post] = exchanges;
      assert.deepEqual(get.request, { url: `${cdn.url}/datafile.json`, method: 'GET', headers: { 'user-agent': 'Segment (Actions)' }, body: '' });
      assert.ok(get.response);
      assert.equal(get.response.statusCode, 200);
      assert.equal(get.response.statusMessage, 'OK');
      assert.equal(get.response.headers['content-type'], 'application/json');
      assert.equal(get.response.body, MOCK_DATAFILE_TEXT);

      assert.deepEqual(post.request, {
        url: `${logx.url}/ok/v1/events`,
        method: 'POST',
        headers: { 'user-agent': 'Segment (Actions)', 'content-type': 'application/json' },
        body: MAIN_EXAMPLE_BODY,
      });
      assert.ok(post.response);
      assert.equal(post.response.statusCode, 204);
      assert.equal(post.response.statusMessage, 'No Content');
      assert.equal(post.response.headers['x-request-id'], 'req-42');
      assert.equal(post.response.body, '');
    });

    it('posts exactly the 390-byte body of the spec to the Event API, once, after one datafile GET', async () => {
      assert.equal(Buffer.byteLength(MAIN_EXAMPLE_BODY), 390);
      await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings() });

      assert.equal(cdn.received.length, 1);
      assert.equal(cdn.received[0].method, 'GET');
      assert.equal(cdn.received[0].path, '/datafile.json');
      assert.equal(cdn.received[0].headers['user-agent'], 'Segment (Actions)');

      assert.equal(logx.received.length, 1);
      const received = logx.received[0];
      assert.equal(received.method, 'POST');
      assert.equal(received.path, '/ok/v1/events');
      assert.equal(received.body, MAIN_EXAMPLE_BODY);
      assert.equal(received.headers['content-type'], 'application/json');
      assert.equal(received.headers['user-agent'], 'Segment (Actions)');
      assert.equal(received.headers['content-length'], '390');
      assert.equal(received.headers.authorization, undefined, 'the Event API takes no authentication');
    });

    it('shows secret response headers (set-cookie) as <redacted>', async () => {
      const answer = await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings() });
      const post = asExchanges(answer)[1];
      assert.equal(post.response?.headers['set-cookie'], '<redacted>');
      assert.ok(!answer.text.includes('s3cr3t-cookie-value'), 'the cookie value must not appear in the answer');
      assert.ok(!JSON.stringify(emulator.service.history.list()).includes(EVENT_API_COOKIE));
    });

    it('redacts the accessToken setting wherever it would appear (it is not sent for track events)', async () => {
      const token = '2:p4Ln3WyyTrackTokenXYZ460';
      const answer = await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: { ...settings(), accessToken: token } });
      assert.equal(asExchanges(answer).length, 2);
      assert.ok(!answer.text.includes(token));
      assert.ok(!JSON.stringify(emulator.service.history.list()).includes(token));
      assert.ok(emulator.service.history.list()[0].rawBody.includes('"accessToken":"<redacted>"'));
      assert.ok(logx.received.every((request) => !request.body.includes(token)));
    });

    it('applies a custom mapping merged over the defaults', async () => {
      const payload = { ...mainExampleEvent(), properties: { revenue: 1000, attrs: { test: 'from-properties', unknown: 1 } } };
      const mapping = { eventKey: 'Test', attributes: { '@path': '$.properties.attrs' } };
      const answer = await postJson(`${emulator.url}/trackEvent`, { payload, settings: settings(), mapping });
      assert.equal(asExchanges(answer).length, 2);
      assert.equal(
        logx.received[0].body,
        '{"account_id":"18269245474","anonymize_ip":true,"client_name":"Segment","enrich_decisions":true,"visitors":[{"snapshots":[{"events":[{"entity_id":"21235440822","timestamp":1704721970212,"uuid":"msg-0001","key":"Test","revenue":1000,"tags":{"attrs":{"test":"from-properties","unknown":1}}}],"decisions":[]}],"visitor_id":"user1234","attributes":[{"entity_id":"18531090301","key":"test","value":"from-properties","type":"custom"}]}]}',
      );
    });
  });

  describe('where the Event API request goes', () => {
    it('by default posts to the emulator\'s own sink POST /v1/events, which records it in history', async () => {
      const answer = await postJson(`${sinkEmulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings() });
      const exchanges = asExchanges(answer);
      assert.equal(exchanges.length, 2);
      assert.equal(exchanges[1].request.url, `${sinkEmulator.url}/v1/events`);
      assert.equal(exchanges[1].request.body, MAIN_EXAMPLE_BODY);
      assert.equal(exchanges[1].response?.statusCode, 204);
      assert.equal(logx.received.length, 0, 'nothing may reach the other Event API');

      const sinkRecords = sinkEmulator.service.history.list().filter((record) => record.route === 'eventApi');
      assert.equal(sinkRecords.length, 1);
      assert.equal(sinkRecords[0].rawBody, MAIN_EXAMPLE_BODY);
      assert.equal(sinkRecords[0].status, 'recorded');
      assert.equal(sinkRecords[0].event, 'Product List Clicked');
      assert.equal(sinkRecords[0].visitorId, 'user1234');
      assert.deepEqual(sinkRecords[0].problems, []);
    });

    it('with eventApiUrl posts there and the own sink records nothing', async () => {
      await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings() });
      assert.equal(logx.received.length, 1);
      assert.equal(emulator.service.eventApiTarget, `${logx.url}/ok/v1/events`);
      assert.deepEqual(
        emulator.service.history.list().map((record) => record.route),
        ['trackEvent'],
      );
    });
  });

  describe('errors come back as [{requestError: true, statusCode, name, message, code?, fields?}]', () => {
    it('a validation failure lists every problem with fields, and sends nothing at all', async () => {
      const payload: Record<string, unknown> = { ...mainExampleEvent(), properties: { revenue: 19.99 } };
      delete payload.timestamp;
      const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload, settings: settings() }));
      assert.deepEqual(error, {
        requestError: true,
        statusCode: 400,
        name: 'AggregateAjvError',
        message: "The root value is missing the required field 'timestamp'. Revenue must be an integer but it was a number.",
        fields: {
          timestamp: "The root value is missing the required field 'timestamp'.",
          revenue: 'Revenue must be an integer but it was a number.',
        },
      });
      assert.equal(cdn.received.length, 0, 'no datafile GET after a validation failure');
      assert.equal(logx.received.length, 0);
    });

    it('no userId and no anonymousId → the missing userId field', async () => {
      const payload = mainExampleEvent();
      delete payload.userId;
      const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload, settings: settings() }));
      assert.equal(error.name, 'AggregateAjvError');
      assert.equal(error.message, "The root value is missing the required field 'userId'.");
      assert.deepEqual(error.fields, { userId: "The root value is missing the required field 'userId'." });
    });

    it('an event key not in the datafile → PayloadValidationError 400, nothing posted', async () => {
      const payload = { ...mainExampleEvent(), event: 'Error Test Event' };
      const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload, settings: settings() }));
      assert.deepEqual(error, {
        requestError: true,
        statusCode: 400,
        name: 'PayloadValidationError',
        message: 'Event with name Error Test Event is not defined',
        code: 'PAYLOAD_VALIDATION_FAILED',
      });
      assert.equal(cdn.received.length, 1);
      assert.equal(logx.received.length, 0);
    });

    it('event keys match exactly (case and trailing space matter)', async () => {
      for (const key of ['product list clicked', 'Product List Clicked ']) {
        const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload: { ...mainExampleEvent(), event: key }, settings: settings() }));
        assert.equal(error.message, `Event with name ${key} is not defined`);
      }
      assert.equal(logx.received.length, 0);
    });

    it('a deactivated project → IntegrationError PROJECT_DEACTIVATED 400 with the body as message', async () => {
      const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings('/deactivated.json') }));
      assert.deepEqual(error, { requestError: true, statusCode: 400, name: 'IntegrationError', message: DEACTIVATED_BODY, code: 'PROJECT_DEACTIVATED' });
      assert.equal(logx.received.length, 0);
    });

    it('a datafile 404 → HTTPError "Not Found" 404', async () => {
      const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings('/missing.json') }));
      assert.deepEqual(error, { requestError: true, statusCode: 404, name: 'HTTPError', message: 'Not Found' });
      assert.equal(cdn.received.length, 1);
      assert.equal(logx.received.length, 0);
    });

    it('a datafile 403 → HTTPError "Forbidden" 403', async () => {
      const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings('/forbidden.json') }));
      assert.deepEqual(error, { requestError: true, statusCode: 403, name: 'HTTPError', message: 'Forbidden' });
    });

    it('a JSON datafile served as text/plain → "Event with name … is not defined"', async () => {
      const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings('/datafile.txt') }));
      assert.equal(error.name, 'PayloadValidationError');
      assert.equal(error.message, 'Event with name Product List Clicked is not defined');
      assert.equal(error.code, 'PAYLOAD_VALIDATION_FAILED');
      assert.equal(error.statusCode, 400);
      assert.equal(cdn.received.length, 1);
      assert.equal(logx.received.length, 0);
    });

    for (const [path, status, statusText] of [
      ['/bad/v1/events', 400, 'Bad Request'],
      ['/boom/v1/events', 500, 'Internal Server Error'],
    ] as const) {
      it(`an Event API ${status} → HTTPError "${statusText}" ${status}, after the body was sent`, async () => {
        const failing = await startEmulator({ port: 0, eventApiUrl: `${logx.url}${path}` });
        try {
          const error = asRequestError(await postJson(`${failing.url}/trackEvent`, { payload: mainExampleEvent(), settings: settings() }));
          assert.deepEqual(error, { requestError: true, statusCode: status, name: 'HTTPError', message: statusText });
          assert.equal(logx.received.length, 1);
          assert.equal(logx.received[0].path, path);
          assert.equal(logx.received[0].body, MAIN_EXAMPLE_BODY);

          const [record] = failing.service.history.list();
          assert.equal(record.route, 'trackEvent');
          assert.equal(record.status, 'failed');
          const exchanges = record.outcomes[0].exchanges;
          assert.equal(exchanges.length, 2);
          assert.equal(exchanges[1].response?.statusCode, status);
          assert.equal(exchanges[1].response?.statusMessage, statusText);
        } finally {
          await failing.close();
        }
      });
    }

    it('invalid settings → the settings validation message with fields, nothing fetched', async () => {
      const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), settings: { accountId: '1', dataFileUrl: 'not a uri' } }));
      assert.deepEqual(error, {
        requestError: true,
        statusCode: 400,
        name: 'AggregateAjvError',
        message: 'Datafile URL must be a valid URI string but it was not.',
        fields: { dataFileUrl: 'Datafile URL must be a valid URI string but it was not.' },
      });
      assert.equal(cdn.received.length, 0);
    });

    it('an array payload → "This action does not support batched requests." 501, nothing sent', async () => {
      const error = asRequestError(await postJson(`${emulator.url}/trackEvent`, { payload: [mainExampleEvent(), mainExampleEvent()], settings: settings() }));
      assert.deepEqual(error, {
        requestError: true,
        statusCode: 501,
        name: 'IntegrationError',
        message: 'This action does not support batched requests.',
        code: 'NotImplemented',
      });
      assert.equal(cdn.received.length, 0);
      assert.equal(logx.received.length, 0);
    });
  });
});
