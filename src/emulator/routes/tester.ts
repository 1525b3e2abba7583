/**
 * Segment's local action-tester protocol (`./bin/run serve` in action-destinations): the same routes,
 * request bodies and answer shapes, so Segment's hosted Actions Tester and existing curl scripts work.
 */
import { Router, type Request, type Response } from 'express';
import { DESTINATION, EVENT_API_URL, SETTINGS_FIELDS, TRACK_EVENT_ACTION, TRACK_EVENT_FIELDS } from '../../core/destination/definition';
import type { ErrorInfo } from '../../core/destination/errors';
import type { Exchange } from '../../core/http/types';
import { isPlainObject } from '../../core/segment/realType';
import type { EmulatorService } from '../service';
import { requireJsonObject, rawBodyOf, sendError } from '../http';

/** The manifest `GET /manifest` serves: the definition as data, plus the folder name Segment adds. */
export function manifest(): Record<string, unknown> {
  return {
    ...DESTINATION,
    authentication: { scheme: 'custom', fields: SETTINGS_FIELDS },
    presets: [],
    actions: {
      [TRACK_EVENT_ACTION.key]: {
        title: TRACK_EVENT_ACTION.title,
        description: TRACK_EVENT_ACTION.description,
        defaultSubscription: TRACK_EVENT_ACTION.defaultSubscription,
        fields: TRACK_EVENT_FIELDS,
        hasPerformBatch: false,
        dynamicFields: ['eventKey'],
      },
    },
    directoryName: 'optimizely-feature-experimentation-actions',
  };
}

/** Segment's tester answers errors with HTTP 200 and a list of these. */
export interface RequestErrorEntry extends Omit<ErrorInfo, 'status'> {
  requestError: true;
  statusCode: number;
}

export function toRequestErrors(error: ErrorInfo): RequestErrorEntry[] {
  const { status, ...rest } = error;
  const statusCode = status ?? (error.name === 'AggregateAjvError' ? 400 : 500);
  return [{ requestError: true, statusCode, ...rest }];
}

function exchangesForTester(exchanges: Exchange[]) {
  return exchanges.map((exchange) => ({ request: exchange.request, response: exchange.response ?? null, ...(exchange.error ? { error: exchange.error } : {}) }));
}

export function testerRoutes(service: EmulatorService): Router {
  const router = Router();

  router.get('/manifest', (_req, res) => {
    res.json(manifest());
  });

  router.post('/trackEvent', async (req: Request, res: Response) => {
    const body = requireJsonObject(req, res, service);
    if (!body) return;
    if (Array.isArray(body.payload)) {
      // Segment runs executeBatch, which this destination does not support.
      const { error, record } = service.rejectBatch({ payload: body.payload, settings: body.settings }, rawBodyOf(req));
      res.setHeader('x-emulator-record-id', record.id);
      res.json(toRequestErrors(error));
      return;
    }
    // An emulator extension of the tester body: `live: true` sends this one request to Optimizely, and only
    // with `confirm: true` (the caller asked the user), like POST /api/live.
    if (body.live === true && body.confirm !== true) {
      sendError(res, 409, 'confirmation_required', `"live": true posts a real conversion to ${EVENT_API_URL}. Add "confirm": true once the user has agreed.`);
      return;
    }
    const { result, record } = await service.trackEvent(
      { payload: body.payload ?? {}, settings: body.settings, mapping: isPlainObject(body.mapping) ? body.mapping : undefined, live: body.live === true },
      rawBodyOf(req),
    );
    res.setHeader('x-emulator-record-id', record.id);
    if (result.error) res.json(toRequestErrors(result.error));
    else res.json(exchangesForTester(result.exchanges));
  });

  router.post('/trackEvent/eventKey', async (req, res) => {
    const body = requireJsonObject(req, res, service);
    if (!body) return;
    res.json(await service.eventKeyChoices(body.settings, rawBodyOf(req)));
  });

  router.post('/authenticate', async (req, res) => {
    const body = requireJsonObject(req, res, service);
    if (!body) return;
    // Segment's tester takes the settings themselves as the body.
    const result = await service.authenticate(body, rawBodyOf(req));
    if (result.ok) res.json({ ok: true });
    else res.json({ ok: false, error: result.error?.message, ...(result.error?.fields ? { fields: result.error.fields } : {}) });
  });

  router.post('/delete', async (req, res) => {
    const body = requireJsonObject(req, res, service);
    if (!body) return;
    const result = await service.deleteUser({ payload: body.payload, settings: body.settings }, rawBodyOf(req));
    if (result.error) res.json(toRequestErrors(result.error));
    else res.json(exchangesForTester(result.exchanges));
  });

  return router;
}
