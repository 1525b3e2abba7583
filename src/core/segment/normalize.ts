/**
 * What Segment's Tracking API does to a message before destinations see it: the type from the route or
 * the batch item, a `messageId` when the client sent none, `receivedAt`, and `timestamp` corrected for the
 * client's clock skew (`receivedAt - (sentAt - originalTimestamp)`), plus its size limits.
 */
import { randomUUID } from 'node:crypto';
import { isPlainObject } from './realType';

export const MESSAGE_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Segment's documented limits: 32 KB per message, 500 KB per batch request. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

export interface NormalizedMessage extends Record<string, unknown> {
  type: string;
  messageId: string;
  receivedAt: string;
  timestamp: string;
}

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && (MESSAGE_TYPES as readonly string[]).includes(value);
}

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Normalises one message. `context.sentAt` is the batch-level `sentAt` when the item has none. The input
 * is not modified.
 */
export function normalizeMessage(
  message: Record<string, unknown>,
  context: { type?: string; receivedAt: Date; sentAt?: unknown; generateId?: () => string },
): NormalizedMessage {
  const receivedAt = context.receivedAt.toISOString();
  const normalized: Record<string, unknown> = { ...message };
  normalized.type = context.type ?? message.type;
  if (typeof normalized.messageId !== 'string' || normalized.messageId === '') {
    normalized.messageId = context.generateId ? context.generateId() : `api-${randomUUID()}`;
  }
  normalized.receivedAt = receivedAt;
  const sentAt = message.sentAt ?? context.sentAt;
  if (sentAt !== undefined && normalized.sentAt === undefined) normalized.sentAt = sentAt;
  if (message.timestamp !== undefined && message.timestamp !== null) {
    // An explicit timestamp (historical import) is kept; it is also the client's original time.
    normalized.originalTimestamp ??= message.timestamp;
    normalized.timestamp = message.timestamp;
  } else {
    const original = parseTime(message.originalTimestamp);
    const sent = parseTime(sentAt);
    const received = context.receivedAt.getTime();
    const corrected = original !== undefined && sent !== undefined ? received - (sent - original) : (original ?? received);
    normalized.timestamp = new Date(corrected).toISOString();
  }
  return normalized as NormalizedMessage;
}

/** Problems Segment would flag on a message (it still answers 200; they are recorded). */
export function messageProblems(message: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!isMessageType(message.type)) {
    problems.push(`type must be one of ${MESSAGE_TYPES.join(', ')}, got ${JSON.stringify(message.type)}`);
  }
  const hasId = (value: unknown) => (typeof value === 'string' && value !== '') || typeof value === 'number';
  if (!hasId(message.userId) && !hasId(message.anonymousId)) {
    problems.push('a userId or an anonymousId is required');
  }
  if (message.type === 'track' && (typeof message.event !== 'string' || message.event === '')) {
    problems.push('a track call needs an event name (event)');
  }
  if (message.properties !== undefined && !isPlainObject(message.properties)) {
    problems.push('properties must be an object');
  }
  return problems;
}
