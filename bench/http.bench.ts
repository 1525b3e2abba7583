/**
 * `/trackEvent` requests per second (datafile served locally, body posted to the local sink) as a ratio
 * to a bare Express JSON echo route on the same machine, in the same run. Bounded: a fixed request count.
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startEmulator } from '../src/emulator/server';
import { percentile, report } from './measure';

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function post(url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Sends `total` requests with `concurrency` in flight; returns requests/s and latency percentiles. */
export async function load(url: URL, body: string, total: number, concurrency: number): Promise<{ rps: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      next++;
      const t0 = performance.now();
      const status = await post(url, body);
      if (status !== 200) throw new Error(`unexpected status ${status} from ${url}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function startEcho(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/echo', (req, res) => {
    res.json(req.body);
  });
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/echo`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
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
    agent.destroy();
  }
}
