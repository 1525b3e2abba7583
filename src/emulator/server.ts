/**
 * Starting and stopping the emulator. Binds 127.0.0.1 unless told otherwise; `port: 0` picks a free port.
 * Used by the CLI (`serve`), the tests and the VS Code extension alike.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { createEmulatorApp } from './app';
import { EmulatorService, type RetryPolicy } from './service';
import { HistoryFile } from './historyFile';
import { datafileNameFor, type ServedDatafile } from './routes/datafiles';
import { prepareConfig, type DestinationConfig } from '../core/config/destinationConfig';
import type { HttpTransport } from '../core/http/types';

export interface EmulatorOptions {
  host?: string;
  port?: number;
  /** A datafile path (served at /datafiles/<name>.json) or URL; becomes the default `dataFileUrl`. */
  datafile?: string;
  /** Replaces Optimizely's Event API URL (default: this emulator's own sink). */
  eventApiUrl?: string;
  /** Replaces Optimizely's GDPR API URL (default: this emulator's own sink). */
  gdprApiUrl?: string;
  /** Send to Optimizely's real endpoints. */
  live?: boolean;
  retry?: RetryPolicy;
  /** Default `accountId` setting (else the local datafile's accountId). */
  accountId?: string;
  /** The personal access token (from SecretStorage or the environment; never from settings files). */
  accessToken?: string;
  /** The destination configuration (settings, write key, mappings); validated before anything starts. */
  config?: DestinationConfig;
  /** Where it came from, for error messages. */
  configSource?: string;
  /** Directory of `history.jsonl`; no persistence when undefined. */
  dataDir?: string;
  historyLimit?: number;
  cacheDatafile?: boolean;
  transport?: HttpTransport;
  log?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface RunningEmulator {
  url: string;
  host: string;
  port: number;
  service: EmulatorService;
  /** The URL of the served datafile, when a local file was given. */
  datafileUrl?: string;
  /** Stops accepting requests, lets queued messages finish, flushes the history file. */
  close(): Promise<void>;
}

export function isUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  // Refuse a bad configuration before anything binds or is written.
  const { config, mappings } = prepareConfig(options.config ?? {}, options.configSource);
  const served: ServedDatafile[] = [];
  let accountId = options.accountId ?? config.settings?.accountId;
  if (options.datafile && !isUrl(options.datafile)) {
    const path = resolvePath(options.datafile);
    served.push({ name: datafileNameFor(path), path });
    accountId ??= readAccountId(path);
  }
  const service = new EmulatorService({
    defaultSettings: {},
    live: options.live ?? false,
    retry: options.retry,
    cacheDatafile: options.cacheDatafile,
    historyLimit: options.historyLimit,
    historyFile: options.dataDir ? HistoryFile.inDirectory(resolvePath(options.dataDir)) : undefined,
    mappings,
    writeKey: config.writeKey,
    transport: options.transport,
    log,
    sleep: options.sleep,
  });
  let boundPort = 0;
  const app = createEmulatorApp(service, { datafiles: served, log, identity: { host, port: () => boundPort } });
  let server: Server;
  try {
    server = await listen(app, options.port ?? 8787, host);
  } catch (error) {
    await service.close();
    throw error;
  }
  boundPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  const datafileUrl = served.length > 0 ? `${url}/datafiles/${served[0].name}.json` : options.datafile;
  const dataFileSetting = config.settings?.dataFileUrl ?? datafileUrl;
  const accessToken = options.accessToken ?? config.settings?.accessToken;
  service.config.defaultSettings = {
    accountId: accountId ?? '0',
    ...(dataFileSetting ? { dataFileUrl: dataFileSetting } : {}),
    ...(accessToken ? { accessToken } : {}),
  };
  service.config.eventApiUrl = options.eventApiUrl ?? `${url}/v1/events`;
  service.config.gdprApiUrl = options.gdprApiUrl ?? `${url}/v2/subject-access-requests`;
  return {
    url,
    host,
    port: boundPort,
    service,
    datafileUrl: served.length > 0 ? datafileUrl : undefined,
    close: async () => {
      await closeServer(server);
      await service.close();
    },
  };
}

function readAccountId(path: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { accountId?: unknown };
    return typeof parsed.accountId === 'string' ? parsed.accountId : undefined;
  } catch {
    return undefined; // the datafile route will report the problem when the file is requested
  }
}

function listen(app: ReturnType<typeof createEmulatorApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Port ${port} on ${host} is already in use. Stop the other process or pick another port (--port 0 picks a free one).`));
      } else if (error.code === 'EACCES') {
        reject(new Error(`Not allowed to listen on ${host}:${port}. Use a port above 1024.`));
      } else {
        reject(error);
      }
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Streams (SSE) never end by themselves; give in-flight requests a moment, then cut the rest.
    setTimeout(() => server.closeAllConnections(), 500).unref();
  });
}
