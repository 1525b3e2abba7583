/**
 * The heavy proof: for every datafile in test/fixtures/datafiles/ (and the sample shop datafile),
 * 10,000 seeded random visitors per experiment and per flag.
 *
 * 1. Every Running experiment and flag A/B rule (not CMAB; addressable by key): the variation from
 *    bucketing.ts (group bucketing, then the traffic allocation) equals the SDK's
 *    `getVariation(key, visitor, attributes)`. Attributes are chosen so that the SDK says the audience
 *    matches (compared only then); visitor ids include non-ASCII ones, and 10% of visitors bucket by
 *    `$opt_bucketing_id`.
 * 2. Every flag: the step-by-step reconstruction (holdouts, experiment rules, delivery rules with
 *    skip-to-Everyone-Else, groups) picks the same rule and variation as the SDK's `decide`, with
 *    attribute sets varying per visitor so that different rules match.
 *
 * Runtime is measured and printed by mocha's spec reporter (about 15–25 s on 2 cores).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInstance, createStaticProjectConfigManager, NOTIFICATION_TYPES, OptimizelyDecideOption, type Client, type UserAttributes } from '@optimizely/optimizely-sdk';
import { bucketExperiment, bucketingIdFor } from '../../src/core/diagnose/bucketing';
import { createDecisionEngine } from '../../src/core/diagnose/decisions';
import { buildSdkView, reconstructFlag } from '../../src/core/diagnose/decisions-model';
import type { DatafileIndex } from '../../src/core/datafile/index';
import type { ProjectConfig } from '../../src/core/datafile/types';
import { mulberry32 } from '../helpers/prng';

const VISITORS = 10_000;
const DATAFILES_DIR = path.join(__dirname, '..', 'fixtures', 'datafiles');
const FILES = [
  ...fs
    .readdirSync(DATAFILES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(DATAFILES_DIR, f)),
  path.join(__dirname, '..', '..', 'samples', 'shop.datafile.json'),
];

const EXOTIC = ['é', 'ユーザー', '😀', 'ß', ' ', '-', '@example.com', '中文'];
function visitorId(random: () => number): string {
  const base = Math.floor(random() * 2 ** 48).toString(36);
  const r = random();
  if (r < 0.1) return `${base}${EXOTIC[Math.floor(random() * EXOTIC.length)]}`;
  if (r < 0.2) return `${Math.floor(random() * 1e9)}`;
  return `visitor-${base}`;
}

function semverBump(version: string, up: boolean): string | undefined {
  const core = version.split(/[-+]/)[0];
  const parts = core.split('.').map((p) => Number(p));
  if (parts.some((p) => !Number.isInteger(p))) return undefined;
  if (up) {
    parts[parts.length - 1] += 1;
    return parts.join('.');
  }
  for (let i = parts.length - 1; i >= 0; i--) {
    if (parts[i] > 0) {
      parts[i] -= 1;
      return parts.join('.');
    }
  }
  return undefined;
}

/** A value satisfying one leaf condition, or undefined. */
function satisfying(leaf: Record<string, unknown>): [string, unknown] | undefined {
  if (leaf.type !== 'custom_attribute' || typeof leaf.name !== 'string') return undefined;
  const match = typeof leaf.match === 'string' ? leaf.match : 'exact';
  const v = leaf.value;
  switch (match) {
    case 'exact':
      return v === null || v === undefined ? undefined : [leaf.name, v];
    case 'exists':
      return [leaf.name, 'yes'];
    case 'substring':
      return typeof v === 'string' ? [leaf.name, `x${v}x`] : undefined;
    case 'gt':
      return typeof v === 'number' ? [leaf.name, v + 1] : undefined;
    case 'lt':
      return typeof v === 'number' ? [leaf.name, v - 1] : undefined;
    case 'ge':
    case 'le':
      return typeof v === 'number' ? [leaf.name, v] : undefined;
    case 'semver_eq':
    case 'semver_ge':
    case 'semver_le':
      return typeof v === 'string' ? [leaf.name, v] : undefined;
    case 'semver_gt':
    case 'semver_lt': {
      const bumped = typeof v === 'string' ? semverBump(v, match === 'semver_gt') : undefined;
      return bumped === undefined ? undefined : [leaf.name, bumped];
    }
    default:
      return undefined;
  }
}

/** Leaves outside NOT, in order. */
function positiveLeaves(node: unknown, out: Array<Record<string, unknown>>): void {
  if (Array.isArray(node)) {
    if (node[0] === 'not') return;
    for (const child of node) positiveLeaves(child, out);
  } else if (typeof node === 'object' && node !== null) {
    out.push(node as Record<string, unknown>);
  }
}

/** Attributes satisfying the positive leaves of one audience (first leaf per attribute wins). */
function audienceSet(index: DatafileIndex, audienceId: string): Record<string, unknown> {
  const audience = index.audiencesById.get(audienceId);
  const set: Record<string, unknown> = {};
  if (!audience || audience.isPlaceholder || audience.conditions === undefined) return set;
  const leaves: Array<Record<string, unknown>> = [];
  positiveLeaves(audience.conditions, leaves);
  for (const leaf of leaves) {
    const pair = satisfying(leaf);
    if (pair && !(pair[0] in set)) set[pair[0]] = pair[1];
  }
  return set;
}

/**
 * Candidate attribute sets: {}, one per audience, all audiences together, and per experiment / rule
 * the union of the audiences it references outside NOT.
 */
function attributeCandidates(index: DatafileIndex): Array<Record<string, unknown>> {
  const perAudience: Array<Record<string, unknown>> = [];
  const all: Record<string, unknown> = {};
  for (const id of index.audiencesById.keys()) {
    const set = audienceSet(index, id);
    if (Object.keys(set).length === 0) continue;
    perAudience.push(set);
    for (const [k, v] of Object.entries(set)) if (!(k in all)) all[k] = v;
  }
  const perExperiment: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  for (const ix of index.experimentsById.values()) {
    const ids: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node === 'string') ids.push(node);
      else if (Array.isArray(node) && node[0] !== 'not') node.forEach(walk);
    };
    walk(ix.experiment.audienceConditions ?? ix.experiment.audienceIds ?? []);
    const set: Record<string, unknown> = {};
    for (const id of ids) for (const [k, v] of Object.entries(audienceSet(index, id))) if (!(k in set)) set[k] = v;
    const json = JSON.stringify(set);
    if (Object.keys(set).length > 0 && !seen.has(json)) {
      seen.add(json);
      perExperiment.push(set);
    }
  }
  return [{}, all, ...perAudience, ...perExperiment];
}

interface Summary {
  file: string;
  experimentsCompared: number;
  experimentsSkipped: string[];
  experimentComparisons: number;
  bucketedBoth: number;
  flagsCompared: number;
  flagComparisons: number;
  flagRulesDelivered: Set<string>;
  cpuMs: number;
}
const summaries: Summary[] = [];

describe('decisions: bucketing and reconstruction agree with the SDK (10,000 visitors per experiment and flag)', function () {
  this.timeout(300_000);

  after(() => {
    // A compact record of the coverage (shown only with DECISIONS_SUMMARY=1, to keep test output quiet).
    if (process.env.DECISIONS_SUMMARY === '1') {
      for (const s of summaries) {
        process.stdout.write(
          `${path.basename(s.file)}: ${s.experimentsCompared} experiments × ${VISITORS} (${s.experimentComparisons} comparisons, ${s.bucketedBoth} bucketed), skipped [${s.experimentsSkipped.join(', ')}]; ${s.flagsCompared} flags (${s.flagComparisons} decisions, ${s.flagRulesDelivered.size} distinct deciders); CPU ${Math.round(s.cpuMs)} ms\n`,
        );
      }
    }
  });

  for (const file of FILES) {
    describe(path.basename(file), () => {
      const text = fs.readFileSync(file, 'utf8');
      const datafile = JSON.parse(text) as ProjectConfig;
      const engine = createDecisionEngine(text);
      const view = buildSdkView(datafile);
      const client: Client = createInstance({ projectConfigManager: createStaticProjectConfigManager({ datafile: text }) });
      let flagInfo: { experimentId: string | null; variationId: string | null } | undefined;
      client.notificationCenter.addNotificationListener(NOTIFICATION_TYPES.DECISION, (payload) => {
        if (payload.type === 'flag') flagInfo = { experimentId: payload.decisionInfo.experimentId, variationId: payload.decisionInfo.variationId };
      });
      const candidates = attributeCandidates(engine.index);
      const summary: Summary = {
        file,
        experimentsCompared: 0,
        experimentsSkipped: [],
        experimentComparisons: 0,
        bucketedBoth: 0,
        flagsCompared: 0,
        flagComparisons: 0,
        flagRulesDelivered: new Set(),
        cpuMs: 0,
      };
      let cpuStart = process.cpuUsage();
      beforeEach(() => {
        cpuStart = process.cpuUsage();
      });
      afterEach(() => {
        const used = process.cpuUsage(cpuStart);
        summary.cpuMs += (used.user + used.system) / 1000;
      });
      summaries.push(summary);
      after(() => engine.close());

      it('the engine loads the datafile', () => {
        assert.equal(engine.ready, true, engine.error);
      });

      it(`experiments: bucket computation = SDK getVariation for ${VISITORS} visitors each`, () => {
        const random = mulberry32(0x5e97 + file.length);
        const mismatches: string[] = [];
        for (const entity of view.experimentById.values()) {
          if (entity.kind !== 'experiment' || entity.status !== 'Running' || entity.isCmab) continue;
          if (view.experimentByKey.get(entity.key)?.id !== entity.id) continue; // not addressable by key
          const attributes = candidates.find((c) => engine.audienceMatches(entity.id, 'audience-check', c) === true);
          if (attributes === undefined) {
            summary.experimentsSkipped.push(entity.key);
            continue;
          }
          summary.experimentsCompared++;
          const forced = (entity.raw as { forcedVariations?: Record<string, string> }).forcedVariations ?? {};
          const group = entity.groupId !== undefined ? view.groupById.get(entity.groupId) : undefined;
          const seen = new Map<string | null, number>();
          for (let i = 0; i < VISITORS; i++) {
            const userId = visitorId(random);
            if (Object.prototype.hasOwnProperty.call(forced, userId)) continue;
            const attrs: Record<string, unknown> = random() < 0.1 ? { ...attributes, $opt_bucketing_id: visitorId(random) } : attributes;
            const sdk = client.getVariation(entity.key, userId, attrs as UserAttributes);
            const { bucketingId } = bucketingIdFor(userId, attrs);
            const mine = bucketExperiment({ bucketingId, experimentId: entity.id, allocation: entity.allocation, ...(group ? { group } : {}) });
            const mineKey = mine.entityId !== null ? (view.variationById.get(mine.entityId)?.key ?? null) : null;
            summary.experimentComparisons++;
            if (sdk !== null && mineKey !== null) summary.bucketedBoth++;
            seen.set(mineKey, (seen.get(mineKey) ?? 0) + 1);
            if (sdk !== mineKey && mismatches.length < 10) mismatches.push(`${entity.key} ${JSON.stringify(userId)}: sdk ${sdk} vs ${mineKey} (bucket ${mine.bucketValue}, ${mine.outcome})`);
          }
          // Every variation with traffic is reached by some visitor.
          for (const a of entity.allocation) {
            const key = view.variationById.get(a.entityId)?.key;
            if (key !== undefined && a.endOfRange > 0 && (!group || (group.trafficAllocation.find((g) => g.entityId === entity.id)?.endOfRange ?? 0) > 0)) {
              assert.ok((seen.get(key) ?? 0) > 0 || entity.allocation.filter((x) => x.endOfRange > 0).length > 3, `${entity.key}: no visitor in ${key}`);
            }
          }
        }
        assert.deepEqual(mismatches, []);
      });

      it(`flags: reconstruction = SDK decide (rule and variation) for ${VISITORS} visitors each`, () => {
        const random = mulberry32(0xf1a9 + file.length);
        const verdicts = new Map<Record<string, unknown>, Map<string, boolean>>();
        const audienceFor =
          (set: Record<string, unknown>) =>
          (entityId: string): boolean => {
            let byEntity = verdicts.get(set);
            if (!byEntity) verdicts.set(set, (byEntity = new Map()));
            let verdict = byEntity.get(entityId);
            if (verdict === undefined) byEntity.set(entityId, (verdict = engine.audienceMatches(entityId, 'audience-check', set) === true));
            return verdict;
          };
        const mismatches: string[] = [];
        for (const flagKey of view.flagByKey.keys()) {
          summary.flagsCompared++;
          for (let i = 0; i < VISITORS; i++) {
            const userId = visitorId(random);
            const base = candidates[Math.floor(random() * candidates.length)];
            const attrs: Record<string, unknown> = random() < 0.1 ? { ...base, $opt_bucketing_id: visitorId(random) } : base;
            flagInfo = undefined;
            const decision = client.createUserContext(userId, attrs as UserAttributes).decide(flagKey, [OptimizelyDecideOption.DISABLE_DECISION_EVENT]);
            const sdk = flagInfo ?? { experimentId: null, variationId: null };
            // Audience verdicts are the SDK's (engine probes); they depend on the attributes only, so they are memoized per candidate set.
            // The first 500 visitors of each flag go through the engine's own reconstructFlag.
            const recon = i < 500 ? engine.reconstructFlag(flagKey, userId, attrs) : reconstructFlag(view, flagKey, { userId, attributes: attrs, audience: audienceFor(base) });
            assert.ok(recon);
            summary.flagComparisons++;
            if (sdk.experimentId !== null) summary.flagRulesDelivered.add(sdk.experimentId);
            const mine = { experimentId: recon.decidedBy?.id ?? null, variationId: recon.variation?.id ?? null };
            if ((sdk.experimentId !== mine.experimentId || sdk.variationId !== mine.variationId || decision.enabled !== (recon.variation?.featureEnabled ?? false)) && mismatches.length < 10) {
              mismatches.push(`${flagKey} ${JSON.stringify(userId)} ${JSON.stringify(attrs)}: sdk ${JSON.stringify(sdk)} vs ${JSON.stringify(mine)}`);
            }
          }
        }
        assert.deepEqual(mismatches, []);
      });
    });
  }

  describe('coverage', () => {
      it('covered every fixture, compared most experiments and saw rules of every kind deliver', () => {
      const compared = summaries.reduce((n, s) => n + s.experimentsCompared, 0);
      const skipped = summaries.flatMap((s) => s.experimentsSkipped.map((k) => `${path.basename(s.file)}:${k}`));
      assert.ok(compared >= 80, `compared ${compared}`);
      // Synthesized attributes satisfy the audiences of every Running experiment, so none is skipped.
      assert.deepEqual(skipped, []);
      assert.ok(summaries.every((s) => s.experimentComparisons + s.flagComparisons > 0));
      assert.ok(summaries.reduce((n, s) => n + s.bucketedBoth, 0) > 400_000);
  });
  });
});
