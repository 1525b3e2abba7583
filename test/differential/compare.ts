/**
 * The agreement rules between Segment's real destination and our core, shared by the property tests and
 * the table tests.
 */
import * as assert from 'assert';
import fc from 'fast-check';
import {
  EVENT_API_URL,
  ourErrorInfo,
  ourTrackEvent,
  segmentTrackEvent,
  trackScript,
  type OurTrackOutcome,
  type RecordedCall,
  type ScriptedAnswer,
  type SegmentTrackOutcome,
} from './harness';
import type { Mapping } from '../../src/core/segment/mapping';

export const VALID_SETTINGS: Record<string, unknown> = {
  accountId: '18269245474',
  dataFileUrl: 'https://cdn.optimizely.com/datafiles/QEKyyyZcqZqUbXZHyFruS.json',
};

export interface TrackCase {
  /** The event after createTestEvent (what both sides receive). */
  event: Record<string, unknown>;
  settings?: Record<string, unknown>;
  mapping?: Mapping;
  datafile: ScriptedAnswer;
  post?: ScriptedAnswer;
}

export interface TrackRun {
  segment: SegmentTrackOutcome;
  ours: OurTrackOutcome;
  /** Segment's Event API POST, when it made one. */
  post?: RecordedCall;
}

function isOk(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** Runs one case through both sides and asserts they agree; returns both outcomes for extra checks. */
export async function runTrackCase(input: TrackCase): Promise<TrackRun> {
  const script = trackScript(input.datafile, input.post);
  const request = { event: input.event, settings: input.settings ?? VALID_SETTINGS, mapping: input.mapping, script };
  const segment = await segmentTrackEvent(request);
  const ours = await ourTrackEvent(request);
  const context = () =>
    `\nSegment: ${JSON.stringify({ error: segment.error, calls: segment.calls })}` +
    `\nours:    ${JSON.stringify({ status: ours.result.status, error: ours.result.error, calls: ours.calls })}` +
    (segment.thrown instanceof Error ? `\nSegment stack: ${segment.thrown.stack}` : '');

  // Same HTTP calls, in the same order, with the same method, URL, headers and body.
  assert.deepStrictEqual(ours.calls, segment.calls, `HTTP calls differ${context()}`);
  const post = segment.calls.find((call) => call.method === 'POST');
  if (post) {
    assert.strictEqual(post.url, EVENT_API_URL);
    assert.strictEqual(ours.result.eventApiRequest?.body, post.body, `Event API body differs${context()}`);
  }

  if (segment.error === undefined) {
    assert.ok(post, `Segment succeeded without posting${context()}`);
    assert.strictEqual(ours.result.error, undefined, `we failed where Segment succeeded${context()}`);
    assert.strictEqual(ours.result.status, 'sent', context());
  } else {
    assert.deepStrictEqual(ourErrorInfo(ours.result.error), segment.error, `errors differ${context()}`);
    const answered = post ? input.post : undefined;
    const expected = segment.error.name === 'HTTPError' || (answered !== undefined && !isOk(answered.status)) ? 'failed' : 'rejected';
    assert.strictEqual(ours.result.status, expected, `status differs${context()}`);
  }
  return { segment, ours, post };
}

/** fast-check parameters: numRuns scaled by FC_RUNS_FACTOR; FC_SEED / FC_PATH replay a failure. */
export function fcParameters<T>(numRuns: number): fc.Parameters<T> {
  const factor = Number(process.env.FC_RUNS_FACTOR ?? '1');
  const parameters: fc.Parameters<T> = { numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(factor) ? factor : 1))) };
  if (process.env.FC_SEED) parameters.seed = Number(process.env.FC_SEED);
  if (process.env.FC_PATH) parameters.path = process.env.FC_PATH;
  return parameters;
}

