// The bridge between the datafile index and the event-key checker: `KnownEvents` over a `DatafileIndex`.
import { isRunning, type DatafileIndex } from '../datafile/index';
import type { KnownEvents } from './types';

/** Distinct unknown keys whose suggestions are remembered (a CI run over a big tree asks about the same typos often). */
const MAX_CACHED_SUGGESTIONS = 10_000;

/**
 * The events of `index` as the checker needs them:
 * - `has`: the key is exactly an event key of the datafile (Segment matches keys exactly: case and spaces count);
 * - `suggestions`: the datafile's own "did you mean" ranking (`index.nearestEventKeys`), best first, at most
 *   `maxSuggestions`;
 * - `runningExperimentCount`: distinct experiments and rules using the event as a metric whose status is "Running".
 *
 * Answers are computed on first use and cached; build a new one when the datafile (index) changes.
 */
export function knownEventsFromIndex(index: DatafileIndex, maxSuggestions = 3): KnownEvents {
  const running = new Map<string, number>();
  const suggested = new Map<string, readonly string[]>();
  return {
    get size() {
      return index.eventsByKey.size;
    },
    has: (key) => index.eventsByKey.has(key),
    suggestions(key) {
      const cached = suggested.get(key);
      if (cached !== undefined) return cached;
      const keys = index
        .nearestEventKeys(key, maxSuggestions + 1)
        .map((s) => s.key)
        .filter((k) => k !== key)
        .slice(0, maxSuggestions);
      if (suggested.size >= MAX_CACHED_SUGGESTIONS) suggested.clear();
      suggested.set(key, keys);
      return keys;
    },
    runningExperimentCount(key) {
      const cached = running.get(key);
      if (cached !== undefined) return cached;
      if (!index.eventsByKey.has(key)) return 0;
      const ids = new Set<string>();
      for (const experiment of index.experimentsForEvent(key)) if (isRunning(experiment)) ids.add(experiment.id);
      running.set(key, ids.size);
      return ids.size;
    },
  };
}
