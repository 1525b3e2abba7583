/**
 * The Emulator view as data: state, URL and live-send mode at the top, then the received events newest
 * first, each expandable to its mapping outcomes (Event API request, error, HTTP exchanges) and checks.
 * Records are the emulator's history records as they are; nothing is re-computed. Pure: no `vscode`.
 */
import type { HistoryRecord, MappingOutcome, OutcomeStatus } from '../../emulator/history';
import { eventApiRequestOf, replayPath } from '../curl';
import { NodeFactory, plural, tags, type ModelNode, type NodeIcon } from './treeNode';

export type EmulatorState = 'stopped' | 'starting' | 'running' | 'stopping';

export interface HistoryTreeInput {
  state: EmulatorState;
  url?: string;
  live: boolean;
  /** Where Event API requests go now. */
  eventApiTarget?: string;
  /** The history, newest first. Records of the local sinks (Event API, GDPR) are not listed. */
  records: readonly HistoryRecord[];
  /** How many received events to list (the rest are behind "N older records…"). */
  shown?: number;
}

/** What the emulator's own stand-ins for Optimizely received; the console shows them, the view does not. */
const SINK_ROUTES = new Set<string>(['eventApi', 'gdpr']);

export function isReceivedEvent(record: Pick<HistoryRecord, 'route'>): boolean {
  return !SINK_ROUTES.has(record.route);
}

export interface HistoryTreeOptions {
  formatTime?: (iso: string) => string;
}

/** The check shape the emulator's diagnostics produce (records may carry none until they are wired). */
export interface CheckLike {
  id: string;
  severity: 'fail' | 'warn' | 'info' | 'pass' | string;
  title: string;
  detail?: string;
  fix?: string;
  docs?: string;
}

export function asChecks(value: unknown): CheckLike[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(
    (item): item is CheckLike => typeof item === 'object' && item !== null && typeof (item as CheckLike).title === 'string' && typeof (item as CheckLike).severity === 'string',
  );
}

/** What the user cares about for one record: did the conversion go out, and would it count. */
export type RecordOutcome = 'pending' | 'sent' | 'would-not-count' | 'previewed' | 'rejected' | 'failed' | 'skipped' | 'ok';

export function recordOutcome(record: { status: OutcomeStatus; checks?: unknown; outcomes: readonly MappingOutcome[] }): RecordOutcome {
  const status: OutcomeStatus = record.status;
  if (status === 'received') return 'pending';
  if (status === 'rejected') return 'rejected';
  if (status === 'failed') return 'failed';
  if (status === 'skipped') return 'skipped';
  const checks = [...(asChecks(record.checks) ?? []), ...record.outcomes.flatMap((outcome) => asChecks((outcome as { checks?: unknown }).checks) ?? [])];
  if ((status === 'sent' || status === 'previewed') && checks.some((check) => check.severity === 'fail')) return 'would-not-count';
  if (status === 'sent') return 'sent';
  if (status === 'previewed') return 'previewed';
  return 'ok';
}

const OUTCOME_ICONS: Record<RecordOutcome, NodeIcon> = {
  pending: { id: 'loading~spin' },
  sent: { id: 'pass', color: 'passed' },
  'would-not-count': { id: 'circle-slash', color: 'warning' },
  previewed: { id: 'eye', color: 'info' },
  rejected: { id: 'error', color: 'error' },
  failed: { id: 'debug-disconnect', color: 'error' },
  skipped: { id: 'debug-step-over', color: 'disabled' },
  ok: { id: 'check' },
};

const OUTCOME_TEXT: Record<RecordOutcome, string> = {
  pending: 'running through its mappings',
  sent: 'sent to the Event API',
  'would-not-count': 'sent, but the conversion would not count',
  previewed: 'previewed (not sent)',
  rejected: 'rejected by the destination (nothing sent)',
  failed: 'failed (the request did not succeed)',
  skipped: 'no enabled mapping matched',
  ok: 'done',
};

export function outcomeIcon(outcome: RecordOutcome): NodeIcon {
  return OUTCOME_ICONS[outcome];
}

const SEVERITY_ICONS: Record<string, NodeIcon> = {
  fail: { id: 'error', color: 'error' },
  warn: { id: 'warning', color: 'warning' },
  info: { id: 'info', color: 'info' },
  pass: { id: 'pass', color: 'passed' },
};

const ROUTE_LABELS: Record<string, string> = {
  trackEvent: 'POST /trackEvent',
  'trackEvent/eventKey': 'eventKey choices',
  authenticate: 'authenticate',
  delete: 'GDPR delete',
  eventApi: 'Event API batch',
  gdpr: 'GDPR request',
  tracking: 'message',
};

export function recordLabel(record: Pick<HistoryRecord, 'event' | 'type' | 'route'>): string {
  if (record.event) return record.event;
  if (record.type && record.route === 'tracking') return `(${record.type})`;
  return ROUTE_LABELS[record.route] ?? record.route;
}

/** The visitor: as mapped, else the message's userId / anonymousId as sent (rejected events have no mapped one). */
export function visitorOf(record: Pick<HistoryRecord, 'visitorId' | 'message'>): string | undefined {
  if (record.visitorId) return record.visitorId;
  const message = record.message as { userId?: unknown; anonymousId?: unknown } | undefined;
  const id = message?.userId ?? message?.anonymousId;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

function defaultTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export class HistoryTreeModel {
  private readonly nodes = new NodeFactory();
  private readonly formatTime: (iso: string) => string;

  constructor(
    readonly input: HistoryTreeInput,
    options: HistoryTreeOptions = {},
  ) {
    this.formatTime = options.formatTime ?? defaultTime;
  }

  get nodesCreated(): number {
    return this.nodes.created;
  }

  /** Empty while stopped, so the view's welcome content (with its Start button) shows. */
  roots(): ModelNode[] {
    const { state, url, live, eventApiTarget } = this.input;
    if (state === 'stopped') return [];
    const received = this.input.records.filter(isReceivedEvent);
    const total = received.length;
    const records = received.slice(0, this.input.shown ?? 200);
    const roots: ModelNode[] = [
      this.nodes.make({
        id: 'state',
        label: state === 'running' ? 'Running' : state === 'starting' ? 'Starting…' : 'Stopping…',
        description: url,
        tooltip: url ? `The emulator listens on ${url}` : undefined,
        icon: state === 'running' ? { id: 'vm-running', color: 'passed' } : { id: 'loading~spin' },
        contextValue: tags('emulatorState', state === 'running' && 'running', url && 'copyValue'),
        entity: url ? { kind: 'project', key: url } : undefined,
      }),
      this.nodes.make({
        id: 'live',
        label: live ? 'Live send: ON' : 'Live send: off',
        description: eventApiTarget,
        tooltip: live
          ? `Events are sent to Optimizely for real: ${eventApiTarget}`
          : `Event API requests go to ${eventApiTarget ?? "the emulator's local sink"}; nothing reaches Optimizely.`,
        icon: live ? { id: 'warning', color: 'warning' } : { id: 'shield' },
        contextValue: tags('liveSend', live ? 'liveOn' : 'liveOff'),
      }),
    ];
    if (records.length === 0) {
      roots.push(this.nodes.make({ id: 'empty', label: 'No events received yet', tooltip: 'Send one from the console, or POST to /trackEvent or /v1/track.', icon: { id: 'inbox' } }));
    }
    for (const record of records) roots.push(this.recordNode(record));
    if (total > records.length) {
      roots.push(
        this.nodes.make({
          id: 'more',
          label: `${plural(total - records.length, 'older record')}…`,
          tooltip: 'Show more records',
          icon: { id: 'ellipsis' },
          command: { id: 'segmentOptimizely.showMoreHistory', title: 'Show More' },
        }),
      );
    }
    return roots;
  }

  recordNode(record: HistoryRecord): ModelNode {
    const outcome = recordOutcome(record);
    const id = `record:${record.id}`;
    const checks = asChecks(record.checks);
    const outcomesHaveChecks = record.outcomes.some((o) => asChecks((o as { checks?: unknown }).checks) !== undefined);
    const hasApiRequest = eventApiRequestOf(record) !== undefined;
    return this.nodes.make({
      id,
      label: recordLabel(record),
      description: [visitorOf(record), this.formatTime(record.receivedAt)].filter(Boolean).join(' · '),
      tooltip: () =>
        [
          `${recordLabel(record)} — ${OUTCOME_TEXT[outcome]}`,
          `received ${record.receivedAt}${visitorOf(record) ? ` · visitor ${visitorOf(record)}` : ''}`,
          ...record.outcomes.map((o) => `${o.mapping}: ${o.status}${o.error ? ` — ${o.error.message}` : ''}`),
          ...(checks ?? []).filter((check) => check.severity === 'fail' || check.severity === 'warn').map((check) => `${check.severity === 'fail' ? '✗' : '!'} ${check.title}`),
        ].join('\n'),
      icon: outcomeIcon(outcome),
      contextValue: tags('record', replayPath(record) && 'resend', replayPath(record) && 'copyCurl', hasApiRequest && 'eventApi', record.event && 'compose', 'copyId'),
      entity: { kind: 'record', id: record.id, recordId: record.id, key: record.event },
      collapsible: 'collapsed',
      children: () => {
        const children: ModelNode[] = [];
        (record.problems ?? []).forEach((problem, i) =>
          children.push(this.leaf(`${id}/problem:${i}`, problem.message, problem.pointer || undefined, { id: 'warning', color: 'warning' })),
        );
        record.outcomes.forEach((o, i) => children.push(this.outcomeNode(record, o, i)));
        if (record.outcomes.length === 0 && record.status === 'received') children.push(this.leaf(`${id}/pending`, 'Running through the mappings…', undefined, { id: 'loading~spin' }));
        if (checks && !outcomesHaveChecks) children.push(...checks.map((check, i) => this.checkNode(`${id}/check:${i}`, check)));
        return children;
      },
    });
  }

  private outcomeNode(record: HistoryRecord, outcome: MappingOutcome, index: number): ModelNode {
    const id = `record:${record.id}/outcome:${index}`;
    const checks = asChecks((outcome as { checks?: unknown }).checks);
    const request = outcome.eventApiRequest;
    const icon = outcomeIcon(recordOutcome({ status: outcome.status, outcomes: [outcome], checks }));
    return this.nodes.make({
      id,
      label: outcome.mapping,
      description: [outcome.status, outcome.error ? outcome.error.message : undefined].filter(Boolean).join(' — '),
      tooltip: () => [`${outcome.mapping}: ${outcome.status}`, outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : '', request ? `${request.method} ${request.url}` : ''].filter(Boolean).join('\n'),
      icon,
      contextValue: tags('outcome', request && 'eventApi'),
      entity: { kind: 'outcome', recordId: record.id, outcomeIndex: index, key: record.event },
      collapsible: 'expanded',
      children: () => {
        const children: ModelNode[] = [];
        if (outcome.error) {
          children.push(this.leaf(`${id}/error`, outcome.error.message, outcome.error.name + (outcome.error.code ? ` (${outcome.error.code})` : ''), { id: 'error', color: 'error' }));
        }
        if (request) {
          children.push(
            this.nodes.make({
              id: `${id}/request`,
              label: 'Event API request',
              description: `${request.method} ${request.url}`,
              tooltip: request.body.length > 2_000 ? `${request.body.slice(0, 2_000)}…` : request.body,
              icon: { id: 'json' },
              contextValue: tags('eventApi', 'outcome'),
              entity: { kind: 'outcome', recordId: record.id, outcomeIndex: index },
            }),
          );
        }
        if (checks) children.push(...checks.map((check, i) => this.checkNode(`${id}/check:${i}`, check)));
        if (outcome.exchanges.length > 0) {
          children.push(
            this.nodes.make({
              id: `${id}/exchanges`,
              label: 'HTTP exchanges',
              description: String(outcome.exchanges.length),
              icon: { id: 'arrow-swap' },
              children: () =>
                outcome.exchanges.map((exchange, i) =>
                  this.leaf(
                    `${id}/exchange:${i}`,
                    `${exchange.request.method} ${exchange.request.url}`,
                    exchange.response ? `${exchange.response.statusCode} ${exchange.response.statusMessage} · ${exchange.durationMs} ms` : `no response: ${exchange.error ?? 'unknown error'}`,
                    exchange.response && exchange.response.statusCode < 400 ? { id: 'arrow-right' } : { id: 'error', color: 'error' },
                  ),
                ),
            }),
          );
        }
        if (outcome.attempts && outcome.attempts.length > 1) {
          children.push(this.leaf(`${id}/attempts`, `${outcome.attempts.length} attempts`, outcome.attempts.map((a) => `#${a.attempt} ${a.status}`).join(', '), { id: 'sync' }));
        }
        return children;
      },
    });
  }

  private checkNode(id: string, check: CheckLike): ModelNode {
    return this.nodes.make({
      id,
      label: check.title,
      description: check.detail,
      tooltip: [check.title, check.detail, check.fix ? `Fix: ${check.fix}` : '', check.docs ?? ''].filter(Boolean).join('\n'),
      icon: SEVERITY_ICONS[check.severity] ?? { id: 'circle-small' },
      contextValue: tags('check', check.docs && 'docs'),
      entity: { kind: 'outcome', key: check.id, ...(check.docs ? { url: check.docs } : {}) },
    });
  }

  private leaf(id: string, label: string, description: string | undefined, icon: NodeIcon): ModelNode {
    return this.nodes.make({ id, label, description, tooltip: description ? `${label}\n${description}` : label, icon });
  }
}
