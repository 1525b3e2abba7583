/**
 * A mirror of how `@optimizely/optimizely-sdk` 6.x reads a datafile (`project_config.ts`) and walks a
 * decision (`decision_service`), used to explain the SDK's answers step by step: which check stopped
 * a rule, which bucket and traffic range the visitor hit, which group member won, which flag rule
 * delivered and why later rules were not reached.
 *
 * The SDK stays the authority: the engine (decisions.ts) reports the SDK's own decision and only
 * uses this reconstruction for wording, and flags any disagreement. Audience verdicts come from the
 * SDK too (through the `audience` callback, see decisions-audience.ts). The tests compare this
 * reconstruction with the SDK for 10,000 visitors per experiment and per flag.
 *
 * SDK parse-time behaviour mirrored here (all "last definition wins", unlike the datafile index):
 * - group experiments are appended to `experiments` with `groupId`; rollout rules are appended after
 *   them, flagged as rollout rules; `experimentIdMap` / `experimentKeyMap` keep the LAST entity with a
 *   given id / key. So `activate` / `getVariation` and the status check (`isActive`, done BY KEY) see
 *   the last entity with that key;
 * - `variationIdMap` is global (any experiment's variation, then holdout variations);
 * - experiments with `type: "fr"` get the flag's Everyone Else variation appended with a final
 *   `endOfRange: 10000` slot, once per flag that lists them;
 * - CMAB experiments bucket against `[{entityId: "$", endOfRange: cmab.trafficAllocation}]`;
 * - `holdouts` are global; `localHoldouts` apply to the rules in their non-empty `includedRules`.
 *
 * Pure: no state besides the immutable view built once per datafile.
 */
import type { DatafileIndex } from '../datafile/index';
import type { Experiment, FeatureFlag, Group, Holdout, ProjectConfig, Rollout, TrafficAllocation, Variation } from '../datafile/types';
import { bucketExperiment, bucketingIdFor, type BucketResult } from './bucketing';

/** `entityId` the SDK uses for the single CMAB traffic range. */
export const CMAB_DUMMY_ENTITY_ID = '$';
/** Attribute carrying sticky-bucketing decisions (`{experimentId: {variation_id}}`). */
export const STICKY_BUCKETING_ATTRIBUTE = '$opt_experiment_bucket_map';

/** An experiment, rollout rule or holdout as the SDK holds it after parsing. */
export interface SdkEntity {
  readonly kind: 'experiment' | 'rollout-rule' | 'holdout';
  readonly id: string;
  readonly key: string;
  readonly status: string;
  readonly raw: Experiment | Holdout;
  /** Set for group members (and top-level experiments that carry a `groupId`). */
  readonly groupId?: string;
  /** Traffic allocation after the SDK's parse-time changes (CMAB range, feature-rollout slot). */
  readonly allocation: readonly TrafficAllocation[];
  /** The experiment's variations by key, including a feature-rollout's injected Everyone Else variation. */
  readonly variationsByKey: ReadonlyMap<string, Variation>;
  readonly isCmab: boolean;
  /** Local holdouts only. */
  readonly includedRules?: readonly string[];
  readonly excludeTargetedDeliveries?: boolean;
}

export interface SdkView {
  readonly datafile: ProjectConfig;
  /** Last entity with each id (experiments, group members, rollout rules; not holdouts). */
  readonly experimentById: ReadonlyMap<string, SdkEntity>;
  /** Last entity with each key: what `getVariation(key)` and the status check resolve to. */
  readonly experimentByKey: ReadonlyMap<string, SdkEntity>;
  /** Global variation map (last wins; holdout variations are added last). */
  readonly variationById: ReadonlyMap<string, Variation>;
  readonly groupById: ReadonlyMap<string, Group>;
  readonly rolloutById: ReadonlyMap<string, Rollout>;
  /** Last flag with each key. */
  readonly flagByKey: ReadonlyMap<string, FeatureFlag>;
  /** Distinct variations of each flag's rules, by key (first by id; the SDK's `flagVariationsMap`). */
  readonly flagVariations: ReadonlyMap<string, readonly Variation[]>;
  readonly globalHoldouts: readonly SdkEntity[];
  readonly holdoutsByRule: ReadonlyMap<string, readonly SdkEntity[]>;
  readonly holdoutById: ReadonlyMap<string, SdkEntity>;
  /** Entity of each parsed experiment / rule object (rollout rules are evaluated from their own object). */
  readonly entityOf: ReadonlyMap<Experiment, SdkEntity>;
  readonly sendFlagDecisions: boolean;
}

function variationMap(variations: readonly Variation[] | undefined): Map<string, Variation> {
  const map = new Map<string, Variation>();
  for (const v of variations ?? []) map.set(v.key, v);
  return map;
}

/** Builds the SDK's view of a datafile. Never throws on a structurally odd datafile (missing lists are empty). */
export function buildSdkView(datafile: ProjectConfig): SdkView {
  const experimentById = new Map<string, SdkEntity>();
  const experimentByKey = new Map<string, SdkEntity>();
  const variationById = new Map<string, Variation>();
  const groupById = new Map<string, Group>();
  const rolloutById = new Map<string, Rollout>();
  const flagByKey = new Map<string, FeatureFlag>();

  // Mutable working copies of allocations and variation-key maps (the SDK mutates for "fr").
  const allocations = new Map<Experiment, TrafficAllocation[]>();
  const keyMaps = new Map<Experiment, Map<string, Variation>>();
  const ordered: Array<{ experiment: Experiment; kind: SdkEntity['kind']; groupId?: string }> = [];

  for (const experiment of datafile.experiments ?? []) ordered.push({ experiment, kind: 'experiment', ...(experiment.groupId ? { groupId: experiment.groupId } : {}) });
  for (const group of datafile.groups ?? []) {
    groupById.set(group.id, group);
    for (const experiment of group.experiments ?? []) ordered.push({ experiment, kind: 'experiment', groupId: group.id });
  }
  for (const rollout of datafile.rollouts ?? []) {
    rolloutById.set(rollout.id, rollout);
    for (const experiment of rollout.experiments ?? []) ordered.push({ experiment, kind: 'rollout-rule', ...(experiment.groupId ? { groupId: experiment.groupId } : {}) });
  }
  const rawById = new Map<string, { experiment: Experiment; kind: SdkEntity['kind']; groupId?: string }>();
  for (const entry of ordered) {
    const { experiment } = entry;
    allocations.set(experiment, [...(experiment.trafficAllocation ?? [])]);
    keyMaps.set(experiment, variationMap(experiment.variations));
    rawById.set(experiment.id, entry);
    for (const v of experiment.variations ?? []) variationById.set(v.id, v);
  }

  // Flags: feature-rollout ("fr") experiments get the Everyone Else variation.
  const flagVariations = new Map<string, Variation[]>();
  for (const flag of datafile.featureFlags ?? []) {
    flagByKey.set(flag.key, flag);
    const rollout = flag.rolloutId ? rolloutById.get(flag.rolloutId) : undefined;
    const rules = rollout?.experiments ?? [];
    const everyoneElseVariation = rules.length > 0 ? rules[rules.length - 1].variations?.[0] : undefined;
    const byId = new Map<string, Variation>();
    for (const id of flag.experimentIds ?? []) {
      const entry = rawById.get(id);
      if (entry === undefined) continue;
      if (entry.experiment.type === 'fr' && everyoneElseVariation !== undefined) {
        allocations.get(entry.experiment)?.push({ entityId: everyoneElseVariation.id, endOfRange: 10000 });
        keyMaps.get(entry.experiment)?.set(everyoneElseVariation.key, everyoneElseVariation);
      }
      for (const v of keyMaps.get(entry.experiment)?.values() ?? []) if (!byId.has(v.id)) byId.set(v.id, v);
    }
    for (const rule of rules) for (const v of rule.variations ?? []) if (!byId.has(v.id)) byId.set(v.id, v);
    flagVariations.set(flag.key, [...byId.values()]);
  }

  const toEntity = (entry: { experiment: Experiment; kind: SdkEntity['kind']; groupId?: string }): SdkEntity => {
    const { experiment, kind, groupId } = entry;
    const isCmab = Boolean(experiment.cmab);
    const allocation = isCmab
      ? [{ entityId: CMAB_DUMMY_ENTITY_ID, endOfRange: experiment.cmab?.trafficAllocation ?? 0 }]
      : (allocations.get(experiment) ?? []);
    return {
      kind,
      id: experiment.id,
      key: experiment.key,
      status: experiment.status,
      raw: experiment,
      ...(groupId ? { groupId } : {}),
      allocation,
      variationsByKey: keyMaps.get(experiment) ?? new Map(),
      isCmab,
    };
  };
  const entityOf = new Map<Experiment, SdkEntity>();
  for (const entry of ordered) {
    const entity = toEntity(entry);
    entityOf.set(entry.experiment, entity);
    experimentById.set(entity.id, entity);
    experimentByKey.set(entity.key, entity);
  }

  // Holdouts.
  const holdoutEntity = (holdout: Holdout, includedRules?: readonly string[]): SdkEntity => ({
    kind: 'holdout',
    id: holdout.id,
    key: holdout.key,
    status: holdout.status,
    raw: holdout,
    allocation: holdout.trafficAllocation ?? [],
    variationsByKey: variationMap(holdout.variations),
    isCmab: false,
    ...(includedRules ? { includedRules } : {}),
    ...((holdout as { excludeTargetedDeliveries?: unknown }).excludeTargetedDeliveries === true ? { excludeTargetedDeliveries: true } : {}),
  });
  const globalHoldouts: SdkEntity[] = [];
  const holdoutsByRule = new Map<string, SdkEntity[]>();
  const holdoutById = new Map<string, SdkEntity>();
  for (const holdout of datafile.holdouts ?? []) {
    const entity = holdoutEntity(holdout);
    globalHoldouts.push(entity);
    holdoutById.set(entity.id, entity);
    for (const v of holdout.variations ?? []) variationById.set(v.id, v);
  }
  for (const holdout of datafile.localHoldouts ?? []) {
    const rules = holdout.includedRules;
    if (!Array.isArray(rules) || rules.length === 0) continue; // the SDK logs an error and skips it
    const entity = holdoutEntity(holdout, rules);
    holdoutById.set(entity.id, entity);
    for (const v of holdout.variations ?? []) variationById.set(v.id, v);
    for (const ruleId of rules) {
      const list = holdoutsByRule.get(ruleId) ?? [];
      list.push(entity);
      holdoutsByRule.set(ruleId, list);
    }
  }

  return {
    datafile,
    experimentById,
    experimentByKey,
    variationById,
    groupById,
    rolloutById,
    flagByKey,
    flagVariations,
    globalHoldouts,
    holdoutsByRule,
    holdoutById,
    entityOf,
    sendFlagDecisions: datafile.sendFlagDecisions === true,
  };
}

/** The SDK-side entity for an id of the datafile index, falling back to the index's own entry. */
export function sdkEntityFor(view: SdkView, index: DatafileIndex, id: string): SdkEntity | undefined {
  const found = view.experimentById.get(id) ?? view.holdoutById.get(id);
  if (found) return found;
  const ix = index.experimentsById.get(id);
  if (!ix) return undefined;
  return {
    kind: ix.source === 'rollouts' ? 'rollout-rule' : 'experiment',
    id: ix.id,
    key: ix.key,
    status: ix.experiment.status,
    raw: ix.experiment,
    ...(ix.group ? { groupId: ix.group.id } : {}),
    allocation: ix.experiment.trafficAllocation ?? [],
    variationsByKey: ix.variationsByKey,
    isCmab: Boolean(ix.experiment.cmab),
  };
}

// ---------------------------------------------------------------------------------------------
// Reconstruction of one decision.

/** Visitor-level inputs of a reconstruction. */
export interface VisitorContext {
  readonly userId: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** The SDK's audience verdict (`!!result`) for an experiment, rule or holdout id. */
  readonly audience: (entityId: string) => boolean;
}

export type RuleOutcome =
  /** Experiment status (looked up by key, like the SDK) is not "Running". */
  | 'not-running'
  /** `forcedVariations[userId]` names a variation of the experiment. */
  | 'whitelisted'
  /** `$opt_experiment_bucket_map` names a known variation for the experiment. */
  | 'sticky'
  | 'audience-failed'
  /** The experiment's group id is not in the datafile: the SDK throws and returns no variation. */
  | 'missing-group'
  | 'group-no-experiment'
  | 'group-other-experiment'
  | 'outside-traffic'
  | 'traffic-gap'
  /** Bucketed into an entity id that is no variation in the datafile. */
  | 'invalid-variation'
  /** In the CMAB traffic: the variation would come from Optimizely's prediction service (not reproducible; the sync SDK returns none). */
  | 'cmab'
  | 'bucketed';

export interface RuleEvaluation {
  readonly entity: SdkEntity;
  readonly outcome: RuleOutcome;
  readonly variation: Variation | null;
  /** Present when bucketing was computed (not for not-running / whitelisted / sticky / audience-failed). */
  readonly bucket?: BucketResult;
  /** The whitelisted key when it names no variation (the SDK ignores the entry). */
  readonly invalidWhitelistKey?: string;
  /** Delivery rules: audience matched but traffic missed, so the SDK jumps to Everyone Else. */
  readonly skipToEveryoneElse?: boolean;
}

/** Buckets a visitor into an entity the way `bucketer.bucket` does (group first when it applies). */
export function bucketEntity(view: SdkView, entity: SdkEntity, bucketingId: string): { bucket: BucketResult; missingGroup: boolean } {
  // Like the SDK's bucketer, the group comes from the entity registered under this id.
  const groupId = (view.experimentById.get(entity.id) ?? entity).groupId;
  const group = groupId !== undefined ? view.groupById.get(groupId) : undefined;
  const bucket = bucketExperiment({ bucketingId, experimentId: entity.id, allocation: entity.allocation, ...(group ? { group } : {}) });
  return { bucket, missingGroup: groupId !== undefined && group === undefined };
}

function bucketOutcome(view: SdkView, entity: SdkEntity, bucketingId: string): { outcome: RuleOutcome; variation: Variation | null; bucket: BucketResult } {
  const { bucket, missingGroup } = bucketEntity(view, entity, bucketingId);
  if (missingGroup) return { outcome: 'missing-group', variation: null, bucket };
  if (bucket.outcome !== 'bucketed') return { outcome: bucket.outcome, variation: null, bucket };
  if (entity.isCmab) return { outcome: bucket.entityId === CMAB_DUMMY_ENTITY_ID ? 'cmab' : 'outside-traffic', variation: null, bucket };
  const variation = bucket.entityId !== null ? view.variationById.get(bucket.entityId) : undefined;
  if (!variation) return { outcome: 'invalid-variation', variation: null, bucket };
  return { outcome: 'bucketed', variation, bucket };
}

function stickyVariation(view: SdkView, entity: SdkEntity, attributes: Readonly<Record<string, unknown>>): Variation | undefined {
  const map = attributes[STICKY_BUCKETING_ATTRIBUTE];
  if (typeof map !== 'object' || map === null || !Object.prototype.hasOwnProperty.call(map, entity.id)) return undefined;
  const entry = (map as Record<string, unknown>)[entity.id];
  const variationId = typeof entry === 'object' && entry !== null ? (entry as { variation_id?: unknown }).variation_id : undefined;
  return typeof variationId === 'string' ? view.variationById.get(variationId) : undefined;
}

/** `resolveVariation`: A/B experiments (activate / getVariation) and flag experiment rules. */
export function evaluateExperimentRule(view: SdkView, entity: SdkEntity, visitor: VisitorContext): RuleEvaluation {
  const statusOwner = view.experimentByKey.get(entity.key) ?? entity;
  if (statusOwner.status !== 'Running') return { entity, outcome: 'not-running', variation: null };
  const forced = entity.raw && 'forcedVariations' in entity.raw ? (entity.raw as Experiment).forcedVariations : undefined;
  let invalidWhitelistKey: string | undefined;
  if (forced && Object.prototype.hasOwnProperty.call(forced, visitor.userId)) {
    const key = forced[visitor.userId];
    const variation = entity.variationsByKey.get(key);
    if (variation) return { entity, outcome: 'whitelisted', variation };
    invalidWhitelistKey = key;
  }
  const extra = invalidWhitelistKey !== undefined ? { invalidWhitelistKey } : {};
  // The SDK reads sticky decisions for CMAB experiments too (it only skips saving them).
  const sticky = stickyVariation(view, entity, visitor.attributes);
  if (sticky) return { entity, outcome: 'sticky', variation: sticky, ...extra };
  if (!visitor.audience(entity.id)) return { entity, outcome: 'audience-failed', variation: null, ...extra };
  const { bucketingId } = bucketingIdFor(visitor.userId, visitor.attributes);
  return { entity, ...bucketOutcome(view, entity, bucketingId), ...extra };
}

/** `getVariationFromDeliveryRule`: no status, whitelist or sticky check; a traffic miss skips to Everyone Else. */
export function evaluateDeliveryRule(view: SdkView, entity: SdkEntity, visitor: VisitorContext, isEveryoneElse: boolean): RuleEvaluation {
  if (!visitor.audience(entity.id)) return { entity, outcome: 'audience-failed', variation: null };
  const { bucketingId } = bucketingIdFor(visitor.userId, visitor.attributes);
  const result = bucketOutcome(view, entity, bucketingId);
  // The delivery path does not special-case CMAB: a "$" bucket is looked up as a variation id and fails.
  const outcome = result.outcome === 'cmab' ? 'invalid-variation' : result.outcome;
  const variation = outcome === 'bucketed' ? result.variation : null;
  return { entity, outcome, variation, bucket: result.bucket, ...(variation === null && !isEveryoneElse ? { skipToEveryoneElse: true } : {}) };
}

/** `getVariationForHoldout`. */
export function evaluateHoldout(view: SdkView, holdout: SdkEntity, visitor: VisitorContext): RuleEvaluation {
  if (holdout.status !== 'Running') return { entity: holdout, outcome: 'not-running', variation: null };
  if (!visitor.audience(holdout.id)) return { entity: holdout, outcome: 'audience-failed', variation: null };
  const { bucketingId } = bucketingIdFor(visitor.userId, visitor.attributes);
  return { entity: holdout, ...bucketOutcome(view, holdout, bucketingId) };
}

export type FlagDecisionSource = 'feature-test' | 'rollout' | 'holdout';

/** One step of a flag reconstruction, in evaluation order. */
export interface FlagStep {
  readonly kind: 'global-holdout' | 'local-holdout' | 'experiment-rule' | 'delivery-rule';
  readonly evaluation: RuleEvaluation;
  /** For local holdouts: the rule they guard. */
  readonly ruleId?: string;
}

export interface FlagReconstruction {
  readonly flagKey: string;
  readonly steps: readonly FlagStep[];
  /** Entity (rule or holdout) that decided the flag; null: nothing matched (flag off). */
  readonly decidedBy: SdkEntity | null;
  readonly variation: Variation | null;
  readonly source: FlagDecisionSource | null;
  /** A global holdout with excludeTargetedDeliveries matched: experiment rules were skipped. */
  readonly holdoutSkippedExperiments?: SdkEntity;
  /** Ids of rules evaluated (reached) in this decision. */
  readonly reached: ReadonlySet<string>;
  readonly missingRollout: boolean;
}

/** `resolveVariationForFlag` without forced decisions (the engine sets none). */
export function reconstructFlag(view: SdkView, flagKey: string, visitor: VisitorContext): FlagReconstruction | undefined {
  const flag = view.flagByKey.get(flagKey);
  if (!flag) return undefined;
  const steps: FlagStep[] = [];
  const reached = new Set<string>();
  const done = (decidedBy: SdkEntity | null, variation: Variation | null, source: FlagDecisionSource | null, extra: Partial<FlagReconstruction> = {}): FlagReconstruction => ({
    flagKey,
    steps,
    decidedBy,
    variation,
    source,
    reached,
    missingRollout: Boolean(flag.rolloutId) && !view.rolloutById.has(flag.rolloutId),
    ...extra,
  });

  let skipExperiments: SdkEntity | undefined;
  for (const holdout of view.globalHoldouts) {
    const evaluation = evaluateHoldout(view, holdout, visitor);
    steps.push({ kind: 'global-holdout', evaluation });
    if (evaluation.variation) {
      if (holdout.excludeTargetedDeliveries) {
        skipExperiments = holdout;
        break;
      }
      return done(holdout, evaluation.variation, 'holdout');
    }
  }

  const localHoldout = (ruleId: string): RuleEvaluation | undefined => {
    for (const holdout of view.holdoutsByRule.get(ruleId) ?? []) {
      const evaluation = evaluateHoldout(view, holdout, visitor);
      steps.push({ kind: 'local-holdout', evaluation, ruleId });
      if (evaluation.variation) return evaluation;
    }
    return undefined;
  };

  if (!skipExperiments) {
    for (const id of flag.experimentIds ?? []) {
      const entity = view.experimentById.get(id);
      if (!entity) continue;
      reached.add(entity.id);
      const held = localHoldout(entity.id);
      if (held) return done(held.entity, held.variation, 'holdout');
      const evaluation = evaluateExperimentRule(view, entity, visitor);
      steps.push({ kind: 'experiment-rule', evaluation });
      if (evaluation.variation) {
        // The SDK maps the key back through the rule's variations, then the flag's.
        const variation =
          entity.variationsByKey.get(evaluation.variation.key) ?? view.flagVariations.get(flagKey)?.find((v) => v.key === evaluation.variation?.key) ?? null;
        return done(entity, variation, 'feature-test');
      }
    }
  }

  const rollout = flag.rolloutId ? view.rolloutById.get(flag.rolloutId) : undefined;
  const rules = rollout?.experiments ?? [];
  let i = 0;
  while (i < rules.length) {
    const entity = view.entityOf.get(rules[i]) ?? sdkRuleFallback(rules[i]);
    reached.add(entity.id);
    const held = localHoldout(entity.id);
    if (held) return done(held.entity, held.variation, 'holdout', skipExperiments ? { holdoutSkippedExperiments: skipExperiments } : {});
    const isEveryoneElse = i === rules.length - 1;
    const evaluation = evaluateDeliveryRule(view, entity, visitor, isEveryoneElse);
    steps.push({ kind: 'delivery-rule', evaluation });
    if (evaluation.variation) {
      // The decision names the entity registered under the rule's id.
      return done(view.experimentById.get(entity.id) ?? entity, evaluation.variation, 'rollout', skipExperiments ? { holdoutSkippedExperiments: skipExperiments } : {});
    }
    i = evaluation.skipToEveryoneElse ? rules.length - 1 : i + 1;
  }
  return done(null, null, null, skipExperiments ? { holdoutSkippedExperiments: skipExperiments } : {});
}

function sdkRuleFallback(rule: Experiment): SdkEntity {
  return {
    kind: 'rollout-rule',
    id: rule.id,
    key: rule.key,
    status: rule.status,
    raw: rule,
    allocation: rule.trafficAllocation ?? [],
    variationsByKey: variationMap(rule.variations),
    isCmab: Boolean(rule.cmab),
  };
}
