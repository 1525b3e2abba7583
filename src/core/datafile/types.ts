/**
 * TypeScript types for an Optimizely Feature Experimentation datafile (format version 4).
 *
 * Field names are exactly the ones found in exported datafiles (see spec/optimizely.md §2.2).
 * Real datafiles carry extra fields; these types list the ones this project reads. Use
 * `validateDatafile` (./schema) before trusting an unknown JSON value to have this shape.
 */

/** Datafile format versions the SDKs accept. Only "4" has feature flags and rollouts. */
export type DatafileVersion = '2' | '3' | '4';

/** Data residency region; "EU" sends events to eu.logx.optimizely.com. Missing means US. */
export type DatafileRegion = 'US' | 'EU';

/** Experiment / rule status values seen in datafiles. Only "Running" is bucketed. */
export type ExperimentStatus = 'Running' | 'Paused' | 'Not started' | 'Launched' | 'Archived';

/** Holdout status values. Only "Running" holdouts bucket users. */
export type HoldoutStatus = 'Draft' | 'Running' | 'Concluded' | 'Archived';

/** Optional experiment `type`: A/B, multi-armed bandit, contextual bandit, targeted delivery, feature rollout. */
export type ExperimentType = 'ab' | 'mab' | 'cmab' | 'td' | 'fr';

/** Operators of a condition tree. */
export type ConditionOperator = 'and' | 'or' | 'not';

/** Match types of typed audience conditions (missing means "exact"). */
export type ConditionMatch =
  | 'exact'
  | 'exists'
  | 'substring'
  | 'gt'
  | 'ge'
  | 'lt'
  | 'le'
  | 'semver_eq'
  | 'semver_gt'
  | 'semver_ge'
  | 'semver_lt'
  | 'semver_le'
  | 'qualified';

/** Feature variable types (older datafiles contain others, e.g. "bool", "float"). */
export type FeatureVariableType = 'string' | 'integer' | 'double' | 'boolean' | 'json';

export interface Attribute {
  id: string;
  key: string;
}

export interface DatafileEvent {
  id: string;
  key: string;
  /** Experiments / rules using this event as a metric. SDKs no longer read it; exports always fill it (optional in the schema). */
  experimentIds?: string[];
}

export interface TrafficAllocation {
  /** Variation id (experiment) or experiment id (group); "" is a gap. */
  entityId: string;
  /** Exclusive upper bound, 0..10000, ascending. */
  endOfRange: number;
}

export interface VariableUsage {
  id: string;
  value: string;
}

export interface Variation {
  id: string;
  key: string;
  featureEnabled?: boolean;
  variables?: VariableUsage[];
}

export interface Cmab {
  attributeIds: string[];
  trafficAllocation: number;
}

/**
 * Experiment-level audience conditions: a single audience id, or a tree whose first element
 * may be an operator ("and" / "or" / "not"); an array without an operator is an implicit "or".
 * Leaves are audience ids.
 */
export type AudienceConditions = string | AudienceConditionsTree;
export type AudienceConditionsTree = Array<string | AudienceConditionsTree>;

/** One typed condition on a user attribute (or, for third_party_dimension, an ODP segment). */
export interface ConditionLeaf {
  /** "custom_attribute" or "third_party_dimension". */
  type: string;
  /** Attribute key (or ODP segment name). */
  name: string;
  /** Missing means "exact". Kept as string because datafiles may contain unknown match types. */
  match?: ConditionMatch | string;
  value?: string | number | boolean | null;
}

/** Audience-level conditions (parsed): a leaf, or a tree of operators, leaves and sub-trees. */
export type TypedConditions = ConditionLeaf | TypedConditionsTree;
export type TypedConditionsTree = Array<ConditionOperator | string | ConditionLeaf | TypedConditionsTree>;

export interface Experiment {
  id: string;
  key: string;
  /** Campaign id: sent as campaign_id in decisions. */
  layerId: string;
  /** See {@link ExperimentStatus}; kept as string because datafiles are not validated against an enum. */
  status: ExperimentStatus | string;
  variations: Variation[];
  trafficAllocation: TrafficAllocation[];
  /** Optional in practice (the JS example datafile omits it on one experiment). */
  audienceIds?: string[];
  audienceConditions?: AudienceConditions;
  forcedVariations?: Record<string, string>;
  type?: ExperimentType | string;
  cmab?: Cmab;
  /** Set by some datafiles on group members; normally implied by the group. */
  groupId?: string;
}

/** A rollout (delivery) rule has the same shape as an experiment. */
export type RolloutRule = Experiment;

export interface Group {
  id: string;
  /** "random" = mutually exclusive; other policies (e.g. "overlapping") get no group bucketing. */
  policy: 'random' | 'overlapping' | string;
  /** Entity ids are experiment ids of this group. */
  trafficAllocation: TrafficAllocation[];
  experiments: Experiment[];
}

export interface FeatureVariable {
  id: string;
  key: string;
  type: FeatureVariableType | string;
  subType?: string;
  defaultValue: string;
}

export interface FeatureFlag {
  id: string;
  key: string;
  /** "" means the flag has no rollout. */
  rolloutId: string;
  /** Experiment rules, in evaluation order. */
  experimentIds: string[];
  variables: FeatureVariable[];
}

export interface Rollout {
  id: string;
  /** Delivery rules in evaluation order; the last one is "Everyone Else". */
  experiments: RolloutRule[];
}

export interface Audience {
  id: string;
  name: string;
  /** Legacy list: a JSON-encoded string. typedAudiences: arrays / objects. */
  conditions: string | TypedConditions;
}

export interface TypedAudience {
  id: string;
  name: string;
  conditions: TypedConditions | string;
}

export interface Integration {
  key: string;
  host?: string;
  publicKey?: string;
  pixelUrl?: string;
}

export interface Holdout {
  id: string;
  key: string;
  status: HoldoutStatus | string;
  layerId?: string;
  variations: Variation[];
  trafficAllocation: TrafficAllocation[];
  audienceIds?: string[];
  audienceConditions?: AudienceConditions;
  includedFlags?: string[];
  excludedFlags?: string[];
  /** localHoldouts only: rule ids the holdout applies to. */
  includedRules?: string[];
}

/** A parsed datafile (version 4). */
export interface ProjectConfig {
  version: DatafileVersion | string;
  accountId: string;
  projectId: string;
  revision: string;
  sdkKey?: string;
  environmentKey?: string;
  anonymizeIP?: boolean;
  botFiltering?: boolean;
  sendFlagDecisions?: boolean;
  region?: DatafileRegion;
  events: DatafileEvent[];
  experiments: Experiment[];
  groups: Group[];
  attributes: Attribute[];
  audiences: Audience[];
  typedAudiences?: TypedAudience[];
  featureFlags: FeatureFlag[];
  rollouts: Rollout[];
  integrations?: Integration[];
  holdouts?: Holdout[];
  localHoldouts?: Holdout[];
  /** Legacy top-level variables, normally []. */
  variables?: unknown[];
  /** Old v2-era field; unused. */
  layers?: unknown[];
}
