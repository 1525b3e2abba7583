/**
 * The destination's behaviour, row by row from the spec's §4–§8 tables, on the pure core with a scripted
 * transport. Bodies are compared as exact JSON text.
 */
import { strict as assert } from 'node:assert';
import {
  runTrackEvent, runDelete, runAuthenticate, runEventKeyChoices, EVENT_API_URL, GDPR_API_URL, DatafileCache, TimeoutError,
  type TrackEventResult,
} from '../../src/core/destination';
import type { Mapping } from '../../src/core/segment/mapping';
import type { HttpResponse } from '../../src/core/http/types';
import { mainExampleEvent, MAIN_EXAMPLE_BODY } from '../helpers/mainExample';
import { DATAFILE_URL, json, mockDatafile, NO_CONTENT, scriptedTransport, text } from '../helpers/transport';

const SETTINGS = { accountId: '12345566', dataFileUrl: DATAFILE_URL };
const DEACTIVATED = '// This Optimizely project has been deactivated. Visit app.optimizely.com to activate it.';

/** The spec's main example, with an anonymousId so the userId fallback can be exercised. */
function baseEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return mainExampleEvent({ anonymousId: 'anon-1', ...overrides });
}

async function run(event: unknown, options: { datafile?: unknown; mapping?: Mapping; settings?: unknown; eventApi?: ReturnType<typeof json> } = {}): Promise<TrackEventResult & { calls: string[] }> {
  const datafileAnswer = options.datafile === undefined ? json(mockDatafile()) : options.datafile;
  const transport = scriptedTransport({
    [DATAFILE_URL]: datafileAnswer as ReturnType<typeof json>,
    [EVENT_API_URL]: options.eventApi ?? NO_CONTENT,
  });
  const result = await runTrackEvent({ event, settings: options.settings ?? SETTINGS, mapping: options.mapping }, { transport });
  return { ...result, calls: transport.requests.map((request) => `${request.method} ${request.url}`) };
}

function body(result: TrackEventResult): Record<string, unknown> {
  assert.ok(result.eventApiRequest, `expected a request, got error ${JSON.stringify(result.error)}`);
  return JSON.parse(result.eventApiRequest.body) as Record<string, unknown>;
}

function firstEvent(result: TrackEventResult): Record<string, unknown> {
  const visitors = body(result).visitors as { snapshots: { events: Record<string, unknown>[] }[] }[];
  return visitors[0].snapshots[0].events[0];
}

function attributes(result: TrackEventResult): unknown[] {
  return (body(result).visitors as { attributes: unknown[] }[])[0].attributes;
}

describe('destination core: the exact Event API request (§6)', () => {
  it('builds the 390-byte reference body byte for byte and posts it to logx', async () => {
    const result = await run(baseEvent());
    assert.equal(result.status, 'sent');
    assert.equal(result.eventApiRequest?.body, MAIN_EXAMPLE_BODY);
    assert.equal(result.eventApiRequest?.body.length, 390);
    assert.deepEqual(result.calls, [`GET ${DATAFILE_URL}`, `POST ${EVENT_API_URL}`]);
    assert.equal(result.exchanges[0].request.headers['user-agent'], 'Segment (Actions)');
    assert.equal(result.exchanges[1].request.headers['content-type'], 'application/json');
    assert.equal(result.exchanges[1].request.headers.authorization, undefined, 'the Event API has no authentication');
  });

  it('uses the datafile accountId, not settings.accountId', async () => {
    assert.equal(body(await run(baseEvent(), { settings: { accountId: '999', dataFileUrl: DATAFILE_URL } })).account_id, '18269245474');
  });

  it('leaves anonymize_ip out when the datafile lacks it, and keeps null when it is null', async () => {
    const without = mockDatafile();
    delete without.anonymizeIP;
    assert.ok(!('anonymize_ip' in body(await run(baseEvent(), { datafile: json(without) }))));
    const withNull = { ...mockDatafile(), anonymizeIP: null };
    assert.equal(body(await run(baseEvent(), { datafile: json(withNull) })).anonymize_ip, null);
  });

  it('appends $opt_bot_filtering last, type before value, for true and for false', async () => {
    for (const botFiltering of [true, false]) {
      const result = await run(baseEvent(), { datafile: json({ ...mockDatafile(), botFiltering }) });
      assert.ok(
        result.eventApiRequest?.body.endsWith(`{"entity_id":"$opt_bot_filtering","key":"$opt_bot_filtering","type":"custom","value":${botFiltering}}]}]}`),
      );
    }
  });
});

describe('destination core: mapping and validation (§4)', () => {
  const cases: [string, unknown, unknown][] = [
    ['"1000" is coerced to 1000', '1000', 1000],
    ['true is coerced to 1', true, 1],
    ['0 is kept', 0, 0],
  ];
  for (const [title, revenue, expected] of cases) {
    it(`revenue: ${title}`, async () => {
      assert.equal(firstEvent(await run(baseEvent({ properties: { revenue } }))).revenue, expected);
    });
  }

  it('revenue null leaves the key out', async () => {
    assert.ok(!('revenue' in firstEvent(await run(baseEvent({ properties: { revenue: null } })))));
  });

  it('revenue 19.99 rejects the whole event with no request at all', async () => {
    const result = await run(baseEvent({ properties: { revenue: 19.99 } }));
    assert.equal(result.status, 'rejected');
    assert.deepEqual(result.error, {
      name: 'AggregateAjvError',
      message: 'Revenue must be an integer but it was a number.',
      fields: { revenue: 'Revenue must be an integer but it was a number.' },
    });
    assert.deepEqual(result.calls, []);
  });

  it('revenue "19.99" fails as a string; value "abc" fails; value "3.5" is coerced', async () => {
    assert.equal((await run(baseEvent({ properties: { revenue: '19.99' } }))).error?.message, 'Revenue must be an integer but it was a string.');
    assert.equal((await run(baseEvent({ properties: { value: 'abc' } }))).error?.message, 'Value must be a number but it was a string.');
    assert.equal(firstEvent(await run(baseEvent({ properties: { value: '3.5' } }))).value, 3.5);
  });

  it('a number userId becomes a string visitor_id', async () => {
    assert.equal((body(await run(baseEvent({ userId: 12345 }))).visitors as { visitor_id: unknown }[])[0].visitor_id, '12345');
  });

  it('userId undefined or null falls back to anonymousId', async () => {
    for (const userId of [undefined, null]) {
      assert.equal((body(await run(baseEvent({ userId }))).visitors as { visitor_id: unknown }[])[0].visitor_id, 'anon-1');
    }
  });

  it('userId "" is a missing userId (exists, then removed at root)', async () => {
    const result = await run(baseEvent({ userId: '' }));
    assert.equal(result.error?.message, "The root value is missing the required field 'userId'.");
  });

  it('attributes that are not an object are rejected with the field label', async () => {
    const result = await run(baseEvent({ context: { traits: 'oops' } }));
    assert.equal(result.error?.message, 'Event Attributes must be an object but it was a string.');
  });

  it('an unparsable timestamp is rejected', async () => {
    assert.equal((await run(baseEvent({ timestamp: 'not a date' }))).error?.message, 'Timestamp must be a valid date-like string but it was not.');
  });

  it('several missing fields are joined by one space, in schema order', async () => {
    const result = await run({ type: 'track', properties: {} });
    assert.equal(
      result.error?.message,
      "The root value is missing the required field 'eventKey'. The root value is missing the required field 'userId'. The root value is missing the required field 'timestamp'. The root value is missing the required field 'uuid'.",
    );
  });

  it('a per-field mapping overrides the default (@literal, @path elsewhere)', async () => {
    const result = await run(baseEvent({ properties: { attrs: { test: 'from-props' } } }), {
      mapping: { eventKey: { '@literal': 'Test' }, attributes: { '@path': '$.properties.attrs' } },
    });
    assert.equal(firstEvent(result).entity_id, '21235440822');
    assert.deepEqual(attributes(result), [{ entity_id: '18531090301', key: 'test', value: 'from-props', type: 'custom' }]);
    assert.deepEqual(firstEvent(result).tags, { attrs: { test: 'from-props' } }, 'tags still contain attrs');
  });

  it('@template renders placeholders and @if blank treats "" as blank', async () => {
    const result = await run(baseEvent({ properties: { kind: 'List' } }), {
      mapping: {
        eventKey: { '@template': 'Product {{properties.kind}} Clicked' },
        userId: { '@if': { blank: { '@path': '$.userId' }, then: { '@path': '$.userId' }, else: 'fallback' } },
      },
    });
    assert.equal(firstEvent(result).key, 'Product List Clicked');
    const blankUser = await run(baseEvent({ userId: '' }), {
      mapping: { userId: { '@if': { blank: { '@path': '$.userId' }, then: { '@path': '$.userId' }, else: 'fallback' } } },
    });
    assert.equal((body(blankUser).visitors as { visitor_id: unknown }[])[0].visitor_id, 'fallback');
  });

  it('an unsupported directive is refused with where and what to use instead', async () => {
    const result = await run(baseEvent(), { mapping: { eventKey: { '@case': { operator: 'lower', value: 'x' } } } });
    assert.equal(result.status, 'rejected');
    assert.match(result.error?.message ?? '', /mapping\.eventKey: @case is a Segment directive this emulator does not evaluate; use @path, @if, @literal, @template/);
  });
});

describe('destination core: perform (§5)', () => {
  it('tags are properties without revenue and value, everything else unchanged and in order', async () => {
    const properties = { revenue: 500, value: 12.5, currency: 'USD', category: 'c', in_stock: true, qty: 3, nested: { a: 1 }, list: [1, 2], nothing: null };
    const event = firstEvent(await run(baseEvent({ properties })));
    assert.equal(event.revenue, 500);
    assert.equal(event.value, 12.5);
    assert.equal(JSON.stringify(event.tags), '{"currency":"USD","category":"c","in_stock":true,"qty":3,"nested":{"a":1},"list":[1,2],"nothing":null}');
  });

  it('no properties at all gives tags {} and no revenue/value keys', async () => {
    const event = firstEvent(await run(baseEvent({ properties: undefined })));
    assert.deepEqual(event.tags, {});
    assert.ok(!('revenue' in event) && !('value' in event));
  });

  it('keeps only datafile attributes with scalar values, in trait order', async () => {
    const traits = { nested: { a: 1 }, opendoor_test_audience: true, unknown_trait: 'x', email: 'a@b.c', $opt_user_agent: 'UA', test: 42 };
    assert.deepEqual(attributes(await run(baseEvent({ context: { traits } }))), [
      { entity_id: '22344715353', key: 'opendoor_test_audience', value: true, type: 'custom' },
      { entity_id: '18531090301', key: 'test', value: 42, type: 'custom' },
    ]);
    assert.deepEqual(attributes(await run(baseEvent({ context: { traits: { test: null } } }))), []);
  });

  it('timestamps: ISO offsets honoured, date-only at UTC midnight, numbers as ms, numeric strings mis-parsed', async () => {
    const expectations: [unknown, number][] = [
      ['2024-01-08T15:52:50.212+02:00', 1704721970212],
      ['2024-01-08', 1704672000000],
      [1704721970, 1704721970],
      ['1704721970', -8205674400000],
    ];
    for (const [timestamp, expected] of expectations) {
      assert.equal(firstEvent(await run(baseEvent({ timestamp }))).timestamp, expected, `timestamp ${JSON.stringify(timestamp)}`);
    }
  });

  it('duplicate event keys: the first entry wins', async () => {
    const datafile = mockDatafile();
    (datafile.events as unknown[]).push({ id: '999', key: 'Product List Clicked', experimentIds: [] });
    (datafile.events as unknown[]).unshift({ id: '111', key: 'Product List Clicked', experimentIds: [] });
    assert.equal(firstEvent(await run(baseEvent(), { datafile: json(datafile) })).entity_id, '111');
  });
});

describe('destination core: error catalogue (§7)', () => {
  it('event key not in the datafile: PayloadValidationError after the GET only; exact, case-sensitive match', async () => {
    for (const key of ['product list clicked', 'Product List Clicked ']) {
      const result = await run(baseEvent({ event: key }));
      assert.deepEqual(result.error, { name: 'PayloadValidationError', message: `Event with name ${key} is not defined`, code: 'PAYLOAD_VALIDATION_FAILED', status: 400 });
      assert.deepEqual(result.calls, [`GET ${DATAFILE_URL}`]);
      assert.equal(result.status, 'rejected');
    }
  });

  it('a JSON datafile served as text/plain ends up as "not defined"', async () => {
    const result = await run(baseEvent(), { datafile: text(JSON.stringify(mockDatafile())) });
    assert.equal(result.error?.message, 'Event with name Product List Clicked is not defined');
  });

  it('a deactivated project (or any non-JSON body) is PROJECT_DEACTIVATED with the raw body as message', async () => {
    for (const raw of [DEACTIVATED, '<html>oops</html>', '']) {
      const result = await run(baseEvent(), { datafile: text(raw) });
      assert.deepEqual(result.error, { name: 'IntegrationError', message: raw, code: 'PROJECT_DEACTIVATED', status: 400 });
    }
  });

  it('a non-2xx datafile answer is HTTPError with the status text', async () => {
    for (const [status, statusText] of [[404, 'Not Found'], [403, 'Forbidden']] as const) {
      const result = await run(baseEvent(), { datafile: text('nope', 'text/plain', status, statusText) });
      assert.deepEqual(result.error, { name: 'HTTPError', message: statusText, status });
      assert.equal(result.status, 'failed');
    }
  });

  it('a non-2xx Event API answer is HTTPError after GET + POST', async () => {
    const result = await run(baseEvent(), { eventApi: text('bad', 'text/plain', 400, 'Bad Request') });
    assert.deepEqual(result.error, { name: 'HTTPError', message: 'Bad Request', status: 400 });
    assert.equal(result.calls.length, 2);
    assert.ok(result.eventApiRequest, 'the request that failed is still shown');
  });

  it('a request that outlives the timeout is TimeoutError ETIMEDOUT without a status', async () => {
    let attempts = 0;
    const slow = async () => {
      attempts++;
      throw new TimeoutError(10000);
    };
    const result = await runTrackEvent({ event: baseEvent(), settings: SETTINGS }, { transport: slow });
    assert.deepEqual(result.error, { name: 'TimeoutError', message: 'Request timed out after 10000ms', code: 'ETIMEDOUT' });
    assert.equal(result.status, 'failed');
    assert.equal(attempts, 1, 'Segment does not retry inside the action');
    assert.equal(result.exchanges[0].error, 'Request timed out after 10000ms');
  });

  it('settings are validated first: bad URL and missing accountId', async () => {
    const result = await run(baseEvent(), { settings: { dataFileUrl: 'not a url' } });
    assert.equal(result.error?.message, "The root value is missing the required field 'accountId'. Datafile URL must be a valid URI string but it was not.");
    assert.equal(result.error?.status, 400);
    assert.deepEqual(result.calls, []);
  });
});

describe('destination core: other entry points (§8, §2)', () => {
  it('GDPR delete posts the account id as identifier with a Bearer token, redacted in the exchange', async () => {
    const transport = scriptedTransport({ [GDPR_API_URL]: json({}) });
    const token = '2:p4Ln3WyySecretToken460';
    const result = await runDelete({ ...SETTINGS, accessToken: token }, { transport });
    assert.equal(result.ok, true);
    assert.equal(transport.requests[0].body, '{"data_type":"visitor","identifier":"12345566","identifier_type":"dcp_id","request_type":"delete"}');
    assert.equal(transport.requests[0].headers.authorization, `Bearer ${token}`);
    assert.equal(result.exchanges[0].request.headers.authorization, '<redacted>');
    assert.ok(!JSON.stringify(result).includes(token));
  });

  it('GDPR delete without a token is InvalidAuthenticationError 401 and sends nothing', async () => {
    const transport = scriptedTransport({});
    const result = await runDelete(SETTINGS, { transport });
    assert.deepEqual(result.error, { name: 'InvalidAuthenticationError', message: 'Access Token is required for user deletion.', code: 'INVALID_AUTHENTICATION', status: 401 });
    assert.equal(transport.requests.length, 0);
  });

  it('testAuthentication: any 2xx passes, a 404 says "Credentials are invalid: 404 Not Found"', async () => {
    assert.equal((await runAuthenticate(SETTINGS, { transport: scriptedTransport({ [DATAFILE_URL]: text('') }) })).ok, true);
    const failed = await runAuthenticate(SETTINGS, { transport: scriptedTransport({ [DATAFILE_URL]: text('', 'text/plain', 404, 'Not Found') }) });
    assert.equal(failed.error?.message, 'Credentials are invalid: 404 Not Found');
  });

  it('eventKey choices in datafile order; a 404 gives the error object', async () => {
    const ok = await runEventKeyChoices(SETTINGS, { transport: scriptedTransport({ [DATAFILE_URL]: json(mockDatafile()) }) });
    assert.deepEqual(ok.result.choices.map((choice) => choice.value), ['Test', 'Product List Clicked', 'Opendoor Audience Entered']);
    const missing = await runEventKeyChoices(SETTINGS, { transport: scriptedTransport({ [DATAFILE_URL]: text('', 'text/plain', 404, 'Not Found') }) });
    assert.equal(JSON.stringify(missing.result), '{"choices":[],"error":{"message":"Not Found","code":"404"}}');
  });
});

describe('destination core: opt-in datafile cache', () => {
  it('revalidates with If-None-Match and reuses the body on 304', async () => {
    const cache = new DatafileCache();
    let calls = 0;
    const transport = scriptedTransport({
      [DATAFILE_URL]: (request): HttpResponse => {
        calls++;
        if (request.headers['if-none-match'] === '"v1"') return { status: 304, statusText: 'Not Modified', headers: { etag: '"v1"' }, body: '' };
        return { ...json(mockDatafile()), headers: { 'content-type': 'application/json', etag: '"v1"' } };
      },
      [EVENT_API_URL]: NO_CONTENT,
    });
    const first = await runTrackEvent({ event: baseEvent(), settings: SETTINGS }, { transport, datafileCache: cache });
    const second = await runTrackEvent({ event: baseEvent(), settings: SETTINGS }, { transport, datafileCache: cache });
    assert.equal(calls, 2);
    assert.equal(second.exchanges[0].response?.statusCode, 304);
    assert.equal(second.eventApiRequest?.body, first.eventApiRequest?.body);
  });
});
