/**
 * Optimizely bucketing, computed the way the SDKs do it (spec/optimizely.md §3.1–§3.3).
 *
 * The Optimizely SDK does not expose bucket values, the traffic range a visitor fell in, or the
 * result of group (mutual exclusion) bucketing; the diagnostics need all three to explain a decision.
 *
 * Hashing uses the `murmurhash` npm package (MurmurHash3 x86 32-bit; strings are UTF-8 encoded with
 * TextEncoder), the very library `@optimizely/optimizely-sdk` 6.x hashes with
 * (`core/bucketer/bucket_value_generator`), so bucket values are the SDK's by construction.
 * The tests reproduce every published Optimizely bucket value and the standard MurmurHash3
 * reference hashes, and compare against SDK decisions for 10,000 visitors per experiment.
 *
 * Pure functions, no state.
 */
import murmurhash from 'murmurhash';
import type { TrafficAllocation } from '../datafile/types';

/** Seed of the bucketing hash in every Optimizely SDK. */
export const BUCKETING_HASH_SEED = 1;
/** Bucket values are integers in [0, MAX_TRAFFIC_VALUE). */
export const MAX_TRAFFIC_VALUE = 10000;
const MAX_HASH_VALUE = 2 ** 32;
/** Attribute whose string value replaces the user id for bucketing. */
export const BUCKETING_ID_ATTRIBUTE = '$opt_bucketing_id';
/** Group policy that makes a group mutually exclusive. */
export const RANDOM_GROUP_POLICY = 'random';

/** Stateless UTF-8 encoder, shared (the library would construct one per call, as it does inside the SDK). */
const UTF8 = new TextEncoder();

/** MurmurHash3 x86 32-bit of the UTF-8 bytes of `key` (unsigned). */
export function murmurhash3(key: string | Uint8Array, seed: number = BUCKETING_HASH_SEED): number {
  return murmurhash.v3(typeof key === 'string' ? UTF8.encode(key) : key, seed) >>> 0;
}

/**
 * Bucket value of a bucketing key (bucketingId + entityId): floor(hash / 2^32 × 10000), an integer
 * in [0, 9999]. Computed in float64 like the JS SDK; the product stays below 2^53, so this equals
 * the integer formula (hash × 10000) >> 32.
 */
export function bucketValueOf(bucketingKey: string): number {
  return Math.floor((murmurhash3(bucketingKey, BUCKETING_HASH_SEED) / MAX_HASH_VALUE) * MAX_TRAFFIC_VALUE);
}

/** Bucket value of a visitor for an entity (experiment, rule, holdout or group id). */
export function bucketValueFor(bucketingId: string, entityId: string): number {
  return bucketValueOf(`${bucketingId}${entityId}`);
}

export interface BucketingIdResult {
  /** The string hashed in front of the entity id. */
  bucketingId: string;
  /** Where it came from. */
  source: 'userId' | typeof BUCKETING_ID_ATTRIBUTE;
  /** Set when `$opt_bucketing_id` is present but not a string: the SDK warns and uses the user id. */
  ignoredBucketingId?: unknown;
}

/** The bucketing id: `$opt_bucketing_id` when it is a string, otherwise the user id (as the SDK does). */
export function bucketingIdFor(userId: string, attributes?: Readonly<Record<string, unknown>>): BucketingIdResult {
  if (attributes != null && Object.prototype.hasOwnProperty.call(attributes, BUCKETING_ID_ATTRIBUTE)) {
    const value = attributes[BUCKETING_ID_ATTRIBUTE];
    if (typeof value === 'string') return { bucketingId: value, source: BUCKETING_ID_ATTRIBUTE };
    return { bucketingId: userId, source: 'userId', ignoredBucketingId: value };
  }
  return { bucketingId: userId, source: 'userId' };
}

/** Where a bucket value fell in a traffic allocation. */
export interface AllocationHit {
  /** Index of the first entry with bucketValue < endOfRange. */
  index: number;
  /** Its entity id ("" is a traffic gap). */
  entityId: string;
  /** Inclusive start: the previous entry's endOfRange (0 for the first one). */
  startOfRange: number;
  /** Exclusive end. */
  endOfRange: number;
}

/**
 * Walks `allocation` in order and returns the first entry with `bucketValue < endOfRange`, or null
 * when the value is at or above every endOfRange (outside the traffic allocation).
 */
export function findAllocation(bucketValue: number, allocation: readonly TrafficAllocation[]): AllocationHit | null {
  let start = 0;
  for (let i = 0; i < allocation.length; i++) {
    const entry = allocation[i];
    if (bucketValue < entry.endOfRange) return { index: i, entityId: entry.entityId, startOfRange: start, endOfRange: entry.endOfRange };
    start = Math.max(start, entry.endOfRange);
  }
  return null;
}

/** The largest endOfRange of an allocation (0 when empty): the share of traffic it covers, out of 10000. */
export function allocationEnd(allocation: readonly TrafficAllocation[]): number {
  return allocation.reduce((max, entry) => Math.max(max, entry.endOfRange), 0);
}

export interface GroupLike {
  id: string;
  policy: string;
  trafficAllocation: readonly TrafficAllocation[];
}

export interface GroupBucketing {
  id: string;
  policy: string;
  /** False for policies other than "random": the SDK does no group-level bucketing then. */
  exclusive: boolean;
  /** bucketValueFor(bucketingId, groupId). */
  bucketValue: number;
  /** Group traffic range hit (null: outside the group's traffic). */
  hit: AllocationHit | null;
  /** Experiment id picked by group bucketing ("" or null: none); null as well for non-exclusive groups. */
  landedIn: string | null;
}

export type BucketOutcome =
  /** Group bucketing picked no experiment. */
  | 'group-no-experiment'
  /** Group bucketing picked another experiment of the group. */
  | 'group-other-experiment'
  /** Bucket value at or above the last endOfRange. */
  | 'outside-traffic'
  /** Landed in an entry whose entityId is "" . */
  | 'traffic-gap'
  /** Landed in an entry with a non-empty entity id (for an experiment: a variation id). */
  | 'bucketed';

export interface BucketResult {
  bucketingId: string;
  /** Present when the experiment belongs to a group that exists. */
  group?: GroupBucketing;
  /** bucketValueFor(bucketingId, experimentId); computed even when group bucketing excluded the visitor. */
  bucketValue: number;
  /** Range hit in the experiment's allocation (null: outside). Not consulted when the group excluded the visitor. */
  hit: AllocationHit | null;
  outcome: BucketOutcome;
  /** The entity picked (variation id for experiments); null unless outcome is "bucketed". */
  entityId: string | null;
}

/**
 * Buckets a visitor into an experiment / rule / holdout the way the SDK's bucketer does: group
 * bucketing first when the experiment is in a group with policy "random" (bucketingId + groupId over
 * the group's allocation), then bucketingId + experimentId over `allocation`.
 *
 * `allocation` is the experiment's effective traffic allocation (see `effectiveTrafficAllocation` in
 * decisions-model for the SDK's parse-time changes: CMAB and feature-rollout experiments).
 * Checking that the picked entity is a real variation is left to the caller.
 */
export function bucketExperiment(params: {
  bucketingId: string;
  experimentId: string;
  allocation: readonly TrafficAllocation[];
  group?: GroupLike;
}): BucketResult {
  const { bucketingId, experimentId, allocation, group } = params;
  const bucketValue = bucketValueFor(bucketingId, experimentId);
  const hit = findAllocation(bucketValue, allocation);
  let groupResult: GroupBucketing | undefined;
  if (group !== undefined) {
    const exclusive = group.policy === RANDOM_GROUP_POLICY;
    const groupValue = bucketValueFor(bucketingId, group.id);
    const groupHit = findAllocation(groupValue, group.trafficAllocation ?? []);
    groupResult = {
      id: group.id,
      policy: group.policy,
      exclusive,
      bucketValue: groupValue,
      hit: groupHit,
      landedIn: exclusive && groupHit !== null && groupHit.entityId !== '' ? groupHit.entityId : null,
    };
    if (exclusive) {
      // The SDK treats "" like null here ("not in any experiment of group").
      if (groupResult.landedIn === null) return { bucketingId, group: groupResult, bucketValue, hit, outcome: 'group-no-experiment', entityId: null };
      if (groupResult.landedIn !== experimentId) return { bucketingId, group: groupResult, bucketValue, hit, outcome: 'group-other-experiment', entityId: null };
    }
  }
  const base = { bucketingId, ...(groupResult ? { group: groupResult } : {}), bucketValue, hit };
  if (hit === null) return { ...base, outcome: 'outside-traffic', entityId: null };
  if (hit.entityId === '') return { ...base, outcome: 'traffic-gap', entityId: null };
  return { ...base, outcome: 'bucketed', entityId: hit.entityId };
}
