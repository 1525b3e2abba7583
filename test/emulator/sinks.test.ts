/**
 * The emulator's local Optimizely stand-ins, called directly: the Event API sink (`POST /v1/events`, lenient
 * by default, strict with `X-Optimizely-Strict: true`) and the GDPR sink. Both record what they receive.
 */
import * as assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { MAIN_EXAMPLE_BODY, postJson, send } from './helpers';

/** A batch logx would take but the strict schema rejects: an unknown top-level field and a seconds timestamp. */
function batchWithExtras(): Record<string, unknown> {
  const body = JSON.parse(MAIN_EXAMPLE_BODY) as { visitors: { snapshots: { events: Record<string, unknown>[] }[] }[] } & Record<string, unknown>;
  body.sdk_debug = true;
  body.visitors[0].snapshots[0].events[0].timestamp = 1704721970;
  return body;
}

describe('emulator sinks', () => {
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });

  after(async () => {
    await emulator?.close();
  });

  beforeEach(() => emulator.service.history.clear());

  describe('POST /v1/events', () => {
    it('accepts the Segment body with 204 and records it exactly', async () => {
      const answer = await send(`${emulator.url}/v1/events`, { method: 'POST', body: MAIN_EXAMPLE_BODY, headers: { 'content-type': 'application/json' } });
      assert.equal(answer.status, 204);
      assert.equal(answer.text, '');
      const records = emulator.service.history.list();
      assert.equal(records.length, 1);
      assert.equal(records[0].route, 'eventApi');
      assert.equal(records[0].status, 'recorded');
      assert.equal(records[0].rawBody, MAIN_EXAMPLE_BODY);
      assert.deepEqual(records[0].message, JSON.parse(MAIN_EXAMPLE_BODY));
    });

    it('accepts the Segment body in strict mode too', async () => {
      const answer = await send(`${emulator.url}/v1/events`, {
        method: 'POST',
        body: MAIN_EXAMPLE_BODY,
        headers: { 'content-type': 'application/json', 'X-Optimizely-Strict': 'true' },
      });
      assert.equal(answer.status, 204);
      assert.deepEqual(emulator.service.history.list()[0].problems, []);
    });

    it('lenient (default) accepts extra fields and a seconds timestamp', async () => {
      const answer = await postJson(`${emulator.url}/v1/events`, batchWithExtras());
      assert.equal(answer.status, 204);
      assert.equal(emulator.service.history.list()[0].status, 'recorded');
    });

    it('strict rejects the same batch with 400 and one problem per fault, each with a pointer', async () => {
      const answer = await postJson(`${emulator.url}/v1/events`, batchWithExtras(), { 'X-Optimizely-Strict': 'true' });
      assert.equal(answer.status, 400);
      const body = answer.json as { error: string; problems: { pointer: string; message: string }[] };
      assert.equal(body.error, 'Event batch failed strict validation.');
      assert.deepEqual(body.problems.map((problem) => problem.pointer).sort(), ['/sdk_debug', '/visitors/0/snapshots/0/events/0/timestamp']);
      const timestampProblem = body.problems.find((problem) => problem.pointer.endsWith('/timestamp'));
      assert.match(timestampProblem?.message ?? '', /13-digit/);
      const [record] = emulator.service.history.list();
      assert.equal(record.route, 'eventApi');
      assert.equal(record.status, 'rejected');
      assert.deepEqual(record.problems, body.problems);
    });

    it('rejects an unusable batch with 400 even when lenient', async () => {
      const answer = await postJson(`${emulator.url}/v1/events`, { visitors: 'nobody' });
      assert.equal(answer.status, 400);
      const body = answer.json as { error: string; problems: { pointer: string; message: string }[] };
      assert.equal(body.error, 'Event batch is not usable.');
      assert.deepEqual(body.problems.map((problem) => problem.pointer).sort(), ['/account_id', '/visitors']);
      assert.equal(emulator.service.history.list()[0].status, 'rejected');
    });

    it('takes a text/plain JSON body (as a beacon would send it)', async () => {
      const answer = await send(`${emulator.url}/v1/events`, { method: 'POST', body: MAIN_EXAMPLE_BODY, headers: { 'content-type': 'text/plain' } });
      assert.equal(answer.status, 204);
      const [record] = emulator.service.history.list();
      assert.equal(record.rawBody, MAIN_EXAMPLE_BODY);
      assert.deepEqual(record.message, JSON.parse(MAIN_EXAMPLE_BODY));
    });

    it('refuses other content types with 415', async () => {
      const answer = await send(`${emulator.url}/v1/events`, { method: 'POST', body: MAIN_EXAMPLE_BODY, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(answer.status, 415);
      assert.equal((answer.json as { error: { code: string } }).error.code, 'unsupported_media_type');
    });
  });

  describe('POST /v2/subject-access-requests', () => {
    const GDPR_BODY = { data_type: 'visitor', identifier: '18269245474', identifier_type: 'dcp_id', request_type: 'delete' };

    it('with a Bearer token → 200 PENDING, the token not echoed, recorded', async () => {
      const token = 'sink-direct-token-0123456789';
      const answer = await postJson(`${emulator.url}/v2/subject-access-requests`, GDPR_BODY, { authorization: `Bearer ${token}` });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { ...GDPR_BODY, authorization: '<redacted>', status: 'PENDING' });
      assert.ok(!answer.text.includes(token));
      const [record] = emulator.service.history.list();
      assert.equal(record.route, 'gdpr');
      assert.equal(record.status, 'recorded');
      assert.ok(!JSON.stringify(emulator.service.history.list()).includes(token));
    });

    it('without a token → 401, recorded as rejected with the problem', async () => {
      const answer = await postJson(`${emulator.url}/v2/subject-access-requests`, GDPR_BODY);
      assert.equal(answer.status, 401);
      assert.equal((answer.json as { code: string }).code, 'unauthorized');
      const [record] = emulator.service.history.list();
      assert.equal(record.status, 'rejected');
      assert.deepEqual(record.problems?.map((problem) => problem.pointer), ['/headers/authorization']);
    });
  });
});
