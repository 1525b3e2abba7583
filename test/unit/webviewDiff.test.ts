/** The console's comparison of two Event API bodies. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffBodies, diffLines, diffText, foldUnchanged, prettyJson, valueChanges, type DiffLine } from '../../src/webview/logic/diff';

const body = (revenue: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    account_id: '21437658901',
    anonymize_ip: true,
    client_name: 'Segment',
    enrich_decisions: true,
    visitors: [{ snapshots: [{ events: [{ entity_id: '21470030001', timestamp: 1795874578318, uuid: 'm1', key: 'Order Completed', revenue, tags: { currency: 'USD', ...extra } }], decisions: [] }], visitor_id: 'user-123', attributes: [] }],
  });

describe('webview: body diff', () => {
  it('reports the changed value by path and as -/+ lines', () => {
    const diff = diffBodies(body(4999), body(5999));
    assert.equal(diff.identical, false);
    assert.deepEqual(diff.changes, [{ path: 'visitors[0].snapshots[0].events[0].revenue', kind: 'changed', before: '4999', after: '5999' }]);
    assert.equal(diff.removed, 1);
    assert.equal(diff.added, 1);
    const text = diffText(diff);
    assert.match(text, /^- +"revenue": 4999,$/m);
    assert.match(text, /^\+ +"revenue": 5999,$/m);
    assert.match(text, /@@ \d+ unchanged lines @@/);
  });

  it('reports added and removed keys', () => {
    const changes = valueChanges(JSON.parse(body(1, { a: 1 })), JSON.parse(body(1, { b: 'x' })));
    assert.deepEqual(changes, [
      { path: 'visitors[0].snapshots[0].events[0].tags.a', kind: 'removed', before: '1' },
      { path: 'visitors[0].snapshots[0].events[0].tags.b', kind: 'added', after: '"x"' },
    ]);
    assert.deepEqual(valueChanges({ 'a b': [1] }, { 'a b': [1, 2] }), [{ path: '["a b"][1]', kind: 'added', after: '2' }]);
  });

  it('says when the bodies are byte-identical', () => {
    const diff = diffBodies(body(1), body(1));
    assert.equal(diff.identical, true);
    assert.equal(diff.changes.length, 0);
    assert.equal(diff.added + diff.removed, 0);
  });

  it('notices a byte difference that is not a value difference (key order)', () => {
    const diff = diffBodies('{"a":1,"b":2}', '{"b":2,"a":1}');
    assert.equal(diff.identical, false);
    assert.deepEqual(diff.changes, []);
    assert.ok(diff.added > 0);
  });

  it('diffs non-JSON text line by line', () => {
    const diff = diffBodies('a\nb\nc', 'a\nx\nc');
    assert.deepEqual(
      diff.lines.map((line) => (line.op === 'fold' ? 'fold' : `${line.op}:${line.text}`)),
      ['same:a', 'removed:b', 'added:x', 'same:c'],
    );
  });

  it('folds long unchanged runs but keeps context around changes', () => {
    const lines: DiffLine[] = Array.from({ length: 20 }, (_, index) => ({ op: 'same', text: String(index) }));
    lines[10] = { op: 'added', text: 'new' };
    const folded = foldUnchanged(lines, 2);
    assert.deepEqual(
      folded.map((line) => (line.op === 'fold' ? `fold ${line.count}` : line.text)),
      ['fold 8', '8', '9', 'new', '11', '12', 'fold 7'],
    );
  });

  it('is a real edit script: applying it to the old lines gives the new lines', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }), fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }), (before, after) => {
        const lines = diffLines(before, after);
        assert.deepEqual(lines.filter((line) => line.op !== 'added').map((line) => line.text), before);
        assert.deepEqual(lines.filter((line) => line.op !== 'removed').map((line) => line.text), after);
      }),
      { numRuns: 300 },
    );
  });

  it('pretty-prints JSON and leaves other text alone', () => {
    assert.equal(prettyJson('{"a":[1]}'), '{\n  "a": [\n    1\n  ]\n}');
    assert.equal(prettyJson('not json'), 'not json');
  });
});
