/**
 * Crash safety of `serve --data-dir`: a process killed with SIGKILL while messages are in flight, whose
 * history file also ends in a torn half-line, restarts with its history intact — every message it had
 * acknowledged and every complete line is reloaded, the torn line is skipped with a warning on stderr —
 * and works.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { waitForExit } from '../helpers/process';
import type { HistoryRecord } from '../../src/emulator/history';
import { assertNoStackTrace, postJson, REPO_ROOT, send } from '../emulator/helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const DATAFILE = 'test/fixtures/datafiles/segment-actions-mock-datafile.json';
const ACKED_BATCHES = 20;
const IN_FLIGHT_BATCHES = 30;
const BATCH_SIZE = 10;

interface Serve {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

function startServe(dataDir: string): Promise<Serve> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--datafile', DATAFILE], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not print its address within 15 s; stderr: ${stderr}`));
    }, 15_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (${code ?? signal}); stderr: ${stderr}`));
    });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (!match) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line ${JSON.stringify(line)}; stderr: ${stderr}`));
        return;
      }
      lines.on('line', () => undefined); // keep draining stdout
      resolve({ child, url: match[1], stderr: () => stderr });
    });
  });
}

function batchOf(prefix: string, index: number): { batch: Record<string, unknown>[] } {
  return {
    batch: Array.from({ length: BATCH_SIZE }, (_, i) => ({
      type: 'track',
      event: 'Product List Clicked',
      userId: `crash-user-${i}`,
      messageId: `${prefix}-${index}-${i}`,
      properties: { revenue: 100 + i },
      context: { traits: { test: 'test' } },
    })),
  };
}

async function allRecords(url: string): Promise<HistoryRecord[]> {
  const records: HistoryRecord[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const answer = await send(`${url}/api/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(answer.status, 200, answer.text);
    const body = answer.json as { events: HistoryRecord[]; nextCursor: string | null };
    records.push(...body.events);
    cursor = body.nextCursor;
    if (cursor === null) return records;
  }
  assert.fail('paging did not end');
}

const messageIdOf = (record: HistoryRecord) => (record.message as { messageId?: string } | undefined)?.messageId;

describe('serve --data-dir: crash and restart', function () {
  this.timeout(60_000);
  let tmp: string;
  const children: ChildProcess[] = [];

  before(() => {
    if (!fs.existsSync(CLI)) execFileSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, stdio: 'pipe' });
    assert.ok(fs.existsSync(CLI), 'node esbuild.js must produce dist/cli.js');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seg-opt-crash-'));
  });

  after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('SIGKILL mid-traffic plus a torn last line: acknowledged messages and complete lines are reloaded, the torn line is skipped with a warning', async () => {
    const dataDir = path.join(tmp, 'data');
    const first = await startServe(dataDir);
    children.push(first.child);

    // Acknowledged before the kill: sent one batch after the other, each answered 200.
    const acknowledged = new Set<string>();
    for (let index = 0; index < ACKED_BATCHES; index++) {
      const body = batchOf('acked', index);
      const answer = await postJson(`${first.url}/v1/batch`, body);
      assert.equal(answer.status, 200, answer.text);
      for (const item of body.batch) acknowledged.add(item.messageId as string);
    }

    // In flight at the kill: many batches at once; the process dies after the first of them is answered.
    let firstInFlightAnswer!: () => void;
    const someAnswered = new Promise<void>((resolve) => (firstInFlightAnswer = resolve));
    const inFlight = Array.from({ length: IN_FLIGHT_BATCHES }, (_, index) => {
      const body = batchOf('flight', index);
      return fetch(`${first.url}/v1/batch`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }).then(
        async (response) => {
          await response.text();
          if (response.status === 200) {
            for (const item of body.batch) acknowledged.add(item.messageId as string);
          }
          firstInFlightAnswer();
        },
        () => undefined, // cut off by the kill
      );
    });
    await Promise.race([someAnswered, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    first.child.kill('SIGKILL');
    const exit = await waitForExit(first.child, 10_000);
    assert.equal(exit.signal, 'SIGKILL');
    await Promise.all(inFlight);
    assert.ok(acknowledged.size >= ACKED_BATCHES * BATCH_SIZE);
    assert.ok(acknowledged.size < (ACKED_BATCHES + IN_FLIGHT_BATCHES) * BATCH_SIZE, 'the kill came while messages were in flight');

    // What the killed process left behind, plus a torn half-line as if it had died mid-write.
    const file = path.join(dataDir, 'history.jsonl');
    const leftBehind = fs.readFileSync(file, 'utf8');
    const completeIds = new Set<string>();
    const lines = leftBehind.split('\n');
    for (const line of lines.slice(0, -1)) completeIds.add((JSON.parse(line) as HistoryRecord).id);
    const lastLine = lines[lines.length - 1];
    const template = JSON.parse(lines[0]) as HistoryRecord;
    const torn = JSON.stringify({ ...template, id: 'torn-line-record', seq: 999_999 });
    fs.appendFileSync(file, (lastLine === '' ? '' : '\n') + torn.slice(0, Math.floor(torn.length / 2)));

    const second = await startServe(dataDir);
    children.push(second.child);
    assert.match(second.stderr(), /history\.jsonl.*(cut off|torn|incomplete)/i, `stderr: ${second.stderr()}`);
    assertNoStackTrace(second.stderr());

    const reloaded = await allRecords(second.url);
    const reloadedIds = new Set(reloaded.map((record) => record.id));
    const reloadedMessageIds = new Set(reloaded.map(messageIdOf));
    assert.ok(!reloadedIds.has('torn-line-record'));
    const missingLines = [...completeIds].filter((id) => !reloadedIds.has(id));
    assert.deepEqual(missingLines, [], 'every complete line of the file is reloaded');
    const missingAcked = [...acknowledged].filter((messageId) => !reloadedMessageIds.has(messageId));
    assert.deepEqual(missingAcked, [], `every acknowledged message is reloaded (${acknowledged.size} acknowledged)`);
    assert.equal(new Set(reloaded.filter((record) => record.route === 'tracking').map(messageIdOf)).size, reloaded.filter((record) => record.route === 'tracking').length, 'no message twice');

    // The restarted server works: a new message is recorded with its final outcome, after the reloaded ones.
    const answer = await postJson(`${second.url}/v1/track`, { userId: 'after-crash', event: 'Product List Clicked', messageId: 'after-crash-1', properties: { revenue: 1 } });
    assert.equal(answer.status, 200, answer.text);
    let fresh: HistoryRecord | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      const page = await send(`${second.url}/api/events?route=tracking&visitor=after-crash`);
      fresh = (page.json as { events: HistoryRecord[] }).events[0];
      if (fresh && fresh.status !== 'received') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(fresh?.status, 'sent');
    assert.ok(fresh.seq > Math.max(...reloaded.map((record) => record.seq)));

    second.child.kill('SIGTERM');
    const secondExit = await waitForExit(second.child, 10_000);
    assert.equal(secondExit.code, 0, `stderr: ${second.stderr()}`);

    // After a clean stop the file is whole again: every line parses, nothing torn remains.
    const final = fs.readFileSync(file, 'utf8');
    assert.ok(final.endsWith('\n'));
    for (const line of final.trimEnd().split('\n')) JSON.parse(line);
    assert.ok(!final.includes('torn-line-record'));
  });
});
