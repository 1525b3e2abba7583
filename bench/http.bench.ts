/**
 * `/trackEvent` requests per second (datafile served locally, body posted to the local sink) as a ratio
 * to a bare Express JSON echo route on the same machine, in the same run. Bounded: a fixed request count.
 */
import { join } from 'node:path';
import { startEmulator } from '../src/emulator/server';
import { percentile, report } from './measure';
import { closeAgent, postJson, startEcho } from './httpClient';

/** Sends `total` requests with `concurrency` in flight; returns requests/s and latency percentiles. */
export async function load(url: URL, body: string, total: number, concurrency: number): Promise<{ rps: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      next++;
      const t0 = performance.now();
      const status = await postJson(url, body);
      if (status !== 200) throw new Error(`unexpected status ${status} from ${url}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function benchTrackEventRoute(total = 2_000): Promise<{ ratio: number }> {
  const emulator = await startEmulator({ port: 0, datafile: join(__dirname, '..', 'samples', 'shop.datafile.json'), historyLimit: 1_000 });
  const echo = await startEcho();
  try {
    const body = JSON.stringify({
      payload: { type: 'track', event: 'Order Completed', userId: 'u1', messageId: 'm1', timestamp: '2024-01-08T13:52:50.212Z', properties: { revenue: 4999 }, context: { traits: { plan: 'pro' } } },
    });
    await load(new URL(echo.url), body, 200, 8); // warm up both
    await load(new URL(`${emulator.url}/trackEvent`), body, 200, 8);
    const baseline = await load(new URL(echo.url), body, total, 8);
    const subject = await load(new URL(`${emulator.url}/trackEvent`), body, total, 8);
    report(
      `/trackEvent:        ${subject.rps.toFixed(0)} req/s (p50 ${subject.p50.toFixed(2)} ms, p99 ${subject.p99.toFixed(2)} ms)   echo ${baseline.rps.toFixed(0)} req/s   ratio ${(subject.rps / baseline.rps).toFixed(2)} of echo throughput`,
    );
    return { ratio: subject.rps / baseline.rps };
  } finally {
    await emulator.close();
    await echo.close();
    closeAgent();
  }
}
