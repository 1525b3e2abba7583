/**
 * The one mapping path: a Segment event, the destination settings and a mapping in; what Segment's
 * destination would do out: the mapped payload, the Event API request, every HTTP exchange, or the exact
 * error. The emulator, the CLI, the console preview, live send, diagnostics and lint all call this.
 */
import { defaultMapping, EVENT_API_URL, type DestinationSettings, type TrackEventPayload } from './definition';
import { PayloadValidationError, IntegrationError, ErrorCodes, toErrorInfo, type ErrorInfo, DestinationError } from './errors';
import { removeEmptyValues, validateSettings, validateTrackEventPayload } from './schema';
import { buildEventBatch, getEventId, serializeEventBatch } from './eventApiBody';
import { fetchDatafile, type DatafileCache } from './datafileFetch';
import { RecordingClient, settingsSecrets } from './http';
import { transform, type Mapping } from '../segment/mapping';
import { isPlainObject } from '../segment/realType';
import type { Exchange, HttpTransport } from '../http/types';

export interface TrackEventInput {
  /** The raw Segment event (a `track` call). */
  event: unknown;
  /** Destination settings (`accountId`, `dataFileUrl`, optional `accessToken`). */
  settings: unknown;
  /** Per-field mappings that override the defaults (Segment's Mappings tab). */
  mapping?: Mapping;
}

export interface TrackEventContext {
  transport: HttpTransport;
  /** Where the Event API request goes; Optimizely's logx endpoint unless overridden. */
  eventApiUrl?: string;
  /** Opt-in datafile cache (ETag revalidation); Segment itself fetches on every event. */
  datafileCache?: DatafileCache;
  /** When false, stop after building the request (preview): nothing is POSTed. Default true. */
  send?: boolean;
}

/** The Event API request as Segment would send it; `url` is always Optimizely's real endpoint. */
export interface EventApiRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export type TrackEventStatus = 'sent' | 'previewed' | 'rejected' | 'failed';

export interface TrackEventResult {
  /** sent: the Event API accepted it; previewed: built, not sent; rejected: Segment refused it before
   *  posting (validation, unknown key, deactivated project); failed: an HTTP call failed. */
  status: TrackEventStatus;
  /** The mapping actually applied (defaults merged with overrides). */
  mapping: Mapping;
  /** The payload after mapping, before validation. */
  mapped?: Record<string, unknown>;
  /** The payload after validation and coercion, as `perform` receives it. */
  payload?: TrackEventPayload;
  /** The datafile as parsed from the response (JSON value or raw text). */
  datafile?: unknown;
  eventApiRequest?: EventApiRequest;
  exchanges: Exchange[];
  error?: ErrorInfo;
}

export function effectiveMapping(overrides?: Mapping): Mapping {
  return { ...defaultMapping(), ...(overrides ?? {}) };
}

/**
 * Maps and validates only (no HTTP): the first half of Segment's pipeline. Throws Segment's errors.
 * `validated: true` skips re-checking a mapping already passed through `validateMapping`.
 */
export function mapTrackEvent(
  event: unknown,
  mapping: Mapping,
  options: { validated?: boolean } = {},
): { mapped: Record<string, unknown>; payload: TrackEventPayload } {
  const mapped = transform(mapping, event, options);
  const payload = removeEmptyValues(mapped);
  validateTrackEventPayload(payload);
  return { mapped, payload: payload as unknown as TrackEventPayload };
}

export function assertSettings(settings: unknown): DestinationSettings {
  if (!isPlainObject(settings)) {
    throw new IntegrationError('Settings must be a JSON object with accountId and dataFileUrl.', 'INVALID_SETTINGS', 400);
  }
  const copy = { ...settings };
  validateSettings(copy);
  return copy as unknown as DestinationSettings;
}

export async function runTrackEvent(input: TrackEventInput, context: TrackEventContext): Promise<TrackEventResult> {
  const mapping = effectiveMapping(input.mapping);
  const client = new RecordingClient(context.transport, settingsSecrets(input.settings));
  const result: TrackEventResult = { status: 'rejected', mapping, exchanges: client.exchanges };
  try {
    const settings = assertSettings(input.settings);
    const mappedEvent = transform(mapping, input.event);
    result.mapped = mappedEvent;
    const payload = removeEmptyValues(mappedEvent);
    validateTrackEventPayload(payload);
    result.payload = payload as unknown as TrackEventPayload;
    resolveAudienceMembership(input.event);
    await perform(result, result.payload, settings, client, context);
  } catch (error) {
    result.error = toErrorInfo(error);
    result.status = isRejection(error) ? 'rejected' : 'failed';
  }
  return result;
}

/** The destination's `perform`, step for step. */
async function perform(
  result: TrackEventResult,
  payload: TrackEventPayload,
  settings: DestinationSettings,
  client: RecordingClient,
  context: TrackEventContext,
): Promise<void> {
  const fetched = await fetchDatafile(client, settings.dataFileUrl, context.datafileCache);
  result.datafile = fetched.data;
  if (!fetched.isJson) {
    throw new IntegrationError(fetched.content, ErrorCodes.PROJECT_DEACTIVATED, 400);
  }
  const datafile = fetched.data as Record<string, unknown>;
  const eventId = getEventId(datafile, payload.eventKey);
  if (!eventId) throw new PayloadValidationError(`Event with name ${payload.eventKey} is not defined`);
  const body = serializeEventBatch(buildEventBatch(datafile, eventId, payload));
  result.eventApiRequest = {
    url: EVENT_API_URL,
    method: 'POST',
    headers: { 'user-agent': 'Segment (Actions)', 'content-type': 'application/json' },
    body,
  };
  if (context.send === false) {
    result.status = 'previewed';
    return;
  }
  await client.request(context.eventApiUrl ?? EVENT_API_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  result.status = 'sent';
}

/**
 * actions-core's `Action.execute` resolves Engage audience membership from the raw event after validation
 * and before `perform` (`engageAudienceMembership` destructures
 * `{context: {personas: {computation_class = '', computation_key = ''} = {}} = {}} = rawData`). This
 * destination ignores the result, but the destructuring throws when `context` or `context.personas` is
 * `null` (defaults only replace `undefined`), so such an event fails with this TypeError and no HTTP call.
 * The messages are V8's for that exact pattern.
 */
function resolveAudienceMembership(rawData: unknown): void {
  if (!rawData) return;
  const context = (rawData as { context?: unknown }).context;
  if (context === null) throw new TypeError("Cannot destructure property 'personas' of '{}' as it is null.");
  if (context === undefined) return;
  if ((context as { personas?: unknown }).personas === null) {
    throw new TypeError("Cannot read properties of null (reading 'computation_class')");
  }
}

/** Errors that mean "Segment would not send this" rather than "a request failed". */
function isRejection(error: unknown): boolean {
  if (!(error instanceof DestinationError)) return true; // mapping errors, TypeErrors on odd datafiles
  return error.name === 'AggregateAjvError' || error.name === 'PayloadValidationError' || error.code === ErrorCodes.PROJECT_DEACTIVATED || error.code === 'INVALID_SETTINGS';
}
