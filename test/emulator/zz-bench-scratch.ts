import { Analytics } from '@segment/analytics-node';
import * as http from 'node:http';
import { startEmulator } from '/work/main/src/emulator/server';
import { startDatafileServer } from '/work/main/test/emulator/helpers';

async function main() {
  let count = 0;
  const sink = http.createServer((req, res) => { req.resume(); req.on('end', () => { count++; res.writeHead(204); res.end(); }); });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const port = (sink.address() as { port: number }).port;
  const cdn = await startDatafileServer(); const emulator = await startEmulator({ port: 0, config: { settings: { accountId: '18269245474', dataFileUrl: cdn.url + '/datafile.json' } }, historyLimit: 30000, eventApiUrl: `http://127.0.0.1:${port}/v1/events`, cacheDatafile: process.env.CACHE === '1' });
  const t0 = Date.now();
  const analytics = new Analytics({ writeKey: 'wk-bench-0001', host: emulator.url, flushAt: 100, maxRetries: 0 });
  const N = Number(process.env.N ?? 10000);
  for (let i = 0; i < N; i++) analytics.track({ userId: `u${i % 50}`, event: 'Product List Clicked', properties: { revenue: i, i } });
  await analytics.closeAndFlush({ timeout: 60000 });
  const t1 = Date.now();
  await emulator.service.idle();
  const t2 = Date.now();
  console.log({ N, ingestMs: t1 - t0, idleMs: t2 - t1, count, size: emulator.service.history.size, mem: process.memoryUsage().heapUsed / 1e6 });
  const statuses: Record<string, number> = {};
  for (const r of emulator.service.history.list()) statuses[`${r.route}:${r.status}`] = (statuses[`${r.route}:${r.status}`] ?? 0) + 1;
  console.log(statuses);
  await emulator.close();
  sink.close(); await cdn.close();
}
main();
