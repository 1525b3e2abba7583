/**
 * The mapping form: each field of "Track Event" is its default, an `@path`, an `@if` (exists / blank, then,
 * else), a literal, a `@template`, or raw mapping JSON — the directives Segment supports for this
 * destination. Converts between mapping values and form inputs, validates with the core's own rules and
 * previews what each field resolves to for the current event.
 */
import { TRACK_EVENT_FIELDS, type TrackEventFieldKey } from '../../core/destination/definition';
import { resolveMapping, validateMapping, type Mapping } from '../../core/segment/mapping';

export type MappingMode = 'default' | 'path' | 'if' | 'literal' | 'template' | 'json';

export const MAPPING_MODES: { mode: MappingMode; label: string }[] = [
  { mode: 'default', label: 'Default' },
  { mode: 'path', label: '@path' },
  { mode: 'if', label: '@if' },
  { mode: 'literal', label: 'Literal' },
  { mode: 'template', label: '@template' },
  { mode: 'json', label: 'JSON' },
];

export interface FieldForm {
  mode: MappingMode;
  /** @path: `$.properties.revenue` */
  path: string;
  ifKind: 'exists' | 'blank';
  /** The path tested by @if. */
  ifPath: string;
  /** Operands: `$.x` is a path, anything else JSON (or plain text as a string). Empty: left out. */
  thenValue: string;
  elseValue: string;
  /** Literal: JSON (`42`, `true`, `"text"`) or plain text (a string). */
  literal: string;
  template: string;
  /** Raw mapping JSON. */
  json: string;
}

export const FIELD_KEYS = Object.keys(TRACK_EVENT_FIELDS) as TrackEventFieldKey[];

export function emptyForm(mode: MappingMode = 'default'): FieldForm {
  return { mode, path: '', ifKind: 'exists', ifPath: '', thenValue: '', elseValue: '', literal: '', template: '', json: '' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKey(value: Record<string, unknown>, key: string): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === key;
}

function pathOf(value: unknown): string | undefined {
  return isRecord(value) && onlyKey(value, '@path') && typeof value['@path'] === 'string' ? value['@path'] : undefined;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Text for a literal: plain text when it cannot be mistaken for JSON or a path, else JSON. */
export function literalText(value: unknown): string {
  if (typeof value === 'string' && value !== '' && !value.startsWith('$') && !value.startsWith('"')) {
    try {
      JSON.parse(value);
    } catch {
      return value; // plain text that is not JSON on its own
    }
  }
  return JSON.stringify(value);
}

/** Parses a literal's text: JSON when it is JSON, else the text as a string. */
export function parseLiteral(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function operandText(value: unknown): string | undefined {
  if (value === undefined) return '';
  const path = pathOf(value);
  if (path !== undefined) return path.startsWith('$') ? path : `$.${path}`;
  if (isScalar(value)) return literalText(value);
  return undefined;
}

function parseOperand(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('$')) return { '@path': trimmed };
  return parseLiteral(trimmed);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The form showing a field's mapping (undefined: the default). */
export function formOf(key: TrackEventFieldKey, value: unknown): FieldForm {
  if (value === undefined || sameJson(value, TRACK_EVENT_FIELDS[key].default)) return emptyForm('default');
  return formFromValue(value);
}

/**
 * A form switched to another mode keeps what can be kept: leaving "Default" starts from the default
 * mapping (so `@if` starts as userId's exists/then/else), and JSON always starts from the current value.
 */
export function switchMode(key: TrackEventFieldKey, form: FieldForm, mode: MappingMode): FieldForm {
  if (mode === form.mode) return form;
  let value: unknown;
  if (form.mode === 'default') value = TRACK_EVENT_FIELDS[key].default;
  else {
    const current = mappingOf(key, form);
    value = current.ok ? current.value : undefined;
  }
  const base = value === undefined ? form : { ...formFromValue(value), ...keepFilled(form) };
  return { ...base, mode, json: value === undefined ? form.json : JSON.stringify(value, null, 2) };
}

function keepFilled(form: FieldForm): Partial<FieldForm> {
  return Object.fromEntries(Object.entries(form).filter(([name, text]) => name !== 'mode' && name !== 'ifKind' && text !== '')) as Partial<FieldForm>;
}

/** The form for any mapping value (raw JSON when no simpler mode can show it). */
export function formFromValue(value: unknown): FieldForm {
  const form = emptyForm('json');
  form.json = JSON.stringify(value, null, 2);
  const path = pathOf(value);
  if (path !== undefined) return { ...form, mode: 'path', path };
  if (isRecord(value) && onlyKey(value, '@template') && typeof value['@template'] === 'string') return { ...form, mode: 'template', template: value['@template'] };
  if (isScalar(value)) return { ...form, mode: 'literal', literal: literalText(value) };
  if (isRecord(value) && onlyKey(value, '@literal') && isScalar(value['@literal'])) return { ...form, mode: 'literal', literal: literalText(value['@literal']) };
  if (isRecord(value) && onlyKey(value, '@if') && isRecord(value['@if'])) {
    const options = value['@if'];
    const kind = 'exists' in options ? 'exists' : 'blank' in options ? 'blank' : undefined;
    const extra = Object.keys(options).filter((name) => !['exists', 'blank', 'then', 'else'].includes(name));
    const tested = kind ? pathOf(options[kind]) : undefined;
    const thenValue = operandText(options.then);
    const elseValue = operandText(options.else);
    if (kind && extra.length === 0 && !('exists' in options && 'blank' in options) && tested !== undefined && thenValue !== undefined && elseValue !== undefined) {
      return { ...form, mode: 'if', ifKind: kind, ifPath: tested, thenValue, elseValue };
    }
  }
  return form;
}

export type MappingValue = { ok: true; value: unknown } | { ok: false; error: string };

/** The mapping value a form stands for (undefined for the default), or why it is not valid. */
export function mappingOf(key: TrackEventFieldKey, form: FieldForm): MappingValue {
  let value: unknown;
  switch (form.mode) {
    case 'default':
      return { ok: true, value: undefined };
    case 'path':
      if (form.path.trim() === '') return { ok: false, error: 'Enter a path such as $.properties.revenue.' };
      value = { '@path': form.path.trim() };
      break;
    case 'if': {
      if (form.ifPath.trim() === '') return { ok: false, error: `Enter the path @if tests (${form.ifKind}), e.g. $.userId.` };
      const options: Record<string, unknown> = { [form.ifKind]: { '@path': form.ifPath.trim() } };
      const thenValue = parseOperand(form.thenValue);
      const elseValue = parseOperand(form.elseValue);
      if (thenValue === undefined && elseValue === undefined) return { ok: false, error: 'Give @if a "then" or an "else" value ($.path or a literal).' };
      if (thenValue !== undefined) options.then = thenValue;
      if (elseValue !== undefined) options.else = elseValue;
      value = { '@if': options };
      break;
    }
    case 'literal':
      value = parseLiteral(form.literal);
      break;
    case 'template':
      if (form.template === '') return { ok: false, error: 'Enter a template such as {{properties.sku}}.' };
      value = { '@template': form.template };
      break;
    case 'json':
      try {
        value = JSON.parse(form.json);
      } catch (error) {
        return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
      }
      break;
  }
  try {
    validateMapping({ [key]: value });
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  return { ok: true, value };
}

/** The overrides the console sends (fields left at their default are omitted), and per-field errors. */
export function mappingOverrides(forms: Partial<Record<TrackEventFieldKey, FieldForm>>): { mapping: Mapping; errors: Partial<Record<TrackEventFieldKey, string>> } {
  const mapping: Mapping = {};
  const errors: Partial<Record<TrackEventFieldKey, string>> = {};
  for (const key of FIELD_KEYS) {
    const form = forms[key];
    if (!form) continue;
    const result = mappingOf(key, form);
    if (!result.ok) errors[key] = result.error;
    else if (result.value !== undefined) mapping[key] = result.value;
  }
  return { mapping, errors };
}

/** The mapping that applies to a field: its override or the default. */
export function effectiveFieldMapping(key: TrackEventFieldKey, overrides: Mapping): unknown {
  return key in overrides ? overrides[key] : TRACK_EVENT_FIELDS[key].default;
}

export type Preview = { kind: 'value'; text: string } | { kind: 'dropped' } | { kind: 'error'; text: string };

/** What a field resolves to for `payload` (before Segment's validation). */
export function previewField(key: TrackEventFieldKey, overrides: Mapping, payload: unknown): Preview {
  try {
    const value = resolveMapping(effectiveFieldMapping(key, overrides), payload);
    if (value === undefined) return { kind: 'dropped' };
    return { kind: 'value', text: JSON.stringify(value) };
  } catch (error) {
    return { kind: 'error', text: (error as Error).message };
  }
}

/** A one-line rendering of a mapping value, e.g. `@path $.properties.revenue`. */
export function describeMapping(value: unknown): string {
  const path = pathOf(value);
  if (path !== undefined) return `@path ${path}`;
  if (isRecord(value) && onlyKey(value, '@if') && isRecord(value['@if'])) {
    const options = value['@if'];
    const kind = 'exists' in options ? 'exists' : 'blank';
    const parts = [`@if ${kind} ${operandText(options[kind]) ?? JSON.stringify(options[kind])}`];
    if (options.then !== undefined) parts.push(`then ${operandText(options.then) ?? JSON.stringify(options.then)}`);
    if (options.else !== undefined) parts.push(`else ${operandText(options.else) ?? JSON.stringify(options.else)}`);
    return parts.join(' ');
  }
  if (isRecord(value) && onlyKey(value, '@template')) return `@template ${String(value['@template'])}`;
  return JSON.stringify(value);
}

/** The payload paths a field reads (to highlight them in the editor when Segment names the field). */
export function pathsReadBy(value: unknown): string[] {
  const paths: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isRecord(node)) {
      if (typeof node['@path'] === 'string') paths.push(node['@path']);
      else if (typeof node['@template'] === 'string') {
        for (const match of node['@template'].matchAll(/\{\{\{?([^}]+)\}?\}\}/g)) paths.push(match[1].trim());
      } else Object.values(node).forEach(visit);
    }
  };
  visit(value);
  return paths;
}
