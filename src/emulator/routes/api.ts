/**
 * Inspection API over the history: list with filters and cursor paging, one record, clear, NDJSON export,
 * and a server-sent-event stream of new and updated records.
 */
import { Router, type Request, type Response } from 'express';
import type { EmulatorService } from '../service';
import type { HistoryFilter, HistoryRecord } from '../history';
import { sendError } from '../http';

const MAX_PAGE = 500;

function stringParam(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function filterFrom(req: Request): HistoryFilter | string {
  const limitText = stringParam(req, 'limit');
  const limit = limitText === undefined ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) return `limit must be a whole number from 1 to ${MAX_PAGE}, got ${JSON.stringify(limitText)}.`;
  const cursorText = stringParam(req, 'cursor');
  const before = cursorText === undefined ? undefined : Number(cursorText);
  if (before !== undefined && !Number.isInteger(before)) return `cursor must be the nextCursor of a previous page, got ${JSON.stringify(cursorText)}.`;
  return {
    event: stringParam(req, 'event'),
    status: stringParam(req, 'status'),
    route: stringParam(req, 'route'),
    visitor: stringParam(req, 'visitor'),
    text: stringParam(req, 'text'),
    before,
    limit,
  };
}

export function apiRoutes(service: EmulatorService): Router {
  const router = Router();
  const history = service.history;

  router.get('/api/events', (req, res) => {
    const filter = filterFrom(req);
    if (typeof filter === 'string') {
      sendError(res, 400, 'invalid_query', filter);
      return;
    }
    const events = history.list(filter);
    const last = events[events.length - 1];
    const more = last !== undefined && history.list({ ...filter, before: last.seq, limit: 1 }).length > 0;
    res.json({ events, nextCursor: more ? String(last.seq) : null, total: history.size });
  });

  router.get('/api/events.ndjson', (_req, res) => {
    res.type('application/x-ndjson');
    res.setHeader('Content-Disposition', 'attachment; filename="segment-optimizely-history.ndjson"');
    const records = history.list().reverse();
    res.send(records.map((record) => JSON.stringify(record)).join('\n') + (records.length > 0 ? '\n' : ''));
  });

  router.get('/api/events/:id', (req, res) => {
    const record = history.get(req.params.id);
    if (!record) {
      sendError(res, 404, 'event_not_found', `No history record has id ${req.params.id}.`, 'List records with GET /api/events; old records leave the ring when it is full.');
      return;
    }
    res.json(record);
  });

  router.delete('/api/events', async (_req, res) => {
    await history.clear();
    res.status(204).end();
  });

  router.get('/api/stream', (req: Request, res: Response) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.write(`retry: 2000\n: connected, ${history.size} records\n\n`);
    const send = (record: HistoryRecord | undefined, change: string) => {
      res.write(`event: ${change}\ndata: ${JSON.stringify(record ?? {})}\n\n`);
    };
    const unsubscribe = history.onChange(send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  return router;
}
