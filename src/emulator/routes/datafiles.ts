/**
 * Serves local datafiles at `GET /datafiles/<name>.json`, so a file on disk reaches the destination
 * through the same HTTP path as a CDN datafile (content-type, ETag, 304). Every request sees the file as
 * it is on disk now: the content is re-read whenever its size or modification time changes.
 */
import { Router } from 'express';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { sendError } from '../http';

interface LoadedFile {
  size: number;
  mtimeMs: number;
  content: Buffer;
  etag: string;
}

async function loadFresh(path: string, cache: Map<string, LoadedFile>): Promise<LoadedFile> {
  const info = await stat(path);
  const cached = cache.get(path);
  if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached;
  const content = await readFile(path);
  const loaded = { size: info.size, mtimeMs: info.mtimeMs, content, etag: `"${createHash('sha1').update(content).digest('base64url')}"` };
  cache.set(path, loaded);
  return loaded;
}

export interface ServedDatafile {
  /** URL path segment, without `.json`. */
  name: string;
  path: string;
}

export function datafileRoutes(files: ServedDatafile[]): Router {
  const router = Router();
  const cache = new Map<string, LoadedFile>();
  router.get('/datafiles/:file', async (req, res) => {
    const file = files.find((candidate) => `${candidate.name}.json` === req.params.file);
    if (!file) {
      sendError(res, 404, 'datafile_not_found', `No datafile is served as ${req.params.file}.`, `Served: ${files.map((f) => `/datafiles/${f.name}.json`).join(', ') || 'none (start with --datafile PATH)'}.`);
      return;
    }
    let loaded: LoadedFile;
    try {
      loaded = await loadFresh(file.path, cache);
    } catch (error) {
      sendError(res, 404, 'datafile_unreadable', `The datafile ${file.path} cannot be read: ${(error as Error).message}.`);
      return;
    }
    const { content, etag } = loaded;
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
