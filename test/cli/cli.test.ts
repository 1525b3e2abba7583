/**
 * The built command line (`dist/cli.js`), run as a real child process: `serve` listens and answers until
 * killed; `preview` prints the Event API request (or the error) and exits 0 / 1 / 2.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { waitForExit } from '../helpers/process';
import { asExchanges, assertNoStackTrace, MAIN_EXAMPLE_BODY, mainExampleEvent, postJson, REPO_ROOT } from '../emulator/helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const DATAFILE = 'test/fixtures/datafiles/segment-actions-mock-datafile.json';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 15_000 });
  assert.equal(result.error, undefined, String(result.error));
  assertNoStackTrace(result.stdout);
  assertNoStackTrace(result.stderr);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI (dist/cli.js)', () => {
  let tmp: string;

  before(function () {
    this.timeout(60_000);
    execFileSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, stdio: 'pipe' });
    assert.ok(fs.existsSync(CLI), 'node esbuild.js must produce dist/cli.js');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seg-opt-cli-'));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('serve', () => {
    let child: ChildProcess | undefined;
    let stderr = '';

    afterEach(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
      child = undefined;
    });

    it('prints "listening on http://127.0.0.1:<port>" first, answers /trackEvent, and exits when killed', async () => {
      child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--datafile', DATAFILE], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr += chunk;
      });
      const lines = createInterface({ input: child.stdout! });
      const firstLine = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no stdout line within 10 s; stderr: ${stderr}`)), 10_000);
        lines.once('line', (line) => {
          clearTimeout(timer);
          resolve(line);
        });
        child!.once('exit', (code) => reject(new Error(`serve exited early with ${code}; stderr: ${stderr}`)));
      });
      const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(firstLine);
      assert.ok(match, `first line was ${JSON.stringify(firstLine)}`);
      const port = Number(match[1]);
      assert.ok(port > 0 && port < 65536);
      const url = `http://127.0.0.1:${port}`;

      // The datafile given on the command line is the default: no settings needed.
      const exchanges = asExchanges(await postJson(`${url}/trackEvent`, { payload: mainExampleEvent() }));
      assert.equal(exchanges.length, 2);
      assert.equal(exchanges[0].request.url, `${url}/datafiles/segment-actions-mock-datafile.json`);
      assert.equal(exchanges[1].request.url, `${url}/v1/events`);
      assert.equal(exchanges[1].request.body, MAIN_EXAMPLE_BODY);
      assert.equal(exchanges[1].response?.statusCode, 204);

      lines.close();
      child.kill('SIGTERM');
      const exit = await waitForExit(child, 10_000);
      assert.equal(exit.code, 0, `serve should shut down cleanly on SIGTERM (signal ${exit.signal}); stderr: ${stderr}`);
      await assert.rejects(fetch(`${url}/manifest`), 'the port must be closed after exit');
      assertNoStackTrace(stderr);
    });

    it('an invalid --port exits 2 with a usage message', () => {
      const run = runCli(['serve', '--port', '70000']);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: --port must be a whole number from 0 to 65535, got "70000"\./);
    });
  });

  describe('preview', () => {
    function writeTmp(name: string, content: string): string {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, content);
      return file;
    }

    it('prints the exact Event API request as JSON and exits 0', () => {
      const eventFile = writeTmp('event.json', JSON.stringify(mainExampleEvent()));
      const run = runCli(['preview', '--event', eventFile, '--datafile', DATAFILE]);
      assert.equal(run.status, 0, run.stderr);
      const output = JSON.parse(run.stdout) as {
        status: string;
        request: { url: string; method: string; headers: Record<string, string>; body: string; json: unknown };
        payload: Record<string, unknown>;
        error?: unknown;
      };
      assert.equal(output.status, 'would-send');
      assert.equal(output.request.url, 'https://logx.optimizely.com/v1/events');
      assert.equal(output.request.method, 'POST');
      assert.deepEqual(output.request.headers, { 'user-agent': 'Segment (Actions)', 'content-type': 'application/json' });
      assert.equal(output.request.body, MAIN_EXAMPLE_BODY);
      assert.deepEqual(output.request.json, JSON.parse(MAIN_EXAMPLE_BODY));
      assert.equal(output.payload.eventKey, 'Product List Clicked');
      assert.equal(output.error, undefined);
    });

    it('accepts a tester body ({payload, mapping}) as the event file', () => {
      const eventFile = writeTmp('tester-body.json', JSON.stringify({ payload: mainExampleEvent(), mapping: { eventKey: 'Test' } }));
      const run = runCli(['preview', '--event', eventFile, '--datafile', DATAFILE]);
      assert.equal(run.status, 0, run.stderr);
      const output = JSON.parse(run.stdout) as { request: { body: string } };
      assert.equal(output.request.body, MAIN_EXAMPLE_BODY.replace('"entity_id":"22020998834"', '"entity_id":"21235440822"').replace('"key":"Product List Clicked"', '"key":"Test"'));
    });

    it('an unknown event key exits 1 with the error as JSON', () => {
      const eventFile = writeTmp('unknown.json', JSON.stringify({ ...mainExampleEvent(), event: 'Error Test Event' }));
      const run = runCli(['preview', '--event', eventFile, '--datafile', DATAFILE]);
      assert.equal(run.status, 1, run.stderr);
      const output = JSON.parse(run.stdout) as { status: string; request?: unknown; error: Record<string, unknown> };
      assert.equal(output.status, 'rejected');
      assert.equal(output.request, undefined);
      assert.deepEqual(output.error, {
        name: 'PayloadValidationError',
        message: 'Event with name Error Test Event is not defined',
        code: 'PAYLOAD_VALIDATION_FAILED',
        status: 400,
      });
    });

    it('a missing --event exits 2 with a clear message', () => {
      const run = runCli(['preview', '--datafile', DATAFILE]);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^error: preview needs --event FILE/);
      assert.match(run.stderr, /Usage: preview --event FILE --datafile PATH\|URL/);
    });

    it('a malformed event file exits 2 naming the file', () => {
      const eventFile = writeTmp('broken.json', '{"event": "Product List Clicked",');
      const run = runCli(['preview', '--event', eventFile, '--datafile', DATAFILE]);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.ok(run.stderr.startsWith(`error: The event file ${eventFile} is not valid JSON:`), run.stderr);
    });

    it('a missing event file exits 2 naming the file', () => {
      const eventFile = path.join(tmp, 'does-not-exist.json');
      const run = runCli(['preview', '--event', eventFile, '--datafile', DATAFILE]);
      assert.equal(run.status, 2);
      assert.ok(run.stderr.startsWith(`error: Cannot read the event file ${eventFile}: ENOENT.`), run.stderr);
    });
  });
});
