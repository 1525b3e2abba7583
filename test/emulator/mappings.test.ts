/**
 * The destination configuration (`{settings, writeKey, mappings}`): validated as a whole before anything
 * starts (every problem listed, never half-applied, at most 50 mappings), and at run time every tracking
 * message runs through each enabled mapping whose trigger (Segment's condition syntax) matches.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { ConfigError, type DestinationConfig, type MappingConfig } from '../../src/core/config/destinationConfig';
import type { HistoryRecord } from '../../src/emulator/history';
import { MOCK_DATAFILE_PATH, postJson, startEventApiServer, type LocalServer } from './helpers';

interface SentEvent {
  key: string;
  entity_id: string;
  uuid: string;
  revenue?: number;
  tags: Record<string, unknown>;
}

interface SentBatch {
  visitors: { visitor_id: string; snapshots: { events: SentEvent[] }[] }[];
}

function sentEvents(server: LocalServer): (SentEvent & { visitor: string })[] {
  return server.received.map((request) => {
    const body = JSON.parse(request.body) as SentBatch;
    return { ...body.visitors[0].snapshots[0].events[0], visitor: body.visitors[0].visitor_id };
  });
}

async function startExpectingConfigError(config: unknown, extra: { dataDir?: string; port?: number } = {}): Promise<ConfigError> {
  try {
    const emulator = await startEmulator({ port: extra.port ?? 0, dataDir: extra.dataDir, config: config as DestinationConfig, configSource: 'test-config.json' });
    await emulator.close();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('startEmulator accepted an invalid configuration');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

const mapping = (index: number): MappingConfig => ({ name: `Mapping ${index}`, trigger: `type = "track" and event = "E${index}"` });

describe('destination configuration', () => {
  describe('validation at start', () => {
    it('50 mappings are accepted', async () => {
      const emulator = await startEmulator({ port: 0, config: { mappings: Array.from({ length: 50 }, (_, i) => mapping(i)) } });
      try {
        assert.equal(emulator.service.mappings.length, 50);
      } finally {
        await emulator.close();
      }
    });

    it('the 51st mapping is refused with Segment\'s limit as the reason', async () => {
      const error = await startExpectingConfigError({ mappings: Array.from({ length: 51 }, (_, i) => mapping(i)) });
      assert.deepEqual(error.problems.map((problem) => problem.pointer), ['/mappings']);
      assert.match(error.problems[0].message, /at most 50 mappings/);
      assert.match(error.problems[0].message, /51/);
      assert.match(error.message, /^test-config\.json is not a valid destination configuration/);
    });

    it('lists every problem of the shape, each with its JSON pointer', async () => {
      const error = await startExpectingConfigError({
        writeKey: '',
        colour: 'blue',
        settings: { dataFileUrl: 'not a url', token: 'x' },
        mappings: [
          { name: 'ok', trigger: 'type = "track"' },
          { trigger: 'type = "track"' },
          { name: 'n', trigger: 'type = "track"', enabled: 'yes' },
          { name: 'n', trigger: 'type = "track"', fields: { eventKey: 'x', colour: 'red' } },
        ],
      });
      const pointers = error.problems.map((problem) => problem.pointer).sort();
      for (const pointer of ['/writeKey', '/colour', '/settings/dataFileUrl', '/settings/token', '/mappings/1/name', '/mappings/2/enabled', '/mappings/3/fields/colour']) {
        assert.ok(pointers.includes(pointer), `missing ${pointer} in ${JSON.stringify(error.problems)}`);
      }
      for (const problem of error.problems) assert.ok(problem.message.length > 0);
      // The message lists them all, one per line.
      for (const pointer of ['/writeKey', '/mappings/1/name', '/mappings/3/fields/colour']) assert.ok(error.message.includes(pointer));
    });

    it('lists every bad trigger and every bad field mapping, not only the first', async () => {
      const error = await startExpectingConfigError({
        mappings: [
          { name: 'bad trigger', trigger: 'nonsense (' },
          { name: 'fine', trigger: 'type = "track"' },
          { name: 'unsupported directive', trigger: 'type = "track"', fields: { eventKey: { '@case': { operator: 'lower' } } } },
          { name: 'another bad trigger', trigger: 'event = "A" and (' },
          { name: 'mixed directive', trigger: 'type = "track"', fields: { revenue: { '@path': '$.properties.revenue', extra: 1 } } },
        ],
      });
      assert.deepEqual(
        error.problems.map((problem) => problem.pointer),
        ['/mappings/0/trigger', '/mappings/2/fields', '/mappings/3/trigger', '/mappings/4/fields'],
      );
      assert.match(error.problems[0].message, /Segment condition syntax/);
      assert.match(error.problems[1].message, /@case/);
    });

    it('lists trigger problems together with shape problems of other mappings', async () => {
      const error = await startExpectingConfigError({
        mappings: [
          { name: 'bad trigger', trigger: '= "track"' },
          { trigger: 'type = "track"' },
          'not a mapping',
          { name: 'bad fields', trigger: 'type = "track"', fields: { eventKey: { '@nope': 1 } } },
          { name: 'fields of the wrong shape', trigger: 'type = "track"', fields: [] },
        ],
      });
      assert.deepEqual(error.problems.map((problem) => problem.pointer).sort(), ['/mappings/0/trigger', '/mappings/1/name', '/mappings/2', '/mappings/3/fields', '/mappings/4/fields']);
    });

    it('an invalid configuration is never half-applied: nothing listens, nothing is written', async () => {
      const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seg-opt-config-')), 'data');
      const port = await freePort();
      try {
        await startExpectingConfigError({ mappings: [{ name: 'x', trigger: 'nonsense (' }] }, { dataDir, port });
        assert.equal(fs.existsSync(dataDir), false, 'the data directory must not be created');
        assert.equal(await refusesConnections(port), true, 'the port must not be bound');
      } finally {
        fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
      }
    });
  });

  describe('mappings at run time', () => {
    let eventApi: LocalServer;
    let emulator: RunningEmulator;

    const MAPPINGS: MappingConfig[] = [
      {
        name: 'Product events as Test',
        trigger: 'type = "track" and contains(event, "Product")',
        fields: { eventKey: 'Test', revenue: { '@path': '$.properties.cents' } },
      },
      {
        name: 'Pro or VIP',
        trigger: 'type = "track" and (properties.plan = "pro" or userId = "vip")',
        fields: { eventKey: { '@literal': 'Opendoor Audience Entered' }, eventTags: { '@literal': {} } },
      },
      {
        name: 'Gold identify',
        trigger: 'type = "identify" and traits.tier = "gold" and userId != "blocked"',
        fields: { eventKey: 'Product List Clicked', uuid: { '@template': 'identify-{{messageId}}' } },
      },
      { name: 'Disabled catch-all', enabled: false, trigger: 'type = "track" or type = "identify"', fields: { eventKey: 'Test' } },
      { name: 'Has coupon', trigger: 'type = "track" and properties.coupon != null and event != "Product List Clicked"', fields: { eventKey: 'Test' } },
    ];

    before(async () => {
      eventApi = await startEventApiServer();
      emulator = await startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH, eventApiUrl: `${eventApi.url}/ok/v1/events`, config: { mappings: MAPPINGS } });
    });

    after(async () => {
      await emulator?.close();
      await eventApi?.close();
    });

    beforeEach(async () => {
      await emulator.service.idle();
      await emulator.service.history.clear();
      eventApi.received.length = 0;
    });

    async function ingest(batch: Record<string, unknown>[]): Promise<Map<string, HistoryRecord>> {
      const answer = await postJson(`${emulator.url}/v1/batch`, { batch });
      assert.equal(answer.status, 200, answer.text);
      await emulator.service.idle();
      const byMessageId = new Map<string, HistoryRecord>();
      for (const record of emulator.service.history.list({ route: 'tracking' })) {
        byMessageId.set((record.message as { messageId: string }).messageId, record);
      }
      return byMessageId;
    }

    const outcomeNames = (record: HistoryRecord | undefined) => (record?.outcomes ?? []).map((outcome) => outcome.mapping);

    it('each message runs through every enabled matching mapping: one outcome each, and the Event API bodies follow the field overrides', async () => {
      const records = await ingest([
        { type: 'track', event: 'Product List Clicked', userId: 'u-both', messageId: 'm-both', properties: { plan: 'pro', cents: 1999 } },
        { type: 'track', event: 'Product List Clicked', userId: 'u-first', messageId: 'm-first', properties: { plan: 'free', cents: 500 } },
        { type: 'track', event: 'Checkout Started', userId: 'vip', messageId: 'm-vip', properties: { revenue: 7 } },
        { type: 'identify', userId: 'u-gold', messageId: 'm-gold', traits: { tier: 'gold' } },
        { type: 'identify', userId: 'blocked', messageId: 'm-blocked', traits: { tier: 'gold' } },
        { type: 'track', event: 'Checkout Started', userId: 'u-coupon', messageId: 'm-coupon', properties: { coupon: 'SPRING' } },
        { type: 'page', anonymousId: 'a-page', messageId: 'm-page', name: 'Home' },
      ]);
      assert.deepEqual(outcomeNames(records.get('m-both')), ['Product events as Test', 'Pro or VIP']);
      assert.deepEqual(outcomeNames(records.get('m-first')), ['Product events as Test']);
      assert.deepEqual(outcomeNames(records.get('m-vip')), ['Pro or VIP']);
      assert.deepEqual(outcomeNames(records.get('m-gold')), ['Gold identify']);
      assert.deepEqual(outcomeNames(records.get('m-blocked')), []);
      assert.deepEqual(outcomeNames(records.get('m-coupon')), ['Has coupon']);
      assert.deepEqual(outcomeNames(records.get('m-page')), []);
      for (const id of ['m-both', 'm-first', 'm-vip', 'm-gold', 'm-coupon']) {
        const record = records.get(id);
        assert.equal(record?.status, 'sent', `${id}: ${JSON.stringify(record?.outcomes.map((outcome) => outcome.error))}`);
        for (const outcome of record?.outcomes ?? []) assert.equal(outcome.status, 'sent');
      }
      for (const id of ['m-blocked', 'm-page']) assert.equal(records.get(id)?.status, 'skipped');

      // Six Event API requests: two for m-both, one for each other match. The disabled mapping never ran.
      const sent = sentEvents(eventApi).map((event) => [event.uuid, event.visitor, event.key, event.entity_id, event.revenue ?? null, event.tags]);
      sent.sort((a, b) => `${a[0]}${a[2]}`.localeCompare(`${b[0]}${b[2]}`));
      assert.deepEqual(sent, [
        ['identify-m-gold', 'u-gold', 'Product List Clicked', '22020998834', null, {}],
        ['m-both', 'u-both', 'Opendoor Audience Entered', '22431931550', null, {}],
        ['m-both', 'u-both', 'Test', '21235440822', 1999, { plan: 'pro', cents: 1999 }],
        ['m-coupon', 'u-coupon', 'Test', '21235440822', null, { coupon: 'SPRING' }],
        ['m-first', 'u-first', 'Test', '21235440822', 500, { plan: 'free', cents: 500 }],
        ['m-vip', 'vip', 'Opendoor Audience Entered', '22431931550', 7, {}],
      ]);
    });

    it('each outcome carries its own mapped payload and exchanges', async () => {
      const records = await ingest([{ type: 'track', event: 'Product List Clicked', userId: 'u-both', messageId: 'm-both', properties: { plan: 'pro', cents: 250 } }]);
      const record = records.get('m-both');
      assert.ok(record);
      const [first, second] = record.outcomes;
      assert.equal((first.payload as { eventKey: string }).eventKey, 'Test');
      assert.equal((first.payload as { revenue: number }).revenue, 250);
      assert.equal((second.payload as { eventKey: string }).eventKey, 'Opendoor Audience Entered');
      for (const outcome of [first, second]) {
        assert.deepEqual(outcome.exchanges.map((exchange) => `${exchange.request.method} ${exchange.response?.statusCode}`), ['GET 200', 'POST 204']);
        assert.equal(outcome.error, undefined);
      }
    });

    it('a mapping that rejects the message records its error; the other mapping still sends', async () => {
      // "Pro or VIP" matches, and so does the product mapping — whose revenue is not an integer.
      const records = await ingest([{ type: 'track', event: 'Product List Clicked', userId: 'u', messageId: 'm-bad', properties: { plan: 'pro', cents: 1.5 } }]);
      const record = records.get('m-bad');
      assert.ok(record);
      assert.deepEqual(record.outcomes.map((outcome) => [outcome.mapping, outcome.status]), [['Product events as Test', 'rejected'], ['Pro or VIP', 'sent']]);
      assert.match(record.outcomes[0].error?.message ?? '', /integer/);
      assert.equal(record.status, 'rejected', 'the worst outcome is the record status');
      assert.equal(eventApi.received.length, 1);
    });

    it('no mapping enabled at all: every message is skipped and nothing is sent', async () => {
      const quiet = await startEmulator({ port: 0, datafile: MOCK_DATAFILE_PATH, eventApiUrl: `${eventApi.url}/ok/v1/events`, config: { mappings: [{ ...MAPPINGS[0], enabled: false }] } });
      try {
        await postJson(`${quiet.url}/v1/track`, { event: 'Product List Clicked', userId: 'u', properties: { cents: 1 } });
        await quiet.service.idle();
        const [record] = quiet.service.history.list({ route: 'tracking' });
        assert.equal(record.status, 'skipped');
        assert.deepEqual(record.outcomes, []);
        assert.equal(eventApi.received.length, 0);
      } finally {
        await quiet.close();
      }
    });
  });
});
