/** Starting points for the payload editor, and loading a history record back into the console. */
import type { ConsoleInput, DatafileSummary, HistoryRecord } from '../protocol';

export type TemplateId = 'minimal' | 'revenue' | 'anonymous' | 'traits';

export const TEMPLATES: { id: TemplateId; label: string; description: string }[] = [
  { id: 'minimal', label: 'Minimal track', description: 'type, event, userId, messageId, timestamp' },
  { id: 'revenue', label: 'With revenue in cents', description: 'properties.revenue as integer cents (4999 = $49.99)' },
  { id: 'anonymous', label: 'Anonymous visitor', description: 'anonymousId instead of userId' },
  { id: 'traits', label: 'With traits', description: "context.traits with the datafile's attributes" },
];

export interface TemplateContext {
  datafile?: Pick<DatafileSummary, 'events' | 'attributes'>;
  /** The event key in the editor now, kept when the template is applied. */
  currentEventKey?: string;
  now: Date;
  newId: () => string;
}

/** A plausible value for an attribute, by its name (the datafile does not say its type). */
function sampleAttributeValue(key: string): unknown {
  const name = key.toLowerCase();
  if (/country/.test(name)) return 'US';
  if (/^(is|has)_|returning|enabled|active/.test(name)) return true;
  if (/value|count|age|amount|total|score|number/.test(name)) return 120;
  if (/version/.test(name)) return '1.4.0';
  if (/plan|tier/.test(name)) return 'pro';
  return `example-${key}`;
}

function eventKeyFor(context: TemplateContext): string {
  const events = context.datafile?.events ?? [];
  if (context.currentEventKey && events.some((event) => event.key === context.currentEventKey)) return context.currentEventKey;
  const used = events.find((event) => event.runningExperimentCount > 0) ?? events[0];
  return used?.key ?? context.currentEventKey ?? 'Order Completed';
}

export function buildTemplate(id: TemplateId, context: TemplateContext): Record<string, unknown> {
  const base: Record<string, unknown> = { type: 'track', event: eventKeyFor(context) };
  if (id === 'anonymous') base.anonymousId = `anon-${context.newId().slice(0, 8)}`;
  else base.userId = 'user-123';
  base.messageId = context.newId();
  base.timestamp = context.now.toISOString();
  if (id === 'revenue') base.properties = { revenue: 4999, currency: 'USD' };
  if (id === 'traits') {
    const attributes = context.datafile?.attributes ?? [];
    const traits = Object.fromEntries((attributes.length > 0 ? attributes : ['plan']).map((key) => [key, sampleAttributeValue(key)]));
    base.context = { traits };
  }
  return base;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The console input a history record came from: for `/trackEvent` its body (payload, settings, mapping;
 * redacted secrets dropped), for tracking-API messages the normalised message. Undefined for records that
 * carry no Segment event (Event API sink, GDPR, …).
 */
export function inputFromRecord(record: HistoryRecord): ConsoleInput | undefined {
  if (record.route === 'trackEvent') {
    const body = parse(record.rawBody);
    if (isRecord(body) && 'payload' in body) {
      const input: ConsoleInput = { payload: body.payload };
      if (isRecord(body.settings)) {
        const settings = Object.fromEntries(Object.entries(body.settings).filter(([, value]) => value !== '<redacted>'));
        if (Object.keys(settings).length > 0) input.settings = settings;
      }
      if (isRecord(body.mapping)) input.mapping = body.mapping;
      return input;
    }
    return record.message !== undefined ? { payload: record.message } : undefined;
  }
  if (record.route === 'tracking' && record.message !== undefined) return { payload: record.message };
  return undefined;
}

/** A short label for a record in pickers and lists. */
export function recordLabel(record: HistoryRecord): string {
  const time = record.receivedAt.slice(11, 19);
  const what = record.event ?? record.type ?? record.route;
  return `${time} · ${what}${record.visitorId ? ` · ${record.visitorId}` : ''} · ${record.status}`;
}
