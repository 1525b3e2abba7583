/**
 * Builds the Event API batch exactly as the destination's `perform` does: same keys, same key order,
 * same omissions, so `JSON.stringify` of the result is byte-identical to the body Segment posts.
 */
import type { TrackEventPayload } from './definition';
import { toEventApiTimestamp } from './timestamp';

export interface SegmentEventApiAttribute {
  entity_id: string;
  key: string;
  value?: unknown;
  type: 'custom';
}

/** The datafile as the destination reads it: only these fields matter to it; anything may be missing. */
export type DatafileLike = Record<string, unknown>;

/**
 * lodash `reduceRight(collection, (map, item) => Object.assign(map, {[item.key]: item}), {})`: the
 * FIRST item with a key wins. Arrays, strings, array-likes and plain objects are walked like lodash walks
 * them (lazily, from the last index down), so an array-like with a huge `length` fails on its first
 * missing item exactly as in Segment instead of being materialised.
 */
export function keyMapFirstWins(collection: unknown): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  // `curr.key` on a null/undefined item throws the same TypeError Segment's destination throws.
  // Object.assign copies the own property `[item.key]`, which for `__proto__` replaces the prototype
  // exactly as in Segment; going through Object.assign reproduces that too.
  const add = (item: unknown) => Object.assign(map, { [String((item as { key: unknown }).key)]: item });
  if (collection == null) return map;
  const iterable = Object(collection) as Record<string | number, unknown>;
  if (isArrayLike(collection)) {
    for (let index = (collection as { length: number }).length - 1; index >= 0; index--) add(iterable[index]);
    return map;
  }
  // lodash `baseForOwnRight`: own enumerable keys (none for numbers and booleans), last key first.
  const keys = Object.keys(iterable);
  for (let index = keys.length - 1; index >= 0; index--) add(iterable[keys[index]]);
  return map;
}

/** lodash `isArrayLike`: a non-function with `isLength(value.length)` (integer, 0 … MAX_SAFE_INTEGER). */
function isArrayLike(value: unknown): boolean {
  if (value == null || typeof value === 'function') return false;
  const length = (value as { length?: unknown }).length;
  return typeof length === 'number' && length > -1 && length % 1 === 0 && length <= Number.MAX_SAFE_INTEGER;
}

/**
 * True for the ordinary shape (an array of objects with string keys, none `__proto__`): there, "first
 * item with that key" is exactly what the lodash/Object.assign map yields, without building the map.
 */
function isPlainKeyedArray(collection: unknown): collection is { key: string }[] {
  if (!Array.isArray(collection)) return false;
  for (const item of collection) {
    if (item === null || typeof item !== 'object' || typeof item.key !== 'string' || item.key === '__proto__') return false;
  }
  return true;
}

function findFirstByKey(items: { key: string }[], key: string): unknown {
  for (const item of items) if (item.key === key) return item;
  return undefined;
}

/** `getEventId`: the datafile event id for a key, exact and case-sensitive; undefined when unknown. */
export function getEventId(datafile: unknown, eventKey: string): unknown {
  // Property access on a `null` datafile (the JSON text `null`) throws as it does in Segment.
  const events = (datafile as Record<string, unknown>).events;
  const event = (
    isPlainKeyedArray(events) ? findFirstByKey(events, eventKey) : (keyMapFirstWins(events) as Record<string, unknown>)[eventKey]
  ) as { id?: unknown } | undefined;
  return event ? event.id : undefined;
}

/** `buildVisitorAttributes`: keeps traits whose key is a datafile attribute and whose value is a scalar. */
export function buildVisitorAttributes(datafile: unknown, userAttributes: unknown): SegmentEventApiAttribute[] {
  if (!userAttributes) return [];
  const attributes = (datafile as Record<string, unknown>).attributes;
  const source = userAttributes as Record<string, unknown>;
  const keys = Object.keys(source);
  if (isPlainKeyedArray(attributes)) {
    const result: SegmentEventApiAttribute[] = [];
    for (const key of keys) {
      const value = source[key];
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
      const attribute = findFirstByKey(attributes, key) as { id?: unknown } | undefined;
      if (attribute) result.push({ entity_id: attribute.id as string, key, value, type: 'custom' });
    }
    return result;
  }
  const attributeKeyMap = keyMapFirstWins(attributes) as Record<string, { id?: unknown }>;
  return keys
    .filter((key) => Object.prototype.hasOwnProperty.call(attributeKeyMap, key))
    .filter((key) => ['string', 'number', 'boolean'].includes(typeof source[key]))
    .map((key) => ({ entity_id: attributeKeyMap[key].id as string, key, value: source[key], type: 'custom' as const }));
}

/** actions-core `omit(obj, keys)`: a shallow copy without the given keys (`{}` for a missing object). */
export function omitKeys(obj: unknown, keys: string[]): Record<string, unknown> {
  const source = (obj || {}) as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(source)) if (!keys.includes(key)) result[key] = source[key];
  return result;
}

/** The Event API batch object, in the destination's key order. */
export function buildEventBatch(datafile: DatafileLike, eventId: unknown, payload: TrackEventPayload): Record<string, unknown> {
  const attributes: Record<string, unknown>[] = buildVisitorAttributes(datafile, payload.attributes) as unknown as Record<string, unknown>[];
  if (typeof datafile.botFiltering === 'boolean') {
    // Note the key order differs from the other attributes (type before value), as in Segment.
    attributes.push({ entity_id: '$opt_bot_filtering', key: '$opt_bot_filtering', type: 'custom', value: datafile.botFiltering });
  }
  const visitors = [
    {
      snapshots: [
        {
          events: [
            {
              entity_id: eventId,
              timestamp: toEventApiTimestamp(payload.timestamp),
              uuid: payload.uuid,
              key: payload.eventKey,
              revenue: payload.revenue,
              value: payload.value,
              tags: omitKeys(payload.eventTags, ['revenue', 'value']),
            },
          ],
          decisions: [],
        },
      ],
      visitor_id: payload.userId,
      attributes,
    },
  ];
  return {
    account_id: datafile.accountId,
    anonymize_ip: datafile.anonymizeIP,
    client_name: 'Segment',
    enrich_decisions: true,
    visitors,
  };
}

/** The exact request body text (`JSON.stringify` drops `undefined`, as Segment's `json:` option does). */
export function serializeEventBatch(batch: Record<string, unknown>): string {
  return JSON.stringify(batch);
}

