// Writing a key back into a literal (src/core/lint/escape.ts), as the quick fix, completion and SARIF fixes do: the
// replacement, put between the literal's own delimiters, must scan back to exactly the key (round trip through the
// scanner), in every quoting style; a literal that cannot hold the key yields no replacement.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { escapeForLiteral, literalOpener, scanSource, type LanguageId } from '../../src/core/lint';

interface Style {
  language: LanguageId;
  opener: string;
  closer: string;
  /** The call, with `%s` where the literal goes. */
  call: string;
  /** Raw or limited literals: some keys cannot be written in them. */
  limited?: boolean;
}

const JS_CALL = 'analytics.track(%s, { total: 1 });';
const STYLES: Style[] = [
  { language: 'javascript', opener: "'", closer: "'", call: JS_CALL },
  { language: 'typescript', opener: '"', closer: '"', call: JS_CALL },
  { language: 'typescriptreact', opener: '`', closer: '`', call: JS_CALL },
  { language: 'java', opener: '"', closer: '"', call: 'Analytics.with(context).track(%s);' },
  { language: 'kotlin', opener: '"', closer: '"', call: 'analytics.track(%s)' },
  { language: 'kotlin', opener: '"""', closer: '"""', call: 'analytics.track(%s)', limited: true },
  { language: 'swift', opener: '"', closer: '"', call: 'Analytics.shared().track(%s)' },
  { language: 'swift', opener: '#"', closer: '"#', call: 'Analytics.shared().track(%s)', limited: true },
  { language: 'swift', opener: '##"', closer: '"##', call: 'Analytics.shared().track(%s)', limited: true },
  { language: 'go', opener: '"', closer: '"', call: 'client.Enqueue(analytics.Track{Event: %s, UserId: id})' },
  { language: 'go', opener: '`', closer: '`', call: 'optimizelyClient.Track(%s, user)', limited: true },
  { language: 'python', opener: "'", closer: "'", call: 'analytics.track(user_id, %s)' },
  { language: 'python', opener: '"', closer: '"', call: 'analytics.track(user_id, %s)' },
  { language: 'python', opener: "'''", closer: "'''", call: 'analytics.track(user_id, %s)' },
  { language: 'python', opener: '"""', closer: '"""', call: 'analytics.track(user_id, %s)' },
  { language: 'python', opener: "u'", closer: "'", call: 'analytics.track(user_id, %s)' },
  { language: 'python', opener: 'f"', closer: '"', call: 'analytics.track(user_id, %s)' },
  { language: 'python', opener: "r'", closer: "'", call: 'analytics.track(user_id, %s)', limited: true },
  { language: 'python', opener: 'Rf"""', closer: '"""', call: 'analytics.track(user_id, %s)', limited: true },
  { language: 'ruby', opener: "'", closer: "'", call: 'Analytics.track(user_id: 1, event: %s)' },
  { language: 'ruby', opener: '"', closer: '"', call: 'Analytics.track(user_id: 1, event: %s)' },
  { language: 'ruby', opener: '%Q[', closer: ']', call: 'Analytics.track(user_id: 1, event: %s)' },
  { language: 'ruby', opener: '%(', closer: ')', call: 'Analytics.track(user_id: 1, event: %s)' },
  { language: 'ruby', opener: '%|', closer: '|', call: 'Analytics.track(user_id: 1, event: %s)' },
  { language: 'ruby', opener: '%q{', closer: '}', call: 'Analytics.track(user_id: 1, event: %s)', limited: true },
];

/** Scans the call with `content` between the style's delimiters; returns the one reference found. */
function roundTrip(style: Style, content: string): { key: string; dynamic: boolean; opener: string } | undefined {
  const literal = style.opener + content + style.closer;
  const text = `// before\n${style.call.replace('%s', () => literal)}\n// after\n`;
  const refs = scanSource(text, style.language);
  if (refs.length !== 1) return undefined;
  return { key: refs[0].key, dynamic: refs[0].dynamic, opener: literalOpener(text, refs[0]) };
}

function label(style: Style): string {
  return `${style.language} ${style.opener}…${style.closer}`;
}

const TRICKY = [
  'Order Completed',
  "it's",
  'say "hi"',
  'back\\slash',
  'ends with a backslash\\',
  'tab\there',
  'line\nbreak',
  'cr\rlf',
  'template ${x}',
  'ruby #{x} #@ivar #$global',
  'kotlin $name ${x}',
  'swift \\(x)',
  '{braces} {{doubled}}',
  'unicode é ✓ 🎉',
  'control \u0001\u001f\u007f',
  'separators \u2028\u2029',
  '`backticks`',
  'percent % and %s',
  'parens ) ( ] [ } { | >',
  "triple ''' and \"\"\"",
  'hash after quote "# "##',
  '',
];

describe('lint escape: escapeForLiteral', () => {
  it('returns plain keys unchanged in every style', () => {
    for (const style of STYLES) {
      for (const key of ['Order Completed', 'product_added', 'Checkout-Started v2', 'Ünïcode ✓']) {
        assert.equal(escapeForLiteral(key, style.opener, style.language), key, `${label(style)}: ${key}`);
      }
    }
  });

  for (const style of STYLES) {
    it(`round-trips tricky keys through the scanner: ${label(style)}`, () => {
      for (const key of TRICKY) {
        const content = escapeForLiteral(key, style.opener, style.language);
        if (content === undefined) {
          assert.ok(style.limited, `${label(style)} must be able to hold ${JSON.stringify(key)}`);
          continue;
        }
        const back = roundTrip(style, content);
        assert.ok(back, `${label(style)}: ${JSON.stringify(content)} must scan as one reference`);
        assert.equal(back.dynamic, false, `${label(style)}: ${JSON.stringify(content)} must not interpolate`);
        assert.equal(back.key, key, `${label(style)}: ${JSON.stringify(content)}`);
        assert.equal(back.opener, style.opener);
      }
    });
  }

  it('escapes only for the literal at hand (examples)', () => {
    assert.equal(escapeForLiteral("it's", "'", 'javascript'), "it\\'s");
    assert.equal(escapeForLiteral("it's", '"', 'javascript'), "it's");
    assert.equal(escapeForLiteral('a ${b}', '`', 'typescript'), 'a \\${b}');
    assert.equal(escapeForLiteral('a ${b}', "'", 'typescript'), 'a ${b}');
    assert.equal(escapeForLiteral('$price', '"', 'kotlin'), '\\$price');
    assert.equal(escapeForLiteral('#{x}', '"', 'ruby'), '\\#{x}');
    assert.equal(escapeForLiteral('#{x}', "'", 'ruby'), '#{x}');
    assert.equal(escapeForLiteral('{x}', 'f"', 'python'), '{{x}}');
    assert.equal(escapeForLiteral('a\nb', "'", 'python'), 'a\\nb');
    assert.equal(escapeForLiteral('a\u0001', '"', 'java'), 'a\\001');
    assert.equal(escapeForLiteral('a\u0001', '"', 'swift'), 'a\\u{1}');
  });

  it('gives up where the literal cannot hold the key', () => {
    assert.equal(escapeForLiteral("it's", "r'", 'python'), undefined);
    assert.equal(escapeForLiteral('a\\b', "r'", 'python'), undefined);
    assert.equal(escapeForLiteral('a`b', '`', 'go'), undefined);
    assert.equal(escapeForLiteral('$x', '"""', 'kotlin'), undefined);
    assert.equal(escapeForLiteral('say "#hi', '#"', 'swift'), undefined);
    assert.equal(escapeForLiteral('a)b', '%q(', 'ruby'), undefined);
    assert.equal(escapeForLiteral('key', "b'", 'python'), undefined, 'bytes are not event keys');
    assert.equal(escapeForLiteral('key', '"""', 'java'), undefined, 'text blocks start on a new line');
    assert.equal(escapeForLiteral('key', '<<~EOS', 'ruby'), undefined, 'unknown opener');
  });

  it('round-trips arbitrary keys in every escaping style (property)', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.constantFrom('\\', "'", '"', '`', '$', '{', '}', '#', '(', ')', '[', ']', '|', '%', '\n', '\t', '\r', '\u0000', '\u2028', '${', '#{', '\\(', '"""', "'''"),
    );
    const key = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
    const escaping = STYLES.filter((s) => !s.limited);
    fc.assert(fc.property(key, fc.constantFrom(...escaping), (value, style) => {
      const content = escapeForLiteral(value, style.opener, style.language);
      assert.notEqual(content, undefined, `${label(style)} must hold ${JSON.stringify(value)}`);
      const back = roundTrip(style, content as string);
      assert.ok(back, `${label(style)}: ${JSON.stringify(content)} must scan as one reference`);
      assert.equal(back.dynamic, false);
      assert.equal(back.key, value);
    }), { numRuns: 2_000 });
  });
});
