/**
 * How Optimizely would decide, for one visitor, every experiment and flag rule that uses an event as
 * a metric — the input the diagnostics need to explain why a conversion would not count (a
 * conversion only counts for experiments the visitor got a decision, and an impression, for).
 *
 * The answers are the Optimizely SDK's own (`@optimizely/optimizely-sdk` 6.x, run in-process with a
 * static datafile, no event processor, no network, a logger that prints nothing):
 * - flag rules (A/B test rules, targeted deliveries, rollouts): `userContext.decide(flagKey,
 *   [INCLUDE_REASONS, DISABLE_DECISION_EVENT])`; the DECISION notification tells which rule
 *   (experiment id) and variation id delivered the flag;
 * - experiments outside flags: `getVariation(experimentKey, userId, attributes)`, with the SDK's log
 *   lines captured as reasons;
 * - audience verdicts: a second SDK instance with probe experiments (decisions-audience.ts), so every
 *   experiment, audience and condition gets the SDK's own verdict even when the real decision never
 *   evaluated it.
 * What the SDK does not expose (bucket values, the traffic range hit, group bucketing, which rules
 * were reached) is computed in bucketing.ts / decisions-model.ts; that reconstruction is compared
 * with the SDK on every call (`consistent`) and in the tests on 10,000 visitors per experiment.
 *
 * Build one engine per datafile revision and cache it; it holds two SDK instances. No global state.
 */
import {
  createInstance,
  createLogger,
  createStaticProjectConfigManager,
  DEBUG,
  NOTIFICATION_TYPES,
  OptimizelyDecideOption,
  type Client,
  type UserAttributes,
} from '@optimizely/optimizely-sdk';
import { buildDatafileIndex, describeAudienceConditions, type DatafileIndex, type IndexedExperiment, type RuleType } from '../datafile/index';
import type { ProjectConfig, TrafficAllocation } from '../datafile/types';
import { allocationEnd, bucketingIdFor, type AllocationHit, type BucketResult } from './bucketing';
import { buildProbePlan, explainAudience, effectiveAudienceConditions, type AudienceHolder, type ProbePlan } from './decisions-audience';
import {
  buildSdkView,
  bucketEntity,
  evaluateDeliveryRule,
  evaluateExperimentRule,
  reconstructFlag,
  sdkEntityFor,
  type FlagDecisionSource,
  type FlagReconstruction,
  type RuleEvaluation,
  type SdkEntity,
  type SdkView,
  type VisitorContext,
} from './decisions-model';

export type { RuleType } from '../datafile/index';
export type { FlagDecisionSource } from './decisions-model';

export interface DecideForEventInput {
  /** The Optimizely user id (Segment's userId or anonymousId, as the destination maps it). */
  visitorId: string;
  /** Attributes as the SDK would receive them (keys with `undefined` values are dropped, as the SDK rejects them). */
  attributes?: Readonly<Record<string, unknown>>;
  /** Experiment / rule ids using the event as a metric (`events[].experimentIds`). */
  experimentIds: readonly string[];
}

export interface AudienceResult {
  /** The SDK's audience verdict for this visitor (null: could not be evaluated, e.g. the datafile did not load). */
  result: boolean | null;
  /** Readable conditions, e.g. `country = "US" AND NOT (cart_value < 25)`; `everyone` without conditions. */
  conditions: string;
  /** When result is false: the conditions that failed, each with the visitor's value. */
  failed?: string[];
}

export interface GroupResult {
  id: string;
  policy: string;
  /** Group bucket value (bucketingId + groupId); computed for every policy, used only for "random". */
  bucketValue: number;
  /** Experiment picked by group bucketing (null: none, or the policy is not "random"). */
  landedIn: string | null;
}

export interface FlagDecisionSummary {
  flagKey: string;
  enabled: boolean;
  variationKey: string | null;
  variationId: string | null;
  /** Key of the rule (or holdout) that decided the flag; null when nothing matched. */
  ruleKey: string | null;
  /** Its id (the SDK's `experimentId`). */
  ruleId: string | null;
  source: FlagDecisionSource | null;
}

export interface ExperimentDecision {
  experimentId: string;
  /** '' when the id is not in the datafile. */
  experimentKey: string;
  /** Status as written in the datafile ('' when unknown). */
  status: string;
  /** Flag using this rule (the one it delivered for, else the first one). */
  flagKey?: string;
  ruleKey?: string;
  ruleType: RuleType;
  /** What the visitor got from THIS experiment / rule (null: nothing, no impression). */
  variationKey: string | null;
  variationId: string | null;
  /** Plain-English explanation in evaluation order; the LAST entry is the conclusion with its cause. */
  reasons: string[];
  /** The SDK's own decision reasons / log lines, verbatim. */
  sdkReasons: string[];
  audience: AudienceResult;
  /** Bucket value 0–9999 (bucketingId + experiment id). */
  bucketValue?: number;
  /** Effective traffic allocation (after the SDK's parse-time changes). */
  allocation?: TrafficAllocation[];
  /** Range of `allocation` the bucket value fell in; null: above the last endOfRange. */
  allocationRange?: AllocationHit | null;
  /** The bucketing id used ($opt_bucketing_id or the visitor id). */
  bucketingId?: string;
  group?: GroupResult;
  /** Whitelisted through `forcedVariations` (audience and traffic skipped). */
  forced?: boolean;
  /** The SDK treats it as not running (experiments and A/B rules whose status is not "Running"; the SDK ignores delivery rules' status). */
  notRunning?: boolean;
  /** Flag rules: this rule delivered the flag decision. */
  delivered?: boolean;
  /** Flag rules: the SDK's decision for the flag. */
  flagDecision?: FlagDecisionSummary;
  /** Contextual bandit: the variation would come from Optimizely's prediction service (not reproduced). */
  cmab?: boolean;
  /** The id is not an experiment or rule of the datafile. */
  unknown?: boolean;
  /** Would the SDK send an impression (decision event) for this experiment / rule? */
  impressionSent: boolean;
  /** The emulator's step-by-step reconstruction agrees with the SDK's answer (false would be a bug worth reporting). */
  consistent: boolean;
}

export interface DecisionEngine {
  /** True when the SDK loaded the datafile (synchronous: a static datafile is parsed during construction). */
  readonly ready: boolean;
  /** Why the SDK could not load the datafile. */
  readonly error?: string;
  readonly revision: string;
  readonly index: DatafileIndex;
  decideForEvent(input: DecideForEventInput): ExperimentDecision[];
  /** The SDK's audience verdict for an experiment, rule or holdout id (null when unknown or not ready). */
  audienceMatches(entityId: string, visitorId: string, attributes?: Readonly<Record<string, unknown>>): boolean | null;
  /** The reconstruction of a flag decision (for tests and cross-checks); undefined for an unknown flag. */
  reconstructFlag(flagKey: string, visitorId: string, attributes?: Readonly<Record<string, unknown>>): FlagReconstruction | undefined;
  /** The SDK's flag decision (no event sent). */
  decideFlag(flagKey: string, visitorId: string, attributes?: Readonly<Record<string, unknown>>): FlagDecisionSummary & { reasons: string[] };
  /** Releases the SDK instances (they hold no timers or sockets; this only stops them). */
  close(): void;
}

// ---------------------------------------------------------------------------------------------

interface CapturingLogger {
  readonly logger: ReturnType<typeof createLogger>;
  start(): void;
  stop(): string[];
}

/** A logger for the SDK that keeps lines only while capturing and never prints. */
function capturingLogger(): CapturingLogger {
  let lines: string[] | undefined;
  const logger = createLogger({
    level: DEBUG,
    logHandler: {
      log(_level: unknown, message: string): void {
        if (lines !== undefined) lines.push(message);
      },
    },
  });
  return {
    logger,
    start: () => {
      lines = [];
    },
    stop: () => {
      const out = lines ?? [];
      lines = undefined;
      return out;
    },
  };
}

/** Removes the SDK logger's "Component: " prefix and lines that never matter here. */
function cleanLogLines(lines: readonly string[]): string[] {
  return lines
    .map((line) => line.replace(/^[A-Za-z]+: /, ''))
    .filter((line) => !/ is not in the forced variation map\.$/.test(line) && !/^No experiment .* mapped to user .* in the forced variation map\.$/.test(line));
}

function sanitizeAttributes(attributes: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (attributes == null || typeof attributes !== 'object' || Array.isArray(attributes)) return out;
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

/** The SDK rejects ids that are not strings and the string "undefined". */
function visitorIdProblem(visitorId: unknown): string | undefined {
  if (typeof visitorId !== 'string') return `the visitor id is a ${visitorId === null ? 'null' : typeof visitorId}, and the SDK only accepts strings`;
  if (visitorId === 'undefined') return 'the SDK rejects the user id "undefined"';
  return undefined;
}

const pct = (endOfRange: number): string => `${Number((endOfRange / 100).toFixed(2))}%`;

function variationLabel(key: string | null | undefined, id?: string | null): string {
  if (key == null) return 'no variation';
  return id ? `variation "${key}" (${id})` : `variation "${key}"`;
}

function ruleLabel(ix: IndexedExperiment | undefined, entity: SdkEntity): string {
  if (entity.kind === 'holdout') return `holdout "${entity.key}"`;
  if (ix?.ruleType === 'ab-test') return `A/B test rule "${entity.key}"`;
  if (ix?.ruleType === 'targeted-delivery') return `targeted delivery rule "${entity.key}"`;
  if (ix?.ruleType === 'rollout') return ix.isEveryoneElse ? `rollout rule "${entity.key}" (Everyone Else)` : `rollout rule "${entity.key}"`;
  return `experiment "${entity.key}"`;
}

/** Sentences about the bucketing of one entity. */
function bucketSentences(view: SdkView, entity: SdkEntity, bucket: BucketResult, idSource: string): string[] {
  const out: string[] = [];
  if (bucket.group) {
    const g = bucket.group;
    if (!g.exclusive) {
      out.push(`It belongs to group ${g.id} with policy "${g.policy}", which has no group-level bucketing.`);
    } else if (g.landedIn === entity.id) {
      out.push(`Mutually exclusive group ${g.id}: group bucket value ${g.bucketValue} picked this experiment.`);
    } else if (g.landedIn === null) {
      const end = allocationEnd(view.groupById.get(g.id)?.trafficAllocation ?? []);
      out.push(
        g.hit === null
          ? `Excluded by mutually exclusive group ${g.id}: group bucket value ${g.bucketValue} is at or above ${end}, the end of the group's traffic (${pct(end)}), so the visitor is in none of the group's experiments.`
          : `Excluded by mutually exclusive group ${g.id}: group bucket value ${g.bucketValue} fell in a gap of the group's allocation, so the visitor is in none of its experiments.`,
      );
      return out;
    } else {
      const other = view.experimentById.get(g.landedIn);
      out.push(
        `Excluded by mutually exclusive group ${g.id}: group bucket value ${g.bucketValue} picked the other experiment ${other ? `"${other.key}" (${g.landedIn})` : g.landedIn}, so this one gives the visitor nothing.`,
      );
      return out;
    }
  }
  const where = `bucket value ${bucket.bucketValue} (hash of ${idSource} ${JSON.stringify(bucket.bucketingId)} + id ${entity.id})`;
  const hit = bucket.hit;
  if (entity.isCmab) {
    const end = allocationEnd(entity.allocation);
    out.push(
      hit
        ? `Contextual bandit (CMAB): ${where} is below its traffic ${end} (${pct(end)}), so Optimizely's prediction service picks the variation over the network; the emulator cannot reproduce that choice (the SDK's synchronous decide returns no variation for it).`
        : `Contextual bandit (CMAB): ${where} is at or above its traffic ${end} (${pct(end)}): the visitor is outside the experiment.`,
    );
    return out;
  }
  if (hit === null) {
    const end = allocationEnd(entity.allocation);
    out.push(`Traffic allocation miss: ${where} is at or above ${end}, the end of the last traffic range, so the visitor is outside the ${pct(end)} of traffic in the experiment.`);
  } else if (hit.entityId === '') {
    out.push(`Traffic allocation miss: ${where} fell in [${hit.startOfRange}, ${hit.endOfRange}), a gap with no variation.`);
  } else {
    const variation = view.variationById.get(hit.entityId);
    out.push(
      variation
        ? `${where[0].toUpperCase()}${where.slice(1)} falls in [${hit.startOfRange}, ${hit.endOfRange}) → ${variationLabel(variation.key, variation.id)}.`
        : `${where[0].toUpperCase()}${where.slice(1)} falls in [${hit.startOfRange}, ${hit.endOfRange}), whose entity id ${hit.entityId} is no variation in the datafile: the SDK returns no variation.`,
    );
  }
  return out;
}

/** Short cause of an evaluation that gave no variation, for the concluding sentence. */
function missCause(view: SdkView, evaluation: RuleEvaluation): string {
  switch (evaluation.outcome) {
    case 'not-running':
      return `status "${(view.experimentByKey.get(evaluation.entity.key) ?? evaluation.entity).status}", not running`;
    case 'audience-failed':
      return 'audience not matched';
    case 'group-no-experiment':
    case 'group-other-experiment':
      return 'excluded by its mutually exclusive group';
    case 'outside-traffic':
    case 'traffic-gap':
      return 'outside the traffic allocation';
    case 'invalid-variation':
      return 'bucketed into an id that is no variation';
    case 'cmab':
      return 'contextual bandit: the prediction service picks the variation';
    case 'missing-group':
      return 'its group is missing from the datafile';
    default:
      return 'no variation';
  }
}

/** Sentences for one rule evaluation (the same walk the SDK does), in order. */
function evaluationSentences(view: SdkView, evaluation: RuleEvaluation, audience: AudienceResult, visitorId: string, idSource: string, delivery: boolean): string[] {
  const { entity } = evaluation;
  const out: string[] = [];
  if (evaluation.invalidWhitelistKey !== undefined) {
    out.push(`forcedVariations maps ${JSON.stringify(visitorId)} to "${evaluation.invalidWhitelistKey}", which is not a variation of this experiment; the SDK ignores it.`);
  }
  switch (evaluation.outcome) {
    case 'not-running': {
      const owner = view.experimentByKey.get(entity.key);
      const status = owner?.status ?? entity.status;
      out.push(
        owner && owner.id !== entity.id
          ? `Not running: the SDK checks the status by key, and key "${entity.key}" belongs to ${owner.kind === 'rollout-rule' ? 'rollout rule' : 'experiment'} ${owner.id} with status "${status}".`
          : `Not running: status is "${status}", and the SDK only decides experiments whose status is "Running". No variation, no impression.`,
      );
      return out;
    }
    case 'whitelisted':
      out.push(`Whitelisted: forcedVariations puts visitor ${JSON.stringify(visitorId)} in ${variationLabel(evaluation.variation?.key, evaluation.variation?.id)}; audience and traffic allocation are skipped.`);
      return out;
    case 'sticky':
      out.push(`Sticky bucketing: the $opt_experiment_bucket_map attribute pins the visitor to ${variationLabel(evaluation.variation?.key, evaluation.variation?.id)}; audience and traffic allocation are skipped.`);
      return out;
    case 'audience-failed':
      out.push(`Audience not matched: the visitor must match ${audience.conditions}.${audience.failed?.length ? ` Failing: ${audience.failed.join('; ')}.` : ''}`);
      if (delivery) out.push('The SDK moves on to the next delivery rule.');
      return out;
    default:
      break;
  }
  out.push(audience.conditions === 'everyone' ? 'No audience conditions: every visitor qualifies.' : `Audience matched: ${audience.conditions}.`);
  if (evaluation.outcome === 'missing-group') {
    out.push(`Its group id ${entity.groupId ?? ''} is not in the datafile: the SDK raises an error and returns no variation.`);
    return out;
  }
  if (evaluation.bucket) out.push(...bucketSentences(view, entity, evaluation.bucket, idSource));
  if (evaluation.skipToEveryoneElse) out.push('The audience matched but the traffic allocation did not, so the SDK skips the remaining delivery rules and goes straight to Everyone Else.');
  return out;
}

function emptyDatafile(): ProjectConfig {
  return { version: '4', accountId: '', projectId: '', revision: '', events: [], experiments: [], groups: [], attributes: [], audiences: [], featureFlags: [], rollouts: [] };
}

/** The SDK's reasons for any decision made before it holds a datafile (DECISION_MESSAGES.SDK_NOT_READY). */
const SDK_NOT_READY = /not configured properly/i;

/**
 * Whether the SDK instance holds a parsed datafile. A static datafile is parsed synchronously during
 * construction. `getOptimizelyConfig()` cannot tell: it returns null for valid datafiles whose
 * `audienceConditions` is a single audience id string (its serializer calls forEach on it). So ask
 * for a decision on a flag that does not exist: before a datafile is loaded the error decision says
 * "Optimizely SDK not configured properly yet."; afterwards it says the flag is unknown.
 */
function sdkHasConfig(client: Client): boolean {
  const decision = client.createUserContext('$opt_emulator_ready_check').decide('$opt_emulator_ready_check');
  return !decision.reasons.some((reason) => SDK_NOT_READY.test(reason));
}

// ---------------------------------------------------------------------------------------------

/**
 * Creates the decision engine for one datafile (object or JSON text). Never throws and never prints:
 * a datafile the SDK rejects gives an engine with `ready: false` and `error`, whose decisions say so.
 */
export function createDecisionEngine(datafile: ProjectConfig | string): DecisionEngine {
  let config: ProjectConfig = emptyDatafile();
  let json = '';
  let parseError: string | undefined;
  try {
    if (typeof datafile === 'string') {
      json = datafile;
      config = JSON.parse(datafile) as ProjectConfig;
    } else {
      config = datafile;
      json = JSON.stringify(datafile);
    }
  } catch (err) {
    parseError = `the datafile is not valid JSON (${(err as Error).message})`;
    config = emptyDatafile();
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    parseError = parseError ?? 'the datafile is not a JSON object';
    config = emptyDatafile();
  }

  let index: DatafileIndex;
  let view: SdkView;
  try {
    index = buildDatafileIndex(config);
    view = buildSdkView(config);
  } catch (err) {
    // A shape neither the index nor the SDK mirror can walk (e.g. `experiments` is not an array).
    parseError = parseError ?? `the datafile has an unexpected shape (${(err as Error).message})`;
    config = emptyDatafile();
    index = buildDatafileIndex(config);
    view = buildSdkView(config);
  }

  // Real SDK instance.
  const capture = capturingLogger();
  let client: Client | undefined;
  let ready = false;
  let error: string | undefined = parseError;
  capture.start();
  try {
    client = createInstance({ projectConfigManager: createStaticProjectConfigManager({ datafile: json }), logger: capture.logger });
  } catch (err) {
    error = error ?? (err as Error).message;
  }
  const initLines = cleanLogLines(capture.stop());
  ready = parseError === undefined && client !== undefined && sdkHasConfig(client);
  if (!ready && error === undefined) {
    const problems = initLines.filter((l) => !/^(Skipping JSON schema validation|got invalid datafile|Updated Optimizely config)/.test(l));
    error = problems.join(' ') || 'the SDK did not accept the datafile';
  }

  // Flag decisions arrive synchronously through the DECISION notification (it carries the rule and variation ids).
  let lastFlagInfo: { experimentId: string | null; variationId: string | null } | undefined;
  client?.notificationCenter.addNotificationListener(NOTIFICATION_TYPES.DECISION, (payload) => {
    if (payload.type === 'flag') lastFlagInfo = { experimentId: payload.decisionInfo.experimentId, variationId: payload.decisionInfo.variationId };
  });

  // Probe SDK instance for audience verdicts.
  const probeEntities: Array<{ id: string; holder: AudienceHolder }> = [];
  for (const entity of view.experimentById.values()) probeEntities.push({ id: entity.id, holder: entity.raw });
  for (const entity of view.holdoutById.values()) probeEntities.push({ id: entity.id, holder: entity.raw });
  for (const ix of index.experimentsById.values()) probeEntities.push({ id: ix.id, holder: ix.experiment });
  let plan: ProbePlan | undefined;
  let probe: Client | undefined;
  if (ready) {
    try {
      plan = buildProbePlan(config, index, probeEntities);
      probe = createInstance({ projectConfigManager: createStaticProjectConfigManager({ datafile: JSON.stringify(plan.datafile) }) });
      if (!sdkHasConfig(probe)) probe = undefined;
    } catch {
      probe = undefined;
    }
  }

  const ask = (key: string, userId: string, attributes: UserAttributes): boolean => probe !== undefined && probe.getVariation(key, userId, attributes) !== null;

  const visitorContext = (userId: string, attributes: Record<string, unknown>): VisitorContext & { cache: Map<string, boolean | null> } => {
    const cache = new Map<string, boolean | null>();
    const verdict = (entityId: string): boolean | null => {
      if (!cache.has(entityId)) {
        const key = plan?.entityProbe.get(entityId);
        cache.set(entityId, key === undefined || probe === undefined ? null : ask(key, userId, attributes as UserAttributes));
      }
      return cache.get(entityId) ?? null;
    };
    return { userId, attributes, audience: (id) => verdict(id) === true, cache };
  };

  const audienceOf = (holder: AudienceHolder, verdict: boolean | null, userId: string, attributes: Record<string, unknown>): AudienceResult => {
    const conditions = effectiveAudienceConditions(holder);
    const readable =
      conditions === undefined || conditions === null || (Array.isArray(conditions) && conditions.length === 0) ? 'everyone' : describeAudienceConditions(conditions, index);
    if (verdict === null || plan === undefined) return { result: verdict, conditions: readable };
    if (verdict) return { result: true, conditions: readable };
    const explained = explainAudience({
      holder,
      verdict,
      index,
      plan,
      ask: (key) => ask(key, userId, attributes as UserAttributes),
      attributes,
    });
    return { result: false, conditions: explained.conditions, ...(explained.failed ? { failed: explained.failed.map((b) => b.text) } : {}) };
  };

  const decideFlag = (flagKey: string, userId: string, attributes: Record<string, unknown>): FlagDecisionSummary & { reasons: string[] } => {
    if (client === undefined || !ready) {
      return { flagKey, enabled: false, variationKey: null, variationId: null, ruleKey: null, ruleId: null, source: null, reasons: [error ?? 'the SDK is not ready'] };
    }
    const idProblem = visitorIdProblem(userId);
    if (idProblem !== undefined) {
      return { flagKey, enabled: false, variationKey: null, variationId: null, ruleKey: null, ruleId: null, source: null, reasons: [idProblem] };
    }
    lastFlagInfo = undefined;
    const user = client.createUserContext(userId, attributes as UserAttributes);
    const decision = user.decide(flagKey, [OptimizelyDecideOption.INCLUDE_REASONS, OptimizelyDecideOption.DISABLE_DECISION_EVENT]);
    const info: { experimentId: string | null; variationId: string | null } = lastFlagInfo ?? { experimentId: null, variationId: null };
    const ruleId = info.experimentId;
    let source: FlagDecisionSource | null = null;
    if (ruleId !== null) {
      if (view.holdoutById.has(ruleId)) source = 'holdout';
      else source = view.experimentById.get(ruleId)?.kind === 'rollout-rule' ? 'rollout' : 'feature-test';
    }
    return {
      flagKey,
      enabled: decision.enabled,
      variationKey: decision.variationKey,
      variationId: info.variationId,
      ruleKey: decision.ruleKey,
      ruleId,
      source,
      reasons: [...decision.reasons],
    };
  };

  const decideForEvent = (input: DecideForEventInput): ExperimentDecision[] => {
    const userId = input.visitorId;
    const attributes = sanitizeAttributes(input.attributes);
    const idProblem = visitorIdProblem(userId);
    const visitor = visitorContext(String(userId), attributes);
    const { bucketingId, source: idSourceKind, ignoredBucketingId } = bucketingIdFor(String(userId), attributes);
    const idSource = idSourceKind === 'userId' ? 'visitor id' : '$opt_bucketing_id';
    const flagCache = new Map<string, { sdk: FlagDecisionSummary & { reasons: string[] }; recon: FlagReconstruction | undefined }>();
    const flagFor = (flagKey: string): { sdk: FlagDecisionSummary & { reasons: string[] }; recon: FlagReconstruction | undefined } => {
      let entry = flagCache.get(flagKey);
      if (!entry) {
        entry = { sdk: decideFlag(flagKey, userId, attributes), recon: reconstructFlag(view, flagKey, visitor) };
        flagCache.set(flagKey, entry);
      }
      return entry;
    };

    const seen = new Set<string>();
    const out: ExperimentDecision[] = [];
    for (const experimentId of input.experimentIds) {
      if (seen.has(experimentId)) continue;
      seen.add(experimentId);
      const ix = index.experimentsById.get(experimentId);
      const entity = ix ? sdkEntityFor(view, index, experimentId) : undefined;
      if (!ready) {
        out.push({
          experimentId,
          experimentKey: ix?.key ?? '',
          status: ix?.experiment.status ?? '',
          ...(ix?.flagKey !== undefined ? { flagKey: ix.flagKey, ruleKey: ix.key } : {}),
          ruleType: ix?.ruleType ?? 'experiment',
          variationKey: null,
          variationId: null,
          reasons: [`The Optimizely SDK could not load this datafile: ${error ?? 'unknown error'}. It would decide nothing and send no impressions.`],
          sdkReasons: initLines,
          audience: { result: null, conditions: ix ? describeAudienceConditions(effectiveAudienceConditions(ix.experiment), index) : 'unknown' },
          ...(ix ? {} : { unknown: true }),
          impressionSent: false,
          consistent: true,
        });
        continue;
      }
      if (!ix || !entity) {
        out.push({
          experimentId,
          experimentKey: '',
          status: '',
          ruleType: 'experiment',
          variationKey: null,
          variationId: null,
          reasons: [
            view.holdoutById.has(experimentId)
              ? `Id ${experimentId} is a holdout, not an experiment or rule; conversions are not attributed to it through this event.`
              : `No experiment or rule with id ${experimentId} in the datafile (revision ${index.revision}): nothing can be decided for it.`,
          ],
          sdkReasons: [],
          audience: { result: null, conditions: 'unknown' },
          unknown: true,
          impressionSent: false,
          consistent: true,
        });
        continue;
      }

      const isFlagRule = ix.source === 'rollouts' || ix.flagKeys.length > 0;
      const base = {
        experimentId,
        experimentKey: ix.key,
        status: ix.experiment.status ?? '',
        ruleType: ix.ruleType,
        ...(isFlagRule ? { ruleKey: ix.key } : {}),
      };

      if (idProblem !== undefined) {
        const why = `No decision: ${idProblem}.`;
        out.push({
          ...base,
          ...(ix.flagKey !== undefined ? { flagKey: ix.flagKey } : {}),
          variationKey: null,
          variationId: null,
          reasons: [why],
          sdkReasons: [],
          audience: { result: null, conditions: describeAudienceConditions(effectiveAudienceConditions(ix.experiment), index) },
          impressionSent: false,
          consistent: true,
        });
        continue;
      }

      visitor.audience(entity.id);
      const verdict = visitor.cache.get(entity.id) ?? null;
      const audience = audienceOf(entity.raw, verdict, userId, attributes);
      const { bucket } = bucketEntity(view, entity, bucketingId);
      const common = {
        audience,
        bucketValue: bucket.bucketValue,
        allocation: entity.allocation.map((a) => ({ entityId: a.entityId, endOfRange: a.endOfRange })),
        allocationRange: bucket.hit,
        bucketingId,
        ...(bucket.group ? { group: { id: bucket.group.id, policy: bucket.group.policy, bucketValue: bucket.group.bucketValue, landedIn: bucket.group.landedIn } } : {}),
        ...(entity.isCmab ? { cmab: true } : {}),
      };
      const preface: string[] = [];
      if (ignoredBucketingId !== undefined) preface.push(`$opt_bucketing_id is not a string (${JSON.stringify(ignoredBucketingId)}), so the SDK buckets by the visitor id.`);

      if (!isFlagRule) {
        // ---- Experiment outside flags: getVariation(key).
        const evaluation = evaluateExperimentRule(view, entity, visitor);
        const owner = view.experimentByKey.get(ix.key);
        const collision = owner !== undefined && owner.id !== ix.id;
        let sdkVariation: string | null = null;
        let sdkReasons: string[] = [];
        if (!collision && client) {
          capture.start();
          try {
            sdkVariation = client.getVariation(ix.key, userId, attributes as UserAttributes);
          } finally {
            sdkReasons = cleanLogLines(capture.stop());
          }
        }
        const variation = sdkVariation !== null ? (entity.variationsByKey.get(sdkVariation) ?? (evaluation.variation?.key === sdkVariation ? evaluation.variation : undefined)) : undefined;
        const reasons = [...preface];
        if (collision) {
          reasons.push(
            `Key "${ix.key}" is also used by ${owner.kind === 'rollout-rule' ? 'rollout rule' : 'experiment'} ${owner.id}, defined later in the datafile: the SDK's activate / getVariation("${ix.key}") decide that one, so this experiment can never be activated and gets no impression.`,
          );
        }
        reasons.push(...evaluationSentences(view, evaluation, audience, userId, idSource, false));
        const reconstructed = evaluation.variation?.key ?? null;
        const consistent = collision || entity.isCmab || reconstructed === sdkVariation;
        if (!consistent) reasons.push(`Note: the emulator's reconstruction gave ${variationLabel(reconstructed)}; the SDK's answer is the one reported.`);
        const cause = collision ? `key "${ix.key}" belongs to ${owner.id}` : missCause(view, evaluation);
        reasons.push(
          sdkVariation !== null
            ? `SDK decision: ${variationLabel(sdkVariation, variation?.id)}. activate() would send an impression, so conversions by this visitor count for the experiment.`
            : `SDK decision: no variation (${cause}), so no impression is sent and this visitor's conversions do not count for the experiment.`,
        );
        out.push({
          ...base,
          variationKey: sdkVariation,
          variationId: variation?.id ?? null,
          reasons,
          sdkReasons,
          ...common,
          forced: evaluation.outcome === 'whitelisted',
          notRunning: evaluation.outcome === 'not-running',
          impressionSent: sdkVariation !== null,
          consistent,
        });
        continue;
      }

      // ---- Flag rule: decide(flagKey) for every flag using it.
      const isDelivery = ix.source === 'rollouts';
      const flags = ix.flagKeys;
      if (flags.length === 0) {
        out.push({
          ...base,
          variationKey: null,
          variationId: null,
          reasons: [...preface, `This rollout rule belongs to no flag (no featureFlags[].rolloutId points to rollout ${ix.rollout?.id ?? ''}), so the SDK never evaluates it.`],
          sdkReasons: [],
          ...common,
          notRunning: false,
          delivered: false,
          impressionSent: false,
          consistent: true,
        });
        continue;
      }
      const results = flags.map((flagKey) => ({ flagKey, ...flagFor(flagKey) }));
      const deliveredBy = results.find((r) => r.sdk.ruleId === ix.id);
      const primary = deliveredBy ?? results[0];
      const delivered = deliveredBy !== undefined;
      const evaluation = isDelivery ? evaluateDeliveryRule(view, entity, visitor, ix.isEveryoneElse) : evaluateExperimentRule(view, entity, visitor);
      const reasons = [...preface];
      const position = isDelivery
        ? `delivery rule ${(ix.rollout?.experiments ?? []).findIndex((r) => r.id === ix.id) + 1} of ${ix.rollout?.experiments.length ?? 0}`
        : `experiment rule ${(view.flagByKey.get(primary.flagKey)?.experimentIds ?? []).indexOf(ix.id) + 1} of ${view.flagByKey.get(primary.flagKey)?.experimentIds.length ?? 0}`;
      reasons.push(`${ruleLabel(ix, entity)[0].toUpperCase()}${ruleLabel(ix, entity).slice(1)} is ${position} of flag "${primary.flagKey}"${flags.length > 1 ? ` (also used by ${flags.filter((f) => f !== primary.flagKey).map((f) => `"${f}"`).join(', ')})` : ''}.`);
      if (isDelivery && entity.status !== 'Running') reasons.push(`Its status is "${entity.status}", but the SDK does not check the status of delivery rules.`);

      const sdk = primary.sdk;
      const recon = primary.recon;
      const reached = recon?.reached.has(ix.id) ?? true;
      let cause = '';
      if (delivered) {
        reasons.push(...evaluationSentences(view, evaluation, audience, userId, idSource, isDelivery));
        reasons.push(`This rule delivered flag "${primary.flagKey}": ${variationLabel(sdk.variationKey, sdk.variationId)}, flag ${sdk.enabled ? 'enabled' : 'disabled'}.`);
      } else {
        if (!reached) {
          const decider = sdk.ruleId !== null ? (view.experimentById.get(sdk.ruleId) ?? view.holdoutById.get(sdk.ruleId)) : undefined;
          if (decider?.kind === 'holdout') {
            reasons.push(`Not evaluated: the visitor is in holdout "${decider.key}", which decides flag "${primary.flagKey}" before any rule.`);
            cause = `held out by holdout "${decider.key}"`;
          } else if (decider) {
            reasons.push(`Not evaluated: ${ruleLabel(index.experimentsById.get(decider.id), decider)} already delivered flag "${primary.flagKey}" (${variationLabel(sdk.variationKey, sdk.variationId)}).`);
            cause = `not reached: rule "${decider.key}" decided the flag first`;
          } else if (recon?.holdoutSkippedExperiments && !isDelivery) {
            reasons.push(`Not evaluated: holdout "${recon.holdoutSkippedExperiments.key}" (excludeTargetedDeliveries) sends the visitor straight to the delivery rules.`);
            cause = `skipped because of holdout "${recon.holdoutSkippedExperiments.key}"`;
          } else {
            reasons.push('Not evaluated: an earlier delivery rule matched its audience but missed its traffic allocation, so the SDK jumped to Everyone Else.');
            cause = 'skipped: an earlier delivery rule sent the visitor to Everyone Else';
          }
          reasons.push(`Had it been evaluated: ${evaluationSentences(view, evaluation, audience, userId, idSource, isDelivery).join(' ')}`);
        } else {
          reasons.push(...evaluationSentences(view, evaluation, audience, userId, idSource, isDelivery));
          const decider = sdk.ruleId !== null ? (view.experimentById.get(sdk.ruleId) ?? view.holdoutById.get(sdk.ruleId)) : undefined;
          if (decider) reasons.push(`Flag "${primary.flagKey}" was decided by ${ruleLabel(index.experimentsById.get(decider.id), decider)} instead: ${variationLabel(sdk.variationKey, sdk.variationId)}.`);
          else reasons.push(`No rule of flag "${primary.flagKey}" matched: the flag is off for this visitor (default variable values).`);
          cause = evaluation.variation ? `flag decided by ${decider ? `"${decider.key}"` : 'another rule'}` : missCause(view, evaluation);
        }
      }
      const impressionSent = delivered && (!isDelivery || view.sendFlagDecisions);
      const consistent = recon === undefined || ((recon.decidedBy?.id ?? null) === sdk.ruleId && (recon.variation?.id ?? null) === sdk.variationId);
      if (!consistent) reasons.push(`Note: the emulator's reconstruction differs (it gave ${recon?.decidedBy ? `"${recon.decidedBy.key}"` : 'no rule'}); the SDK's answer is the one reported.`);
      if (primary.recon?.missingRollout) reasons.push(`Flag "${primary.flagKey}" points to a rollout id that is not in the datafile.`);
      if (entity.isCmab && !delivered) reasons.push('The app would use decideAsync for this contextual bandit; its prediction-service call cannot be reproduced here.');
      // The conclusion comes last.
      if (!delivered) {
        reasons.push(`This rule gave the visitor nothing (${cause}), so no impression for it and conversions do not count for it.`);
      } else if (isDelivery && !view.sendFlagDecisions) {
        reasons.push('sendFlagDecisions is false in the datafile: the SDK sends no impression for rollout and targeted delivery decisions, so Optimizely records no decision and attributes no conversions to this rule.');
      } else {
        reasons.push('decide() sends an impression for this decision (unless the app passes DISABLE_DECISION_EVENT), so conversions by this visitor can count.');
      }
      out.push({
        ...base,
        flagKey: primary.flagKey,
        variationKey: delivered ? sdk.variationKey : null,
        variationId: delivered ? sdk.variationId : null,
        reasons,
        sdkReasons: sdk.reasons,
        ...common,
        ...(isDelivery ? {} : { forced: evaluation.outcome === 'whitelisted' }),
        notRunning: !isDelivery && evaluation.outcome === 'not-running',
        delivered,
        flagDecision: { flagKey: sdk.flagKey, enabled: sdk.enabled, variationKey: sdk.variationKey, variationId: sdk.variationId, ruleKey: sdk.ruleKey, ruleId: sdk.ruleId, source: sdk.source },
        impressionSent,
        consistent,
      });
    }
    return out;
  };

  return {
    ready,
    ...(error !== undefined ? { error } : {}),
    revision: index.revision,
    index,
    decideForEvent,
    audienceMatches: (entityId, visitorId, attributes) => {
      if (!ready) return null;
      const ctx = visitorContext(visitorId, sanitizeAttributes(attributes));
      ctx.audience(entityId);
      return ctx.cache.get(entityId) ?? null;
    },
    reconstructFlag: (flagKey, visitorId, attributes) => reconstructFlag(view, flagKey, visitorContext(visitorId, sanitizeAttributes(attributes))),
    decideFlag: (flagKey, visitorId, attributes) => decideFlag(flagKey, visitorId, sanitizeAttributes(attributes)),
    close: () => {
      void client?.close().catch(() => undefined);
      void probe?.close().catch(() => undefined);
    },
  };
}
