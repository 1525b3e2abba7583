// checkReferences (src/core/lint/check.ts) against a fake KnownEvents, plus the list-based KnownEvents and suggestions.
import { strict as assert } from 'node:assert';
import {
  checkReferences,
  createKnownEvents,
  lintSource,
  scanSource,
  suggestEventKeys,
  type KnownEvents,
} from '../../src/core/lint';
import { boundedEditDistance } from '../../src/core/lint/check';

/** A hand-written KnownEvents: what the datafile index will plug in. */
function fakeKnownEvents(running: Record<string, number>, suggestions: Record<string, string[]> = {}): KnownEvents {
  return {
    size: Object.keys(running).length,
    has: (key) => Object.prototype.hasOwnProperty.call(running, key),
    suggestions: (key) => suggestions[key] ?? [],
    runningExperimentCount: (key) => running[key] ?? 0,
  };
}

const SOURCE = [
  "analytics.track('Order Completed');",
  "analytics.track('Order Complete');",
  "analytics.track('Mystery Event');",
  "analytics.track('Newsletter Signup');",
  'analytics.track(`Step ${n}`);',
  "user.trackEvent('purchase');",
].join('\n');

describe('lint check: checkReferences', () => {
  const known = fakeKnownEvents(
    { 'Order Completed': 2, 'Newsletter Signup': 0, purchase: 1 },
    { 'Order Complete': ['Order Completed', 'Order Canceled'] },
  );
  const refs = scanSource(SOURCE, 'typescript');

  it('reports unknown keys (with a suggestion) and keys no running experiment uses; skips dynamic keys', () => {
    const findings = checkReferences(refs, known);
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.message, f.suggestions, f.reference.range.start.line]), [
      ['unknown-event-key', 'warning', 'Event key "Order Complete" is not in the datafile. Did you mean "Order Completed"?',
        ['Order Completed', 'Order Canceled'], 1],
      ['unknown-event-key', 'warning', 'Event key "Mystery Event" is not in the datafile (3 events known).', [], 2],
      ['event-not-in-running-experiment', 'information',
        'Event key "Newsletter Signup" is in the datafile but no running experiment uses it.', [], 3],
    ]);
  });

  it('keeps the scanned reference on each finding', () => {
    const [first] = checkReferences(refs, known);
    assert.equal(first.reference, refs[1]);
    assert.deepEqual(first.reference.keyRange, { start: { line: 1, character: 17 }, end: { line: 1, character: 31 } });
  });

  it('can leave out the running-experiment check', () => {
    const findings = checkReferences(refs, known, { reportNotInRunningExperiment: false });
    assert.deepEqual(findings.map((f) => f.code), ['unknown-event-key', 'unknown-event-key']);
  });

  it('uses the singular for a datafile with one event and escapes odd keys in messages', () => {
    const one = fakeKnownEvents({ only: 1 });
    const [finding] = checkReferences(scanSource('analytics.track("Say \\"hi\\"\\n")', 'javascript'), one);
    assert.equal(finding.message, 'Event key "Say \\"hi\\"\\n" is not in the datafile (1 event known).');
  });

  it('returns nothing when every key is known and used', () => {
    assert.deepEqual(checkReferences(scanSource("analytics.track('Order Completed')", 'javascript'), known), []);
    assert.deepEqual(checkReferences([], known), []);
  });

  it('lintSource scans and checks in one call', () => {
    const findings = lintSource(SOURCE, 'typescript', known, { check: { reportNotInRunningExperiment: false } });
    assert.deepEqual(findings.map((f) => f.reference.key), ['Order Complete', 'Mystery Event']);
  });
});

describe('lint check: createKnownEvents', () => {
  const known = createKnownEvents([
    { key: 'Order Completed', usedByRunningExperiments: 2 },
    { key: 'order_completed', usedByRunningExperiments: 0 },
    { key: 'Product Viewed', usedByRunningExperiments: 1 },
    { key: 'Product Viewed', usedByRunningExperiments: 2 },
    { key: 'Signed Up', usedByRunningExperiments: 0 },
  ]);

  it('answers has / size / runningExperimentCount (duplicates add up)', () => {
    assert.equal(known.size, 4);
    assert.ok(known.has('Order Completed'));
    assert.ok(!known.has('order completed'));
    assert.equal(known.runningExperimentCount('Product Viewed'), 3);
    assert.equal(known.runningExperimentCount('Signed Up'), 0);
    assert.equal(known.runningExperimentCount('nope'), 0);
  });

  it('suggests close keys, best first', () => {
    assert.deepEqual(known.suggestions('Order Complete'), ['Order Completed', 'order_completed']);
    assert.deepEqual(known.suggestions('ORDER COMPLETED'), ['Order Completed', 'order_completed']);
    assert.deepEqual(known.suggestions('Prodcut Viewed'), ['Product Viewed']);
    assert.deepEqual(known.suggestions('Checkout Started'), []);
  });

  it('drives the checker end to end', () => {
    const findings = checkReferences(scanSource("analytics.track(user_id, 'Order Complete')", 'python'), known);
    assert.equal(findings[0].message, 'Event key "Order Complete" is not in the datafile. Did you mean "Order Completed"?');
  });
});

describe('lint check: suggestEventKeys', () => {
  it('ranks case-only, then separator-only differences, then edit distance', () => {
    const candidates = ['Signed Up', 'signed_up', 'Signed Upp', 'Sign Up', 'Logged In'];
    assert.deepEqual(suggestEventKeys('signed up', candidates, 5), ['Signed Up', 'signed_up', 'Signed Upp', 'Sign Up']);
  });

  it('limits the count, ignores an exact match and empty input', () => {
    assert.deepEqual(suggestEventKeys('ab', ['ab', 'ac', 'ad', 'ae'], 2), ['ac', 'ad']);
    assert.deepEqual(suggestEventKeys('', ['a']), []);
    assert.deepEqual(suggestEventKeys('abc', ['abd'], 0), []);
  });

  it('boundedEditDistance counts transpositions as one edit and stops early past the limit', () => {
    assert.equal(boundedEditDistance('order', 'oredr', 3), 1);
    assert.equal(boundedEditDistance('kitten', 'sitting', 5), 3);
    assert.equal(boundedEditDistance('abc', 'xyz123', 2), 3);
    assert.equal(boundedEditDistance('', 'ab', 5), 2);
  });
});
