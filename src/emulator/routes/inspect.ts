/**
 * Inspection and control for the console and the editor: the datafile summary, a diagnosis without
 * sending, the effective configuration (secrets redacted), and the live-send switch.
 */
import { Router } from 'express';
import { isPlainObject } from '../../core/segment/realType';
import { REDACTED } from '../../core/http/redact';
import { EVENT_API_URL } from '../../core/destination/definition';
import type { Mapping } from '../../core/segment/mapping';
import type { EmulatorService } from '../service';
import { requireJsonObject, sendError } from '../http';

export function inspectRoutes(service: EmulatorService): Router {
  const router = Router();

  router.get('/api/datafile', async (_req, res) => {
    res.json(await service.datafileSummary());
  });

  router.post('/api/diagnose', async (req, res) => {
    const body = requireJsonObject(req, res, service);
    if (!body) return;
    const { result, ...diagnosis } = await service.diagnose({
      payload: body.payload ?? {},
      settings: body.settings,
      mapping: isPlainObject(body.mapping) ? (body.mapping as Mapping) : undefined,
    });
    res.json({ ...diagnosis, exchanges: result.exchanges, payload: result.payload ?? result.mapped, status: result.status });
  });

  router.get('/api/config', (_req, res) => {
    const settings = { ...service.config.defaultSettings };
    if (settings.accessToken) settings.accessToken = REDACTED;
    res.json({
      defaultSettings: settings,
      live: service.config.live,
      eventApiTarget: service.eventApiTarget,
      writeKeyRequired: service.config.writeKey !== undefined,
      mappings: service.mappings.map((mapping) => ({ name: mapping.name, enabled: mapping.enabled, trigger: mapping.trigger, fields: mapping.mapping })),
    });
  });

  router.post('/api/live', (req, res) => {
    const body = requireJsonObject(req, res, service);
    if (!body) return;
    if (typeof body.live !== 'boolean') {
      sendError(res, 400, 'invalid_body', 'POST /api/live needs {"live": true|false}.');
      return;
    }
    if (body.live && body.confirm !== true) {
      sendError(res, 409, 'confirmation_required', `Live send posts real conversions to ${EVENT_API_URL}. Send {"live": true, "confirm": true} to turn it on.`);
      return;
    }
    service.setLive(body.live);
    res.json({ live: service.config.live, eventApiTarget: service.eventApiTarget });
  });

  return router;
}
