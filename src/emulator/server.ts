/**
 * Starting and stopping the emulator. Binds 127.0.0.1 unless told otherwise; `port: 0` picks a free port.
 * Used by the CLI (`serve`), the tests and the VS Code extension alike.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { createEmulatorApp } from './app';
import { EmulatorService } from './service';
import { datafileNameFor, type ServedDatafile } from './routes/datafiles';
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
  /** Default `accountId` setting (else the local datafile's accountId). */
  accountId?: string;
  cacheDatafile?: boolean;
  historyLimit?: number;
  transport?: HttpTransport;
  log?: (message: string) => void;
}

export interface RunningEmulator {
  url: string;
  host: string;
  port: number;
  service: EmulatorService;
  /** The URL of the served datafile, when a local file was given. */
  datafileUrl?: string;
  close(): Promise<void>;
}

export function isUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const served: ServedDatafile[] = [];
  let accountId = options.accountId;
  if (options.datafile && !isUrl(options.datafile)) {
    const path = resolvePath(options.datafile);
    served.push({ name: datafileNameFor(path), path });
    accountId ??= readAccountId(path);
  }
  const service = new EmulatorService({
    defaultSettings: {},
    live: options.live ?? false,
    cacheDatafile: options.cacheDatafile,
    historyLimit: options.historyLimit,
    transport: options.transport,
  });
  const app = createEmulatorApp(service, { datafiles: served, log });
  const server = await listen(app, options.port ?? 8787, host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const datafileUrl = served.length > 0 ? `${url}/datafiles/${served[0].name}.json` : options.datafile;
  service.config.defaultSettings = {
    accountId: accountId ?? '0',
    ...(datafileUrl ? { dataFileUrl: datafileUrl } : {}),
  };
  service.config.eventApiUrl = options.eventApiUrl ?? `${url}/v1/events`;
  service.config.gdprApiUrl = options.gdprApiUrl ?? `${url}/v2/subject-access-requests`;
  return {
    url,
    host,
    port,
    service,
    datafileUrl: served.length > 0 ? datafileUrl : undefined,
    close: () => close(server),
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

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
