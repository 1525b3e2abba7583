/**
 * The extension's settings as one typed object, their checks, and how they become the emulator's start
 * options. Pure (no `vscode` import): the extension passes a getter over `workspace.getConfiguration`.
 * The personal access token is never a setting; it comes from SecretStorage.
 */
import type { DestinationConfig, MappingConfig } from '../core/config/destinationConfig';
import type { EmulatorOptions } from '../emulator/server';

export const SECTION = 'segmentOptimizely';

/** Setting keys (relative to `segmentOptimizely.`). */
export const KEYS = {
  datafileUrl: 'datafile.url',
  datafilePath: 'datafile.path',
  datafileRefreshInterval: 'datafile.refreshInterval',
  accountId: 'accountId',
  host: 'emulator.host',
  port: 'emulator.port',
  writeKey: 'writeKey',
  mappings: 'mappings',
  liveSend: 'liveSend',
  eventApiUrl: 'eventApiUrl',
  historyLimit: 'historyLimit',
} as const;

export type SettingName = keyof typeof KEYS;

export interface ExtensionSettings {
  datafileUrl: string;
  datafilePath: string;
  /** Seconds; 0 turns the periodic refresh of a URL datafile off. */
  datafileRefreshInterval: number;
  accountId: string;
  host: string;
  port: number;
  writeKey: string;
  mappings: MappingConfig[];
  liveSend: boolean;
  eventApiUrl: string;
  historyLimit: number;
}

export const DEFAULTS: ExtensionSettings = {
  datafileUrl: '',
  datafilePath: '',
  datafileRefreshInterval: 300,
  accountId: '',
  host: '127.0.0.1',
  port: 8787,
  writeKey: '',
  mappings: [],
  liveSend: false,
  eventApiUrl: '',
  historyLimit: 5_000,
};

/** Reads a value; returns the fallback when the setting is unset. */
export type SettingGetter = <T>(key: string, fallback: T) => T;

/** Settings whose change needs the emulator restarted (the others apply to the running one). */
export const RESTART_SETTINGS: readonly SettingName[] = ['host', 'port', 'accountId', 'writeKey', 'mappings', 'historyLimit'];
/** Settings that change where the datafile comes from. */
export const DATAFILE_SETTINGS: readonly SettingName[] = ['datafileUrl', 'datafilePath', 'datafileRefreshInterval'];
/** Applied to the running emulator in place. */
export const LIVE_SETTINGS: readonly SettingName[] = ['liveSend', 'eventApiUrl'];

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value.trim() : fallback;
}

function integer(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

export function readSettings(get: SettingGetter): ExtensionSettings {
  const mappings = get<unknown>(KEYS.mappings, DEFAULTS.mappings);
  return {
    datafileUrl: text(get(KEYS.datafileUrl, DEFAULTS.datafileUrl), ''),
    datafilePath: text(get(KEYS.datafilePath, DEFAULTS.datafilePath), ''),
    datafileRefreshInterval: integer(get(KEYS.datafileRefreshInterval, DEFAULTS.datafileRefreshInterval), DEFAULTS.datafileRefreshInterval, 0, 86_400),
    accountId: text(get(KEYS.accountId, DEFAULTS.accountId), ''),
    host: text(get(KEYS.host, DEFAULTS.host), DEFAULTS.host) || DEFAULTS.host,
    port: integer(get(KEYS.port, DEFAULTS.port), DEFAULTS.port, 0, 65_535),
    writeKey: text(get(KEYS.writeKey, DEFAULTS.writeKey), ''),
    mappings: Array.isArray(mappings) ? (mappings as MappingConfig[]) : [],
    liveSend: get(KEYS.liveSend, DEFAULTS.liveSend) === true,
    eventApiUrl: text(get(KEYS.eventApiUrl, DEFAULTS.eventApiUrl), ''),
    historyLimit: integer(get(KEYS.historyLimit, DEFAULTS.historyLimit), DEFAULTS.historyLimit, 1, 100_000),
  };
}

export interface SettingProblem {
  setting: SettingName;
  message: string;
}

function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL.`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : `${JSON.stringify(value)} must start with http:// or https://.`;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Problems that stop the emulator from starting (or loading the datafile); each names the setting to fix. */
export function settingProblems(settings: ExtensionSettings): SettingProblem[] {
  const problems: SettingProblem[] = [];
  if (settings.datafileUrl) {
    const problem = httpUrlProblem(settings.datafileUrl);
    if (problem) problems.push({ setting: 'datafileUrl', message: `The datafile URL ${problem}` });
  }
  if (settings.eventApiUrl) {
    const problem = httpUrlProblem(settings.eventApiUrl);
    if (problem) problems.push({ setting: 'eventApiUrl', message: `The Event API URL ${problem}` });
  }
  if (settings.accountId && !/^\d+$/.test(settings.accountId)) {
    problems.push({ setting: 'accountId', message: `The account id must be digits (Optimizely's account id), got ${JSON.stringify(settings.accountId)}.` });
  }
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(settings.host)) {
    problems.push({ setting: 'host', message: `The emulator host must be an IP address or host name, got ${JSON.stringify(settings.host)}.` });
  }
  return problems;
}

/** True when the emulator would be reachable from other machines. */
export function isExposedHost(host: string): boolean {
  return !LOOPBACK.has(host.toLowerCase());
}

/** The destination configuration the settings describe (validated by the emulator when it starts). */
export function destinationConfig(settings: ExtensionSettings): DestinationConfig {
  return {
    ...(settings.accountId ? { settings: { accountId: settings.accountId } } : {}),
    ...(settings.writeKey ? { writeKey: settings.writeKey } : {}),
    ...(settings.mappings.length > 0 ? { mappings: settings.mappings } : {}),
  };
}

export interface StartInputs {
  /** A datafile path or URL the emulator serves / points at. */
  datafile?: string;
  accessToken?: string;
  dataDir?: string;
  /** Replaces the port setting (e.g. 0 after "use a free port"). */
  port?: number;
  log?: (message: string) => void;
}

/** The options for `startEmulator`. */
export function emulatorOptions(settings: ExtensionSettings, inputs: StartInputs): EmulatorOptions {
  return {
    host: settings.host,
    port: inputs.port ?? settings.port,
    ...(inputs.datafile ? { datafile: inputs.datafile } : {}),
    ...(settings.eventApiUrl ? { eventApiUrl: settings.eventApiUrl } : {}),
    live: settings.liveSend,
    ...(settings.accountId ? { accountId: settings.accountId } : {}),
    ...(inputs.accessToken ? { accessToken: inputs.accessToken } : {}),
    config: destinationConfig(settings),
    configSource: 'the segmentOptimizely settings',
    ...(inputs.dataDir ? { dataDir: inputs.dataDir } : {}),
    historyLimit: settings.historyLimit,
    ...(inputs.log ? { log: inputs.log } : {}),
  };
}

/** Which settings differ between two snapshots. */
export function changedSettings(before: ExtensionSettings, after: ExtensionSettings): SettingName[] {
  return (Object.keys(KEYS) as SettingName[]).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}

/** The error a port-in-use start failure produces (server.ts words it). */
export function isPortInUse(error: unknown): boolean {
  const err = error as { code?: unknown; message?: unknown } | undefined;
  return err?.code === 'EADDRINUSE' || (typeof err?.message === 'string' && /already in use/i.test(err.message));
}

/**
 * Resolves `datafile.path` against the workspace: `${workspaceFolder}` is replaced, a relative path is
 * taken from the first workspace folder. Undefined when relative and there is no folder.
 */
export function resolveDatafilePath(value: string, workspaceFolder: string | undefined, join: (...parts: string[]) => string, isAbsolute: (p: string) => boolean): string | undefined {
  const substituted = workspaceFolder ? value.replace(/\$\{workspaceFolder\}/g, workspaceFolder) : value;
  if (substituted.includes('${workspaceFolder}')) return undefined;
  if (isAbsolute(substituted)) return substituted;
  return workspaceFolder ? join(workspaceFolder, substituted) : undefined;
}
