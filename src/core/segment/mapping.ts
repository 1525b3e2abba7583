/**
 * The subset of Segment's mapping-kit that this destination's mappings use: `@path`, `@if` (`exists` or
 * `blank`, `then`, `else`), `@literal` and `@template`. Resolution follows actions-core's `transform`
 * exactly: values that resolve to `undefined` disappear, `null` survives until `removeEmptyValues`.
 */
import { getPath, stripRootPrefix } from './path';
import { isPlainObject, realTypeOf } from './realType';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A field mapping: a literal value, a directive object, or an object/array of them. */
export type FieldMapping = unknown;
/** Field key → field mapping, as in Segment's Mappings tab. */
export type Mapping = Record<string, FieldMapping>;

export const SUPPORTED_DIRECTIVES = ['@path', '@if', '@literal', '@template'] as const;
/** Directives Segment knows but this emulator does not evaluate; named so the error can say so. */
const KNOWN_UNSUPPORTED = [
  '@arrayPath', '@case', '@replace', '@merge', '@transform', '@flatten', '@json', '@liquid', '@excludeWhenNull',
];

/** A mapping that cannot be evaluated: says where (field path) and what to change. */
export class MappingError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'MappingError';
  }
}

/** The directive's name (`@path`, …) when `value` is a directive object, else undefined (one pass). */
function directiveOf(value: Record<string, unknown>): string | undefined {
  let name: string | undefined;
  for (const key of Object.keys(value)) {
    if (key.charCodeAt(0) === 64 /* @ */) name ??= key;
    else if (key !== '_metadata') return undefined;
  }
  return name;
}

function isDirective(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && directiveOf(value) !== undefined;
}

/**
 * Checks a mapping before it is used, so a bad mapping is refused with a precise message instead of
 * failing halfway through an event. Mirrors the errors mapping-kit would throw for the same input.
 */
export function validateMapping(mapping: unknown, where = 'mapping'): void {
  if (!isPlainObject(mapping)) {
    throw new MappingError(where, `must be an object of field mappings, got ${realTypeOf(mapping)}`);
  }
  for (const [key, value] of Object.entries(mapping)) validateValue(value, `${where}.${key}`);
}

function validateValue(value: unknown, where: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => validateValue(item, `${where}[${index}]`));
    return;
  }
  if (!isPlainObject(value)) return;
  const keys = Object.keys(value);
  const directiveKeys = keys.filter((key) => key.startsWith('@'));
  if (directiveKeys.length === 0) {
    for (const [key, child] of Object.entries(value)) validateValue(child, `${where}.${key}`);
    return;
  }
  if (!isDirective(value)) {
    throw new MappingError(
      where,
      `a directive object cannot mix "${directiveKeys[0]}" with other keys (${keys.filter((k) => !k.startsWith('@')).join(', ')}); wrap the other keys in their own object`,
    );
  }
  if (directiveKeys.length > 1) {
    throw new MappingError(where, `a directive object must have exactly one @ key, found ${directiveKeys.join(', ')}`);
  }
  const name = directiveKeys[0];
  const argument = value[name];
  switch (name) {
    case '@path':
    case '@template':
      if (typeof argument !== 'string') {
        throw new MappingError(where, `${name} expects a string such as "$.properties.revenue", got ${realTypeOf(argument)}`);
      }
      return;
    case '@literal':
      return;
    case '@if': {
      if (!isPlainObject(argument)) {
        throw new MappingError(where, '@if requires an object with an "exists" key');
      }
      if (!argument.exists && !argument.blank) {
        throw new MappingError(where, '@if requires an "exists" key or a "blank" key');
      }
      for (const part of ['exists', 'blank', 'then', 'else']) {
        if (argument[part] !== undefined) validateValue(argument[part], `${where}.@if.${part}`);
      }
      return;
    }
    default:
      if (KNOWN_UNSUPPORTED.includes(name)) {
        throw new MappingError(
          where,
          `${name} is a Segment directive this emulator does not evaluate; use ${SUPPORTED_DIRECTIVES.join(', ')}`,
        );
      }
      throw new MappingError(where, `${name} is not a valid directive; use ${SUPPORTED_DIRECTIVES.join(', ')}`);
  }
}

/** Resolves one field mapping against a Segment event (mapping-kit `resolve`). */
export function resolveMapping(mapping: FieldMapping, event: unknown): unknown {
  if (Array.isArray(mapping)) return mapping.map((item) => resolveMapping(item, event));
  if (!isPlainObject(mapping)) return mapping;
  const name = directiveOf(mapping);
  if (name !== undefined) return runDirective(name, mapping[name], event);
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(mapping)) resolved[key] = resolveMapping(mapping[key], event);
  return resolved;
}

function runDirective(name: string, argument: unknown, event: unknown): unknown {
  switch (name) {
    case '@path': {
      const path = resolveMapping(argument, event);
      if (typeof path !== 'string') throw new MappingError(name, `expected string, got ${realTypeOf(path)}`);
      return getPath(event, stripRootPrefix(path));
    }
    case '@template': {
      const template = resolveMapping(argument, event);
      if (typeof template !== 'string') throw new MappingError(name, `expected string, got ${realTypeOf(template)}`);
      return renderTemplate(template, event);
    }
    case '@literal':
      return resolveMapping(argument, event);
    case '@if':
      return runIf(argument, event);
    default:
      throw new MappingError(name, `${name} is not supported; use ${SUPPORTED_DIRECTIVES.join(', ')}`);
  }
}

function runIf(options: unknown, event: unknown): unknown {
  if (!isPlainObject(options)) throw new MappingError('@if', '@if requires an object with an "exists" key');
  if (!options.exists && !options.blank) throw new MappingError('@if', '@if requires an "exists" key or a "blank" key');
  let condition = false;
  if (options.exists !== undefined) {
    const value = resolveMapping(options.exists, event);
    condition = value !== undefined && value !== null;
  } else if (options.blank !== undefined) {
    const value = resolveMapping(options.blank, event);
    // Loose `!= ''` on purpose: Segment's `blank` also treats 0, false and [] as blank.
    condition = value !== undefined && value !== null && !looselyEqualsEmptyString(value);
  }
  if (condition && options.then !== undefined) return resolveMapping(options.then, event);
  // `else` is only taken when truthy, exactly as mapping-kit does.
  if (!condition && options.else) return resolveMapping(options.else, event);
  return undefined;
}

function looselyEqualsEmptyString(value: unknown): boolean {
  // eslint-disable-next-line eqeqeq -- reproduces mapping-kit's `value != ''` coercion deliberately
  return value == '';
}

/** `{{path}}` / `{{{path}}}` placeholders; a missing value renders as an empty string. */
export function renderTemplate(template: string, data: unknown): string {
  const replacer = (chars: number) => (match: string) => {
    const value = getPath(data, match.slice(chars, -chars).trim());
    return String(value ?? '');
  };
  return template.replace(/\{\{\{([^}]+)\}\}\}/g, replacer(3)).replace(/\{\{([^}]+)\}\}/g, replacer(2));
}

/**
 * Deletes `undefined` recursively (actions-core `removeUndefined`); arrays keep their length. Subtrees
 * without any `undefined` (everything that came from JSON) are returned as they are instead of copied:
 * nothing downstream mutates them, and copying every property bag dominated the per-event cost.
 * actions-core copies with `Object.assign`, so an own `__proto__` key (JSON.parse makes one) goes through
 * the setter: it is dropped, and becomes the copy's prototype when it is an object or null. Subtrees with
 * such a key are therefore copied the same way.
 */
export function removeUndefined(value: unknown): unknown {
  if (!containsUndefined(value)) return value;
  if (Array.isArray(value)) return value.map((item) => removeUndefined(item));
  if (isPlainObject(value)) {
    const cleaned: Record<string, unknown> = Object.assign({}, value);
    for (const key of Object.keys(cleaned)) {
      if (cleaned[key] === undefined) delete cleaned[key];
      else cleaned[key] = removeUndefined(cleaned[key]);
    }
    return cleaned;
  }
  return value;
}

/** True when `removeUndefined` must copy: an `undefined` or an own `__proto__` key somewhere inside. */
function containsUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (containsUndefined(item)) return true;
    return false;
  }
  if (value !== null && typeof value === 'object') {
    if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
    for (const key in value) {
      if (Object.prototype.hasOwnProperty.call(value, key) && containsUndefined((value as Record<string, unknown>)[key])) return true;
    }
  }
  return false;
}

/**
 * Resolves a whole mapping (field key → mapping) against an event, as `transform` does. Pass
 * `validated: true` when the mapping was already checked with `validateMapping` (per-event hot path).
 */
export function transform(mapping: Mapping, event: unknown, options: { validated?: boolean } = {}): Record<string, unknown> {
  if (!isPlainObject(event)) throw new MappingError('event', `must be an object, got ${realTypeOf(event)}`);
  if (!options.validated) validateMapping(mapping);
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(mapping)) {
    const value = resolveMapping(mapping[key], event);
    // Top-level undefined fields are dropped here so the common case needs no deep copy.
    if (value !== undefined) resolved[key] = removeUndefined(value);
  }
  return resolved;
}
