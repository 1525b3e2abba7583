/**
 * Differential harness: runs Segment's REAL "Optimizely Feature Experimentation (Actions)" destination
 * (`@segment/action-destinations`, executed by `@segment/actions-core`) and our emulation core side by
 * side, both served the SAME scripted HTTP answers, and reduces each run to a comparable outcome.
 *
 * Segment's request client calls `require('@segment/actions-core/dist/cjs/fetch').default(request)` at
 * call time, so replacing that export's `default` intercepts every request it makes: no network.
 */
import * as path from 'path';
import { createRequire } from 'module';
import { parse as parseLegacyUrl } from 'url';
import { createTestEvent, createTestIntegration } from '@segment/actions-core';
import optimizelyDestination from '@segment/action-destinations/dist/destinations/optimizely-feature-experimentation-actions';
import type { Settings as SegmentSettings } from '@segment/action-destinations/dist/destinations/optimizely-feature-experimentation-actions/generated-types';
import {
  runTrackEvent,
  runDelete,
  runAuthenticate,
  runEventKeyChoices,
  assertSettings,
  toErrorInfo,
  type TrackEventResult,
  type DynamicFieldResult,
  type ErrorInfo,
} from '../../src/core/destination';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../src/core/http/types';
import type { Mapping } from '../../src/core/segment/mapping';

// ---------------------------------------------------------------------------------------------------
// Scripted HTTP answers, shared by both sides

export interface ScriptedAnswer {
  status: number;
  statusText: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** Decides the answer to one request (by method and URL). */
export type Script = (request: { method: string; url: string }) => ScriptedAnswer;

/** One request as it left a side: method, URL, headers (names lower-cased) and body text. */
export interface RecordedCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

// ---------------------------------------------------------------------------------------------------
// Intercepting Segment's fetch

/** The bits of a node-fetch `Request` the fake reads. */
interface NodeFetchRequest {
  url: string;
  method: string;
  headers: { forEach(callback: (value: string, name: string) => void): void };
  text(): Promise<string>;
}

interface ResponseInit {
  status: number;
  statusText: string;
  headers: Record<string, string>;
}

/** `@segment/actions-core/dist/cjs/fetch`: a CommonJS module whose `default` export is looked up per call. */
interface ActionsCoreFetchModule {
  default: (request: NodeFetchRequest) => Promise<unknown>;
  Response: new (body: string, init: ResponseInit) => unknown;
}

// The package's `exports` map hides `dist/cjs/fetch`, so load it by absolute path: the module cache is
// keyed by file name, so this is the very instance `request-client.js` uses.
const loadModule = createRequire(__filename);
const fetchModule = loadModule(path.join(path.dirname(require.resolve('@segment/actions-core')), 'fetch.js')) as ActionsCoreFetchModule;

let originalFetch: ActionsCoreFetchModule['default'] | undefined;
let currentScript: Script | undefined;
let segmentCalls: RecordedCall[] = [];

function headersOf(request: NodeFetchRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return headers;
}

/**
 * node-fetch's own checks inside `fetch()` (`getNodeRequestOptions`), which run before anything is sent and
 * which replacing `fetch` would otherwise skip. `url.parse` is what node-fetch 2 uses for `parsedURL`.
 */
function nodeFetchPreflight(requestUrl: string): void {
  const parsed = parseLegacyUrl(requestUrl);
  if (!parsed.protocol || !parsed.hostname) throw new TypeError('Only absolute URLs are supported');
  if (!/^https?:$/.test(parsed.protocol)) throw new TypeError('Only HTTP(S) protocols are supported');
}

async function fakeFetch(request: NodeFetchRequest): Promise<unknown> {
  nodeFetchPreflight(request.url);
  const call: RecordedCall = { method: request.method, url: request.url, headers: headersOf(request), body: await request.text() };
  segmentCalls.push(call);
  if (!currentScript) throw new Error(`differential harness: no script for ${call.method} ${call.url}`);
  const answer = currentScript(call);
  return new fetchModule.Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: { ...answer.headers } });
}

/** Replaces actions-core's fetch with the scripted fake (call in `before`). */
export function installFakeFetch(): void {
  if (originalFetch) return;
  originalFetch = fetchModule.default;
  fetchModule.default = fakeFetch;
}

/** Puts the real fetch back (call in `after`). */
export function restoreFetch(): void {
  if (!originalFetch) return;
  fetchModule.default = originalFetch;
  originalFetch = undefined;
}

async function withSegmentScript<T>(script: Script, run: () => Promise<T>): Promise<{ value?: T; error?: unknown; calls: RecordedCall[] }> {
  if (!originalFetch) throw new Error('differential harness: installFakeFetch() was not called');
  currentScript = script;
  segmentCalls = [];
  try {
    return { value: await run(), calls: segmentCalls };
  } catch (error) {
    return { error, calls: segmentCalls };
  } finally {
    currentScript = undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Our side's transport

function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** An `HttpTransport` answering from the same script, recording what our core sends. */
export function scriptedTransport(script: Script): { transport: HttpTransport; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const transport: HttpTransport = async (request: HttpRequest): Promise<HttpResponse> => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    // node-fetch hands Segment's side the WHATWG-normalised URL (lower-case scheme and host, …).
    calls.push({ method: request.method.toUpperCase(), url: normalizeUrl(request.url), headers, body: request.body ?? '' });
    const answer = script({ method: request.method.toUpperCase(), url: request.url });
    return { status: answer.status, statusText: answer.statusText, headers: { ...answer.headers }, body: answer.body };
  };
  return { transport, calls };
}

// ---------------------------------------------------------------------------------------------------
// Errors as comparable data

/** name, message, code, status: what both sides must agree on. */
export interface ComparableError {
  name: string;
  message: string;
  code?: string;
  status?: number;
}

/**
 * Segment's thrown error as data. `HTTPError` keeps its status on `response.status`; AggregateAjvError has
 * neither code nor status on payloads (status 400 on settings); TypeErrors have name and message only.
 */
export function segmentErrorInfo(error: unknown): ComparableError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  // Segment's errors carry their extra fields as untyped own properties.
  const extra = error as Error & { code?: unknown; status?: unknown; response?: { status?: unknown } };
  const info: ComparableError = { name: error.name, message: error.message };
  if (error.name === 'HTTPError') {
    if (typeof extra.response?.status === 'number') info.status = extra.response.status;
    return info;
  }
  if (extra.code !== undefined) info.code = String(extra.code);
  if (typeof extra.status === 'number') info.status = extra.status;
  return info;
}

/** Our `ErrorInfo` without the extras (`fields`) Segment's errors do not have. */
export function ourErrorInfo(info: ErrorInfo | undefined): ComparableError | undefined {
  if (!info) return undefined;
  const comparable: ComparableError = { name: info.name, message: info.message };
  if (info.code !== undefined) comparable.code = info.code;
  if (info.status !== undefined) comparable.status = info.status;
  return comparable;
}

// ---------------------------------------------------------------------------------------------------
// Deep copies that keep own `__proto__` keys and keys whose value is `undefined`

/**
 * A structural copy that defines every own enumerable key (so an own `__proto__` stays an own property,
 * and `key: undefined` stays a present key), for feeding identical, independent objects to both sides.
 */
export function cloneDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneDeep(item)) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(copy, key, {
        value: cloneDeep((value as Record<string, unknown>)[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy as T;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------
// The two sides

const testDestination = createTestIntegration(optimizelyDestination);

/** What actions-core's `testAction` does to the event first (defaults for messageId, timestamp, …). */
export function fillTestEvent(event: Record<string, unknown>): Record<string, unknown> {
  // createTestEvent is typed for well-formed Segment events; the generators deliberately feed any JSON.
  return createTestEvent(event as Parameters<typeof createTestEvent>[0]) as unknown as Record<string, unknown>;
}

export interface SegmentTrackOutcome {
  calls: RecordedCall[];
  error?: ComparableError;
  /** The raw thrown value, for diagnostics. */
  thrown?: unknown;
}

export async function segmentTrackEvent(input: {
  event: Record<string, unknown>;
  settings: Record<string, unknown>;
  mapping?: Mapping;
  script: Script;
}): Promise<SegmentTrackOutcome> {
  const outcome = await withSegmentScript(input.script, () =>
    testDestination.testAction('trackEvent', {
      // testAction accepts Partial<SegmentEvent>/JSONObject; the generated values are any JSON on purpose.
      event: cloneDeep(input.event) as Parameters<typeof testDestination.testAction>[1]['event'],
      settings: cloneDeep(input.settings) as unknown as SegmentSettings,
      mapping: cloneDeep(input.mapping ?? {}) as Parameters<typeof testDestination.testAction>[1]['mapping'],
      useDefaultMappings: true,
    }),
  );
  // testAction only clears its response log on success; keep memory flat across thousands of runs.
  testDestination.responses = [];
  return { calls: outcome.calls, error: outcome.error === undefined ? undefined : segmentErrorInfo(outcome.error), thrown: outcome.error };
}

export interface OurTrackOutcome {
  calls: RecordedCall[];
  result: TrackEventResult;
}

export async function ourTrackEvent(input: {
  event: Record<string, unknown>;
  settings: Record<string, unknown>;
  mapping?: Mapping;
  script: Script;
}): Promise<OurTrackOutcome> {
  const { transport, calls } = scriptedTransport(input.script);
  const result = await runTrackEvent(
    { event: cloneDeep(input.event), settings: cloneDeep(input.settings), mapping: cloneDeep(input.mapping) },
    { transport },
  );
  return { calls, result };
}

/** Segment's `Destination.validateSettings` (mutates its argument: coercion, removeAdditional). */
export function segmentValidateSettings(settings: unknown): { settings: unknown; error?: ComparableError } {
  const copy = cloneDeep(settings);
  try {
    testDestination.validateSettings(copy as SegmentSettings);
    return { settings: copy };
  } catch (error) {
    return { settings: copy, error: segmentErrorInfo(error) };
  }
}

export function ourValidateSettings(settings: unknown): { settings?: unknown; error?: ComparableError } {
  try {
    return { settings: assertSettings(cloneDeep(settings)) };
  } catch (error) {
    return { error: ourErrorInfo(toErrorInfo(error)) };
  }
}

export interface EntryOutcome<T = unknown> {
  calls: RecordedCall[];
  value?: T;
  error?: ComparableError;
}

export async function segmentDelete(settings: Record<string, unknown>, event: Record<string, unknown>, script: Script): Promise<EntryOutcome> {
  const onDelete = testDestination.onDelete;
  if (!onDelete) throw new Error('Segment destination has no onDelete');
  const outcome = await withSegmentScript(script, () =>
    onDelete.call(testDestination, cloneDeep(event) as unknown as Parameters<typeof onDelete>[0], cloneDeep(settings) as Parameters<typeof onDelete>[1]),
  );
  testDestination.responses = [];
  return { calls: outcome.calls, error: outcome.error === undefined ? undefined : segmentErrorInfo(outcome.error) };
}

export async function ourDelete(settings: Record<string, unknown>, script: Script): Promise<EntryOutcome> {
  const { transport, calls } = scriptedTransport(script);
  const result = await runDelete(cloneDeep(settings), { transport });
  return { calls, error: ourErrorInfo(result.error) };
}

export async function segmentAuthenticate(settings: Record<string, unknown>, script: Script): Promise<EntryOutcome> {
  const outcome = await withSegmentScript(script, () => testDestination.testAuthentication(cloneDeep(settings) as unknown as SegmentSettings));
  testDestination.responses = [];
  return { calls: outcome.calls, error: outcome.error === undefined ? undefined : segmentErrorInfo(outcome.error) };
}

export async function ourAuthenticate(settings: Record<string, unknown>, script: Script): Promise<EntryOutcome> {
  const { transport, calls } = scriptedTransport(script);
  const result = await runAuthenticate(cloneDeep(settings), { transport });
  return { calls, error: ourErrorInfo(result.error) };
}

export async function segmentEventKeyChoices(settings: Record<string, unknown>, script: Script): Promise<EntryOutcome<unknown>> {
  const outcome = await withSegmentScript(script, () =>
    testDestination.testDynamicField('trackEvent', 'eventKey', { settings: cloneDeep(settings) as unknown as SegmentSettings, payload: {} }),
  );
  testDestination.responses = [];
  return { calls: outcome.calls, value: outcome.value, error: outcome.error === undefined ? undefined : segmentErrorInfo(outcome.error) };
}

export async function ourEventKeyChoices(settings: Record<string, unknown>, script: Script): Promise<EntryOutcome<DynamicFieldResult>> {
  const { transport, calls } = scriptedTransport(script);
  const { result } = await runEventKeyChoices(cloneDeep(settings), { transport });
  return { calls, value: result };
}

// ---------------------------------------------------------------------------------------------------
// Common scripts

export const EVENT_API_URL = 'https://logx.optimizely.com/v1/events';
export const GDPR_API_URL = 'https://api.optimizely.com/v2/subject-access-requests';

export function answer(status: number, statusText: string, body = '', headers: Record<string, string> = {}): ScriptedAnswer {
  return { status, statusText, headers, body };
}

export const NO_CONTENT = answer(204, 'No Content');

/** GET → the datafile answer; POST to the Event API (or anything else) → `post`. */
export function trackScript(datafile: ScriptedAnswer, post: ScriptedAnswer = NO_CONTENT): Script {
  return (request) => (request.method === 'GET' ? datafile : post);
}
