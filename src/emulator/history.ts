/**
 * Every message the emulator receives becomes one record with its outcome; nothing a user sent is lost.
 * Kept in a bounded in-memory ring and, when a data directory is given, in `history.jsonl`. Listeners hear
 * about new and updated records (server-sent events, tree views).
 */
import { randomUUID } from 'node:crypto';
import type { ErrorInfo } from '../core/destination/errors';
import type { Exchange } from '../core/http/types';
import type { HistoryFile } from './historyFile';
import type { Check } from '../core/diagnose/types';

export type HistoryRoute =
  | 'trackEvent'
  | 'trackEvent/eventKey'
  | 'authenticate'
  | 'delete'
  | 'eventApi'
  | 'gdpr'
  | 'tracking';

/** received: accepted, mappings still running; skipped: no enabled mapping's trigger matched. */
export type OutcomeStatus = 'received' | 'sent' | 'previewed' | 'rejected' | 'failed' | 'recorded' | 'ok' | 'skipped';

/** One attempt of a delivery (live send retries Segment's way; each attempt is kept). */
export interface DeliveryAttempt {
  attempt: number;
  status: OutcomeStatus;
  exchanges: Exchange[];
  error?: ErrorInfo;
  /** Wait before the next attempt, when one followed. */
  retryInMs?: number;
}

/** What one mapping (or entry point) did with the message. */
export interface MappingOutcome {
  mapping: string;
  status: OutcomeStatus;
  payload?: unknown;
  eventApiRequest?: { url: string; method: string; headers: Record<string, string>; body: string };
  exchanges: Exchange[];
  error?: ErrorInfo;
  attempts?: DeliveryAttempt[];
  /** The diagnostics for this outcome (why it would or would not count). */
  checks?: Check[];
}

export interface HistoryRecord {
  id: string;
  /** Increases with every record; the paging cursor. */
  seq: number;
  route: HistoryRoute;
  receivedAt: string;
  /** When every mapping had finished (absent while `received`). */
  completedAt?: string;
  /** The request body exactly as received (text), secrets redacted. */
  rawBody: string;
  /** The message (for the tracking API: after Segment's normalisation). */
  message?: unknown;
  /** Summary fields for lists and filters. */
  type?: string;
  event?: string;
  visitorId?: string;
  status: OutcomeStatus;
  outcomes: MappingOutcome[];
  /** Problems found in the body (sinks, tracking API). */
  problems?: { pointer: string; message: string }[];
  /** The diagnostics of the first mapping's outcome, once computed. */
  checks?: Check[];
}

export type HistoryChange = 'added' | 'updated' | 'cleared';
export type HistoryListener = (record: HistoryRecord | undefined, change: HistoryChange) => void;

export interface HistoryFilter {
  event?: string;
  status?: string;
  route?: string;
  visitor?: string;
  text?: string;
  /** Records with `seq` below this (paging newest first). */
  before?: number;
  limit?: number;
}

export class History {
  private readonly records: HistoryRecord[] = [];
  private readonly byId = new Map<string, HistoryRecord>();
  private readonly listeners = new Set<HistoryListener>();
  private seq = 0;

  constructor(
    readonly limit = 5_000,
    private readonly file?: HistoryFile,
    log: (message: string) => void = () => undefined,
  ) {
    if (file) {
      file.onWriteError = log;
      const loaded = file.load(limit);
      for (const warning of loaded.warnings) log(warning);
      for (const record of loaded.records) this.insert(record);
      this.seq = loaded.records.reduce((max, record) => Math.max(max, record.seq ?? 0), 0);
    }
  }

  add(partial: Omit<HistoryRecord, 'id' | 'receivedAt' | 'seq'> & { receivedAt?: string }): HistoryRecord {
    const now = new Date().toISOString();
    const record: HistoryRecord = { id: randomUUID(), seq: ++this.seq, receivedAt: now, ...partial };
    if (record.status !== 'received') record.completedAt ??= now;
    this.insert(record);
    this.file?.append(record);
    this.emit(record, 'added');
    return record;
  }

  /** Call after changing a record in place (e.g. when its mappings finished). */
  update(record: HistoryRecord): void {
    if (record.status !== 'received') record.completedAt = new Date().toISOString();
    this.file?.append(record);
    if (this.byId.has(record.id)) this.emit(record, 'updated');
  }

  get(id: string): HistoryRecord | undefined {
    return this.byId.get(id);
  }

  /** Newest first. */
  list(filter: HistoryFilter = {}): HistoryRecord[] {
    const result: HistoryRecord[] = [];
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    for (let index = this.records.length - 1; index >= 0 && result.length < limit; index--) {
      const record = this.records[index];
      if (matches(record, filter)) result.push(record);
    }
    return result;
  }

  get size(): number {
    return this.records.length;
  }

  async clear(): Promise<void> {
    this.records.length = 0;
    this.byId.clear();
    await this.file?.clear();
    this.emit(undefined, 'cleared');
  }

  onChange(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Flushes the history file (graceful shutdown). */
  close(): Promise<void> {
    return this.file?.close() ?? Promise.resolve();
  }

  private insert(record: HistoryRecord): void {
    this.records.push(record);
    this.byId.set(record.id, record);
    if (this.records.length > this.limit) {
      for (const dropped of this.records.splice(0, this.records.length - this.limit)) this.byId.delete(dropped.id);
    }
  }

  private emit(record: HistoryRecord | undefined, change: HistoryChange): void {
    for (const listener of this.listeners) {
      try {
        listener(record, change);
      } catch {
        // A failing listener (e.g. a closed stream) must not break recording.
      }
    }
  }
}

function matches(record: HistoryRecord, filter: HistoryFilter): boolean {
  if (filter.before !== undefined && record.seq >= filter.before) return false;
  if (filter.route && record.route !== filter.route) return false;
  if (filter.status && record.status !== filter.status) return false;
  if (filter.event && record.event !== filter.event) return false;
  if (filter.visitor && record.visitorId !== filter.visitor) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const haystack = `${record.event ?? ''}\n${record.visitorId ?? ''}\n${record.rawBody}`.toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}
