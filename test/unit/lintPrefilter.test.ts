// The scanner's shortcuts for big trees. The pre-filter (`mightContainEventKeys`, used by the CLI before decoding a
// file) may only say "no" for content where the scanner finds nothing, on text and on bytes alike, and does say "no" to
// the common false alarms. Stopping the lexer after the last call must find exactly what a full scan finds.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { createEventKeyScanner, languageForPath, scanSource, type LanguageId, type ScanOptions } from '../../src/core/lint';
import { setStopAfterLastCallForTesting } from '../../src/core/lint/scanner';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'lint');

/** A trailer that makes the pre-filter say yes without adding a reference, to scan `text` unconditionally. */
function forcedRefs(text: string, language: LanguageId, options?: ScanOptions): number {
  const comment = language === 'python' || language === 'ruby' ? '#' : '//';
  const scanner = createEventKeyScanner(options);
  return scanner.scan(`${text}\n${comment} x.track\n`, language).filter((r) => r.endOffset <= text.length).length;
}

describe('lint pre-filter: mightContainEventKeys', () => {
  const scanner = createEventKeyScanner();

  it('accepts every fixture (text and bytes)', () => {
    for (const name of fs.readdirSync(FIXTURES)) {
      const language = languageForPath(name.replace(/\.txt$/, ''));
      assert.ok(language, name);
      const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
      assert.ok(scanner.scan(text, language).length > 0, name);
      assert.ok(scanner.mightContainEventKeys(text), name);
      assert.ok(scanner.mightContainEventKeys(Buffer.from(text)), name);
    }
  });

  it('rejects names that are not whole candidate identifiers, or not after an accessor', () => {
    for (const text of [
      'const trackingId = config.trackingId;',
      'element.onTrack(handler);',
      'function track(name) { return name; }',
      'def track(self, event): pass',
      '// track the order total',
      '# we track orders here',
      'we track orders',
      '<p>track your parcel</p>',
      'const { track } = useAnalytics();',
      'x = untracked',
      'TrackingEvent t = new TrackingEvent();',
    ]) {
      assert.equal(scanner.mightContainEventKeys(text), false, text);
      assert.equal(scanner.mightContainEventKeys(Buffer.from(text)), false, text);
    }
  });

  it('accepts accessors, comments and line breaks between receiver and name', () => {
    for (const text of [
      "analytics.track('A')",
      "this.analytics?.track('A')",
      "analytics\n  .track('A')",
      "analytics.\n  // a comment\n  track('A')",
      "analytics. /* c */ track('A')",
      'Analytics::track event: "A"',
      'user&.track_event("A")',
      'client.Enqueue(analytics.Track{Event: "A"})',
      'user.TrackEvent("A")',
      "analytics.\u00a0track('A')",
    ]) {
      assert.equal(scanner.mightContainEventKeys(text), true, text);
      assert.equal(scanner.mightContainEventKeys(Buffer.from(text)), true, text);
    }
  });

  it('accepts bare configured functions anywhere', () => {
    const withFunctions = createEventKeyScanner({ segmentFunctions: ['track'] });
    assert.equal(withFunctions.mightContainEventKeys("return track('A')"), true);
    assert.equal(withFunctions.mightContainEventKeys(Buffer.from("await track('A')")), true);
    assert.equal(scanner.mightContainEventKeys("return track('A')"), false);
  });

  it('never rejects content with a reference, on text or bytes (property)', () => {
    const receiver = fc.constantFrom('analytics', 'window.analytics', 'this.analytics', 'Analytics', 'Analytics.with(ctx)', 'optimizelyClient', 'user', 'x');
    const accessor = fc.constantFrom('.', '?.', '&.', '::');
    const name = fc.constantFrom('track', 'trackEvent', 'track_event', 'Track', 'TrackEvent', 'trackingId');
    const gap = fc.constantFrom('', ' ', '\n', '\n  ', '/* c */', ' /* c */ ', '\n// c\n', '\n# c\n', '\\\n', '\u00a0', 'é');
    const args = fc.constantFrom("('Key')", '("Key", 1)', '(`Key`)', '(1, "Key")', "(event: 'Key')", "(event='Key')", "({ event: 'Key' })", '{Event: "Key"}', " 'Key'", '(');
    const call = fc.tuple(receiver, gap, accessor, gap, name, gap, args).map((parts) => parts.join(''));
    const noise = fc.constantFrom('//', '/*', '*/', '#', "'", '"', '`', '\n', ' ', ';', 'return ', 'def ', 'function ', 'track', '(', ')', '{', '}');
    const language = fc.constantFrom<LanguageId>('javascript', 'typescript', 'python', 'ruby', 'go', 'java', 'kotlin', 'swift');
    let withRefs = 0;
    fc.assert(fc.property(fc.array(fc.oneof({ arbitrary: call, weight: 3 }, { arbitrary: noise, weight: 1 }), { maxLength: 6 }), language, (pieces, lang) => {
      const text = pieces.join('');
      if (forcedRefs(text, lang) === 0) return;
      withRefs++;
      assert.ok(scanner.mightContainEventKeys(text), `text: ${JSON.stringify(text)} (${lang})`);
      assert.ok(scanner.mightContainEventKeys(Buffer.from(text)), `bytes: ${JSON.stringify(text)} (${lang})`);
    }), { numRuns: 5_000 });
    assert.ok(withRefs > 200, `the property must see many texts with references (saw ${withRefs})`);
  });
});

describe('lint scanner: stopping after the last call', () => {
  afterEach(() => setStopAfterLastCallForTesting(true));

  function both(text: string, language: LanguageId, options?: ScanOptions): [string, string] {
    setStopAfterLastCallForTesting(true);
    const early = JSON.stringify(scanSource(text, language, options));
    setStopAfterLastCallForTesting(false);
    const full = JSON.stringify(scanSource(text, language, options));
    setStopAfterLastCallForTesting(true);
    return [early, full];
  }

  it('finds what a full scan finds in every fixture', () => {
    for (const name of fs.readdirSync(FIXTURES)) {
      const language = languageForPath(name.replace(/\.txt$/, '')) as LanguageId;
      const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
      const [early, full] = both(text, language);
      assert.equal(early, full, name);
    }
  });

  it('keeps nested calls, multi-line arguments and Ruby paren-less calls', () => {
    const cases: [string, LanguageId, number][] = [
      ["analytics.track('A', {\n  x: analytics.track('B'),\n})\nconst after = 1;\n", 'javascript', 2],
      ["analytics.track(\n  'A'\n)\nfoo()\n", 'typescript', 1],
      ["Analytics.track user_id: 1,\n  event: 'A'\nputs 1\n", 'ruby', 1],
      ["Analytics.track event:\n  'A'\nputs 1\n", 'ruby', 0], // not followed by the scanner at all; both agree
      ["Analytics.track properties: { a: 1 },\n  event: 'A'\nputs 1\n", 'ruby', 1],
      ['client.Enqueue(analytics.Track{\n\tEvent: "A",\n})\nx := 1\n', 'go', 1],
      ["analytics.track(user_id,\n    'A')\nprint(1)\n", 'python', 1],
    ];
    for (const [text, language, count] of cases) {
      const [early, full] = both(text, language);
      assert.equal(early, full, text);
      assert.equal((JSON.parse(early) as unknown[]).length, count, text);
    }
  });

  it('finds what a full scan finds in generated code (property)', () => {
    const receiver = fc.constantFrom('analytics', 'Analytics', 'optimizelyClient', 'user', 'x');
    const name = fc.constantFrom('track', 'trackEvent', 'Track', 'TrackEvent');
    const args = fc.constantFrom("('Key')", '("Key",\n 1)', "(\n'Key'\n)", "(event: 'Key')", "(event='Key')", "({ event: 'Key' })",
      '{Event: "Key"}', " 'Key'", " event: 'Key',\n user_id: 1", " event:\n 'Key'", '(', ')', '{', '}');
    const call = fc.tuple(receiver, fc.constantFrom('.', '::', '&.'), name, args).map((parts) => parts.join(''));
    const noise = fc.constantFrom('\n', ' ', ';', ',', '(', ')', '{', '}', '[', ']', "'", '"', '//', '#', '/*', '*/', '=begin\n', '\n=end\n',
      'foo(', 'x = 1\n', 'do\n', 'end\n', '`', '${', '<<~EOS\nanalytics.track(1)\nEOS\n', 'track', '\\\n');
    const language = fc.constantFrom<LanguageId>('javascript', 'typescript', 'python', 'ruby', 'go', 'java', 'kotlin', 'swift');
    fc.assert(fc.property(fc.array(fc.oneof({ arbitrary: call, weight: 2 }, { arbitrary: noise, weight: 3 }), { maxLength: 12 }), language, (pieces, lang) => {
      const text = pieces.join('');
      const [early, full] = both(text, lang);
      assert.equal(early, full, `${lang}: ${JSON.stringify(text)}`);
    }), { numRuns: 5_000 });
  });
});
