/**
 * History record actions that need the emulator but not VS Code: re-sending a record through the same
 * entry point it came in on, and the NDJSON export. Re-sending calls the emulator service (the one
 * mapping core runs there); nothing is mapped here. Pure: no `vscode` import.
 */
import type { EmulatorService } from '../emulator/service';
import type { HistoryRecord } from '../emulator/history';
import { normalizeMessage } from '../core/segment/normalize';
import { REDACTED } from '../core/http/redact';

export type ResendService = Pick<EmulatorService, 'trackEvent' | 'ingest'>;

export class ResendError extends Error {}

function withoutRedacted(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  // A secret was redacted when recorded; sending "<redacted>" would replace the emulator's own value.
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== REDACTED));
}

/**
 * Sends the record's original body again: `/trackEvent` records through `service.trackEvent`, tracking-API
 * records through `service.ingest` (normalised again, with a new receivedAt). Returns the new record.
 */
export async function resendRecord(service: ResendService, record: HistoryRecord): Promise<HistoryRecord> {
  let body: unknown;
  try {
    body = JSON.parse(record.rawBody);
  } catch {
    throw new ResendError(`Record ${record.id} has no JSON body to send again.`);
  }
  if (record.route === 'trackEvent') {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ResendError('The recorded /trackEvent body is not an object.');
    const input = body as { payload?: unknown; settings?: unknown; mapping?: unknown };
    const next: { payload: unknown; settings?: unknown; mapping?: Record<string, unknown> } = { payload: input.payload };
    if (input.settings !== undefined) next.settings = withoutRedacted(input.settings);
    if (input.mapping !== undefined) next.mapping = input.mapping as Record<string, unknown>;
    const { record: sent } = await service.trackEvent(next, JSON.stringify(next));
    return sent;
  }
  if (record.route === 'tracking') {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ResendError('The recorded message is not an object.');
    const message = normalizeMessage(body as Record<string, unknown>, { type: record.type, receivedAt: new Date() });
    const [sent] = service.ingest([{ message, rawBody: record.rawBody }]);
    return sent;
  }
  throw new ResendError(`Records of ${record.route} cannot be sent again; only /trackEvent and tracking-API messages can.`);
}

/** The history as NDJSON, oldest first (as `GET /api/events.ndjson`). `records` are newest first. */
export function historyToNdjson(records: readonly HistoryRecord[]): string {
  const lines: string[] = [];
  for (let i = records.length - 1; i >= 0; i--) lines.push(JSON.stringify(records[i]));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
