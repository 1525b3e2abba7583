/**
 * The emulator's behaviour without HTTP framing: which settings and mappings apply, where requests go,
 * delivery with Segment's retry policy when sending live, and what gets recorded. Express routes and the
 * VS Code extension both drive this one object.
 */
import { runTrackEvent, runDelete, runAuthenticate, runEventKeyChoices, DatafileCache, EVENT_API_URL, GDPR_API_URL, isRetryableStatus } from '../core/destination';
import type { ErrorInfo, TrackEventResult } from '../core/destination';
import type { Exchange, HttpTransport } from '../core/http/types';
import { nodeTransport } from '../core/http/nodeTransport';
import { redactText } from '../core/http/redact';
import { isPlainObject } from '../core/segment/realType';
import type { Mapping } from '../core/segment/mapping';
import { messageProblems, type NormalizedMessage } from '../core/segment/normalize';
import { prepareConfig, type PreparedMapping } from '../core/config/destinationConfig';
import { History, type DeliveryAttempt, type HistoryRecord, type MappingOutcome } from './history';
import { Diagnoser } from '../core/diagnose/diagnoser';
import type { Diagnosis, RecordedDecision } from '../core/diagnose/types';
import { decisionsInBatch } from '../core/eventApi/decisions';
import { fetchDatafile } from '../core/destination/datafileFetch';
import { RecordingClient } from '../core/destination/http';
import { buildDatafileIndex, isRunning, type ProjectConfig } from '../core/datafile/index';
import type { HistoryFile } from './historyFile';
import { TaskQueue } from './taskQueue';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubles each attempt, plus up to the same again of random jitter. */
  baseDelayMs: number;
}

/** Live sending retries like Segment's platform: 5xx except 501, 408, 423, 429, timeouts. */
export const LIVE_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500 };

export interface EmulatorConfig {
  /** Settings used when a request leaves them out (e.g. the served datafile's URL). */
  defaultSettings: Record<string, unknown>;
  /** Full URL replacing Optimizely's Event API; ignored when `live`. */
  eventApiUrl?: string;
  gdprApiUrl?: string;
  /** Send to Optimizely's real endpoints. Off unless the user turns it on. */
  live: boolean;
  /** Retry policy; defaults to `LIVE_RETRY_POLICY` when live, no retries otherwise. */
  retry?: RetryPolicy;
  /** Opt-in datafile cache with ETag revalidation (Segment has none). */
  cacheDatafile?: boolean;
  historyLimit?: number;
  historyFile?: HistoryFile;
  /** The destination's mappings (validated); default: the single "Track Event" mapping. */
  mappings?: PreparedMapping[];
  /** When set, the tracking API requires this write key. */
  writeKey?: string;
  transport?: HttpTransport;
  log?: (message: string) => void;
  /** Waits between retries (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
  /** Run the diagnostics on every delivered message and keep them in its record (default true). */
  diagnose?: boolean;
}

/** A summary of the datafile the default settings point at (console, views). */
export interface DatafileSummary {
  url?: string;
  accountId?: string;
  projectId?: string;
  revision?: string;
  environmentKey?: string;
  events: { key: string; id: string; experimentCount: number; runningExperimentCount: number }[];
  attributes: string[];
  error?: string;
}

/** How many recorded decisions and message ids are remembered for the identity and duplicate checks. */
const MEMORY_LIMIT = 20_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class EmulatorService {
  readonly history: History;
  private readonly transport: HttpTransport;
  private readonly datafileCache?: DatafileCache;
  /** Tracking-API messages run through their mappings here, a bounded number at a time. */
  private readonly queue = new TaskQueue(8);
  readonly diagnoser: Diagnoser;
  /** Decisions seen by the Event API sink, oldest first (bounded). */
  private readonly recordedDecisions: RecordedDecision[] = [];
  /** Conversions by uuid, for the duplicate-messageId check (bounded, oldest dropped first). */
  private readonly uuidUses = new Map<string, { recordId: string; timestamp: number; eventKey: string }[]>();
  mappings: PreparedMapping[];

  constructor(readonly config: EmulatorConfig) {
    this.history = new History(config.historyLimit, config.historyFile, config.log);
    this.transport = config.transport ?? nodeTransport;
    if (config.cacheDatafile) this.datafileCache = new DatafileCache();
    this.mappings = config.mappings ?? prepareConfig({}).mappings;
    this.diagnoser = new Diagnoser(this.transport);
  }

  /** Turns live sending on or off (callers confirm with the user first). */
  setLive(live: boolean): void {
    this.config.live = live;
  }

  /** Remembers the decisions in an Event API batch received by the sink. */
  recordDecisions(batch: unknown): void {
    this.recordedDecisions.push(...decisionsInBatch(batch));
    if (this.recordedDecisions.length > MEMORY_LIMIT) this.recordedDecisions.splice(0, this.recordedDecisions.length - MEMORY_LIMIT);
  }

  /** Diagnoses an event without sending it (console preview, `POST /api/diagnose`). */
  async diagnose(input: { payload: unknown; settings?: unknown; mapping?: Mapping }): Promise<Diagnosis & { result: TrackEventResult }> {
    const settings = this.settingsFor(input.settings);
    const result = await runTrackEvent({ event: input.payload, settings, mapping: input.mapping }, { transport: this.transport, send: false, datafileCache: this.datafileCache });
    const diagnosis = await this.diagnoser.diagnoseResult(input.payload, settings, result, { fetchIfMissing: true, ...this.extrasFor(result) });
    return { ...diagnosis, result };
  }

  /** The datafile of the default settings, summarised (not recorded in the history). */
  async datafileSummary(): Promise<DatafileSummary> {
    const url = this.config.defaultSettings.dataFileUrl;
    if (typeof url !== 'string') return { events: [], attributes: [], error: 'No datafile URL is configured.' };
    try {
      const fetched = await fetchDatafile(new RecordingClient(this.transport), url);
      const datafile = fetched.data as ProjectConfig;
      if (!fetched.isJson || typeof datafile !== 'object' || datafile === null || !Array.isArray(datafile.events)) {
        return { url, events: [], attributes: [], error: `The datafile at ${url} is not a JSON datafile.` };
      }
      const index = buildDatafileIndex(datafile);
      return {
        url,
        accountId: datafile.accountId,
        projectId: datafile.projectId,
        revision: datafile.revision,
        environmentKey: (datafile as { environmentKey?: string }).environmentKey,
        events: index.events
          .filter((event) => event.duplicateOf === undefined)
          .map((event) => ({ key: event.key, id: event.id, experimentCount: event.experiments.length, runningExperimentCount: event.experiments.filter((e) => isRunning(e)).length })),
        attributes: [...index.attributesByKey.keys()],
      };
    } catch (error) {
      return { url, events: [], attributes: [], error: `The datafile at ${url} could not be loaded: ${(error as Error).message}` };
    }
  }

  private extrasFor(result: TrackEventResult) {
    const uuid = result.payload?.uuid;
    return {
      recordedDecisions: this.recordedDecisions.length > 0 ? this.recordedDecisions : undefined,
      earlierUses: uuid ? this.uuidUses.get(uuid) : undefined,
    };
  }

  /** Runs the diagnostics for a delivered event and remembers its uuid; never throws. */
  private async checksFor(recordId: string, event: unknown, settings: unknown, result: TrackEventResult): Promise<Diagnosis['checks'] | undefined> {
    if (this.config.diagnose === false) return undefined;
    let checks: Diagnosis['checks'] | undefined;
    try {
      checks = (await this.diagnoser.diagnoseResult(event, settings, result, this.extrasFor(result))).checks;
    } catch (error) {
      this.config.log?.(`diagnostics failed for record ${recordId}: ${(error as Error).message}`);
    }
    const uuid = result.payload?.uuid;
    if (uuid && result.eventApiRequest) {
      const uses = this.uuidUses.get(uuid) ?? [];
      uses.push({ recordId, timestamp: Date.now(), eventKey: result.payload?.eventKey ?? '' });
      this.uuidUses.set(uuid, uses);
      if (this.uuidUses.size > MEMORY_LIMIT) this.uuidUses.delete(this.uuidUses.keys().next().value as string);
    }
    return checks;
  }

  /** Where the Event API request is posted. */
  get eventApiTarget(): string {
    return this.config.live ? EVENT_API_URL : (this.config.eventApiUrl ?? EVENT_API_URL);
  }

  get gdprApiTarget(): string {
    return this.config.live ? GDPR_API_URL : (this.config.gdprApiUrl ?? GDPR_API_URL);
  }

  get retryPolicy(): RetryPolicy | undefined {
    return this.config.retry ?? (this.config.live ? LIVE_RETRY_POLICY : undefined);
  }

  settingsFor(requestSettings: unknown): unknown {
    if (requestSettings === undefined) return { ...this.config.defaultSettings };
    if (!isPlainObject(requestSettings)) return requestSettings; // let validation explain what is wrong
    return { ...this.config.defaultSettings, ...requestSettings };
  }

  secrets(settings?: unknown): string[] {
    const values = [this.config.defaultSettings.accessToken, isPlainObject(settings) ? settings.accessToken : undefined, this.config.writeKey];
    return values.filter((value): value is string => typeof value === 'string' && value !== '');
  }

  /** Segment's action-tester `/trackEvent`: one event, one mapping (defaults + overrides). */
  async trackEvent(
    input: { payload: unknown; settings?: unknown; mapping?: Mapping; /** this request only, to Optimizely */ live?: boolean },
    rawBody: string,
  ): Promise<{ result: TrackEventResult; record: HistoryRecord }> {
    const settings = this.settingsFor(input.settings);
    const payload = isPlainObject(input.payload) ? input.payload : undefined;
    const record = this.history.add({
      route: 'trackEvent',
      rawBody: redactText(rawBody, this.secrets(settings)),
      message: input.payload,
      type: typeof payload?.type === 'string' ? payload.type : undefined,
      event: typeof payload?.event === 'string' ? payload.event : undefined,
      status: 'received',
      outcomes: [],
    });
    const { result, outcome } = await this.deliver('Track Event', input.payload, settings, input.mapping, input.live === true);
    outcome.checks = await this.checksFor(record.id, input.payload, settings, result);
    record.visitorId = result.payload?.userId;
    record.status = outcome.status;
    record.outcomes = [outcome];
    record.checks = outcome.checks;
    this.history.update(record);
    return { result, record };
  }

  /** An array payload: Segment runs executeBatch, which this destination does not support (501). Recorded like any other. */
  rejectBatch(input: { payload: unknown[]; settings?: unknown }, rawBody: string): { error: ErrorInfo; record: HistoryRecord } {
    const error: ErrorInfo = { name: 'IntegrationError', message: 'This action does not support batched requests.', code: 'NotImplemented', status: 501 };
    const record = this.history.add({
      route: 'trackEvent',
      rawBody: redactText(rawBody, this.secrets(this.settingsFor(input.settings))),
      message: input.payload,
      status: 'rejected',
      outcomes: [{ mapping: 'Track Event', status: 'rejected', exchanges: [], error }],
    });
    return { error, record };
  }

  /**
   * Tracking API messages (already normalised): each becomes a record at once, then runs through every
   * enabled mapping whose trigger matches. Resolves when all of them have been recorded (not delivered).
   */
  ingest(messages: { message: NormalizedMessage; rawBody: string }[]): HistoryRecord[] {
    return messages.map(({ message, rawBody }) => {
      const problems = messageProblems(message).map((text) => ({ pointer: '', message: text }));
      const record = this.history.add({
        route: 'tracking',
        receivedAt: message.receivedAt,
        rawBody: redactText(rawBody, this.secrets()),
        message,
        type: message.type,
        event: typeof message.event === 'string' ? message.event : undefined,
        visitorId: visitorOf(message),
        status: 'received',
        outcomes: [],
        problems,
      });
      this.queue.push(() => this.runMappings(record, message));
      return record;
    });
  }

  /** Resolves once every queued message has run through its mappings. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async runMappings(record: HistoryRecord, message: NormalizedMessage): Promise<void> {
    const matching = this.mappings.filter((mapping) => mapping.enabled && mapping.matches(message));
    const settings = this.settingsFor(undefined);
    const outcomes: MappingOutcome[] = [];
    for (const mapping of matching) {
      const { result, outcome } = await this.deliver(mapping.name, message, settings, mapping.mapping);
      outcome.checks = await this.checksFor(record.id, message, settings, result);
      outcomes.push(outcome);
    }
    record.outcomes = outcomes;
    record.status = summarise(outcomes);
    record.checks = outcomes[0]?.checks;
    this.history.update(record);
  }

  /** Runs the destination once, or several times under the retry policy; every attempt is kept. */
  private async deliver(name: string, event: unknown, settings: unknown, mapping: Mapping | undefined, liveOnce = false): Promise<{ result: TrackEventResult; outcome: MappingOutcome }> {
    const policy = liveOnce ? (this.config.retry ?? LIVE_RETRY_POLICY) : this.retryPolicy;
    const eventApiUrl = liveOnce ? EVENT_API_URL : this.eventApiTarget;
    const attempts: DeliveryAttempt[] = [];
    const sleep = this.config.sleep ?? defaultSleep;
    let result: TrackEventResult;
    for (let attempt = 1; ; attempt++) {
      result = await runTrackEvent({ event, settings, mapping }, { transport: this.transport, eventApiUrl, datafileCache: this.datafileCache });
      attempts.push({ attempt, status: result.status, exchanges: result.exchanges, error: result.error });
      const retry = policy && result.status === 'failed' && isRetryableStatus(result.error?.status) && attempt < policy.maxAttempts;
      if (!retry) break;
      const delay = policy.baseDelayMs * 2 ** (attempt - 1) + Math.floor(Math.random() * policy.baseDelayMs);
      attempts[attempts.length - 1].retryInMs = delay;
      await sleep(delay);
    }
    const outcome: MappingOutcome = {
      mapping: name,
      status: result.status,
      payload: result.payload ?? result.mapped,
      eventApiRequest: result.eventApiRequest,
      exchanges: compactExchanges(attempts.flatMap((a) => a.exchanges)),
      error: result.error,
      ...(attempts.length > 1 ? { attempts: attempts.map((a) => ({ ...a, exchanges: compactExchanges(a.exchanges) })) } : {}),
    };
    return { result, outcome };
  }

  async deleteUser(input: { payload?: unknown; settings?: unknown }, rawBody: string) {
    const settings = this.settingsFor(input.settings);
    const result = await runDelete(settings, { transport: this.transport, gdprApiUrl: this.gdprApiTarget });
    const status = result.ok ? 'sent' : 'failed';
    this.history.add({
      route: 'delete',
      rawBody: redactText(rawBody, this.secrets(settings)),
      message: input.payload,
      status,
      outcomes: [{ mapping: 'onDelete', status, exchanges: result.exchanges, error: result.error }],
    });
    return result;
  }

  async authenticate(settingsInput: unknown, rawBody: string) {
    const settings = this.settingsFor(settingsInput);
    const result = await runAuthenticate(settings, { transport: this.transport });
    const status = result.ok ? 'ok' : 'failed';
    this.history.add({
      route: 'authenticate',
      rawBody: redactText(rawBody, this.secrets(settings)),
      status,
      outcomes: [{ mapping: 'testAuthentication', status, exchanges: result.exchanges, error: result.error }],
    });
    return result;
  }

  async eventKeyChoices(settingsInput: unknown, rawBody: string) {
    const settings = this.settingsFor(settingsInput);
    const { result, exchanges } = await runEventKeyChoices(settings, { transport: this.transport });
    const status = result.error ? 'failed' : 'ok';
    this.history.add({
      route: 'trackEvent/eventKey',
      rawBody: redactText(rawBody, this.secrets(settings)),
      status,
      outcomes: [{ mapping: 'eventKey', status, exchanges }],
    });
    return result;
  }

  /** Graceful shutdown: lets queued messages finish, then flushes the history file. */
  async close(): Promise<void> {
    await this.queue.idle();
    await this.history.close();
  }
}

/** Datafile bodies larger than this are not repeated in every history record. */
const MAX_KEPT_RESPONSE_BYTES = 4_096;

/**
 * The datafile GET answer is the same tens of kilobytes for every event; keeping it in each record would
 * make the history's memory and file grow by that much per event. Large GET bodies are replaced by a
 * note with their size and ETag (the datafile itself is one GET away).
 */
function compactExchanges(exchanges: Exchange[]): Exchange[] {
  return exchanges.map((exchange) => {
    const response = exchange.response;
    if (!response || exchange.request.method !== 'GET' || response.body.length <= MAX_KEPT_RESPONSE_BYTES) return exchange;
    const etag = response.headers.etag ? `, ETag ${response.headers.etag}` : '';
    return { ...exchange, response: { ...response, body: `(${Buffer.byteLength(response.body)} bytes${etag}; not kept in history — GET ${exchange.request.url} to see it)` } };
  });
}

function visitorOf(message: Record<string, unknown>): string | undefined {
  const id = message.userId ?? message.anonymousId;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** One status for a record: the worst outcome wins; no matching mapping is `skipped`. */
function summarise(outcomes: MappingOutcome[]): HistoryRecord['status'] {
  if (outcomes.length === 0) return 'skipped';
  for (const status of ['failed', 'rejected', 'previewed', 'sent'] as const) {
    if (outcomes.some((outcome) => outcome.status === status)) return status;
  }
  return outcomes[0].status;
}
