/** Everything the checks look at for one event, computed once by the diagnoser. */
import type { TrackEventResult } from '../destination/trackEvent';
import type { DatafileIndex, ProjectConfig } from '../datafile/index';
import type { DecisionSummary, RecordedDecision } from './types';

export interface CheckContext {
  /** The raw Segment event. */
  event: Record<string, unknown>;
  /** What Segment's destination did with it (previewed, sent, rejected or failed). */
  result: TrackEventResult;
  /** The datafile when it was fetched and parsed as JSON. */
  datafile?: ProjectConfig;
  index?: DatafileIndex;
  /** How Optimizely would decide each experiment / rule that uses the event. */
  decisions: DecisionSummary[];
  /** Decisions the sink recorded (impressions from SDKs pointed at the emulator), if any are known. */
  recordedDecisions?: RecordedDecision[];
  /** Earlier conversions with the same uuid (messageId), from the history. */
  earlierUses?: { recordId: string; timestamp: number; eventKey: string }[];
  /** Now, epoch ms (injected for tests). */
  now: number;
}

/** The Event API body Segment built, parsed; undefined when it built none. */
export function sentBody(context: Pick<CheckContext, 'result'>): SentBody | undefined {
  const text = context.result.eventApiRequest?.body;
  return text ? (JSON.parse(text) as SentBody) : undefined;
}

export interface SentBody {
  account_id?: string;
  visitors: {
    visitor_id: string;
    attributes: { entity_id: string; key: string; value: unknown }[];
    snapshots: { events: { entity_id: string; timestamp: number | null; uuid: string; key: string; revenue?: number; value?: number; tags: Record<string, unknown> }[] }[];
  }[];
}

export function firstEvent(body: SentBody | undefined) {
  return body?.visitors[0]?.snapshots[0]?.events[0];
}
