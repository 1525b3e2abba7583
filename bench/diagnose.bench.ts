/**
 * Diagnosing one event on the largest fixture datafile (swift-sdk__optimizely_6372300739_v4.json, whose
 * "testEventWithMultipleExperiments" is a metric of ~50 experiments): `Diagnoser.diagnoseResult` on a
 * result from `runTrackEvent` (send: false, scripted in-memory transport), decision engine warmed up.
 * Median and p99 over a fixed number of runs, each as a ratio to the core mapping alone (mapTrackEvent +
 * buildEventBatch + serializeEventBatch) timed in the same run, interleaved so a busy machine slows both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildEventBatch, effectiveMapping, getEventId, mapTrackEvent, runTrackEvent, serializeEventBatch } from '../src/core/destination';
import { validateMapping } from '../src/core/segment/mapping';
import { Diagnoser } from '../src/core/diagnose/diagnoser';
import type { HttpTransport } from '../src/core/http/types';
import { percentile, report } from './measure';

const DATAFILE_PATH = join(__dirname, '..', 'test', 'fixtures', 'datafiles', 'swift-sdk__optimizely_6372300739_v4.json');
const DATAFILE_URL = 'https://cdn.bench.test/datafiles/swift.json';
const EVENT_KEY = 'testEventWithMultipleExperiments';

export async function benchDiagnose(runs = 400, warmup = 50, baselineBatch = 50): Promise<{ median: number; p99: number; ratio: number; p99Ratio: number }> {
  const text = readFileSync(DATAFILE_PATH, 'utf8');
  const datafile = JSON.parse(text) as Record<string, unknown> & { events: { key: string; experimentIds: string[] }[] };
  const experimentCount = datafile.events.find((event) => event.key === EVENT_KEY)?.experimentIds.length ?? 0;
  // The CDN, in memory: every GET of the datafile URL answers the fixture as application/json.
  const transport: HttpTransport = async (request) => {
    if (request.url !== DATAFILE_URL) throw new Error(`unexpected ${request.method} ${request.url}`);
    return { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, body: text };
  };
  const settings = { accountId: String(datafile.accountId), dataFileUrl: DATAFILE_URL };
  const event = {
    type: 'track',
    event: EVENT_KEY,
    userId: 'bench-visitor-42',
    anonymousId: 'bench-anon-42',
    messageId: 'bench-msg-0001',
    timestamp: '2024-01-08T13:52:50.212Z',
    properties: { revenue: 4999, currency: 'USD', order_id: 'o-1', products: [{ sku: 'a', price: 10 }] },
    context: { traits: { browser_type: 'firefox', plan: 'pro', email: 'a@example.com' } },
  };

  const result = await runTrackEvent({ event, settings }, { transport, send: false });
  if (result.status !== 'previewed') throw new Error(`the bench event was not previewed: ${result.error?.name}: ${result.error?.message}`);

  const mapping = effectiveMapping();
  validateMapping(mapping);
  const eventText = JSON.stringify(event);
  const coreOnce = () => {
    const { payload } = mapTrackEvent(JSON.parse(eventText) as Record<string, unknown>, mapping, { validated: true });
    serializeEventBatch(buildEventBatch(datafile, getEventId(datafile, payload.eventKey), payload));
  };

  const diagnoser = new Diagnoser(transport);
  try {
    const now = Date.parse('2024-01-08T14:00:00.000Z');
    // Warm-up: the first call builds the index and the decision engine (two SDK instances); JIT both paths.
    for (let i = 0; i < warmup; i++) {
      const diagnosis = await diagnoser.diagnoseResult(event, settings, result, { now });
      if (i === 0 && diagnosis.decisions.length < experimentCount) throw new Error(`expected ${experimentCount} decisions, got ${diagnosis.decisions.length}`);
      for (let j = 0; j < baselineBatch; j++) coreOnce();
    }

    const diagnoseMs: number[] = [];
    const coreMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      await diagnoser.diagnoseResult(event, settings, result, { now });
      diagnoseMs.push(performance.now() - t0);
      // The core is a few microseconds: time a batch and take the mean per event.
      const t1 = performance.now();
      for (let j = 0; j < baselineBatch; j++) coreOnce();
      coreMs.push((performance.now() - t1) / baselineBatch);
    }
    diagnoseMs.sort((a, b) => a - b);
    coreMs.sort((a, b) => a - b);
    const median = percentile(diagnoseMs, 50);
    const p99 = percentile(diagnoseMs, 99);
    const coreMedian = percentile(coreMs, 50);
    const coreP99 = percentile(coreMs, 99);
    const ratio = median / coreMedian;
    const p99Ratio = p99 / coreP99;
    report(
      `diagnose per event: median ${(median * 1000).toFixed(0)} µs, p99 ${(p99 * 1000).toFixed(0)} µs (${experimentCount} experiments, ${runs} runs)   core mapping median ${(coreMedian * 1000).toFixed(2)} µs, p99 ${(coreP99 * 1000).toFixed(2)} µs   ratio ${ratio.toFixed(0)}× median, ${p99Ratio.toFixed(0)}× p99`,
    );
    return { median, p99, ratio, p99Ratio };
  } finally {
    diagnoser.close();
  }
}

// `npx tsx bench/diagnose.bench.ts` runs it alone.
if (require.main === module) {
  benchDiagnose().catch((error: Error) => {
    process.stderr.write(`benchmark failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
