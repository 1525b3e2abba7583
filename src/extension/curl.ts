/**
 * Copyable forms of what the emulator recorded: the Event API body exactly as sent, a `curl` command that
 * repeats that request, and a `curl` command that re-sends a history record to the emulator. Pure: no
 * `vscode` import. Secrets are already redacted in records; they stay `<redacted>` here.
 */
import type { HistoryRecord, MappingOutcome } from '../emulator/history';

export interface HttpRequestLike {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** Headers curl sets itself (or that would be wrong when copied). */
const SKIPPED_HEADERS = new Set(['content-length', 'host', 'connection', 'accept-encoding', 'transfer-encoding']);

/** Quotes one shell word for POSIX shells: `it's` → `'it'\''s'`. */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A `curl` command line that sends this request; multi-line with `\` continuations. */
export function toCurl(request: HttpRequestLike): string {
  const parts: string[] = [`curl -sS -X ${request.method.toUpperCase()} ${shellQuote(request.url)}`];
  for (const [name, value] of Object.entries(request.headers)) {
    if (SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (request.body !== undefined && request.body !== '') parts.push(`--data-raw ${shellQuote(request.body)}`);
  return parts.join(' \\\n  ');
}

/** The first outcome of the record that carries an Event API request (what was, or would be, posted). */
export function eventApiRequestOf(target: HistoryRecord | MappingOutcome): MappingOutcome['eventApiRequest'] {
  if ('outcomes' in target) return target.outcomes.find((outcome) => outcome.eventApiRequest)?.eventApiRequest;
  return target.eventApiRequest;
}

/** The Event API body exactly as sent (byte-exact text), or undefined when no request was built. */
export function eventApiPayloadText(target: HistoryRecord | MappingOutcome): string | undefined {
  return eventApiRequestOf(target)?.body;
}

/** `curl` that repeats the Event API request; undefined when the event never got that far. */
export function eventApiCurl(target: HistoryRecord | MappingOutcome): string | undefined {
  const request = eventApiRequestOf(target);
  return request ? toCurl(request) : undefined;
}

/** The emulator path a record came in on, when it can be re-sent that way. */
export function replayPath(record: Pick<HistoryRecord, 'route' | 'type'>): string | undefined {
  if (record.route === 'trackEvent') return '/trackEvent';
  if (record.route === 'tracking') return `/v1/${record.type && /^[a-z]+$/.test(record.type) ? record.type : 'track'}`;
  return undefined;
}

/**
 * `curl` that sends the record's original body to the emulator again (same route). The tracking API needs
 * the write key when one is configured: pass it to add HTTP Basic credentials as Segment's libraries do.
 */
export function replayCurl(record: HistoryRecord, emulatorUrl: string, writeKey?: string): string | undefined {
  const path = replayPath(record);
  if (!path) return undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (writeKey && record.route === 'tracking') headers.authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  return toCurl({ url: `${emulatorUrl.replace(/\/$/, '')}${path}`, method: 'POST', headers, body: record.rawBody });
}
