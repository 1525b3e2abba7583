/**
 * Diagnosis of one event: run Segment's pipeline (preview or a finished result), get the datafile, decide
 * the experiments that use the event with the Optimizely SDK, and run every check. Indexes and decision
 * engines are built once per datafile revision and kept in a small per-instance cache.
 */
import { runTrackEvent, type TrackEventResult, assertSettings } from '../destination/trackEvent';
import { fetchDatafile } from '../destination/datafileFetch';
import { RecordingClient } from '../destination/http';
import { buildDatafileIndex, type DatafileIndex, type ProjectConfig } from '../datafile/index';
import { isPlainObject } from '../segment/realType';
import type { Mapping } from '../segment/mapping';
import type { HttpTransport } from '../http/types';
import { createDecisionEngine, type DecisionEngine } from './decisions';
import { runChecks } from './checks';
import type { CheckContext } from './context';
import type { Diagnosis, DecisionSummary, RecordedDecision } from './types';

export interface DiagnoseExtras {
  /**
   * Fetch the datafile when Segment's pipeline stopped before its own GET (e.g. a validation error), so
   * the other checks can still run. Off for recorded deliveries: the emulator must not add requests to
   * what the user's datafile server sees.
   */
  fetchIfMissing?: boolean;
  recordedDecisions?: RecordedDecision[];
  earlierUses?: CheckContext['earlierUses'];
  now?: number;
}

interface Prepared {
  index: DatafileIndex;
  engine?: DecisionEngine;
  engineError?: string;
}

const CACHE_SIZE = 4;

export class Diagnoser {
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly transport: HttpTransport) {}

  /** Diagnoses a Segment event without sending anything (Segment's request is built, not posted). */
  async diagnose(input: { event: unknown; settings: unknown; mapping?: Mapping }, extras: DiagnoseExtras = {}): Promise<Diagnosis> {
    const result = await runTrackEvent({ event: input.event, settings: input.settings, mapping: input.mapping }, { transport: this.transport, send: false });
    return this.diagnoseResult(input.event, input.settings, result, { fetchIfMissing: true, ...extras });
  }

  /** Diagnoses an event Segment's pipeline already ran (e.g. a history record's outcome). */
  async diagnoseResult(event: unknown, settings: unknown, result: TrackEventResult, extras: DiagnoseExtras = {}): Promise<Diagnosis> {
    const datafile = await this.datafileFor(result, settings, extras.fetchIfMissing === true);
    const prepared = datafile ? this.prepare(datafile) : undefined;
    const decisions = prepared ? this.decide(prepared, result) : [];
    const context: CheckContext = {
      event: isPlainObject(event) ? event : {},
      result,
      datafile,
      index: prepared?.index,
      decisions,
      recordedDecisions: extras.recordedDecisions,
      earlierUses: extras.earlierUses,
      now: extras.now ?? Date.now(),
    };
    const checks = runChecks(context);
    if (prepared?.engineError) {
      checks.push({ id: 'diagnosis.decisions-unavailable', severity: 'info', title: 'Decisions could not be simulated', detail: prepared.engineError, fix: '' });
    }
    return {
      ...(result.eventApiRequest ? { request: result.eventApiRequest } : {}),
      ...(result.error ? { error: result.error } : {}),
      checks,
      decisions,
    };
  }

  /** The datafile Segment fetched; fetched again for context when Segment stopped before its GET. */
  private async datafileFor(result: TrackEventResult, settings: unknown, fetchIfMissing: boolean): Promise<ProjectConfig | undefined> {
    if (isDatafile(result.datafile)) return result.datafile;
    if (result.datafile !== undefined || !fetchIfMissing) return undefined; // not a JSON datafile, or not ours to fetch
    // Segment already tried (and failed): asking again would only repeat its failure.
    if (result.exchanges.some((exchange) => exchange.request.method === 'GET')) return undefined;
    try {
      const valid = assertSettings(settings);
      const fetched = await fetchDatafile(new RecordingClient(this.transport), valid.dataFileUrl);
      return isDatafile(fetched.data) ? fetched.data : undefined;
    } catch {
      return undefined; // the checks report the unreachable datafile from Segment's own attempt
    }
  }

  private prepare(datafile: ProjectConfig): Prepared {
    const key = `${datafile.accountId}/${datafile.projectId}/${datafile.revision}/${(datafile as { sdkKey?: string }).sdkKey ?? ''}`;
    let prepared = this.prepared.get(key);
    if (!prepared) {
      prepared = { index: buildDatafileIndex(datafile) };
      try {
        prepared.engine = createDecisionEngine(datafile);
      } catch (error) {
        prepared.engineError = `The Optimizely SDK could not load this datafile: ${(error as Error).message}`;
      }
      if (this.prepared.size >= CACHE_SIZE) {
        const oldest = this.prepared.keys().next().value as string;
        this.prepared.get(oldest)?.engine?.close();
        this.prepared.delete(oldest);
      }
      this.prepared.set(key, prepared);
    }
    return prepared;
  }

  private decide(prepared: Prepared, result: TrackEventResult): DecisionSummary[] {
    const payload = result.payload;
    if (!payload || !prepared.engine) return [];
    const experiments = prepared.index.experimentsForEvent(payload.eventKey);
    if (experiments.length === 0) return [];
    const attributes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(payload.attributes ?? {})) {
      if (['string', 'number', 'boolean'].includes(typeof value)) attributes[key] = value;
    }
    return prepared.engine.decideForEvent({ visitorId: payload.userId, attributes, experimentIds: experiments.map((experiment) => experiment.id) });
  }

  /** Releases the SDK instances. */
  close(): void {
    for (const prepared of this.prepared.values()) prepared.engine?.close();
    this.prepared.clear();
  }
}

function isDatafile(value: unknown): value is ProjectConfig {
  return isPlainObject(value) && Array.isArray(value.events);
}
