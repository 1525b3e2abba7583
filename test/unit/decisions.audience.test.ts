/**
 * Audience verdicts of the decision engine come from the SDK: the JS SDK's typed-audience vectors
 * (test/fixtures/vectors/optimizely-audience-vectors.json) and the semver vectors, plus the naming of
 * failing conditions.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDecisionEngine, type DecisionEngine } from '../../src/core/diagnose/decisions';
import type { ProjectConfig, TypedAudience, Experiment } from '../../src/core/datafile/types';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

interface AudienceVector {
  call: string;
  key: string;
  userId: string;
  attributes: Record<string, unknown>;
  expected: unknown;
  why: string;
}
const audienceVectors = (JSON.parse(fs.readFileSync(path.join(FIXTURES, 'vectors', 'optimizely-audience-vectors.json'), 'utf8')) as { vectors: AudienceVector[] }).vectors;

/** The rule a vector exercises and whether the visitor is expected to be in its audience. */
function target(engine: DecisionEngine, v: AudienceVector, featFlagKey: string): { id: string; included: boolean } | undefined {
  const flagRule = (flagKey: string): string => {
    const flag = engine.index.flagsByKey.get(flagKey);
    assert.ok(flag, flagKey);
    return flag.rules[0].id;
  };
  switch (v.call) {
    case 'activate': {
      const ix = engine.index.experimentsByKey.get(v.key);
      assert.ok(ix, v.key);
      return { id: ix.id, included: v.expected !== null };
    }
    case 'isFeatureEnabled':
      return { id: flagRule(v.key.startsWith('feat (') ? featFlagKey : v.key), included: v.expected === true };
    case 'getFeatureVariable':
      // feat_with_var's experiment rule sets x = "xyz"; the default is "x".
      return { id: flagRule(v.key.split(' / ')[0]), included: v.expected === 'xyz' };
    default:
      return undefined; // track: no audience involved
  }
}

for (const [file, featFlagKey] of [
  ['vectors/optimizely-js-typed-audiences-datafile.json', 'feat'],
  ['datafiles/go-sdk__typed_audience_datafile.json', 'feat_no_vars'],
] as const) {
  describe(`decisions: audience vectors (${path.basename(file)})`, () => {
    const engine = createDecisionEngine(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
    after(() => engine.close());

    it('loads', () => assert.equal(engine.ready, true, engine.error));

    let checked = 0;
    for (const v of audienceVectors) {
      const label = `${v.call} ${v.key} ${JSON.stringify(v.attributes)} → ${JSON.stringify(v.expected)}`;
      if (v.call === 'track') continue;
      it(label, () => {
        const t = target(engine, v, featFlagKey);
        assert.ok(t);
        const [decision] = engine.decideForEvent({ visitorId: v.userId, attributes: v.attributes, experimentIds: [t.id] });
        assert.equal(decision.audience.result, t.included, `${v.why}\n${decision.reasons.join('\n')}`);
        assert.equal(engine.audienceMatches(t.id, v.userId, v.attributes), t.included);
        // These rules have 100% traffic: the visitor gets the variation exactly when the audience matches.
        assert.equal(decision.variationKey !== null, t.included, decision.reasons.join('\n'));
        if (v.call === 'activate') assert.equal(decision.variationKey, v.expected);
        if (v.call === 'isFeatureEnabled') assert.equal(decision.flagDecision?.enabled, v.expected);
        if (!t.included) {
          assert.ok(decision.audience.failed && decision.audience.failed.length > 0, 'names failing conditions');
        } else {
          assert.equal(decision.audience.failed, undefined);
        }
        checked++;
      });
    }

    it('checked every non-track vector', () => {
      assert.equal(checked, audienceVectors.filter((v) => v.call !== 'track').length);
    });

    it('names the failing conditions with the visitor values', () => {
      const id = engine.index.experimentsByKey.get('typed_audience_experiment')?.id;
      assert.ok(id);
      const [d] = engine.decideForEvent({ visitorId: 'user1', attributes: { house: 'Hufflepuff', lasers: 50 }, experimentIds: [id] });
      assert.equal(d.audience.result, false);
      const failed = d.audience.failed ?? [];
      assert.ok(failed.includes('audience "exactString": house = "Gryffindor" → false (house is "Hufflepuff")'), failed.join('\n'));
      assert.ok(failed.includes('audience "substringString": house contains "Slytherin" → false (house is "Hufflepuff")'), failed.join('\n'));
      assert.ok(failed.includes('audience "gtNumber": lasers > 70 → false (lasers is 50)'), failed.join('\n'));
      assert.ok(
        failed.includes('audience "exists": favorite_ice_cream exists → false (no "favorite_ice_cream" attribute was sent)'),
        failed.join('\n'),
      );
      assert.ok(
        failed.includes('audience "exactBoolean": should_do_it = true → unknown (no "should_do_it" attribute was sent), which counts as not matching'),
        failed.join('\n'),
      );
      // Wrong type: unknown, with the reason.
      const [typed] = engine.decideForEvent({ visitorId: 'user1', attributes: { lasers: '71' }, experimentIds: [id] });
      assert.ok((typed.audience.failed ?? []).includes('audience "gtNumber": lasers > 70 → unknown (lasers is "71"; a number is needed, got a string), which counts as not matching'), (typed.audience.failed ?? []).join('\n'));
    });
  });
}

describe('decisions: semver audience vectors', () => {
  interface SemverVectors {
    equal: Array<[string, string]>;
    user_greater: Array<[string, string]>;
    user_smaller: Array<[string, string]>;
    'invalid_user_versions_against_2.1.0': string[];
  }
  const sv = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'vectors', 'semver-vectors.json'), 'utf8')) as SemverVectors;
  const MATCHES = ['semver_eq', 'semver_gt', 'semver_ge', 'semver_lt', 'semver_le'] as const;
  const expectations: Record<'equal' | 'greater' | 'smaller' | 'invalid', Record<(typeof MATCHES)[number], boolean>> = {
    equal: { semver_eq: true, semver_gt: false, semver_ge: true, semver_lt: false, semver_le: true },
    greater: { semver_eq: false, semver_gt: true, semver_ge: true, semver_lt: false, semver_le: false },
    smaller: { semver_eq: false, semver_gt: false, semver_ge: false, semver_lt: true, semver_le: true },
    invalid: { semver_eq: false, semver_gt: false, semver_ge: false, semver_lt: false, semver_le: false },
  };
  const cases: Array<{ condition: string; user: string; kind: keyof typeof expectations }> = [
    ...sv.equal.map(([condition, user]) => ({ condition, user, kind: 'equal' as const })),
    ...sv.user_greater.map(([condition, user]) => ({ condition, user, kind: 'greater' as const })),
    ...sv.user_smaller.map(([condition, user]) => ({ condition, user, kind: 'smaller' as const })),
    ...sv['invalid_user_versions_against_2.1.0'].map((user) => ({ condition: '2.1.0', user, kind: 'invalid' as const })),
  ];

  // One synthetic datafile: an audience and an experiment per (condition version, match type).
  const typedAudiences: TypedAudience[] = [];
  const experiments: Experiment[] = [];
  const idFor = new Map<string, string>();
  for (const condition of new Set(cases.map((c) => c.condition))) {
    for (const match of MATCHES) {
      const n = typedAudiences.length;
      typedAudiences.push({ id: `a${n}`, name: `${match} ${condition}`, conditions: ['and', { type: 'custom_attribute', name: 'version', match, value: condition }] });
      experiments.push({
        id: `e${n}`,
        key: `e${n}`,
        layerId: `l${n}`,
        status: 'Running',
        variations: [{ id: `v${n}`, key: 'on' }],
        trafficAllocation: [{ entityId: `v${n}`, endOfRange: 10000 }],
        audienceIds: [`a${n}`],
        forcedVariations: {},
      });
      idFor.set(`${match} ${condition}`, `e${n}`);
    }
  }
  const datafile: ProjectConfig = {
    version: '4',
    accountId: '1',
    projectId: '2',
    revision: '1',
    events: [],
    experiments,
    groups: [],
    attributes: [{ id: '9', key: 'version' }],
    audiences: [],
    typedAudiences,
    featureFlags: [],
    rollouts: [],
  };
  const engine = createDecisionEngine(datafile);
  after(() => engine.close());

  it(`matches every semver vector (${cases.length} pairs × 5 match types) with the SDK's compareVersion`, () => {
    assert.equal(engine.ready, true, engine.error);
    const wrong: string[] = [];
    for (const c of cases) {
      for (const match of MATCHES) {
        const id = idFor.get(`${match} ${c.condition}`);
        assert.ok(id);
        const got = engine.audienceMatches(id, 'u', { version: c.user });
        if (got !== expectations[c.kind][match]) wrong.push(`${match} condition ${c.condition} user ${JSON.stringify(c.user)}: ${got}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('explains an invalid version as unknown', () => {
    const id = idFor.get('semver_ge 2.1.0');
    assert.ok(id);
    const [d] = engine.decideForEvent({ visitorId: 'u', attributes: { version: '3.x' }, experimentIds: [id] });
    assert.deepEqual(d.audience.failed, ['audience "semver_ge 2.1.0": version >= version "2.1.0" → unknown (version is "3.x"; not a valid version), which counts as not matching']);
  });
});
