/**
 * JSON Schema and validator for the body of an Optimizely Event API request (`POST /v1/events`).
 *
 * Field list, types and required fields follow spec/optimizely.md section 1.2 (the "R(API)" column of the
 * Event API OpenAPI reference, plus the fields the SDKs send that the reference copy does not list:
 * `revision`, `enrich_decisions`, decision `metadata`, visitor `session_id`, snapshot `activation_timestamp`).
 *
 * Two modes:
 * - lenient (default): what logx accepts at all. The body must be a JSON object with a string `account_id` and
 *   a `visitors` array whose items are objects carrying a string `visitor_id` and a `snapshots` array. Everything
 *   else is accepted (logx silently drops unusable data and still answers 204).
 * - strict (request header `X-Optimizely-Strict: true`): every constraint of the full schema, unknown properties
 *   are reported, and event timestamps must be 13-digit epoch-millisecond integers (a 10-digit value is a
 *   seconds timestamp passed where milliseconds are expected).
 */
import Ajv, { type ErrorObject, type SchemaObject } from 'ajv';

// ---------------------------------------------------------------------------------------------------------------
// TypeScript types of a (strictly valid) batch
// ---------------------------------------------------------------------------------------------------------------

/** A scalar accepted as an attribute value or an event tag value. */
export type EventApiScalar = string | number | boolean;

export interface EventApiAttribute {
  /** Datafile attribute id; for reserved `$opt_…` keys not in the datafile, the key itself. Required for `custom`. */
  entity_id?: string;
  /** Attribute key. Required for `custom`. */
  key?: string;
  /** Always `"custom"` from the SDKs and from Segment. */
  type: string;
  value: EventApiScalar;
}

export interface EventApiDecisionMetadata {
  flag_key?: string;
  rule_key?: string;
  /** `experiment`, `feature-test`, `rollout` or `holdout`. */
  rule_type?: string;
  variation_key?: string;
  enabled?: boolean;
  cmab_uuid?: string;
  [extra: string]: unknown;
}

export interface EventApiDecision {
  /** The experiment's layerId (falls back to the experiment id, then null). */
  campaign_id: string | null;
  experiment_id: string;
  /** Numeric variation id, or null. */
  variation_id: string | null;
  is_campaign_holdback?: boolean;
  metadata?: EventApiDecisionMetadata;
}

export interface EventApiEvent {
  /** Epoch milliseconds (13 digits). */
  timestamp: number;
  uuid: string;
  /** Conversion: datafile event id. Impression: the decision's campaign_id. */
  entity_id: string;
  /** Conversion: event key. Impression: `campaign_activated`. */
  key?: string;
  type?: string;
  /** Integer number of cents (2342 means $23.42). */
  revenue?: number;
  value?: number;
  quantity?: number;
  tags?: Record<string, unknown>;
  properties?: Record<string, string>;
}

export interface EventApiSnapshot {
  events: EventApiEvent[];
  decisions?: EventApiDecision[];
  activation_timestamp?: number;
}

export interface EventApiVisitor {
  visitor_id: string;
  snapshots: EventApiSnapshot[];
  attributes?: EventApiAttribute[];
  session_id?: string;
}

export interface EventBatch {
  account_id: string;
  visitors: EventApiVisitor[];
  project_id?: string;
  revision?: string;
  client_name?: string;
  client_version?: string;
  anonymize_ip?: boolean;
  enrich_decisions?: boolean;
}

/** One problem found in a batch: where (JSON pointer into the body, `""` = the whole body) and what, in English. */
export interface EventBatchProblem {
  pointer: string;
  message: string;
}

export interface ValidateEventBatchOptions {
  /** `true` when the request carries `X-Optimizely-Strict: true`. */
  strict: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------------------------

/** Smallest and largest 13-digit integers: epoch milliseconds between 2001-09-09 and 2286-11-20. */
export const MIN_EPOCH_MS_13_DIGITS = 1_000_000_000_000;
export const MAX_EPOCH_MS_13_DIGITS = 9_999_999_999_999;

const SCALAR_TYPES = ['string', 'number', 'boolean'];

/**
 * Full Event API batch schema (draft-07), used in strict mode. Unknown properties are rejected everywhere except
 * inside decision `metadata` (which the SDKs extend over time) and `tags` (free-form keys).
 */
export const EVENT_BATCH_SCHEMA: SchemaObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://segment-optimizely-emulator.local/schemas/event-api-batch.strict.json',
  title: 'Optimizely Event API batch (strict)',
  type: 'object',
  required: ['account_id', 'visitors'],
  additionalProperties: false,
  properties: {
    account_id: { type: 'string' },
    visitors: { type: 'array', items: { $ref: '#/definitions/visitor' } },
    project_id: { type: 'string' },
    revision: { type: 'string' },
    client_name: { type: 'string' },
    client_version: { type: 'string' },
    anonymize_ip: { type: 'boolean' },
    enrich_decisions: { type: 'boolean' },
  },
  definitions: {
    visitor: {
      type: 'object',
      required: ['visitor_id', 'snapshots'],
      additionalProperties: false,
      properties: {
        visitor_id: { type: 'string' },
        snapshots: { type: 'array', items: { $ref: '#/definitions/snapshot' } },
        attributes: { type: 'array', items: { $ref: '#/definitions/attribute' } },
        session_id: { type: 'string' },
      },
    },
    attribute: {
      type: 'object',
      required: ['type', 'value'],
      additionalProperties: false,
      properties: {
        entity_id: { type: 'string' },
        key: { type: 'string' },
        type: { type: 'string' },
        value: { type: SCALAR_TYPES },
      },
      if: { properties: { type: { const: 'custom' } }, required: ['type'] },
      then: { required: ['entity_id', 'key'] },
    },
    snapshot: {
      type: 'object',
      required: ['events'],
      additionalProperties: false,
      properties: {
        events: { type: 'array', items: { $ref: '#/definitions/event' } },
        decisions: { type: 'array', items: { $ref: '#/definitions/decision' } },
        activation_timestamp: { type: 'integer' },
      },
    },
    decision: {
      type: 'object',
      required: ['campaign_id', 'experiment_id', 'variation_id'],
      additionalProperties: false,
      properties: {
        campaign_id: { type: ['string', 'null'] },
        experiment_id: { type: 'string' },
        variation_id: { type: ['string', 'null'] },
        is_campaign_holdback: { type: 'boolean' },
        metadata: { $ref: '#/definitions/decisionMetadata' },
      },
    },
    decisionMetadata: {
      type: 'object',
      properties: {
        flag_key: { type: 'string' },
        rule_key: { type: 'string' },
        rule_type: { type: 'string' },
        variation_key: { type: 'string' },
        enabled: { type: 'boolean' },
        cmab_uuid: { type: 'string' },
      },
    },
    event: {
      type: 'object',
      required: ['timestamp', 'uuid', 'entity_id'],
      additionalProperties: false,
      properties: {
        timestamp: { type: 'integer', minimum: MIN_EPOCH_MS_13_DIGITS, maximum: MAX_EPOCH_MS_13_DIGITS },
        uuid: { type: 'string' },
        entity_id: { type: 'string' },
        key: { type: 'string' },
        type: { type: 'string' },
        revenue: { type: 'integer' },
        value: { type: 'number' },
        quantity: { type: 'integer' },
        tags: { $ref: '#/definitions/tags' },
        properties: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    tags: {
      type: 'object',
      properties: {
        // The JS SDK's EventTags type reserves this key for the event-properties feature; it is an object.
        $opt_event_properties: { type: 'object' },
      },
      additionalProperties: { type: SCALAR_TYPES },
    },
  },
};

/** Minimal schema for lenient mode: only what logx needs to accept the request at all. */
export const EVENT_BATCH_LENIENT_SCHEMA: SchemaObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://segment-optimizely-emulator.local/schemas/event-api-batch.lenient.json',
  title: 'Optimizely Event API batch (lenient)',
  type: 'object',
  required: ['account_id', 'visitors'],
  properties: {
    account_id: { type: 'string' },
    visitors: { type: 'array', items: { $ref: '#/definitions/visitor' } },
  },
  definitions: {
    visitor: {
      type: 'object',
      required: ['visitor_id', 'snapshots'],
      properties: {
        visitor_id: { type: 'string' },
        snapshots: { type: 'array' },
      },
    },
  },
};

// Compiled once, at module load.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, strictRequired: false });
const validateStrict = ajv.compile(EVENT_BATCH_SCHEMA);
const validateLenient = ajv.compile(EVENT_BATCH_LENIENT_SCHEMA);

// ---------------------------------------------------------------------------------------------------------------
// Plain-English messages
// ---------------------------------------------------------------------------------------------------------------

/** The kind of object found at a JSON pointer inside a batch. */
type Context = 'batch' | 'visitor' | 'attribute' | 'snapshot' | 'decision' | 'decisionMetadata' | 'event' | 'tags';

const CONTEXT_LABEL: Record<Context, string> = {
  batch: 'the batch',
  visitor: 'a visitor',
  attribute: 'an attribute',
  snapshot: 'a snapshot',
  decision: 'a decision',
  decisionMetadata: 'decision metadata',
  event: 'an event',
  tags: 'event tags',
};

interface ChildContext {
  context: Context;
  /** The member is an array of such objects (the pointer continues with an index). */
  array: boolean;
}

/** Where each array / object member leads: parent context → member name → child context. */
const CHILD_CONTEXT: Partial<Record<Context, Record<string, ChildContext>>> = {
  batch: { visitors: { context: 'visitor', array: true } },
  visitor: { attributes: { context: 'attribute', array: true }, snapshots: { context: 'snapshot', array: true } },
  snapshot: { events: { context: 'event', array: true }, decisions: { context: 'decision', array: true } },
  decision: { metadata: { context: 'decisionMetadata', array: false } },
  event: { tags: { context: 'tags', array: false } },
};

/** What a field must be, phrased to follow "<field> must be …". Keyed by the owning object's context, then field. */
const FIELD_TYPE_TEXT: Partial<Record<Context, Record<string, string>>> = {
  batch: {
    account_id: 'a string (the datafile accountId)',
    visitors: 'an array of visitor objects',
  },
  visitor: {
    visitor_id: 'a string (the user id used for decisions)',
    snapshots: 'an array of snapshot objects',
    attributes: 'an array of attribute objects',
  },
  attribute: {
    value: 'a string, number or boolean',
  },
  snapshot: {
    events: 'an array of event objects',
    decisions: 'an array of decision objects',
    activation_timestamp: 'an integer (epoch milliseconds)',
  },
  decision: {
    campaign_id: 'a string (the experiment layerId) or null',
    experiment_id: 'a string (the experiment or rule id)',
    variation_id: 'a string (the variation id) or null',
    metadata: 'an object',
  },
  event: {
    timestamp: 'an integer (epoch milliseconds)',
    entity_id: 'a string (the datafile event id, or the campaign id for an impression)',
    revenue: 'an integer (revenue in cents: 2342 means $23.42)',
    tags: 'an object of tag names to strings, numbers or booleans',
    properties: 'an object of property names to strings',
  },
};

/** What an object must be when the value in its place is not an object at all (e.g. an array item). */
const WHOLE_OBJECT_TEXT: Record<Context, string> = {
  batch: 'a JSON object (an Event API batch)',
  visitor: 'a visitor object',
  attribute: 'an attribute object',
  snapshot: 'a snapshot object',
  decision: 'a decision object',
  decisionMetadata: 'an object',
  event: 'an event object',
  tags: 'an object of tag names to strings, numbers or booleans',
};

/** Extra explanation appended to "<field> is required". */
const REQUIRED_HINT: Partial<Record<Context, Record<string, string>>> = {
  batch: {
    account_id: 'the Optimizely account id, a string',
    visitors: 'an array of visitor objects',
  },
  visitor: {
    visitor_id: 'the user id used for decisions, a string',
    snapshots: 'an array of snapshot objects',
  },
  attribute: {
    type: 'always "custom"',
    value: 'a string, number or boolean',
    entity_id: 'needed when type is "custom": the datafile attribute id',
    key: 'needed when type is "custom": the attribute key',
  },
  snapshot: {
    events: 'an array of event objects',
  },
  event: {
    timestamp: 'epoch milliseconds, a 13-digit integer',
    uuid: 'a unique id per event, used to de-duplicate',
    entity_id: 'the datafile event id, or the campaign id for an impression',
  },
  decision: {
    campaign_id: 'the experiment layerId, or null',
    experiment_id: 'the experiment or rule id',
    variation_id: 'the variation id, or null',
  },
};

const AJV_TYPE_TEXT: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointerTokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map(unescapePointerToken);
}

/**
 * The kind of object at `pointer` (`/visitors/0/snapshots/1/events/2` → event), or undefined when the pointer
 * does not lead to one of the batch's objects (e.g. it ends on a scalar field or an array).
 */
function contextAt(pointer: string): Context | undefined {
  let context: Context = 'batch';
  const tokens = pointerTokens(pointer);
  for (let i = 0; i < tokens.length; i++) {
    const child: ChildContext | undefined = CHILD_CONTEXT[context]?.[tokens[i]];
    if (!child) return undefined;
    if (child.array) {
      i++;
      if (i >= tokens.length || !/^\d+$/.test(tokens[i])) return undefined;
    }
    context = child.context;
  }
  return context;
}

function parentPointer(pointer: string): string {
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

function describeAjvType(type: unknown): string {
  const types = Array.isArray(type) ? type.map(String) : [String(type)];
  const words = types.map((t) => AJV_TYPE_TEXT[t] ?? t);
  if (words.length <= 1) return words[0] ?? 'of another type';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function valueAt(body: unknown, pointer: string): unknown {
  let current: unknown = body;
  for (const token of pointerTokens(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? `the integer ${value}` : `the non-integer ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return 'an object';
}

function timestampRangeMessage(field: string, value: unknown): string {
  const digits = typeof value === 'number' ? String(Math.trunc(Math.abs(value))).length : 0;
  let message = `${field} must be a 13-digit integer in epoch milliseconds, got ${String(value)} (${digits} digit${digits === 1 ? '' : 's'})`;
  if (digits === 10) message += '; this looks like seconds: multiply by 1000';
  return message;
}

function typeProblem(error: ErrorObject, body: unknown): EventBatchProblem {
  const pointer = error.instancePath;
  const got = describeJsonValue(valueAt(body, pointer));
  if (pointer === '') return { pointer, message: `the request body must be ${WHOLE_OBJECT_TEXT.batch}, got ${got}` };

  const tokens = pointerTokens(pointer);
  const field = tokens[tokens.length - 1];
  const parent = parentPointer(pointer);
  const parentContext = contextAt(parent);

  if (parentContext === 'tags' && field !== '$opt_event_properties') {
    return {
      pointer,
      message: `tag "${field}" must be a string, number or boolean, got ${got} (nested objects, arrays and null are not Event API tag values)`,
    };
  }
  const ownContext = contextAt(pointer);
  if (ownContext !== undefined && /^\d+$/.test(field)) {
    // An array item that is not an object, e.g. /visitors/0 is a string.
    const arrayName = tokens[tokens.length - 2];
    return { pointer, message: `each item of ${arrayName} must be ${WHOLE_OBJECT_TEXT[ownContext]}, got ${got}` };
  }
  const expected =
    (parentContext !== undefined ? FIELD_TYPE_TEXT[parentContext]?.[field] : undefined) ??
    (ownContext !== undefined ? WHOLE_OBJECT_TEXT[ownContext] : undefined) ??
    describeAjvType(error.params.type);
  return { pointer, message: `${field} must be ${expected}, got ${got}` };
}

function toProblem(error: ErrorObject, body: unknown): EventBatchProblem | undefined {
  const pointer = error.instancePath;
  switch (error.keyword) {
    case 'if':
      // Reported through the `then` branch's own `required` errors.
      return undefined;
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const context = contextAt(pointer);
      const hint = context !== undefined ? REQUIRED_HINT[context]?.[missing] : undefined;
      return {
        pointer: `${pointer}/${escapePointerToken(missing)}`,
        message: `${missing} is required${hint ? ` (${hint})` : ''}`,
      };
    }
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const context = contextAt(pointer);
      const owner = context !== undefined ? CONTEXT_LABEL[context] : 'this object';
      return {
        pointer: `${pointer}/${escapePointerToken(extra)}`,
        message: `"${extra}" is not a known property of ${owner} in the Event API batch format`,
      };
    }
    case 'type':
      return typeProblem(error, body);
    case 'minimum':
    case 'maximum': {
      const field = pointerTokens(pointer).pop() ?? 'value';
      if (field === 'timestamp') return { pointer, message: timestampRangeMessage(field, valueAt(body, pointer)) };
      return { pointer, message: `${field} ${error.message ?? 'is out of range'}` };
    }
    default: {
      const field = pointerTokens(pointer).pop() ?? 'the request body';
      return { pointer, message: `${field} ${error.message ?? 'is invalid'}` };
    }
  }
}

/**
 * Validates an Event API request body and returns every problem found (an empty array means the body is valid).
 * Lenient by default; pass `{ strict: true }` for the `X-Optimizely-Strict: true` behaviour.
 */
export function validateEventBatch(body: unknown, options: ValidateEventBatchOptions = { strict: false }): EventBatchProblem[] {
  const validate = options.strict ? validateStrict : validateLenient;
  if (validate(body)) return [];
  const problems: EventBatchProblem[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const problem = toProblem(error, body);
    if (!problem) continue;
    const id = `${problem.pointer}\u0000${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return problems;
}

/** Type guard: the body passes strict validation. */
export function isEventBatch(body: unknown): body is EventBatch {
  return validateStrict(body);
}
