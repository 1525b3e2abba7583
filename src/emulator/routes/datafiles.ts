/**
 * Serves local datafiles at `GET /datafiles/<name>.json`, so a file on disk reaches the destination
 * through the same HTTP path as a CDN datafile (content-type, ETag, 304), read fresh on every request.
 */
import { Router } from 'express';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sendError } from '../http';

export interface ServedDatafile {
  /** URL path segment, without `.json`. */
  name: string;
  path: string;
}

export function datafileRoutes(files: ServedDatafile[]): Router {
  const router = Router();
  router.get('/datafiles/:file', async (req, res) => {
    const file = files.find((candidate) => `${candidate.name}.json` === req.params.file);
    if (!file) {
      sendError(res, 404, 'datafile_not_found', `No datafile is served as ${req.params.file}.`, `Served: ${files.map((f) => `/datafiles/${f.name}.json`).join(', ') || 'none (start with --datafile PATH)'}.`);
      return;
    }
    let content: Buffer;
    try {
      content = await readFile(file.path);
    } catch (error) {
      sendError(res, 404, 'datafile_unreadable', `The datafile ${file.path} cannot be read: ${(error as Error).message}.`);
      return;
    }
    const etag = `"${createHash('sha1').update(content).digest('base64url')}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(content);
  });
  return router;
}

/** A URL-safe name for a datafile path (`shop.datafile.json` → `shop.datafile`). */
export function datafileNameFor(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? 'datafile';
  return base.replace(/\.json$/i, '').replace(/[^A-Za-z0-9._-]/g, '-') || 'datafile';
}
