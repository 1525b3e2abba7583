/** What the console's copy buttons produce: curl, the test fixture; and the page's CSP. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { redactHeaders, shellQuote, toCurl, toFixture, fixtureText } from '../../src/webview/logic/copyFormats';
import { browserCsp, browserCspHeader, consolePageHtml, webviewCsp } from '../../src/webview/page';

const request = {
  url: 'https://logx.optimizely.com/v1/events',
  method: 'POST' as const,
  headers: { 'user-agent': 'Segment (Actions)', 'content-type': 'application/json', authorization: 'Bearer secret-token' },
  body: `{"account_id":"1","visitors":[{"visitor_id":"o'brien","attributes":[]}],"note":"a \\"quote\\" and $HOME and \`x\`"}`,
};

/** Runs the words of a curl command through bash, with `curl` replaced by a printer of its arguments. */
function argumentsOf(command: string): string[] {
  const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}`;
  const output = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
  return output.split('\0').slice(0, -1);
}

describe('webview: copy as curl', () => {
  it('posts exactly the same body bytes and redacts credentials', () => {
    const command = toCurl(request);
    const args = argumentsOf(command);
    assert.deepEqual(args, [
      '-X',
      'POST',
      'https://logx.optimizely.com/v1/events',
      '-H',
      'user-agent: Segment (Actions)',
      '-H',
      'content-type: application/json',
      '-H',
      'authorization: <redacted>',
      '--data-raw',
      request.body,
    ]);
    assert.doesNotMatch(command, /secret-token/);
  });

  it('quotes any text safely for a POSIX shell', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((text) => !text.includes('\0')), (text) => {
        const output = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(text)}`], { encoding: 'utf8' });
        assert.equal(output, text);
      }),
      { numRuns: 40 },
    );
  });

  it('redacts secret headers whatever their case', () => {
    assert.deepEqual(redactHeaders({ Authorization: 'x', 'X-Api-Key': 'y', Accept: '*/*' }), { Authorization: '<redacted>', 'X-Api-Key': '<redacted>', Accept: '*/*' });
  });
});

describe('webview: copy as test fixture', () => {
  const input = { payload: { type: 'track', event: 'Order Completed', properties: { revenue: 19.99 } }, settings: { accountId: '1', accessToken: 'tok-123456' }, mapping: {} };

  it('keeps the input and Segment’s error, without the access token', () => {
    const fixture = toFixture(input, { status: 'rejected', error: { name: 'AggregateAjvError', message: 'Revenue must be an integer but it was a number.', fields: { revenue: 'Revenue must be an integer but it was a number.' } } });
    assert.equal(fixture.description, 'Segment rejects "Order Completed": Revenue must be an integer but it was a number.');
    assert.deepEqual(fixture.input, { payload: input.payload, settings: { accountId: '1', accessToken: '<redacted>' } });
    assert.deepEqual(fixture.expected, { status: 'rejected', error: { name: 'AggregateAjvError', message: 'Revenue must be an integer but it was a number.', fields: { revenue: 'Revenue must be an integer but it was a number.' } } });
    assert.doesNotMatch(fixtureText(input, { status: 'rejected' }), /tok-123456/);
  });

  it('keeps the exact request when the event was sent', () => {
    const fixture = toFixture({ payload: { event: 'A' } }, { status: 'sent', request });
    assert.equal(fixture.expected.request?.body, request.body);
    assert.equal(fixture.expected.request?.headers.authorization, '<redacted>');
    assert.equal(fixture.input.settings, undefined);
    assert.equal(fixture.input.mapping, undefined);
    assert.ok(fixtureText({ payload: {} }, { status: 'sent', request }).endsWith('}\n'));
  });
});

describe('webview: page and CSP', () => {
  it('allows no remote resource and scripts only with the nonce', () => {
    const csp = webviewCsp('https://file+.vscode-resource.vscode-cdn.net', 'abc');
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-abc'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https:(?!\/\/file)/);
    assert.match(browserCsp('n'), /connect-src 'self'/);
    assert.doesNotMatch(browserCsp('n'), /frame-ancestors/);
    assert.match(browserCspHeader('n'), /frame-ancestors 'none'/);
  });

  it('has no inline script or style, and escapes what it is given', () => {
    const html = consolePageHtml({ scriptUri: 'x.js?a=1&b="2"', styleUri: 'x.css', nonce: 'n0', csp: "default-src 'none'", standalone: true });
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0][1], '');
    assert.match(scripts[0][0], /nonce="n0"/);
    assert.match(html, /src="x\.js\?a=1&amp;b=&quot;2&quot;"/);
    assert.doesNotMatch(html, /<style|style="/);
    assert.match(html, /<html lang="en" class="standalone">/);
  });
});
