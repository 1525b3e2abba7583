/**
 * `preview --explain` of the built command line (`dist/cli.js`), run as a child process on the shop sample:
 * the readable checklist (text, the default with --explain) or JSON with `checks` and `decisions`
 * (`--format json`); exit 1 when Segment would reject the event, 0 otherwise (even when a check fails).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Check, DecisionSummary } from '../../src/core/diagnose/types';
import { assertNoStackTrace, REPO_ROOT } from '../emulator/helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const DATAFILE = 'samples/shop.datafile.json';

/** True when dist/cli.js is missing or older than any source file. */
function cliIsStale(): boolean {
  if (!fs.existsSync(CLI)) return true;
  const built = fs.statSync(CLI).mtimeMs;
  const sources = fs.readdirSync(path.join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' });
  return sources.some((file) => /\.ts$/.test(file) && fs.statSync(path.join(REPO_ROOT, 'src', file)).mtimeMs > built);
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.error, undefined, String(result.error));
  assertNoStackTrace(result.stdout);
  assertNoStackTrace(result.stderr);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface ExplainJson {
  status: string;
  request?: { url: string; body: string; json: unknown };
  error?: { name: string; message: string };
  payload?: Record<string, unknown>;
  checks: Check[];
  decisions: DecisionSummary[];
}

const ORDER_COMPLETED_EXPERIMENTS = ['checkout_button_color', 'free_shipping_banner', 'one_page_checkout', 'product_recs_test', 'search_ranking_v2', 'search_autocomplete'];

describe('CLI preview --explain (dist/cli.js)', function () {
  this.timeout(60_000);
  let tmp: string;

  /** Writes a Segment event to a temporary file and returns its path. */
  function eventFile(name: string, event: Record<string, unknown>): string {
    const file = path.join(tmp, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(event));
    return file;
  }

  const order = (changes: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: 'track',
    event: 'Order Completed',
    userId: 'cli-visitor-1',
    anonymousId: 'cli-anon-1',
    messageId: 'cli-msg-1',
    timestamp: '2024-01-08T13:52:50.212Z',
    properties: { revenue: 4999, currency: 'USD' },
    context: { traits: { country: 'US', cart_value: 60 } },
    ...changes,
  });

  before(() => {
    if (cliIsStale()) execFileSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, stdio: 'pipe' });
    assert.ok(fs.existsSync(CLI), 'node esbuild.js must produce dist/cli.js');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seg-opt-explain-'));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('text (the default with --explain)', () => {
    it('a conversion Segment sends: the request, the verdict, every check with its mark, the decisions; exit 0', () => {
      const run = runCli(['preview', '--event', eventFile('good', order()), '--datafile', DATAFILE, '--explain']);
      assert.equal(run.status, 0, run.stderr);
      const lines = run.stdout.split('\n');
      assert.equal(lines[0], 'Segment would send: POST https://logx.optimizely.com/v1/events');
      assert.match(lines[1], /^ {2}\{"account_id":"21437658901",.*"key":"Order Completed".*"visitor_id":"cli-visitor-1"/);
      assert.ok(lines.includes('Optimizely should count this conversion.'), run.stdout);
      for (const line of [
        '✓ [segment.validation] Segment accepts the mapped payload',
        '✓ [datafile.reachable] The datafile is reachable and valid JSON',
        '    Revision 87, account 21437658901.',
        '✓ [event.known-key] "Order Completed" is an event in the datafile',
        '✓ [event.running-experiments] "Order Completed" is a metric of 4 running experiments',
        '✓ [timestamp.ok] The timestamp is plausible',
        'i [visitor.id-source] Segment sends visitor_id "cli-visitor-1" (from userId)',
        '    The anonymousId "cli-anon-1" is not used. Decisions must be made with the same id.',
        'i [event.stopped-experiments] 2 other experiments using "Order Completed" are not running',
        'i [datafile.environment] Datafile of environment "production", revision 87',
        'Decisions for this visitor:',
        '  free_shipping_banner (Paused): not bucketed',
        '  one_page_checkout (Not started): not bucketed',
      ]) {
        assert.ok(lines.includes(line), `missing line ${JSON.stringify(line)} in:\n${run.stdout}`);
      }
      assert.ok(lines.some((line) => /^ {2}checkout_button_color \(Running\): (control|green_button|not bucketed)$/.test(line)), run.stdout);
      assert.ok(lines.some((line) => /^ {2}product_recommendations \/ product_recs_test \(Running\): /.test(line)), run.stdout);
      assert.ok(!lines.some((line) => /^[✗!] /.test(line)), `no failure or warning expected:\n${run.stdout}`);
      // The marks come in severity order: ✗ fail, ! warn, i info, ✓ pass.
      const marks = lines.filter((line) => /^[✗!i✓] \[/.test(line)).map((line) => line[0]);
      assert.deepEqual(marks, [...marks].sort((a, b) => '✗!i✓'.indexOf(a) - '✗!i✓'.indexOf(b)));
    });

    it('a rejected event (unknown key): "would not send", the failing check with fix and docs first; exit 1', () => {
      const run = runCli(['preview', '--event', eventFile('unknown', order({ event: 'order completed' })), '--datafile', DATAFILE, '--explain']);
      assert.equal(run.status, 1, run.stderr);
      const lines = run.stdout.split('\n');
      assert.equal(lines[0], 'Segment would not send this event: PayloadValidationError: Event with name order completed is not defined');
      assert.ok(lines.includes('Optimizely will not count this conversion (1 problem).'), run.stdout);
      const first = lines.findIndex((line) => /^[✗!i✓] \[/.test(line));
      assert.deepEqual(lines.slice(first, first + 5), [
        '✗ [event.unknown-key] Event key "order completed" is not in the datafile',
        '    Segment matches event keys exactly (case and spaces count) and answers "Event with name order completed is not defined". Nearest: "Order Completed" (case).',
        '    fix: Send "Order Completed" as the event name, or map Event Key to it.',
        '    docs: https://segment.com/docs/connections/destinations/catalog/actions-optimizely-feature-experimentation-cloud/',
        'i [visitor.id-source] Segment sends visitor_id "cli-visitor-1" (from userId)',
      ]);
      assert.ok(!lines.includes('Decisions for this visitor:'));
    });

    it('a validation error (revenue 19.99): the exact cents in the fix; exit 1', () => {
      const run = runCli(['preview', '--event', eventFile('dollars', order({ properties: { revenue: 19.99 } })), '--datafile', DATAFILE, '--explain']);
      assert.equal(run.status, 1, run.stderr);
      assert.ok(run.stdout.startsWith('Segment would not send this event: AggregateAjvError: Revenue must be an integer but it was a number.'), run.stdout);
      assert.ok(run.stdout.includes('✗ [segment.validation] Segment rejects the event: Revenue must be an integer but it was a number.'), run.stdout);
      assert.ok(run.stdout.includes('    fix: Segment requires integer cents: send 1999 instead of 19.99'), run.stdout);
    });

    it('sent but not counted (an event no experiment uses): the failure is listed, exit 0', () => {
      const run = runCli(['preview', '--event', eventFile('newsletter', order({ event: 'Newsletter Signed Up' })), '--datafile', DATAFILE, '--explain', '--format', 'text']);
      assert.equal(run.status, 0, run.stderr);
      assert.ok(run.stdout.startsWith('Segment would send: POST https://logx.optimizely.com/v1/events'), run.stdout);
      assert.ok(run.stdout.includes('Optimizely will not count this conversion (1 problem).'), run.stdout);
      assert.ok(run.stdout.includes('✗ [event.not-a-metric] "Newsletter Signed Up" is a metric of no experiment'), run.stdout);
    });

    it('warnings are counted in the verdict (revenue 19 → maybe dollars)', () => {
      const run = runCli(['preview', '--event', eventFile('cents', order({ properties: { revenue: 19 } })), '--datafile', DATAFILE, '--explain']);
      assert.equal(run.status, 0, run.stderr);
      assert.ok(run.stdout.includes('Optimizely should count this conversion, with 1 warning.'), run.stdout);
      assert.ok(run.stdout.includes('! [revenue.maybe-dollars] Revenue 19 is $0.19: was it meant in dollars?'), run.stdout);
      assert.ok(run.stdout.includes('    fix: If this was $19, send 1900.'), run.stdout);
    });
  });

  describe('--format json', () => {
    it('with --explain: the preview JSON plus checks and decisions; exit 0 when Segment would send', () => {
      const run = runCli(['preview', '--event', eventFile('good-json', order()), '--datafile', DATAFILE, '--explain', '--format', 'json']);
      assert.equal(run.status, 0, run.stderr);
      const output = JSON.parse(run.stdout) as ExplainJson;
      assert.equal(output.status, 'would-send');
      assert.equal(output.request?.url, 'https://logx.optimizely.com/v1/events');
      assert.ok(Array.isArray(output.checks) && output.checks.length > 0);
      for (const check of output.checks) {
        assert.equal(typeof check.id, 'string');
        assert.ok(['fail', 'warn', 'info', 'pass'].includes(check.severity), check.severity);
        assert.equal(typeof check.title, 'string');
        assert.equal(typeof check.detail, 'string');
        assert.equal(typeof check.fix, 'string');
      }
      assert.equal(output.checks.find((check) => check.id === 'event.known-key')?.detail, 'Event id 21470030001.');
      assert.deepEqual(
        output.decisions.map((decision) => decision.experimentKey),
        ORDER_COMPLETED_EXPERIMENTS,
      );
      for (const decision of output.decisions) {
        assert.ok(decision.variationKey === null || typeof decision.variationKey === 'string');
        assert.ok(Array.isArray(decision.reasons) && decision.reasons.length > 0);
        assert.equal(typeof decision.impressionSent, 'boolean');
      }
    });

    it('with --explain on a rejected event: error, checks (fail first) and empty decisions; exit 1', () => {
      const run = runCli(['preview', '--event', eventFile('unknown-json', order({ event: 'Order Completed ' })), '--datafile', DATAFILE, '--explain', '--format', 'json']);
      assert.equal(run.status, 1, run.stderr);
      const output = JSON.parse(run.stdout) as ExplainJson;
      assert.equal(output.status, 'rejected');
      assert.equal(output.error?.message, 'Event with name Order Completed  is not defined');
      assert.equal(output.request, undefined);
      assert.equal(output.checks[0].id, 'event.unknown-key');
      assert.equal(output.checks[0].severity, 'fail');
      assert.match(output.checks[0].detail, /Nearest: "Order Completed" \(whitespace\)\.$/);
      assert.deepEqual(output.decisions, []);
    });

    it('without --explain: no checks or decisions', () => {
      const run = runCli(['preview', '--event', eventFile('plain-json', order()), '--datafile', DATAFILE, '--format', 'json']);
      assert.equal(run.status, 0, run.stderr);
      const output = JSON.parse(run.stdout) as Record<string, unknown>;
      assert.equal(output.status, 'would-send');
      assert.equal(output.checks, undefined);
      assert.equal(output.decisions, undefined);
    });
  });
});
