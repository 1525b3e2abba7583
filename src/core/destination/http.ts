/**
 * The destination's request client: adds Segment's user agent, applies the 10 s timeout, turns non-2xx
 * answers into `HTTPError`, and records every exchange (secrets redacted) for the user to inspect.
 */
import { parse as legacyParseUrl } from 'node:url';
import { HTTPError } from './errors';
import { REQUEST_TIMEOUT_MS, USER_AGENT } from './definition';
import type { Exchange, HttpResponse, HttpTransport } from '../http/types';
import { redactHeaders, redactText } from '../http/redact';

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Serialised with JSON.stringify, as the request client's `json:` option. */
  json?: unknown;
  /** Sent as is, for callers that already hold the exact body text. */
  body?: string;
  /** Default true: a non-2xx answer throws `HTTPError` after it is recorded. */
  throwHttpErrors?: boolean;
}

/**
 * The secrets to redact for these settings: the access token as it is sent, i.e. after ajv's coercion
 * (numbers and booleans become strings, a one-item array its item); nothing for other shapes.
 */
export function settingsSecrets(settings: unknown): string[] {
  if (settings === null || typeof settings !== 'object') return [];
  const raw = (settings as { accessToken?: unknown }).accessToken;
  const token = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (typeof token === 'string') return [token];
  if (typeof token === 'number' || typeof token === 'boolean') return [String(token)];
  return [];
}

/**
 * The checks Segment's HTTP client (node-fetch 2) makes before it sends anything, with its exact
 * TypeErrors: the URL must parse, be absolute and http(s); header names and values must be legal.
 * Returns the URL as node-fetch normalises it (`new URL(url).toString()` for URLs with a scheme).
 */
export function checkFetchable(url: string, headers: Record<string, string>): string {
  let normalized = url;
  if (/^[a-zA-Z][a-zA-Z\d+\-.]*:/.exec(url)) normalized = new URL(url).toString(); // TypeError: Invalid URL
  for (const [name, value] of Object.entries(headers)) {
    if (/[^^_`a-zA-Z\-0-9!#$%&'*+.|~]/.test(name) || name === '') throw new TypeError(`${name} is not a legal HTTP header name`);
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) throw new TypeError(`${value} is not a legal HTTP header value`);
  }
  // node-fetch parses with the legacy parser, whose idea of a host differs from WHATWG's (mailto: has one).
  const parsed = legacyParseUrl(normalized);
  if (!parsed.protocol || !parsed.hostname) throw new TypeError('Only absolute URLs are supported');
  if (!/^https?:$/.test(parsed.protocol)) throw new TypeError('Only HTTP(S) protocols are supported');
  return normalized;
}

export class RecordingClient {
  readonly exchanges: Exchange[] = [];

  constructor(
    private readonly transport: HttpTransport,
    private readonly secrets: readonly (string | undefined)[] = [],
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {}

  async request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const method = (options.method ?? 'GET').toUpperCase();
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...lowerCaseKeys(options.headers ?? {}) };
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    // Refused before sending, as Segment's client does: no exchange is recorded. Unlike Segment, a
    // secret quoted in the message (an illegal Bearer value) is redacted.
    try {
      url = checkFetchable(url, headers);
    } catch (error) {
      const message = (error as Error).message;
      const redacted = redactText(message, this.secrets);
      if (redacted === message) throw error;
      throw Object.assign(new TypeError(redacted), { code: (error as { code?: unknown }).code });
    }
    const exchange: Exchange = {
      request: { url, method, headers: this.redact(headers), body: redactText(body ?? '', this.secrets) },
      durationMs: 0,
    };
    this.exchanges.push(exchange);
    const started = performance.now();
    let response: HttpResponse;
    try {
      response = await this.transport({ url, method, headers, body, timeoutMs: this.timeoutMs });
    } catch (error) {
      exchange.error = (error as Error).message;
      throw error;
    } finally {
      exchange.durationMs = Math.round(performance.now() - started);
    }
    exchange.response = {
      statusCode: response.status,
      statusMessage: response.statusText,
      headers: this.redact(response.headers),
      body: redactText(response.body, this.secrets),
    };
    return options.throwHttpErrors === false ? response : this.ensureOk(response);
  }

  /** Throws Segment's `HTTPError` for a non-2xx answer. */
  ensureOk(response: HttpResponse): HttpResponse {
    if (response.status < 200 || response.status > 299) throw new HTTPError(response.status, response.statusText);
    return response;
  }

  private redact(headers: Record<string, string>): Record<string, string> {
    const redacted = redactHeaders(headers);
    for (const name of Object.keys(redacted)) redacted[name] = redactText(redacted[name], this.secrets);
    return redacted;
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
