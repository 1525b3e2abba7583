/** One result shown by the console, from a send or a history record: verdict, request, exchanges, checks. */
import type { Check, ErrorInfo, EventApiRequest, Exchange, HistoryRecord } from '../protocol';
import type { MappingOutcome } from '../../emulator/history';

export interface ResultView {
  recordId: string;
  route: HistoryRecord['route'];
  status: HistoryRecord['status'];
  receivedAt: string;
  outcome?: MappingOutcome;
  request?: EventApiRequest;
  error?: ErrorInfo;
  exchanges: Exchange[];
  checks?: Check[];
  /** The payload after mapping (what `perform` received). */
  payload?: unknown;
  problems?: { pointer: string; message: string }[];
  attempts: number;
}

export function resultOf(record: HistoryRecord, checks?: Check[]): ResultView {
  const outcome = record.outcomes.find((item) => item.eventApiRequest || item.error) ?? record.outcomes[0];
  return {
    recordId: record.id,
    route: record.route,
    status: outcome?.status ?? record.status,
    receivedAt: record.receivedAt,
    outcome,
    request: outcome?.eventApiRequest as EventApiRequest | undefined,
    error: outcome?.error,
    exchanges: outcome?.exchanges ?? [],
    checks: checks ?? outcome?.checks ?? record.checks,
    payload: outcome?.payload,
    problems: record.problems,
    attempts: outcome?.attempts?.length ?? 1,
  };
}

export type Tone = 'ok' | 'warn' | 'error' | 'pending';

export interface Verdict {
  tone: Tone;
  title: string;
  detail?: string;
}

/** The exchange that posted the Event API body, if one was made. */
export function eventApiExchange(view: ResultView): Exchange | undefined {
  return [...view.exchanges].reverse().find((exchange) => exchange.request.method === 'POST');
}

export function verdictOf(view: ResultView): Verdict {
  const error = view.error;
  switch (view.status) {
    case 'sent': {
      const exchange = eventApiExchange(view);
      const where = exchange ? ` by ${exchange.request.url}` : '';
      const status = exchange?.response ? ` (${exchange.response.statusCode})` : '';
      return { tone: 'ok', title: 'Sent: the Event API accepted it', detail: `Accepted${where}${status}.` };
    }
    case 'rejected':
      return { tone: 'error', title: 'Segment rejects this event', detail: error ? `${error.name}: ${error.message}` : undefined };
    case 'failed':
      return { tone: 'error', title: 'Failed', detail: error ? `${error.name}${error.status ? ` (${error.status})` : ''}: ${error.message}` : undefined };
    case 'previewed':
      return { tone: 'warn', title: 'Built, not sent' };
    case 'received':
      return { tone: 'pending', title: 'Running…' };
    case 'skipped':
      return { tone: 'warn', title: 'No mapping matched', detail: "No enabled mapping's trigger matched this message." };
    default:
      return { tone: error ? 'error' : 'ok', title: view.status, detail: error?.message };
  }
}

export interface CheckCounts {
  fail: number;
  warn: number;
  info: number;
  pass: number;
}

export function checkCounts(checks: readonly Check[] | undefined): CheckCounts {
  const counts: CheckCounts = { fail: 0, warn: 0, info: 0, pass: 0 };
  for (const check of checks ?? []) counts[check.severity]++;
  return counts;
}

/** Checks worst first (fail, warn, info, pass), keeping their order otherwise. */
export function sortChecks(checks: readonly Check[]): Check[] {
  const rank = { fail: 0, warn: 1, info: 2, pass: 3 } as const;
  return checks.map((check, index) => ({ check, index })).sort((a, b) => rank[a.check.severity] - rank[b.check.severity] || a.index - b.index).map(({ check }) => check);
}

/** Segment's per-field messages (`error.fields`). */
export function fieldErrorsOf(view: ResultView | undefined): Record<string, string> {
  return { ...(view?.error?.fields ?? {}) };
}

