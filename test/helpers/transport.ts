/**
 * A scripted `HttpTransport` for unit tests of the core: answers by URL and records every request.
 * (HTTP tests of the emulator use real servers; this is only for the pure core.)
 */
import type { HttpRequest, HttpResponse, HttpTransport } from '../../src/core/http/types';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATAFILE_URL = 'https://cdn.example.com/datafile.json';
export const MOCK_DATAFILE_TEXT = readFileSync(join(__dirname, '..', 'fixtures', 'datafiles', 'segment-actions-mock-datafile.json'), 'utf8');

export function mockDatafile(): Record<string, unknown> {
  return JSON.parse(MOCK_DATAFILE_TEXT) as Record<string, unknown>;
}

export function json(body: unknown, status = 200, statusText = 'OK'): HttpResponse {
  return { status, statusText, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

export function text(body: string, contentType = 'text/plain', status = 200, statusText = 'OK'): HttpResponse {
  return { status, statusText, headers: { 'content-type': contentType }, body };
}

export const NO_CONTENT: HttpResponse = { status: 204, statusText: 'No Content', headers: {}, body: '' };

export interface ScriptedTransport extends HttpTransport {
  requests: HttpRequest[];
}

/** `answers` maps a URL to its response (or a function of the request); unknown URLs reject. */
export function scriptedTransport(answers: Record<string, HttpResponse | ((request: HttpRequest) => HttpResponse | Promise<HttpResponse>)>): ScriptedTransport {
  const requests: HttpRequest[] = [];
  const transport = (async (request: HttpRequest) => {
    requests.push(request);
    const answer = answers[request.url];
    if (!answer) throw new Error(`no scripted answer for ${request.method} ${request.url}`);
    return typeof answer === 'function' ? answer(request) : answer;
  }) as ScriptedTransport;
  transport.requests = requests;
  return transport;
}
