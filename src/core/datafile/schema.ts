/**
 * Datafile validation: our own JSON Schema (schemas/datafile.schema.json, draft-07) plus semantic checks.
 *
 * The schema is compiled once, when this module is loaded. `validateDatafile` collects ALL problems
 * (Ajv `allErrors`) and turns each into `{pointer, message}` with a plain-English message.
 */
import Ajv, { type ErrorObject } from 'ajv';
import datafileSchema from '../../../schemas/datafile.schema.json';
import { semanticProblems, type DatafileProblem } from './checks';
import { describeLocation, describeValue, isRecord } from './pointer';
import type { ProjectConfig } from './types';

export type { DatafileProblem } from './checks';

/** The datafile JSON Schema (draft-07), e.g. for editors. */
export const DATAFILE_SCHEMA: Readonly<Record<string, unknown>> = datafileSchema;

const SCHEMA_KEY = 'datafile.schema.json';

// Strict mode catches schema mistakes at load time; strictRequired is off because `then` lists properties declared at the root.
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
// `errorMessage` is an annotation (VS Code's JSON editor shows it too); our formatter reads it.
ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
ajv.addSchema(datafileSchema, SCHEMA_KEY);

function compiled(ref: string): NonNullable<ReturnType<Ajv['getSchema']>> {
  const fn = ajv.getSchema(ref);
  if (fn === undefined) throw new Error(`datafile schema: cannot resolve ${ref}`);
  return fn;
}

const validateRoot = compiled(SCHEMA_KEY);
const validateConditionTree = compiled(`${SCHEMA_KEY}#/definitions/conditionTree`);

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer (a whole number)',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  array: 'an array',
  object: 'an object',
  null: 'null',
};

const COMPARISONS: Record<string, string> = { '<=': 'at most', '>=': 'at least', '<': 'less than', '>': 'more than' };

function joinAlternatives(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function firstSentence(text: string): string {
  const match = /^(.*?[.!?])(\s+[A-Z]|$)/.exec(text); // "e.g. x" does not end a sentence
  return (match ? match[1] : text).replace(/\.$/, '');
}

function schemaString(schema: unknown, key: string): string | undefined {
  if (!isRecord(schema)) return undefined;
  const value = schema[key];
  return typeof value === 'string' ? value : undefined;
}

function propertyDescription(parentSchema: unknown, property: string): string | undefined {
  const fromParent = isRecord(parentSchema) && isRecord(parentSchema.properties) ? schemaString(parentSchema.properties[property], 'description') : undefined;
  if (fromParent !== undefined) return fromParent;
  const rootProps: unknown = (datafileSchema as Record<string, unknown>).properties;
  return isRecord(rootProps) ? schemaString(rootProps[property], 'description') : undefined;
}

/** Turns one Ajv error into a plain-English message. `root`/`rootName` name the validated document. */
function messageFor(error: ErrorObject, root: unknown, rootName: string): string {
  const subject = describeLocation(error.instancePath, root, rootName);
  const Subject = subject === 'the datafile' ? 'The datafile' : subject;
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'required': {
      const property = String(params.missingProperty);
      const description = propertyDescription(error.parentSchema, property);
      const why = error.schemaPath.startsWith('#/then') ? ' Version 4 datafiles always include it (use [] when empty).' : '';
      return `${Subject} is missing the required property "${property}"${description ? ` (${firstSentence(description)})` : ''}.${why}`;
    }
    case 'type': {
      const custom = schemaString(error.parentSchema, 'errorMessage');
      if (custom !== undefined) return `${Subject} is ${describeValue(error.data)}. ${custom}`;
      const raw = params.type;
      const types = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
      return `${Subject} must be ${joinAlternatives(types.map((t) => TYPE_NAMES[t] ?? t))}, but it is ${describeValue(error.data)}.`;
    }
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      if (allowed.length === 3 && ['and', 'or', 'not'].every((op) => allowed.includes(op))) {
        return `${Subject} is ${describeValue(error.data)}, which is not a condition operator. Expected "and", "or" or "not" (strings inside a condition array are operators and must come first).`;
      }
      return `${Subject} must be ${joinAlternatives(allowed.map((v) => JSON.stringify(v)))}, but it is ${describeValue(error.data)}.`;
    }
    case 'const':
      return `${Subject} must be ${JSON.stringify(params.allowedValue)}, but it is ${describeValue(error.data)}.`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${Subject} must be ${COMPARISONS[String(params.comparison)] ?? String(params.comparison)} ${String(params.limit)}, but it is ${describeValue(error.data)}.`;
    case 'anyOf':
    case 'oneOf': {
      const expected = schemaString(error.parentSchema, 'errorMessage') ?? schemaString(error.parentSchema, 'description');
      return `${Subject} is not valid (${describeValue(error.data)}).${expected ? ` ${expected}` : ''}`;
    }
    default:
      return `${Subject} ${error.message ?? 'is not valid'}.`;
  }
}

/** Formats Ajv errors: drops `if` bookkeeping errors, collapses anyOf/oneOf branches, de-duplicates. */
function formatErrors(errors: readonly ErrorObject[], root: unknown, rootName: string): DatafileProblem[] {
  const dropped = new Set<number>();
  errors.forEach((error, i) => {
    if (error.keyword === 'if') dropped.add(i);
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      // Branch errors precede the anyOf/oneOf error and sit at or below its instance path.
      for (let j = 0; j < i; j++) {
        const p = errors[j].instancePath;
        if (p === error.instancePath || p.startsWith(error.instancePath + '/')) dropped.add(j);
      }
    }
  });
  const seen = new Set<string>();
  const problems: DatafileProblem[] = [];
  errors.forEach((error, i) => {
    if (dropped.has(i)) return;
    const problem = { pointer: error.instancePath, message: messageFor(error, root, rootName) };
    const id = `${problem.pointer}\u0000${problem.message}`;
    if (seen.has(id)) return;
    seen.add(id);
    problems.push(problem);
  });
  return problems;
}

function conditionTreeProblems(parsed: unknown): DatafileProblem[] {
  if (validateConditionTree(parsed)) return [];
  return formatErrors(validateConditionTree.errors ?? [], parsed, 'conditions');
}

/**
 * Validates a parsed datafile against the datafile schema and the semantic checks
 * (duplicate event / attribute keys, dangling experiment / rollout / audience references,
 * traffic allocation entity ids and endOfRange order, JSON-encoded audience conditions).
 *
 * Returns every problem found (empty array = valid). Pointers are JSON pointers into `data`;
 * a missing required property is reported at the object that lacks it.
 */
export function validateDatafile(data: unknown): DatafileProblem[] {
  if (!isRecord(data)) {
    const hint = typeof data === 'string' ? ' If this is the raw response text, parse it with JSON.parse first (a deactivated project returns a non-JSON text body).' : '';
    return [{ pointer: '', message: `The datafile must be a JSON object, but it is ${describeValue(data)}.${hint}` }];
  }
  const problems = validateRoot(data) ? [] : formatErrors(validateRoot.errors ?? [], data, '');
  return problems.concat(semanticProblems(data, conditionTreeProblems));
}

/** Type guard: true when `validateDatafile` finds no problem. */
export function isValidDatafile(data: unknown): data is ProjectConfig {
  return validateDatafile(data).length === 0;
}
