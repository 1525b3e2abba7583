/**
 * Every message the emulator receives becomes one record with its outcome; nothing a user sent is lost.
 * Kept in a bounded in-memory ring; listeners hear about new and updated records (for streams and views).
 */
import { randomUUID } from 'node:crypto';
import type { ErrorInfo } from '../core/destination/errors';
import type { Exchange } from '../core/http/types';

export type HistoryRoute =
  | 'trackEvent'
  | 'trackEvent/eventKey'
  | 'authenticate'
  | 'delete'
  | 'eventApi'
  | 'gdpr'
  | 'tracking';

export type OutcomeStatus = 'sent' | 'previewed' | 'rejected' | 'failed' | 'recorded' | 'ok';

/** What one mapping (or entry point) did with the message. */
export interface MappingOutcome {
  mapping: string;
  status: OutcomeStatus;
  payload?: unknown;
  eventApiRequest?: { url: string; method: string; headers: Record<string, string>; body: string };
  exchanges: Exchange[];
  error?: ErrorInfo;
}

export interface HistoryRecord {
  id: string;
  route: HistoryRoute;
  receivedAt: string;
  /** The request body exactly as received (text), secrets redacted. */
  rawBody: string;
  /** The parsed message (for the tracking API: after Segment's normalisation). */
  message?: unknown;
  /** Summary fields for lists and filters. */
  event?: string;
  visitorId?: string;
  status: OutcomeStatus;
  outcomes: MappingOutcome[];
  /** For sink routes: the problems found in the body. */
  problems?: { pointer: string; message: string }[];
}

export type HistoryListener = (record: HistoryRecord, change: 'added' | 'updated' | 'cleared') => void;

export class History {
  private readonly records: HistoryRecord[] = [];
  private readonly listeners = new Set<HistoryListener>();

  constructor(private readonly limit = 5_000) {}

  add(partial: Omit<HistoryRecord, 'id' | 'receivedAt'> & { receivedAt?: string }): HistoryRecord {
    const record: HistoryRecord = { id: randomUUID(), receivedAt: new Date().toISOString(), ...partial };
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    this.emit(record, 'added');
    return record;
  }

  update(record: HistoryRecord): void {
    this.emit(record, 'updated');
  }

  get(id: string): HistoryRecord | undefined {
    return this.records.find((record) => record.id === id);
  }

  /** Newest first. */
  list(): HistoryRecord[] {
    return [...this.records].reverse();
  }

  get size(): number {
    return this.records.length;
  }

  clear(): void {
    this.records.length = 0;
    this.emit(undefined, 'cleared');
  }

  onChange(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(record: HistoryRecord | undefined, change: 'added' | 'updated' | 'cleared'): void {
    for (const listener of this.listeners) listener(record as HistoryRecord, change);
  }
}
