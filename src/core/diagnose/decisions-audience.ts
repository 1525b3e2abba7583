/**
 * Audience verdicts from the Optimizely SDK itself, per experiment / rule / holdout, per audience and
 * per condition ("leaf").
 *
 * The SDK only evaluates audiences inside a decision and reports the combined verdict, and it stops
 * early (not running, whitelisted, an earlier flag rule delivered...). To get the SDK's verdict for
 * any entity, and for each audience and condition on its own, the engine loads a second, "probe"
 * datafile into a second SDK instance: one Running experiment per question, with the audience
 * conditions under test, a single variation and 100% traffic. `getVariation` on a probe returns a
 * variation exactly when the SDK's audience evaluation is true. Three-valued results (true / false /
 * unknown) come from asking for the conditions and for their negation: NOT keeps unknown unknown,
 * so a condition is unknown when neither probe matches.
 *
 * The per-condition results are then combined with the SDK's tree rules (condition_tree_evaluator:
 * and / or / not, three-valued; an array whose first element is not an operator string is an
 * implicit OR, and a first element that is not a string is skipped) only to name which conditions
 * made the audience fail; the verdict itself is always the SDK's.
 */
import { describeAudienceConditions, type DatafileIndex } from '../datafile/index';
import type { AudienceConditions, Experiment, Holdout, ProjectConfig, TypedAudience } from '../datafile/types';

export type Tri = boolean | null;

/** The audience-related fields of an experiment, rule or holdout. */
export type AudienceHolder = Pick<Experiment, 'audienceIds' | 'audienceConditions'> | Pick<Holdout, 'audienceIds' | 'audienceConditions'>;

interface ProbeKeys {
  /** Probe matching when the conditions are true. */
  pos: string;
  /** Probe matching when the conditions are false (NOT of them). */
  neg: string;
}

export interface ProbePlan {
  /** The probe datafile, to load into its own SDK instance. */
  readonly datafile: ProjectConfig;
  /** Entity (experiment / rule / holdout) id → probe experiment key. */
  readonly entityProbe: ReadonlyMap<string, string>;
  readonly audienceProbes: ReadonlyMap<string, ProbeKeys>;
  /** JSON of a condition leaf → probes. */
  readonly leafProbes: ReadonlyMap<string, ProbeKeys>;
}

const OPERATORS = new Set(['and', 'or', 'not']);

/** The SDK's reading of one tree node: operator and operands. */
function splitNode(node: unknown[]): { op: 'and' | 'or' | 'not'; operands: unknown[] } {
  const first = node[0];
  if (typeof first === 'string' && !OPERATORS.has(first)) return { op: 'or', operands: node };
  if (first === 'and' || first === 'not') return { op: first, operands: node.slice(1) };
  // "or", or a first element that is not a string (the SDK then drops it and ORs the rest).
  return { op: 'or', operands: node.slice(1) };
}

/** Three-valued evaluation with the SDK's rules. */
export function evaluateTree(node: unknown, leaf: (value: unknown) => Tri): Tri {
  if (!Array.isArray(node)) return leaf(node);
  const { op, operands } = splitNode(node);
  if (op === 'not') {
    if (operands.length === 0) return null;
    const r = evaluateTree(operands[0], leaf);
    return r === null ? null : !r;
  }
  let sawNull = false;
  for (const operand of operands) {
    const r = evaluateTree(operand, leaf);
    if (op === 'and' && r === false) return false;
    if (op === 'or' && r === true) return true;
    if (r === null) sawNull = true;
  }
  if (sawNull) return null;
  return op === 'and';
}

/** Leaves of a tree (the SDK's reading), in order. */
function collectLeaves(node: unknown, out: unknown[]): void {
  if (!Array.isArray(node)) {
    out.push(node);
    return;
  }
  const { op, operands } = splitNode(node);
  for (const operand of op === 'not' ? operands.slice(0, 1) : operands) collectLeaves(operand, out);
}

/** `audienceConditions || audienceIds`, as the SDK picks them; undefined / [] means everyone. */
export function effectiveAudienceConditions(holder: AudienceHolder): AudienceConditions | undefined {
  const conditions = holder.audienceConditions as unknown;
  // JS truthiness: "" falls back to audienceIds, [] does not.
  if (conditions !== undefined && conditions !== null && conditions !== '' && conditions !== false && conditions !== 0) return conditions as AudienceConditions;
  return holder.audienceIds;
}

function hasConditions(conditions: AudienceConditions | undefined): boolean {
  if (conditions === undefined || conditions === null) return false;
  return !(Array.isArray(conditions) && conditions.length === 0);
}

/**
 * Builds the probe datafile: the original attributes and audiences, plus probe experiments for every
 * entity, every audience (and its negation) and every distinct condition leaf (and its negation).
 */
export function buildProbePlan(datafile: ProjectConfig, index: DatafileIndex, entities: Iterable<{ id: string; holder: AudienceHolder }>): ProbePlan {
  const experiments: Experiment[] = [];
  const typedAudiences: TypedAudience[] = [...(datafile.typedAudiences ?? [])];
  let n = 0;
  const addProbe = (conditions: AudienceConditions | undefined, audienceIds: string[] = []): string => {
    const key = `$probe_${n++}`;
    experiments.push({
      id: key,
      key,
      layerId: '$probe',
      status: 'Running',
      variations: [{ id: `${key}_in`, key: 'in', featureEnabled: true, variables: [] }],
      trafficAllocation: [{ entityId: `${key}_in`, endOfRange: 10000 }],
      audienceIds,
      ...(conditions !== undefined ? { audienceConditions: conditions } : {}),
      forcedVariations: {},
    });
    return key;
  };

  const entityProbe = new Map<string, string>();
  for (const { id, holder } of entities) {
    if (entityProbe.has(id)) continue;
    const ids = Array.isArray(holder.audienceIds) ? holder.audienceIds : [];
    const conditions = holder.audienceConditions as unknown;
    entityProbe.set(id, addProbe(conditions === undefined ? undefined : (conditions as AudienceConditions), ids));
  }

  const audienceProbes = new Map<string, ProbeKeys>();
  const leafProbes = new Map<string, ProbeKeys>();
  for (const audience of index.audiencesById.values()) {
    audienceProbes.set(audience.id, { pos: addProbe(audience.id), neg: addProbe(['not', audience.id]) });
    if (audience.conditions === undefined) continue;
    const leaves: unknown[] = [];
    collectLeaves(audience.conditions, leaves);
    for (const leaf of leaves) {
      const json = JSON.stringify(leaf) ?? 'null';
      if (leafProbes.has(json)) continue;
      const audienceId = `$probe_audience_${leafProbes.size}`;
      typedAudiences.push({ id: audienceId, name: audienceId, conditions: ['and', leaf] as TypedAudience['conditions'] });
      leafProbes.set(json, { pos: addProbe(audienceId), neg: addProbe(['not', audienceId]) });
    }
  }

  const probeDatafile: ProjectConfig = {
    version: '4',
    accountId: datafile.accountId ?? '',
    projectId: datafile.projectId ?? '',
    revision: datafile.revision ?? '',
    anonymizeIP: true,
    botFiltering: false,
    sendFlagDecisions: false,
    attributes: datafile.attributes ?? [],
    audiences: datafile.audiences ?? [],
    typedAudiences,
    events: [],
    experiments,
    groups: [],
    featureFlags: [],
    rollouts: [],
  };
  return { datafile: probeDatafile, entityProbe, audienceProbes, leafProbes };
}

/** Asks the probe SDK instance: true when `getVariation(probeKey)` returns a variation. */
export type ProbeAsk = (probeKey: string) => boolean;

/** One condition (or audience) blamed for a failed audience check. */
export interface AudienceBlame {
  /** Readable text, e.g. `audience "Big basket": cart_value > 100 → false (cart_value is 40)`. */
  readonly text: string;
  readonly result: Tri;
  /** True when the condition sits under NOT (it had to be false). */
  readonly negated: boolean;
}

export interface AudienceExplanation {
  /** The SDK's verdict for the entity. */
  readonly result: boolean;
  /** Readable conditions (describeAudienceConditions). */
  readonly conditions: string;
  /** When result is false: the conditions that made it fail. */
  readonly failed?: readonly AudienceBlame[];
  /** False when the per-condition verdicts, combined, disagree with the SDK's per-audience verdict (then the audience is named as a whole). */
  readonly consistent: boolean;
}

function triText(r: Tri): string {
  return r === null ? 'unknown' : String(r);
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const NUMERIC = new Set(['gt', 'ge', 'lt', 'le']);

/** Why a leaf has its result, in terms of the visitor's attribute value. */
function leafDetail(leaf: unknown, result: Tri, attributes: Readonly<Record<string, unknown>>): string {
  if (typeof leaf !== 'object' || leaf === null || Array.isArray(leaf)) return 'not a condition object';
  const condition = leaf as Record<string, unknown>;
  const type = condition.type;
  if (type === 'third_party_dimension') return 'ODP segment membership is not known to the emulator (no segments are fetched)';
  if (type !== 'custom_attribute') return `condition type ${valueText(type)} is not supported by the SDK`;
  const name = typeof condition.name === 'string' ? condition.name : String(condition.name);
  const match = typeof condition.match === 'string' ? condition.match : 'exact';
  if (!['exact', 'exists', 'substring', 'gt', 'ge', 'lt', 'le', 'semver_eq', 'semver_gt', 'semver_ge', 'semver_lt', 'semver_le'].includes(match)) {
    return `match type ${valueText(match)} is unknown to the SDK`;
  }
  if (!Object.prototype.hasOwnProperty.call(attributes, name) || attributes[name] === undefined) return `no ${JSON.stringify(name)} attribute was sent`;
  const value = attributes[name];
  if (value === null) return `${name} is null`;
  let text = `${name} is ${valueText(value)}`;
  if (result === null) {
    const cv = condition.value;
    if (NUMERIC.has(match)) {
      if (typeof cv !== 'number') text += `; the condition value ${valueText(cv)} is not a number`;
      else if (typeof value !== 'number') text += `; a number is needed, got a ${typeof value}`;
      else text += '; the number is outside ±2^53';
    } else if (match === 'substring' || match.startsWith('semver_')) {
      if (typeof value !== 'string') text += `; a string is needed, got a ${typeof value}`;
      else if (match.startsWith('semver_')) text += '; not a valid version';
    } else if (match === 'exact') {
      if (typeof cv !== typeof value) text += `; the condition needs a ${typeof cv}, got a ${typeof value}`;
    }
  }
  return text;
}

/**
 * Explains the SDK's audience verdict for an entity. `ask` runs a probe; `verdict` is the SDK's
 * verdict for the entity itself (from its probe).
 */
export function explainAudience(params: {
  holder: AudienceHolder;
  verdict: boolean;
  index: Pick<DatafileIndex, 'audiencesById'>;
  plan: Pick<ProbePlan, 'audienceProbes' | 'leafProbes'>;
  ask: ProbeAsk;
  attributes: Readonly<Record<string, unknown>>;
}): AudienceExplanation {
  const { holder, verdict, index, plan, ask, attributes } = params;
  const conditions = effectiveAudienceConditions(holder);
  const readable = hasConditions(conditions) ? describeAudienceConditions(conditions, index) : 'everyone';
  if (verdict || !hasConditions(conditions)) return { result: verdict, conditions: readable, consistent: true };

  const tri = (keys: ProbeKeys | undefined): Tri => {
    if (keys === undefined) return null;
    if (ask(keys.pos)) return true;
    if (ask(keys.neg)) return false;
    return null;
  };
  const audienceCache = new Map<string, Tri>();
  const audienceResult = (id: unknown): Tri => {
    if (typeof id !== 'string') return null;
    if (!audienceCache.has(id)) audienceCache.set(id, tri(plan.audienceProbes.get(id)));
    return audienceCache.get(id) ?? null;
  };
  const leafCache = new Map<string, Tri>();
  const leafResult = (leaf: unknown): Tri => {
    const json = JSON.stringify(leaf) ?? 'null';
    if (!leafCache.has(json)) leafCache.set(json, tri(plan.leafProbes.get(json)));
    return leafCache.get(json) ?? null;
  };

  let consistent = true;
  const blame = (node: unknown, want: boolean, leafEval: (v: unknown) => Tri, onLeaf: (leaf: unknown, r: Tri, want: boolean) => AudienceBlame[]): AudienceBlame[] => {
    const r = evaluateTree(node, leafEval);
    if (r === want) return [];
    if (!Array.isArray(node)) return onLeaf(node, r, want);
    const { op, operands } = splitNode(node);
    if (op === 'not') {
      if (operands.length === 0) return [{ text: 'an empty NOT (always unknown)', result: null, negated: !want }];
      return blame(operands[0], !want, leafEval, onLeaf);
    }
    if (operands.length === 0) return [{ text: `an empty ${op.toUpperCase()} (always ${op === 'and'})`, result: op === 'and', negated: !want }];
    const out: AudienceBlame[] = [];
    for (const operand of operands) {
      if (evaluateTree(operand, leafEval) !== want) out.push(...blame(operand, want, leafEval, onLeaf));
    }
    return out;
  };

  const onConditionLeaf =
    (audienceLabel: string) =>
    (leaf: unknown, r: Tri, want: boolean): AudienceBlame[] => {
      const text = typeof leaf === 'object' && leaf !== null && !Array.isArray(leaf) ? describeAudienceConditions(leaf, index, { level: 'audience' }) : valueText(leaf);
      const detail = leafDetail(leaf, r, attributes);
      const tail = want ? (r === null ? ', which counts as not matching' : '') : r === true ? ', but it is negated (NOT) here' : ', and NOT of unknown is still unknown';
      return [{ text: `${audienceLabel}${text} → ${triText(r)} (${detail})${tail}`, result: r, negated: !want }];
    };

  const onAudienceLeaf = (id: unknown, r: Tri, want: boolean): AudienceBlame[] => {
    const audience = typeof id === 'string' ? index.audiencesById.get(id) : undefined;
    if (audience === undefined) {
      return [{ text: `audience id ${valueText(id)} is not in the datafile → unknown, which counts as not matching`, result: null, negated: !want }];
    }
    const label = `audience ${JSON.stringify(audience.name)}: `;
    if (audience.conditions === undefined) {
      return [{ text: `${label}its conditions cannot be parsed → ${triText(r)}`, result: r, negated: !want }];
    }
    const recombined = evaluateTree(audience.conditions, leafResult);
    if (recombined !== r) {
      consistent = false;
      return [{ text: `${label}${describeAudienceConditions(audience.conditions, index, { level: 'audience' })} → ${triText(r)}`, result: r, negated: !want }];
    }
    const inner = blame(audience.conditions, want, leafResult, onConditionLeaf(label));
    return inner.length > 0 ? inner : [{ text: `${label}→ ${triText(r)}`, result: r, negated: !want }];
  };

  const failed = blame(conditions, true, audienceResult, onAudienceLeaf);
  if (failed.length === 0) {
    // The per-audience verdicts combine to true although the SDK said false: report the SDK's verdict as a whole.
    return { result: verdict, conditions: readable, failed: [{ text: `${readable} → false (the SDK's verdict)`, result: false, negated: false }], consistent: false };
  }
  return { result: verdict, conditions: readable, failed, consistent };
}
