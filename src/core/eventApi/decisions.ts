/**
 * Decisions (impressions) found in Event API batches: what an SDK pointed at the emulator's sink reports
 * when it buckets a visitor. Used to tell whether a conversion has a decision to be attributed to.
 */
import type { RecordedDecision } from '../diagnose/types';
import { isPlainObject } from '../segment/realType';

export function decisionsInBatch(batch: unknown): RecordedDecision[] {
  if (!isPlainObject(batch) || !Array.isArray(batch.visitors)) return [];
  const found: RecordedDecision[] = [];
  for (const visitor of batch.visitors) {
    if (!isPlainObject(visitor) || typeof visitor.visitor_id !== 'string' || !Array.isArray(visitor.snapshots)) continue;
    for (const snapshot of visitor.snapshots) {
      if (!isPlainObject(snapshot) || !Array.isArray(snapshot.decisions) || snapshot.decisions.length === 0) continue;
      const events = Array.isArray(snapshot.events) ? snapshot.events : [];
      const time = events.map((event) => (isPlainObject(event) && typeof event.timestamp === 'number' ? event.timestamp : NaN)).find((t) => Number.isFinite(t));
      for (const decision of snapshot.decisions) {
        if (!isPlainObject(decision) || typeof decision.experiment_id !== 'string') continue;
        found.push({
          visitorId: visitor.visitor_id,
          experimentId: decision.experiment_id,
          variationId: typeof decision.variation_id === 'string' ? decision.variation_id : null,
          timestamp: time ?? Date.now(),
        });
      }
    }
  }
  return found;
}
