/**
 * The default transport: Node's built-in fetch with the request client's timeout. Status text comes from
 * the server's reason phrase, as it does for Segment's node-fetch client.
 */
import { TimeoutError, FetchError } from '../destination/errors';
import type { HttpRequest, HttpResponse, HttpTransport } from './types';

export const fetchTransport: HttpTransport = async (request: HttpRequest): Promise<HttpResponse> => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      redirect: 'follow',
    });
    const body = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: response.status, statusText: response.statusText, headers, body };
  } catch (error) {
    if (controller.signal.aborted) throw new TimeoutError(request.timeoutMs);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new FetchError(`request to ${request.url} failed, reason: ${detail}`);
  } finally {
    clearTimeout(timer);
  }
};
