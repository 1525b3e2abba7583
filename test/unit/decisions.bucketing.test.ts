/**
 * Bucketing (src/core/diagnose/bucketing.ts) against every published vector in
 * test/fixtures/vectors/bucketing-vectors.json: the five bucket values all SDKs publish, the Go / Swift
 * / JS allocation and group outcomes, the Go high-hash edge case, the computed UTF-8 values and the
 * standard MurmurHash3 reference hashes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  allocationEnd,
  bucketExperiment,
  bucketingIdFor,
  bucketValueFor,
  bucketValueOf,
  findAllocation,
  murmurhash3,
  MAX_TRAFFIC_VALUE,
} from '../../src/core/diagnose/bucketing';
import type { ProjectConfig, TrafficAllocation } from '../../src/core/datafile/types';

const VECTORS = path.join(__dirname, '..', 'fixtures', 'vectors');

interface PublishedValue {
  bucketingId: string;
  entityId: string;
  bucketingKey: string;
  expectedBucketValue: number;
  murmur3_x86_32_seed1_hash: number;
}
interface BucketingVectors {
  published_bucket_values: { vectors: PublishedValue[] };
  published_allocation_vectors: Array<Record<string, unknown>>;
  edge_vectors: Array<{ bucketingKey: string; expectedBucketValue: number; computedHash: number }>;
  computed_extra_vectors: { vectors: Array<{ bucketingId: string; entityId: string; bucketValue: number; hash: number }> };
  murmur3_reference_hashes: { vectors: Array<{ input: string; seed: number; hash: number }> };
}

const vectors = JSON.parse(fs.readFileSync(path.join(VECTORS, 'bucketing-vectors.json'), 'utf8')) as BucketingVectors;

describe('bucketing: MurmurHash3 and bucket values', () => {
  it('reproduces the five bucket values published by the JS, Python, Java, Go, C# and Swift SDK tests', () => {
    const published = vectors.published_bucket_values.vectors;
    assert.equal(published.length, 5);
    for (const v of published) {
      assert.equal(v.bucketingKey, v.bucketingId + v.entityId);
      assert.equal(murmurhash3(v.bucketingKey, 1), v.murmur3_x86_32_seed1_hash, v.bucketingKey);
      assert.equal(bucketValueOf(v.bucketingKey), v.expectedBucketValue, v.bucketingKey);
      assert.equal(bucketValueFor(v.bucketingId, v.entityId), v.expectedBucketValue, v.bucketingKey);
    }
  });

  it('reproduces the standard MurmurHash3 x86_32 reference hashes (any seed, UTF-8 bytes)', () => {
    const refs = vectors.murmur3_reference_hashes.vectors;
    assert.ok(refs.length >= 7);
    for (const r of refs) assert.equal(murmurhash3(r.input, r.seed), r.hash, `${JSON.stringify(r.input)} seed ${r.seed}`);
  });

  it('hashes UTF-8 bytes: the computed non-ASCII vectors match, and a string equals its UTF-8 byte array', () => {
    for (const v of vectors.computed_extra_vectors.vectors) {
      const key = v.bucketingId + v.entityId;
      assert.equal(murmurhash3(key), v.hash, key);
      assert.equal(bucketValueFor(v.bucketingId, v.entityId), v.bucketValue, key);
      assert.equal(murmurhash3(new TextEncoder().encode(key)), v.hash, key);
    }
  });

  it('keeps the Go high-hash edge case (hash 0xffffffbc) at 9999, inside an endOfRange-10000 rule', () => {
    for (const v of vectors.edge_vectors) {
      assert.equal(murmurhash3(v.bucketingKey), v.computedHash);
      assert.equal(bucketValueOf(v.bucketingKey), v.expectedBucketValue);
      assert.equal(findAllocation(bucketValueOf(v.bucketingKey), [{ entityId: 'everyone', endOfRange: 10000 }])?.entityId, 'everyone');
    }
  });

  it('always gives an integer in [0, 9999]', () => {
    for (let i = 0; i < 2000; i++) {
      const value = bucketValueOf(`k${i}\u00e9${i * 7919}`);
      assert.ok(Number.isInteger(value) && value >= 0 && value < MAX_TRAFFIC_VALUE, String(value));
    }
  });
});

describe('bucketing: traffic allocation and groups (published outcomes)', () => {
  const find = (source: string): Record<string, unknown> => {
    const v = vectors.published_allocation_vectors.find((x) => JSON.stringify(x.source).includes(source));
    assert.ok(v, source);
    return v;
  };

  it('Go TestBucketToEntity: first range with bucketValue < endOfRange; "" is a gap; beyond the last end is not bucketed', () => {
    const v = find('TestBucketToEntity');
    const allocation = v.trafficAllocation as TrafficAllocation[];
    const cases = v.cases as Array<{ bucketingKey: string; bucketValue: number; expectedEntityId: string }>;
    for (const c of cases) {
      const value = bucketValueOf(c.bucketingKey);
      assert.equal(value, c.bucketValue);
      const hit = findAllocation(value, allocation);
      assert.equal(hit?.entityId ?? '', c.expectedEntityId, c.bucketingKey);
    }
    // ppid3 (5439) is beyond 5399: no entry at all (not a gap).
    assert.equal(findAllocation(5439, allocation), null);
    assert.deepEqual(findAllocation(2434, allocation), { index: 0, entityId: '', startOfRange: 0, endOfRange: 2500 });
    assert.deepEqual(findAllocation(4299, allocation), { index: 1, entityId: '1234567123', startOfRange: 2500, endOfRange: 4999 });
    assert.equal(allocationEnd(allocation), 5399);
  });

  it('Swift testBucketToExperiment: quartile experiment 444444', () => {
    const v = find('testBucketToExperiment');
    const allocation = v.trafficAllocation as TrafficAllocation[];
    const cases = v.cases as Array<{ userId: string; expectedVariationKey: string; computedBucketValue: number }>;
    for (const c of cases) {
      const result = bucketExperiment({ bucketingId: c.userId, experimentId: String(v.experimentId), allocation });
      assert.equal(result.bucketValue, c.computedBucketValue, c.userId);
      assert.equal(result.outcome, 'bucketed');
      assert.equal(result.entityId, `${c.expectedVariationKey}11`, c.userId);
    }
  });

  it('Swift testBucketGroup: group 333333 picks the published experiment', () => {
    const v = find('testBucketGroup');
    const group = { id: String(v.groupId), policy: String(v.policy), trafficAllocation: v.trafficAllocation as TrafficAllocation[] };
    const idOf: Record<string, string> = { countryExperiment: 'country11', ageExperiment: 'age11', browserExperiment: 'browser11' };
    const cases = v.cases as Array<{ userId: string; expectedExperimentKey: string; computedBucketValue: number }>;
    for (const c of cases) {
      const expected = idOf[c.expectedExperimentKey];
      const inGroup = bucketExperiment({ bucketingId: c.userId, experimentId: expected, allocation: [{ entityId: 'v', endOfRange: 10000 }], group });
      assert.equal(inGroup.group?.bucketValue, c.computedBucketValue, c.userId);
      assert.equal(inGroup.group?.landedIn, expected, c.userId);
      assert.equal(inGroup.outcome, 'bucketed');
      for (const other of Object.values(idOf).filter((id) => id !== expected)) {
        const excluded = bucketExperiment({ bucketingId: c.userId, experimentId: other, allocation: [{ entityId: 'v', endOfRange: 10000 }], group });
        assert.equal(excluded.outcome, 'group-other-experiment', `${c.userId} ${other}`);
        assert.equal(excluded.entityId, null);
      }
    }
  });

  it('JS bucketer tests: $opt_bucketing_id replaces the user id; null falls back; group 666 → experiment 443', () => {
    const v = find('non null bucketingId');
    const datafile = JSON.parse(fs.readFileSync(path.join(VECTORS, 'optimizely-js-test-datafile.json'), 'utf8')) as ProjectConfig;
    const testExperiment = datafile.experiments.find((e) => e.id === '111127');
    assert.ok(testExperiment);
    const cases = v.cases as Array<{ userId: string; bucketingId: string | null; experimentId: string; groupId?: string; expected: string; computedBucketValue: number; computedGroupBucketValue?: number }>;
    for (const c of cases) {
      const attributes = c.bucketingId === null ? { $opt_bucketing_id: null } : { $opt_bucketing_id: c.bucketingId };
      const id = bucketingIdFor(c.userId, attributes);
      assert.equal(id.bucketingId, c.bucketingId ?? c.userId);
      const group = c.groupId ? datafile.groups.find((g) => g.id === c.groupId) : undefined;
      // The JS test passes testExperiment's allocation even for experiment 443 (see the vector note).
      const result = bucketExperiment({ bucketingId: id.bucketingId, experimentId: c.experimentId, allocation: testExperiment.trafficAllocation, ...(group ? { group } : {}) });
      assert.equal(result.bucketValue, c.computedBucketValue);
      if (c.computedGroupBucketValue !== undefined) {
        assert.equal(result.group?.bucketValue, c.computedGroupBucketValue);
        assert.equal(result.group?.landedIn, c.experimentId);
      }
      assert.equal(result.entityId, c.expected);
    }
    assert.deepEqual(bucketingIdFor('u', { $opt_bucketing_id: 42 }), { bucketingId: 'u', source: 'userId', ignoredBucketingId: 42 });
    assert.deepEqual(bucketingIdFor('u'), { bucketingId: 'u', source: 'userId' });
  });

  it('reports group misses, non-exclusive groups and allocation gaps', () => {
    const group = { id: 'g', policy: 'random', trafficAllocation: [{ entityId: 'a', endOfRange: 0 }] };
    assert.equal(bucketExperiment({ bucketingId: 'x', experimentId: 'a', allocation: [{ entityId: 'v', endOfRange: 10000 }], group }).outcome, 'group-no-experiment');
    const overlapping = bucketExperiment({ bucketingId: 'x', experimentId: 'a', allocation: [{ entityId: 'v', endOfRange: 10000 }], group: { ...group, policy: 'overlapping' } });
    assert.equal(overlapping.outcome, 'bucketed');
    assert.equal(overlapping.group?.exclusive, false);
    assert.equal(overlapping.group?.landedIn, null);
    assert.equal(bucketExperiment({ bucketingId: 'x', experimentId: 'a', allocation: [{ entityId: '', endOfRange: 10000 }] }).outcome, 'traffic-gap');
    assert.equal(bucketExperiment({ bucketingId: 'x', experimentId: 'a', allocation: [] }).outcome, 'outside-traffic');
  });
});
