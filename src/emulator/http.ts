/**
 * HTTP plumbing shared by the routes: JSON body parsing that keeps the raw text, and error answers that
 * say what went wrong, where, and how to fix it (never a stack trace).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { isPlainObject } from '../core/segment/realType';

interface RawBodyRequest extends Request {
  rawBody?: string;
}

/** express.json that also keeps the exact text received (for history) and accepts any JSON value. */
export function jsonBody(limit: string) {
  return express.json({
    limit,
    strict: false,
    type: ['application/json', 'application/*+json', 'text/json'],
    verify: (req, _res, buffer) => {
      (req as RawBodyRequest).rawBody = buffer.toString('utf8');
    },
  });
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

/** The request must carry a JSON object: answers 415 / 400 itself and returns undefined otherwise. */
export function requireJsonObject(req: Request, res: Response): Record<string, unknown> | undefined {
  if (!req.is(['application/json', 'application/*+json', 'text/json'])) {
    sendError(
      res,
      415,
      'unsupported_media_type',
      `${req.method} ${req.path} needs a JSON body, got content-type ${JSON.stringify(req.get('content-type') ?? '(none)')}.`,
      "Send the header 'Content-Type: application/json'.",
    );
    return undefined;
  }
  if (!isPlainObject(req.body)) {
    sendError(res, 400, 'invalid_body', `${req.method} ${req.path} needs a JSON object, got ${Array.isArray(req.body) ? 'an array' : typeof req.body}.`);
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

/** Turns body-parser failures into specific answers; anything else becomes a 500 without internals. */
export function errorHandler(log: (message: string) => void) {
  return (error: BodyParserError, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    switch (error.type) {
      case 'entity.parse.failed':
        sendError(res, 400, 'malformed_json', `The body of ${req.method} ${req.path} is not valid JSON: ${error.message}.`, 'Check the JSON near that position (quotes, commas, brackets).');
        return;
      case 'entity.too.large':
        sendError(res, 413, 'body_too_large', `The body of ${req.method} ${req.path} is ${error.length} bytes; the limit for this route is ${error.limit} bytes.`, 'Send a smaller body (split a batch).');
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        sendError(res, 415, 'unsupported_encoding', error.message, 'Send UTF-8 JSON.');
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
