/**
 * Semantic datafile checks that JSON Schema cannot express (cross references, uniqueness, ordering).
 *
 * Every check is defensive: it runs on any JSON value, also one that failed schema validation,
 * and silently skips parts that do not have the expected shape (the schema reports those).
 */
import { appendPointer, isRecord, toPointer } from './pointer';

export interface DatafileProblem {
  /** JSON pointer (RFC 6901) to the offending value; "" is the whole datafile. */
  pointer: string;
  /** Plain English: what is wrong and what was expected. */
  message: string;
}

/** Validates parsed audience conditions (from a JSON-encoded string); returns problems relative to the parsed value. */
export type ConditionTreeValidator = (parsed: unknown) => Array<{ pointer: string; message: string }>;

const OPERATORS = new Set(['and', 'or', 'not']);
const MAX_RANGE = 10000;

function arrayAt(value: unknown, key: string): unknown[] {
  if (!isRecord(value)) return [];
  const v = value[key];
  return Array.isArray(v) ? v : [];
}

function stringAt(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}

/** An experiment-like entity (experiment, group member, rollout rule, holdout) and where it is. */
interface Located {
  value: Record<string, unknown>;
  pointer: string;
  kind: 'experiment' | 'group experiment' | 'rollout rule' | 'holdout';
}

function collectExperimentLikes(root: Record<string, unknown>): Located[] {
  const out: Located[] = [];
  arrayAt(root, 'experiments').forEach((e, i) => {
    if (isRecord(e)) out.push({ value: e, pointer: toPointer('experiments', i), kind: 'experiment' });
  });
  arrayAt(root, 'groups').forEach((g, gi) => {
    arrayAt(g, 'experiments').forEach((e, i) => {
      if (isRecord(e)) out.push({ value: e, pointer: toPointer('groups', gi, 'experiments', i), kind: 'group experiment' });
    });
  });
  arrayAt(root, 'rollouts').forEach((r, ri) => {
    arrayAt(r, 'experiments').forEach((e, i) => {
      if (isRecord(e)) out.push({ value: e, pointer: toPointer('rollouts', ri, 'experiments', i), kind: 'rollout rule' });
    });
  });
  for (const list of ['holdouts', 'localHoldouts']) {
    arrayAt(root, list).forEach((h, i) => {
      if (isRecord(h)) out.push({ value: h, pointer: toPointer(list, i), kind: 'holdout' });
    });
  }
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function name(entity: Record<string, unknown>, kind: string): string {
  const key = stringAt(entity, 'key');
  const id = stringAt(entity, 'id');
  if (key !== undefined && key !== '') return `${kind} "${key}"`;
  if (id !== undefined) return `${kind} with id "${id}"`;
  return kind;
}

function checkDuplicateKeys(root: Record<string, unknown>, list: 'events' | 'attributes', problems: DatafileProblem[]): void {
  const first = new Map<string, { index: number; id: string | undefined }>();
  arrayAt(root, list).forEach((item, i) => {
    const key = stringAt(item, 'key');
    if (key === undefined) return;
    const id = stringAt(item, 'id');
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, { index: i, id });
      return;
    }
    const what = list === 'events' ? 'event' : 'attribute';
    const consequence =
      list === 'events'
        ? `Segment's destination uses the first one, so its conversions are sent with entity_id "${earlier.id ?? '?'}" and this event (id "${id ?? '?'}") never receives any; the Optimizely SDKs use the last one instead.`
        : `Segment's destination sends the first one's id ("${earlier.id ?? '?'}") as the attribute entity_id and ignores this one (id "${id ?? '?'}"); the Optimizely SDKs use the last one instead.`;
    problems.push({
      pointer: toPointer(list, i, 'key'),
      message: `Duplicate ${what} key ${JSON.stringify(key)}: ${list}[${earlier.index}] already uses it. ${consequence} Expected every ${what} key to be unique.`,
    });
  });
}

function checkTrafficAllocation(
  allocation: unknown[],
  basePointer: string,
  owner: string,
  validIds: Map<string, string>,
  entityKind: 'variation' | 'experiment',
  allowDollar: boolean,
  problems: DatafileProblem[],
): void {
  let previous: number | undefined;
  allocation.forEach((entry, j) => {
    if (!isRecord(entry)) return;
    const entityId = entry.entityId;
    if (typeof entityId === 'string' && entityId !== '' && !validIds.has(entityId) && !(allowDollar && entityId === '$')) {
      const known = [...validIds.entries()].map(([id, key]) => (key ? `"${id}" (${key})` : `"${id}"`));
      const consequence =
        entityKind === 'variation'
          ? 'Users bucketed into this range get no variation (the SDKs log "Bucketed into an invalid variation ID").'
          : 'Users bucketed into this range get none of the group\'s experiments.';
      problems.push({
        pointer: appendPointer(basePointer, 'trafficAllocation', j, 'entityId'),
        message:
          `trafficAllocation[${j}] of ${owner} points to ${entityKind} id "${entityId}", which is not one of its ${entityKind}s. ${consequence} ` +
          `Expected one of ${known.length > 0 ? known.join(', ') : `its ${entityKind} ids (it has none)`}, or "" for a deliberate gap.`,
      });
    }
    const end = entry.endOfRange;
    if (typeof end !== 'number' || !Number.isInteger(end)) return; // the schema reports non-integers
    const pointer = appendPointer(basePointer, 'trafficAllocation', j, 'endOfRange');
    if (end < 0 || end > MAX_RANGE) {
      problems.push({
        pointer,
        message: `trafficAllocation[${j}].endOfRange of ${owner} is ${end}, outside the bucket range. Expected an integer from 0 to ${MAX_RANGE} (${MAX_RANGE} = 100% of traffic).`,
      });
    } else if (previous !== undefined && end < previous) {
      problems.push({
        pointer,
        message: `trafficAllocation[${j}].endOfRange of ${owner} is ${end}, lower than the preceding endOfRange ${previous}, so this range is empty and its ${entityKind} can never be chosen. Expected endOfRange values in ascending order.`,
      });
    } else {
      previous = end;
    }
  });
}

/** Collects the audience-id leaves of an experiment-level audienceConditions value with their pointers. */
function audienceIdLeaves(conditions: unknown, pointer: string, out: Array<{ id: string; pointer: string }>): void {
  if (typeof conditions === 'string') {
    out.push({ id: conditions, pointer });
    return;
  }
  if (!Array.isArray(conditions)) return;
  conditions.forEach((node, i) => {
    if (i === 0 && typeof node === 'string' && OPERATORS.has(node)) return;
    audienceIdLeaves(node, appendPointer(pointer, i), out);
  });
}

/** Runs every semantic check. `validateConditions` checks JSON-encoded audience conditions after parsing. */
export function semanticProblems(data: unknown, validateConditions: ConditionTreeValidator): DatafileProblem[] {
  const problems: DatafileProblem[] = [];
  if (!isRecord(data)) return problems;

  // 1. Unique event and attribute keys (Segment uses the first match).
  checkDuplicateKeys(data, 'events', problems);
  checkDuplicateKeys(data, 'attributes', problems);

  const experimentLikes = collectExperimentLikes(data);
  const ruleIds = new Set<string>();
  const flagRuleIds = new Set<string>();
  for (const e of experimentLikes) {
    const id = stringAt(e.value, 'id');
    if (id === undefined || e.kind === 'holdout') continue;
    ruleIds.add(id);
    if (e.kind !== 'rollout rule') flagRuleIds.add(id);
  }

  // 2. events[].experimentIds must exist.
  arrayAt(data, 'events').forEach((event, i) => {
    if (!isRecord(event)) return;
    arrayAt(event, 'experimentIds').forEach((experimentId, j) => {
      if (typeof experimentId !== 'string' || ruleIds.has(experimentId)) return;
      problems.push({
        pointer: toPointer('events', i, 'experimentIds', j),
        message:
          `${name(event, 'Event')} lists experiment id "${experimentId}" as using it as a metric, but no experiment, group experiment or rollout rule in this datafile has that id. ` +
          'Expected ids of experiments in this datafile (the experiment may have been deleted, or the datafile belongs to another environment).',
      });
    });
  });

  // 3. Variation traffic allocation: entity ids and endOfRange order.
  for (const e of experimentLikes) {
    const variations = new Map<string, string>();
    for (const v of arrayAt(e.value, 'variations')) {
      const id = stringAt(v, 'id');
      if (id !== undefined) variations.set(id, stringAt(v, 'key') ?? '');
    }
    const allowDollar = isRecord(e.value.cmab);
    checkTrafficAllocation(arrayAt(e.value, 'trafficAllocation'), e.pointer, name(e.value, e.kind), variations, 'variation', allowDollar, problems);
  }

  // 4. Group traffic allocation: entity ids must be experiments of that group.
  arrayAt(data, 'groups').forEach((group, gi) => {
    if (!isRecord(group)) return;
    const members = new Map<string, string>();
    for (const e of arrayAt(group, 'experiments')) {
      const id = stringAt(e, 'id');
      if (id !== undefined) members.set(id, stringAt(e, 'key') ?? '');
    }
    const label = `group "${stringAt(group, 'id') ?? gi}"`;
    checkTrafficAllocation(arrayAt(group, 'trafficAllocation'), toPointer('groups', gi), label, members, 'experiment', false, problems);
  });

  // 5. Feature flags: experiment rules and rollout must exist.
  const rolloutIds = new Set(arrayAt(data, 'rollouts').map((r) => stringAt(r, 'id')).filter((id): id is string => id !== undefined));
  arrayAt(data, 'featureFlags').forEach((flag, i) => {
    if (!isRecord(flag)) return;
    arrayAt(flag, 'experimentIds').forEach((experimentId, j) => {
      if (typeof experimentId !== 'string' || flagRuleIds.has(experimentId)) return;
      problems.push({
        pointer: toPointer('featureFlags', i, 'experimentIds', j),
        message: `${name(flag, 'Flag')} lists experiment rule id "${experimentId}", but no experiment or group experiment has that id, so the rule is skipped. Expected the id of an entry in experiments or groups[].experiments.`,
      });
    });
    const rolloutId = flag.rolloutId;
    if (typeof rolloutId === 'string' && rolloutId !== '' && !rolloutIds.has(rolloutId)) {
      problems.push({
        pointer: toPointer('featureFlags', i, 'rolloutId'),
        message: `${name(flag, 'Flag')} uses rollout id "${rolloutId}", but no rollout has that id, so the flag has no delivery rules. Expected the id of an entry in rollouts, or "" for none.`,
      });
    }
  });

  // 6. Audience references must exist.
  const audienceIds = new Set<string>();
  for (const list of ['audiences', 'typedAudiences']) {
    for (const a of arrayAt(data, list)) {
      const id = stringAt(a, 'id');
      if (id !== undefined) audienceIds.add(id);
    }
  }
  for (const e of experimentLikes) {
    const refs: Array<{ id: string; pointer: string }> = [];
    arrayAt(e.value, 'audienceIds').forEach((id, k) => {
      if (typeof id === 'string') refs.push({ id, pointer: appendPointer(e.pointer, 'audienceIds', k) });
    });
    audienceIdLeaves(e.value.audienceConditions, appendPointer(e.pointer, 'audienceConditions'), refs);
    for (const ref of refs) {
      if (audienceIds.has(ref.id)) continue;
      problems.push({
        pointer: ref.pointer,
        message:
          `${capitalize(name(e.value, e.kind))} refers to audience id "${ref.id}", which is not defined in audiences or typedAudiences. ` +
          'The SDKs evaluate an unknown audience as "unknown", so it never matches. Expected the id of an audience in this datafile.',
      });
    }
  }

  // 7. JSON-encoded audience conditions must parse and have the condition structure.
  for (const list of ['audiences', 'typedAudiences']) {
    arrayAt(data, list).forEach((audience, i) => {
      if (!isRecord(audience) || typeof audience.conditions !== 'string') return;
      const pointer = toPointer(list, i, 'conditions');
      const audienceName = stringAt(audience, 'name');
      const audienceId = stringAt(audience, 'id') ?? '?';
      const who = audienceName !== undefined ? `audience ${JSON.stringify(audienceName)} (id "${audienceId}")` : `audience with id "${audienceId}"`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(audience.conditions);
      } catch (err) {
        problems.push({
          pointer,
          message:
            `The conditions string of ${who} is not valid JSON (${(err as Error).message}), so the SDKs cannot use this audience. ` +
            'Expected a JSON-encoded condition array such as "[\\"and\\", {\\"type\\": \\"custom_attribute\\", \\"name\\": \\"plan\\", \\"value\\": \\"pro\\"}]".',
        });
        return;
      }
      for (const inner of validateConditions(parsed)) {
        problems.push({
          pointer,
          message: `The JSON-encoded conditions of ${who} are invalid: ${inner.message}`,
        });
      }
    });
  }

  return problems;
}

