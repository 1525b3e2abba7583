/**
 * The emulator's behaviour without HTTP framing: where requests go, which settings apply, and what gets
 * recorded. Express routes and the VS Code extension both drive this one object.
 */
import { runTrackEvent, runDelete, runAuthenticate, runEventKeyChoices, DatafileCache, EVENT_API_URL, GDPR_API_URL } from '../core/destination';
import type { ErrorInfo, TrackEventResult } from '../core/destination';
import type { HttpTransport } from '../core/http/types';
import { fetchTransport } from '../core/http/fetchTransport';
import { redactText } from '../core/http/redact';
import { isPlainObject } from '../core/segment/realType';
import type { Mapping } from '../core/segment/mapping';
import { History, type HistoryRecord, type MappingOutcome } from './history';

export interface EmulatorConfig {
  /** Settings used when a request leaves them out (e.g. the served datafile's URL). */
  defaultSettings: Record<string, unknown>;
  /** Full URL replacing Optimizely's Event API; undefined with `live` = the real endpoint. */
  eventApiUrl?: string;
  gdprApiUrl?: string;
  /** Send to Optimizely's real endpoints. Off unless the user turns it on. */
  live: boolean;
  /** Opt-in datafile cache with ETag revalidation (Segment has none). */
  cacheDatafile?: boolean;
  historyLimit?: number;
  transport?: HttpTransport;
}

export class EmulatorService {
  readonly history: History;
  private readonly transport: HttpTransport;
  private readonly datafileCache?: DatafileCache;

  constructor(readonly config: EmulatorConfig) {
    this.history = new History(config.historyLimit);
    this.transport = config.transport ?? fetchTransport;
    if (config.cacheDatafile) this.datafileCache = new DatafileCache();
  }

  /** Where the Event API request is posted. */
  get eventApiTarget(): string {
    return this.config.live ? EVENT_API_URL : (this.config.eventApiUrl ?? EVENT_API_URL);
  }

  get gdprApiTarget(): string {
    return this.config.live ? GDPR_API_URL : (this.config.gdprApiUrl ?? GDPR_API_URL);
  }

  settingsFor(requestSettings: unknown): unknown {
    if (requestSettings === undefined) return { ...this.config.defaultSettings };
    if (!isPlainObject(requestSettings)) return requestSettings; // let validation explain what is wrong
    return { ...this.config.defaultSettings, ...requestSettings };
  }

  secretsOf(settings: unknown): string[] {
    const token = isPlainObject(settings) ? settings.accessToken : undefined;
    return typeof token === 'string' ? [token] : [];
  }

  async trackEvent(input: { payload: unknown; settings?: unknown; mapping?: Mapping }, rawBody: string): Promise<{ result: TrackEventResult; record: HistoryRecord }> {
    const settings = this.settingsFor(input.settings);
    const result = await runTrackEvent(
      { event: input.payload, settings, mapping: input.mapping },
      { transport: this.transport, eventApiUrl: this.eventApiTarget, datafileCache: this.datafileCache },
    );
    const payload = isPlainObject(input.payload) ? input.payload : undefined;
    const record = this.history.add({
      route: 'trackEvent',
      rawBody: redactText(rawBody, this.secretsOf(settings)),
      message: input.payload,
      event: typeof payload?.event === 'string' ? payload.event : undefined,
      visitorId: result.payload?.userId,
      status: result.status,
      outcomes: [toOutcome('Track Event', result)],
    });
    return { result, record };
  }

  /** An array payload: Segment runs executeBatch, which this destination does not support (501). Recorded like any other. */
  rejectBatch(input: { payload: unknown[]; settings?: unknown }, rawBody: string): { error: ErrorInfo; record: HistoryRecord } {
    const error: ErrorInfo = { name: 'IntegrationError', message: 'This action does not support batched requests.', code: 'NotImplemented', status: 501 };
    const record = this.history.add({
      route: 'trackEvent',
      rawBody: redactText(rawBody, this.secretsOf(this.settingsFor(input.settings))),
      message: input.payload,
      status: 'rejected',
      outcomes: [{ mapping: 'Track Event', status: 'rejected', exchanges: [], error }],
    });
    return { error, record };
  }

  async deleteUser(input: { payload?: unknown; settings?: unknown }, rawBody: string) {
    const settings = this.settingsFor(input.settings);
    const result = await runDelete(settings, { transport: this.transport, gdprApiUrl: this.gdprApiTarget });
    this.history.add({
      route: 'delete',
      rawBody: redactText(rawBody, this.secretsOf(settings)),
      message: input.payload,
      status: result.ok ? 'sent' : 'failed',
      outcomes: [{ mapping: 'onDelete', status: result.ok ? 'sent' : 'failed', exchanges: result.exchanges, error: result.error }],
    });
    return result;
  }

  async authenticate(settingsInput: unknown, rawBody: string) {
    const settings = this.settingsFor(settingsInput);
    const result = await runAuthenticate(settings, { transport: this.transport });
    this.history.add({
      route: 'authenticate',
      rawBody: redactText(rawBody, this.secretsOf(settings)),
      status: result.ok ? 'ok' : 'failed',
      outcomes: [{ mapping: 'testAuthentication', status: result.ok ? 'ok' : 'failed', exchanges: result.exchanges, error: result.error }],
    });
    return result;
  }

  async eventKeyChoices(settingsInput: unknown, rawBody: string) {
    const settings = this.settingsFor(settingsInput);
    const { result, exchanges } = await runEventKeyChoices(settings, { transport: this.transport });
    this.history.add({
      route: 'trackEvent/eventKey',
      rawBody: redactText(rawBody, this.secretsOf(settings)),
      status: result.error ? 'failed' : 'ok',
      outcomes: [{ mapping: 'eventKey', status: result.error ? 'failed' : 'ok', exchanges }],
    });
    return result;
  }
}

function toOutcome(name: string, result: TrackEventResult): MappingOutcome {
  return {
    mapping: name,
    status: result.status,
    payload: result.payload ?? result.mapped,
    eventApiRequest: result.eventApiRequest,
    exchanges: result.exchanges,
    error: result.error,
  };
}
