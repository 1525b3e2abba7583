/**
 * The console's JSON checker (positions of the first error, spans of every value) and the text edits the
 * event key picker makes.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkJson, lineColumnOf, linesOfPointers, pointerOfPath, setJsonValue } from '../../src/webview/logic/jsonText';

function error(text: string) {
  const result = checkJson(text);
  assert.equal(result.ok, false, `expected an error for ${JSON.stringify(text)}`);
  return (result as Extract<typeof result, { ok: false }>).error;
}

describe('webview: JSON checker', () => {
  it('accepts valid JSON and returns exactly JSON.parse’s value', () => {
    const text = '{\n  "type": "track",\n  "properties": {"revenue": 1999, "tags": [1, "a", null, true]}\n}';
    const result = checkJson(text);
    assert.ok(result.ok);
    assert.deepEqual(result.value, JSON.parse(text));
  });

  it('locates a missing comma at the line and column of the next property', () => {
    const e = error('{\n  "type": "track"\n  "event": "Order Completed"\n}');
    assert.equal(e.line, 3);
    assert.equal(e.column, 3);
    assert.match(e.message, /after the value of "type": a comma is missing/);
  });

  it('names the trailing comma, single quotes, comments, bare words and unclosed strings', () => {
    assert.match(error('{"a": 1,\n}').message, /trailing comma/);
    assert.equal(error('{"a": 1,\n}').line, 2);
    assert.match(error("{'a': 1}").message, /double quotes/);
    assert.match(error('{"a": 1 // note\n}').message, /Comments are not allowed/);
    assert.match(error('{"a": yes}').message, /yes is not a JSON value/);
    assert.match(error('{"a": "open\n}').message, /not closed before the end of the line/);
    assert.match(error('').message, /empty/);
    assert.match(error('{"a": 01}').message, /Invalid number/);
    assert.match(error('{"a": 1} x').message, /after the end of the JSON value/);
    assert.match(error('{"a": "\\x"}').message, /Invalid escape/);
    assert.match(error('{"a": [1, 2').message, /ends where|Expected ',' or ']'/);
  });

  it('agrees with JSON.parse on arbitrary JSON values, however they are formatted', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const result = checkJson(text);
        assert.ok(result.ok, text);
        assert.deepEqual(result.value, JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('fails exactly when JSON.parse fails, on mangled JSON', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', "'", ':', 'x', '/', '\n'), (text, at, insert) => {
        const position = text.length === 0 ? 0 : at % (text.length + 1);
        const mangled = text.slice(0, position) + insert + text.slice(position);
        let parses = true;
        try {
          JSON.parse(mangled);
        } catch {
          parses = false;
        }
        assert.equal(checkJson(mangled).ok, parses, mangled);
      }),
      { numRuns: 500 },
    );
  });

  it('records the span of every value by JSON pointer', () => {
    const text = '{\n  "event": "A",\n  "properties": {\n    "revenue": 19.99,\n    "a/b": [true]\n  }\n}';
    const result = checkJson(text);
    assert.ok(result.ok);
    const span = result.spans.get('/properties/revenue');
    assert.ok(span);
    assert.equal(text.slice(span.start, span.end), '19.99');
    assert.equal(text.slice(span.keyStart, span.start).trim(), '"revenue":');
    assert.equal(text.slice(result.spans.get('/properties/a~1b/0')!.start, result.spans.get('/properties/a~1b/0')!.end), 'true');
    assert.deepEqual(linesOfPointers(text, result.spans, ['/properties/revenue', '/event', '/missing']), [2, 4]);
  });

  it('computes line and column from an offset', () => {
    assert.deepEqual(lineColumnOf('ab\ncd', 4), { line: 2, column: 2 });
    assert.deepEqual(lineColumnOf('', 0), { line: 1, column: 1 });
  });
});

describe('webview: payload paths and edits', () => {
  it('turns Segment paths into JSON pointers', () => {
    assert.equal(pointerOfPath('$.properties.revenue'), '/properties/revenue');
    assert.equal(pointerOfPath('event'), '/event');
    assert.equal(pointerOfPath("$.context.traits['plan']"), '/context/traits/plan');
    assert.equal(pointerOfPath('$.items[0].sku'), '/items/0/sku');
    assert.equal(pointerOfPath('$.a/b'), '/a~1b');
    assert.equal(pointerOfPath('$'), '');
  });

  it('replaces an existing value in place, keeping the rest of the text as written', () => {
    const text = '{\n  "type":   "track",\n  "event": "Old" ,\n  "x": 1\n}';
    assert.equal(setJsonValue(text, '/event', 'Order "Completed"'), '{\n  "type":   "track",\n  "event": "Order \\"Completed\\"" ,\n  "x": 1\n}');
  });

  it('adds a missing value (creating parents) and reformats', () => {
    const updated = setJsonValue('{"type":"track"}', '/properties/key', 'Checkout Started');
    assert.equal(updated, '{\n  "type": "track",\n  "properties": {\n    "key": "Checkout Started"\n  }\n}');
  });

  it('refuses to edit invalid JSON or through a non-object', () => {
    assert.equal(setJsonValue('{"a": ', '/a', 1), undefined);
    assert.equal(setJsonValue('{"a": 5}', '/a/b', 1), undefined);
    assert.equal(setJsonValue('[1]', '/a', 1), undefined);
  });
});
