/**
 * The destination's other entry points over HTTP (spec/segment-destination.md §2, §8): the eventKey dynamic
 * field, testAuthentication and the GDPR delete, with real local datafile and GDPR servers.
 */
import * as assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { asExchanges, asRequestError, postJson, startDatafileServer, startEventApiServer, type LocalServer } from './helpers';

const TOKEN = '2:p4Ln3WyyQ9xZsecretTOKENvalue460';
const GDPR_BODY = '{"data_type":"visitor","identifier":"12345566","identifier_type":"dcp_id","request_type":"delete"}';

describe('emulator entry points', () => {
  let cdn: LocalServer;
  let gdpr: LocalServer;
  let emulator: RunningEmulator;

  const settings = (datafilePath = '/datafile.json') => ({ accountId: '12345566', dataFileUrl: `${cdn.url}${datafilePath}` });

  before(async () => {
    cdn = await startDatafileServer();
    gdpr = await startEventApiServer();
    emulator = await startEmulator({ port: 0 });
  });

  after(async () => {
    await emulator?.close();
    await cdn?.close();
    await gdpr?.close();
  });

  beforeEach(() => {
    cdn.received.length = 0;
    gdpr.received.length = 0;
    emulator.service.history.clear();
  });

  describe('POST /trackEvent/eventKey', () => {
    it('answers the choices in datafile order', async () => {
      const answer = await postJson(`${emulator.url}/trackEvent/eventKey`, { settings: settings(), payload: {} });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, {
        choices: [
          { label: 'Test', value: 'Test' },
          { label: 'Product List Clicked', value: 'Product List Clicked' },
          { label: 'Opendoor Audience Entered', value: 'Opendoor Audience Entered' },
        ],
      });
      assert.equal(cdn.received.length, 1);
      assert.equal(cdn.received[0].headers['user-agent'], 'Segment (Actions)');
    });

    it('a 404 datafile gives no choices and the error object, byte for byte', async () => {
      const answer = await postJson(`${emulator.url}/trackEvent/eventKey`, { settings: settings('/missing.json') });
      assert.equal(answer.status, 200);
      assert.equal(answer.text, '{"choices":[],"error":{"message":"Not Found","code":"404"}}');
    });

    it('a 403 datafile gives the Forbidden error object', async () => {
      const answer = await postJson(`${emulator.url}/trackEvent/eventKey`, { settings: settings('/forbidden.json') });
      assert.deepEqual(answer.json, { choices: [], error: { message: 'Forbidden', code: '403' } });
    });

    it('a deactivated project (not a datafile) gives "Unknown error"', async () => {
      const answer = await postJson(`${emulator.url}/trackEvent/eventKey`, { settings: settings('/deactivated.json') });
      assert.deepEqual(answer.json, { choices: [], error: { message: 'Unknown error', code: 'Unknown code' } });
    });
  });

  describe('POST /authenticate (body = settings)', () => {
    it('a reachable datafile → {ok: true}', async () => {
      const answer = await postJson(`${emulator.url}/authenticate`, settings());
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { ok: true });
      assert.equal(cdn.received.length, 1);
      assert.equal(cdn.received[0].path, '/datafile.json');
    });

    it('a deactivated project still passes: any 2xx is enough', async () => {
      const answer = await postJson(`${emulator.url}/authenticate`, settings('/deactivated.json'));
      assert.deepEqual(answer.json, { ok: true });
    });

    it('a 404 → {ok: false, error: "Credentials are invalid: 404 Not Found"}', async () => {
      const answer = await postJson(`${emulator.url}/authenticate`, settings('/missing.json'));
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { ok: false, error: 'Credentials are invalid: 404 Not Found' });
    });

    it('a 403 → "Credentials are invalid: 403 Forbidden"', async () => {
      const answer = await postJson(`${emulator.url}/authenticate`, settings('/forbidden.json'));
      assert.deepEqual(answer.json, { ok: false, error: 'Credentials are invalid: 403 Forbidden' });
    });

    it('a bad URL → the validation message with fields, and no request', async () => {
      const answer = await postJson(`${emulator.url}/authenticate`, { accountId: '12345566', dataFileUrl: 'not a url' });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, {
        ok: false,
        error: 'Datafile URL must be a valid URI string but it was not.',
        fields: { dataFileUrl: 'Datafile URL must be a valid URI string but it was not.' },
      });
      assert.equal(cdn.received.length, 0);
    });
  });

  describe('POST /delete', () => {
    it('without accessToken → InvalidAuthenticationError 401 INVALID_AUTHENTICATION, nothing sent', async () => {
      const error = asRequestError(await postJson(`${emulator.url}/delete`, { payload: { userId: 'user1234' }, settings: settings() }));
      assert.deepEqual(error, {
        requestError: true,
        statusCode: 401,
        name: 'InvalidAuthenticationError',
        message: 'Access Token is required for user deletion.',
        code: 'INVALID_AUTHENTICATION',
      });
      const [record] = emulator.service.history.list();
      assert.equal(record.route, 'delete');
      assert.equal(record.status, 'failed');
      assert.equal(emulator.service.history.size, 1, 'no GDPR request reached the sink');
    });

    it('with a token → the GDPR request reaches the local sink; the token is redacted everywhere', async () => {
      const answer = await postJson(`${emulator.url}/delete`, { payload: { userId: 'user1234' }, settings: { ...settings(), accessToken: TOKEN } });
      const exchanges = asExchanges(answer);
      assert.equal(exchanges.length, 1);
      const [exchange] = exchanges;
      assert.equal(exchange.request.url, `${emulator.url}/v2/subject-access-requests`);
      assert.equal(exchange.request.method, 'POST');
      assert.equal(exchange.request.body, GDPR_BODY, 'the account id is the identifier; the user id is ignored');
      assert.deepEqual(exchange.request.headers, { 'user-agent': 'Segment (Actions)', authorization: '<redacted>', 'content-type': 'application/json' });
      assert.equal(exchange.response?.statusCode, 200);

      // The sink's own record proves what it received: the Bearer token was accepted ('recorded').
      const records = emulator.service.history.list();
      assert.deepEqual(records.map((record) => `${record.route}:${record.status}`), ['delete:sent', 'gdpr:recorded']);
      assert.equal(records[1].rawBody, GDPR_BODY);

      assert.ok(!answer.text.includes(TOKEN), 'token in the answer');
      assert.ok(!JSON.stringify(emulator.service.history.list()).includes(TOKEN), 'token in the history');
      assert.ok(records[0].rawBody.includes('"accessToken":"<redacted>"'));
    });

    it('with gdprApiUrl → the server receives the exact body and "authorization: Bearer <token>"', async () => {
      const custom = await startEmulator({ port: 0, gdprApiUrl: `${gdpr.url}/gdpr/v2/subject-access-requests` });
      try {
        const answer = await postJson(`${custom.url}/delete`, { payload: { userId: 'user1234', anonymousId: 'anon-1' }, settings: { ...settings(), accessToken: TOKEN } });
        const [exchange] = asExchanges(answer);

        assert.equal(gdpr.received.length, 1);
        const received = gdpr.received[0];
        assert.equal(received.method, 'POST');
        assert.equal(received.path, '/gdpr/v2/subject-access-requests');
        assert.equal(received.body, GDPR_BODY);
        assert.equal(received.headers.authorization, `Bearer ${TOKEN}`);
        assert.equal(received.headers['content-type'], 'application/json');
        assert.equal(received.headers['user-agent'], 'Segment (Actions)');

        assert.equal(exchange.request.url, `${gdpr.url}/gdpr/v2/subject-access-requests`);
        assert.equal(exchange.request.headers.authorization, '<redacted>');
        assert.equal(exchange.request.body, GDPR_BODY);
        // The server echoed the header back in a response header and in its body: both redacted too.
        assert.equal(exchange.response?.statusCode, 200);
        assert.equal(exchange.response?.headers['x-echo-authorization'], 'Bearer <redacted>');
        assert.deepEqual(JSON.parse(exchange.response?.body ?? ''), { id: 'sar-1', status: 'PENDING', echoedAuthorization: 'Bearer <redacted>' });

        assert.ok(!answer.text.includes(TOKEN), 'token in the answer');
        const history = JSON.stringify(custom.service.history.list());
        assert.ok(!history.includes(TOKEN), 'token in the history');
        assert.deepEqual(custom.service.history.list().map((record) => record.route), ['delete']);
      } finally {
        await custom.close();
      }
    });

    it('uses the default accountId (the served datafile\'s) when settings give only the token', async () => {
      const withDatafile = await startEmulator({ port: 0, datafile: 'test/fixtures/datafiles/segment-actions-mock-datafile.json', gdprApiUrl: `${gdpr.url}/gdpr/v2/subject-access-requests` });
      try {
        const answer = await postJson(`${withDatafile.url}/delete`, { payload: { userId: 'u' }, settings: { accessToken: TOKEN } });
        assert.equal(asExchanges(answer).length, 1);
        assert.equal(gdpr.received[0].body, '{"data_type":"visitor","identifier":"18269245474","identifier_type":"dcp_id","request_type":"delete"}');
      } finally {
        await withDatafile.close();
      }
    });
  });
});
