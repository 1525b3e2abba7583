/**
 * Local stand-ins for Optimizely's endpoints, so nothing leaves the machine unless live send is on:
 * the Event API (`POST /v1/events`, logx-compatible, honours `X-Optimizely-Strict`) and the GDPR
 * subject-access-requests API. Both record what they receive.
 */
import { Router } from 'express';
import { validateEventBatch } from '../../core/eventApi/schema';
import { isPlainObject } from '../../core/segment/realType';
import type { EmulatorService } from '../service';
import { rawBodyOf, sendError } from '../http';
import { REDACTED } from '../../core/http/redact';

function summariseBatch(body: unknown): { event?: string; visitorId?: string } {
  if (!isPlainObject(body) || !Array.isArray(body.visitors)) return {};
  const visitor = body.visitors[0] as { visitor_id?: unknown; snapshots?: { events?: { key?: unknown }[] }[] } | undefined;
  const key = visitor?.snapshots?.[0]?.events?.[0]?.key;
  return {
    event: typeof key === 'string' ? key : undefined,
    visitorId: typeof visitor?.visitor_id === 'string' ? visitor.visitor_id : undefined,
  };
}

export function sinkRoutes(service: EmulatorService): Router {
  const router = Router();

  router.post('/v1/events', (req, res) => {
    if (!req.is(['application/json', 'text/plain', 'application/*+json'])) {
      sendError(res, 415, 'unsupported_media_type', 'The Event API takes a JSON body.', "Send 'Content-Type: application/json'.");
      return;
    }
    const strict = String(req.get('x-optimizely-strict') ?? '').toLowerCase() === 'true';
    const body: unknown = req.is('text/plain') ? safeParse(rawBodyOf(req)) : req.body;
    const problems = validateEventBatch(body, { strict });
    // Lenient problems mean logx could not use the body at all; strict mode reports every problem.
    const rejected = problems.length > 0;
    service.history.add({
      route: 'eventApi',
      rawBody: rawBodyOf(req),
      message: body,
      ...summariseBatch(body),
      status: rejected ? 'rejected' : 'recorded',
      outcomes: [],
      problems,
    });
    if (!rejected) service.recordDecisions(body);
    if (rejected) {
      res.status(400).json({ error: strict ? 'Event batch failed strict validation.' : 'Event batch is not usable.', problems });
      return;
    }
    res.status(204).end();
  });

  router.post('/v2/subject-access-requests', (req, res) => {
    const authorization = req.get('authorization') ?? '';
    const hasToken = /^Bearer \S+/.test(authorization);
    service.history.add({
      route: 'gdpr',
      rawBody: rawBodyOf(req),
      message: req.body,
      status: hasToken ? 'recorded' : 'rejected',
      outcomes: [],
      problems: hasToken ? [] : [{ pointer: '/headers/authorization', message: 'Authorization must be "Bearer <personal access token>".' }],
    });
    if (!hasToken) {
      res.status(401).json({ code: 'unauthorized', message: 'Authentication failed: a Bearer personal access token is required.' });
      return;
    }
    res.status(200).json({ ...(isPlainObject(req.body) ? req.body : {}), authorization: REDACTED, status: 'PENDING' });
  });

  return router;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
