/**
 * The datafile JSON Schema (schemas/datafile.schema.json) and validateDatafile's semantic checks:
 * every real datafile in test/fixtures/datafiles validates (two documented exceptions), and targeted
 * broken datafiles give the expected pointer and message.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATAFILE_SCHEMA, isValidDatafile, validateDatafile, type DatafileProblem } from '../../src/core/datafile/schema';

const DATAFILES_DIR = path.join(__dirname, '..', 'fixtures', 'datafiles');
const SCHEMA_FILE = path.join(__dirname, '..', '..', 'schemas', 'datafile.schema.json');

// The tests mutate deep clones of real datafiles; a loose record type keeps those edits short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test fixtures are edited freely as untyped JSON
type Json = any;

function load(file: string): Json {
  return JSON.parse(fs.readFileSync(path.join(DATAFILES_DIR, file), 'utf8'));
}

/** A fresh copy of the richest fixture (Java SDK valid-project-config-v4). */
function java(): Json {
  return load('java-sdk__valid-project-config-v4.json');
}

function problemAt(problems: DatafileProblem[], pointer: string): DatafileProblem {
  const found = problems.filter((p) => p.pointer === pointer);
  assert.equal(found.length, 1, `expected exactly one problem at ${JSON.stringify(pointer)}, got ${JSON.stringify(problems, null, 2)}`);
  return found[0];
}

/**
 * Real datafiles that legitimately fail a semantic check, with the reason.
 * Everything else in the folder must validate with no problem at all.
 */
const EXPECTED_FIXTURE_PROBLEMS: Record<string, { why: string; problems: Array<{ pointer: string; message: RegExp }> }> = {
  'go-sdk__decide-test-datafile.json': {
    why:
      'The Go SDK decide-test project deliberately contains broken legacy audiences (invalid_type, invalid_match, invalid_name) ' +
      'to test that the SDK treats them as non-matching; their JSON-encoded conditions fail the condition structure check.',
    problems: [
      { pointer: '/audiences/6/conditions', message: /^The JSON-encoded conditions of audience "invalid_type" \(id "invalid_type"\) are invalid: conditions\[1\]\[1\]\[1\] \("age"\)\.type must be "custom_attribute" or "third_party_dimension", but it is the string "invalid"\.$/ },
      { pointer: '/audiences/7/conditions', message: /^The JSON-encoded conditions of audience "invalid_match" .*conditions\[1\]\[1\]\[1\] \("age"\)\.match must be "exact", .* or "qualified", but it is the string "invalid"\.$/ },
      { pointer: '/audiences/9/conditions', message: /^The JSON-encoded conditions of audience "invalid_name" .*conditions\[1\]\[1\]\[1\] is missing the required property "name"/ },
    ],
  },
  'swift-sdk__optimizely_6372300739_v4.json': {
    why:
      'The Swift test datafile copied its rollouts from the Java SDK test project but not the audiences those rollout rules use ' +
      '(3468206642, 3988293898, 4194404272 are not in its audiences), so these delivery rules can never match.',
    problems: [
      { pointer: '/rollouts/1/experiments/0/audienceIds/0', message: /^Rollout rule "3421010877" refers to audience id "3468206642", which is not defined in audiences or typedAudiences\./ },
      { pointer: '/rollouts/1/experiments/1/audienceIds/0', message: /^Rollout rule "600050626" refers to audience id "3988293898"/ },
      { pointer: '/rollouts/1/experiments/2/audienceIds/0', message: /^Rollout rule "2637642575" refers to audience id "4194404272"/ },
    ],
  },
};

describe('datafile schema: real datafiles', () => {
  const files = fs.readdirSync(DATAFILES_DIR).filter((f) => f.endsWith('.json')).sort();

  it('finds the fixture datafiles', () => {
    assert.ok(files.length >= 8, `only ${files.length} datafiles found`);
  });

  for (const file of files) {
    const expected = EXPECTED_FIXTURE_PROBLEMS[file];
    if (expected === undefined) {
      it(`${file} validates with no problems`, () => {
        assert.deepEqual(validateDatafile(load(file)), []);
      });
    } else {
      it(`${file} has only its known problems (${expected.why})`, () => {
        const problems = validateDatafile(load(file));
        assert.equal(problems.length, expected.problems.length, JSON.stringify(problems, null, 2));
        expected.problems.forEach((want, i) => {
          assert.equal(problems[i].pointer, want.pointer);
          assert.match(problems[i].message, want.message);
        });
      });
    }
  }

  it('a version 2 datafile (no featureFlags / rollouts) is accepted', () => {
    const d = java();
    d.version = '2';
    delete d.featureFlags;
    delete d.rollouts;
    assert.deepEqual(validateDatafile(d), []);
  });

  it('unknown extra fields are allowed everywhere', () => {
    const d = java();
    d.someFutureField = { nested: true };
    d.events[0].someFutureField = 1;
    d.experiments[0].someFutureField = [];
    d.experiments[0].variations[0].someFutureField = 'x';
    d.experiments[0].trafficAllocation[0].someFutureField = null;
    d.groups[0].someFutureField = 'x';
    d.featureFlags[0].someFutureField = 'x';
    d.rollouts[0].experiments[0].someFutureField = 'x';
    d.typedAudiences[0].conditions[1][1][1].someFutureField = 'x';
    d.integrations[0].someFutureField = 'x';
    assert.deepEqual(validateDatafile(d), []);
  });
});

describe('datafile schema: the schema itself', () => {
  it('is draft-07 and DATAFILE_SCHEMA is the JSON file', () => {
    const onDisk = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    assert.equal(onDisk.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(DATAFILE_SCHEMA, onDisk);
  });

  it('gives every property and every definition a description (editors show them on hover)', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) {
        node.forEach((n, i) => walk(n, `${where}/${i}`));
        return;
      }
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      for (const container of ['properties', 'definitions']) {
        const children = record[container];
        if (typeof children !== 'object' || children === null) continue;
        for (const [name, child] of Object.entries(children)) {
          const description = (child as Record<string, unknown>).description;
          if (typeof description !== 'string' || description.length < 5) missing.push(`${where}/${container}/${name}`);
        }
      }
      for (const [key, value] of Object.entries(record)) walk(value, `${where}/${key}`);
    };
    walk(DATAFILE_SCHEMA, '#');
    assert.deepEqual(missing, []);
  });

  it('covers flags, rollouts, typed audiences, groups, holdouts, integrations, region and cmab', () => {
    const definitions = (DATAFILE_SCHEMA.definitions ?? {}) as Record<string, unknown>;
    for (const name of ['featureFlag', 'rollout', 'audience', 'audienceConditions', 'conditionLeaf', 'group', 'holdout', 'integration', 'cmab']) {
      assert.ok(name in definitions, `definition ${name} missing`);
    }
    const properties = DATAFILE_SCHEMA.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(properties.region.enum, ['US', 'EU']);
  });
});

describe('datafile schema: targeted invalid datafiles', () => {
  it('rejects a value that is not an object, with a hint for raw text', () => {
    const problems = validateDatafile('// This Optimizely project has been deactivated. Visit app.optimizely.com to activate it.');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].pointer, '');
    assert.match(problems[0].message, /^The datafile must be a JSON object, but it is the string "\/\/ This Optimizely project/);
    assert.match(problems[0].message, /JSON\.parse/);
    assert.deepEqual(validateDatafile(null), [{ pointer: '', message: 'The datafile must be a JSON object, but it is null.' }]);
    assert.equal(validateDatafile([]).length, 1);
  });

  it('collects ALL missing top-level properties at the root pointer', () => {
    const problems = validateDatafile({});
    assert.deepEqual(
      problems.map((p) => p.pointer),
      ['', '', '', '', '', '', '', '', ''],
    );
    assert.deepEqual(
      problems.map((p) => /"(\w+)"/.exec(p.message)?.[1]),
      ['accountId', 'projectId', 'revision', 'version', 'events', 'experiments', 'groups', 'attributes', 'audiences'],
    );
    assert.equal(problems[0].message, 'The datafile is missing the required property "accountId" (Optimizely account id).');
  });

  it('requires featureFlags and rollouts in a version 4 datafile', () => {
    const d = java();
    delete d.featureFlags;
    assert.deepEqual(validateDatafile(d), [
      {
        pointer: '',
        message: 'The datafile is missing the required property "featureFlags" (Feature flags (version 4)). Version 4 datafiles always include it (use [] when empty).',
      },
    ]);
  });

  it('reports wrong types with the location, the expected type and the value found', () => {
    const d = java();
    d.events[0].id = 3785620495;
    d.anonymizeIP = 'true';
    d.featureFlags[0].rolloutId = null;
    d.experiments[0].forcedVariations['Harry Potter'] = 1;
    const problems = validateDatafile(d);
    assert.equal(problems.length, 4, JSON.stringify(problems, null, 2));
    assert.equal(problemAt(problems, '/events/0/id').message, 'events[0] ("basic_event").id must be a string, but it is the number 3785620495.');
    assert.equal(problemAt(problems, '/anonymizeIP').message, 'anonymizeIP must be a boolean (true or false), but it is the string "true".');
    assert.equal(problemAt(problems, '/featureFlags/0/rolloutId').message, 'featureFlags[0] ("boolean_feature").rolloutId must be a string, but it is null.');
    assert.equal(
      problemAt(problems, '/experiments/0/forcedVariations/Harry Potter').message,
      'experiments[0] ("basic_experiment").forcedVariations["Harry Potter"] must be a string, but it is the number 1.',
    );
  });

  it('reports a missing required property at the object that lacks it', () => {
    const d = java();
    delete d.events[1].key;
    delete d.integrations[0].key;
    const problems = validateDatafile(d);
    assert.equal(problemAt(problems, '/events/1').message, 'events[1] (id "3195631717") is missing the required property "key" (Event key).');
    assert.match(problemAt(problems, '/integrations/0').message, /^integrations\[0\] is missing the required property "key" \(Integration key, e\.g\. "odp" \(Optimizely Data Platform\)\)\.$/);
  });

  it('checks region, version and CMAB traffic against their allowed values', () => {
    const d = java();
    d.region = 'us';
    d.version = '5';
    d.experiments[0].cmab = { attributeIds: ['553339214'], trafficAllocation: 20000 };
    const problems = validateDatafile(d);
    assert.equal(problemAt(problems, '/region').message, 'region must be "US" or "EU", but it is the string "us".');
    assert.equal(problemAt(problems, '/version').message, 'version must be "2", "3" or "4", but it is the string "5".');
    assert.equal(
      problemAt(problems, '/experiments/0/cmab/trafficAllocation').message,
      'experiments[0] ("basic_experiment").cmab.trafficAllocation must be at most 10000, but it is the number 20000.',
    );
  });

  it('validates experiment audienceConditions trees (audience ids and nested arrays only)', () => {
    const d = java();
    d.experiments[1].audienceConditions = ['and', '3468206643', ['or', '3468206644', 5], { id: '3468206645' }];
    const problems = validateDatafile(d);
    assert.equal(problems.length, 2, JSON.stringify(problems, null, 2));
    assert.equal(
      problemAt(problems, '/experiments/1/audienceConditions/2/2').message,
      'experiments[1] ("typed_audience_experiment").audienceConditions[2][2] is the number 5. Expected an audience id (a string) or a condition array such as ["or", "123", "456"].',
    );
    assert.match(problemAt(problems, '/experiments/1/audienceConditions/3').message, /audienceConditions\[3\] \(id "3468206645"\) is an object\. Expected an audience id/);
  });

  it('accepts a single audience id as audienceConditions and an empty tree', () => {
    const d = java();
    d.experiments[0].audienceConditions = '3468206643';
    d.experiments[2].audienceConditions = [];
    assert.deepEqual(validateDatafile(d), []);
  });

  it('validates typed audience conditions: operators, match types, value types', () => {
    const d = java();
    d.typedAudiences[0].conditions = ['and', 'xor', { name: 'plan', type: 'custom_attribute', match: 'eq', value: { pro: true } }, { type: 'custom_attribute' }];
    d.typedAudiences[1].conditions = 5;
    const problems = validateDatafile(d);
    assert.equal(problems.length, 5, JSON.stringify(problems, null, 2));
    assert.equal(
      problemAt(problems, '/typedAudiences/0/conditions/1').message,
      'typedAudiences[0] ("BOOL").conditions[1] is the string "xor", which is not a condition operator. Expected "and", "or" or "not" (strings inside a condition array are operators and must come first).',
    );
    assert.match(problemAt(problems, '/typedAudiences/0/conditions/2/match').message, /match must be "exact", "exists", .* or "qualified", but it is the string "eq"\.$/);
    assert.equal(
      problemAt(problems, '/typedAudiences/0/conditions/2/value').message,
      'typedAudiences[0] ("BOOL").conditions[2] ("plan").value must be a string, a number, a boolean (true or false) or null, but it is an object.',
    );
    assert.match(problemAt(problems, '/typedAudiences/0/conditions/3').message, /is missing the required property "name"/);
    assert.equal(
      problemAt(problems, '/typedAudiences/1/conditions').message,
      'typedAudiences[1] ("INTEXACT").conditions is the number 5. Expected a JSON-encoded string, a condition array such as ["and", {"type": "custom_attribute", "name": "plan", "value": "pro"}], or a single condition object.',
    );
  });

  it('accepts typed audience conditions given as a single object or as a JSON string', () => {
    const d = java();
    d.typedAudiences[0].conditions = { name: 'booleanKey', type: 'custom_attribute', match: 'exact', value: true };
    d.typedAudiences[1].conditions = JSON.stringify(['or', { name: 'integerKey', type: 'custom_attribute', match: 'exact', value: 1 }]);
    assert.deepEqual(validateDatafile(d), []);
  });

  it('parses JSON-encoded legacy conditions and reports text that is not JSON', () => {
    const d = java();
    d.audiences[0].conditions = '["and", {"name": "house"';
    const problem = problemAt(validateDatafile(d), '/audiences/0/conditions');
    assert.match(problem.message, /^The conditions string of audience "Gryffindors" \(id "3468206642"\) is not valid JSON \(.+\), so the SDKs cannot use this audience\. Expected a JSON-encoded condition array/);
  });

  it('reports duplicate event keys; Segment uses the first', () => {
    const d = java();
    d.events.push({ id: '999', key: 'basic_event', experimentIds: [] });
    assert.deepEqual(validateDatafile(d), [
      {
        pointer: '/events/3/key',
        message:
          'Duplicate event key "basic_event": events[0] already uses it. Segment\'s destination uses the first one, so its conversions are sent with entity_id "3785620495" and this event (id "999") never receives any; the Optimizely SDKs use the last one instead. Expected every event key to be unique.',
      },
    ]);
  });

  it('reports duplicate attribute keys (but not duplicate attribute ids)', () => {
    const d = java();
    d.attributes.push({ id: '1', key: 'house' });
    const problems = validateDatafile(d);
    assert.equal(problems.length, 1, JSON.stringify(problems, null, 2)); // the fixture's two attributes sharing id 808797686 are fine
    assert.equal(problems[0].pointer, '/attributes/7/key');
    assert.match(problems[0].message, /^Duplicate attribute key "house": attributes\[0\] already uses it\. Segment's destination sends the first one's id \("553339214"\)/);
  });

  it('reports an event experimentIds entry that matches no experiment', () => {
    const d = java();
    d.events[1].experimentIds.push('111');
    assert.deepEqual(validateDatafile(d), [
      {
        pointer: '/events/1/experimentIds/1',
        message:
          'Event "event_with_paused_experiment" lists experiment id "111" as using it as a metric, but no experiment, group experiment or rollout rule in this datafile has that id. Expected ids of experiments in this datafile (the experiment may have been deleted, or the datafile belongs to another environment).',
      },
    ]);
  });

  it('resolves event experimentIds against group experiments and rollout rules too', () => {
    const d = java();
    d.events[2].experimentIds.push('4138322202', '3421010877');
    assert.deepEqual(validateDatafile(d), []);
  });

  it('reports a variation trafficAllocation entityId that is not a variation of that experiment', () => {
    const d = java();
    d.experiments[0].trafficAllocation[1].entityId = '1423767503'; // a variation of ANOTHER experiment
    assert.deepEqual(validateDatafile(d), [
      {
        pointer: '/experiments/0/trafficAllocation/1/entityId',
        message:
          'trafficAllocation[1] of experiment "basic_experiment" points to variation id "1423767503", which is not one of its variations. Users bucketed into this range get no variation (the SDKs log "Bucketed into an invalid variation ID"). Expected one of "1423767502" (A), "3433458314" (B), or "" for a deliberate gap.',
      },
    ]);
  });

  it('checks traffic allocation inside groups, rollouts and holdouts as well', () => {
    const d = load('java-sdk__holdouts-project-config.json');
    d.groups[0].experiments[1].trafficAllocation[0].entityId = 'nope';
    d.rollouts[1].experiments[3].trafficAllocation[0].entityId = 'nope';
    d.holdouts[1].trafficAllocation[0].entityId = 'nope';
    const problems = validateDatafile(d);
    assert.deepEqual(
      problems.map((p) => p.pointer),
      ['/groups/0/experiments/1/trafficAllocation/0/entityId', '/rollouts/1/experiments/3/trafficAllocation/0/entityId', '/holdouts/1/trafficAllocation/0/entityId'],
    );
    assert.match(problems[0].message, /^trafficAllocation\[0\] of group experiment "second_grouped_experiment" points to variation id "nope"/);
    assert.match(problems[1].message, /^trafficAllocation\[0\] of rollout rule "828245624"/);
    assert.match(problems[2].message, /^trafficAllocation\[0\] of holdout "basic_holdout" .*Expected one of "\$opt_dummy_variation_id" \(ho_off_key\), or ""/);
  });

  it('allows "" gaps, equal endOfRange values and the CMAB "$" entity', () => {
    const d = java();
    d.experiments[0].trafficAllocation = [
      { entityId: '', endOfRange: 2500 },
      { entityId: '1423767502', endOfRange: 2500 },
      { entityId: '3433458314', endOfRange: 10000 },
    ];
    d.experiments[1].cmab = { attributeIds: [], trafficAllocation: 5000 };
    d.experiments[1].trafficAllocation = [{ entityId: '$', endOfRange: 5000 }];
    assert.deepEqual(validateDatafile(d), []);
  });

  it('reports endOfRange outside 0..10000 and out of ascending order', () => {
    const d = java();
    d.experiments[4].trafficAllocation = [
      { entityId: '1880281238', endOfRange: -1 },
      { entityId: '3631049532', endOfRange: 6000 },
      { entityId: '4204375027', endOfRange: 5000 },
      { entityId: '2099211198', endOfRange: 10001 },
    ];
    const problems = validateDatafile(d);
    assert.deepEqual(problems, [
      {
        pointer: '/experiments/4/trafficAllocation/0/endOfRange',
        message: 'trafficAllocation[0].endOfRange of experiment "multivariate_experiment" is -1, outside the bucket range. Expected an integer from 0 to 10000 (10000 = 100% of traffic).',
      },
      {
        pointer: '/experiments/4/trafficAllocation/2/endOfRange',
        message:
          'trafficAllocation[2].endOfRange of experiment "multivariate_experiment" is 5000, lower than the preceding endOfRange 6000, so this range is empty and its variation can never be chosen. Expected endOfRange values in ascending order.',
      },
      {
        pointer: '/experiments/4/trafficAllocation/3/endOfRange',
        message: 'trafficAllocation[3].endOfRange of experiment "multivariate_experiment" is 10001, outside the bucket range. Expected an integer from 0 to 10000 (10000 = 100% of traffic).',
      },
    ]);
  });

  it('reports a non-integer endOfRange once (schema), not again as out of order', () => {
    const d = java();
    d.experiments[0].trafficAllocation[0].endOfRange = 4999.5;
    assert.deepEqual(validateDatafile(d), [
      {
        pointer: '/experiments/0/trafficAllocation/0/endOfRange',
        message: 'experiments[0] ("basic_experiment").trafficAllocation[0].endOfRange must be an integer (a whole number), but it is the number 4999.5.',
      },
    ]);
  });

  it('reports group trafficAllocation entries that are not experiments of the group', () => {
    const d = java();
    d.groups[1].trafficAllocation[1].entityId = '2738374745'; // an experiment of the OTHER group
    d.groups[1].trafficAllocation[0].endOfRange = 12000;
    const problems = validateDatafile(d);
    assert.equal(problems.length, 2, JSON.stringify(problems, null, 2));
    assert.match(
      problemAt(problems, '/groups/1/trafficAllocation/1/entityId').message,
      /^trafficAllocation\[1\] of group "2606208781" points to experiment id "2738374745", which is not one of its experiments\. .*Expected one of "4138322202" \(mutex_group_2_experiment_1\), "1786133852" \(mutex_group_2_experiment_2\), or ""/,
    );
    assert.match(problemAt(problems, '/groups/1/trafficAllocation/0/endOfRange').message, /is 12000, outside the bucket range/);
  });

  it('reports flag experiment rules and rollouts that do not exist', () => {
    const d = java();
    d.featureFlags[1].experimentIds = ['2201520193', '42'];
    d.featureFlags[2].rolloutId = 'no-such-rollout';
    const problems = validateDatafile(d);
    assert.equal(problems.length, 2);
    assert.equal(
      problemAt(problems, '/featureFlags/1/experimentIds/1').message,
      'Flag "double_single_variable_feature" lists experiment rule id "42", but no experiment or group experiment has that id, so the rule is skipped. Expected the id of an entry in experiments or groups[].experiments.',
    );
    assert.equal(
      problemAt(problems, '/featureFlags/2/rolloutId').message,
      'Flag "integer_single_variable_feature" uses rollout id "no-such-rollout", but no rollout has that id, so the flag has no delivery rules. Expected the id of an entry in rollouts, or "" for none.',
    );
  });

  it('reports audience ids (audienceIds and audienceConditions leaves) that are not defined', () => {
    const d = java();
    d.experiments[1].audienceConditions = ['or', '3468206643', ['and', '77', '3468206645']];
    d.groups[0].experiments[0].audienceIds = ['3468206642', '78'];
    const problems = validateDatafile(d);
    assert.equal(problems.length, 2, JSON.stringify(problems, null, 2));
    assert.equal(
      problemAt(problems, '/experiments/1/audienceConditions/2/1').message,
      'Experiment "typed_audience_experiment" refers to audience id "77", which is not defined in audiences or typedAudiences. The SDKs evaluate an unknown audience as "unknown", so it never matches. Expected the id of an audience in this datafile.',
    );
    assert.match(problemAt(problems, '/groups/0/experiments/0/audienceIds/1').message, /^Group experiment "first_grouped_experiment" refers to audience id "78"/);
  });

  it('collects every problem of a badly broken datafile in one pass', () => {
    const d = java();
    d.events[0].id = 1;
    d.events.push({ id: '5', key: 'basic_event', experimentIds: ['nope'] });
    d.region = 'APAC';
    d.experiments[0].trafficAllocation[0].entityId = 'x';
    d.featureFlags[0].rolloutId = 'missing';
    const pointers = validateDatafile(d).map((p) => p.pointer).sort();
    assert.deepEqual(pointers, ['/events/0/id', '/events/3/experimentIds/0', '/events/3/key', '/experiments/0/trafficAllocation/0/entityId', '/featureFlags/0/rolloutId', '/region']);
  });

  it('isValidDatafile is a type guard over validateDatafile', () => {
    assert.equal(isValidDatafile(java()), true);
    const d = java();
    d.accountId = 1;
    assert.equal(isValidDatafile(d), false);
  });
});
