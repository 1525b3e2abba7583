/** `serve`: runs the emulator until interrupted, printing where it listens and a ready-to-paste curl. */
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/server';
import { isLoopbackHost, parsePort, parseUrlOption, UsageError } from './args';
import { readJsonFile } from './jsonFile';
import type { DestinationConfig } from '../core/config/destinationConfig';

export const SERVE_USAGE = `serve [--port N] [--host H] [--datafile PATH|URL] [--config FILE] [--write-key KEY] [--data-dir DIR]
        [--history-limit N] [--event-api-url URL] [--gdpr-api-url URL] [--live] [--account-id ID] [--cache-datafile]`;

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
      config: { type: 'string' },
      'write-key': { type: 'string' },
      'data-dir': { type: 'string' },
      'history-limit': { type: 'string' },
    },
    strict: true,
  });
  const host = values.host ?? '127.0.0.1';
  const config = (values.config ? readJsonFile(values.config, 'config') : {}) as DestinationConfig;
  if (values['write-key'] !== undefined) {
    if (values['write-key'] === '') throw new UsageError('--write-key must not be empty.');
    if (config && typeof config === 'object') config.writeKey = values['write-key'];
  }
  const historyLimit = values['history-limit'] === undefined ? undefined : Number(values['history-limit']);
  if (historyLimit !== undefined && (!Number.isInteger(historyLimit) || historyLimit < 1)) {
    throw new UsageError(`--history-limit must be a whole number of at least 1, got ${JSON.stringify(values['history-limit'])}.`);
  }
  const emulator = await startEmulator({
    config,
    configSource: values.config,
    dataDir: values['data-dir'] ?? '.segment-optimizely',
    historyLimit,
    accessToken: process.env.OPTIMIZELY_ACCESS_TOKEN || undefined,
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
  out(`console: ${emulator.url}/ (open in a browser)`);
  out(`tracking api: ${emulator.url}/v1/batch (point analytics-node's host here)${emulator.service.config.writeKey ? ', write key required' : ''}`);
  out(`history: ${emulator.service.history.size} records loaded, GET ${emulator.url}/api/events`);
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
