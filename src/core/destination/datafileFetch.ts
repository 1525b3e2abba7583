/**
 * Getting the datafile the way the destination does: a plain GET of `dataFileUrl` for every event (Segment
 * has no cache), the raw text kept as `content`, and `data` parsed only when the content-type says JSON.
 * An opt-in cache revalidates with ETag / Last-Modified, for heavy local use; it changes what is sent
 * (conditional headers), so it is off unless asked for.
 */
import type { RecordingClient } from './http';
import type { HttpResponse } from '../http/types';

export interface FetchedDatafile {
  /** The raw body text. */
  content: string;
  /** Parsed JSON when the content-type contains `application/json` and the text parses; else the text. */
  data: unknown;
  /** Whether `content` is JSON text at all (Segment's deactivated-project check), known without re-parsing. */
  isJson: boolean;
  response: HttpResponse;
  /** True when the answer came from the cache after a 304. */
  fromCache: boolean;
}

interface CacheEntry {
  validators: Record<string, string>;
  response: HttpResponse;
}

/** Keeps the last answer per URL and revalidates it; safe to share between events. */
export class DatafileCache {
  private readonly entries = new Map<string, CacheEntry>();

  conditionalHeaders(url: string): Record<string, string> {
    return { ...(this.entries.get(url)?.validators ?? {}) };
  }

  lookup(url: string): HttpResponse | undefined {
    return this.entries.get(url)?.response;
  }

  store(url: string, response: HttpResponse): void {
    const validators: Record<string, string> = {};
    if (response.headers.etag) validators['if-none-match'] = response.headers.etag;
    if (response.headers['last-modified']) validators['if-modified-since'] = response.headers['last-modified'];
    if (Object.keys(validators).length > 0) this.entries.set(url, { validators, response });
  }

  clear(): void {
    this.entries.clear();
  }
}

export function parseDatafileResponse(response: HttpResponse): unknown {
  return readDatafileResponse(response).data;
}

/**
 * actions-core's prepare-response hook (a case-sensitive `includes`, parse errors swallowed) plus the
 * destination's `isValidJson(content)`, sharing one parse when the content-type says JSON.
 */
function readDatafileResponse(response: HttpResponse): { data: unknown; isJson: boolean } {
  const content = response.body;
  if ((response.headers['content-type'] ?? '').includes('application/json')) {
    try {
      return { data: JSON.parse(content), isJson: true };
    } catch {
      return { data: undefined, isJson: false };
    }
  }
  return { data: content, isJson: isJsonText(content) };
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export async function fetchDatafile(client: RecordingClient, url: string, cache?: DatafileCache): Promise<FetchedDatafile> {
  if (cache) {
    const response = await client.request(url, { headers: cache.conditionalHeaders(url), throwHttpErrors: false });
    const cached = response.status === 304 ? cache.lookup(url) : undefined;
    if (cached) return { content: cached.body, ...readDatafileResponse(cached), response: cached, fromCache: true };
    // Not a usable 304: ask again without validators so errors and bodies are exactly Segment's.
    if (response.status === 304) cache.clear();
    const fresh = response.status === 304 ? await client.request(url) : client.ensureOk(response);
    cache.store(url, fresh);
    return { content: fresh.body, ...readDatafileResponse(fresh), response: fresh, fromCache: false };
  }
  const response = await client.request(url);
  return { content: response.body, ...readDatafileResponse(response), response, fromCache: false };
}
