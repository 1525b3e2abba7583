/** The HTTP seam of the core: everything the destination sends goes through an `HttpTransport`. */

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

/** Sends one request; rejects only when no response arrived (network error, timeout). */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** One request and its response as recorded for the user (secrets already redacted). */
export interface Exchange {
  request: { url: string; method: string; headers: Record<string, string>; body: string };
  response?: { statusCode: number; statusMessage: string; headers: Record<string, string>; body: string };
  /** Set when no response arrived. */
  error?: string;
  durationMs: number;
}
