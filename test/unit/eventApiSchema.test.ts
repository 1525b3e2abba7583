import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import {
  EVENT_BATCH_LENIENT_SCHEMA,
  EVENT_BATCH_SCHEMA,
  type EventBatch,
  type EventBatchProblem,
  isEventBatch,
  validateEventBatch,
} from '../../src/core/eventApi/schema';

/** Exact body the Segment destination sends for its reference test input (spec/segment-destination.md). */
const SEGMENT_BODY_JSON =
  '{"account_id":"18269245474","anonymize_ip":true,"client_name":"Segment","enrich_decisions":true,"visitors":[{"snapshots":[{"events":[{"entity_id":"22020998834","timestamp":1704721970212,"uuid":"msg-0001","key":"Product List Clicked","revenue":1000,"tags":{}}],"decisions":[]}],"visitor_id":"user1234","attributes":[{"entity_id":"18531090301","key":"test","value":"test","type":"custom"}]}]}';

const EVENT0 = '/visitors/0/snapshots/0/events/0';

/** A fresh, mutable copy of the Segment body for each test. */
function segmentBody(): EventBatch {
  return JSON.parse(SEGMENT_BODY_JSON) as EventBatch;
}

/** The same body as a loose record, for tests that need to break it. */
function looseSegmentBody(): Record<string, unknown> & { visitors: Array<Record<string, unknown>> } {
  return JSON.parse(SEGMENT_BODY_JSON) as Record<string, unknown> & { visitors: Array<Record<string, unknown>> };
}

function firstEvent(body: EventBatch): Record<string, unknown> {
  return body.visitors[0].snapshots[0].events[0] as unknown as Record<string, unknown>;
}

function readFixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'vectors', name), 'utf8'));
}

const lenient = (body: unknown): EventBatchProblem[] => validateEventBatch(body, { strict: false });
const strict = (body: unknown): EventBatchProblem[] => validateEventBatch(body, { strict: true });

describe('Event API batch schema', () => {
  describe('the schemas themselves', () => {
    it('are valid draft-07 schemas that ajv compiles', () => {
      const ajv = new Ajv({ allowUnionTypes: true, strictRequired: false });
      assert.equal(EVENT_BATCH_SCHEMA.$schema, 'http://json-schema.org/draft-07/schema#');
      assert.equal(ajv.validateSchema(EVENT_BATCH_SCHEMA), true, JSON.stringify(ajv.errors));
      assert.equal(ajv.validateSchema(EVENT_BATCH_LENIENT_SCHEMA), true, JSON.stringify(ajv.errors));
    });

    it('requires the R(API) fields of every entity in the strict schema', () => {
      const defs = EVENT_BATCH_SCHEMA.definitions as Record<string, { required?: string[] }>;
      assert.deepEqual(EVENT_BATCH_SCHEMA.required, ['account_id', 'visitors']);
      assert.deepEqual(defs.visitor.required, ['visitor_id', 'snapshots']);
      assert.deepEqual(defs.attribute.required, ['type', 'value']);
      assert.deepEqual(defs.snapshot.required, ['events']);
      assert.deepEqual(defs.decision.required, ['campaign_id', 'experiment_id', 'variation_id']);
      assert.deepEqual(defs.event.required, ['timestamp', 'uuid', 'entity_id']);
    });
  });

  describe('valid bodies', () => {
    it('accepts the Segment destination body in lenient mode', () => {
      assert.deepEqual(lenient(JSON.parse(SEGMENT_BODY_JSON)), []);
    });

    it('accepts the Segment destination body in strict mode', () => {
      assert.deepEqual(strict(JSON.parse(SEGMENT_BODY_JSON)), []);
      assert.equal(isEventBatch(JSON.parse(SEGMENT_BODY_JSON)), true);
    });

    it('defaults to lenient mode when no options are given', () => {
      const body = segmentBody();
      firstEvent(body).timestamp = '1704721970212';
      assert.deepEqual(validateEventBatch(body), []);
      assert.equal(strict(body).length, 1);
    });

    it('accepts the Java SDK impression payload in lenient mode', () => {
      assert.deepEqual(lenient(readFixture('optimizely-java-serializer-impression.json')), []);
    });

    it('in strict mode, flags only the 5-digit timestamp of the Java SDK impression payload', () => {
      // The fixture is a serializer test with timestamp 12345: every other field (decisions with
      // is_campaign_holdback, event `type`, project_id, revision, client_version) is valid.
      assert.deepEqual(strict(readFixture('optimizely-java-serializer-impression.json')), [
        {
          pointer: `${EVENT0}/timestamp`,
          message: 'timestamp must be a 13-digit integer in epoch milliseconds, got 12345 (5 digits)',
        },
      ]);
    });

    it('accepts a JS SDK v6 impression with decision metadata and a null variation_id in strict mode', () => {
      const impression = {
        client_name: 'node-sdk',
        client_version: '6.6.1',
        account_id: '21437658901',
        project_id: '21448720155',
        revision: '87',
        anonymize_ip: true,
        enrich_decisions: true,
        visitors: [
          {
            visitor_id: 'u1',
            attributes: [{ entity_id: '$opt_bot_filtering', key: '$opt_bot_filtering', type: 'custom', value: true }],
            snapshots: [
              {
                decisions: [
                  {
                    campaign_id: null,
                    experiment_id: '',
                    variation_id: null,
                    metadata: { flag_key: 'f', rule_key: '', rule_type: 'rollout', variation_key: '', enabled: false },
                  },
                ],
                events: [{ entity_id: '21490050005', timestamp: 1795871978770, key: 'campaign_activated', uuid: 'abd4' }],
              },
            ],
          },
        ],
      };
      assert.deepEqual(strict(impression), []);
    });

    it('accepts attribute values of every scalar type and tags with $opt_event_properties in strict mode', () => {
      const body = segmentBody();
      body.visitors[0].attributes = [
        { entity_id: '1', key: 's', type: 'custom', value: 'x' },
        { entity_id: '2', key: 'n', type: 'custom', value: 12.5 },
        { entity_id: '3', key: 'b', type: 'custom', value: false },
      ];
      firstEvent(body).tags = { currency: 'USD', qty: 3, gift: true, $opt_event_properties: { color: 'red' } };
      firstEvent(body).value = 12.5;
      assert.deepEqual(strict(body), []);
    });
  });

  describe('problems, with pointer and message', () => {
    it('reports a missing visitor_id in both modes', () => {
      const body = looseSegmentBody();
      delete body.visitors[0].visitor_id;
      const expected = [
        { pointer: '/visitors/0/visitor_id', message: 'visitor_id is required (the user id used for decisions, a string)' },
      ];
      assert.deepEqual(lenient(body), expected);
      assert.deepEqual(strict(body), expected);
    });

    it('reports a string timestamp in strict mode only', () => {
      const body = segmentBody();
      firstEvent(body).timestamp = '1704721970212';
      assert.deepEqual(lenient(body), []);
      assert.deepEqual(strict(body), [
        {
          pointer: `${EVENT0}/timestamp`,
          message: 'timestamp must be an integer (epoch milliseconds), got the string "1704721970212"',
        },
      ]);
    });

    it('reports a float revenue in strict mode only', () => {
      const body = segmentBody();
      firstEvent(body).revenue = 19.99;
      assert.deepEqual(lenient(body), []);
      assert.deepEqual(strict(body), [
        {
          pointer: `${EVENT0}/revenue`,
          message: 'revenue must be an integer (revenue in cents: 2342 means $23.42), got the non-integer 19.99',
        },
      ]);
    });

    it('reports visitors that is not an array in both modes', () => {
      const body = looseSegmentBody() as Record<string, unknown>;
      body.visitors = { visitor_id: 'user1234', snapshots: [] };
      const expected = [{ pointer: '/visitors', message: 'visitors must be an array of visitor objects, got an object' }];
      assert.deepEqual(lenient(body), expected);
      assert.deepEqual(strict(body), expected);
    });

    for (const [label, body, got] of [
      ['an array', [], 'an array'],
      ['a string', 'visitors', 'the string "visitors"'],
      ['a number', 42, 'the integer 42'],
      ['null', null, 'null'],
      ['missing (undefined)', undefined, 'nothing'],
    ] as const) {
      it(`reports a body that is ${label} at the root pointer`, () => {
        const expected = [{ pointer: '', message: `the request body must be a JSON object (an Event API batch), got ${got}` }];
        assert.deepEqual(lenient(body), expected);
        assert.deepEqual(strict(body), expected);
      });
    }

    it('reports a missing account_id and visitors on an empty object', () => {
      const expected = [
        { pointer: '/account_id', message: 'account_id is required (the Optimizely account id, a string)' },
        { pointer: '/visitors', message: 'visitors is required (an array of visitor objects)' },
      ];
      assert.deepEqual(lenient({}), expected);
      assert.deepEqual(strict({}), expected);
    });

    it('reports a numeric account_id in both modes', () => {
      const body = looseSegmentBody() as Record<string, unknown>;
      body.account_id = 18269245474;
      const expected = [
        { pointer: '/account_id', message: 'account_id must be a string (the datafile accountId), got the integer 18269245474' },
      ];
      assert.deepEqual(lenient(body), expected);
      assert.deepEqual(strict(body), expected);
    });

    it('reports visitor items that are not objects and a visitor without snapshots', () => {
      const body = looseSegmentBody() as Record<string, unknown>;
      body.visitors = ['user1234', { visitor_id: 'u2' }];
      const expected = [
        { pointer: '/visitors/0', message: 'each item of visitors must be a visitor object, got the string "user1234"' },
        { pointer: '/visitors/1/snapshots', message: 'snapshots is required (an array of snapshot objects)' },
      ];
      assert.deepEqual(lenient(body), expected);
      assert.deepEqual(strict(body), expected);
    });

    it('returns every problem of a badly broken batch in strict mode, each with its own pointer', () => {
      const body = looseSegmentBody();
      const visitor = body.visitors[0] as { snapshots: Array<Record<string, unknown>>; attributes: unknown[] };
      const event = (visitor.snapshots[0].events as Array<Record<string, unknown>>)[0];
      delete event.uuid;
      event.timestamp = 1704721970; // seconds
      event.tags = { products: [{ sku: 'A-1' }], coupon: null };
      visitor.attributes = [{ type: 'custom', value: { nested: true } }];
      visitor.snapshots[0].decisions = [{ campaign_id: '1', experiment_id: 2 }];
      const problems = strict(body);
      const byPointer = new Map(problems.map((p) => [p.pointer, p.message]));
      assert.equal(byPointer.get(`${EVENT0}/uuid`), 'uuid is required (a unique id per event, used to de-duplicate)');
      assert.equal(
        byPointer.get(`${EVENT0}/timestamp`),
        'timestamp must be a 13-digit integer in epoch milliseconds, got 1704721970 (10 digits); this looks like seconds: multiply by 1000',
      );
      assert.match(byPointer.get(`${EVENT0}/tags/products`) ?? '', /^tag "products" must be a string, number or boolean, got an array/);
      assert.match(byPointer.get(`${EVENT0}/tags/coupon`) ?? '', /^tag "coupon" must be a string, number or boolean, got null/);
      assert.equal(
        byPointer.get('/visitors/0/attributes/0/entity_id'),
        'entity_id is required (needed when type is "custom": the datafile attribute id)',
      );
      assert.equal(byPointer.get('/visitors/0/attributes/0/key'), 'key is required (needed when type is "custom": the attribute key)');
      assert.equal(byPointer.get('/visitors/0/attributes/0/value'), 'value must be a string, number or boolean, got an object');
      assert.equal(
        byPointer.get('/visitors/0/snapshots/0/decisions/0/experiment_id'),
        'experiment_id must be a string (the experiment or rule id), got the integer 2',
      );
      assert.equal(
        byPointer.get('/visitors/0/snapshots/0/decisions/0/variation_id'),
        'variation_id is required (the variation id, or null)',
      );
      assert.equal(problems.length, 9, JSON.stringify(problems, null, 2));
      assert.equal(new Set(problems.map((p) => `${p.pointer} ${p.message}`)).size, problems.length, 'no duplicates');
      // Lenient mode accepts all of it: the visitor still has a visitor_id and snapshots.
      assert.deepEqual(lenient(body), []);
    });

    it('escapes tag names in pointers (RFC 6901)', () => {
      const body = segmentBody();
      firstEvent(body).tags = { 'a/b~c': [1] };
      assert.deepEqual(
        strict(body).map((p) => p.pointer),
        [`${EVENT0}/tags/a~1b~0c`],
      );
    });
  });

  describe('lenient vs strict', () => {
    it('allows unknown properties in lenient mode and names them in strict mode', () => {
      const body = looseSegmentBody();
      body.visitorId = 'user1234';
      (body.visitors[0] as Record<string, unknown>).userId = 'user1234';
      assert.deepEqual(lenient(body), []);
      assert.deepEqual(strict(body), [
        { pointer: '/visitorId', message: '"visitorId" is not a known property of the batch in the Event API batch format' },
        { pointer: '/visitors/0/userId', message: '"userId" is not a known property of a visitor in the Event API batch format' },
      ]);
    });

    it('flags a 10-digit (seconds) timestamp only in strict mode', () => {
      const body = segmentBody();
      firstEvent(body).timestamp = 1704721970;
      assert.deepEqual(lenient(body), []);
      assert.deepEqual(
        strict(body).map((p) => p.pointer),
        [`${EVENT0}/timestamp`],
      );
    });

    it('accepts any 13-digit integer timestamp in strict mode and rejects 14 digits', () => {
      const body = segmentBody();
      firstEvent(body).timestamp = 1_000_000_000_000;
      assert.deepEqual(strict(body), []);
      firstEvent(body).timestamp = 9_999_999_999_999;
      assert.deepEqual(strict(body), []);
      firstEvent(body).timestamp = 17_047_219_702_120;
      assert.deepEqual(strict(body), [
        {
          pointer: `${EVENT0}/timestamp`,
          message: 'timestamp must be a 13-digit integer in epoch milliseconds, got 17047219702120 (14 digits)',
        },
      ]);
    });

    it('does not look inside snapshots in lenient mode', () => {
      const body = looseSegmentBody();
      (body.visitors[0] as Record<string, unknown>).snapshots = [{ events: 'none' }, 'x'];
      assert.deepEqual(lenient(body), []);
      assert.deepEqual(strict(body), [
        { pointer: '/visitors/0/snapshots/0/events', message: 'events must be an array of event objects, got the string "none"' },
        { pointer: '/visitors/0/snapshots/1', message: 'each item of snapshots must be a snapshot object, got the string "x"' },
      ]);
    });

    it('requires entity_id and key only for custom attributes', () => {
      const body = segmentBody();
      body.visitors[0].attributes = [{ type: 'other', value: 'x' }];
      assert.deepEqual(strict(body), []);
    });
  });
});
