/**
 * The emulator's own HTTP surface: the served datafile (`--datafile PATH`), `GET /manifest`, and how it
 * answers bad input (malformed JSON, wrong content-type, oversized bodies, unknown routes) without stack
 * traces and without falling over.
 */
import * as assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { asExchanges, MAIN_EXAMPLE_BODY, mainExampleEvent, MOCK_DATAFILE_PATH, MOCK_DATAFILE_TEXT, postJson, send } from './helpers';

interface ErrorAnswer {
  error: { status: number; code: string; message: string; fix?: string; details?: unknown };
}

function errorOf(json: unknown): ErrorAnswer['error'] {
  const body = json as ErrorAnswer;
  assert.ok(body && typeof body.error === 'object', `expected an error body, got ${JSON.stringify(json)}`);
  return body.error;
}

describe('emulator HTTP surface', () => {
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH });
  });

  after(async () => {
    await emulator?.close();
  });

  beforeEach(() => emulator.service.history.clear());

  describe('startEmulator', () => {
    it('binds 127.0.0.1 on a free port when given port 0', () => {
      assert.equal(emulator.host, '127.0.0.1');
      assert.ok(emulator.port > 0);
      assert.equal(emulator.url, `http://127.0.0.1:${emulator.port}`);
    });
  });

  describe('--datafile PATH', () => {
    const datafilePath = '/datafiles/segment-actions-mock-datafile.json';

    it('serves the file at GET /datafiles/<name>.json as JSON with an ETag', async () => {
      assert.equal(emulator.datafileUrl, `${emulator.url}${datafilePath}`);
      const answer = await send(`${emulator.url}${datafilePath}`);
      assert.equal(answer.status, 200);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(answer.text, MOCK_DATAFILE_TEXT);
      assert.match(answer.headers.get('etag') ?? '', /^"[^"]+"$/);
    });

    it('answers 304 with no body to If-None-Match with the current ETag, 200 to a stale one', async () => {
      const first = await send(`${emulator.url}${datafilePath}`);
      const etag = first.headers.get('etag') ?? '';
      const revalidated = await send(`${emulator.url}${datafilePath}`, { headers: { 'If-None-Match': etag } });
      assert.equal(revalidated.status, 304);
      assert.equal(revalidated.text, '');
      assert.equal(revalidated.headers.get('etag'), etag);
      const stale = await send(`${emulator.url}${datafilePath}`, { headers: { 'If-None-Match': '"stale"' } });
      assert.equal(stale.status, 200);
      assert.equal(stale.text, MOCK_DATAFILE_TEXT);
    });

    it('answers 404 naming the served files for another name', async () => {
      const answer = await send(`${emulator.url}/datafiles/other.json`);
      assert.equal(answer.status, 404);
      const error = errorOf(answer.json);
      assert.equal(error.code, 'datafile_not_found');
      assert.match(error.fix ?? '', /\/datafiles\/segment-actions-mock-datafile\.json/);
    });

    it('is the default dataFileUrl (and its accountId the default accountId): /trackEvent works without settings', async () => {
      assert.deepEqual(emulator.service.config.defaultSettings, { accountId: '18269245474', dataFileUrl: `${emulator.url}${datafilePath}` });
      const exchanges = asExchanges(await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent() }));
      assert.equal(exchanges.length, 2);
      assert.equal(exchanges[0].request.url, `${emulator.url}${datafilePath}`);
      assert.equal(exchanges[0].response?.body, MOCK_DATAFILE_TEXT);
      assert.equal(exchanges[1].request.url, `${emulator.url}/v1/events`);
      assert.equal(exchanges[1].request.body, MAIN_EXAMPLE_BODY);
      assert.equal(exchanges[1].response?.statusCode, 204);
    });

    it('is the default for /trackEvent/eventKey and /authenticate too', async () => {
      const choices = await postJson(`${emulator.url}/trackEvent/eventKey`, {});
      assert.deepEqual(
        (choices.json as { choices: { value: string }[] }).choices.map((choice) => choice.value),
        ['Test', 'Product List Clicked', 'Opendoor Audience Entered'],
      );
      const auth = await postJson(`${emulator.url}/authenticate`, {});
      assert.deepEqual(auth.json, { ok: true });
    });
  });

  describe('GET /manifest', () => {
    it('has the destination name, slug, fields and directoryName', async () => {
      const answer = await send(`${emulator.url}/manifest`);
      assert.equal(answer.status, 200);
      const manifest = answer.json as {
        name: string;
        slug: string;
        directoryName: string;
        authentication: { scheme: string; fields: Record<string, { label: string; type: string; required: boolean; format?: string }> };
        actions: Record<string, { title: string; fields: Record<string, { label: string; type: string; required: boolean; default?: unknown }>; hasPerformBatch: boolean }>;
      };
      assert.equal(manifest.name, 'Optimizely Feature Experimentation (Actions)');
      assert.equal(manifest.slug, 'actions-optimizely-feature-experimentation-cloud');
      assert.equal(manifest.directoryName, 'optimizely-feature-experimentation-actions');
      assert.equal(manifest.authentication.scheme, 'custom');
      assert.deepEqual(Object.keys(manifest.authentication.fields).sort(), ['accessToken', 'accountId', 'dataFileUrl']);
      assert.equal(manifest.authentication.fields.accessToken.type, 'password');
      assert.equal(manifest.authentication.fields.dataFileUrl.format, 'uri');
      assert.deepEqual(Object.keys(manifest.actions), ['trackEvent']);
      const action = manifest.actions.trackEvent;
      assert.equal(action.title, 'Track Event');
      assert.equal(action.hasPerformBatch, false);
      assert.deepEqual(Object.keys(action.fields).sort(), ['attributes', 'eventKey', 'eventTags', 'revenue', 'timestamp', 'userId', 'uuid', 'value']);
      assert.equal(action.fields.revenue.type, 'integer');
      assert.deepEqual(action.fields.eventKey.default, { '@path': '$.event' });
      assert.equal(action.fields.eventKey.required, true);
    });
  });

  describe('bad input', () => {
    it('malformed JSON → 400 whose message names the position', async () => {
      const answer = await send(`${emulator.url}/trackEvent`, { method: 'POST', body: '{"payload": {"event": "x",}}', headers: { 'content-type': 'application/json' } });
      assert.equal(answer.status, 400);
      const error = errorOf(answer.json);
      assert.equal(error.code, 'malformed_json');
      assert.match(error.message, /POST \/trackEvent/);
      assert.match(error.message, /position 26/);
    });

    it('malformed JSON to the Event API sink → 400 too', async () => {
      const answer = await send(`${emulator.url}/v1/events`, { method: 'POST', body: '{"account_id":', headers: { 'content-type': 'application/json' } });
      assert.equal(answer.status, 400);
      assert.equal(errorOf(answer.json).code, 'malformed_json');
    });

    for (const [label, headers, named] of [
      ['text/plain', { 'content-type': 'text/plain' }, '"text/plain"'],
      ['no content-type', {}, '"(none)"'],
      ['form-encoded', { 'content-type': 'application/x-www-form-urlencoded' }, '"application/x-www-form-urlencoded"'],
    ] as const) {
      it(`a ${label} body → 415 that says to send JSON`, async () => {
        const answer = await send(`${emulator.url}/trackEvent`, { method: 'POST', body: new Blob([JSON.stringify({ payload: mainExampleEvent() })]), headers });
        assert.equal(answer.status, 415);
        const error = errorOf(answer.json);
        assert.equal(error.code, 'unsupported_media_type');
        assert.equal(error.message, `POST /trackEvent needs a JSON body, got content-type ${named}.`);
        assert.match(error.fix ?? '', /Content-Type: application\/json/);
      });
    }

    it('an unsupported charset → 415', async () => {
      const answer = await send(`${emulator.url}/authenticate`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json; charset=klingon' } });
      assert.equal(answer.status, 415);
      assert.equal(errorOf(answer.json).code, 'unsupported_encoding');
    });

    it('a JSON body that is not an object → 400', async () => {
      const answer = await postJson(`${emulator.url}/trackEvent`, [mainExampleEvent()]);
      assert.equal(answer.status, 400);
      const error = errorOf(answer.json);
      assert.equal(error.code, 'invalid_body');
      assert.match(error.message, /an array/);
    });

    it('a body over 1 MB to /trackEvent → 413 naming the limit', async () => {
      const payload = { ...mainExampleEvent(), properties: { blob: 'x'.repeat(1_100_000) } };
      const answer = await postJson(`${emulator.url}/trackEvent`, { payload });
      assert.equal(answer.status, 413);
      const error = errorOf(answer.json);
      assert.equal(error.code, 'body_too_large');
      assert.match(error.message, /1048576 bytes/);
    });

    it('the Event API sink takes more than 1 MB (its limit is 3.5 MB)', async () => {
      const body = JSON.parse(MAIN_EXAMPLE_BODY) as { visitors: { snapshots: { events: { tags: Record<string, string> }[] }[] }[] };
      body.visitors[0].snapshots[0].events[0].tags = { blob: 'y'.repeat(1_500_000) };
      const answer = await postJson(`${emulator.url}/v1/events`, body);
      assert.equal(answer.status, 204);
    });

    it('an unknown route → 404 listing the routes', async () => {
      const answer = await send(`${emulator.url}/no/such/route`, { method: 'POST', json: {} });
      assert.equal(answer.status, 404);
      const error = errorOf(answer.json);
      assert.equal(error.code, 'not_found');
      assert.equal(error.message, 'There is no route POST /no/such/route.');
      const routes = (error.details as { routes: string[] }).routes;
      for (const route of ['GET  /manifest', 'POST /trackEvent', 'POST /trackEvent/eventKey', 'POST /authenticate', 'POST /delete', 'POST /v1/events', 'POST /v2/subject-access-requests']) {
        assert.ok(routes.includes(route), `missing ${route}`);
        assert.ok(error.fix?.includes(route), `fix does not list ${route}`);
      }
    });

    it('the wrong method on a known route → 404 listing the routes', async () => {
      const answer = await send(`${emulator.url}/trackEvent`);
      assert.equal(answer.status, 404);
      assert.equal(errorOf(answer.json).message, 'There is no route GET /trackEvent.');
    });

    it('after all of that (and concurrently with it) the server still answers', async () => {
      const bad = await Promise.all([
        send(`${emulator.url}/trackEvent`, { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } }),
        send(`${emulator.url}/delete`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }),
        postJson(`${emulator.url}/trackEvent`, { payload: { blob: 'z'.repeat(1_200_000) } }),
        send(`${emulator.url}/%E0%A4%A`),
      ]);
      assert.deepEqual(bad.map((answer) => answer.status), [400, 415, 413, 404]);
      const manifest = await send(`${emulator.url}/manifest`);
      assert.equal(manifest.status, 200);
      const exchanges = asExchanges(await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent() }));
      assert.equal(exchanges[1].request.body, MAIN_EXAMPLE_BODY);
    });
  });
});
