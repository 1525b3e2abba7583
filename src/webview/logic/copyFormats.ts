/**
 * What the console's copy buttons produce: the Event API request as a curl command, and the whole
 * exchange (input → expected request or Segment's error) as a test fixture.
 */
import type { ConsoleInput, ErrorInfo, EventApiRequest } from '../protocol';

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'x-api-key', 'proxy-authorization']);
export const REDACTED = '<redacted>';

/** Header values that carry credentials are shown and copied as `<redacted>`. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value]));
}

/** POSIX shell single-quoting: safe for any text, including quotes and newlines. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The request as a curl command that posts exactly the same body bytes. */
export function toCurl(request: Pick<EventApiRequest, 'method' | 'url' | 'headers' | 'body'>): string {
  const lines = [`curl -X ${request.method} ${shellQuote(request.url)}`];
  for (const [name, value] of Object.entries(redactHeaders(request.headers))) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  lines.push(`  --data-raw ${shellQuote(request.body)}`);
  return lines.join(' \\\n');
}

export interface FixtureResult {
  status: string;
  request?: EventApiRequest;
  error?: ErrorInfo;
}

export interface Fixture {
  description: string;
  input: ConsoleInput;
  expected: { status: string; request?: { method: string; url: string; headers: Record<string, string>; body: string }; error?: Pick<ErrorInfo, 'name' | 'message'> & Partial<ErrorInfo> };
}

/** Settings without secrets: a fixture is meant to be committed. */
function fixtureSettings(settings: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!settings) return undefined;
  const copy = { ...settings };
  if ('accessToken' in copy) copy.accessToken = REDACTED;
  return copy;
}

export function toFixture(input: ConsoleInput, result: FixtureResult): Fixture {
  const event = typeof input.payload === 'object' && input.payload !== null ? (input.payload as Record<string, unknown>).event : undefined;
  const name = typeof event === 'string' ? event : 'event';
  const settings = fixtureSettings(input.settings);
  const fixtureInput: ConsoleInput = { payload: input.payload };
  if (settings && Object.keys(settings).length > 0) fixtureInput.settings = settings;
  if (input.mapping && Object.keys(input.mapping).length > 0) fixtureInput.mapping = input.mapping;
  const expected: Fixture['expected'] = { status: result.status };
  if (result.request) {
    const { method, url, headers, body } = result.request;
    expected.request = { method, url, headers: redactHeaders(headers), body };
  }
  if (result.error) {
    const { name: errorName, message, code, status, fields } = result.error;
    expected.error = { name: errorName, message, ...(code ? { code } : {}), ...(status ? { status } : {}), ...(fields ? { fields } : {}) };
  }
  const verdict = result.error ? `Segment rejects "${name}": ${result.error.message}` : `"${name}" → Event API body`;
  return { description: verdict, input: fixtureInput, expected };
}

export function fixtureText(input: ConsoleInput, result: FixtureResult): string {
  return `${JSON.stringify(toFixture(input, result), null, 2)}\n`;
}
