/**
 * Security by default for a server on the developer's machine: a DNS-rebinding guard (the Host header must
 * name this server), and CORS only for the server's own origin and Segment's hosted Actions Tester.
 */
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './http';

/** Origins of Segment's hosted Actions Tester (as Segment's own `serve` allows them). */
export const SEGMENT_TESTER_ORIGINS = [
  'https://app.segment.com',
  'https://eu1.app.segment.com',
  'https://app.segment.build',
  'https://eu1.app.segment.build',
  'http://localhost:8000',
];

export interface ServerIdentity {
  /** The host the server is bound to, e.g. 127.0.0.1. */
  host: string;
  port(): number;
}

function allowedHosts(identity: ServerIdentity): Set<string> {
  const port = identity.port();
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', identity.host.includes(':') ? `[${identity.host}]` : identity.host]);
  return new Set([...names].map((name) => `${name}:${port}`.toLowerCase()));
}

export function hostGuard(identity: ServerIdentity) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = (req.get('host') ?? '').toLowerCase();
    if (!allowedHosts(identity).has(host)) {
      sendError(
        res,
        403,
        'host_not_allowed',
        `Requests must be addressed to this emulator (Host: 127.0.0.1:${identity.port()} or localhost:${identity.port()}), got Host: ${JSON.stringify(req.get('host') ?? '')}. This guards against DNS rebinding.`,
        'Use http://127.0.0.1:<port> or http://localhost:<port> in the URL.',
      );
      return;
    }
    next();
  };
}

/**
 * The tracking API (`/v1/*` except the Event API sink) is what browser apps' analytics.js posts to, from
 * whatever origin the app runs on, as Segment's own API allows; everything else only answers the server's
 * own origin and Segment's tester, and refuses other origins outright (no cross-site form posts).
 */
export function cors(identity: ServerIdentity, isOpenPath: (path: string) => boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get('origin');
    if (origin) {
      const own = [...allowedHosts(identity)].map((host) => `http://${host}`);
      const open = isOpenPath(req.path);
      if (open || own.includes(origin.toLowerCase()) || SEGMENT_TESTER_ORIGINS.includes(origin)) {
        res.setHeader('Access-Control-Allow-Origin', open ? '*' : origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization, x-optimizely-strict');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
        res.setHeader('Access-Control-Expose-Headers', 'x-emulator-record-id');
      } else {
        sendError(res, 403, 'origin_not_allowed', `Cross-origin requests from ${origin} are not allowed on ${req.path}.`, `Allowed: this server's own origin and ${SEGMENT_TESTER_ORIGINS.join(', ')}; the tracking API (/v1/track, /v1/batch, …) accepts any origin.`);
        return;
      }
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}
