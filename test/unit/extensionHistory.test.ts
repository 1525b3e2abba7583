/**
 * The Emulator view's model (src/extension/views/historyTreeModel.ts) and the record actions (re-send,
 * NDJSON export, curl, Event API payload), against a real in-process emulator serving the sample datafile.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import type { HistoryRecord } from '../../src/emulator/history';
import { normalizeMessage } from '../../src/core/segment/normalize';
import { HistoryTreeModel, recordOutcome, recordLabel, type HistoryTreeInput } from '../../src/extension/views/historyTreeModel';
import { historyToNdjson, resendRecord, ResendError } from '../../src/extension/historyActions';
import { eventApiCurl, eventApiPayloadText, replayCurl } from '../../src/extension/curl';
import { tooltipOf } from '../../src/extension/views/treeNode';

const SAMPLE = path.join(__dirname, '..', '..', 'samples', 'shop.datafile.json');

function trackEvent(event: string, properties: Record<string, unknown> = {}, messageId = `msg-${event}`): Record<string, unknown> {
  return { type: 'track', event, userId: 'user-123', messageId, timestamp: '2026-01-08T13:52:50.212Z', properties, context: { traits: { plan: 'pro' } } };
}

function input(emulator: RunningEmulator, overrides: Partial<HistoryTreeInput> = {}): HistoryTreeInput {
  const history = emulator.service.history;
  return { state: 'running', url: emulator.url, live: false, eventApiTarget: emulator.service.eventApiTarget, records: history.list(), ...overrides };
}

const pinnedTime = { formatTime: (iso: string) => iso.slice(11, 19) };

describe('extension emulator view and record actions', function () {
  this.timeout(20_000);
  let emulator: RunningEmulator;
  let sent: HistoryRecord;
  let rejected: HistoryRecord;

  before(async () => {
    emulator = await startEmulator({ port: 0, datafile: SAMPLE });
    const body = { payload: trackEvent('Order Completed', { revenue: 4999 }) };
    sent = (await emulator.service.trackEvent(body, JSON.stringify(body))).record;
    const bad = { payload: trackEvent('Order Completed', { revenue: 19.99 }, 'msg-bad') };
    rejected = (await emulator.service.trackEvent(bad, JSON.stringify(bad))).record;
  });

  after(async () => {
    await emulator.close();
  });

  it('is empty while the emulator is stopped (the welcome content shows)', () => {
    const model = new HistoryTreeModel({ state: 'stopped', live: false, records: [] });
    assert.deepEqual(model.roots(), []);
  });

  it('shows state, URL and live-send mode first, then received events newest first (not what the local sinks got)', () => {
    assert.ok(emulator.service.history.list().some((r) => r.route === 'eventApi'), 'the local Event API sink recorded the batch');
    const roots = new HistoryTreeModel(input(emulator), pinnedTime).roots();
    assert.deepEqual(roots.slice(0, 2).map((r) => [r.label, r.description]), [
      ['Running', emulator.url],
      ['Live send: off', `${emulator.url}/v1/events`],
    ]);
    assert.deepEqual(roots.slice(2).map((r) => r.id), [`record:${rejected.id}`, `record:${sent.id}`]);
    assert.equal(roots[2].label, 'Order Completed');
    assert.match(roots[2].description ?? '', /^user-123 · \d\d:\d\d:\d\d$/);
  });

  it('marks live send with a warning and names the real Event API', () => {
    const roots = new HistoryTreeModel(input(emulator, { live: true, eventApiTarget: 'https://logx.optimizely.com/v1/events' })).roots();
    assert.equal(roots[1].label, 'Live send: ON');
    assert.deepEqual(roots[1].icon, { id: 'warning', color: 'warning' });
    assert.match(tooltipOf(roots[1]) ?? '', /logx\.optimizely\.com/);
  });

  it('gives sent and rejected records their outcome icons and actions', () => {
    const model = new HistoryTreeModel(input(emulator));
    const [, , rejectedNode, sentNode] = model.roots();
    assert.equal(sent.status, 'sent');
    assert.equal(rejected.status, 'rejected');
    assert.ok(['pass', 'circle-slash'].includes(sentNode.icon?.id ?? ''), `sent icon ${sentNode.icon?.id}`);
    assert.deepEqual(rejectedNode.icon, { id: 'error', color: 'error' });
    assert.match(sentNode.contextValue ?? '', /\bresend\b.*\beventApi\b/);
    assert.doesNotMatch(rejectedNode.contextValue ?? '', /\beventApi\b/);
  });

  it('expands a record to its mapping outcome: error, Event API request, HTTP exchanges', () => {
    const model = new HistoryTreeModel(input(emulator));
    const [, , rejectedNode, sentNode] = model.roots();
    const [rejectedOutcome] = rejectedNode.children();
    assert.equal(rejectedOutcome.label, 'Track Event');
    assert.match(rejectedOutcome.description ?? '', /^rejected — /);
    assert.equal(rejectedOutcome.children()[0].icon?.id, 'error');
    const [sentOutcome] = sentNode.children();
    const labels = sentOutcome.children().map((c) => c.label);
    assert.ok(labels.includes('Event API request'), labels.join(', '));
    assert.ok(labels.includes('HTTP exchanges'));
    const exchanges = sentOutcome.children().find((c) => c.label === 'HTTP exchanges')!.children();
    assert.deepEqual(exchanges.map((e) => e.label.split(' ')[0]), ['GET', 'POST']);
  });

  it('shows checks when a record carries them, and "would not count" when one fails', () => {
    const record: HistoryRecord = {
      ...sent,
      id: 'synthetic',
      checks: [
        { id: 'event.no-running-experiment', severity: 'fail', title: 'No running experiment uses "Newsletter Signed Up"', detail: 'events[4] has no experimentIds', fix: 'Add the event as a metric', docs: 'https://docs.example/metrics' },
        { id: 'revenue.ok', severity: 'pass', title: 'Revenue is integer cents', detail: '4999', fix: '' },
      ],
      outcomes: sent.outcomes.map(({ ...outcome }) => ({ ...outcome, checks: undefined })),
    };
    assert.equal(recordOutcome(record), 'would-not-count');
    const node = new HistoryTreeModel({ ...input(emulator), records: [record] }).recordNode(record);
    assert.deepEqual(node.icon, { id: 'circle-slash', color: 'warning' });
    const checks = node.children().filter((c) => c.id.includes('/check:'));
    assert.deepEqual(checks.map((c) => [c.label, c.icon?.id]), [
      ['No running experiment uses "Newsletter Signed Up"', 'error'],
      ['Revenue is integer cents', 'pass'],
    ]);
    assert.match(checks[0].contextValue ?? '', /\bdocs\b/);
    assert.equal(checks[0].entity?.url, 'https://docs.example/metrics');
    assert.match(tooltipOf(checks[0]) ?? '', /Fix: Add the event as a metric/);
  });

  it('shows records without checks (diagnostics not wired) as plain sent / rejected', () => {
    const plain = { ...sent, checks: undefined, outcomes: sent.outcomes.map((o) => ({ ...o, checks: undefined })) };
    assert.equal(recordOutcome(plain), 'sent');
    assert.equal(recordOutcome({ ...plain, status: 'failed' }), 'failed');
    assert.equal(recordOutcome({ ...plain, status: 'received' }), 'pending');
  });

  it('pages: lists what it is given and offers the older records', () => {
    const records = Array.from({ length: 250 }, (_, i) => ({ ...sent, id: `r${i}` }));
    const roots = new HistoryTreeModel({ ...input(emulator), records, shown: 200 }).roots();
    assert.equal(roots.filter((r) => r.id.startsWith('record:')).length, 200);
    const more = roots[roots.length - 1];
    assert.equal(more.label, '50 older records…');
    assert.equal(more.command?.id, 'segmentOptimizely.showMoreHistory');
  });

  it('labels records by event, message type or entry point', () => {
    assert.equal(recordLabel({ event: 'Order Completed', route: 'trackEvent' }), 'Order Completed');
    assert.equal(recordLabel({ type: 'identify', route: 'tracking' }), '(identify)');
    assert.equal(recordLabel({ route: 'eventApi' }), 'Event API batch');
  });

  it('copies the Event API body exactly as sent, and as curl', () => {
    const body = eventApiPayloadText(sent);
    const request = sent.outcomes[0].eventApiRequest!;
    assert.equal(body, request.body);
    assert.equal(eventApiPayloadText(rejected), undefined);
    const curl = eventApiCurl(sent.outcomes[0])!;
    assert.ok(curl.startsWith(`curl -sS -X POST ${request.url}`));
    assert.match(curl, /-H 'content-type: application\/json'/);
    assert.ok(curl.includes(`--data-raw '${request.body}'`), 'the body is quoted verbatim (it has no single quotes)');
  });

  it('re-sends a /trackEvent record through the service and gets a new record', async () => {
    const again = await resendRecord(emulator.service, sent);
    assert.notEqual(again.id, sent.id);
    assert.equal(again.route, 'trackEvent');
    assert.equal(again.status, 'sent');
    assert.deepEqual((again.message as Record<string, unknown>).properties, { revenue: 4999 });
  });

  it('re-sends a tracking-API message through ingest (normalised again) and copies it as curl with the write key', async () => {
    const raw = JSON.stringify(trackEvent('Product Added', {}, 'msg-tracking'));
    const [record] = emulator.service.ingest([{ message: normalizeMessage(JSON.parse(raw) as Record<string, unknown>, { type: 'track', receivedAt: new Date() }), rawBody: raw }]);
    await emulator.service.idle();
    const again = await resendRecord(emulator.service, record);
    await emulator.service.idle();
    assert.equal(again.route, 'tracking');
    assert.notEqual(again.id, record.id);
    assert.equal(emulator.service.history.get(again.id)?.status, 'sent');
    const curl = replayCurl(record, emulator.url, 'wk_123')!;
    assert.ok(curl.startsWith(`curl -sS -X POST ${emulator.url}/v1/track`));
    assert.match(curl, new RegExp(`authorization: Basic ${Buffer.from('wk_123:').toString('base64')}`));
  });

  it('refuses to re-send records of other entry points', async () => {
    const record = { ...sent, route: 'eventApi' as const };
    await assert.rejects(resendRecord(emulator.service, record), ResendError);
    assert.equal(replayCurl(record, emulator.url), undefined);
  });

  it('exports the history as NDJSON, oldest first, one record per line', () => {
    const records = emulator.service.history.list();
    const text = historyToNdjson(records);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, records.length);
    assert.equal((JSON.parse(lines[0]) as HistoryRecord).id, sent.id);
    assert.ok(text.endsWith('\n'));
    assert.equal(historyToNdjson([]), '');
  });
});
