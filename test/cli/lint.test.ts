/**
 * `node dist/cli.js lint` as CI runs it: a real child process over a temporary tree (JavaScript, TypeScript, Python
 * and Go files with good and misspelled keys, a root and a nested .gitignore, node_modules and dist directories)
 * checked against samples/shop.datafile.json. Exact text lines, JSON, SARIF validated against the SARIF 2.1.0 schema
 * (the subset our output uses, transcribed from the OASIS schema: test/fixtures/sarif), and exit codes 0 / 1 / 2.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { assertNoStackTrace, REPO_ROOT } from '../emulator/helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const DATAFILE = path.join(REPO_ROOT, 'samples', 'shop.datafile.json');
const SARIF_SCHEMA = path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'sarif-2.1.0-subset.schema.json');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously (a synchronous spawn would block the local HTTP server the URL tests use). */
function runLint(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'lint', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      assertNoStackTrace(stdout);
      assertNoStackTrace(stderr);
      resolve({ status, stdout, stderr });
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/cli.js when it is missing or older than a source file. */
function ensureBuilt(): void {
  const built = fs.existsSync(CLI) ? fs.statSync(CLI).mtimeMs : 0;
  if (built >= Math.max(newestMtime(path.join(REPO_ROOT, 'src')), fs.statSync(path.join(REPO_ROOT, 'package.json')).mtimeMs)) return;
  execFileSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, stdio: 'pipe' });
  assert.ok(fs.existsSync(CLI), 'node esbuild.js must produce dist/cli.js');
}

function write(root: string, file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

/** The tree every test lints (cwd = its root). */
function makeTree(root: string): void {
  write(root, '.gitignore', 'generated/\n*.gen.ts\n');
  write(root, 'web/checkout.js', [
    "import { analytics } from './analytics';",
    "analytics.track('Order Completed', { revenue: 4999 });",
    "  analytics.track('Ordr Completed');",
    'analytics.track(`Checkout ${step}`);',
    "const label = \"analytics.track('Not A Call')\"; // analytics.track('Nor This')",
    '',
  ].join('\n'));
  write(root, 'web/cart.ts', [
    'export function addToCart(sku: string): void {',
    "  window.analytics.track('product added', { sku });",
    "  user.trackEvent('Newsletter Signed Up');",
    "  optimizelyClient.track('Product Added', userId);",
    '}',
    '',
  ].join('\n'));
  write(root, 'web/order page.js', "analytics.track(\"Chekout Started\");\n");
  write(root, 'web/nested/.gitignore', 'legacy.js\n');
  write(root, 'web/nested/legacy.js', "analytics.track('Legacy Event');\n");
  write(root, 'web/nested/ok.ts', "analytics.track('Product Viewed');\n");
  write(root, 'web/types.gen.ts', "analytics.track('Generated Event');\n");
  write(root, 'api/events.py', [
    'import analytics',
    '',
    'def completed(user_id):',
    "    analytics.track(user_id, 'Checkout Started')",
    "    analytics.track(user_id=user_id, event='Checkout Startd')",
    '',
  ].join('\n'));
  write(root, 'svc/main.go', [
    'package main',
    '',
    'func main() {',
    '\tclient.Enqueue(analytics.Track{Event: "Product Viewed", UserId: "u1"})',
    '\tclient.Enqueue(analytics.Track{Event: "Product Veiwed", UserId: "u1"})',
    '}',
    '',
  ].join('\n'));
  write(root, 'generated/client.js', "analytics.track('Ignored By Gitignore');\n");
  write(root, 'node_modules/sdk/index.js', "analytics.track('In Node Modules');\n");
  write(root, 'dist/bundle.js', "analytics.track('In Dist');\n");
  write(root, 'out/bundle.js', "analytics.track('In Out');\n");
  write(root, 'README.md', "Call `analytics.track('Not Source')`.\n");
  write(root, 'clean/app.ts', "analytics.track('Order Completed');\nanalytics.track('Product Added');\n");
}

const DF = 'samples/shop.datafile.json';
const SUMMARY_TAIL = `against ${DATAFILE}, revision 87`;

const EXPECTED_LINES = [
  'api/events.py:5:44: warning unknown-event-key: Event key "Checkout Startd" is not in the datafile. Did you mean "Checkout Started"?',
  'svc/main.go:5:40: warning unknown-event-key: Event key "Product Veiwed" is not in the datafile. Did you mean "Product Viewed"?',
  'web/cart.ts:2:26: warning unknown-event-key: Event key "product added" is not in the datafile. Did you mean "Product Added"?',
  'web/cart.ts:3:19: info event-not-in-running-experiment: Event key "Newsletter Signed Up" is in the datafile but no running experiment uses it.',
  'web/checkout.js:3:19: warning unknown-event-key: Event key "Ordr Completed" is not in the datafile. Did you mean "Order Completed"?',
  'web/order page.js:1:17: warning unknown-event-key: Event key "Chekout Started" is not in the datafile. Did you mean "Checkout Started"?',
];

describe('CLI lint (dist/cli.js lint)', function () {
  this.timeout(60_000);
  let tmp: string;
  let tree: string;

  before(function () {
    this.timeout(120_000);
    ensureBuilt();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seg-opt-lint-'));
    tree = path.join(tmp, 'project');
    makeTree(tree);
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('text', () => {
    it('prints file:line:col lines for every finding and a summary, and exits 1 on an unknown key', async () => {
      const run = await runLint(['--datafile', DATAFILE], tree);
      assert.equal(run.stderr, '');
      assert.deepEqual(run.stdout.split('\n'), [
        ...EXPECTED_LINES,
        `5 unknown event keys in 5 files; 1 key no running experiment uses (7 files scanned, 13 event keys checked ${SUMMARY_TAIL}, 1 interpolated key not checkable).`,
        '',
      ]);
      assert.equal(run.status, 1);
    });

    it('skips .gitignore\'d files (root and nested), node_modules, dist, out and unsupported files', async () => {
      const run = await runLint(['--datafile', DATAFILE], tree);
      for (const hidden of ['Ignored By Gitignore', 'Legacy Event', 'Generated Event', 'In Node Modules', 'In Dist', 'In Out', 'Not Source', 'Not A Call', 'Nor This']) {
        assert.ok(!run.stdout.includes(hidden), `${hidden} must not be reported:\n${run.stdout}`);
      }
    });

    it('exits 0 with a clean summary when every key is known', async () => {
      const run = await runLint(['clean', '--datafile', DATAFILE], tree);
      assert.equal(run.status, 0);
      assert.equal(run.stdout, `No unknown event keys (1 file scanned, 2 event keys checked ${SUMMARY_TAIL}).\n`);
    });

    it('exits 0 when only keys no running experiment uses are found (information only)', async () => {
      write(tree, 'info-only/news.ts', "analytics.track('Newsletter Signed Up');\n");
      const run = await runLint(['info-only', '--datafile', DATAFILE], tree);
      assert.equal(run.status, 0);
      assert.deepEqual(run.stdout.split('\n'), [
        'info-only/news.ts:1:17: info event-not-in-running-experiment: Event key "Newsletter Signed Up" is in the datafile but no running experiment uses it.',
        `No unknown event keys; 1 key no running experiment uses (1 file scanned, 1 event key checked ${SUMMARY_TAIL}).`,
        '',
      ]);
      fs.rmSync(path.join(tree, 'info-only'), { recursive: true });
    });

    it('prints paths relative to the current directory, and names a datafile as it was given', async () => {
      const run = await runLint(['project/svc', '--datafile', path.relative(tmp, DATAFILE)], tmp);
      assert.equal(run.status, 1);
      assert.match(run.stdout, /^project\/svc\/main\.go:5:40: warning unknown-event-key: /);
      assert.ok(run.stdout.includes(`against ${path.relative(tmp, DATAFILE)}, revision 87`));
    });

    it('lints a file named on the command line even when .gitignore excludes it', async () => {
      const run = await runLint(['web/nested/legacy.js', 'svc', '--datafile', DATAFILE], tree);
      assert.equal(run.status, 1);
      assert.deepEqual(run.stdout.split('\n').slice(0, 2), [
        'svc/main.go:5:40: warning unknown-event-key: Event key "Product Veiwed" is not in the datafile. Did you mean "Product Viewed"?',
        'web/nested/legacy.js:1:17: warning unknown-event-key: Event key "Legacy Event" is not in the datafile (5 events known).',
      ]);
    });

    it('--include and --exclude filter with .gitignore-style globs', async () => {
      const pythonOnly = await runLint(['--datafile', DATAFILE, '--include', '*.py'], tree);
      assert.equal(pythonOnly.status, 1);
      assert.deepEqual(pythonOnly.stdout.trim().split('\n').slice(0, -1), [EXPECTED_LINES[0]]);
      assert.match(pythonOnly.stdout, /\(1 file scanned, 2 event keys checked/);

      const noWeb = await runLint(['--datafile', DATAFILE, '--exclude', 'web/', '--exclude', 'svc/**'], tree);
      assert.deepEqual(noWeb.stdout.trim().split('\n').slice(0, -1), [EXPECTED_LINES[0]]);

      const cleanOnly = await runLint(['--datafile', DATAFILE, '--include', 'clean/**', '--include', 'web/cart.ts', '--exclude', 'web/'], tree);
      assert.equal(cleanOnly.status, 0);
      assert.match(cleanOnly.stdout, /^No unknown event keys \(1 file scanned, 2 event keys checked/);
    });

    it('honours a .gitignore above the linted directory up to the repository root', async () => {
      const repo = path.join(tmp, 'repo');
      write(repo, '.git/HEAD', 'ref: refs/heads/main\n');
      write(repo, '.git/info/exclude', 'scratch/\n');
      write(repo, '.gitignore', 'vendor/\n');
      write(repo, 'app/vendor/lib.js', "analytics.track('Vendored');\n");
      write(repo, 'app/scratch/try.js', "analytics.track('Scratch');\n");
      write(repo, 'app/src/a.js', "analytics.track('Ordr Completed');\n");
      const run = await runLint(['--datafile', DATAFILE], path.join(repo, 'app'));
      assert.equal(run.status, 1);
      assert.deepEqual(run.stdout.trim().split('\n').slice(0, -1), [
        'src/a.js:1:17: warning unknown-event-key: Event key "Ordr Completed" is not in the datafile. Did you mean "Order Completed"?',
      ]);
    });
  });

  describe('json', () => {
    it('prints the findings as JSON on stdout (summary on stderr)', async () => {
      const run = await runLint(['--datafile', DATAFILE, '--format', 'json'], tree);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /^5 unknown event keys in 5 files; 1 key no running experiment uses \(7 files scanned/);
      const json = JSON.parse(run.stdout) as {
        datafile: unknown; filesScanned: number; keysChecked: number; dynamicKeys: number; unknownEventKeys: number; notInRunningExperiment: number;
        findings: { file: string; line: number; column: number; endLine: number; endColumn: number; code: string; severity: string; message: string; key: string; callee: string; kind: string; suggestions: string[]; keyRange: unknown }[];
      };
      assert.deepEqual(json.datafile, { location: DATAFILE, revision: '87', events: 5 });
      assert.equal(json.filesScanned, 7);
      assert.equal(json.keysChecked, 13);
      assert.equal(json.dynamicKeys, 1);
      assert.equal(json.unknownEventKeys, 5);
      assert.equal(json.notInRunningExperiment, 1);
      assert.deepEqual(json.findings.map((f) => `${f.file}:${f.line}:${f.column}`), EXPECTED_LINES.map((l) => l.split(': ')[0]));
      assert.deepEqual(json.findings[2], {
        file: 'web/cart.ts',
        line: 2,
        column: 26,
        endLine: 2,
        endColumn: 41,
        code: 'unknown-event-key',
        severity: 'warning',
        message: 'Event key "product added" is not in the datafile. Did you mean "Product Added"?',
        key: 'product added',
        callee: 'window.analytics.track',
        kind: 'segment',
        suggestions: ['Product Added'],
        keyRange: { line: 2, column: 27, endLine: 2, endColumn: 40 },
      });
      assert.equal(json.findings[3].severity, 'information');
      assert.equal(json.findings[3].kind, 'optimizely');
    });
  });

  describe('sarif', () => {
    let log: {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; defaultConfiguration: { level: string } }[] } };
        results: {
          ruleId: string; ruleIndex: number; level: string; message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[];
          fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string }; replacements: { deletedRegion: Record<string, number>; insertedContent: { text: string } }[] }[] }[];
          properties: { eventKey: string; suggestions: string[] };
        }[];
      }[];
    };
    let run: Run;

    before(async () => {
      run = await runLint(['--datafile', DATAFILE, '--format', 'sarif'], tree);
      log = JSON.parse(run.stdout) as typeof log;
    });

    it('validates against the SARIF 2.1.0 schema and exits 1', () => {
      assert.equal(run.status, 1);
      const ajv = new Ajv({ allErrors: true, strict: false });
      addFormats(ajv);
      const validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')) as object);
      assert.ok(validate(log), ajv.errorsText(validate.errors, { separator: '\n' }));
    });

    it('describes the tool and both rules', () => {
      assert.equal(log.version, '2.1.0');
      const driver = log.runs[0].tool.driver;
      assert.equal(driver.name, 'segment-optimizely-emulator');
      assert.deepEqual(driver.rules.map((r) => [r.id, r.defaultConfiguration.level]), [
        ['unknown-event-key', 'warning'],
        ['event-not-in-running-experiment', 'note'],
      ]);
    });

    it('has one result per finding with relative %SRCROOT% locations (percent-encoded) and 1-based regions', () => {
      const results = log.runs[0].results;
      assert.deepEqual(results.map((r) => [r.ruleId, r.ruleIndex, r.level, r.locations[0].physicalLocation.artifactLocation.uri]), [
        ['unknown-event-key', 0, 'warning', 'api/events.py'],
        ['unknown-event-key', 0, 'warning', 'svc/main.go'],
        ['unknown-event-key', 0, 'warning', 'web/cart.ts'],
        ['event-not-in-running-experiment', 1, 'note', 'web/cart.ts'],
        ['unknown-event-key', 0, 'warning', 'web/checkout.js'],
        ['unknown-event-key', 0, 'warning', 'web/order%20page.js'],
      ]);
      for (const r of results) assert.equal(r.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.deepEqual(results[4].locations[0].physicalLocation.region, { startLine: 3, startColumn: 19, endLine: 3, endColumn: 35 });
      assert.equal(results[4].message.text, 'Event key "Ordr Completed" is not in the datafile. Did you mean "Order Completed"?');
    });

    it('offers fixes that replace the key between the quotes', () => {
      const result = log.runs[0].results[4];
      assert.deepEqual(result.properties.suggestions, ['Order Completed']);
      assert.deepEqual(result.fixes, [{
        description: { text: 'Replace with "Order Completed"' },
        artifactChanges: [{
          artifactLocation: { uri: 'web/checkout.js', uriBaseId: '%SRCROOT%' },
          replacements: [{ deletedRegion: { startLine: 3, startColumn: 20, endLine: 3, endColumn: 34 }, insertedContent: { text: 'Order Completed' } }],
        }],
      }]);
      assert.equal(log.runs[0].results[3].fixes, undefined, 'no fix for a key that exists');
    });
  });

  describe('usage and datafile errors (exit 2)', () => {
    let server: http.Server;
    let base: string;

    before(async () => {
      const datafile = fs.readFileSync(DATAFILE, 'utf8');
      server = http.createServer((req, res) => {
        if (req.url === '/datafile.json') res.writeHead(200, { 'content-type': 'application/json' }).end(datafile);
        else if (req.url === '/plain.json') res.writeHead(200, { 'content-type': 'text/plain' }).end(datafile);
        else if (req.url === '/deactivated') res.writeHead(200, { 'content-type': 'text/plain' }).end('// This project has been deactivated.');
        else res.writeHead(404, { 'content-type': 'text/plain' }).end('no such datafile');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const cases: [string, string[], RegExp][] = [
      ['no --datafile', [], /^error: lint needs --datafile PATH\|URL: the Optimizely datafile .*Usage: lint \[PATH…\]/],
      ['a missing datafile', ['--datafile', 'nope.json'], /^error: Cannot read the datafile nope\.json: no such file\. Pass --datafile with the path of an Optimizely datafile \(JSON\) or its URL/],
      ['a datafile that is a directory', ['--datafile', 'web'], /^error: Cannot read the datafile web: it is a directory\./],
      ['a datafile that is not JSON', ['--datafile', 'README.md'], /^error: The datafile README\.md is not valid JSON \(.*\)\. Pass --datafile/],
      ['JSON that is not a datafile', ['--datafile', '.gitignore.json'], /^error: The datafile \.gitignore\.json is not an Optimizely datafile: it has no "events" list\./],
      ['an unknown format', ['--datafile', DF, '--format', 'xml'], /^error: --format must be text, json or sarif, got "xml"\./],
      ['an unknown option', ['--datafile', DF, '--fix'], /^error: Unknown option '--fix'/],
      ['a path that does not exist', ['missing-dir', '--datafile', DATAFILE], /^error: Cannot lint missing-dir: no such file or directory\./],
      ['an unsupported file', ['README.md', '--datafile', DATAFILE], /^error: Cannot lint README\.md: not a supported source file \(\.js .*\.rb\)\./],
    ];
    for (const [name, args, message] of cases) {
      it(`exits 2 for ${name}, with a message that says what to fix`, async () => {
        if (name === 'JSON that is not a datafile') write(tree, '.gitignore.json', '{"name": "not a datafile"}');
        const run = await runLint(args, tree);
        assert.equal(run.status, 2, run.stderr);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, message);
      });
    }

    it('exits 2 when the datafile URL answers 404', async () => {
      const run = await runLint(['--datafile', `${base}/missing.json`], tree);
      assert.equal(run.status, 2);
      assert.equal(run.stderr, `error: The datafile URL ${base}/missing.json answered HTTP 404 (Not Found). Check the SDK key and environment in the URL, or pass a downloaded copy with --datafile PATH.\n`);
    });

    it('exits 2 when nothing answers at the datafile URL', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const run = await runLint(['--datafile', `http://127.0.0.1:${port}/datafile.json`], tree);
      assert.equal(run.status, 2);
      assert.match(run.stderr, new RegExp(`^error: The datafile URL http://127\\.0\\.0\\.1:${port}/datafile\\.json could not be fetched: .*ECONNREFUSED.*\\. Check the URL and the network, or pass a downloaded copy with --datafile PATH\\.\\n$`));
    });

    it('exits 2 when the datafile URL does not answer JSON (a deactivated project)', async () => {
      const run = await runLint(['--datafile', `${base}/deactivated`], tree);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /did not answer JSON \(content-type text\/plain\); Segment would treat the project as deactivated\./);
    });

    it('lints against a datafile URL (and warns when it is not served as application/json)', async () => {
      const ok = await runLint(['clean', '--datafile', `${base}/datafile.json`], tree);
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(ok.stderr, '');
      assert.equal(ok.stdout, `No unknown event keys (1 file scanned, 2 event keys checked against ${base}/datafile.json, revision 87).\n`);

      const plain = await runLint(['web/checkout.js', '--datafile', `${base}/plain.json`], tree);
      assert.equal(plain.status, 1);
      assert.match(plain.stderr, /^warning: .*plain\.json answers with content-type text\/plain: Segment only parses application\/json/);
      assert.match(plain.stdout, /^web\/checkout\.js:3:19: warning unknown-event-key: /);
    });
  });
});
