/**
 * Segment's HTTP Tracking API, so `@segment/analytics-node`, analytics.js or a plain curl can point at the
 * emulator: `/v1/track|identify|page|screen|group|alias`, `/v1/batch` (and `/v1/import`), plus
 * analytics.js' short paths (`/v1/t`, `/v1/i`, …, sent as text/plain). Write key by HTTP Basic user name
 * or `writeKey` in the body; Segment's size limits; `{"success": true}` on 200.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, normalizeMessage, type NormalizedMessage } from '../../core/segment/normalize';
import { isPlainObject } from '../../core/segment/realType';
import { redactText } from '../../core/http/redact';
import type { EmulatorService } from '../service';

const SINGLE_ROUTES: Record<string, string> = {
  track: 'track', identify: 'identify', page: 'page', screen: 'screen', group: 'group', alias: 'alias',
  t: 'track', i: 'identify', p: 'page', s: 'screen', g: 'group', a: 'alias',
};
const BATCH_ROUTES = ['batch', 'import', 'b'];
export const TRACKING_ROUTES = [...Object.keys(SINGLE_ROUTES), ...BATCH_ROUTES].map((name) => `/v1/${name}`);

/** Bodies up to 1 MB are read so that Segment's own 32 KB / 500 KB answers can be given. */
const READ_LIMIT = '1mb';

function fail(res: Response, status: number, message: string): void {
  res.status(status).json({ success: false, message });
}

function writeKeyOf(req: Request, body: Record<string, unknown> | undefined): string | undefined {
  const header = req.get('authorization') ?? '';
  const basic = /^Basic\s+(\S+)/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    return decoded.split(':')[0];
  }
  return typeof body?.writeKey === 'string' ? body.writeKey : undefined;
}

export function trackingRoutes(service: EmulatorService): Router {
  const router = Router();
  const readBody = express.text({ type: () => true, limit: READ_LIMIT });

  // A body beyond what is read at all still gets Segment's answer (400 naming its limit), not a generic 413.
  const readBodyWithinLimit = (req: Request, res: Response, next: NextFunction) =>
    readBody(req, res, (error?: unknown) => {
      const tooLarge = error as { type?: string; length?: number; received?: number } | undefined;
      if (tooLarge?.type !== 'entity.too.large') {
        next(error);
        return;
      }
      const batch = BATCH_ROUTES.includes(req.path.slice('/v1/'.length));
      // Known up front from Content-Length; a chunked body reports what had arrived when reading stopped.
      const bytes = tooLarge.length ?? tooLarge.received;
      const message = batch
        ? `Batch of ${bytes} bytes exceeds Segment's 500 KB limit per batch request; send smaller batches.`
        : `The message is ${bytes} bytes, over Segment's 32 KB limit per message; trim its properties or context.`;
      service.history.add({ route: 'tracking', rawBody: `(${bytes} bytes, not kept)`, status: 'rejected', outcomes: [], problems: [{ pointer: '', message }] });
      fail(res, 400, message);
    });

  router.post(TRACKING_ROUTES, readBodyWithinLimit, (req: Request, res: Response) => {
    const name = req.path.slice('/v1/'.length);
    const raw = typeof req.body === 'string' ? req.body : '';
    const secrets = service.secrets();
    const reject = (status: number, message: string) => {
      service.history.add({
        route: 'tracking',
        rawBody: redactText(raw.length > MAX_BATCH_BYTES ? `${raw.slice(0, 2048)}… (${Buffer.byteLength(raw)} bytes)` : raw, secrets),
        status: 'rejected',
        outcomes: [],
        problems: [{ pointer: '', message }],
      });
      fail(res, status, message);
    };
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (error) {
      reject(400, `The body of POST ${req.path} is not valid JSON: ${(error as Error).message}.`);
      return;
    }
    if (!isPlainObject(body)) {
      reject(400, `The body of POST ${req.path} must be a JSON object, got ${Array.isArray(body) ? 'an array' : typeof body}.`);
      return;
    }
    const expectedKey = service.config.writeKey;
    if (expectedKey !== undefined && writeKeyOf(req, body) !== expectedKey) {
      reject(401, 'Invalid or missing write key: send it as the HTTP Basic user name (Authorization: Basic base64("<writeKey>:")) or as "writeKey" in the body.');
      return;
    }
    const size = Buffer.byteLength(raw);
    const isBatch = BATCH_ROUTES.includes(name);
    if (isBatch && size > MAX_BATCH_BYTES) {
      reject(400, `Batch of ${size} bytes exceeds Segment's 500 KB limit per batch request; send smaller batches.`);
      return;
    }
    const items = isBatch ? body.batch : [body];
    if (!Array.isArray(items)) {
      reject(400, `A batch needs a "batch" array of messages, got ${JSON.stringify(typeof body.batch)}.`);
      return;
    }
    const receivedAt = new Date();
    const messages: { message: NormalizedMessage; rawBody: string }[] = [];
    for (let index = 0; index < items.length; index++) {
      const item: unknown = items[index];
      const where = isBatch ? `batch[${index}]` : 'the message';
      if (!isPlainObject(item)) {
        reject(400, `${where} must be a JSON object.`);
        return;
      }
      const itemText = isBatch ? JSON.stringify(item) : raw;
      if (Buffer.byteLength(itemText) > MAX_MESSAGE_BYTES) {
        reject(400, `${where} is ${Buffer.byteLength(itemText)} bytes, over Segment's 32 KB limit per message; trim its properties or context.`);
        return;
      }
      const { writeKey: _writeKey, ...message } = item;
      const type = isBatch ? (typeof item.type === 'string' ? item.type : undefined) : SINGLE_ROUTES[name];
      messages.push({ message: normalizeMessage(message, { type, receivedAt, sentAt: isBatch ? body.sentAt : undefined }), rawBody: itemText });
    }
    service.ingest(messages);
    res.json({ success: true });
  });

  return router;
}
