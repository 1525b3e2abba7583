/**
 * Differential test: our emulation core against Segment's REAL "Optimizely Feature Experimentation
 * (Actions)" destination (`@segment/action-destinations@3.387.0` run by `@segment/actions-core@3.170.0`),
 * both served the same scripted HTTP answers (no network). Property tests generate thousands of events,
 * datafiles, answers, mappings and settings; table tests pin the spec's §6 body and §10 scenarios.
 *
 * Replay a failure with FC_SEED=<seed> [FC_PATH=<path>]; scale the runs with FC_RUNS_FACTOR=<n>.
 */
import * as assert from 'assert';
import fc from 'fast-check';
import {
  DEACTIVATED_BODY,
  baseDatafile,
  buildDatafile,
  datafileAnswer,
  datafileAnswerArb,
  datafileMutationArb,
  entrySettingsArb,
  eventFromSpec,
  eventSpecArb,
  wellFormedEventSpecArb,
  mappingArb,
  oddSettingsArb,
  postAnswerArb,
  type EventSpec,
} from './arbitraries';
import {
  GDPR_API_URL,
  answer,
  fillTestEvent,
  installFakeFetch,
  ourAuthenticate,
  ourDelete,
  ourEventKeyChoices,
  ourValidateSettings,
  restoreFetch,
  segmentAuthenticate,
  segmentDelete,
  segmentEventKeyChoices,
  segmentValidateSettings,
  segmentTrackEvent,
  ourTrackEvent,
  trackScript,
  type EntryOutcome,
  type ScriptedAnswer,
} from './harness';
import { VALID_SETTINGS, fcParameters, runTrackCase, type TrackRun } from './compare';
import { redactText } from '../../src/core/http/redact';
import { settingsSecrets } from '../../src/core/destination/http';
import type { Mapping } from '../../src/core/segment/mapping';
import { mainExampleEvent, MAIN_EXAMPLE_BODY } from '../helpers/mainExample';

const JSON_HEADERS = { 'content-type': 'application/json' };

function datafileOk(datafile: unknown = baseDatafile(), headers: Record<string, string> = JSON_HEADERS): ScriptedAnswer {
  return answer(200, 'OK', JSON.stringify(datafile), headers);
}

/** The repo's main test input (spec §6). */
function mainEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return fillTestEvent(mainExampleEvent(overrides));
}

/** Segment's posted body, parsed. */
function postedBody(run: TrackRun): {
  account_id: unknown;
  anonymize_ip?: unknown;
  visitors: { visitor_id: unknown; attributes: Record<string, unknown>[]; snapshots: { events: Record<string, unknown>[] }[] }[];
} {
  assert.ok(run.post, 'expected an Event API POST');
  return JSON.parse(run.post.body);
}

function postedEvent(run: TrackRun): Record<string, unknown> {
  return postedBody(run).visitors[0].snapshots[0].events[0];
}

function methods(run: TrackRun): string[] {
  return run.segment.calls.map((call) => call.method);
}

async function compareDelete(settings: Record<string, unknown>, reply: ScriptedAnswer, userId: unknown = 'user-1'): Promise<EntryOutcome> {
  const script = () => reply;
  const segment = await segmentDelete(settings, fillTestEvent({ type: 'delete', userId }), script);
  const ours = await ourDelete(settings, script);
  const context = `\nSegment: ${JSON.stringify(segment)}\nours:    ${JSON.stringify(ours)}`;
  assert.deepStrictEqual(ours.calls, segment.calls, `delete HTTP calls differ${context}`);
  // The one intended difference: we redact the token where Segment quotes it (an illegal header value).
  const expected = segment.error ? { ...segment.error, message: redactText(segment.error.message, settingsSecrets(settings)) } : segment.error;
  assert.deepStrictEqual(ours.error, expected, `delete errors differ${context}`);
  return segment;
}

async function compareAuth(settings: Record<string, unknown>, reply: ScriptedAnswer): Promise<EntryOutcome> {
  const script = () => reply;
  const segment = await segmentAuthenticate(settings, script);
  const ours = await ourAuthenticate(settings, script);
  const context = `\nSegment: ${JSON.stringify(segment)}\nours:    ${JSON.stringify(ours)}`;
  assert.deepStrictEqual(ours.calls, segment.calls, `auth HTTP calls differ${context}`);
  assert.deepStrictEqual(ours.error, segment.error, `auth errors differ${context}`);
  return segment;
}

const entrySettings = entrySettingsArb;

describe('differential: our core vs Segment’s real Optimizely Feature Experimentation (Actions) destination', function () {
  before(installFakeFetch);
  after(restoreFetch);

  // -------------------------------------------------------------------------------------------------
  describe('trackEvent: table (spec §6, §7, §10)', () => {
    it('§6: the repo’s main input gives the exact 390-byte body', async () => {
      const run = await runTrackCase({ event: mainEvent(), datafile: datafileOk() });
      const expected = MAIN_EXAMPLE_BODY;
      assert.strictEqual(run.post?.body, expected);
      assert.strictEqual(Buffer.byteLength(expected), 390);
      assert.strictEqual(run.ours.result.eventApiRequest?.body, expected);
      assert.deepStrictEqual(methods(run), ['GET', 'POST']);
      assert.deepStrictEqual(run.segment.calls[1].headers, { 'content-type': 'application/json', 'user-agent': 'Segment (Actions)' });
      assert.deepStrictEqual(run.segment.calls[0].headers, { 'user-agent': 'Segment (Actions)' });
    });

    interface Row {
      name: string;
      event?: Record<string, unknown>;
      mapping?: Mapping;
      datafile?: ScriptedAnswer;
      post?: ScriptedAnswer;
      check: (run: TrackRun) => void;
    }

    const withDatafile = (change: (datafile: Record<string, unknown>) => void, headers = JSON_HEADERS): ScriptedAnswer => {
      const datafile = baseDatafile();
      change(datafile);
      return datafileOk(datafile, headers);
    };
    const expectError = (name: string, message: string, extra: { code?: string; status?: number } = {}, calls: string[] = []) => (run: TrackRun) => {
      assert.deepStrictEqual(run.segment.error, { name, message, ...extra });
      assert.deepStrictEqual(methods(run), calls);
    };
    const expectTimestamp = (timestamp: number) => (run: TrackRun) => assert.strictEqual(postedEvent(run).timestamp, timestamp);

    const rows: Row[] = [
      // §10
      {
        name: '§10 botFiltering false: $opt_bot_filtering still appended with value false',
        datafile: withDatafile((d) => (d.botFiltering = false)),
        check: (run) =>
          assert.deepStrictEqual(postedBody(run).visitors[0].attributes.at(-1), { entity_id: '$opt_bot_filtering', key: '$opt_bot_filtering', type: 'custom', value: false }),
      },
      {
        name: '§10 botFiltering true: $opt_bot_filtering appended last (type before value)',
        datafile: withDatafile((d) => (d.botFiltering = true)),
        check: (run) => assert.match(run.post?.body ?? '', /\{"entity_id":"\$opt_bot_filtering","key":"\$opt_bot_filtering","type":"custom","value":true\}\]\}\]\}$/),
      },
      {
        name: '§10 datafile without anonymizeIP: anonymize_ip key absent',
        datafile: withDatafile((d) => delete d.anonymizeIP),
        check: (run) => assert.ok(!('anonymize_ip' in postedBody(run)) && !(run.post?.body ?? '').includes('anonymize_ip')),
      },
      {
        name: '§10 properties of every kind: revenue/value lifted, everything else in tags in order',
        event: mainEvent({
          properties: { revenue: 500, value: 12.5, currency: 'USD', category: 'shoes', in_stock: true, qty: 3, nested: { a: 1 }, list: [1, 2], nothing: null },
        }),
        check: (run) => {
          const event = postedEvent(run);
          assert.strictEqual(event.revenue, 500);
          assert.strictEqual(event.value, 12.5);
          assert.strictEqual(JSON.stringify(event.tags), '{"currency":"USD","category":"shoes","in_stock":true,"qty":3,"nested":{"a":1},"list":[1,2],"nothing":null}');
        },
      },
      {
        name: '§10 no properties at all: tags {} and no revenue/value keys',
        event: mainEvent({ properties: undefined }),
        check: (run) => {
          const event = postedEvent(run);
          assert.deepStrictEqual(event.tags, {});
          assert.ok(!('revenue' in event) && !('value' in event));
        },
      },
      {
        name: '§10 traits: only datafile attributes with scalar values are kept',
        event: mainEvent({
          context: { traits: { test: 42, opendoor_test_audience: true, unknown_trait: 'x', email: 'a@b.c', $opt_user_agent: 'UA', nested: { a: 1 } } },
        }),
        check: (run) =>
          assert.deepStrictEqual(postedBody(run).visitors[0].attributes, [
            { entity_id: '18531090301', key: 'test', value: 42, type: 'custom' },
            { entity_id: '22344715353', key: 'opendoor_test_audience', value: true, type: 'custom' },
          ]),
      },
      {
        name: '§10 trait in datafile but value object/null: dropped',
        event: mainEvent({ context: { traits: { test: { a: 1 }, opendoor_test_audience: null } } }),
        check: (run) => assert.deepStrictEqual(postedBody(run).visitors[0].attributes, []),
      },
      {
        name: '§10 userId undefined: visitor_id is the anonymousId',
        event: mainEvent({ userId: undefined, anonymousId: 'anon-1' }),
        check: (run) => assert.strictEqual(postedBody(run).visitors[0].visitor_id, 'anon-1'),
      },
      {
        name: '§10 userId null: visitor_id is the anonymousId',
        event: mainEvent({ userId: null, anonymousId: 'anon-1' }),
        check: (run) => assert.strictEqual(postedBody(run).visitors[0].visitor_id, 'anon-1'),
      },
      {
        name: '§10 userId "": validation error (empty string "exists", then removed at root)',
        event: mainEvent({ userId: '', anonymousId: 'anon-1' }),
        check: expectError('AggregateAjvError', "The root value is missing the required field 'userId'."),
      },
      {
        name: '§10 userId 12345: visitor_id "12345"',
        event: mainEvent({ userId: 12345 }),
        check: (run) => assert.strictEqual(postedBody(run).visitors[0].visitor_id, '12345'),
      },
      ...(
        [
          ['"1000"', '1000', 1000],
          ['true', true, 1],
          ['0', 0, 0],
        ] as const
      ).map(([label, revenue, sent]): Row => ({
        name: `§10 revenue ${label} → ${sent}`,
        event: mainEvent({ properties: { revenue } }),
        check: (run) => assert.strictEqual(postedEvent(run).revenue, sent),
      })),
      {
        name: '§10 revenue null → key omitted',
        event: mainEvent({ properties: { revenue: null } }),
        check: (run) => assert.ok(!('revenue' in postedEvent(run))),
      },
      {
        name: '§10 duplicate event keys in the datafile: the first entry’s id is used',
        datafile: withDatafile((d) => {
          (d.events as unknown[]).push({ key: 'Product List Clicked', id: 'second' });
          (d.events as unknown[]).unshift({ key: 'Product List Clicked', id: 'first' });
        }),
        check: (run) => assert.strictEqual(postedEvent(run).entity_id, 'first'),
      },
      {
        name: '§10 JSON datafile served as text/plain: event not defined',
        datafile: datafileOk(baseDatafile(), { 'content-type': 'text/plain' }),
        check: expectError('PayloadValidationError', 'Event with name Product List Clicked is not defined', { code: 'PAYLOAD_VALIDATION_FAILED', status: 400 }, ['GET']),
      },
      {
        name: '§10 custom mapping eventKey "Test", attributes from properties.attrs: attrs stays in tags',
        event: mainEvent({ properties: { attrs: { test: 'from-props' }, other: 1 } }),
        mapping: { eventKey: 'Test', attributes: { '@path': '$.properties.attrs' } },
        check: (run) => {
          const event = postedEvent(run);
          assert.strictEqual(event.entity_id, '21235440822');
          assert.deepStrictEqual(event.tags, { attrs: { test: 'from-props' }, other: 1 });
          assert.deepStrictEqual(postedBody(run).visitors[0].attributes, [{ entity_id: '18531090301', key: 'test', value: 'from-props', type: 'custom' }]);
        },
      },
      // §7
      {
        name: '§7 revenue 19.99: Revenue must be an integer (number)',
        event: mainEvent({ properties: { revenue: 19.99 } }),
        check: expectError('AggregateAjvError', 'Revenue must be an integer but it was a number.'),
      },
      {
        name: '§7 revenue "19.99": Revenue must be an integer (string)',
        event: mainEvent({ properties: { revenue: '19.99' } }),
        check: expectError('AggregateAjvError', 'Revenue must be an integer but it was a string.'),
      },
      {
        name: '§7 value "abc": Value must be a number',
        event: mainEvent({ properties: { value: 'abc' } }),
        check: expectError('AggregateAjvError', 'Value must be a number but it was a string.'),
      },
      {
        name: '§7 timestamp garbage: not a valid date-like string',
        event: mainEvent({ timestamp: 'not a date' }),
        check: expectError('AggregateAjvError', 'Timestamp must be a valid date-like string but it was not.'),
      },
      {
        name: '§7 missing eventKey, timestamp and uuid: messages joined by one space',
        event: mainEvent({ event: undefined, timestamp: undefined, messageId: undefined }),
        check: expectError(
          'AggregateAjvError',
          "The root value is missing the required field 'eventKey'. The root value is missing the required field 'timestamp'. The root value is missing the required field 'uuid'.",
        ),
      },
      {
        name: '§7 attributes not an object',
        event: mainEvent({ context: { traits: 'oops' } }),
        check: expectError('AggregateAjvError', 'Event Attributes must be an object but it was a string.'),
      },
      {
        name: '§7 datafile 404: HTTPError Not Found, GET only',
        datafile: answer(404, 'Not Found', 'missing'),
        check: expectError('HTTPError', 'Not Found', { status: 404 }, ['GET']),
      },
      {
        name: '§7 datafile 403: HTTPError Forbidden, GET only',
        datafile: answer(403, 'Forbidden', ''),
        check: expectError('HTTPError', 'Forbidden', { status: 403 }, ['GET']),
      },
      {
        name: '§7 datafile 500: HTTPError Internal Server Error, GET only',
        datafile: answer(500, 'Internal Server Error', ''),
        check: expectError('HTTPError', 'Internal Server Error', { status: 500 }, ['GET']),
      },
      {
        name: '§7 deactivated project: PROJECT_DEACTIVATED with the body as message',
        datafile: answer(200, 'OK', DEACTIVATED_BODY, { 'content-type': 'text/plain' }),
        check: expectError('IntegrationError', DEACTIVATED_BODY, { code: 'PROJECT_DEACTIVATED', status: 400 }, ['GET']),
      },
      {
        name: '§7 HTML datafile body: PROJECT_DEACTIVATED',
        datafile: answer(200, 'OK', '<html>hi</html>', { 'content-type': 'text/html' }),
        check: expectError('IntegrationError', '<html>hi</html>', { code: 'PROJECT_DEACTIVATED', status: 400 }, ['GET']),
      },
      {
        name: '§7 empty datafile body: PROJECT_DEACTIVATED with empty message',
        datafile: answer(200, 'OK', '', JSON_HEADERS),
        check: expectError('IntegrationError', '', { code: 'PROJECT_DEACTIVATED', status: 400 }, ['GET']),
      },
      {
        name: '§7 unknown event key: PayloadValidationError',
        event: mainEvent({ event: 'Error Test Event' }),
        check: expectError('PayloadValidationError', 'Event with name Error Test Event is not defined', { code: 'PAYLOAD_VALIDATION_FAILED', status: 400 }, ['GET']),
      },
      {
        name: '§5.3 matching is exact and case-sensitive: "product list clicked"',
        event: mainEvent({ event: 'product list clicked' }),
        check: expectError('PayloadValidationError', 'Event with name product list clicked is not defined', { code: 'PAYLOAD_VALIDATION_FAILED', status: 400 }, ['GET']),
      },
      {
        name: '§5.3 no trimming: "Product List Clicked "',
        event: mainEvent({ event: 'Product List Clicked ' }),
        check: expectError('PayloadValidationError', 'Event with name Product List Clicked  is not defined', { code: 'PAYLOAD_VALIDATION_FAILED', status: 400 }, ['GET']),
      },
      {
        name: '§7 Event API 400: HTTPError Bad Request after GET + POST',
        post: answer(400, 'Bad Request', '{"error":"bad"}', JSON_HEADERS),
        check: expectError('HTTPError', 'Bad Request', { status: 400 }, ['GET', 'POST']),
      },
      {
        name: '§7 Event API 500: HTTPError Internal Server Error after GET + POST',
        post: answer(500, 'Internal Server Error', 'oops'),
        check: expectError('HTTPError', 'Internal Server Error', { status: 500 }, ['GET', 'POST']),
      },
      {
        name: 'datafile is the JSON text null (application/json): TypeError',
        datafile: answer(200, 'OK', 'null', JSON_HEADERS),
        check: expectError('TypeError', "Cannot read properties of null (reading 'events')", {}, ['GET']),
      },
      {
        name: 'datafile events with a null entry: TypeError',
        datafile: withDatafile((d) => (d.events as unknown[]).push(null)),
        check: expectError('TypeError', "Cannot read properties of null (reading 'key')", {}, ['GET']),
      },
      // §5 step 6: timestamps
      { name: '§5 timestamp with +02:00 offset → 1704721970212', event: mainEvent({ timestamp: '2024-01-08T15:52:50.212+02:00' }), check: expectTimestamp(1704721970212) },
      { name: '§5 date-only timestamp → 1704672000000', event: mainEvent({ timestamp: '2024-01-08' }), check: expectTimestamp(1704672000000) },
      { name: '§5 numeric timestamp taken as ms → 1704721970', event: mainEvent({ timestamp: 1704721970 }), check: expectTimestamp(1704721970) },
      { name: '§5 numeric-string timestamp mis-parsed → -8205674400000', event: mainEvent({ timestamp: '1704721970' }), check: expectTimestamp(-8205674400000) },
    ];

    for (const row of rows) {
      it(row.name, async () => {
        const run = await runTrackCase({ event: row.event ?? mainEvent(), mapping: row.mapping, datafile: row.datafile ?? datafileOk(), post: row.post });
        row.check(run);
      });
    }
  });

  // -------------------------------------------------------------------------------------------------
  describe('trackEvent: properties', () => {
    interface GeneratedCase {
      event: EventSpec;
      mutations: Parameters<typeof buildDatafile>[0];
      datafileAnswer: Parameters<typeof datafileAnswer>[0];
      post: ScriptedAnswer;
      mapping: Mapping;
    }

    const caseArb: fc.Arbitrary<GeneratedCase> = fc.record({
      event: fc.oneof({ weight: 3, arbitrary: wellFormedEventSpecArb }, { weight: 2, arbitrary: eventSpecArb }),
      mutations: fc.array(datafileMutationArb, { maxLength: 4 }),
      datafileAnswer: datafileAnswerArb,
      post: postAnswerArb,
      mapping: mappingArb,
    });

    async function check(generated: GeneratedCase): Promise<TrackRun> {
      const event = fillTestEvent(eventFromSpec(generated.event));
      const datafile = buildDatafile(generated.mutations);
      return runTrackCase({
        event,
        mapping: generated.mapping,
        datafile: datafileAnswer(generated.datafileAnswer, datafile),
        post: generated.post,
      });
    }

    it('agrees on every generated event, datafile, answer and mapping', async function () {
      this.timeout(120_000);
      const outcomes = { posted: 0, rejected: 0 };
      await fc.assert(
        fc.asyncProperty(caseArb, async (generated) => {
          const run = await check(generated);
          if (run.post) outcomes.posted++;
          else outcomes.rejected++;
        }),
        fcParameters(2000),
      );
      // Guard against a generator drift that would only ever exercise the error paths.
      assert.ok(outcomes.posted * 100 >= 15 * (outcomes.posted + outcomes.rejected), `too few posting cases: ${JSON.stringify(outcomes)}`);
    });

    it('agrees on well-formed events with default mappings (mostly the POST path)', async function () {
      this.timeout(120_000);
      const wellFormed = fc.record({
        event: wellFormedEventSpecArb,
        mutations: fc.array(datafileMutationArb, { maxLength: 3 }),
        datafileAnswer: fc.constant({ kind: 'json' as const, contentType: 'application/json' }),
        post: fc.constant(answer(204, 'No Content')),
        mapping: fc.constant({}),
      });
      await fc.assert(
        fc.asyncProperty(wellFormed, async (generated) => {
          await check(generated);
        }),
        fcParameters(600),
      );
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('settings validation', () => {
    it('Destination.validateSettings and assertSettings agree on odd settings', async function () {
      this.timeout(60_000);
      await fc.assert(
        fc.property(oddSettingsArb, (settings) => {
          const segment = segmentValidateSettings(settings);
          const ours = ourValidateSettings(settings);
          assert.deepStrictEqual(ours.error, segment.error, `errors differ for ${JSON.stringify(settings)}`);
          if (!segment.error) assert.deepStrictEqual(ours.settings, segment.settings, 'validated (coerced) settings differ');
        }),
        fcParameters(600),
      );
    });

    const table: [string, Record<string, unknown>, string | undefined][] = [
      ['missing accountId', { dataFileUrl: 'https://cdn.example.com/x.json' }, "The root value is missing the required field 'accountId'."],
      ['bad URL', { accountId: '1', dataFileUrl: 'nope' }, 'Datafile URL must be a valid URI string but it was not.'],
      ['numbers are coerced', { accountId: 12345, dataFileUrl: 'https://cdn.example.com/x.json' }, undefined],
      ['extra keys are removed', { accountId: '1', dataFileUrl: 'https://cdn.example.com/x.json', extra: true }, undefined],
    ];
    for (const [name, settings, message] of table) {
      it(`settings: ${name}`, () => {
        const segment = segmentValidateSettings(settings);
        const ours = ourValidateSettings(settings);
        assert.strictEqual(segment.error?.message, message);
        assert.deepStrictEqual(ours.error, segment.error);
        if (!segment.error) assert.deepStrictEqual(ours.settings, segment.settings);
      });
    }
  });

  // -------------------------------------------------------------------------------------------------
  describe('onDelete (GDPR)', () => {
    const deleteAnswerArb = fc.constantFrom(
      answer(200, 'OK', '{}', JSON_HEADERS),
      answer(204, 'No Content'),
      answer(401, 'Unauthorized', '{"message":"bad token"}', JSON_HEADERS),
      answer(403, 'Forbidden'),
      answer(500, 'Internal Server Error'),
    );

    it('sends the spec’s exact request with a token', async () => {
      const segment = await compareDelete({ accountId: '18269245474', dataFileUrl: 'https://cdn.example.com/x.json', accessToken: 'secret-token' }, answer(200, 'OK', '{}', JSON_HEADERS), 'user-1');
      assert.strictEqual(segment.error, undefined);
      assert.deepStrictEqual(segment.calls, [
        {
          method: 'POST',
          url: GDPR_API_URL,
          headers: { authorization: 'Bearer secret-token', 'content-type': 'application/json', 'user-agent': 'Segment (Actions)' },
          body: '{"data_type":"visitor","identifier":"18269245474","identifier_type":"dcp_id","request_type":"delete"}',
        },
      ]);
    });

    it('refuses without a token (InvalidAuthenticationError, 401)', async () => {
      const segment = await compareDelete({ accountId: '1', dataFileUrl: 'https://cdn.example.com/x.json' }, answer(200, 'OK'), 'user-1');
      assert.deepStrictEqual(segment.error, { name: 'InvalidAuthenticationError', message: 'Access Token is required for user deletion.', code: 'INVALID_AUTHENTICATION', status: 401 });
      assert.deepStrictEqual(segment.calls, []);
    });

    it('agrees on generated settings and answers', async function () {
      this.timeout(60_000);
      await fc.assert(
        fc.asyncProperty(entrySettings, deleteAnswerArb, fc.oneof(fc.string(), fc.constant(null)), async (settings, reply, userId) => {
          await compareDelete(settings, reply, userId);
        }),
        fcParameters(300),
      );
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('testAuthentication', () => {
    const authAnswerArb = fc.constantFrom(
      answer(200, 'OK', JSON.stringify(baseDatafile()), JSON_HEADERS),
      answer(200, 'OK', ''),
      answer(200, 'OK', DEACTIVATED_BODY, { 'content-type': 'text/plain' }),
      answer(404, 'Not Found', ''),
      answer(403, 'Forbidden', ''),
      answer(500, 'Internal Server Error', ''),
    );

    const settings = { accountId: '12345566', dataFileUrl: 'https://cdn.example.com/dataFile.json' };
    it('passes on 200 (even an empty body)', async () => {
      assert.strictEqual((await compareAuth(settings, answer(200, 'OK', ''))).error, undefined);
    });
    it('404: Credentials are invalid: 404 Not Found', async () => {
      const segment = await compareAuth(settings, answer(404, 'Not Found'));
      assert.deepStrictEqual(segment.error, { name: 'Error', message: 'Credentials are invalid: 404 Not Found' });
    });
    it('403: Credentials are invalid: 403 Forbidden', async () => {
      const segment = await compareAuth(settings, answer(403, 'Forbidden'));
      assert.deepStrictEqual(segment.error, { name: 'Error', message: 'Credentials are invalid: 403 Forbidden' });
    });
    it('agrees on generated settings and answers', async function () {
      this.timeout(60_000);
      await fc.assert(
        fc.asyncProperty(entrySettings, authAnswerArb, async (generated, reply) => {
          await compareAuth(generated, reply);
        }),
        fcParameters(300),
      );
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('dynamic field eventKey', () => {
    async function compareChoices(reply: ScriptedAnswer): Promise<Awaited<ReturnType<typeof segmentEventKeyChoices>>> {
      const script = () => reply;
      const segment = await segmentEventKeyChoices(VALID_SETTINGS, script);
      const ours = await ourEventKeyChoices(VALID_SETTINGS, script);
      assert.strictEqual(segment.error, undefined, 'Segment’s dynamic field threw');
      assert.deepStrictEqual(ours.calls, segment.calls, 'dynamic field HTTP calls differ');
      assert.deepStrictEqual(ours.value, segment.value, 'dynamic field results differ');
      return segment;
    }

    it('200: the datafile’s event keys in order', async () => {
      const segment = await compareChoices(datafileOk());
      assert.deepStrictEqual(segment.value, {
        choices: [
          { label: 'Test', value: 'Test' },
          { label: 'Product List Clicked', value: 'Product List Clicked' },
          { label: 'Opendoor Audience Entered', value: 'Opendoor Audience Entered' },
        ],
      });
    });
    it('404: {choices: [], error: {message: "Not Found", code: "404"}}', async () => {
      const segment = await compareChoices(answer(404, 'Not Found'));
      assert.deepStrictEqual(segment.value, { choices: [], error: { message: 'Not Found', code: '404' } });
    });
    it('JSON served as text/plain: Unknown error / Unknown code', async () => {
      const segment = await compareChoices(datafileOk(baseDatafile(), { 'content-type': 'text/plain' }));
      assert.deepStrictEqual(segment.value, { choices: [], error: { message: 'Unknown error', code: 'Unknown code' } });
    });
    it('agrees on generated datafiles and answers', async function () {
      this.timeout(60_000);
      await fc.assert(
        fc.asyncProperty(fc.array(datafileMutationArb, { maxLength: 4 }), datafileAnswerArb, async (mutations, spec) => {
          await compareChoices(datafileAnswer(spec, buildDatafile(mutations)));
        }),
        fcParameters(400),
      );
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('invalid mappings', () => {
    it('@if with a falsy "exists": both refuse before any HTTP call (our MappingError names the field)', async () => {
      const request = {
        event: mainEvent(),
        settings: VALID_SETTINGS,
        mapping: { eventKey: { '@if': { exists: null, then: 'Test' } } },
        script: trackScript(datafileOk()),
      };
      const segment = await segmentTrackEvent(request);
      const ours = await ourTrackEvent(request);
      assert.deepStrictEqual(segment.calls, []);
      assert.deepStrictEqual(ours.calls, []);
      assert.deepStrictEqual(segment.error, { name: 'Error', message: '@if requires an "exists" key or a "blank" key' });
      // By design our core validates mappings up front and says where: same text, prefixed with the field.
      assert.strictEqual(ours.result.error?.name, 'MappingError');
      assert.strictEqual(ours.result.error?.message, `mapping.eventKey: ${segment.error?.message}`);
      assert.strictEqual(ours.result.status, 'rejected');
    });
  });

  // -------------------------------------------------------------------------------------------------
  describe('requests Segment’s HTTP client refuses before sending (once divergences, now pinned)', () => {
    // node-fetch's Headers refuse values outside \t, \x20-\x7e, \x80-\xff before anything is sent:
    // Segment throws `TypeError: Bearer Ā is not a legal HTTP header value`, and so do we.
    it('onDelete with an access token that is not a legal header value ("Ā")', async () => {
      await compareDelete({ accountId: '18269245474', dataFileUrl: 'https://cdn.example.com/x.json', accessToken: 'Ā' }, answer(200, 'OK', '{}', JSON_HEADERS));
    });

    // The URL passes the settings' `uri` format but node-fetch cannot fetch it: Segment fails with
    // `Credentials are invalid:  <TypeError message>` and sends nothing; so do we.
    for (const [url, reason] of [
      ['https://', 'Invalid URL'],
      ['file:///etc/passwd', 'Only absolute URLs are supported'],
      ['mailto:someone@example.com', 'Only HTTP(S) protocols are supported'],
    ]) {
      it(`testAuthentication with dataFileUrl "${url}" (${reason})`, async () => {
        await compareAuth({ accountId: '1', dataFileUrl: url }, datafileOk());
      });
    }

    it('trackEvent with dataFileUrl "https://" (TypeError: Invalid URL, no request)', async () => {
      await runTrackCase({ event: mainEvent(), settings: { accountId: '1', dataFileUrl: 'https://' }, datafile: datafileOk() });
    });
  });
});
