/**
 * JSON Schemas generated from the field table the way actions-core's `fieldsToJsonSchema` does, and
 * validation with the same ajv options (`coerceTypes: 'array'`, `removeAdditional`, `allErrors`) and the
 * same human messages (`@segment/ajv-human-errors`), so coercions and error texts match Segment's.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { AggregateAjvError as HumanAjvError } from '@segment/ajv-human-errors';
import { AggregateAjvError, type FieldProblem } from './errors';
import { SETTINGS_FIELDS, TRACK_EVENT_FIELDS, type FieldDefinition, type FieldType } from './definition';
import { isDateLike } from './timestamp';
import { isPlainObject } from '../segment/realType';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; type?: string | string[] };

function toJsonSchemaType(type: FieldType): string | string[] {
  switch (type) {
    case 'string':
    case 'text':
    case 'password':
      return 'string';
    case 'datetime':
      return ['string', 'number'];
    default:
      return type;
  }
}

export function fieldsToJsonSchema(fields: Record<string, FieldDefinition>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, field] of Object.entries(fields)) {
    const schema: JsonSchema = {
      title: field.label,
      description: field.description,
      type: toJsonSchemaType(field.type),
      format: field.format,
      default: field.default,
    };
    if (field.type === 'datetime') schema.format = 'date-like';
    else if (field.type === 'password') schema.format = 'password';
    else if (field.type === 'text') schema.format = 'text';
    if (schema.format === undefined) delete schema.format;
    if (schema.default === undefined) delete schema.default;
    properties[key] = schema;
    if (field.required) required.push(key);
  }
  return { $schema: 'http://json-schema.org/schema#', type: 'object', additionalProperties: false, properties, required };
}

const ajv = addFormats(
  new Ajv({ coerceTypes: 'array', allErrors: true, allowUnionTypes: true, verbose: true, removeAdditional: true }),
);
ajv.addFormat('text', true);
ajv.addFormat('date-like', isDateLike);
// `password` is not an ajv-formats format; actions-core gets it registered through ajv-formats' full
// mode. Any string is a valid password.
if (!ajv.formats.password) ajv.addFormat('password', true);

export const TRACK_EVENT_SCHEMA = fieldsToJsonSchema(TRACK_EVENT_FIELDS);
export const SETTINGS_SCHEMA = fieldsToJsonSchema(SETTINGS_FIELDS);

const validateTrackEvent = ajv.compile(TRACK_EVENT_SCHEMA);
const validateSettingsSchema = ajv.compile(SETTINGS_SCHEMA);

/**
 * actions-core `removeEmptyValues(payload, schema, isRoot=true)`: at the root, `null` and `''` are
 * dropped for fields that do not allow them; nested objects without declared properties are left alone.
 */
export function removeEmptyValues(payload: Record<string, unknown>, schema: JsonSchema = TRACK_EVENT_SCHEMA): Record<string, unknown> {
  const cleaned: Record<string, unknown> = { ...payload };
  for (const key of Object.keys(cleaned)) {
    const fieldSchema = schema.properties?.[key];
    const value = cleanValue(cleaned[key], fieldSchema);
    if (value === undefined || value === '') delete cleaned[key];
    else cleaned[key] = value;
  }
  return cleaned;
}

function cleanValue(value: unknown, schema: JsonSchema | undefined): unknown {
  if (!schema || (!schema.type && !schema.enum)) return value;
  if (Array.isArray(value)) return value; // none of this destination's fields declare `items`
  if (isPlainObject(value)) return value; // nor nested `properties`
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (value === null && !types.includes('null')) return undefined;
  if (value === '' && !types.includes('string')) return undefined;
  return value;
}

/** actions-core's `validateSchema(…, {exempt: ['dynamicAuthSettings']})`: put back after removeAdditional. */
const EXEMPT_FIELDS = ['dynamicAuthSettings'];

function runValidator(validate: ValidateFunction, data: Record<string, unknown>, status?: number): void {
  const exempted = EXEMPT_FIELDS.map((key) => [key, data[key]] as const);
  const valid = validate(data);
  for (const [key, value] of exempted) if (value !== undefined) data[key] = value;
  if (valid || !validate.errors) return;
  // Reuse Segment's own message formatter so every text is the one Segment shows.
  const human = new HumanAjvError(validate.errors, { includeOriginalError: true });
  const problems: FieldProblem[] = [];
  for (const error of human) {
    problems.push({ field: fieldOf(error.pointer, error.original?.params), message: error.message });
  }
  throw new AggregateAjvError(problems, status);
}

function fieldOf(pointer: string, params: Record<string, unknown> | undefined): string {
  const field = pointer.split('/').filter(Boolean).join('.');
  if (field) return field;
  return typeof params?.missingProperty === 'string' ? params.missingProperty : '$';
}

/** Validates (and coerces, in place) a mapped trackEvent payload; throws `AggregateAjvError`. */
export function validateTrackEventPayload(payload: Record<string, unknown>): void {
  runValidator(validateTrackEvent, payload);
}

/** Validates (and coerces, in place) destination settings; throws `AggregateAjvError` (status 400). */
export function validateSettings(settings: Record<string, unknown>): void {
  runValidator(validateSettingsSchema, settings, 400);
}
