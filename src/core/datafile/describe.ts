/**
 * Renders audience conditions as readable text, e.g.
 * `plan = "pro" AND (country = "US" OR cart_value > 50)`.
 */
import type { DatafileIndex } from './index';
import { isRecord } from './pointer';
import type { Experiment } from './types';

export interface DescribeOptions {
  /**
   * How audience ids are shown: `expand` (default) replaces each id by the audience's own conditions;
   * `name` shows `audience "Name"`.
   */
  audiences?: 'expand' | 'name';
  /**
   * What the top-level value is: `experiment` (default) for an experiment's audienceConditions, where
   * missing or `[]` means everyone qualifies; `audience` for an audience's own conditions, where `[]`
   * matches no one (an empty implicit "or").
   */
  level?: 'experiment' | 'audience';
}

type Operator = 'and' | 'or' | 'not';
interface Rendered {
  text: string;
  /** Top-level construct of `text`, to decide on parentheses. */
  op: Operator | 'leaf';
}

interface Context {
  index: Pick<DatafileIndex, 'audiencesById'>;
  mode: 'expand' | 'name';
  /** Audience ids being expanded (guards against cycles). */
  visiting: Set<string>;
}

const OPERATORS = new Set<string>(['and', 'or', 'not']);

const COMPARATORS: Record<string, string> = {
  exact: '=',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
  semver_eq: '= version',
  semver_gt: '> version',
  semver_ge: '>= version',
  semver_lt: '< version',
  semver_le: '<= version',
};

function leaf(text: string): Rendered {
  return { text, op: 'leaf' };
}

function renderValue(value: unknown): string {
  if (value === undefined) return '(no value)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

function renderName(name: unknown): string {
  if (typeof name !== 'string' || name === '') return '(no attribute name)';
  return /^[\w$.-]+$/.test(name) ? name : JSON.stringify(name);
}

function renderCondition(condition: Record<string, unknown>): Rendered {
  const match = typeof condition.match === 'string' ? condition.match : 'exact';
  const type = condition.type;
  const name = renderName(condition.name);
  const value = renderValue(condition.value);
  let text: string;
  if (match === 'qualified') text = `qualified for segment ${renderValue(condition.value ?? condition.name)}`;
  else if (match === 'exists') text = `${name} exists`;
  else if (match === 'substring') text = `${name} contains ${value}`;
  else if (COMPARATORS[match] !== undefined) text = `${name} ${COMPARATORS[match]} ${value}`;
  else text = `${name} ${match} ${value} [unknown match type, never matches]`;
  if (type !== 'custom_attribute' && type !== 'third_party_dimension') {
    text += ` [unsupported condition type ${renderValue(type)}, never matches]`;
  }
  return leaf(text);
}

function renderAudience(id: string, ctx: Context): Rendered {
  const audience = ctx.index.audiencesById.get(id);
  if (audience === undefined) return leaf(`unknown audience ${JSON.stringify(id)}`);
  const label = `audience ${JSON.stringify(audience.name)}`;
  if (ctx.mode === 'name') return leaf(label);
  if (audience.conditions === undefined) return leaf(`${label} (conditions cannot be parsed)`);
  if (ctx.visiting.has(id)) return leaf(`${label} (circular reference)`);
  ctx.visiting.add(id);
  try {
    return render(audience.conditions, ctx);
  } finally {
    ctx.visiting.delete(id);
  }
}

function render(node: unknown, ctx: Context): Rendered {
  if (typeof node === 'string') {
    if (!ctx.index.audiencesById.has(node) && /^\s*[[{]/.test(node)) {
      try {
        return render(JSON.parse(node), ctx);
      } catch {
        return leaf(`unparseable conditions ${JSON.stringify(node)}`);
      }
    }
    return renderAudience(node, ctx);
  }
  if (isRecord(node)) return renderCondition(node);
  if (!Array.isArray(node)) return leaf(`invalid condition ${renderValue(node)}`);

  const hasOperator = node.length > 0 && typeof node[0] === 'string' && OPERATORS.has(node[0]);
  const op = (hasOperator ? node[0] : 'or') as Operator; // no operator: implicit "or"
  const operands = hasOperator ? node.slice(1) : node;
  if (op === 'not') {
    if (operands.length === 0) return leaf('no one (empty NOT)');
    // The SDKs only look at the first operand of "not".
    return { text: `NOT (${render(operands[0], ctx).text})`, op: 'not' };
  }
  if (operands.length === 0) return leaf(op === 'and' ? 'everyone' : 'no one');
  const children = operands.map((operand) => render(operand, ctx));
  if (children.length === 1) return children[0];
  const parts = children.map((child) => (child.op === op || child.op === 'leaf' || child.op === 'not' ? child.text : `(${child.text})`));
  return { text: parts.join(` ${op.toUpperCase()} `), op };
}

/**
 * Renders an experiment-level `audienceConditions` tree (leaves are audience ids), a single audience id,
 * or audience-level typed conditions (leaves are condition objects; JSON-encoded strings are parsed).
 * Missing conditions or an empty array render as `everyone` (experiment level) or `no one`
 * (`options.level: 'audience'`).
 *
 * Example: `plan = "pro" AND (country = "US" OR cart_value > 50)`.
 */
export function describeAudienceConditions(
  conditions: unknown,
  index: Pick<DatafileIndex, 'audiencesById'>,
  options: DescribeOptions = {},
): string {
  const empty = conditions === undefined || conditions === null || (Array.isArray(conditions) && conditions.length === 0);
  if (empty) return options.level === 'audience' ? 'no one' : 'everyone';
  return render(conditions, { index, mode: options.audiences ?? 'expand', visiting: new Set() }).text;
}

/**
 * Describes who qualifies for an experiment, rule or holdout the way the SDKs decide it:
 * `audienceConditions` when present, otherwise `audienceIds` combined with OR; none means `everyone`.
 */
export function describeExperimentAudiences(
  experiment: Pick<Experiment, 'audienceIds' | 'audienceConditions'>,
  index: Pick<DatafileIndex, 'audiencesById'>,
  options: DescribeOptions = {},
): string {
  if (experiment.audienceConditions !== undefined) return describeAudienceConditions(experiment.audienceConditions, index, options);
  const ids = experiment.audienceIds ?? [];
  return ids.length === 0 ? 'everyone' : describeAudienceConditions(['or', ...ids], index, options);
}

/** Describes one audience's own conditions by id, e.g. `age > 20`; `unknown audience "x"` if it is not defined. */
export function describeAudience(audienceId: string, index: Pick<DatafileIndex, 'audiencesById'>): string {
  const audience = index.audiencesById.get(audienceId);
  if (audience === undefined) return `unknown audience ${JSON.stringify(audienceId)}`;
  if (audience.conditions === undefined) return `audience ${JSON.stringify(audience.name)} (conditions cannot be parsed)`;
  return describeAudienceConditions(audience.conditions, index, { level: 'audience' });
}
