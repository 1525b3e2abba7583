/**
 * Lookup index over a parsed datafile.
 *
 * `buildDatafileIndex` is pure: it keeps no global state and does not modify the datafile. Building
 * walks the whole datafile, so callers should build the index once per datafile revision and cache it
 * (e.g. in a Map keyed by `${projectId}:${revision}` or next to the cached datafile) rather than on
 * every event.
 *
 * Lookups follow Segment's destination where it matters: when two events (or attributes) share a key,
 * the FIRST one wins (the Optimizely SDKs use the last one; `validateDatafile` reports duplicates).
 */
import { toPointer } from './pointer';
import { nearestKeys, type KeySuggestion } from './suggest';
import type {
  Attribute,
  Audience,
  DatafileEvent,
  Experiment,
  FeatureFlag,
  Group,
  ProjectConfig,
  Rollout,
  TypedAudience,
  TypedConditions,
  Variation,
} from './types';

export type * from './types';
export { damerauLevenshtein, editDistanceLimit, nearestKeys, type KeySuggestion, type SuggestionReason } from './suggest';
export { describeAudience, describeAudienceConditions, describeExperimentAudiences, type DescribeOptions } from './describe';

/**
 * What a rule is:
 * - `experiment`: a standalone A/B experiment (in `experiments` or a group) that no flag references;
 * - `ab-test`: a flag experiment rule (referenced by some `featureFlags[].experimentIds`);
 * - `targeted-delivery`: a rollout rule other than the last one (or any rollout rule with `type: "td"`);
 * - `rollout`: the last rule of a rollout, "Everyone Else" (or any rollout rule with `type: "fr"`).
 */
export type RuleType = 'experiment' | 'ab-test' | 'rollout' | 'targeted-delivery';

/** The `rule_type` the SDKs put in decision metadata for a rule of this type (decide(); activate() sends "experiment"). */
export function decisionRuleType(ruleType: RuleType): 'experiment' | 'feature-test' | 'rollout' {
  if (ruleType === 'ab-test') return 'feature-test';
  if (ruleType === 'experiment') return 'experiment';
  return 'rollout';
}

export interface IndexedExperiment {
  readonly experiment: Experiment;
  readonly id: string;
  readonly key: string;
  /** Where it is defined: top-level `experiments`, inside `groups[].experiments`, or inside `rollouts[].experiments`. */
  readonly source: 'experiments' | 'groups' | 'rollouts';
  /** JSON pointer to the experiment in the datafile. */
  readonly pointer: string;
  /** The exclusion group holding it, if any. */
  readonly group?: Group;
  /** The rollout holding it (rollout rules only). */
  readonly rollout?: Rollout;
  readonly ruleType: RuleType;
  /** Key of the first flag using this rule (flags may share rules and rollouts; see `flagKeys`). */
  readonly flagKey?: string;
  /** Keys of every flag using this rule, in datafile order. */
  readonly flagKeys: readonly string[];
  /** The rule key (= experiment key). */
  readonly ruleKey: string;
  /** True for the last rule of a rollout ("Everyone Else"). */
  readonly isEveryoneElse: boolean;
  readonly variationsById: ReadonlyMap<string, Variation>;
  readonly variationsByKey: ReadonlyMap<string, Variation>;
  /** Events listing this experiment in their `experimentIds` (its metrics), in datafile order. */
  readonly metricEvents: readonly IndexedEvent[];
}

export interface IndexedEvent {
  readonly event: DatafileEvent;
  readonly id: string;
  readonly key: string;
  /** Position in `events`. */
  readonly index: number;
  readonly pointer: string;
  /** Experiments (including group members and rollout rules) that use this event as a metric, in `experimentIds` order. */
  readonly experiments: readonly IndexedExperiment[];
  /** Ids in `experimentIds` that match no experiment, group member or rollout rule. */
  readonly missingExperimentIds: readonly string[];
  /** For a duplicate key: index of the first event with this key (the one Segment uses). */
  readonly duplicateOf?: number;
}

export interface IndexedAttribute {
  readonly attribute: Attribute;
  readonly id: string;
  readonly key: string;
  readonly index: number;
  readonly pointer: string;
  readonly duplicateOf?: number;
}

export interface IndexedAudience {
  readonly id: string;
  readonly name: string;
  /** Which list the effective entry came from; typedAudiences wins over audiences with the same id. */
  readonly source: 'typedAudiences' | 'audiences';
  readonly pointer: string;
  readonly audience: Audience | TypedAudience;
  /** Parsed conditions (JSON-encoded strings are parsed); undefined when they cannot be parsed. */
  readonly conditions: TypedConditions | undefined;
  /** Why the conditions could not be parsed. */
  readonly parseError?: string;
  /** True for the "$opt_dummy_attribute" placeholders Optimizely exports for backwards compatibility. */
  readonly isPlaceholder: boolean;
}

export interface IndexedFlag {
  readonly flag: FeatureFlag;
  readonly id: string;
  readonly key: string;
  readonly pointer: string;
  readonly rollout?: Rollout;
  /** Experiment rules in `experimentIds` order (unresolvable ids are skipped; see `missingExperimentIds`). */
  readonly experimentRules: readonly IndexedExperiment[];
  /** Rollout rules in order; the last one is "Everyone Else". */
  readonly deliveryRules: readonly IndexedExperiment[];
  /** Evaluation order: experiment rules, then delivery rules. */
  readonly rules: readonly IndexedExperiment[];
  readonly everyoneElse?: IndexedExperiment;
  /** Distinct variations (by id) across all rules, in rule order. */
  readonly variations: readonly Variation[];
  readonly missingExperimentIds: readonly string[];
  /** True when `rolloutId` is non-empty but no rollout has that id. */
  readonly missingRollout: boolean;
}

export interface IndexedGroup {
  readonly group: Group;
  readonly id: string;
  readonly pointer: string;
  readonly experiments: readonly IndexedExperiment[];
}

export interface DatafileIndex {
  readonly datafile: ProjectConfig;
  readonly revision: string;
  /** Every event in datafile order (duplicates included, marked with `duplicateOf`). */
  readonly events: readonly IndexedEvent[];
  /** First event with each key (Segment's rule). */
  readonly eventsByKey: ReadonlyMap<string, IndexedEvent>;
  /** First event with each id. */
  readonly eventsById: ReadonlyMap<string, IndexedEvent>;
  /** Experiments, group members and rollout rules by id (first definition wins). */
  readonly experimentsById: ReadonlyMap<string, IndexedExperiment>;
  /**
   * By key: top-level experiments and group members first, then rollout rules whose key is not taken
   * (rollout rule keys are only unique within a flag). Use `flagsByKey` to find a rule of a given flag.
   */
  readonly experimentsByKey: ReadonlyMap<string, IndexedExperiment>;
  readonly attributesByKey: ReadonlyMap<string, IndexedAttribute>;
  readonly attributesById: ReadonlyMap<string, IndexedAttribute>;
  readonly audiencesById: ReadonlyMap<string, IndexedAudience>;
  readonly flagsByKey: ReadonlyMap<string, IndexedFlag>;
  readonly groupsById: ReadonlyMap<string, IndexedGroup>;
  readonly rolloutsById: ReadonlyMap<string, Rollout>;
  /** Experiments using the event with this key as a metric; [] for an unknown key. */
  experimentsForEvent(eventKey: string): readonly IndexedExperiment[];
  /** Events that are metrics of the experiment / rule with this id; [] if none. */
  eventsForExperiment(experimentId: string): readonly IndexedEvent[];
  /** Suggestions for an event key (see `nearestKeys`); `n` = maximum number of results (default 5). */
  nearestEventKeys(eventKey: string, n?: number): KeySuggestion[];
}

/** True when the experiment / rule / holdout status is exactly "Running" (the only status the SDKs bucket). */
export function isRunning(experiment: Pick<Experiment, 'status'> | IndexedExperiment): boolean {
  const status = 'experiment' in experiment ? experiment.experiment.status : experiment.status;
  return status === 'Running';
}

const PLACEHOLDER_ATTRIBUTE = '$opt_dummy_attribute';

function parseConditions(raw: unknown): { conditions: TypedConditions | undefined; parseError?: string } {
  if (typeof raw !== 'string') return { conditions: raw as TypedConditions | undefined };
  try {
    return { conditions: JSON.parse(raw) as TypedConditions };
  } catch (err) {
    return { conditions: undefined, parseError: (err as Error).message };
  }
}

interface MutableExperiment {
  experiment: Experiment;
  id: string;
  key: string;
  source: 'experiments' | 'groups' | 'rollouts';
  pointer: string;
  group?: Group;
  rollout?: Rollout;
  ruleType: RuleType;
  flagKey?: string;
  flagKeys: string[];
  ruleKey: string;
  isEveryoneElse: boolean;
  variationsById: Map<string, Variation>;
  variationsByKey: Map<string, Variation>;
  metricEvents: IndexedEvent[];
}

function setFirst<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (!map.has(key)) map.set(key, value);
}

/**
 * Builds the lookup index for one datafile. Pure and side-effect free; cache the result per
 * datafile revision. Tolerates missing optional lists (v2/v3 datafiles have no flags or rollouts).
 */
export function buildDatafileIndex(datafile: ProjectConfig): DatafileIndex {
  const experimentsById = new Map<string, MutableExperiment>();
  const experimentsByKey = new Map<string, MutableExperiment>();
  const groupsById = new Map<string, IndexedGroup>();
  const rolloutsById = new Map<string, Rollout>();

  const groups = datafile.groups ?? [];
  const groupById = new Map<string, Group>();
  const groupByExperimentId = new Map<string, Group>();
  for (const group of groups) {
    setFirst(groupById, group.id, group);
    for (const e of group.experiments ?? []) setFirst(groupByExperimentId, e.id, group);
  }

  const makeEntry = (experiment: Experiment, source: MutableExperiment['source'], pointer: string, extra: Partial<MutableExperiment>): MutableExperiment => {
    const variationsById = new Map<string, Variation>();
    const variationsByKey = new Map<string, Variation>();
    for (const v of experiment.variations ?? []) {
      setFirst(variationsById, v.id, v);
      setFirst(variationsByKey, v.key, v);
    }
    return {
      experiment,
      id: experiment.id,
      key: experiment.key,
      source,
      pointer,
      ruleType: 'experiment',
      flagKeys: [],
      ruleKey: experiment.key,
      isEveryoneElse: false,
      variationsById,
      variationsByKey,
      metricEvents: [],
      ...extra,
    };
  };

  // Top-level experiments, then group members.
  (datafile.experiments ?? []).forEach((experiment, i) => {
    if (experimentsById.has(experiment.id)) return;
    const group = groupByExperimentId.get(experiment.id) ?? (experiment.groupId !== undefined ? groupById.get(experiment.groupId) : undefined);
    const entry = makeEntry(experiment, 'experiments', toPointer('experiments', i), group ? { group } : {});
    experimentsById.set(entry.id, entry);
    setFirst(experimentsByKey, entry.key, entry);
  });
  groups.forEach((group, gi) => {
    const members: IndexedExperiment[] = [];
    (group.experiments ?? []).forEach((experiment, i) => {
      let entry = experimentsById.get(experiment.id);
      if (entry === undefined) {
        entry = makeEntry(experiment, 'groups', toPointer('groups', gi, 'experiments', i), { group });
        experimentsById.set(entry.id, entry);
        setFirst(experimentsByKey, entry.key, entry);
      }
      members.push(entry);
    });
    setFirst(groupsById, group.id, { group, id: group.id, pointer: toPointer('groups', gi), experiments: members });
  });

  // Rollout rules.
  (datafile.rollouts ?? []).forEach((rollout, ri) => {
    setFirst(rolloutsById, rollout.id, rollout);
    const rules = rollout.experiments ?? [];
    rules.forEach((rule, i) => {
      if (experimentsById.has(rule.id)) return;
      const isEveryoneElse = i === rules.length - 1;
      const ruleType: RuleType = rule.type === 'td' ? 'targeted-delivery' : rule.type === 'fr' || isEveryoneElse ? 'rollout' : 'targeted-delivery';
      const entry = makeEntry(rule, 'rollouts', toPointer('rollouts', ri, 'experiments', i), { rollout, isEveryoneElse, ruleType });
      experimentsById.set(entry.id, entry);
    });
  });
  for (const entry of experimentsById.values()) {
    if (entry.source === 'rollouts') setFirst(experimentsByKey, entry.key, entry);
  }

  // Flags: annotate rules with their flags.
  const flagsByKey = new Map<string, IndexedFlag>();
  const annotate = (entry: MutableExperiment, flagKey: string): void => {
    if (!entry.flagKeys.includes(flagKey)) entry.flagKeys.push(flagKey);
    if (entry.flagKey === undefined) entry.flagKey = flagKey;
  };
  (datafile.featureFlags ?? []).forEach((flag, fi) => {
    const experimentRules: MutableExperiment[] = [];
    const missingExperimentIds: string[] = [];
    for (const id of flag.experimentIds ?? []) {
      const entry = experimentsById.get(id);
      if (entry === undefined || entry.source === 'rollouts') {
        missingExperimentIds.push(id);
        continue;
      }
      entry.ruleType = 'ab-test';
      annotate(entry, flag.key);
      experimentRules.push(entry);
    }
    const rollout = flag.rolloutId ? rolloutsById.get(flag.rolloutId) : undefined;
    const deliveryRules: MutableExperiment[] = [];
    for (const rule of rollout?.experiments ?? []) {
      const entry = experimentsById.get(rule.id);
      if (entry === undefined) continue;
      annotate(entry, flag.key);
      deliveryRules.push(entry);
    }
    const rules = [...experimentRules, ...deliveryRules];
    const variations = new Map<string, Variation>();
    for (const rule of rules) for (const v of rule.variationsById.values()) setFirst(variations, v.id, v);
    const lastDelivery = deliveryRules.length > 0 ? deliveryRules[deliveryRules.length - 1] : undefined;
    setFirst(flagsByKey, flag.key, {
      flag,
      id: flag.id,
      key: flag.key,
      pointer: toPointer('featureFlags', fi),
      ...(rollout ? { rollout } : {}),
      experimentRules,
      deliveryRules,
      rules,
      ...(lastDelivery?.isEveryoneElse ? { everyoneElse: lastDelivery } : {}),
      variations: [...variations.values()],
      missingExperimentIds,
      missingRollout: Boolean(flag.rolloutId) && rollout === undefined,
    });
  });

  // Events and their metric experiments.
  const events: IndexedEvent[] = [];
  const eventsByKey = new Map<string, IndexedEvent>();
  const eventsById = new Map<string, IndexedEvent>();
  (datafile.events ?? []).forEach((event, i) => {
    const experiments: MutableExperiment[] = [];
    const missingExperimentIds: string[] = [];
    for (const id of event.experimentIds ?? []) {
      const entry = experimentsById.get(id);
      if (entry === undefined) missingExperimentIds.push(id);
      else if (!experiments.includes(entry)) experiments.push(entry);
    }
    const first = eventsByKey.get(event.key);
    const indexed: IndexedEvent = {
      event,
      id: event.id,
      key: event.key,
      index: i,
      pointer: toPointer('events', i),
      experiments,
      missingExperimentIds,
      ...(first ? { duplicateOf: first.index } : {}),
    };
    events.push(indexed);
    setFirst(eventsByKey, event.key, indexed);
    setFirst(eventsById, event.id, indexed);
    for (const entry of experiments) entry.metricEvents.push(indexed);
  });

  // Attributes (first key wins, like Segment).
  const attributesByKey = new Map<string, IndexedAttribute>();
  const attributesById = new Map<string, IndexedAttribute>();
  (datafile.attributes ?? []).forEach((attribute, i) => {
    const first = attributesByKey.get(attribute.key);
    const indexed: IndexedAttribute = {
      attribute,
      id: attribute.id,
      key: attribute.key,
      index: i,
      pointer: toPointer('attributes', i),
      ...(first ? { duplicateOf: first.index } : {}),
    };
    setFirst(attributesByKey, attribute.key, indexed);
    setFirst(attributesById, attribute.id, indexed);
  });

  // Audiences: legacy list first, then typedAudiences override entries with the same id.
  const audiencesById = new Map<string, IndexedAudience>();
  const addAudiences = (list: ReadonlyArray<Audience | TypedAudience>, source: IndexedAudience['source']): void => {
    const seenHere = new Set<string>();
    list.forEach((audience, i) => {
      if (seenHere.has(audience.id)) return; // first entry of a list wins within that list
      seenHere.add(audience.id);
      const { conditions, parseError } = parseConditions(audience.conditions);
      const isPlaceholder =
        audience.id === '$opt_dummy_audience' ||
        (typeof audience.conditions === 'string' ? audience.conditions : JSON.stringify(audience.conditions ?? null)).includes(PLACEHOLDER_ATTRIBUTE);
      audiencesById.set(audience.id, {
        id: audience.id,
        name: audience.name,
        source,
        pointer: toPointer(source, i),
        audience,
        conditions,
        ...(parseError !== undefined ? { parseError } : {}),
        isPlaceholder,
      });
    });
  };
  addAudiences(datafile.audiences ?? [], 'audiences');
  addAudiences(datafile.typedAudiences ?? [], 'typedAudiences');

  const experimentsForEvent = (eventKey: string): readonly IndexedExperiment[] => eventsByKey.get(eventKey)?.experiments ?? [];
  const eventsForExperiment = (experimentId: string): readonly IndexedEvent[] => experimentsById.get(experimentId)?.metricEvents ?? [];
  const nearestEventKeys = (eventKey: string, n = 5): KeySuggestion[] => nearestKeys(eventKey, eventsByKey.keys(), n);

  return {
    datafile,
    revision: datafile.revision,
    events,
    eventsByKey,
    eventsById,
    experimentsById,
    experimentsByKey,
    attributesByKey,
    attributesById,
    audiencesById,
    flagsByKey,
    groupsById,
    rolloutsById,
    experimentsForEvent,
    eventsForExperiment,
    nearestEventKeys,
  };
}
