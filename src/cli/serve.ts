/** `serve`: runs the emulator until interrupted, printing where it listens and a ready-to-paste curl. */
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/server';
import { isLoopbackHost, parsePort, parseUrlOption } from './args';

export const SERVE_USAGE = `serve [--port N] [--host H] [--datafile PATH|URL] [--event-api-url URL] [--gdpr-api-url URL] [--live] [--account-id ID] [--cache-datafile]`;

export async function serveCommand(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<() => Promise<void>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      datafile: { type: 'string' },
      'event-api-url': { type: 'string' },
      'gdpr-api-url': { type: 'string' },
      live: { type: 'boolean', default: false },
      'account-id': { type: 'string' },
      'cache-datafile': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const host = values.host ?? '127.0.0.1';
  const emulator = await startEmulator({
    host,
    port: parsePort(values.port, 8787),
    datafile: values.datafile,
    eventApiUrl: parseUrlOption('event-api-url', values['event-api-url']),
    gdprApiUrl: parseUrlOption('gdpr-api-url', values['gdpr-api-url']),
    live: values.live,
    accountId: values['account-id'],
    cacheDatafile: values['cache-datafile'],
    log: err,
  });
  out(`listening on ${emulator.url}`);
  if (!isLoopbackHost(host)) err(`warning: listening on ${host}, reachable from other machines. Use --host 127.0.0.1 to keep it local.`);
  const settings = emulator.service.config.defaultSettings;
  out(`datafile: ${settings.dataFileUrl ?? '(none: pass settings.dataFileUrl in each request, or start with --datafile)'}`);
  out(`event api: ${emulator.service.eventApiTarget}${values.live ? '  (LIVE: events go to Optimizely)' : ''}`);
  const example = {
    payload: {
      type: 'track',
      event: 'Order Completed',
      userId: 'user-123',
      messageId: 'msg-0001',
      timestamp: new Date().toISOString(),
      properties: { revenue: 4999, currency: 'USD' },
      context: { traits: { plan: 'pro' } },
    },
  };
  out('try it:');
  out(`curl -s ${emulator.url}/trackEvent -H 'content-type: application/json' -d '${JSON.stringify(example)}'`);
  return () => emulator.close();
}
