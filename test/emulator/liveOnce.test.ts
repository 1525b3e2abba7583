/**
 * "Send this one live": a single /trackEvent goes to Optimizely's real Event API only with an explicit
 * confirmation, and the emulator's live switch is never flipped, so concurrent requests stay local.
 * Optimizely's endpoint cannot be reached from here: the transport answers for logx in its place and
 * passes every other request (the datafile, the local sink) to the real HTTP transport.
 */
import * as assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { nodeTransport } from '../../src/core/http/nodeTransport';
import { EVENT_API_URL } from '../../src/core/destination/definition';
import type { HttpRequest } from '../../src/core/http/types';
import { MOCK_DATAFILE_PATH, mainExampleEvent, postJson } from './helpers';

describe('emulator: one request sent live', () => {
  let emulator: RunningEmulator;
  const toLogx: HttpRequest[] = [];

  before(async () => {
    emulator = await startEmulator({
      port: 0,
      datafile: MOCK_DATAFILE_PATH,
      transport: async (request) => {
        if (request.url !== EVENT_API_URL) return nodeTransport(request);
        toLogx.push(request);
        return { status: 204, statusText: 'No Content', headers: {}, body: '' };
      },
    });
  });

  after(async () => {
    await emulator?.close();
  });

  it('is refused (409) without confirm, and nothing is sent or switched', async () => {
    const answer = await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), live: true });
    assert.equal(answer.status, 409);
    assert.match(answer.text, /confirm/);
    assert.equal(toLogx.length, 0);
    assert.equal(emulator.service.config.live, false);
  });

  it('goes to Optimizely with confirm, while the next request still goes to the local sink', async () => {
    const live = await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent(), live: true, confirm: true });
    assert.equal(live.status, 200);
    assert.equal(toLogx.length, 1);
    assert.equal(JSON.parse(toLogx[0].body ?? '{}').visitors[0].visitor_id, 'user1234');
    assert.equal(emulator.service.config.live, false, 'the live switch stays off');

    const local = await postJson(`${emulator.url}/trackEvent`, { payload: mainExampleEvent() });
    assert.equal(local.status, 200);
    assert.equal(toLogx.length, 1, 'the second request did not go live');
    const exchanges = JSON.parse(local.text) as { request: { url: string } }[];
    assert.equal(exchanges[1].request.url, `${emulator.url}/v1/events`);
  });
});
