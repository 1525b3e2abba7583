// Event-key scanner (src/core/lint): fixtures per language, tricky snippets, options, positions, completion lookup and
// property tests that the lexer never throws and reports consistent ranges.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  DEFAULT_SEGMENT_RECEIVERS,
  SUPPORTED_LANGUAGES,
  createEventKeyScanner,
  isInsideTrackCallString,
  isSupportedLanguage,
  languageForPath,
  scanSource,
  type EventKeyReference,
  type LanguageId,
} from '../../src/core/lint';

const FIXTURES = join(__dirname, '..', 'fixtures', 'lint');

/** [key, line, character of the literal's first character, dynamic, kind, callee] */
type Row = [string, number, number, boolean, 'segment' | 'optimizely', string];

/** Fixture files are `name.<ext>.txt` so that tsc and ESLint leave them alone; the language comes from `<ext>`. */
const EXPECTED: Record<string, Row[]> = {
  'Tracking.java.txt': [
    ['FOUND_simple', 4, 24, false, 'segment', 'analytics.track'],
    ['FOUND_with_context', 5, 38, false, 'segment', 'Analytics.with().track'],
    ['FOUND_after_char "escaped"', 7, 38, false, 'segment', 'analytics.track'],
    ['found_opt_key', 11, 31, false, 'optimizely', 'optimizelyClient.track'],
    ['found_track_event', 12, 24, false, 'optimizely', 'user.trackEvent'],
  ],
  'Tracking.kt.txt': [
    ['FOUND_with_context', 3, 34, false, 'segment', 'Analytics.with().track'],
    ['FOUND_split', 5, 8, false, 'segment', 'analytics.track'],
    ['FOUND_named', 8, 29, false, 'segment', 'analytics.track'],
    ['Viewed ${screen.name}', 9, 21, true, 'segment', 'analytics.track'],
    ['Viewed $screen', 10, 20, true, 'segment', 'analytics.track'],
    ['FOUND_escaped_$dollar', 11, 20, false, 'segment', 'analytics.track'],
    ['FOUND_raw', 12, 20, false, 'segment', 'analytics.track'],
    ['FOUND_after_char', 14, 33, false, 'segment', 'analytics.track'],
    ['found_opt_key', 15, 27, false, 'optimizely', 'optimizelyClient.track'],
    ['found_track_event', 16, 31, false, 'optimizely', 'user.trackEvent'],
  ],
  'Tracking.swift.txt': [
    ['FOUND_named', 3, 26, false, 'segment', 'analytics.track'],
    ['FOUND_shared', 4, 29, false, 'segment', 'Analytics.shared().track'],
    ['FOUND_raw "quoted"', 5, 26, false, 'segment', 'analytics.track'],
    ['Viewed \\(screen.title("x"))', 6, 26, true, 'segment', 'analytics.track'],
    ['FOUND_escaped_A', 7, 26, false, 'segment', 'analytics.track'],
    ['FOUND_split', 12, 14, false, 'segment', 'analytics.track'],
    ['found_opt_key', 14, 31, false, 'optimizely', 'optimizely.track'],
    ['found_track_event', 15, 30, false, 'optimizely', 'user.trackEvent'],
  ],
  'checkout.js.txt': [
    ['FOUND_simple', 8, 16, false, 'segment', 'analytics.track'],
    ['FOUND_double "quoted" key', 9, 23, false, 'segment', 'window.analytics.track'],
    ['FOUND_split_call', 13, 4, false, 'segment', 'analytics.track'],
    ['FOUND_template_plain', 16, 16, false, 'segment', 'analytics.track'],
    ['Checkout ${step} Viewed', 17, 16, true, 'segment', 'analytics.track'],
    ['FOUND_object_form', 18, 82, false, 'segment', 'analytics.track'],
    ['FOUND_after_regex', 21, 67, false, 'segment', 'analytics.track'],
    ['FOUND_after_division', 22, 45, false, 'segment', 'analytics.track'],
    ['FOUND_after_regex_escape', 23, 35, false, 'segment', 'analytics.track'],
    ['found_optimizely_key', 25, 23, false, 'optimizely', 'optimizelyClient.track'],
    ['found_track_event', 26, 16, false, 'optimizely', 'user.trackEvent'],
    ['FOUND_unicode_é_A', 29, 16, false, 'segment', 'analytics.track'],
  ],
  'main.go.txt': [
    ['FOUND_composite', 8, 10, false, 'segment', 'analytics.Track'],
    ['FOUND_raw_backtick', 12, 40, false, 'segment', 'analytics.Track'],
    ['FOUND_last_field', 13, 98, false, 'segment', 'analytics.Track'],
    ['FOUND_after_rune', 15, 49, false, 'segment', 'analytics.Track'],
    ['found_opt_track', 16, 24, false, 'optimizely', 'optimizelyClient.Track'],
    ['found_track_event', 17, 24, false, 'optimizely', 'userContext.TrackEvent'],
  ],
  'tracking.py.txt': [
    ['FOUND_positional', 6, 29, false, 'segment', 'analytics.track'],
    ['FOUND_keyword', 7, 43, false, 'segment', 'analytics.track'],
    ['FOUND_split', 10, 8, false, 'segment', 'analytics.track'],
    ['Checkout {step}', 14, 29, true, 'segment', 'analytics.track'],
    ['FOUND_fstring_{braces}', 15, 29, false, 'segment', 'analytics.track'],
    ['FOUND_raw\\d', 16, 29, false, 'segment', 'analytics.track'],
    ["FOUND_escaped_'quote'", 17, 29, false, 'segment', 'analytics.track'],
    ['FOUND_triple', 18, 29, false, 'segment', 'analytics.track'],
    ['{d["k"]:>{width}} nested quotes', 19, 29, true, 'segment', 'analytics.track'],
    ['found_opt_positional', 21, 28, false, 'optimizely', 'optimizely_client.track'],
    ['found_opt_keyword', 22, 38, false, 'optimizely', 'optimizely_client.track'],
    ['found_track_event', 23, 29, false, 'optimizely', 'user_context.track_event'],
    ['FOUND_bytes', 24, 34, false, 'segment', 'self.analytics.track'],
  ],
  'tracking.rb.txt': [
    ['FOUND_label', 1, 41, false, 'segment', 'Analytics.track'],
    ['FOUND_hash_rocket', 2, 26, false, 'segment', 'analytics.track'],
    ['FOUND_string_rocket', 3, 29, false, 'segment', 'Analytics.track'],
    ['FOUND_split', 6, 9, false, 'segment', 'Analytics.track'],
    ['FOUND_parenless', 8, 35, false, 'segment', 'Analytics.track'],
    ['Signed up #{plan}', 9, 35, true, 'segment', 'Analytics.track'],
    ["FOUND_escaped ' quote", 10, 23, false, 'segment', 'Analytics.track'],
    ['FOUND_after_char_literal', 15, 31, false, 'segment', 'Analytics.track'],
    ['FOUND_after_global', 16, 31, false, 'segment', 'Analytics.track'],
    ['FOUND_after_regex', 17, 57, false, 'segment', 'Analytics.track'],
    ['FOUND_percent_q', 18, 24, false, 'segment', 'analytics.track'],
    ['found_opt_key', 19, 24, false, 'optimizely', 'optimizely_client.track'],
    ['found_track_event', 20, 17, false, 'optimizely', 'user.track_event'],
    ['FOUND_last', 24, 23, false, 'segment', 'Analytics.track'],
  ],
  'widget.tsx.txt': [
    ['FOUND_props_receiver', 3, 52, false, 'segment', 'props.analytics.track'],
    ['FOUND_with_type_args', 7, 52, false, 'segment', 'analytics.track'],
    ['FOUND_in_jsx_expression', 8, 55, false, 'segment', 'analytics.track'],
    ['FOUND_as_const', 12, 30, false, 'segment', 'analytics.track'],
    ['FOUND_optional_call', 13, 19, false, 'segment', 'analytics.track'],
    ['nested ${`inner ${deep}`} key', 14, 17, true, 'optimizely', 'optimizely.track'],
    ['FOUND_after_apostrophe', 15, 75, false, 'segment', 'analytics.track'],
    ['FOUND_after_generic_arrow', 16, 88, false, 'segment', 'analytics.track'],
    ['FOUND_after_jsx_url', 17, 120, false, 'segment', 'analytics.track'],
  ],
};

function rows(refs: EventKeyReference[]): Row[] {
  return refs.map((r) => [r.key, r.range.start.line, r.range.start.character, r.dynamic, r.kind, r.callee]);
}

/** Keys found, dynamic ones prefixed with `~`. */
function keys(language: LanguageId, text: string): string[] {
  return scanSource(text, language).map((r) => (r.dynamic ? '~' : '') + r.key);
}

/** Independent offset → position (line breaks: \r\n, \n, \r). */
function positionOf(text: string, offset: number): { line: number; character: number } {
  const lines = text.slice(0, offset).split(/\r\n|\n|\r/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** Every reference's ranges agree with its offsets, nest properly, and references are sorted and disjoint. */
function assertConsistent(text: string, refs: EventKeyReference[]): void {
  for (const r of refs) {
    assert.ok(0 <= r.offset && r.offset <= r.keyOffset && r.keyOffset <= r.keyEndOffset &&
      r.keyEndOffset <= r.endOffset && r.endOffset <= text.length, `offsets of ${JSON.stringify(r)}`);
    assert.deepEqual(r.range.start, positionOf(text, r.offset));
    assert.deepEqual(r.range.end, positionOf(text, r.endOffset));
    assert.deepEqual(r.keyRange.start, positionOf(text, r.keyOffset));
    assert.deepEqual(r.keyRange.end, positionOf(text, r.keyEndOffset));
    if (r.dynamic) assert.equal(r.key, text.slice(r.keyOffset, r.keyEndOffset));
  }
  for (let i = 1; i < refs.length; i++) assert.ok(refs[i - 1].endOffset <= refs[i].offset, 'sorted and disjoint');
}

describe('lint scanner: languageForPath', () => {
  it('maps every supported extension, case-insensitively', () => {
    const cases: [string, LanguageId | undefined][] = [
      ['a.js', 'javascript'], ['a.mjs', 'javascript'], ['a.cjs', 'javascript'], ['a.jsx', 'javascriptreact'],
      ['src/a.ts', 'typescript'], ['a.mts', 'typescript'], ['a.cts', 'typescript'], ['a.d.ts', 'typescript'],
      ['C:\\app\\A.TSX', 'typescriptreact'], ['x.py', 'python'], ['A.kt', 'kotlin'], ['build.gradle.kts', 'kotlin'],
      ['A.java', 'java'], ['A.swift', 'swift'], ['main.go', 'go'], ['app/models/user.rb', 'ruby'],
      ['README.md', undefined], ['Makefile', undefined], ['.rb', undefined], ['dir.rb/file', undefined],
      ['a.json', undefined], ['a.constructor', undefined],
    ];
    for (const [path, language] of cases) assert.equal(languageForPath(path), language, path);
  });

  it('recognises the supported VS Code language ids only', () => {
    for (const id of SUPPORTED_LANGUAGES) assert.ok(isSupportedLanguage(id));
    assert.equal(isSupportedLanguage('csharp'), false);
    assert.equal(isSupportedLanguage('toString'), false);
  });
});

describe('lint scanner: fixtures', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).sort();

  it('has an expectation for every fixture file', () => {
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    describe(file, () => {
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      const language = languageForPath(file.replace(/\.txt$/, '')) ?? 'javascript';

      it('finds exactly the expected keys, positions, dynamic flags, kinds and callees', () => {
        assert.notEqual(languageForPath(file.replace(/\.txt$/, '')), undefined);
        assert.deepEqual(rows(scanSource(text, language)), EXPECTED[file]);
      });

      it('reports ranges consistent with the text', () => {
        assertConsistent(text, scanSource(text, language));
      });

      it('finds every FOUND_/found_ marker and never a NOT_ one', () => {
        const found = scanSource(text, language).map((r) => r.key).join('\n');
        for (const marker of new Set(text.match(/\b(FOUND|found)_\w+/g) ?? [])) {
          assert.ok(found.includes(marker), `${marker} not found`);
        }
        assert.ok(!found.includes('NOT_'), `reported a NOT_ key: ${found}`);
      });

      it('gives the same keys and positions with CRLF line endings', () => {
        assert.deepEqual(rows(scanSource(text.replace(/\r?\n/g, '\r\n'), language)), EXPECTED[file]);
      });
    });
  }
});

describe('lint scanner: exact ranges', () => {
  it('gives the literal range including quotes and the key range inside them', () => {
    const text = 'x();\n  analytics.track(\n    "Order \\"Completed\\"", {});\n';
    const [ref] = scanSource(text, 'typescript');
    assert.deepEqual(ref, {
      key: 'Order "Completed"',
      dynamic: false,
      kind: 'segment',
      callee: 'analytics.track',
      range: { start: { line: 2, character: 4 }, end: { line: 2, character: 25 } },
      keyRange: { start: { line: 2, character: 5 }, end: { line: 2, character: 24 } },
      offset: 28,
      endOffset: 49,
      keyOffset: 29,
      keyEndOffset: 48,
    });
    assert.equal(text.slice(ref.offset, ref.endOffset), '"Order \\"Completed\\""');
  });

  it('includes string prefixes and raw-string delimiters in the literal range', () => {
    const [py] = scanSource("analytics.track(u, rb'K')", 'python');
    assert.deepEqual([py.offset, py.keyOffset, py.keyEndOffset, py.endOffset], [19, 22, 23, 24]);
    const [swift] = scanSource('analytics.track(name: ##"K"##)', 'swift');
    assert.deepEqual([swift.offset, swift.keyOffset, swift.keyEndOffset, swift.endOffset], [22, 25, 26, 29]);
    const [kt] = scanSource('analytics.track("""K""")', 'kotlin');
    assert.deepEqual([kt.offset, kt.keyOffset, kt.keyEndOffset, kt.endOffset], [16, 19, 20, 23]);
  });

  it('counts characters in UTF-16 code units, like VS Code', () => {
    const [ref] = scanSource("/* 😀 */ analytics.track('Ünïcode 😀')", 'javascript');
    assert.deepEqual(ref.range.start, { line: 0, character: 25 });
    assert.equal(ref.key, 'Ünïcode 😀');
  });

  it('treats a lone \\r as a line break', () => {
    const [ref] = scanSource("a()\ranalytics.track('K')", 'javascript');
    assert.deepEqual(ref.range.start, { line: 1, character: 16 });
  });
});

describe('lint scanner: tricky snippets', () => {
  const cases: [LanguageId, string, string[]][] = [
    // JavaScript / TypeScript: regex vs division, templates, comments, object form, JSX.
    ['javascript', "a = b / c / d; analytics.track('X')", ['X']],
    ['javascript', "x = (a) / 2; y = \"'\"; analytics.track('X')", ['X']],
    ['javascript', "function f() {}\n/foo'/.test(x); analytics.track('X')", ['X']],
    ['javascript', "return /'/.test(s) && analytics.track('X')", ['X']],
    ['javascript', "x = a++ / 2; analytics.track('X')", ['X']],
    ['javascript', "t = `${ '}' } ${ {a:1}.a } analytics.track('N')`; analytics.track('X')", ['X']],
    ['javascript', "t = `${ /* ` */ x}`; analytics.track('X')", ['X']],
    ['javascript', "analytics.track('A\\\nB')", ['AB']],
    ['javascript', "analytics.track(\r\n  'A'\r\n); analytics.track('B')", ['A', 'B']],
    ['javascript', "track('N'); analytics.track.call(null, 'N'); analytics.track ('X')", ['X']],
    ['javascript', "analytics.track('A'); analytics.track(\"B\"", ['A']],
    ['javascript', "analytics.track('A';\nanalytics.track(x, 'B'); analytics.track()", []],
    ['javascript', "analytics.track({ ...base, 'event': 'X' }); analytics.track({ event })", ['X']],
    ['javascript', 'analytics.track({ event: `Y ${n}` })', ['~Y ${n}']],
    ['typescript', "analytics.track('A' satisfies EventName, { a: 1 as number })", ['A']],
    ['typescript', "class T { track(name: string) {} }\nanalytics['track']('N'); foo.analytics.track('X')", ['X']],
    ['typescript', "const x = <Foo>bar; analytics.track('X')", ['X']],
    ['typescript', "(a || b).track('N'); getAnalytics().track('N'); this.#analytics.track('X')", ['X']],
    ['typescriptreact', "const f = <T,>(x: T) => x; const g = <T extends unknown>(y: T) => analytics.track('X');", ['X']],
    ['typescriptreact',
      "const e = <p>Don't have an account? <a onClick={() => analytics.track('Signup')}>Sign up</a></p>; analytics.track('After')",
      ['Signup', 'After']],
    ['javascript',
      "return (<ul>{items.map((i) => <li key={i.id} onClick={() => analytics.track(\"Item\", {id: i.id})}>It's {i.name} // x</li>)}</ul>); analytics.track('After')",
      ['Item', 'After']],
    ['javascriptreact',
      "<>\n  <p>a \"quote and a ' and a ` and /* and //</p>\n  {/* analytics.track('NotComment') */}\n  {cond ? <A/> : <B x=\"}\"/>}\n</>;\nanalytics.track('After')",
      ['After']],
    ['javascript', "if (a < b && c > d) analytics.track('X'); for (i = 0; i <n; i++) {} x = y <z; analytics.track('Y')", ['X', 'Y']],
    ['typescriptreact', "const e = <Comp render={(v) => <b>{`${v}'s`}</b>} label='it\"s' />; analytics.track('X')", ['X']],
    ['javascriptreact', "const e = <Trans>Don't {analytics.track('In')} stop</Trans>\nanalytics.track('X')", ['In', 'X']],
    ['javascript', "const f = <T>(x: T): T => x; const g = <T>(y) => y; analytics.track('X')", ['X']],
    ['javascriptreact', "const e = <span>(optional) it's {analytics.track('In')}</span>; analytics.track('X')", ['In', 'X']],
    ['typescriptreact',
      "const e = <Select<Option<A>> value={x} onChange={() => analytics.track('In')} />; <p>it's</p>; analytics.track('X')",
      ['In', 'X']],
    ['javascriptreact', "const e = <Foo render={() => <b>it's</b>} {...rest} />; analytics.track('X')", ['X']],
    // Python
    ['python', "f'{x:{\"'\"}}'; analytics.track(u, 'X')", ['X']],
    ['python', "s = 'it\\'s'  # analytics.track(u, 'N')\nanalytics.track(u, 'X')", ['X']],
    ['python', "analytics.track(u, Rb'X')\nanalytics.track(u, 'A' 'B')\nanalytics.track(u, rf'{y}')", ['X', '~{y}']],
    ['python', "analytics.track(\n  u,\n  event = 'K'\n)", ['K']],
    ['python', "analytics.track(u, '\\x41\\u00e9\\N{DASH}\\q')", ['A\u00e9\\N{DASH}\\q']],
    ['python', "def track(self, u, event='N'): pass\nanalytics.track(*args)", []],
    // Kotlin / Java / Swift / Go
    ['kotlin', 'val s = "${"}"}"; analytics.track("X")', ['X']],
    ['kotlin', 'val s = """a""""; analytics.track("X")', ['X']],
    ['kotlin', 'fun Analytics.track(name: String) {}; analytics?.track("X")', ['X']],
    ['java', 'analytics.track("A\\u0042\\101\\s")', ['ABA ']],
    ['swift', 'let s = "a\\"b"; analytics.track(name: ##"X"#"##)', ['X"#']],
    ['swift', 'analytics.track(name: "A\\(f(")"))B")\nanalytics.track(name: "X")', ['~A\\(f(")"))B', 'X']],
    ['swift', 'analytics.track(name: #"A\\#(x)"#)', ['~A\\#(x)']],
    ['swift', 'analytics.track(name: #"A\\n\\#n"#)', ['A\\n\n']],
    ['go', "x := 'x'; y := '\\''; analytics.Track{Event: \"X\"}", ['X']],
    ['go', 's := "a\\"b"; optimizely.Track("X", u)', ['X']],
    ['go', 'analytics.Track{"u", "N"}; analytics.Page{Event: "N"}; other.Track{Event: "N"}', []],
    ['go', 'analytics.Track{Event: `A\r\nB`}', ['A\nB']],
    // Ruby
    ['ruby', "s = %Q{ #{ \"}\" } }; Analytics.track(event: 'X')", ['X']],
    ['ruby', "x = y ? 'a' : 'b'; z = a ?b :c\nAnalytics.track(event: 'X')", ['X']],
    ['ruby', "x = a % 2; b = a / 2; Analytics.track(event: 'X') # /'", ['X']],
    ['ruby', "foo(<<~A, <<~B)\n  Analytics.track(event: 'N1')\nA\n  Analytics.track(event: 'N2')\nB\nAnalytics.track(event: 'X')", ['X']],
    ['ruby', "arr << 'x'; Analytics.track(event: :sym); Analytics.track('event' => 'X')", ['X']],
    ['ruby', "Analytics.track(\n  event: 'X',\n  user_id: 1) do |x| end", ['X']],
    ['ruby', "Analytics&.track(event: 'X'); Segment::Analytics.track(event: 'Y')", ['X', 'Y']],
    ['ruby', "Analytics.track event: 'X' if ok\nAnalytics.track\n  event: 'N'", ['X']],
    ['ruby', "Analytics.track(\"event\": 'X'); Analytics.track(event: 'a\\nb'); Analytics.track(event: \"a\\nb\")",
      ['X', 'a\\nb', 'a\nb']],
  ];
  for (const [language, text, expected] of cases) {
    it(`${language}: ${JSON.stringify(text).slice(0, 90)}`, () => {
      assert.deepEqual(keys(language, text), expected);
      assertConsistent(text, scanSource(text, language));
    });
  }
});

describe('lint scanner: options', () => {
  it('uses configured receivers (a list replaces its default) and bare functions', () => {
    const text = "rudderanalytics.track('R'); analytics.track('A'); track('B'); useTrack('N'); optimizely.track('o')";
    const refs = scanSource(text, 'javascript', {
      segmentReceivers: [...DEFAULT_SEGMENT_RECEIVERS, 'rudderanalytics'],
      segmentFunctions: ['track'],
    });
    assert.deepEqual(refs.map((r) => [r.key, r.kind, r.callee]), [
      ['R', 'segment', 'rudderanalytics.track'], ['A', 'segment', 'analytics.track'], ['B', 'segment', 'track'],
      ['o', 'optimizely', 'optimizely.track'],
    ]);
    assert.deepEqual(keys('javascript', text), ['A', 'o'], 'defaults: no rudderanalytics, no bare track');
    assert.deepEqual(scanSource(text, 'javascript', { segmentReceivers: ['rudderanalytics'] }).map((r) => r.key), ['R', 'o']);
  });

  it('does not take definitions for bare-function calls', () => {
    const text = 'function track(name) {}\ndef track(name): pass\nfun track(name: String) {}\nobj.track("N")';
    assert.deepEqual(scanSource(text, 'javascript', { segmentFunctions: ['track'] }), []);
    assert.deepEqual(scanSource(text, 'python', { segmentFunctions: ['track'] }), []);
  });

  it('supports custom method names, Optimizely receivers and Go types', () => {
    assert.deepEqual(scanSource("analytics.logEvent('L'); client.send('N')", 'javascript', { segmentMethods: ['logEvent'] })
      .map((r) => r.key), ['L']);
    assert.deepEqual(scanSource("opti.track('k'); optimizely.track('n')", 'javascript', { optimizelyReceivers: ['opti'] })
      .map((r) => r.key), ['k']);
    assert.deepEqual(scanSource('seg.Event{Event: "E"}; analytics.Track{Event: "N"}', 'go', {
      segmentReceivers: ['seg'], goTrackTypes: ['Event'],
    }).map((r) => r.key), ['E']);
    assert.deepEqual(scanSource("user.trackEvent('n'); user.logIt('k')", 'javascript', {
      optimizelyAnyReceiverMethods: ['logIt'],
    }).map((r) => r.key), ['k']);
  });

  it('matches receivers by the tail of the chain only at a dot boundary', () => {
    assert.deepEqual(keys('javascript', "myanalytics.track('N'); my.analytics.track('X'); Analytics.with(a, b).track('Y')"),
      ['X', 'Y']);
  });
});

describe('lint scanner: pre-filter and reuse', () => {
  const scanner = createEventKeyScanner();

  it('rejects content without any candidate name, as a string or as bytes', () => {
    assert.equal(scanner.mightContainEventKeys('const a = 1;'), false);
    assert.equal(scanner.mightContainEventKeys(Buffer.from('const a = 1;')), false);
    assert.equal(scanner.mightContainEventKeys('analytics.track()'), true);
    assert.equal(scanner.mightContainEventKeys(new TextEncoder().encode('x.Track{}')), true);
    assert.equal(scanner.mightContainEventKeys(Buffer.from('user.TrackEvent(')), true);
  });

  it('derives the pre-filter from the configured names', () => {
    const custom = createEventKeyScanner({
      segmentMethods: ['logEvent'], optimizelyMethods: [], optimizelyAnyReceiverMethods: [], goTrackTypes: [],
    });
    assert.equal(custom.mightContainEventKeys('analytics.track("x")'), false);
    assert.equal(custom.mightContainEventKeys('analytics.logEvent("x")'), true);
  });

  it('gives the same results when one scanner is reused across files', () => {
    for (const file of Object.keys(EXPECTED)) {
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      const language = languageForPath(file.replace(/\.txt$/, '')) ?? 'javascript';
      assert.deepEqual(scanner.scan(text, language), scanSource(text, language));
    }
  });
});

describe('lint scanner: isInsideTrackCallString', () => {
  const text = "analytics.track('Order Completed', { total: 1 });\nconsole.log('Order Completed');";
  const open = text.indexOf("'");

  it('returns the reference when the offset is inside the key or at its edges', () => {
    for (const offset of [open + 1, open + 6, open + 16]) {
      const ref = isInsideTrackCallString(text, 'javascript', offset);
      assert.equal(ref?.key, 'Order Completed', `offset ${offset}`);
      assert.equal(ref?.incomplete, undefined);
    }
  });

  it('returns undefined outside the key literal', () => {
    for (const offset of [0, open, open + 17, text.lastIndexOf('Order')]) {
      assert.equal(isInsideTrackCallString(text, 'javascript', offset), undefined, `offset ${offset}`);
    }
  });

  it('finds literals still being typed, marked incomplete; scanSource ignores them', () => {
    const typing = "analytics.track('Ord\nfoo();";
    const ref = isInsideTrackCallString(typing, 'javascript', 20);
    assert.equal(ref?.key, 'Ord');
    assert.equal(ref?.incomplete, true);
    assert.deepEqual(ref?.keyRange, { start: { line: 0, character: 17 }, end: { line: 0, character: 20 } });
    assert.deepEqual(scanSource(typing, 'javascript'), []);

    const unclosed = "analytics.track('Order'\nfoo();";
    assert.equal(isInsideTrackCallString(unclosed, 'javascript', 18)?.incomplete, true);
    assert.deepEqual(scanSource(unclosed, 'javascript'), []);

    const py = "analytics.track(user_id, 'Sig";
    assert.equal(isInsideTrackCallString(py, 'python', py.length)?.key, 'Sig');
    const rb = 'Analytics.track(event: "Sig';
    assert.equal(isInsideTrackCallString(rb, 'ruby', rb.length)?.key, 'Sig');
  });

  it('reports dynamic literals so the editor can skip them', () => {
    assert.equal(isInsideTrackCallString('analytics.track(`Step ${n}`)', 'javascript', 20)?.dynamic, true);
  });
});

describe('lint scanner: robustness (properties)', () => {
  // Fragments that stress every lexer state: quotes, comments, templates, regexes, JSX, heredocs, interpolation.
  const fragments = [
    'analytics.track(', "'K'", '"K"', '`K`', '`${', '}', '${', '#{', '\\(', '{', '(', ')', '[', ']', ',', ' ', '\n',
    '\r\n', '//', '/*', '*/', '#', '/', '<', '>', '</', '/>', '<div>', '<<~EOS\n', 'EOS\n', '=begin\n', '=end\n', "f'",
    'r"', '"""', "'''", '#"', '"#', '\\', '$x', '%q(', 'event:', 'event=', ':event =>', 'Event:', 'analytics.Track{',
    'name:', '?', '!', '\u2028', '😀', 'x', '1', '.', ';', '=', 'track', '__END__\n',
    // Whole calls in each language's form, so that references do occur.
    "analytics.track('K')", "analytics.track(u, 'K')", "Analytics.track(event: 'K')", 'analytics.Track{Event: "K"}',
    'analytics.track(name: "K")', "user.trackEvent(`K${x}`)",
  ];
  const source = fc.array(fc.constantFrom(...fragments), { maxLength: 60 }).map((parts) => parts.join(''));

  it('never throws and always returns consistent ranges, in every language', () => {
    let withReferences = 0;
    fc.assert(
      fc.property(source, fc.constantFrom(...SUPPORTED_LANGUAGES), fc.boolean(), (text, language, includeIncomplete) => {
        const refs = createEventKeyScanner({ includeIncomplete }).scan(text, language);
        assertConsistent(text, refs);
        if (!includeIncomplete) for (const r of refs) assert.equal(r.incomplete, undefined);
        if (refs.length > 0) withReferences++;
      }),
      { numRuns: 1500 },
    );
    assert.ok(withReferences > 15, `only ${withReferences} runs produced references`);
  });

  it('finds nothing when the whole text is a comment', () => {
    const body = fc.array(fc.constantFrom("analytics.track('K')", 'analytics.track("K")', ' ', 'x', "'", '"', '`'),
      { maxLength: 20 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(body, (b) => {
        assert.deepEqual(scanSource(`// ${b}`, 'typescript'), []);
        assert.deepEqual(scanSource(`# ${b}`, 'python'), []);
        assert.deepEqual(scanSource(`# ${b}`, 'ruby'), []);
        assert.deepEqual(scanSource(`/* ${b} */`, 'kotlin'), []);
      }),
      { numRuns: 300 },
    );
  });
});
