/**
 * Every cause of a conversion that would not count, as a check with a stable id. Each check looks at one
 * concern and says what it saw (the exact values), what to change and where to read more.
 */
import { isPlainObject } from '../segment/realType';
import { isRunning } from '../datafile/index';
import { toEventApiTimestamp } from '../destination/timestamp';
import { isRetryableStatus } from '../destination/errors';
import type { Check } from './types';
import { DOCS } from './types';
import { firstEvent, sentBody, type CheckContext } from './context';

type CheckFunction = (context: CheckContext) => Check[];

const json = (value: unknown) => JSON.stringify(value);

function properties(context: CheckContext): Record<string, unknown> {
  return isPlainObject(context.event.properties) ? context.event.properties : {};
}

function traits(context: CheckContext): Record<string, unknown> | undefined {
  const eventContext = context.event.context;
  return isPlainObject(eventContext) && isPlainObject(eventContext.traits) ? eventContext.traits : undefined;
}

/** Segment rejected the event before sending: one check per validation problem, with the exact fix. */
const segmentValidation: CheckFunction = ({ result, event }) => {
  const error = result.error;
  if (!error || error.name !== 'AggregateAjvError') {
    return result.payload ? [{ id: 'segment.validation', severity: 'pass', title: 'Segment accepts the mapped payload', detail: 'Every field passes the destination\'s validation.', fix: '' }] : [];
  }
  const props = isPlainObject(event.properties) ? event.properties : {};
  // The values as mapped (a mapping may take revenue or value from another property); the settings are
  // validated before mapping, so no mapped payload means the problem is in the settings.
  const mapped = result.mapped;
  const mappedValue = (field: string) => (mapped && field in mapped ? mapped[field] : props[field]);
  return Object.entries(error.fields ?? { $: error.message }).map(([field, message]) => {
    let fix = `Fix the value mapped to "${field}".`;
    if (!mapped) {
      fix = `Fix the destination setting "${field}" (the settings are accountId, dataFileUrl and an optional accessToken).`;
    } else if (field === 'revenue') {
      const revenue = mappedValue('revenue');
      const cents = typeof revenue === 'number' ? Math.round(revenue * 100) : typeof revenue === 'string' && !Number.isNaN(Number(revenue)) ? Math.round(Number(revenue) * 100) : undefined;
      fix = cents !== undefined
        ? `Segment requires integer cents: send ${cents} instead of ${json(revenue)} (multiply dollars by 100, e.g. with a mapping or in your tracking code).`
        : 'Send revenue as an integer number of cents (e.g. 1999 for $19.99).';
    } else if (field === 'value') {
      fix = `Send properties.value as a number, got ${json(mappedValue('value'))}.`;
    } else if (field === 'timestamp') {
      fix = 'Send an ISO-8601 timestamp (e.g. 2024-01-08T13:52:50.212Z) or epoch milliseconds.';
    } else if (field === 'userId') {
      fix = 'Send a userId or an anonymousId (an empty-string userId counts as missing).';
    } else if (field === 'eventKey') {
      fix = 'Send the event name (the track call\'s "event"), or map Event Key to where it is.';
    } else if (field === 'uuid') {
      fix = 'Send a messageId (Segment\'s libraries set one; a hand-made request must too).';
    } else if (field === 'attributes') {
      fix = 'Send context.traits as an object of trait → value.';
    }
    return { id: 'segment.validation', severity: 'fail' as const, title: `Segment rejects the event: ${message}`, detail: `${message} Nothing is sent to Optimizely; the whole event is dropped.`, fix, docs: DOCS.segmentDestination };
  });
};

/** The datafile could not be fetched, is not JSON (deactivated project), or was served with the wrong type. */
const datafileReachable: CheckFunction = ({ result, datafile }) => {
  const error = result.error;
  const get = result.exchanges.find((exchange) => exchange.request.method === 'GET');
  if (error?.code === 'PROJECT_DEACTIVATED') {
    return [{ id: 'datafile.deactivated', severity: 'fail', title: 'The datafile URL does not return JSON (project deactivated?)', detail: `GET ${get?.request.url ?? 'dataFileUrl'} answered ${json(error.message.slice(0, 200))}. Segment reports this as PROJECT_DEACTIVATED and sends nothing.`, fix: 'Activate the project in Optimizely, or point dataFileUrl at the datafile of an active environment.', docs: DOCS.datafile }];
  }
  if (get && (error?.name === 'HTTPError' || error?.name === 'TimeoutError' || error?.name === 'FetchError') && !result.eventApiRequest) {
    return [{ id: 'datafile.unreachable', severity: 'fail', title: 'Segment cannot fetch the datafile', detail: `GET ${get.request.url} failed: ${error.message}${error.status ? ` (${error.status})` : ''}.`, fix: 'Check dataFileUrl (the SDK key in it, the environment) and that the URL is public.', docs: DOCS.datafile }];
  }
  const contentType = get?.response?.headers['content-type'] ?? '';
  if (get?.response && get.response.statusCode < 300 && !contentType.includes('application/json')) {
    return [{ id: 'datafile.content-type', severity: 'fail', title: 'The datafile is not served as application/json', detail: `GET ${get.request.url} answered content-type ${json(contentType)}. Segment only parses JSON when the content-type says so, so it finds no events and reports every key as "not defined".`, fix: 'Serve the datafile with Content-Type: application/json (Optimizely\'s CDN does).', docs: DOCS.datafile }];
  }
  return datafile ? [{ id: 'datafile.reachable', severity: 'pass', title: 'The datafile is reachable and valid JSON', detail: `Revision ${datafile.revision}, account ${datafile.accountId}.`, fix: '' }] : [];
};

const eventKnown: CheckFunction = ({ result, index }) => {
  // When validation failed there is no payload, but the mapped key can still be looked up.
  const key = result.payload?.eventKey ?? result.mapped?.eventKey;
  if (!index || typeof key !== 'string') return [];
  if (index.eventsByKey.has(key)) {
    return [{ id: 'event.known-key', severity: 'pass', title: `"${key}" is an event in the datafile`, detail: `Event id ${index.eventsByKey.get(key)!.id}.`, fix: '' }];
  }
  const suggestions = index.nearestEventKeys(key, 3);
  const known = index.events.length;
  const hint = suggestions.length > 0 ? ` Nearest: ${suggestions.map((s) => `"${s.key}" (${s.reason})`).join(', ')}.` : ` The datafile has ${known} event${known === 1 ? '' : 's'}.`;
  return [{
    id: 'event.unknown-key',
    severity: 'fail',
    title: `Event key "${key}" is not in the datafile`,
    detail: `Segment matches event keys exactly (case and spaces count) and answers "Event with name ${key} is not defined".${hint}`,
    fix: suggestions.length > 0 ? `Send "${suggestions[0].key}" as the event name, or map Event Key to it.` : 'Create the event in Optimizely (in this environment) or fix the event name.',
    docs: DOCS.segmentDestination,
  }];
};

const eventUsedByRunningExperiment: CheckFunction = ({ result, index }) => {
  const key = result.payload?.eventKey;
  if (!index || typeof key !== 'string' || !index.eventsByKey.has(key)) return [];
  const experiments = index.experimentsForEvent(key);
  if (experiments.length === 0) {
    return [{ id: 'event.not-a-metric', severity: 'fail', title: `"${key}" is a metric of no experiment`, detail: 'No experiment or flag rule lists this event, so conversions are recorded but appear in no results.', fix: `Add "${key}" as a metric to the experiment (or flag rule) you are measuring.`, docs: DOCS.eventApiTroubleshooting }];
  }
  const running = experiments.filter((experiment) => isRunning(experiment));
  if (running.length === 0) {
    const list = experiments.map((experiment) => `${experiment.key} (${experiment.experiment.status})`).join(', ');
    return [{ id: 'event.no-running-experiment', severity: 'fail', title: `No running experiment uses "${key}"`, detail: `It is a metric of ${list}. Only running experiments collect results.`, fix: 'Start (or resume) the experiment, or add the event to a running one.', docs: DOCS.eventApiTroubleshooting }];
  }
  const stopped = experiments.filter((experiment) => !isRunning(experiment));
  const checks: Check[] = [{ id: 'event.running-experiments', severity: 'pass', title: `"${key}" is a metric of ${running.length} running experiment${running.length === 1 ? '' : 's'}`, detail: running.map((experiment) => experiment.key).join(', '), fix: '' }];
  if (stopped.length > 0) {
    checks.push({ id: 'event.stopped-experiments', severity: 'info', title: `${stopped.length} other experiment${stopped.length === 1 ? '' : 's'} using "${key}" ${stopped.length === 1 ? 'is' : 'are'} not running`, detail: stopped.map((experiment) => `${experiment.key} (${experiment.experiment.status})`).join(', '), fix: '', docs: DOCS.eventApiTroubleshooting });
  }
  return checks;
};

const visitorBucketed: CheckFunction = ({ decisions, datafile, result }) => {
  const running = decisions.filter((decision) => decision.status === 'Running');
  if (running.length === 0 || !result.payload) return [];
  const visitor = result.payload.userId;
  const bucketed = running.filter((decision) => decision.variationKey !== null);
  const checks: Check[] = [];
  if (bucketed.length === 0) {
    // Each conclusion is a sentence of its own; drop its full stop so the list reads as one.
    const why = running.map((decision) => `${decision.experimentKey}: ${(decision.reasons[decision.reasons.length - 1] ?? 'not bucketed').replace(/\.$/, '')}`).join('; ');
    checks.push({ id: 'decision.not-bucketed', severity: 'fail', title: `Visitor "${visitor}" is bucketed into no running experiment that uses this event`, detail: `${why}. Without a decision there is nothing to attribute the conversion to.`, fix: 'Check the audience conditions and traffic allocation, and that the attributes sent with decide() match.', docs: DOCS.eventApiTroubleshooting });
  } else {
    const silent = bucketed.filter((decision) => !decision.impressionSent);
    const counted = bucketed.filter((decision) => decision.impressionSent);
    if (counted.length > 0) {
      checks.push({ id: 'decision.bucketed', severity: 'pass', title: `Visitor "${visitor}" is bucketed`, detail: counted.map((decision) => `${decision.experimentKey} → ${decision.variationKey}`).join(', '), fix: '' });
    }
    if (silent.length > 0) {
      checks.push({ id: 'decision.no-impression', severity: counted.length > 0 ? 'warn' : 'fail', title: 'The visitor lands in a delivery rule whose decisions are not sent', detail: `${silent.map((decision) => `${decision.flagKey ?? ''}/${decision.ruleKey ?? decision.experimentKey} → ${decision.variationKey}`).join(', ')}; sendFlagDecisions is ${json(datafile?.sendFlagDecisions ?? false)}, so no impression exists to attribute conversions to.`, fix: 'Turn on "send flag decisions" for the project, or measure with an A/B test rule.', docs: DOCS.eventApiTroubleshooting });
    }
  }
  return checks;
};

const visitorIdentity: CheckFunction = ({ event, result, recordedDecisions, decisions }) => {
  if (!result.payload) return [];
  const visitor = result.payload.userId;
  // Where the visitor id came from: the default mapping takes userId, else anonymousId, but the User ID
  // field may be mapped to either (or to something else); ajv turns a numeric id into its string.
  const isVisitor = (id: unknown) => (typeof id === 'string' || typeof id === 'number') && String(id) === visitor;
  const source = isVisitor(event.userId) ? 'userId' : isVisitor(event.anonymousId) ? 'anonymousId' : 'the mapped User ID field';
  const usedUserId = source === 'userId';
  const other = usedUserId ? event.anonymousId : event.userId;
  const checks: Check[] = [{
    id: 'visitor.id-source',
    severity: 'info',
    title: `Segment sends visitor_id "${visitor}" (from ${source})`,
    detail: usedUserId && typeof other === 'string' ? `The anonymousId "${other}" is not used. Decisions must be made with the same id.` : 'Decisions (decide / activate) must use this same id.',
    fix: '',
    docs: DOCS.segmentDestination,
  }];
  if (!recordedDecisions) return checks;
  const experimentIds = new Set(decisions.map((decision) => decision.experimentId));
  const relevant = recordedDecisions.filter((decision) => experimentIds.size === 0 || experimentIds.has(decision.experimentId));
  const mine = relevant.filter((decision) => decision.visitorId === visitor);
  const timestamp = firstEvent(sentBody({ result }))?.timestamp ?? undefined;
  if (mine.length > 0) {
    const earliest = Math.min(...mine.map((decision) => decision.timestamp));
    if (typeof timestamp === 'number' && timestamp < earliest) {
      checks.push({ id: 'timestamp.before-decision', severity: 'fail', title: 'The conversion is older than the visitor\'s first decision', detail: `Conversion at ${new Date(timestamp).toISOString()}, first decision at ${new Date(earliest).toISOString()}. Optimizely attributes conversions only after a decision.`, fix: 'Send the event\'s real time, and decide before tracking.', docs: DOCS.eventApiTroubleshooting });
    } else {
      const before = typeof timestamp === 'number' ? mine.filter((decision) => decision.timestamp <= timestamp).length : mine.length;
      checks.push({ id: 'visitor.decision-found', severity: 'pass', title: `A decision for "${visitor}" was recorded`, detail: `${before} decision${before === 1 ? '' : 's'} for these experiments before the conversion.`, fix: '' });
    }
    return checks;
  }
  const otherIds = [event.userId, event.anonymousId].filter((id): id is string => typeof id === 'string' && id !== visitor);
  const mismatched = relevant.filter((decision) => otherIds.includes(decision.visitorId));
  if (mismatched.length > 0) {
    checks.push({ id: 'visitor.id-mismatch', severity: 'fail', title: 'The decision was made for the other id', detail: `Decisions were recorded for "${mismatched[0].visitorId}", but Segment sends the conversion as "${visitor}". Optimizely cannot join them.`, fix: usedUserId ? 'Call decide() with the userId (after login), or map User ID to anonymousId in the destination.' : 'Identify the user before deciding, or decide with the anonymousId.', docs: DOCS.segmentDestination });
  } else {
    checks.push({ id: 'visitor.no-decision', severity: 'warn', title: `No decision recorded for "${visitor}"`, detail: `The emulator has seen ${relevant.length} decision${relevant.length === 1 ? '' : 's'} for these experiments, none for this visitor.`, fix: 'Make sure the app decides (decide / activate) for this visitor before tracking, with the same id.', docs: DOCS.eventApiTroubleshooting });
  }
  return checks;
};

const timestampChecks: CheckFunction = (context) => {
  const raw = context.event.timestamp;
  // The body's timestamp; for an event rejected later (e.g. unknown key), what it would have been.
  const payloadTimestamp = context.result.payload?.timestamp;
  const sent = firstEvent(sentBody(context))?.timestamp ?? (payloadTimestamp !== undefined ? toEventApiTimestamp(payloadTimestamp) : undefined);
  if (sent === undefined) return [];
  const checks: Check[] = [];
  if (sent === null || !Number.isFinite(sent)) {
    checks.push({ id: 'timestamp.invalid', severity: 'fail', title: 'The Event API timestamp is not a number', detail: `${json(raw)} became ${json(sent)}.`, fix: 'Send an ISO-8601 timestamp.', docs: DOCS.eventApiTroubleshooting });
  } else if (typeof raw === 'string' && String(Number(raw)) === raw) {
    checks.push({ id: 'timestamp.numeric-string', severity: 'fail', title: 'A numeric-string timestamp is mis-parsed', detail: `"${raw}" is sent as ${sent} (${new Date(sent).toISOString()}). Segment passes it to dayjs, which does not read it as epoch time.`, fix: 'Send an ISO-8601 string, or the epoch milliseconds as a number.', docs: DOCS.eventApiTroubleshooting });
  } else if (sent < 100_000_000_000) {
    checks.push({ id: 'timestamp.seconds', severity: 'fail', title: 'The timestamp looks like seconds, taken as milliseconds (1970)', detail: `${json(raw)} is sent as ${sent} = ${new Date(sent).toISOString()}. Segment takes numbers as milliseconds.`, fix: typeof raw === 'number' ? `Send ${raw * 1000} (milliseconds) or an ISO-8601 string.` : 'Send an ISO-8601 timestamp.', docs: DOCS.eventApiTroubleshooting });
  } else if (sent > context.now + 5 * 60_000) {
    checks.push({ id: 'timestamp.future', severity: 'warn', title: 'The timestamp is in the future', detail: `${new Date(sent).toISOString()} is ${Math.round((sent - context.now) / 60_000)} minutes ahead of now.`, fix: 'Check the clock of the sender, or send originalTimestamp/sentAt so Segment corrects the skew.', docs: DOCS.eventApiTroubleshooting });
  } else {
    checks.push({ id: 'timestamp.ok', severity: 'pass', title: 'The timestamp is plausible', detail: new Date(sent).toISOString(), fix: '' });
  }
  return checks;
};

const revenueChecks: CheckFunction = (context) => {
  const event = firstEvent(sentBody(context));
  if (!event) return [];
  const props = properties(context);
  const checks: Check[] = [];
  if (typeof event.revenue === 'number' && event.revenue > 0 && event.revenue < 100) {
    checks.push({ id: 'revenue.maybe-dollars', severity: 'warn', title: `Revenue ${event.revenue} is $${(event.revenue / 100).toFixed(2)}: was it meant in dollars?`, detail: 'Optimizely reads revenue as integer cents.', fix: `If this was $${event.revenue}, send ${event.revenue * 100}.`, docs: DOCS.eventTags });
  }
  if (event.revenue === undefined) {
    const moneyLike = ['total', 'price', 'amount', 'subtotal'].filter((key) => typeof props[key] === 'number');
    if (moneyLike.length > 0) {
      checks.push({ id: 'revenue.missing', severity: 'info', title: 'No revenue is sent, but the event has money-like properties', detail: `${moneyLike.map((key) => `${key} = ${json(props[key])}`).join(', ')} go to tags, which revenue metrics ignore.`, fix: 'Send properties.revenue in integer cents, or map Revenue to the right property (in cents).', docs: DOCS.eventTags });
    }
  }
  if (typeof props.value === 'number' && event.value === undefined) {
    checks.push({ id: 'value.dropped', severity: 'warn', title: 'properties.value is not sent as the event value', detail: `The Value field is mapped elsewhere; ${json(props.value)} is also removed from tags.`, fix: 'Map Value to $.properties.value.', docs: DOCS.eventTags });
  }
  return checks;
};

const attributeChecks: CheckFunction = (context) => {
  const given = traits(context);
  const body = sentBody(context);
  if (!body || !context.index) return [];
  const datafile = context.datafile;
  const checks: Check[] = [];
  const mappedAttributes = context.result.payload?.attributes;
  if (mappedAttributes) {
    for (const [key, value] of Object.entries(mappedAttributes)) {
      let reason: string | undefined;
      if (!context.index.attributesByKey.has(key)) {
        reason = key.startsWith('$opt_') ? `"${key}" is a reserved $opt_ attribute the datafile does not declare; Segment drops it` : `"${key}" is not an attribute in the datafile`;
      } else if (!['string', 'number', 'boolean'].includes(typeof value)) {
        reason = `"${key}" is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}; only strings, numbers and booleans are sent`;
      }
      if (reason) {
        const fix = context.index.attributesByKey.has(key)
          ? 'Send a string, number or boolean.'
          : key.startsWith('$opt_')
            ? `Leave "${key}" out: $opt_ keys are reserved by Optimizely (a custom attribute key cannot start with "$"), so Segment never sends it; send it with an Optimizely SDK instead.`
            : `Create the attribute "${key}" in Optimizely, or leave it out.`;
        checks.push({ id: 'attributes.dropped', severity: 'warn', title: `Attribute "${key}" is dropped`, detail: `${reason}. Results cannot be segmented by it.`, fix, docs: DOCS.eventApi });
      }
    }
  } else if (given === undefined) {
    checks.push({ id: 'attributes.none', severity: 'info', title: 'No attributes are sent', detail: 'The event has no context.traits. Server-side libraries do not add traits by themselves.', fix: 'Add context.traits to the track call if audiences or segments use attributes.', docs: DOCS.segmentDestination });
  }
  if (typeof datafile?.botFiltering === 'boolean') {
    const userAgent = isPlainObject(context.event.context) ? context.event.context.userAgent : undefined;
    checks.push({ id: 'attributes.bot-filtering', severity: 'info', title: `Bot filtering is ${datafile.botFiltering ? 'on' : 'off'}`, detail: `$opt_bot_filtering = ${datafile.botFiltering} is sent. ${userAgent ? `context.userAgent ${json(userAgent)} is not forwarded as $opt_user_agent by Segment.` : 'No $opt_user_agent is sent, so Optimizely cannot filter this event as a bot.'}`, fix: '', docs: DOCS.botFiltering });
  }
  return checks;
};

const datafileSettings: CheckFunction = ({ datafile }) => {
  if (!datafile) return [];
  const checks: Check[] = [];
  const region = (datafile as { region?: unknown }).region;
  if (region === 'EU') {
    checks.push({ id: 'datafile.region-eu', severity: 'fail', title: 'The project is EU-hosted, but Segment posts to the US endpoint', detail: 'The datafile says region "EU"; Segment\'s destination always sends to https://logx.optimizely.com/v1/events, not https://eu.logx.optimizely.com/v1/events.', fix: 'Ask Optimizely about EU data residency with Segment, or send events with an SDK configured for the EU endpoint.', docs: DOCS.eventApi });
  }
  const environment = (datafile as { environmentKey?: unknown }).environmentKey;
  checks.push({ id: 'datafile.environment', severity: 'info', title: `Datafile of environment ${json(environment ?? 'unknown')}, revision ${datafile.revision}`, detail: `Account ${datafile.accountId}, project ${datafile.projectId}. Conversions count only in the environment whose experiments decided the visitor.`, fix: '', docs: DOCS.datafile });
  return checks;
};

const uuidReuse: CheckFunction = ({ result, earlierUses }) => {
  const uuid = result.payload?.uuid;
  if (!uuid || !earlierUses || earlierUses.length === 0) return [];
  return [{ id: 'event.duplicate-uuid', severity: 'warn', title: `messageId "${uuid}" was already used`, detail: `${earlierUses.length} earlier event${earlierUses.length === 1 ? '' : 's'} used it (${earlierUses.slice(0, 3).map((use) => use.eventKey).join(', ')}). Optimizely keeps one event per uuid + timestamp + event id.`, fix: 'Let the Segment library generate a unique messageId per event.', docs: DOCS.eventApiTroubleshooting }];
};

/** 3.5 MB: the Event API's size limit per request. */
export const EVENT_API_MAX_BYTES = 3.5 * 1024 * 1024;

const bodySize: CheckFunction = ({ result }) => {
  const body = result.eventApiRequest?.body;
  if (!body) return [];
  const bytes = Buffer.byteLength(body);
  if (bytes <= EVENT_API_MAX_BYTES) return [];
  return [{ id: 'body.too-large', severity: 'fail', title: 'The Event API body is over 3.5 MB', detail: `${bytes} bytes.`, fix: 'Send fewer or smaller properties (they all become tags).', docs: DOCS.eventApi }];
};

const eventApiAnswer: CheckFunction = ({ result }) => {
  if (!result.eventApiRequest || result.status !== 'failed' || !result.error) return [];
  const status = result.error.status;
  // Segment retries 5xx (but 501), 408, 423, 429 and answers that never came (timeouts, network errors).
  const fix =
    status === undefined
      ? 'No answer arrived (timeout or network error); Segment retries it. Check that the Event API URL is reachable.'
      : isRetryableStatus(status)
        ? `Segment retries ${status} answers; check Optimizely's status.`
        : 'Check the body against the Event API schema (the emulator\'s sink with X-Optimizely-Strict: true lists every problem).';
  return [{ id: 'eventapi.rejected', severity: 'fail', title: 'The Event API refused the request', detail: `${result.error.name}: ${result.error.message}${status ? ` (${status})` : ''}.`, fix, docs: DOCS.eventApi }];
};

export const CHECKS: readonly CheckFunction[] = [
  segmentValidation,
  datafileReachable,
  eventKnown,
  eventUsedByRunningExperiment,
  visitorBucketed,
  visitorIdentity,
  timestampChecks,
  revenueChecks,
  attributeChecks,
  datafileSettings,
  uuidReuse,
  bodySize,
  eventApiAnswer,
];

const ORDER: Record<Check['severity'], number> = { fail: 0, warn: 1, info: 2, pass: 3 };

/** Runs every check; fails first, then warnings, information, passes (stable within a severity). */
export function runChecks(context: CheckContext): Check[] {
  return CHECKS.flatMap((check) => check(context)).sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
