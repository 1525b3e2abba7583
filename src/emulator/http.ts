/**
 * HTTP plumbing shared by the routes: JSON body parsing that keeps the raw text, and error answers that
 * say what went wrong, where, and how to fix it (never a stack trace).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { isPlainObject } from '../core/segment/realType';
import { redactText } from '../core/http/redact';
import type { HistoryRoute } from './history';
import type { EmulatorService } from './service';

interface RawBodyRequest extends Request {
  rawBody?: string;
}

/**
 * express.json that also keeps the exact text received (for history) and accepts any JSON value. JSON on
 * the wire is UTF-8 (RFC 8259): another declared charset is refused (415) rather than decoded into
 * something the sender did not write.
 */
export function jsonBody(limit: string) {
  const parse = express.json({
    limit,
    strict: false,
    type: ['application/json', 'application/*+json', 'text/json'],
    verify: (req, _res, buffer) => {
      (req as RawBodyRequest).rawBody = buffer.toString('utf8');
    },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      next(Object.assign(new Error(`The body must be UTF-8 JSON; charset ${JSON.stringify(charset)} is not supported.`), { type: 'charset.unsupported', status: 415 }));
      return;
    }
    parse(req, res, next);
  };
}

export function rawBodyOf(req: Request): string {
  return (req as RawBodyRequest).rawBody ?? '';
}

export interface ErrorBody {
  error: { status: number; code: string; message: string; fix?: string; details?: unknown };
}

export function sendError(res: Response, status: number, code: string, message: string, fix?: string, details?: unknown): void {
  const body: ErrorBody = { error: { status, code, message } };
  if (fix) body.error.fix = fix;
  if (details !== undefined) body.error.details = details;
  res.status(status).json(body);
}

const ROUTE_OF_PATH: Record<string, HistoryRoute> = {
  '/trackEvent': 'trackEvent',
  '/trackEvent/eventKey': 'trackEvent/eventKey',
  '/authenticate': 'authenticate',
  '/delete': 'delete',
  '/v1/events': 'eventApi',
  '/v2/subject-access-requests': 'gdpr',
};

/**
 * Records a request refused before any handler ran (bad JSON, wrong content-type, too large), so that
 * nothing a user sent disappears without a trace. Very large bodies are kept as their first 2 KB.
 */
export function recordRefusal(service: EmulatorService, req: Request, message: string, rawBody?: string): void {
  const route = ROUTE_OF_PATH[req.path] ?? (req.path.startsWith('/v1/') ? 'tracking' : undefined);
  if (!route) return; // unknown routes and GETs carry no message to keep
  const text = rawBody ?? (req as RawBodyRequest).rawBody ?? '';
  service.history.add({
    route,
    rawBody: redactText(text.length > 65_536 ? `${text.slice(0, 2048)}… (${Buffer.byteLength(text)} bytes)` : text, service.secrets()),
    status: 'rejected',
    outcomes: [],
    problems: [{ pointer: '', message }],
  });
}

/** The request must carry a JSON object: answers 415 / 400 itself (and records it) and returns undefined otherwise. */
export function requireJsonObject(req: Request, res: Response, service: EmulatorService): Record<string, unknown> | undefined {
  if (!req.is(['application/json', 'application/*+json', 'text/json'])) {
    const message = `${req.method} ${req.path} needs a JSON body, got content-type ${JSON.stringify(req.get('content-type') ?? '(none)')}.`;
    recordRefusal(service, req, message, '');
    sendError(res, 415, 'unsupported_media_type', message, "Send the header 'Content-Type: application/json'.");
    return undefined;
  }
  if (!isPlainObject(req.body)) {
    const message = `${req.method} ${req.path} needs a JSON object, got ${Array.isArray(req.body) ? 'an array' : typeof req.body}.`;
    recordRefusal(service, req, message);
    sendError(res, 400, 'invalid_body', message);
    return undefined;
  }
  return req.body;
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  length?: number;
  body?: string;
}

/** Turns body-parser failures into specific answers (and records them); anything else becomes a 500 without internals. */
export function errorHandler(service: EmulatorService, log: (message: string) => void) {
  return (error: BodyParserError, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    const refuse = (status: number, code: string, message: string, fix: string, rawBody?: string) => {
      recordRefusal(service, req, message, rawBody);
      sendError(res, status, code, message, fix);
    };
    switch (error.type) {
      case 'entity.parse.failed':
        refuse(400, 'malformed_json', `The body of ${req.method} ${req.path} is not valid JSON: ${error.message}.`, 'Check the JSON near that position (quotes, commas, brackets).', error.body);
        return;
      case 'entity.too.large':
        refuse(413, 'body_too_large', `The body of ${req.method} ${req.path} is ${error.length} bytes; the limit for this route is ${error.limit} bytes.`, 'Send a smaller body (split a batch).', `(${error.length} bytes, not kept)`);
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        refuse(415, 'unsupported_encoding', error.message, 'Send UTF-8 JSON.', '');
        return;
      case 'request.aborted':
        return;
      default:
        if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
          sendError(res, error.status, 'bad_request', error.message);
          return;
        }
        log(`internal error on ${req.method} ${req.path}: ${error.stack ?? error.message}`);
        sendError(res, 500, 'internal_error', `The emulator failed while handling ${req.method} ${req.path}: ${error.message}`, 'This is a bug in the emulator: please report it with the request that caused it.');
    }
  };
}
