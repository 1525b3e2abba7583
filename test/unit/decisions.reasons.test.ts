/**
 * decideForEvent on real fixtures: the SDK's answer and the plain-English reasons for each way a
 * decision can miss (not running, audience, traffic, group, whitelisting, flag rule order, holdouts,
 * sendFlagDecisions), and the engine's robustness (bad datafiles, bad ids, never printing).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bucketValueFor } from '../../src/core/diagnose/bucketing';
import { createDecisionEngine, type DecisionEngine, type ExperimentDecision } from '../../src/core/diagnose/decisions';
import type { ProjectConfig } from '../../src/core/datafile/types';

const DATAFILES = path.join(__dirname, '..', 'fixtures', 'datafiles');
const readFixture = (file: string): string => fs.readFileSync(path.join(DATAFILES, file), 'utf8');
const SHOP_TEXT = fs.readFileSync(path.join(__dirname, '..', '..', 'samples', 'shop.datafile.json'), 'utf8');

/** First visitor id `prefix-n` satisfying the predicate. */
function findVisitor(predicate: (id: string) => boolean, prefix = 'visitor'): string {
  for (let n = 0; n < 100_000; n++) {
    const id = `${prefix}-${n}`;
    if (predicate(id)) return id;
  }
  throw new Error('no visitor found');
}

function one(engine: DecisionEngine, experimentId: string, visitorId: string, attributes: Record<string, unknown> = {}): ExperimentDecision {
  const [d] = engine.decideForEvent({ visitorId, attributes, experimentIds: [experimentId] });
  assert.ok(d);
  assert.equal(d.consistent, true, `reconstruction disagrees with the SDK:\n${d.reasons.join('\n')}`);
  return d;
}

const has = (d: ExperimentDecision, pattern: RegExp): void => assert.ok(d.reasons.some((r) => pattern.test(r)), `no reason matching ${pattern}:\n${d.reasons.join('\n')}`);

describe('decisions: shop sample (not running, audience, group, flag rules)', () => {
  const engine = createDecisionEngine(SHOP_TEXT);
  after(() => engine.close());
  const NA_SHOPPER = { country: 'US', cart_value: 80 };

  it('builds synchronously with the SDK ready', () => {
    assert.equal(engine.ready, true, engine.error);
    assert.equal(engine.revision, '87');
  });

  it('Paused, Archived and Not started experiments: not running, no variation, no impression', () => {
    for (const [id, status] of [
      ['21480040002', 'Paused'],
      ['21480040003', 'Archived'],
      ['21480040004', 'Not started'],
    ] as const) {
      const d = one(engine, id, 'visitor-1', NA_SHOPPER);
      assert.equal(d.status, status);
      assert.equal(d.notRunning, true);
      assert.equal(d.variationKey, null);
      assert.equal(d.variationId, null);
      assert.equal(d.impressionSent, false);
      assert.equal(d.ruleType, 'experiment');
      has(d, new RegExp(`Not running: status is "${status}"`));
      assert.equal(d.reasons[d.reasons.length - 1], `SDK decision: no variation (status "${status}", not running), so no impression is sent and this visitor's conversions do not count for the experiment.`);
      assert.ok(d.sdkReasons.some((r) => /is not running\.$/.test(r)), d.sdkReasons.join('\n'));
    }
  });

  it('audience failed: names the failing condition and the visitor value', () => {
    const d = one(engine, '21480040001', 'visitor-1', { country: 'FR', cart_value: 80 });
    assert.equal(d.variationKey, null);
    assert.equal(d.impressionSent, false);
    assert.equal(d.notRunning, false);
    assert.equal(d.audience.result, false);
    assert.equal(d.audience.conditions, '(country = "US" OR country = "CA") AND NOT (cart_value < 25)');
    assert.deepEqual(d.audience.failed, [
      'audience "North American shoppers": country = "US" → false (country is "FR")',
      'audience "North American shoppers": country = "CA" → false (country is "FR")',
    ]);
    has(d, /^Audience not matched: .*Failing: audience "North American shoppers": country = "US" → false \(country is "FR"\)/);
    assert.ok(d.sdkReasons.includes('Audiences for experiment checkout_button_color collectively evaluated to FALSE.'));
    assert.match(d.reasons[d.reasons.length - 1], /^SDK decision: no variation \(audience not matched\)/);

    // Under NOT: a matching small basket excludes the visitor.
    const small = one(engine, '21480040001', 'visitor-1', { country: 'US', cart_value: 10 });
    assert.deepEqual(small.audience.failed, ['audience "Small basket (under 25)": cart_value < 25 → true (cart_value is 10), but it is negated (NOT) here']);
  });

  it('audience matched: bucket value, range and variation; impression sent', () => {
    const d = one(engine, '21480040001', 'visitor-1', NA_SHOPPER);
    assert.equal(d.audience.result, true);
    assert.equal(d.audience.failed, undefined);
    assert.equal(d.bucketValue, bucketValueFor('visitor-1', '21480040001'));
    assert.ok(d.allocationRange);
    assert.equal(d.variationId, d.allocationRange.entityId);
    assert.ok(d.variationKey === 'control' || d.variationKey === 'green_button');
    assert.equal(d.impressionSent, true);
    has(d, /^Bucket value \d+ \(hash of visitor id "visitor-1" \+ id 21480040001\) falls in \[\d+, \d+\) → variation "/);
  });

  it('whitelisted (forcedVariations): forced, audience and traffic skipped', () => {
    const d = one(engine, '21480040001', 'qa-tester-1', { country: 'FR' });
    assert.equal(d.forced, true);
    assert.equal(d.variationKey, 'green_button');
    assert.equal(d.variationId, '21500060002');
    assert.equal(d.audience.result, false, 'the audience itself still fails');
    assert.equal(d.impressionSent, true);
    has(d, /^Whitelisted: forcedVariations puts visitor "qa-tester-1" in variation "green_button"/);
  });

  it('group exclusion: landed in the other member of the mutually exclusive group', () => {
    const visitor = findVisitor((id) => bucketValueFor(id, '21510070001') < 5000);
    const d = one(engine, '21480040007', visitor, { app_version: '4.0.0' });
    assert.equal(d.audience.result, true);
    assert.deepEqual(d.group, { id: '21510070001', policy: 'random', bucketValue: bucketValueFor(visitor, '21510070001'), landedIn: '21480040006' });
    assert.equal(d.variationKey, null);
    assert.equal(d.impressionSent, false);
    has(d, /^Excluded by mutually exclusive group 21510070001: group bucket value \d+ picked the other experiment "search_ranking_v2" \(21480040006\)/);
    assert.match(d.reasons[d.reasons.length - 1], /^SDK decision: no variation \(excluded by its mutually exclusive group\)/);
    assert.ok(d.sdkReasons.some((r) => /is not in experiment search_autocomplete of group 21510070001/.test(r)), d.sdkReasons.join('\n'));

    const winner = one(engine, '21480040006', visitor);
    assert.equal(winner.group?.landedIn, '21480040006');
    assert.notEqual(winner.variationKey, null);
    has(winner, /group bucket value \d+ picked this experiment/);
  });

  it('flag: the A/B rule delivers; the later delivery rules are not reached', () => {
    const attrs = { is_returning: true, plan: 'premium', app_version: '3.4.0' };
    const visitor = 'visitor-7';
    const [ab, td, everyone] = engine.decideForEvent({ visitorId: visitor, attributes: attrs, experimentIds: ['21480040005', '21540100001', '21540100002'] });
    assert.equal(ab.ruleType, 'ab-test');
    assert.equal(ab.flagKey, 'product_recommendations');
    assert.equal(ab.delivered, true);
    assert.notEqual(ab.variationKey, null);
    assert.equal(ab.impressionSent, true);
    assert.equal(ab.flagDecision?.source, 'feature-test');
    assert.equal(ab.flagDecision?.ruleKey, 'product_recs_test');
    has(ab, /^This rule delivered flag "product_recommendations"/);
    assert.ok(ab.sdkReasons.some((r) => /User visitor-7 is in variation .* of experiment product_recs_test\./.test(r)), ab.sdkReasons.join('\n'));
    for (const d of [td, everyone]) {
      assert.equal(d.delivered, false);
      assert.equal(d.variationKey, null);
      assert.equal(d.impressionSent, false);
      has(d, /^Not evaluated: A\/B test rule "product_recs_test" already delivered flag "product_recommendations"/);
      assert.match(d.reasons[d.reasons.length - 1], /^This rule gave the visitor nothing \(not reached: rule "product_recs_test" decided the flag first\)/);
    }
    assert.equal(td.ruleType, 'targeted-delivery');
    assert.equal(everyone.ruleType, 'rollout');
  });

  it('flag: audience fails on the A/B rule, so a later rollout rule delivers (and impressions follow sendFlagDecisions)', () => {
    const visitor = findVisitor((id) => bucketValueFor(id, '21540100001') < 5000);
    const attrs = { plan: 'premium', app_version: '3.4.0' }; // not returning: the A/B rule's audience fails
    const [ab, td] = engine.decideForEvent({ visitorId: visitor, attributes: attrs, experimentIds: ['21480040005', '21540100001'] });
    assert.equal(ab.delivered, false);
    assert.equal(ab.audience.result, false);
    has(ab, /^Flag "product_recommendations" was decided by targeted delivery rule "premium_app_users" instead: variation "grid"/);
    assert.equal(td.delivered, true);
    assert.equal(td.variationKey, 'grid');
    assert.equal(td.flagDecision?.source, 'rollout');
    assert.equal(td.impressionSent, true, 'shop has sendFlagDecisions: true');

    const noFlagDecisions = createDecisionEngine({ ...(JSON.parse(SHOP_TEXT) as ProjectConfig), sendFlagDecisions: false });
    try {
      const [ab2, td2] = noFlagDecisions.decideForEvent({ visitorId: visitor, attributes: attrs, experimentIds: ['21480040005', '21540100001'] });
      assert.equal(td2.delivered, true);
      assert.equal(td2.variationKey, 'grid');
      assert.equal(td2.impressionSent, false);
      has(td2, /^sendFlagDecisions is false in the datafile: the SDK sends no impression for rollout and targeted delivery decisions/);
      assert.equal(ab2.impressionSent, false);
    } finally {
      noFlagDecisions.close();
    }
  });

  it('flag: targeted delivery traffic miss skips to Everyone Else', () => {
    const visitor = findVisitor((id) => bucketValueFor(id, '21540100001') >= 5000);
    const [td, everyone] = engine.decideForEvent({ visitorId: visitor, attributes: { plan: 'premium', app_version: '3.4.0' }, experimentIds: ['21540100001', '21540100002'] });
    assert.equal(td.delivered, false);
    assert.equal(td.allocationRange, null);
    has(td, /^Traffic allocation miss: bucket value \d+ .* is at or above 5000, the end of the last traffic range, so the visitor is outside the 50% of traffic/);
    has(td, /goes straight to Everyone Else/);
    assert.equal(everyone.delivered, true);
    assert.equal(everyone.variationKey, 'off');
    assert.equal(everyone.flagDecision?.enabled, false);
    assert.equal(everyone.impressionSent, true);
  });

  it('unknown ids, duplicates and a rejected visitor id', () => {
    const decisions = engine.decideForEvent({ visitorId: 'v', experimentIds: ['nope', 'nope', '21480040001'] });
    assert.equal(decisions.length, 2);
    assert.equal(decisions[0].unknown, true);
    assert.equal(decisions[0].impressionSent, false);
    assert.match(decisions[0].reasons[0], /^No experiment or rule with id nope in the datafile \(revision 87\)/);
    const [bad] = engine.decideForEvent({ visitorId: 'undefined', experimentIds: ['21480040001'] });
    assert.equal(bad.variationKey, null);
    assert.match(bad.reasons[0], /the SDK rejects the user id "undefined"/);
  });

  it('$opt_bucketing_id replaces the visitor id for bucketing; a non-string one is ignored', () => {
    const d = one(engine, '21480040006', 'visitor-1', { $opt_bucketing_id: 'household-42' });
    assert.equal(d.bucketingId, 'household-42');
    assert.equal(d.bucketValue, bucketValueFor('household-42', '21480040006'));
    assert.equal(d.group?.bucketValue, bucketValueFor('household-42', '21510070001'));
    const ignored = one(engine, '21480040006', 'visitor-1', { $opt_bucketing_id: 42 });
    assert.equal(ignored.bucketingId, 'visitor-1');
    has(ignored, /^\$opt_bucketing_id is not a string \(42\)/);
  });
});

describe('decisions: java-sdk valid-project-config-v4 (groups, whitelisting, paused, traffic)', () => {
  const engine = createDecisionEngine(readFixture('java-sdk__valid-project-config-v4.json'));
  after(() => engine.close());

  it('a paused experiment ignores its whitelist', () => {
    const d = one(engine, '2667098701', 'Harry Potter');
    assert.equal(d.notRunning, true);
    assert.equal(d.forced, false);
    assert.equal(d.variationKey, null);
    has(d, /^Not running: status is "Paused"/);
  });

  it('whitelisting bypasses group exclusion and the audience', () => {
    // first_grouped_experiment: Harry Potter → A, even when the group bucket picks the other experiment or none.
    const d = one(engine, '2738374745', 'Harry Potter', {});
    assert.equal(d.forced, true);
    assert.equal(d.variationKey, 'A');
    assert.equal(d.impressionSent, true);
    assert.equal(d.audience.result, false);
  });

  it('group miss: the group bucket is above the group traffic (8000)', () => {
    const visitor = findVisitor((id) => bucketValueFor(id, '1015968292') >= 8000);
    const d = one(engine, '2738374745', visitor, { house: 'Gryffindor' });
    assert.equal(d.group?.landedIn, null);
    assert.equal(d.variationKey, null);
    has(d, /^Excluded by mutually exclusive group 1015968292: group bucket value \d+ is at or above 8000, the end of the group's traffic \(80%\)/);
  });

  it('traffic allocation miss: bucket value above the last endOfRange of an A/B rule (8000)', () => {
    const visitor = findVisitor((id) => bucketValueFor(id, '2201520193') >= 8000);
    const d = one(engine, '2201520193', visitor, { house: 'Slytherin' });
    assert.equal(d.ruleType, 'ab-test');
    assert.equal(d.flagKey, 'double_single_variable_feature');
    assert.equal(d.audience.result, true);
    assert.ok((d.bucketValue ?? 0) >= 8000);
    assert.equal(d.allocationRange, null);
    assert.deepEqual(d.allocation, [
      { entityId: '1505457580', endOfRange: 4000 },
      { entityId: '119616179', endOfRange: 8000 },
    ]);
    assert.equal(d.variationKey, null);
    assert.equal(d.delivered, false);
    assert.equal(d.impressionSent, false);
    has(d, /^Traffic allocation miss: bucket value \d+ \(hash of visitor id ".*" \+ id 2201520193\) is at or above 8000, the end of the last traffic range, so the visitor is outside the 80% of traffic in the experiment\./);
    has(d, /^No rule of flag "double_single_variable_feature" matched: the flag is off/);
    assert.match(d.reasons[d.reasons.length - 1], /^This rule gave the visitor nothing \(outside the traffic allocation\)/);
  });

  it('an experiment rule shared by two flags reports the flag it delivered for', () => {
    const d = one(engine, '3262035800', 'Fred', {});
    assert.equal(d.forced, true);
    assert.equal(d.variationKey, 'Fred');
    assert.equal(d.delivered, true);
    assert.equal(d.flagKey, 'multi_variate_feature');
    has(d, /\(also used by "multi_variate_future_feature"\)/);
  });

  it('a rollout rule reached after an A/B rule missed its audience', () => {
    // multi_variate_feature: experiment rule needs house = Gryffindor; the Slytherin visitor falls to rule 600050626 (Slytherins, 50%).
    const visitor = findVisitor((id) => bucketValueFor(id, '600050626') < 5000);
    const [ab, rule] = engine.decideForEvent({ visitorId: visitor, attributes: { house: 'Slytherin' }, experimentIds: ['3262035800', '600050626'] });
    assert.equal(ab.delivered, false);
    assert.equal(rule.delivered, true);
    assert.equal(rule.ruleType, 'targeted-delivery');
    assert.equal(rule.impressionSent, true);
    assert.equal(rule.flagDecision?.ruleId, '600050626');
  });
});

describe('decisions: holdouts, CMAB and datafiles without sendFlagDecisions', () => {
  it('a visitor in a global holdout gets nothing from the flag rules', () => {
    const engine = createDecisionEngine(readFixture('java-sdk__holdouts-project-config.json'));
    try {
      const visitor = findVisitor((id) => bucketValueFor(id, '10075323428') < 500);
      const d = one(engine, '3794675122', visitor);
      assert.equal(d.delivered, false);
      assert.equal(d.flagDecision?.source, 'holdout');
      assert.equal(d.flagDecision?.ruleKey, 'basic_holdout');
      assert.equal(d.impressionSent, false);
      has(d, /^Not evaluated: the visitor is in holdout "basic_holdout"/);
    } finally {
      engine.close();
    }
  });

  it('sendFlagDecisions missing (false): a delivered rollout rule sends no impression', () => {
    const engine = createDecisionEngine(readFixture('go-sdk__typed_audience_datafile.json'));
    try {
      const rule = engine.index.flagsByKey.get('feat_no_vars')?.rules[0];
      assert.ok(rule);
      const d = one(engine, rule.id, 'user1', { house: 'Gryffindor' });
      assert.equal(d.delivered, true);
      assert.equal(d.ruleType, 'rollout');
      assert.notEqual(d.variationKey, null);
      assert.equal(d.impressionSent, false);
      has(d, /^sendFlagDecisions is false/);
    } finally {
      engine.close();
    }
  });

  it('go decide datafile: a delivery rule with 0% traffic skips to Everyone Else', () => {
    const engine = createDecisionEngine(readFixture('go-sdk__decide-test-datafile.json'));
    try {
      const [ab, us, safari, everyone] = engine.decideForEvent({ visitorId: 'v1', attributes: { browser: 'safari', country: 'CA' }, experimentIds: ['10390977673', '3332020515', '3332020494', '18322080788'] });
      assert.equal(ab.audience.result, false);
      assert.equal(us.audience.result, false);
      has(us, /The SDK moves on to the next delivery rule\./);
      assert.equal(safari.audience.result, true);
      has(safari, /^Traffic allocation miss: .* outside the 0% of traffic/);
      assert.equal(everyone.delivered, true);
      assert.equal(everyone.impressionSent, true);
      // gender f: the experiment rule wins.
      const [ab2, , , everyone2] = engine.decideForEvent({ visitorId: 'v1', attributes: { gender: 'f' }, experimentIds: ['10390977673', '3332020515', '3332020494', '18322080788'] });
      assert.equal(ab2.delivered, true);
      assert.equal(ab2.variationKey, 'a');
      assert.equal(everyone2.delivered, false);
    } finally {
      engine.close();
    }
  });

  it('CMAB rules: bucketed into the CMAB traffic, but the variation is the prediction service’s', () => {
    const engine = createDecisionEngine(readFixture('android-sdk__test-app_datafile_full.json'));
    try {
      const cmab = engine.index.experimentsByKey.get('cmab-us-100');
      assert.ok(cmab);
      const d = one(engine, cmab.id, 'visitor-1', { country: 'us' });
      assert.equal(d.cmab, true);
      assert.equal(d.variationKey, null);
      assert.deepEqual(d.allocation?.[0]?.entityId, '$');
      assert.ok(d.reasons.some((r) => /prediction service/.test(r)), d.reasons.join('\n'));
    } finally {
      engine.close();
    }
  });
});

describe('decisions: robustness', () => {
  it('an experiment whose key is reused later cannot be activated by key', () => {
    const shop = JSON.parse(SHOP_TEXT) as ProjectConfig;
    shop.rollouts[0].experiments[1].key = 'checkout_button_color';
    const engine = createDecisionEngine(shop);
    try {
      const d = one(engine, '21480040001', 'visitor-1', { country: 'US', cart_value: 80 });
      assert.equal(d.variationKey, null);
      assert.equal(d.impressionSent, false);
      has(d, /^Key "checkout_button_color" is also used by rollout rule 21540100002/);
    } finally {
      engine.close();
    }
  });

  it('never prints, and reports datafiles the SDK rejects', () => {
    const original = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug, out: process.stdout.write, err: process.stderr.write };
    const printed: string[] = [];
    const capture = (...args: unknown[]): boolean => {
      printed.push(args.map(String).join(' '));
      return true;
    };
    console.log = console.info = console.warn = console.error = console.debug = capture;
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    const results: Array<{ ready: boolean; error?: string; decision: ExperimentDecision }> = [];
    try {
      const bad: Array<string | ProjectConfig> = [
        '{not json',
        JSON.stringify({ ...(JSON.parse(SHOP_TEXT) as ProjectConfig), version: '5' }),
        JSON.stringify({ ...(JSON.parse(SHOP_TEXT) as ProjectConfig), audiences: [{ id: '1', name: 'x', conditions: '[not json' }] }),
      ];
      for (const datafile of bad) {
        const engine = createDecisionEngine(datafile);
        const [decision] = engine.decideForEvent({ visitorId: 'v', attributes: { country: 'US' }, experimentIds: ['21480040001'] });
        results.push({ ready: engine.ready, ...(engine.error !== undefined ? { error: engine.error } : {}), decision });
        engine.close();
      }
      // And a normal engine through every path.
      const engine = createDecisionEngine(SHOP_TEXT);
      const ids = engine.index.events.flatMap((e) => e.event.experimentIds ?? []);
      engine.decideForEvent({ visitorId: 'v', attributes: { country: 'US', nested: { a: 1 }, missing: undefined }, experimentIds: [...ids, '21540100001', '21540100002'] });
      engine.close();
    } finally {
      console.log = original.log;
      console.info = original.info;
      console.warn = original.warn;
      console.error = original.error;
      console.debug = original.debug;
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    }
    assert.deepEqual(printed, []);
    assert.equal(results.length, 3);
    for (const r of results) {
      assert.equal(r.ready, false);
      assert.ok(r.error && r.error.length > 0);
      assert.equal(r.decision.variationKey, null);
      assert.equal(r.decision.impressionSent, false);
      assert.match(r.decision.reasons[0], /^The Optimizely SDK could not load this datafile: /);
    }
    assert.match(results[0].error ?? '', /not valid JSON/);
    assert.match(results[1].error ?? '', /does not support the given datafile version: 5/);
  });
});
