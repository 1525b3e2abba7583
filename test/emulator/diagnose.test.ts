/**
 * Diagnostics on a real emulator (shop sample datafile, its own Event API sink): `POST /api/diagnose` answers
 * without sending, every `/trackEvent` and `/v1/track` record carries its checks, and the identity checks use
 * the impressions the real Optimizely SDK (`@optimizely/optimizely-sdk` 6.x, forwarding event processor,
 * dispatcher posting over HTTP to the emulator's `POST /v1/events`) reports for visitor-A.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { createForwardingEventProcessor, createInstance, createStaticProjectConfigManager, type Client } from '@optimizely/optimizely-sdk';
import { readFileSync } from 'node:fs';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import type { HistoryRecord } from '../../src/emulator/history';
import type { Check, DecisionSummary } from '../../src/core/diagnose/types';
import { decisionsInBatch } from '../../src/core/eventApi/decisions';
import { postJson, REPO_ROOT, send, type Answer } from './helpers';

const SHOP_PATH = path.join(REPO_ROOT, 'samples', 'shop.datafile.json');
const SHOP_TEXT = readFileSync(SHOP_PATH, 'utf8');
/** Attributes for which visitors get product_recs_test (an A/B rule of product_recommendations) and checkout_button_color. */
const ATTRIBUTES = { is_returning: true, plan: 'premium', country: 'US', cart_value: 60 };

interface DiagnoseAnswer {
  request?: { url: string; method: string; headers: Record<string, string>; body: string };
  error?: { name: string; message: string };
  checks: Check[];
  decisions: DecisionSummary[];
  exchanges: { request: { method: string; url: string } }[];
  payload?: Record<string, unknown>;
  status: string;
}

function conversion(visitor: { userId?: string; anonymousId?: string }, messageId: string): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Order Completed',
    ...visitor,
    messageId,
    properties: { revenue: 4999, currency: 'USD' },
    context: { traits: { ...ATTRIBUTES } },
  };
}

/** The tester protocol and /api/diagnose take the event as is (no Segment normalisation): it needs a timestamp. */
const testerPayload = (visitor: { userId?: string; anonymousId?: string }, messageId: string) => ({ ...conversion(visitor, messageId), timestamp: new Date().toISOString() });

const idsOf = (checks: Check[] | undefined) => (checks ?? []).map((check) => check.id);
const checkOf = (checks: Check[] | undefined, id: string): Check => {
  const check = (checks ?? []).find((candidate) => candidate.id === id);
  assert.ok(check, `no ${id} among ${idsOf(checks).join(', ')}`);
  return check;
};

describe('emulator diagnostics (POST /api/diagnose, checks on records, SDK impressions)', function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;

  async function records(route: string): Promise<HistoryRecord[]> {
    const answer = await send(`${emulator.url}/api/events?route=${route}&limit=500`);
    assert.equal(answer.status, 200, answer.text);
    return (answer.json as { events: HistoryRecord[] }).events;
  }

  async function record(id: string): Promise<HistoryRecord> {
    const answer = await send(`${emulator.url}/api/events/${id}`);
    assert.equal(answer.status, 200, answer.text);
    return answer.json as HistoryRecord;
  }

  /** Posts a message to the tracking API and returns its record once its mappings have run. */
  async function track(message: Record<string, unknown>): Promise<HistoryRecord> {
    const answer = await postJson(`${emulator.url}/v1/track`, message);
    assert.equal(answer.status, 200, answer.text);
    await emulator.service.idle();
    const found = (await records('tracking')).find((candidate) => (candidate.message as { messageId?: unknown } | undefined)?.messageId === message.messageId);
    assert.ok(found, `no tracking record for ${String(message.messageId)}`);
    assert.notEqual(found.status, 'received');
    return found;
  }

  async function diagnose(payload: unknown): Promise<{ answer: Answer; body: DiagnoseAnswer }> {
    const answer = await postJson(`${emulator.url}/api/diagnose`, { payload });
    assert.equal(answer.status, 200, answer.text);
    return { answer, body: answer.json as DiagnoseAnswer };
  }

  before(async () => {
    emulator = await startEmulator({ port: 0, datafile: SHOP_PATH });
  });

  after(async () => {
    await emulator?.close();
  });

  describe('POST /api/diagnose', () => {
    beforeEach(async () => {
      await emulator.service.idle();
      await emulator.service.history.clear();
    });

    it('answers {request, checks, decisions, exchanges, payload, status} for a conversion Segment would send, and sends nothing', async () => {
      const { body } = await diagnose(testerPayload({ userId: 'visitor-diagnose' }, 'msg-diagnose-1'));
      assert.deepEqual(Object.keys(body).sort(), ['checks', 'decisions', 'exchanges', 'payload', 'request', 'status']);
      assert.equal(body.status, 'previewed');
      assert.equal(body.request?.url, 'https://logx.optimizely.com/v1/events');
      assert.equal(body.request?.method, 'POST');
      assert.equal((JSON.parse(body.request?.body ?? '{}') as { visitors: { visitor_id: string }[] }).visitors[0].visitor_id, 'visitor-diagnose');
      assert.equal(body.payload?.eventKey, 'Order Completed');
      // Only the datafile GET: the Event API request is built, not posted.
      assert.deepEqual(
        body.exchanges.map((exchange) => exchange.request.method),
        ['GET'],
      );
      assert.match(body.exchanges[0].request.url, /\/datafiles\/shop\.datafile\.json$/);
      for (const id of ['segment.validation', 'datafile.reachable', 'event.known-key', 'event.running-experiments', 'timestamp.ok']) {
        assert.equal(checkOf(body.checks, id).severity, 'pass', id);
      }
      assert.deepEqual(
        body.decisions.map((decision) => decision.experimentKey),
        ['checkout_button_color', 'free_shipping_banner', 'one_page_checkout', 'product_recs_test', 'search_ranking_v2', 'search_autocomplete'],
      );
      // Nothing reached the sink, nothing was recorded.
      assert.deepEqual(await records('eventApi'), []);
      assert.equal(emulator.service.history.size, 0);
    });

    it('answers {error, checks, decisions, exchanges, payload, status} for a rejected event, with the key suggestion', async () => {
      const { body } = await diagnose({ ...testerPayload({ userId: 'visitor-diagnose' }, 'msg-diagnose-2'), event: 'order completed' });
      assert.deepEqual(Object.keys(body).sort(), ['checks', 'decisions', 'error', 'exchanges', 'payload', 'status']);
      assert.equal(body.status, 'rejected');
      assert.equal(body.error?.message, 'Event with name order completed is not defined');
      const check = checkOf(body.checks, 'event.unknown-key');
      assert.equal(check.severity, 'fail');
      assert.match(check.detail, /Nearest: "Order Completed" \(case\)\./);
      assert.equal(body.checks[0].severity, 'fail');
      assert.deepEqual(body.decisions, []);
      assert.deepEqual(await records('eventApi'), []);
    });

    it('a payload Segment rejects before its datafile GET still gets the datafile checks (fetched for context)', async () => {
      const { body } = await diagnose({ ...testerPayload({ userId: 'visitor-diagnose' }, 'msg-diagnose-3'), properties: { revenue: 19.99 } });
      assert.equal(body.status, 'rejected');
      assert.equal(checkOf(body.checks, 'segment.validation').fix, 'Segment requires integer cents: send 1999 instead of 19.99 (multiply dollars by 100, e.g. with a mapping or in your tracking code).');
      assert.equal(checkOf(body.checks, 'event.known-key').severity, 'pass');
      assert.deepEqual(await records('eventApi'), []);
    });
  });

  describe('checks on history records', () => {
    beforeEach(async () => {
      await emulator.service.idle();
      await emulator.service.history.clear();
    });

    it('every /trackEvent record carries checks (sent and rejected alike)', async () => {
      const sent = await postJson(`${emulator.url}/trackEvent`, { payload: testerPayload({ userId: 'visitor-te' }, 'msg-te-1') });
      const rejected = await postJson(`${emulator.url}/trackEvent`, { payload: { ...testerPayload({ userId: 'visitor-te' }, 'msg-te-2'), event: 'Order Complted' } });
      const sentRecord = await record(sent.headers.get('x-emulator-record-id') ?? '');
      const rejectedRecord = await record(rejected.headers.get('x-emulator-record-id') ?? '');
      assert.equal(sentRecord.status, 'sent');
      assert.equal(rejectedRecord.status, 'rejected');
      for (const item of [sentRecord, rejectedRecord]) {
        assert.ok(Array.isArray(item.checks) && item.checks.length > 0, `record ${item.id} has no checks`);
        assert.deepEqual(item.outcomes[0].checks, item.checks);
        checkOf(item.checks, 'visitor.id-source');
      }
      assert.equal(checkOf(sentRecord.checks, 'segment.validation').severity, 'pass');
      assert.equal(checkOf(rejectedRecord.checks, 'event.unknown-key').severity, 'fail');
      // The sent one reached the sink (one batch); the rejected one did not.
      assert.equal((await records('eventApi')).length, 1);
      const all = await records('trackEvent');
      assert.equal(all.length, 2);
      for (const item of all) assert.ok(item.checks && item.checks.length > 0);
    });

    it('every /v1/track record carries checks', async () => {
      const good = await track(conversion({ userId: 'visitor-tr' }, 'msg-tr-1'));
      const bad = await track({ ...conversion({ userId: 'visitor-tr' }, 'msg-tr-2'), properties: { revenue: 19 } });
      assert.equal(good.status, 'sent');
      assert.equal(checkOf(good.checks, 'segment.validation').severity, 'pass');
      assert.equal(checkOf(bad.checks, 'revenue.maybe-dollars').severity, 'warn');
      const all = await records('tracking');
      assert.equal(all.length, 2);
      for (const item of all) {
        assert.ok(item.checks && item.checks.length > 0, `record ${item.id} has no checks`);
        assert.deepEqual(item.outcomes[0].checks, item.checks);
      }
    });

    it('a messageId used twice: the second record warns event.duplicate-uuid', async () => {
      const first = await track(conversion({ userId: 'visitor-dup' }, 'msg-dup-1'));
      const second = await track(conversion({ userId: 'visitor-dup' }, 'msg-dup-1'));
      assert.ok(!idsOf(first.checks).includes('event.duplicate-uuid'));
      assert.equal(checkOf(second.checks, 'event.duplicate-uuid').severity, 'warn');
    });
  });

  describe('impressions from the real Optimizely SDK', () => {
    let client: Client;
    const dispatched: Promise<unknown>[] = [];
    const statuses: number[] = [];

    before(async () => {
      await emulator.service.idle();
      await emulator.service.history.clear();
      client = createInstance({
        projectConfigManager: createStaticProjectConfigManager({ datafile: SHOP_TEXT }),
        // Every impression is dispatched at once, over real HTTP to the emulator's sink instead of logx.
        eventProcessor: createForwardingEventProcessor({
          dispatchEvent(event) {
            const posted = fetch(`${emulator.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event.params) }).then(async (response) => {
              await response.arrayBuffer();
              statuses.push(response.status);
              return { statusCode: response.status };
            });
            dispatched.push(posted);
            return posted;
          },
        }),
      });
      await client.onReady({ timeout: 5_000 });

      const user = client.createUserContext('visitor-A', ATTRIBUTES);
      assert.ok(user);
      const decision = user.decide('product_recommendations');
      // The A/B test rule decided the flag: decide() sends an impression for it.
      assert.equal(decision.ruleKey, 'product_recs_test', decision.reasons.join('\n'));
      assert.ok(decision.variationKey);
      // The legacy API too: checkout_button_color (an experiment outside flags) also uses Order Completed.
      assert.ok(client.activate('checkout_button_color', 'visitor-A', ATTRIBUTES));

      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(dispatched);
      await client.close();
      await Promise.all(dispatched);
    });

    it('the SDK posted two impressions for visitor-A to POST /v1/events, recorded by the sink', async () => {
      assert.deepEqual(statuses, [204, 204]);
      const batches = await records('eventApi');
      assert.equal(batches.length, 2);
      const decisions = batches.flatMap((batch) => decisionsInBatch(batch.message));
      assert.deepEqual(decisions.map((d) => [d.visitorId, d.experimentId]).sort(), [
        ['visitor-A', '21480040001'],
        ['visitor-A', '21480040005'],
      ]);
      for (const batch of batches) {
        assert.equal(batch.status, 'recorded');
        assert.equal(batch.visitorId, 'visitor-A');
        assert.equal((batch.message as { client_name?: unknown }).client_name, 'node-sdk');
      }
    });

    it('a conversion for visitor-A (/v1/track): visitor.decision-found passes', async () => {
      const converted = await track(conversion({ userId: 'visitor-A' }, 'msg-sdk-A'));
      assert.equal(converted.status, 'sent');
      const check = checkOf(converted.checks, 'visitor.decision-found');
      assert.equal(check.severity, 'pass');
      assert.equal(check.detail, '2 decisions for these experiments before the conversion.');
      for (const id of ['visitor.id-mismatch', 'visitor.no-decision', 'timestamp.before-decision']) assert.ok(!idsOf(converted.checks).includes(id), id);
    });

    it('the same conversion through /trackEvent and POST /api/diagnose: visitor.decision-found too', async () => {
      const payload = testerPayload({ userId: 'visitor-A' }, 'msg-sdk-A-te');
      const answer = await postJson(`${emulator.url}/trackEvent`, { payload });
      const viaTester = await record(answer.headers.get('x-emulator-record-id') ?? '');
      assert.equal(checkOf(viaTester.checks, 'visitor.decision-found').severity, 'pass');
      const { body } = await diagnose(payload);
      assert.equal(checkOf(body.checks, 'visitor.decision-found').severity, 'pass');
    });

    it('userId visitor-B with anonymousId visitor-A: visitor.id-mismatch fails', async () => {
      const converted = await track(conversion({ userId: 'visitor-B', anonymousId: 'visitor-A' }, 'msg-sdk-B'));
      const check = checkOf(converted.checks, 'visitor.id-mismatch');
      assert.equal(check.severity, 'fail');
      assert.equal(check.detail, 'Decisions were recorded for "visitor-A", but Segment sends the conversion as "visitor-B". Optimizely cannot join them.');
      assert.equal(converted.checks?.[0].severity, 'fail');
      assert.ok(!idsOf(converted.checks).includes('visitor.decision-found'));
    });

    it('an unrelated visitor-C: visitor.no-decision warns', async () => {
      const converted = await track(conversion({ userId: 'visitor-C' }, 'msg-sdk-C'));
      const check = checkOf(converted.checks, 'visitor.no-decision');
      assert.equal(check.severity, 'warn');
      assert.equal(check.title, 'No decision recorded for "visitor-C"');
      assert.equal(check.detail, 'The emulator has seen 2 decisions for these experiments, none for this visitor.');
      assert.ok(!idsOf(converted.checks).includes('visitor.id-mismatch'));
    });
  });
});
