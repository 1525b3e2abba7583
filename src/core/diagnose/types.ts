/** The shape of a diagnosis: checks with stable ids, each with a fix and a link, plus the decisions. */
import type { EventApiRequest } from '../destination/trackEvent';
import type { ErrorInfo } from '../destination/errors';

export type Severity = 'fail' | 'warn' | 'info' | 'pass';

export interface Check {
  /** Stable id, e.g. `event.unknown-key`; never reworded. */
  id: string;
  severity: Severity;
  /** One line. */
  title: string;
  /** The exact values involved. */
  detail: string;
  /** What to change (empty for pass/info checks that need nothing). */
  fix: string;
  docs?: string;
}

/** How Optimizely would decide one experiment / flag rule that uses the event (see decisions.ts). */
export interface DecisionSummary {
  experimentId: string;
  experimentKey: string;
  status: string;
  flagKey?: string;
  ruleKey?: string;
  ruleType: string;
  /** null when the visitor is not bucketed. */
  variationKey: string | null;
  reasons: string[];
  /** Would the SDK send an impression (decision event) for this? */
  impressionSent: boolean;
}

/** A decision (impression) the emulator's Event API sink has seen, e.g. from an SDK pointed at it. */
export interface RecordedDecision {
  visitorId: string;
  experimentId: string;
  variationId: string | null;
  /** Epoch ms. */
  timestamp: number;
}

export interface Diagnosis {
  request?: EventApiRequest;
  error?: ErrorInfo;
  checks: Check[];
  decisions: DecisionSummary[];
}

export const DOCS = {
  segmentDestination: 'https://segment.com/docs/connections/destinations/catalog/actions-optimizely-feature-experimentation-cloud/',
  eventApi: 'https://docs.developers.optimizely.com/experimentation-data/docs/event-api-getting-started',
  eventApiTroubleshooting: 'https://docs.developers.optimizely.com/optimizely-data/docs/event-api-troubleshooting',
  eventTags: 'https://docs.developers.optimizely.com/feature-experimentation/docs/include-event-tags',
  trackEvent: 'https://docs.developers.optimizely.com/feature-experimentation/docs/track-event-javascript',
  botFiltering: 'https://docs.developers.optimizely.com/full-stack/docs/manage-bot-filtering',
  datafile: 'https://docs.developers.optimizely.com/full-stack/docs/example-datafile',
} as const;
