/**
 * Tracking-API ingestion: events per second through `/v1/batch` (normalised, mapped, Event API body
 * posted to the emulator's own sink) as a ratio to a bare Express JSON echo receiving the same batches,
 * p50/p99 latency of delivery, and resident memory after many events with a bounded history ring.
 */
import { join } from 'node:path';
import { startEmulator } from '../src/emulator/server';
import { closeAgent, postJson, startEcho } from './httpClient';
import { percentile, report } from './measure';

function batchBody(start: number, size: number): string {
  const batch = Array.from({ length: size }, (_, i) => ({
    type: 'track',
    event: 'Order Completed',
    userId: `user-${(start + i) % 997}`,
    messageId: `bench-${start + i}`,
    originalTimestamp: '2024-01-08T13:52:50.212Z',
    properties: { revenue: 4999, currency: 'USD', order_id: `o-${start + i}` },
    context: { traits: { plan: 'pro', country: 'US' } },
  }));
  return JSON.stringify({ batch, sentAt: new Date().toISOString() });
}

async function sendBatches(url: URL, events: number, batchSize: number, inFlight = 4): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < events) {
      const start = next;
      next += batchSize;
      const status = await postJson(url, batchBody(start, Math.min(batchSize, events - start)));
      if (status !== 200) throw new Error(`unexpected status ${status} from ${url}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

export async function benchIngestion(options: { events?: number; memoryEvents?: number } = {}): Promise<void> {
  const events = options.events ?? Number(process.env.BENCH_INGEST_EVENTS ?? 3_000);
  const memoryEvents = options.memoryEvents ?? Number(process.env.BENCH_MEMORY_EVENTS ?? 100_000);
  const ringSize = 5_000;
  const datafile = join(__dirname, '..', 'samples', 'shop.datafile.json');
  const echo = await startEcho();
  const emulator = await startEmulator({ port: 0, datafile, historyLimit: ringSize });
  try {
    // Baseline: the same batches into a bare JSON echo route.
    const echoStart = performance.now();
    await sendBatches(new URL(echo.url), events, 100);
    const echoRate = events / ((performance.now() - echoStart) / 1000);

    // Latency: from the batch's arrival to the event's delivery being recorded (queueing included).
    const latencies: number[] = [];
    let delivered = 0;
    const unsubscribe = emulator.service.history.onChange((record, change) => {
      if (change !== 'updated' || record?.route !== 'tracking') return;
      if (record.status === 'sent') delivered++;
      latencies.push(Date.parse(record.completedAt ?? '') - Date.parse(record.receivedAt));
    });
    const start = performance.now();
    await sendBatches(new URL(`${emulator.url}/v1/batch`), events, 100);
    await emulator.service.idle();
    const rate = events / ((performance.now() - start) / 1000);
    unsubscribe();
    latencies.sort((a, b) => a - b);
    report(
      `ingestion /v1/batch: ${rate.toFixed(0)} events/s delivered to the sink   echo ${echoRate.toFixed(0)} events/s   ratio ${(rate / echoRate).toFixed(3)} of echo   receipt→delivered p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms (${delivered}/${events} sent)`,
    );

    // Memory: keep sending until memoryEvents have been received, then compare RSS with the start.
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const memoryStart = performance.now();
    await sendBatches(new URL(`${emulator.url}/v1/batch`), memoryEvents, 250);
    await emulator.service.idle();
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;
    report(
      `memory: ${memoryEvents} more events in ${((performance.now() - memoryStart) / 1000).toFixed(1)} s; history holds ${emulator.service.history.size} (ring ${ringSize}); RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB → ${(rssAfter / 2 ** 20).toFixed(0)} MiB (ratio ${(rssAfter / rssBefore).toFixed(2)})`,
    );
  } finally {
    await emulator.close();
    await echo.close();
    closeAgent();
  }
}
