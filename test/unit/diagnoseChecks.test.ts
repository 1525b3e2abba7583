/**
 * Every diagnostic check of src/core/diagnose/checks.ts, one scenario each: it fires with the exact values in
 * `detail`, a fix (fail / warn) and a docs link (anything but pass), and it stays silent for a healthy
 * conversion (a well-formed "Order Completed" for a visitor the SDK buckets into checkout_button_color).
 * Also: checks come fails → warnings → information → passes, and `decisions` has one entry per experiment
 * that uses the event, with the Optimizely SDK's own variation. The core runs against a scripted transport.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInstance, createStaticProjectConfigManager, OptimizelyDecideOption, type Client, type UserAttributes } from '@optimizely/optimizely-sdk';
import { Diagnoser, type DiagnoseExtras } from '../../src/core/diagnose/diagnoser';
import { createDecisionEngine, type DecisionEngine } from '../../src/core/diagnose/decisions';
import { EVENT_API_MAX_BYTES } from '../../src/core/diagnose/checks';
import { DOCS, type Check, type Diagnosis, type RecordedDecision } from '../../src/core/diagnose/types';
import { runTrackEvent, type TrackEventResult } from '../../src/core/destination/trackEvent';
import { TimeoutError } from '../../src/core/destination/errors';
import { toEventApiTimestamp } from '../../src/core/destination/timestamp';
import type { Mapping } from '../../src/core/segment/mapping';
import type { HttpResponse } from '../../src/core/http/types';
import { json, NO_CONTENT, scriptedTransport, text, type ScriptedTransport } from '../helpers/transport';

const REPO = path.join(__dirname, '..', '..');
const SHOP_TEXT = fs.readFileSync(path.join(REPO, 'samples', 'shop.datafile.json'), 'utf8');
const CHECKS_SOURCE = fs.readFileSync(path.join(REPO, 'src', 'core', 'diagnose', 'checks.ts'), 'utf8');

type Datafile = Record<string, unknown> & {
  revision: string;
  events: { id: string; key: string; experimentIds: string[] }[];
  experiments: { id: string; key: string; status: string }[];
};
const shop = (): Datafile => JSON.parse(SHOP_TEXT) as Datafile;

/** A copy of the shop datafile with its own revision (the diagnoser caches per revision). */
function variant(revision: string, change: (datafile: Datafile) => void): Datafile {
  const datafile = shop();
  datafile.revision = revision;
  change(datafile);
  return datafile;
}

const eventOf = (datafile: Datafile, key: string) => datafile.events.find((event) => event.key === key)!;
const experimentOf = (datafile: Datafile, key: string) => datafile.experiments.find((experiment) => experiment.key === key)!;

const CDN = 'https://cdn.test/datafiles';
const URLS = {
  shop: `${CDN}/shop.json`,
  shopCharset: `${CDN}/shop-charset.json`,
  missing: `${CDN}/missing.json`,
  slow: `${CDN}/slow.json`,
  plain: `${CDN}/plain.json`,
  deactivated: `${CDN}/deactivated.json`,
  paused: `${CDN}/paused.json`,
  noFlagDecisions: `${CDN}/no-flag-decisions.json`,
  flagDecisions: `${CDN}/flag-decisions.json`,
  eu: `${CDN}/eu.json`,
  noBotFiltering: `${CDN}/no-bot-filtering.json`,
} as const;
const DEACTIVATED_BODY = '// This Optimizely project has been deactivated. Visit app.optimizely.com to activate it.';

/** The everyone_else rollout rule of flag product_recommendations (a delivery rule, variation "off"). */
const EVERYONE_ELSE = '21540100002';
const DATAFILES = {
  /** checkout_button_color paused: "Checkout Started" (it and one_page_checkout, Not started) has no running experiment. */
  paused: variant('paused', (d) => {
    experimentOf(d, 'checkout_button_color').status = 'Paused';
  }),
  /** sendFlagDecisions false; the everyone_else delivery rule uses Newsletter Signed Up (alone) and Order Completed. */
  noFlagDecisions: variant('no-flag-decisions', (d) => {
    d.sendFlagDecisions = false;
    eventOf(d, 'Newsletter Signed Up').experimentIds = [EVERYONE_ELSE];
    eventOf(d, 'Order Completed').experimentIds.push(EVERYONE_ELSE);
  }),
  flagDecisions: variant('flag-decisions', (d) => {
    d.sendFlagDecisions = true;
    eventOf(d, 'Newsletter Signed Up').experimentIds = [EVERYONE_ELSE];
  }),
  eu: variant('eu', (d) => {
    d.region = 'EU';
  }),
  noBotFiltering: variant('no-bot-filtering', (d) => {
    delete d.botFiltering;
  }),
};

function newTransport(): ScriptedTransport {
  return scriptedTransport({
    [URLS.shop]: json(SHOP_TEXT),
    [URLS.shopCharset]: { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json; charset=utf-8' }, body: SHOP_TEXT },
    [URLS.missing]: text('no such datafile', 'text/plain', 404, 'Not Found'),
    [URLS.slow]: () => Promise.reject(new TimeoutError(10_000)),
    [URLS.plain]: text(SHOP_TEXT, 'text/plain'),
    [URLS.deactivated]: text(DEACTIVATED_BODY, 'application/json'),
    [URLS.paused]: json(DATAFILES.paused),
    [URLS.noFlagDecisions]: json(DATAFILES.noFlagDecisions),
    [URLS.flagDecisions]: json(DATAFILES.flagDecisions),
    [URLS.eu]: json(DATAFILES.eu),
    [URLS.noBotFiltering]: json(DATAFILES.noBotFiltering),
  });
}

const settingsFor = (dataFileUrl: string = URLS.shop) => ({ accountId: '21437658901', dataFileUrl });

/** "Now" for every diagnosis: seven minutes after the events' timestamp. */
const NOW = Date.parse('2024-01-08T14:00:00.000Z');
const TIMESTAMP = '2024-01-08T13:52:50.212Z';
const CONVERSION_MS = Date.parse(TIMESTAMP);
/** Attributes that pass checkout_button_color's audience: North American, cart not under 25. */
const SHOPPER = { country: 'US', cart_value: 60 };

type SegmentEvent = Record<string, unknown> & { properties: Record<string, unknown>; context: Record<string, unknown> };

const ORDER: Record<Check['severity'], number> = { fail: 0, warn: 1, info: 2, pass: 3 };

/** Fails, then warnings, information, passes. */
function assertOrdered(diagnosis: Diagnosis): void {
  const ranks = diagnosis.checks.map((check) => ORDER[check.severity]);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `checks out of order: ${diagnosis.checks.map((check) => `${check.severity} ${check.id}`).join(', ')}`);
}

/** Every check id written in checks.ts. */
const DECLARED_IDS = [...new Set([...CHECKS_SOURCE.matchAll(/\bid: '([a-z]+\.[a-z0-9-]+)'/g)].map((match) => match[1]))].sort();

const ids = (diagnosis: Diagnosis) => diagnosis.checks.map((check) => check.id);
const describeChecks = (diagnosis: Diagnosis) => diagnosis.checks.map((check) => `${check.severity} ${check.id}: ${check.title} | ${check.detail}`).join('\n');

describe('diagnose checks (src/core/diagnose/checks.ts)', function () {
  this.timeout(60_000);
  let transport: ScriptedTransport;
  let diagnoser: Diagnoser;
  let engine: DecisionEngine;
  let sdk: Client;
  /** A visitor the SDK buckets into checkout_button_color with SHOPPER's attributes. */
  let healthyVisitor: string;
  let healthy: Diagnosis;
  /** Ids the scenarios below saw fire. */
  const exercised = new Set<string>();

  const healthyEvent = (): SegmentEvent => ({
    type: 'track',
    event: 'Order Completed',
    userId: healthyVisitor,
    anonymousId: 'anon-healthy-1',
    messageId: 'msg-healthy-0001',
    timestamp: TIMESTAMP,
    properties: { revenue: 4999, currency: 'USD', order_id: 'order-17' },
    context: { traits: { ...SHOPPER } },
  });

  /** The healthy event with changes. */
  const eventWith = (change: (event: SegmentEvent) => void): SegmentEvent => {
    const event = healthyEvent();
    change(event);
    return event;
  };

  async function diagnose(event: unknown, options: { url?: string; mapping?: Mapping; extras?: DiagnoseExtras } = {}): Promise<Diagnosis> {
    const diagnosis = await diagnoser.diagnose({ event, settings: settingsFor(options.url), mapping: options.mapping }, { now: NOW, ...options.extras });
    assertOrdered(diagnosis);
    return diagnosis;
  }

  /** The checks with this id; asserts the fix / docs contract of each. */
  function all(diagnosis: Diagnosis, id: string): Check[] {
    const found = diagnosis.checks.filter((check) => check.id === id);
    assert.ok(found.length > 0, `expected ${id} to fire; got:\n${describeChecks(diagnosis)}`);
    for (const check of found) {
      exercised.add(id);
      assert.ok(check.title.trim() !== '', `${id} has no title`);
      assert.ok(check.detail.trim() !== '', `${id} has no detail`);
      if (check.severity === 'fail' || check.severity === 'warn') assert.ok(check.fix.trim() !== '', `${id} (${check.severity}) has no fix`);
      if (check.severity !== 'pass') assert.match(check.docs ?? '', /^https:\/\//, `${id} (${check.severity}) has no docs link`);
    }
    return found;
  }

  /** The one check with this id, with the expected severity. */
  function one(diagnosis: Diagnosis, id: string, severity: Check['severity']): Check {
    const found = all(diagnosis, id);
    assert.equal(found.length, 1, `expected one ${id}; got:\n${describeChecks(diagnosis)}`);
    assert.equal(found[0].severity, severity, `${id} severity`);
    return found[0];
  }

  function none(diagnosis: Diagnosis, id: string): void {
    assert.ok(!ids(diagnosis).includes(id), `expected no ${id}; got:\n${describeChecks(diagnosis)}`);
  }

  /** Runs Segment's pipeline with the Event API answering `answer`, then diagnoses the finished result. */
  async function deliver(event: unknown, answer: HttpResponse | (() => Promise<HttpResponse>)): Promise<{ result: TrackEventResult; diagnosis: Diagnosis }> {
    const eventApiUrl = 'https://logx.test/v1/events';
    const local = scriptedTransport({ [URLS.shop]: json(SHOP_TEXT), [eventApiUrl]: answer });
    const result = await runTrackEvent({ event, settings: settingsFor() }, { transport: local, eventApiUrl });
    const diagnosis = await diagnoser.diagnoseResult(event, settingsFor(), result, { now: NOW });
    assertOrdered(diagnosis);
    return { result, diagnosis };
  }

  before(async () => {
    transport = newTransport();
    diagnoser = new Diagnoser(transport);
    engine = createDecisionEngine(SHOP_TEXT);
    assert.equal(engine.ready, true, engine.error);
    sdk = createInstance({ projectConfigManager: createStaticProjectConfigManager({ datafile: SHOP_TEXT }) });
    await sdk.onReady({ timeout: 5_000 });
    for (let n = 0; n < 1_000 && healthyVisitor === undefined; n++) {
      const [decision] = engine.decideForEvent({ visitorId: `shopper-${n}`, attributes: SHOPPER, experimentIds: ['21480040001'] });
      if (decision.variationKey !== null) healthyVisitor = `shopper-${n}`;
    }
    assert.ok(healthyVisitor, 'no visitor is bucketed into checkout_button_color');
    healthy = await diagnose(healthyEvent());
  });

  after(async () => {
    diagnoser?.close();
    engine?.close();
    await sdk?.close();
  });

  describe('the healthy baseline', () => {
    it('has no failure and no warning, and exactly the expected checks', () => {
      assert.deepEqual(
        healthy.checks.filter((check) => check.severity === 'fail' || check.severity === 'warn'),
        [],
        describeChecks(healthy),
      );
      assert.deepEqual(ids(healthy), [
        'event.stopped-experiments',
        'visitor.id-source',
        'attributes.bot-filtering',
        'datafile.environment',
        'segment.validation',
        'datafile.reachable',
        'event.known-key',
        'event.running-experiments',
        'decision.bucketed',
        'timestamp.ok',
      ]);
      assert.ok(healthy.request, 'Segment would send it');
      assert.equal(healthy.error, undefined);
    });

    it('the visitor is bucketed into checkout_button_color', () => {
      const decision = healthy.decisions.find((d) => d.experimentKey === 'checkout_button_color');
      assert.ok(decision?.variationKey, JSON.stringify(decision));
      assert.equal(decision.impressionSent, true);
      assert.match(one(healthy, 'decision.bucketed', 'pass').detail, new RegExp(`(^|, )checkout_button_color → ${decision.variationKey}(,|$)`));
    });

    it('is diagnosed the same after a real (scripted 204) delivery: no eventapi.rejected', async () => {
      const { result, diagnosis } = await deliver(healthyEvent(), NO_CONTENT);
      assert.equal(result.status, 'sent');
      assert.deepEqual(ids(diagnosis), ids(healthy));
    });
  });

  describe('segment.validation', () => {
    it('passes when Segment accepts the payload', () => {
      const check = one(healthy, 'segment.validation', 'pass');
      assert.equal(check.detail, "Every field passes the destination's validation.");
      assert.equal(check.fix, '');
    });

    it('revenue 19.99: fails with "send 1999 instead of 19.99"', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.properties.revenue = 19.99)));
      const check = one(diagnosis, 'segment.validation', 'fail');
      assert.equal(check.title, 'Segment rejects the event: Revenue must be an integer but it was a number.');
      assert.equal(check.detail, 'Revenue must be an integer but it was a number. Nothing is sent to Optimizely; the whole event is dropped.');
      assert.equal(check.fix, 'Segment requires integer cents: send 1999 instead of 19.99 (multiply dollars by 100, e.g. with a mapping or in your tracking code).');
      assert.equal(check.docs, DOCS.segmentDestination);
      assert.equal(diagnosis.request, undefined);
      assert.equal(diagnosis.error?.name, 'AggregateAjvError');
    });

    it('revenue mapped from another property (19.99 in properties.total): the fix quotes the mapped value', async () => {
      const diagnosis = await diagnose(
        eventWith((e) => (e.properties = { total: 19.99 })),
        { mapping: { revenue: { '@path': '$.properties.total' } } },
      );
      assert.equal(one(diagnosis, 'segment.validation', 'fail').fix, 'Segment requires integer cents: send 1999 instead of 19.99 (multiply dollars by 100, e.g. with a mapping or in your tracking code).');
    });

    it('value "abc": fails, quoting the value', async () => {
      const check = one(await diagnose(eventWith((e) => (e.properties.value = 'abc'))), 'segment.validation', 'fail');
      assert.equal(check.title, 'Segment rejects the event: Value must be a number but it was a string.');
      assert.equal(check.fix, 'Send properties.value as a number, got "abc".');
    });

    it('no userId and no anonymousId: fails, asking for either', async () => {
      const check = one(
        await diagnose(
          eventWith((e) => {
            delete e.userId;
            delete e.anonymousId;
          }),
        ),
        'segment.validation',
        'fail',
      );
      assert.equal(check.detail, "The root value is missing the required field 'userId'. Nothing is sent to Optimizely; the whole event is dropped.");
      assert.equal(check.fix, 'Send a userId or an anonymousId (an empty-string userId counts as missing).');
    });

    it('timestamp "garbage": fails, asking for ISO-8601', async () => {
      const check = one(await diagnose(eventWith((e) => (e.timestamp = 'garbage'))), 'segment.validation', 'fail');
      assert.equal(check.title, 'Segment rejects the event: Timestamp must be a valid date-like string but it was not.');
      assert.equal(check.fix, 'Send an ISO-8601 timestamp (e.g. 2024-01-08T13:52:50.212Z) or epoch milliseconds.');
    });

    it('two bad fields: one check per field, each with its own fix', async () => {
      const diagnosis = await diagnose(
        eventWith((e) => {
          e.properties.revenue = 19.99;
          e.properties.value = 'abc';
        }),
      );
      const checks = all(diagnosis, 'segment.validation');
      assert.deepEqual(
        checks.map((check) => check.fix),
        ['Segment requires integer cents: send 1999 instead of 19.99 (multiply dollars by 100, e.g. with a mapping or in your tracking code).', 'Send properties.value as a number, got "abc".'],
      );
      // The datafile is still fetched for context: the key is known.
      one(diagnosis, 'event.known-key', 'pass');
    });

    it('a missing destination setting: the fix names the setting, not a mapped field', async () => {
      const diagnosis = await diagnoser.diagnose({ event: healthyEvent(), settings: { accountId: '21437658901' } }, { now: NOW });
      const check = one(diagnosis, 'segment.validation', 'fail');
      assert.equal(check.title, "Segment rejects the event: The root value is missing the required field 'dataFileUrl'.");
      assert.match(check.fix, /^Fix the destination setting "dataFileUrl"/);
    });

    it('does not fail for the healthy event', () => {
      assert.ok(!healthy.checks.some((check) => check.id === 'segment.validation' && check.severity === 'fail'));
    });
  });

  describe('datafile.*', () => {
    it('datafile.deactivated: the deactivated-project body, quoted', async () => {
      const diagnosis = await diagnose(healthyEvent(), { url: URLS.deactivated });
      const check = one(diagnosis, 'datafile.deactivated', 'fail');
      assert.equal(check.detail, `GET ${URLS.deactivated} answered ${JSON.stringify(DEACTIVATED_BODY)}. Segment reports this as PROJECT_DEACTIVATED and sends nothing.`);
      assert.equal(check.fix, 'Activate the project in Optimizely, or point dataFileUrl at the datafile of an active environment.');
      assert.equal(diagnosis.error?.code, 'PROJECT_DEACTIVATED');
      none(diagnosis, 'datafile.reachable');
      none(diagnosis, 'datafile.unreachable');
    });

    it('datafile.unreachable: 404', async () => {
      const diagnosis = await diagnose(healthyEvent(), { url: URLS.missing });
      const check = one(diagnosis, 'datafile.unreachable', 'fail');
      assert.equal(check.detail, `GET ${URLS.missing} failed: Not Found (404).`);
      assert.equal(check.fix, 'Check dataFileUrl (the SDK key in it, the environment) and that the URL is public.');
      assert.equal(check.docs, DOCS.datafile);
      none(diagnosis, 'datafile.reachable');
      none(diagnosis, 'datafile.content-type');
    });

    it('datafile.unreachable: timeout', async () => {
      const diagnosis = await diagnose(healthyEvent(), { url: URLS.slow });
      assert.equal(one(diagnosis, 'datafile.unreachable', 'fail').detail, `GET ${URLS.slow} failed: Request timed out after 10000ms.`);
      assert.equal(diagnosis.error?.name, 'TimeoutError');
    });

    it('datafile.content-type: JSON served as text/plain', async () => {
      const diagnosis = await diagnose(healthyEvent(), { url: URLS.plain });
      const check = one(diagnosis, 'datafile.content-type', 'fail');
      assert.equal(
        check.detail,
        `GET ${URLS.plain} answered content-type "text/plain". Segment only parses JSON when the content-type says so, so it finds no events and reports every key as "not defined".`,
      );
      assert.equal(check.fix, "Serve the datafile with Content-Type: application/json (Optimizely's CDN does).");
      // Segment's own answer is the misleading "not defined"; no key suggestion is made from a datafile it never parsed.
      assert.equal(diagnosis.error?.message, 'Event with name Order Completed is not defined');
      none(diagnosis, 'event.unknown-key');
    });

    it('datafile.content-type does not fire for "application/json; charset=utf-8"', async () => {
      const diagnosis = await diagnose(healthyEvent(), { url: URLS.shopCharset });
      none(diagnosis, 'datafile.content-type');
      one(diagnosis, 'datafile.reachable', 'pass');
    });

    it('datafile.reachable: revision and account', () => {
      assert.equal(one(healthy, 'datafile.reachable', 'pass').detail, 'Revision 87, account 21437658901.');
      for (const id of ['datafile.deactivated', 'datafile.unreachable', 'datafile.content-type']) none(healthy, id);
    });

    it('datafile.region-eu: an EU-hosted project', async () => {
      const diagnosis = await diagnose(healthyEvent(), { url: URLS.eu });
      const check = one(diagnosis, 'datafile.region-eu', 'fail');
      assert.equal(
        check.detail,
        'The datafile says region "EU"; Segment\'s destination always sends to https://logx.optimizely.com/v1/events, not https://eu.logx.optimizely.com/v1/events.',
      );
      none(healthy, 'datafile.region-eu');
    });

    it('datafile.environment: environment, revision, account and project', () => {
      const check = one(healthy, 'datafile.environment', 'info');
      assert.equal(check.title, 'Datafile of environment "production", revision 87');
      assert.equal(check.detail, 'Account 21437658901, project 21448720155. Conversions count only in the environment whose experiments decided the visitor.');
    });
  });

  describe('event.*', () => {
    const unknownKeyCases: [string, string, string][] = [
      ['case', 'order completed', '"Order Completed" (case)'],
      ['a trailing space', 'Order Completed ', '"Order Completed" (whitespace)'],
      ['a typo', 'Order Complted', '"Order Completed" (edit-distance)'],
    ];
    for (const [what, key, nearest] of unknownKeyCases) {
      it(`event.unknown-key: ${what} (${JSON.stringify(key)}) suggests the nearest key`, async () => {
        const diagnosis = await diagnose(eventWith((e) => (e.event = key)));
        const check = one(diagnosis, 'event.unknown-key', 'fail');
        assert.equal(check.title, `Event key "${key}" is not in the datafile`);
        assert.equal(check.detail, `Segment matches event keys exactly (case and spaces count) and answers "Event with name ${key} is not defined". Nearest: ${nearest}.`);
        assert.equal(check.fix, 'Send "Order Completed" as the event name, or map Event Key to it.');
        assert.equal(diagnosis.error?.message, `Event with name ${key} is not defined`);
        none(diagnosis, 'event.known-key');
        assert.deepEqual(diagnosis.decisions, []);
      });
    }

    it('event.unknown-key with nothing near: counts the events and asks to create it', async () => {
      const check = one(await diagnose(eventWith((e) => (e.event = 'Subscription Renewed'))), 'event.unknown-key', 'fail');
      assert.equal(check.detail, 'Segment matches event keys exactly (case and spaces count) and answers "Event with name Subscription Renewed is not defined". The datafile has 5 events.');
      assert.equal(check.fix, 'Create the event in Optimizely (in this environment) or fix the event name.');
    });

    it('event.known-key: the event id', () => {
      assert.equal(one(healthy, 'event.known-key', 'pass').detail, 'Event id 21470030001.');
      none(healthy, 'event.unknown-key');
    });

    it('event.not-a-metric: "Newsletter Signed Up"', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.event = 'Newsletter Signed Up')));
      const check = one(diagnosis, 'event.not-a-metric', 'fail');
      assert.equal(check.title, '"Newsletter Signed Up" is a metric of no experiment');
      assert.equal(check.fix, 'Add "Newsletter Signed Up" as a metric to the experiment (or flag rule) you are measuring.');
      assert.ok(diagnosis.request, 'Segment still sends it');
      none(healthy, 'event.not-a-metric');
    });

    it('event.no-running-experiment: every experiment using "Checkout Started" stopped', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.event = 'Checkout Started')), { url: URLS.paused });
      const check = one(diagnosis, 'event.no-running-experiment', 'fail');
      assert.equal(check.title, 'No running experiment uses "Checkout Started"');
      assert.equal(check.detail, 'It is a metric of checkout_button_color (Paused), one_page_checkout (Not started). Only running experiments collect results.');
      assert.equal(check.fix, 'Start (or resume) the experiment, or add the event to a running one.');
      none(diagnosis, 'event.running-experiments');
      none(diagnosis, 'decision.not-bucketed'); // nothing running to be bucketed into
      none(healthy, 'event.no-running-experiment');
    });

    it('event.running-experiments and event.stopped-experiments: the lists', () => {
      const running = one(healthy, 'event.running-experiments', 'pass');
      assert.equal(running.title, '"Order Completed" is a metric of 4 running experiments');
      assert.equal(running.detail, 'checkout_button_color, product_recs_test, search_ranking_v2, search_autocomplete');
      const stopped = one(healthy, 'event.stopped-experiments', 'info');
      assert.equal(stopped.title, '2 other experiments using "Order Completed" are not running');
      assert.equal(stopped.detail, 'free_shipping_banner (Paused), one_page_checkout (Not started)');
    });

    it('event.stopped-experiments lists only the stopped experiments, and is absent when all of them run', async () => {
      const viewed = await diagnose(eventWith((e) => (e.event = 'Product Viewed')));
      assert.equal(one(viewed, 'event.stopped-experiments', 'info').detail, 'holiday_homepage_2024 (Archived)');
      const allRunning = await diagnose(
        eventWith((e) => {
          e.event = 'Newsletter Signed Up';
          e.context.traits = {};
        }),
        { url: URLS.flagDecisions },
      );
      none(allRunning, 'event.stopped-experiments');
      one(allRunning, 'event.running-experiments', 'pass');
    });

    it('event.duplicate-uuid: earlier uses of the messageId', async () => {
      const diagnosis = await diagnose(healthyEvent(), {
        extras: {
          earlierUses: [
            { recordId: 'rec-1', timestamp: NOW - 60_000, eventKey: 'Order Completed' },
            { recordId: 'rec-2', timestamp: NOW - 30_000, eventKey: 'Product Added' },
          ],
        },
      });
      const check = one(diagnosis, 'event.duplicate-uuid', 'warn');
      assert.equal(check.title, 'messageId "msg-healthy-0001" was already used');
      assert.equal(check.detail, '2 earlier events used it (Order Completed, Product Added). Optimizely keeps one event per uuid + timestamp + event id.');
      assert.equal(check.fix, 'Let the Segment library generate a unique messageId per event.');
      none(healthy, 'event.duplicate-uuid');
      none(await diagnose(healthyEvent(), { extras: { earlierUses: [] } }), 'event.duplicate-uuid');
    });
  });

  describe('decision.*', () => {
    it('decision.not-bucketed: attributes that fail every audience, and a group that picks the other experiment', async () => {
      let visitor: string | undefined;
      for (let n = 0; n < 1_000 && visitor === undefined; n++) {
        const decisions = engine.decideForEvent({ visitorId: `outsider-${n}`, attributes: { country: 'FR' }, experimentIds: ['21480040001', '21480040005', '21480040006', '21480040007'] });
        if (decisions.every((decision) => decision.variationKey === null)) visitor = `outsider-${n}`;
      }
      assert.ok(visitor, 'no visitor outside every running experiment');
      const diagnosis = await diagnose(eventWith((e) => {
        e.userId = visitor;
        e.context.traits = { country: 'FR' };
      }));
      const check = one(diagnosis, 'decision.not-bucketed', 'fail');
      assert.equal(check.title, `Visitor "${visitor}" is bucketed into no running experiment that uses this event`);
      assert.equal(
        check.detail,
        [
          'checkout_button_color: SDK decision: no variation (audience not matched), so no impression is sent and this visitor\'s conversions do not count for the experiment',
          'product_recs_test: This rule gave the visitor nothing (audience not matched), so no impression for it and conversions do not count for it',
          'search_ranking_v2: SDK decision: no variation (excluded by its mutually exclusive group), so no impression is sent and this visitor\'s conversions do not count for the experiment',
          'search_autocomplete: SDK decision: no variation (audience not matched), so no impression is sent and this visitor\'s conversions do not count for the experiment',
        ].join('; ') + '. Without a decision there is nothing to attribute the conversion to.',
      );
      assert.equal(check.fix, 'Check the audience conditions and traffic allocation, and that the attributes sent with decide() match.');
      none(diagnosis, 'decision.bucketed');
      none(healthy, 'decision.not-bucketed');
    });

    it('decision.bucketed: every running experiment the visitor is in, with its variation', () => {
      const expected = healthy.decisions.filter((d) => d.status === 'Running' && d.variationKey !== null && d.impressionSent).map((d) => `${d.experimentKey} → ${d.variationKey}`);
      assert.ok(expected.length > 0);
      const check = one(healthy, 'decision.bucketed', 'pass');
      assert.equal(check.title, `Visitor "${healthyVisitor}" is bucketed`);
      assert.equal(check.detail, expected.join(', '));
    });

    it('decision.no-impression (fail): the only rule is a delivery rule and sendFlagDecisions is false', async () => {
      const diagnosis = await diagnose(eventWith((e) => {
        e.event = 'Newsletter Signed Up';
        e.context.traits = {};
      }), { url: URLS.noFlagDecisions });
      const [decision] = diagnosis.decisions;
      assert.equal(diagnosis.decisions.length, 1);
      assert.equal(decision.ruleType, 'rollout');
      assert.equal(decision.variationKey, 'off');
      assert.equal(decision.impressionSent, false);
      const check = one(diagnosis, 'decision.no-impression', 'fail');
      assert.equal(check.detail, 'product_recommendations/everyone_else → off; sendFlagDecisions is false, so no impression exists to attribute conversions to.');
      assert.equal(check.fix, 'Turn on "send flag decisions" for the project, or measure with an A/B test rule.');
      none(diagnosis, 'decision.bucketed');
      none(diagnosis, 'decision.not-bucketed');
    });

    it('decision.no-impression (warn) next to decision.bucketed when another experiment counts', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.context.traits = { ...SHOPPER })), { url: URLS.noFlagDecisions });
      assert.equal(one(diagnosis, 'decision.no-impression', 'warn').detail, 'product_recommendations/everyone_else → off; sendFlagDecisions is false, so no impression exists to attribute conversions to.');
      assert.ok(!one(diagnosis, 'decision.bucketed', 'pass').detail.includes('everyone_else'));
    });

    it('decision.no-impression does not fire with sendFlagDecisions true: the delivery counts', async () => {
      const diagnosis = await diagnose(eventWith((e) => {
        e.event = 'Newsletter Signed Up';
        e.context.traits = {};
      }), { url: URLS.flagDecisions });
      none(diagnosis, 'decision.no-impression');
      assert.equal(one(diagnosis, 'decision.bucketed', 'pass').detail, 'everyone_else → off');
      none(healthy, 'decision.no-impression');
    });

    it('decisions: one entry per experiment using the event, with the SDK\'s own variation', async () => {
      const experimentIds = eventOf(shop(), 'Order Completed').experimentIds;
      const attributeSets: Record<string, unknown>[] = [SHOPPER, { country: 'CA', cart_value: 10, is_returning: true, plan: 'premium', app_version: '3.4.1' }, {}];
      for (let n = 0; n < 12; n++) {
        const visitor = `decider-${n}`;
        const attributes = attributeSets[n % attributeSets.length];
        const diagnosis = await diagnose(eventWith((e) => {
          e.userId = visitor;
          e.context.traits = { ...attributes };
        }));
        assert.deepEqual(
          diagnosis.decisions.map((d) => d.experimentId),
          experimentIds,
        );
        for (const decision of diagnosis.decisions) {
          let expected: string | null;
          if (decision.flagKey) {
            const flag = sdk.createUserContext(visitor, attributes as UserAttributes)!.decide(decision.flagKey, [OptimizelyDecideOption.DISABLE_DECISION_EVENT]);
            expected = flag.ruleKey === decision.ruleKey ? flag.variationKey : null;
          } else {
            expected = sdk.getVariation(decision.experimentKey, visitor, attributes as UserAttributes);
          }
          assert.equal(decision.variationKey, expected, `${visitor} ${JSON.stringify(attributes)} ${decision.experimentKey}`);
        }
      }
    });
  });

  describe('visitor.* and timestamp.before-decision (recorded decisions)', () => {
    const recorded = (visitorId: string, offsetMs: number, experimentId = '21480040001'): RecordedDecision => ({ visitorId, experimentId, variationId: '21500060002', timestamp: CONVERSION_MS + offsetMs });

    it('visitor.id-source: userId, with the unused anonymousId', () => {
      const check = one(healthy, 'visitor.id-source', 'info');
      assert.equal(check.title, `Segment sends visitor_id "${healthyVisitor}" (from userId)`);
      assert.equal(check.detail, 'The anonymousId "anon-healthy-1" is not used. Decisions must be made with the same id.');
    });

    it('visitor.id-source: anonymousId when there is no userId', async () => {
      const check = one(await diagnose(eventWith((e) => delete e.userId)), 'visitor.id-source', 'info');
      assert.equal(check.title, 'Segment sends visitor_id "anon-healthy-1" (from anonymousId)');
      assert.equal(check.detail, 'Decisions (decide / activate) must use this same id.');
    });

    it('visitor.id-source: anonymousId when User ID is mapped to it (the userId is there but unused)', async () => {
      const diagnosis = await diagnose(healthyEvent(), { mapping: { userId: { '@path': '$.anonymousId' } } });
      assert.equal(one(diagnosis, 'visitor.id-source', 'info').title, 'Segment sends visitor_id "anon-healthy-1" (from anonymousId)');
    });

    it('visitor.decision-found: counts the decisions before the conversion', async () => {
      const diagnosis = await diagnose(healthyEvent(), { extras: { recordedDecisions: [recorded(healthyVisitor, -60_000), recorded(healthyVisitor, +60_000), recorded('someone-else', -5)] } });
      const check = one(diagnosis, 'visitor.decision-found', 'pass');
      assert.equal(check.title, `A decision for "${healthyVisitor}" was recorded`);
      assert.equal(check.detail, '1 decision for these experiments before the conversion.');
      for (const id of ['visitor.id-mismatch', 'visitor.no-decision', 'timestamp.before-decision']) none(diagnosis, id);
    });

    it('timestamp.before-decision: the conversion is older than the first decision', async () => {
      const diagnosis = await diagnose(healthyEvent(), { extras: { recordedDecisions: [recorded(healthyVisitor, +1_000), recorded(healthyVisitor, +5_000)] } });
      const check = one(diagnosis, 'timestamp.before-decision', 'fail');
      assert.equal(check.detail, 'Conversion at 2024-01-08T13:52:50.212Z, first decision at 2024-01-08T13:52:51.212Z. Optimizely attributes conversions only after a decision.');
      assert.equal(check.fix, "Send the event's real time, and decide before tracking.");
      none(diagnosis, 'visitor.decision-found');
    });

    it('visitor.id-mismatch: decided for the anonymousId, converted as the userId', async () => {
      const diagnosis = await diagnose(eventWith((e) => {
        e.userId = 'visitor-B';
        e.anonymousId = 'visitor-A';
      }), { extras: { recordedDecisions: [recorded('visitor-A', -1_000)] } });
      const check = one(diagnosis, 'visitor.id-mismatch', 'fail');
      assert.equal(check.detail, 'Decisions were recorded for "visitor-A", but Segment sends the conversion as "visitor-B". Optimizely cannot join them.');
      assert.equal(check.fix, 'Call decide() with the userId (after login), or map User ID to anonymousId in the destination.');
      none(diagnosis, 'visitor.no-decision');
    });

    it('visitor.no-decision: decisions recorded for these experiments, none for this visitor', async () => {
      const diagnosis = await diagnose(healthyEvent(), {
        extras: { recordedDecisions: [recorded('visitor-Z', -1_000), recorded('visitor-Y', -1_000), recorded(healthyVisitor, -1_000, '99999999')] },
      });
      const check = one(diagnosis, 'visitor.no-decision', 'warn');
      assert.equal(check.title, `No decision recorded for "${healthyVisitor}"`);
      assert.equal(check.detail, 'The emulator has seen 2 decisions for these experiments, none for this visitor.');
    });

    it('none of the recorded-decision checks run when no decisions are known', () => {
      for (const id of ['visitor.decision-found', 'visitor.id-mismatch', 'visitor.no-decision', 'timestamp.before-decision']) none(healthy, id);
    });
  });

  describe('timestamp.*', () => {
    it('timestamp.seconds: 1704721970 (a number) is read as milliseconds', async () => {
      const check = one(await diagnose(eventWith((e) => (e.timestamp = 1704721970))), 'timestamp.seconds', 'fail');
      assert.equal(check.detail, '1704721970 is sent as 1704721970 = 1970-01-20T17:32:01.970Z. Segment takes numbers as milliseconds.');
      assert.equal(check.fix, 'Send 1704721970000 (milliseconds) or an ISO-8601 string.');
    });

    it('timestamp.numeric-string: "1704721970" is mis-parsed by dayjs', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.timestamp = '1704721970')));
      const check = one(diagnosis, 'timestamp.numeric-string', 'fail');
      // dayjs reads it as a local date in the year 1709, so the exact value depends on the time zone.
      const sent = toEventApiTimestamp('1704721970') as number;
      assert.ok(new Date(sent).getUTCFullYear() === 1709, String(sent));
      assert.equal(check.detail, `"1704721970" is sent as ${sent} (${new Date(sent).toISOString()}). Segment passes it to dayjs, which does not read it as epoch time.`);
      assert.equal(check.fix, 'Send an ISO-8601 string, or the epoch milliseconds as a number.');
      none(diagnosis, 'timestamp.seconds');
    });

    it('timestamp.future: an hour ahead', async () => {
      const check = one(await diagnose(eventWith((e) => (e.timestamp = '2024-01-08T15:00:00.000Z'))), 'timestamp.future', 'warn');
      assert.equal(check.detail, '2024-01-08T15:00:00.000Z is 60 minutes ahead of now.');
    });

    it('timestamp.future does not fire within the 5 minutes of skew', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.timestamp = '2024-01-08T14:04:00.000Z')));
      none(diagnosis, 'timestamp.future');
      one(diagnosis, 'timestamp.ok', 'pass');
    });

    it('timestamp.ok: the ISO time sent', () => {
      assert.equal(one(healthy, 'timestamp.ok', 'pass').detail, TIMESTAMP);
      for (const id of ['timestamp.seconds', 'timestamp.numeric-string', 'timestamp.future', 'timestamp.invalid']) none(healthy, id);
    });

    it('timestamp.invalid: 1e20 becomes null in the body', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.timestamp = 1e20)));
      const check = one(diagnosis, 'timestamp.invalid', 'fail');
      assert.equal(check.detail, '100000000000000000000 became null.');
      assert.equal(check.fix, 'Send an ISO-8601 timestamp.');
      assert.match(diagnosis.request?.body ?? '', /"timestamp":null/);
    });
  });

  describe('revenue.* and value.dropped', () => {
    it('revenue.maybe-dollars: revenue 19', async () => {
      const check = one(await diagnose(eventWith((e) => (e.properties.revenue = 19))), 'revenue.maybe-dollars', 'warn');
      assert.equal(check.title, 'Revenue 19 is $0.19: was it meant in dollars?');
      assert.equal(check.fix, 'If this was $19, send 1900.');
      none(healthy, 'revenue.maybe-dollars');
    });

    it('revenue.missing: total 49.99 without revenue', async () => {
      const check = one(await diagnose(eventWith((e) => (e.properties = { total: 49.99, currency: 'USD' }))), 'revenue.missing', 'info');
      assert.equal(check.detail, 'total = 49.99 go to tags, which revenue metrics ignore.');
      assert.equal(check.fix, 'Send properties.revenue in integer cents, or map Revenue to the right property (in cents).');
      none(healthy, 'revenue.missing');
    });

    it('value.dropped: Value mapped elsewhere while properties.value is a number', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.properties.value = 5)), { mapping: { value: { '@path': '$.properties.score' } } });
      const check = one(diagnosis, 'value.dropped', 'warn');
      assert.equal(check.detail, 'The Value field is mapped elsewhere; 5 is also removed from tags.');
      assert.equal(check.fix, 'Map Value to $.properties.value.');
      const sent = (JSON.parse(diagnosis.request?.body ?? '{}') as { visitors: { snapshots: { events: Record<string, unknown>[] }[] }[] }).visitors[0].snapshots[0].events[0];
      assert.equal(sent.value, undefined);
      assert.deepEqual(sent.tags, { currency: 'USD', order_id: 'order-17' });
    });

    it('value.dropped does not fire when properties.value is sent as the value', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.properties.value = 5)));
      none(diagnosis, 'value.dropped');
      assert.match(diagnosis.request?.body ?? '', /"value":5/);
      none(healthy, 'value.dropped');
    });
  });

  describe('attributes.*', () => {
    it('attributes.dropped: one check per trait, with its reason', async () => {
      const diagnosis = await diagnose(
        eventWith((e) => {
          e.context.traits = { ...SHOPPER, email: 'a@example.com', $opt_user_agent: 'Googlebot/2.1', plan: { tier: 'gold' } };
        }),
      );
      const checks = all(diagnosis, 'attributes.dropped');
      assert.deepEqual(
        checks.map((check) => [check.severity, check.title, check.detail]),
        [
          ['warn', 'Attribute "email" is dropped', '"email" is not an attribute in the datafile. Results cannot be segmented by it.'],
          ['warn', 'Attribute "$opt_user_agent" is dropped', '"$opt_user_agent" is a reserved $opt_ attribute the datafile does not declare; Segment drops it. Results cannot be segmented by it.'],
          ['warn', 'Attribute "plan" is dropped', '"plan" is an object; only strings, numbers and booleans are sent. Results cannot be segmented by it.'],
        ],
      );
      assert.equal(checks[0].fix, 'Create the attribute "email" in Optimizely, or leave it out.');
      // A "$" key cannot be created as a custom attribute: the fix must not suggest it.
      assert.ok(!checks[1].fix.includes('Create the attribute'), checks[1].fix);
      assert.match(checks[1].fix, /reserved/);
      assert.equal(checks[2].fix, 'Send a string, number or boolean.');
      none(healthy, 'attributes.dropped');
    });

    it('attributes.none: no context.traits', async () => {
      const diagnosis = await diagnose(eventWith((e) => delete e.context.traits));
      const check = one(diagnosis, 'attributes.none', 'info');
      assert.equal(check.detail, 'The event has no context.traits. Server-side libraries do not add traits by themselves.');
      assert.equal(check.fix, 'Add context.traits to the track call if audiences or segments use attributes.');
      none(healthy, 'attributes.none');
    });

    it('attributes.bot-filtering: on, without and with a context.userAgent', async () => {
      const check = one(healthy, 'attributes.bot-filtering', 'info');
      assert.equal(check.title, 'Bot filtering is on');
      assert.equal(check.detail, '$opt_bot_filtering = true is sent. No $opt_user_agent is sent, so Optimizely cannot filter this event as a bot.');
      const withAgent = await diagnose(eventWith((e) => (e.context.userAgent = 'Mozilla/5.0 (X11)')));
      assert.equal(one(withAgent, 'attributes.bot-filtering', 'info').detail, '$opt_bot_filtering = true is sent. context.userAgent "Mozilla/5.0 (X11)" is not forwarded as $opt_user_agent by Segment.');
    });

    it('attributes.bot-filtering does not fire when the datafile has no botFiltering', async () => {
      none(await diagnose(healthyEvent(), { url: URLS.noBotFiltering }), 'attributes.bot-filtering');
    });
  });

  describe('body.too-large and eventapi.rejected', () => {
    it('body.too-large: properties over 3.5 MB', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.properties.blob = 'x'.repeat(EVENT_API_MAX_BYTES))));
      const bytes = Buffer.byteLength(diagnosis.request?.body ?? '');
      assert.ok(bytes > EVENT_API_MAX_BYTES);
      const check = one(diagnosis, 'body.too-large', 'fail');
      assert.equal(check.detail, `${bytes} bytes.`);
      assert.equal(check.fix, 'Send fewer or smaller properties (they all become tags).');
    });

    it('body.too-large does not fire just under the limit', async () => {
      const diagnosis = await diagnose(eventWith((e) => (e.properties.blob = 'x'.repeat(EVENT_API_MAX_BYTES - 10_000))));
      assert.ok(Buffer.byteLength(diagnosis.request?.body ?? '') <= EVENT_API_MAX_BYTES);
      none(diagnosis, 'body.too-large');
      none(healthy, 'body.too-large');
    });

    it('eventapi.rejected: a 400 from the Event API', async () => {
      const { result, diagnosis } = await deliver(healthyEvent(), { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/json' }, body: '{"error":"invalid batch"}' });
      assert.equal(result.status, 'failed');
      const check = one(diagnosis, 'eventapi.rejected', 'fail');
      assert.equal(check.detail, 'HTTPError: Bad Request (400).');
      assert.equal(check.fix, "Check the body against the Event API schema (the emulator's sink with X-Optimizely-Strict: true lists every problem).");
      assert.equal(check.docs, DOCS.eventApi);
      none(diagnosis, 'datafile.unreachable');
      one(diagnosis, 'datafile.reachable', 'pass');
    });

    it('eventapi.rejected: 503 is retried by Segment, 501 is not', async () => {
      const retried = await deliver(healthyEvent(), { status: 503, statusText: 'Service Unavailable', headers: {}, body: '' });
      assert.equal(one(retried.diagnosis, 'eventapi.rejected', 'fail').fix, "Segment retries 503 answers; check Optimizely's status.");
      const notRetried = await deliver(healthyEvent(), { status: 501, statusText: 'Not Implemented', headers: {}, body: '' });
      assert.match(one(notRetried.diagnosis, 'eventapi.rejected', 'fail').fix, /^Check the body against the Event API schema/);
    });

    it('eventapi.rejected: a timeout posting the body', async () => {
      const { diagnosis } = await deliver(healthyEvent(), () => Promise.reject(new TimeoutError(10_000)));
      const check = one(diagnosis, 'eventapi.rejected', 'fail');
      assert.equal(check.detail, 'TimeoutError: Request timed out after 10000ms.');
      assert.match(check.fix, /^No answer arrived/);
      none(diagnosis, 'datafile.unreachable');
    });
  });

  describe('ordering', () => {
    it('fails before warnings before information before passes; CHECKS order within a severity', async () => {
      const diagnosis = await diagnose(
        eventWith((e) => {
          e.userId = 'visitor-ordering';
          e.timestamp = '2024-01-08T15:00:00.000Z';
          e.properties.revenue = 19;
          e.context.traits = { country: 'FR', email: 'a@example.com' };
        }),
        { url: URLS.eu, extras: { earlierUses: [{ recordId: 'r', timestamp: NOW, eventKey: 'Order Completed' }] } },
      );
      const bySeverity = (severity: Check['severity']) => diagnosis.checks.filter((check) => check.severity === severity).map((check) => check.id);
      // Whether this visitor lands in the group's search_ranking_v2 decides between not-bucketed and bucketed.
      const bucketed = diagnosis.decisions.some((d) => d.status === 'Running' && d.variationKey !== null);
      assert.deepEqual(bySeverity('fail'), bucketed ? ['datafile.region-eu'] : ['decision.not-bucketed', 'datafile.region-eu']);
      assert.deepEqual(bySeverity('warn'), ['timestamp.future', 'revenue.maybe-dollars', 'attributes.dropped', 'event.duplicate-uuid']);
      assert.deepEqual(bySeverity('info'), ['event.stopped-experiments', 'visitor.id-source', 'attributes.bot-filtering', 'datafile.environment']);
      assertOrdered(diagnosis);
    });
  });

  // Mocha runs a suite's own tests before its child suites: keep this in the last child suite. The ids are
  // collected by every scenario above, so the comparison is made when the whole file runs; a filtered run
  // (--grep) compares only the ids declared in checks.ts against themselves.
  describe('coverage', () => {
    it('every check id in checks.ts is exercised above (fires in some scenario)', () => {
      assert.ok(DECLARED_IDS.length >= 30, `found only ${DECLARED_IDS.length} ids in checks.ts`);
      const filtered = exercised.size < 10;
      const missing = DECLARED_IDS.filter((id) => !exercised.has(id));
      assert.deepEqual(filtered ? [] : missing, [], `check ids never seen firing: ${missing.join(', ')}`);
    });
  });
});
