/**
 * buildDatafileIndex and its helpers, asserted on facts of the real fixture datafiles.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildDatafileIndex,
  damerauLevenshtein,
  decisionRuleType,
  describeAudience,
  describeAudienceConditions,
  describeExperimentAudiences,
  editDistanceLimit,
  isRunning,
  nearestKeys,
  type DatafileIndex,
  type IndexedExperiment,
  type ProjectConfig,
} from '../../src/core/datafile/index';

const DATAFILES_DIR = path.join(__dirname, '..', 'fixtures', 'datafiles');

function load(file: string): ProjectConfig {
  return JSON.parse(fs.readFileSync(path.join(DATAFILES_DIR, file), 'utf8')) as ProjectConfig;
}

function index(file: string): DatafileIndex {
  return buildDatafileIndex(load(file));
}

const keys = (list: readonly IndexedExperiment[]): string[] => list.map((e) => e.key);

describe('datafile index: java-sdk valid-project-config-v4', () => {
  const idx = index('java-sdk__valid-project-config-v4.json');

  it('finds the one event attached to 5 experiments, resolving group members', () => {
    const withFive = idx.events.filter((e) => e.experiments.length === 5);
    assert.deepEqual(
      withFive.map((e) => e.key),
      ['basic_event'],
    );
    const experiments = withFive[0].experiments;
    assert.deepEqual(keys(experiments), ['basic_experiment', 'first_grouped_experiment', 'second_grouped_experiment', 'multivariate_experiment', 'launched_experiment']);
    assert.deepEqual(withFive[0].missingExperimentIds, []);
    assert.deepEqual(keys(idx.experimentsForEvent('basic_event')), keys(experiments));
    assert.deepEqual(idx.experimentsForEvent('no_such_event'), []);
  });

  it('resolves group members with their group', () => {
    const first = idx.experimentsByKey.get('first_grouped_experiment');
    assert.ok(first);
    assert.equal(first.source, 'groups');
    assert.equal(first.group?.id, '1015968292');
    assert.equal(first.group?.policy, 'random');
    assert.equal(first.pointer, '/groups/0/experiments/0');
    assert.equal(idx.experimentsById.get('3042640549')?.group?.id, '1015968292');
    assert.equal(idx.experimentsById.get('1323241596')?.group, undefined);
    const group = idx.groupsById.get('2606208781');
    assert.ok(group);
    assert.equal(group.pointer, '/groups/1');
    assert.deepEqual(keys(group.experiments), ['mutex_group_2_experiment_1', 'mutex_group_2_experiment_2']);
    assert.ok(group.experiments.every((e) => e.group === group.group));
  });

  it('knows which experiments are running', () => {
    assert.equal(isRunning(idx.experimentsByKey.get('basic_experiment')!), true);
    assert.equal(isRunning(idx.experimentsByKey.get('paused_experiment')!), false);
    assert.equal(isRunning(idx.experimentsByKey.get('launched_experiment')!.experiment), false); // "Launched" is not "Running"
    assert.equal(isRunning({ status: 'running' }), false); // exact case only
    assert.deepEqual(
      idx.experimentsForEvent('event_with_launched_experiments_only').map((e) => [e.key, isRunning(e)]),
      [['launched_experiment', false]],
    );
  });

  it('maps experiments back to the events that are their metrics', () => {
    assert.deepEqual(
      idx.eventsForExperiment('3072915611').map((e) => e.key),
      ['basic_event', 'event_with_launched_experiments_only'],
    );
    assert.deepEqual(idx.experimentsByKey.get('typed_audience_experiment')?.metricEvents, []);
    assert.deepEqual(idx.eventsForExperiment('nope'), []);
  });

  it('indexes events by key and id', () => {
    assert.equal(idx.eventsByKey.get('event_with_paused_experiment')?.id, '3195631717');
    assert.equal(idx.eventsById.get('1987018666')?.key, 'event_with_launched_experiments_only');
    assert.equal(idx.eventsByKey.get('basic_event')?.pointer, '/events/0');
  });

  it('annotates flag rules with flag, rule key and rule type', () => {
    const multivariate = idx.experimentsByKey.get('multivariate_experiment');
    assert.ok(multivariate);
    assert.equal(multivariate.ruleType, 'ab-test');
    assert.equal(multivariate.flagKey, 'multi_variate_feature');
    assert.deepEqual(multivariate.flagKeys, ['multi_variate_feature', 'multi_variate_future_feature']);
    assert.equal(multivariate.ruleKey, 'multivariate_experiment');
    assert.equal(idx.experimentsByKey.get('basic_experiment')?.ruleType, 'experiment'); // no flag uses it
    assert.equal(idx.experimentsByKey.get('basic_experiment')?.flagKey, undefined);

    const flag = idx.flagsByKey.get('multi_variate_feature');
    assert.ok(flag);
    assert.deepEqual(keys(flag.rules), ['multivariate_experiment', '3421010877', '600050626', '2637642575', '828245624']);
    assert.deepEqual(
      flag.rules.map((r) => r.ruleType),
      ['ab-test', 'targeted-delivery', 'targeted-delivery', 'targeted-delivery', 'rollout'],
    );
    assert.equal(flag.everyoneElse?.key, '828245624');
    assert.equal(flag.everyoneElse?.isEveryoneElse, true);
    assert.equal(flag.rollout?.id, '813411034');
    assert.deepEqual(flag.rules[0].variationsByKey.get('Gred'), { id: '4204375027', key: 'Gred', featureEnabled: false, variables: flag.rules[0].experiment.variations[2].variables });
    assert.deepEqual(
      flag.variations.map((v) => v.key),
      ['Fred', 'Feorge', 'Gred', 'George', '521740985', '180042646', '2346257680', '3137445031'],
    );
    const rolloutRule = idx.experimentsById.get('600050626');
    assert.equal(rolloutRule?.source, 'rollouts');
    assert.equal(rolloutRule?.rollout?.id, '813411034');
    assert.deepEqual(rolloutRule?.flagKeys, ['multi_variate_feature', 'multi_variate_future_feature']);

    const mutex = idx.flagsByKey.get('mutex_group_feature');
    assert.deepEqual(keys(mutex?.rules ?? []), ['mutex_group_2_experiment_1', 'mutex_group_2_experiment_2']);
    assert.ok(mutex?.rules.every((r) => r.group?.id === '2606208781' && r.ruleType === 'ab-test'));
    assert.equal(mutex?.everyoneElse, undefined);
    assert.equal(idx.flagsByKey.get('boolean_feature')?.rules.length, 0);
  });

  it('maps rule types to the rule_type of decision metadata', () => {
    assert.equal(decisionRuleType('ab-test'), 'feature-test');
    assert.equal(decisionRuleType('experiment'), 'experiment');
    assert.equal(decisionRuleType('targeted-delivery'), 'rollout');
    assert.equal(decisionRuleType('rollout'), 'rollout');
  });

  it('indexes attributes by key (including the empty key) and by id (first wins)', () => {
    assert.equal(idx.attributesByKey.get('house')?.id, '553339214');
    assert.equal(idx.attributesByKey.get('$opt_test')?.id, '583394100');
    assert.equal(idx.attributesByKey.get('')?.id, '808797686');
    assert.equal(idx.attributesById.get('808797686')?.key, 'doubleKey');
  });

  it('prefers typedAudiences over legacy audiences with the same id', () => {
    const slytherins = idx.audiencesById.get('3988293898');
    assert.ok(slytherins);
    assert.equal(slytherins.source, 'typedAudiences');
    assert.equal(slytherins.pointer, '/typedAudiences/5');
    assert.equal(describeAudience('3988293898', idx), 'house contains "Slytherin"'); // the legacy entry says exact
    assert.equal(idx.audiencesById.size, 8);
    assert.ok([...idx.audiencesById.values()].every((a) => a.source === 'typedAudiences' && !a.isPlaceholder));
  });

  it('is pure: the datafile is not modified and builds are independent', () => {
    const datafile = load('java-sdk__valid-project-config-v4.json');
    const before = JSON.stringify(datafile);
    const a = buildDatafileIndex(datafile);
    const b = buildDatafileIndex(datafile);
    assert.equal(JSON.stringify(datafile), before);
    assert.notEqual(a.eventsByKey, b.eventsByKey);
    assert.equal(a.revision, '1480511547');
    assert.equal(a.datafile, datafile);
  });
});

describe('datafile index: swift-sdk optimizely_6372300739_v4', () => {
  const idx = index('swift-sdk__optimizely_6372300739_v4.json');

  it('finds the event attached to 50 experiments and the event attached to none', () => {
    const fifty = idx.events.filter((e) => e.experiments.length === 50);
    assert.deepEqual(
      fifty.map((e) => e.key),
      ['testEventWithMultipleExperiments'],
    );
    assert.deepEqual(fifty[0].missingExperimentIds, []);
    // 48 top-level experiments + the 2 members of the mutually exclusive group.
    const grouped = fifty[0].experiments.filter((e) => e.group !== undefined);
    assert.deepEqual(keys(grouped).sort(), ['mutex_exp1', 'mutex_exp2']);
    assert.ok(grouped.every((e) => e.group?.id === '6455220163'));
    assert.equal(new Set(fifty[0].experiments.map((e) => e.id)).size, 50);

    const none = idx.events.filter((e) => e.experiments.length === 0);
    assert.deepEqual(
      none.map((e) => e.key),
      ['testEventWithoutExperiments'],
    );
    assert.deepEqual(idx.experimentsForEvent('testEventWithoutExperiments'), []);
  });

  it('resolves the grouped-experiments event', () => {
    const experiments = idx.experimentsForEvent('testEventWithMultipleGroupedExperiments');
    assert.ok(experiments.length > 0);
    assert.ok(experiments.every((e) => e.group?.id === '6455220163'));
  });

  it('marks the paused experiment as not running', () => {
    const [paused] = idx.experimentsForEvent('testEventWithExperimentNotRunning');
    assert.equal(paused.key, 'testExperimentNotRunning');
    assert.equal(isRunning(paused), false);
  });
});

describe('datafile index: go-sdk decide-test-datafile', () => {
  const idx = index('go-sdk__decide-test-datafile.json');

  it('orders flag rules: experiment rules, then delivery rules, last = Everyone Else', () => {
    const feature1 = idx.flagsByKey.get('feature_1');
    assert.ok(feature1);
    assert.deepEqual(keys(feature1.experimentRules), ['exp_with_audience']);
    assert.deepEqual(keys(feature1.deliveryRules), ['3332020515', '3332020494', '18322080788']);
    assert.deepEqual(keys(feature1.rules), ['exp_with_audience', '3332020515', '3332020494', '18322080788']);
    assert.deepEqual(
      feature1.rules.map((r) => r.ruleType),
      ['ab-test', 'targeted-delivery', 'targeted-delivery', 'rollout'],
    );
    assert.deepEqual(
      feature1.rules.map((r) => r.isEveryoneElse),
      [false, false, false, true],
    );
    assert.equal(feature1.everyoneElse?.key, '18322080788');
    assert.deepEqual(
      feature1.rules.map((r) => [...r.variationsByKey.keys()]),
      [['a', 'b'], ['3324490633'], ['3324490562'], ['18257766532']],
    );
    assert.ok(feature1.rules.every((r) => r.flagKey === 'feature_1'));

    const feature2 = idx.flagsByKey.get('feature_2');
    assert.deepEqual(keys(feature2?.rules ?? []), ['exp_no_audience']);
    assert.equal(feature2?.rollout, undefined);
    assert.equal(feature2?.everyoneElse, undefined);
    assert.equal(feature2?.missingRollout, false);
    assert.deepEqual(idx.flagsByKey.get('feature_3')?.rules, []);
  });

  it('resolves the event attached to two running experiments', () => {
    assert.deepEqual(keys(idx.experimentsForEvent('event_multiple_running_exp_attached')), ['exp_no_audience', 'exp_with_audience']);
    assert.ok(idx.experimentsForEvent('event_multiple_running_exp_attached').every(isRunning));
  });

  it('keeps group experiments no flag uses as plain experiments', () => {
    const group = idx.groupsById.get('13142870430');
    assert.deepEqual(
      group?.experiments.map((e) => [e.key, e.ruleType, e.source]),
      [
        ['group_exp_1', 'experiment', 'groups'],
        ['group_exp_2', 'experiment', 'groups'],
      ],
    );
  });

  it('describes the deliberately broken audiences without throwing', () => {
    assert.equal(describeAudience('invalid_type', idx), 'age > 18 [unsupported condition type "invalid", never matches]');
    assert.equal(describeAudience('invalid_match', idx), 'age invalid 18 [unknown match type, never matches]');
    assert.equal(describeAudience('nil_value', idx), 'age > (no value)');
    assert.equal(describeAudience('invalid_name', idx), '(no attribute name) > 18');
    assert.equal(describeAudience('invalid_format', idx), 'no one'); // "[]": an empty implicit OR never matches
    assert.equal(describeAudience('nope', idx), 'unknown audience "nope"');
  });
});

describe('datafile index: android-sdk test-app datafile (current export shape)', () => {
  const idx = index('android-sdk__test-app_datafile_full.json');

  it('uses typedAudiences over the $opt_dummy placeholders and keeps legacy-only audiences', () => {
    const adult = idx.audiencesById.get('5858222435729408');
    assert.equal(adult?.source, 'typedAudiences');
    assert.equal(adult?.isPlaceholder, false);
    assert.equal(describeAudience('5858222435729408', idx), 'age > 20');
    const us = idx.audiencesById.get('6410748172173312');
    assert.equal(us?.source, 'audiences');
    assert.equal(describeAudience('6410748172173312', idx), 'country = "us"');
    assert.equal(idx.audiencesById.get('$opt_dummy_audience')?.isPlaceholder, true);
  });

  it('lists CMAB flag rules before the default rollout', () => {
    const flag = idx.flagsByKey.get('cmab-flag');
    assert.deepEqual(keys(flag?.rules ?? []), ['cmab-adult-50', 'cmab-us-100', 'default-rollout-493052-651764011129706']);
    assert.equal(flag?.everyoneElse?.key, 'default-rollout-493052-651764011129706');
    assert.deepEqual(flag?.rules[0].experiment.cmab, { attributeIds: ['4573047072489472'], trafficAllocation: 5000 });
    assert.deepEqual(
      keys(idx.experimentsForEvent('e1')),
      ['e1', 'cmab-adult-50', 'cmab-us-100'],
    );
  });
});

describe('datafile index: tolerance', () => {
  it('builds from a version 2 datafile without flags or rollouts', () => {
    const datafile = load('java-sdk__valid-project-config-v4.json') as Partial<ProjectConfig> & ProjectConfig;
    const v2 = { ...datafile, version: '2' } as Partial<ProjectConfig>;
    delete v2.featureFlags;
    delete v2.rollouts;
    delete v2.typedAudiences;
    const idx = buildDatafileIndex(v2 as ProjectConfig);
    assert.equal(idx.flagsByKey.size, 0);
    assert.equal(idx.experimentsForEvent('basic_event').length, 5);
    assert.equal(idx.audiencesById.get('3988293898')?.source, 'audiences');
    assert.equal(describeAudience('3988293898', idx), 'house = "Slytherin"');
  });

  it('keeps the first of duplicate event keys (Segment) and records the duplicate', () => {
    const datafile = load('segment-actions-mock-datafile.json');
    datafile.events.push({ id: '1', key: 'Product List Clicked', experimentIds: [] });
    const idx = buildDatafileIndex(datafile);
    assert.equal(idx.eventsByKey.get('Product List Clicked')?.id, '22020998834');
    assert.equal(idx.events[3].duplicateOf, 1);
    assert.equal(idx.events[1].duplicateOf, undefined);
    assert.equal(idx.eventsById.get('1')?.key, 'Product List Clicked');
  });

  it('reports event experiment ids that resolve to nothing', () => {
    const datafile = load('segment-actions-mock-datafile.json');
    datafile.events[0].experimentIds = ['22406922845', 'gone'];
    const event = buildDatafileIndex(datafile).eventsByKey.get('Test');
    assert.deepEqual(keys(event?.experiments ?? []), ['action-dest-exp']);
    assert.deepEqual(event?.missingExperimentIds, ['gone']);
  });

  it('gives top-level experiments priority over rollout rules with the same key', () => {
    const datafile = load('java-sdk__valid-project-config-v4.json');
    datafile.rollouts[0].experiments[0].key = 'basic_experiment';
    const idx = buildDatafileIndex(datafile);
    assert.equal(idx.experimentsByKey.get('basic_experiment')?.source, 'experiments');
    assert.equal(idx.experimentsById.get('1785077004')?.key, 'basic_experiment');
    assert.equal(idx.flagsByKey.get('string_single_variable_feature')?.rules[0].id, '1785077004');
  });

  it('does not treat prototype names as event keys', () => {
    const idx = index('segment-actions-mock-datafile.json');
    assert.equal(idx.eventsByKey.get('constructor'), undefined);
    assert.deepEqual(idx.experimentsForEvent('toString'), []);
  });
});

describe('nearestEventKeys', () => {
  const segment = index('segment-actions-mock-datafile.json');
  const swift = index('swift-sdk__optimizely_6372300739_v4.json');

  it('puts a case-only difference first', () => {
    assert.deepEqual(segment.nearestEventKeys('product list clicked'), [{ key: 'Product List Clicked', reason: 'case', distance: 3, score: 1 }]);
    assert.deepEqual(
      segment.nearestEventKeys('test').map((s) => [s.key, s.reason]),
      [['Test', 'case']],
    );
  });

  it('matches a trailing space or doubled inner whitespace', () => {
    assert.deepEqual(segment.nearestEventKeys('Product List Clicked '), [{ key: 'Product List Clicked', reason: 'whitespace', distance: 1, score: 2 }]);
    assert.deepEqual(
      segment.nearestEventKeys(' Product  List Clicked').map((s) => s.reason),
      ['whitespace'],
    );
  });

  it('matches the same words with other separators', () => {
    assert.deepEqual(
      segment.nearestEventKeys('product_list_clicked').map((s) => [s.key, s.reason]),
      [['Product List Clicked', 'separators']],
    );
    assert.deepEqual(
      swift.nearestEventKeys('test_event_without_experiments').map((s) => [s.key, s.reason]),
      [
        ['testEventWithoutExperiments', 'separators'],
        ['testEventWithMultipleExperiments', 'edit-distance'], // 6 edits on the separator-free form, limit 9
      ],
    );
  });

  it('suggests typos within the Damerau-Levenshtein limit', () => {
    assert.deepEqual(segment.nearestEventKeys('Product Lsit Clicked'), [{ key: 'Product List Clicked', reason: 'edit-distance', distance: 1, score: 11 }]);
    assert.deepEqual(
      swift.nearestEventKeys('tesEvnet').map((s) => [s.key, s.reason, s.distance]),
      [['testEvent', 'edit-distance', 2]],
    );
    assert.deepEqual(segment.nearestEventKeys('Checkout Started'), []);
    assert.deepEqual(
      segment.nearestEventKeys('product-list-clickd').map((s) => [s.key, s.reason]),
      [['Product List Clicked', 'edit-distance']], // 1 edit once separators are ignored
    );
  });

  it('sorts by score and honours n', () => {
    const ranked = swift.nearestEventKeys('TestEvent');
    assert.equal(ranked[0].key, 'testEvent');
    assert.equal(ranked[0].reason, 'case');
    const many = nearestKeys('order', ['Order', 'order ', 'ordr', 'orders', 'order'], 10);
    assert.deepEqual(
      many.map((s) => [s.key, s.reason]),
      [
        ['order', 'exact'],
        ['Order', 'case'],
        ['order ', 'whitespace'],
        ['orders', 'edit-distance'], // ties (one edit each) are alphabetical
        ['ordr', 'edit-distance'],
      ],
    );
    assert.equal(nearestKeys('order', ['Order', 'order ', 'ordr'], 2).length, 2);
    assert.equal(segment.nearestEventKeys('Test', 0).length, 0);
  });

  it('uses max(2, 30% of the length) as the edit-distance limit', () => {
    assert.equal(editDistanceLimit('ab'), 2);
    assert.equal(editDistanceLimit('x'.repeat(20)), 6);
    assert.deepEqual(
      nearestKeys('abcdefghij', ['abcdefgXYZ', 'abcdefghXY']).map((s) => s.key),
      ['abcdefghXY', 'abcdefgXYZ'],
    );
    assert.deepEqual(
      nearestKeys('abcdefghij', ['abcdeWXYZj']).map((s) => s.key),
      [],
    );
  });

  it('computes the unrestricted Damerau-Levenshtein distance', () => {
    assert.equal(damerauLevenshtein('', ''), 0);
    assert.equal(damerauLevenshtein('', 'abc'), 3);
    assert.equal(damerauLevenshtein('abc', 'abc'), 0);
    assert.equal(damerauLevenshtein('ab', 'ba'), 1);
    assert.equal(damerauLevenshtein('ca', 'abc'), 2); // 3 with the restricted (OSA) variant
    assert.equal(damerauLevenshtein('kitten', 'sitting'), 3);
    assert.equal(damerauLevenshtein('café', 'cafe'), 1);
  });
});

describe('describeAudienceConditions', () => {
  const idx = index('go-sdk__typed_audience_datafile.json');

  it('renders an audienceConditions tree with the typed audience conditions', () => {
    const experiment = idx.experimentsByKey.get('audience_combinations_experiment');
    assert.ok(experiment);
    assert.equal(
      describeAudienceConditions(experiment.experiment.audienceConditions, idx),
      '(house = "Gryffindor" OR house contains "Slytherin") AND (favorite_ice_cream exists OR lasers = 45.5 OR lasers > 70 OR lasers < 1 OR should_do_it = true)',
    );
    assert.equal(
      describeAudienceConditions(experiment.experiment.audienceConditions, idx, { audiences: 'name' }),
      '(audience "exactString" OR audience "substringString") AND (audience "exists" OR audience "exactNumber" OR audience "gtNumber" OR audience "ltNumber" OR audience "exactBoolean")',
    );
  });

  it('uses audienceIds as an OR when there are no audienceConditions', () => {
    const experiment = idx.experimentsByKey.get('typed_audience_experiment');
    assert.ok(experiment);
    assert.equal(experiment.experiment.audienceConditions, undefined);
    assert.equal(
      describeExperimentAudiences(experiment.experiment, idx),
      'house = "Gryffindor" OR house contains "Slytherin" OR favorite_ice_cream exists OR lasers = 45.5 OR lasers > 70 OR lasers < 1 OR should_do_it = true',
    );
    assert.equal(describeExperimentAudiences(idx.experimentsByKey.get('feat_with_var_rule')!.experiment, idx), 'everyone');
  });

  it('renders NOT, legacy JSON-string audiences and single audience ids', () => {
    assert.equal(describeAudience('3468206648', idx), 'NOT (input_value exists)');
    assert.equal(describeAudience('3468206645', idx), 'NOT (browser_type = "Chrome")'); // legacy audience, string conditions
    assert.equal(describeAudienceConditions('3468206647', idx), 'lasers > 70');
    assert.equal(describeAudienceConditions(['or', '3468206647', 'nope'], idx), 'lasers > 70 OR unknown audience "nope"');
    assert.equal(describeAudienceConditions(['not', ['or', '3468206647', '3468206644']], idx), 'NOT (lasers > 70 OR lasers < 1)');
    assert.equal(describeAudienceConditions(['3468206647', '3468206644'], idx), 'lasers > 70 OR lasers < 1'); // implicit OR
  });

  it('renders typed conditions given directly, like the brief example', () => {
    const tree = [
      'and',
      { type: 'custom_attribute', name: 'plan', match: 'exact', value: 'pro' },
      ['or', { type: 'custom_attribute', name: 'country', value: 'US' }, { type: 'custom_attribute', name: 'cart_value', match: 'gt', value: 50 }],
    ];
    assert.equal(describeAudienceConditions(tree, idx), 'plan = "pro" AND (country = "US" OR cart_value > 50)');
    assert.equal(describeAudienceConditions(JSON.stringify(tree), idx), 'plan = "pro" AND (country = "US" OR cart_value > 50)');
    assert.equal(
      describeAudienceConditions(
        [
          'or',
          { type: 'custom_attribute', name: 'app_version', match: 'semver_ge', value: '2.1' },
          { type: 'third_party_dimension', name: 'odp.audiences', match: 'qualified', value: 'vip' },
          { type: 'custom_attribute', name: 'first name', match: 'le', value: 3 },
        ],
        idx,
      ),
      'app_version >= version "2.1" OR qualified for segment "vip" OR "first name" <= 3',
    );
  });

  it('renders empty conditions by level', () => {
    assert.equal(describeAudienceConditions([], idx), 'everyone');
    assert.equal(describeAudienceConditions(undefined, idx), 'everyone');
    assert.equal(describeAudienceConditions([], idx, { level: 'audience' }), 'no one');
    assert.equal(describeAudienceConditions(['and', ['or'], '3468206647'], idx), 'no one AND lasers > 70');
  });
});
