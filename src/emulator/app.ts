/** The emulator's Express application: guards, routes, body limits, and errors that never leak internals. */
import express, { type Express } from 'express';
import { testerRoutes } from './routes/tester';
import { sinkRoutes } from './routes/sinks';
import { datafileRoutes, type ServedDatafile } from './routes/datafiles';
import { trackingRoutes, TRACKING_ROUTES } from './routes/tracking';
import { apiRoutes } from './routes/api';
import { inspectRoutes } from './routes/inspect';
import { consoleRoutes } from './routes/console';
import { errorHandler, jsonBody, sendError } from './http';
import { cors, hostGuard, type ServerIdentity } from './security';
import type { EmulatorService } from './service';

export const ROUTES = [
  'GET  /  (test console)',
  'GET  /manifest',
  'POST /trackEvent',
  'POST /trackEvent/eventKey',
  'POST /authenticate',
  'POST /delete',
  'POST /v1/track | identify | page | screen | group | alias | batch | import',
  'POST /v1/events',
  'POST /v2/subject-access-requests',
  'GET  /datafiles/<name>.json',
  'GET  /api/events',
  'GET  /api/events/<id>',
  'DELETE /api/events',
  'GET  /api/events.ndjson',
  'GET  /api/stream',
  'GET  /api/datafile',
  'POST /api/diagnose',
  'GET  /api/config',
  'POST /api/live',
];

/** Body limits per route: the Event API takes up to 3.5 MB; tester calls are single events. */
const LIMITS = { tester: '1mb', eventApi: '3500kb', gdpr: '64kb' };

export interface AppOptions {
  datafiles: ServedDatafile[];
  identity: ServerIdentity;
  log: (message: string) => void;
}

export function createEmulatorApp(service: EmulatorService, options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('json spaces', 0);
  app.use(hostGuard(options.identity));
  app.use(cors(options.identity, (path) => TRACKING_ROUTES.includes(path)));
  app.use(['/trackEvent', '/authenticate', '/delete', '/api/diagnose', '/api/live'], jsonBody(LIMITS.tester));
  app.use('/v1/events', jsonBody(LIMITS.eventApi), express.text({ limit: LIMITS.eventApi, type: 'text/plain', verify: keepRaw }));
  app.use('/v2/subject-access-requests', jsonBody(LIMITS.gdpr));
  app.use(testerRoutes(service));
  app.use(trackingRoutes(service));
  app.use(sinkRoutes(service));
  app.use(datafileRoutes(options.datafiles));
  app.use(apiRoutes(service));
  app.use(inspectRoutes(service));
  app.use(consoleRoutes());
  app.use((req, res) => {
    sendError(res, 404, 'not_found', `There is no route ${req.method} ${req.path}.`, `Routes: ${ROUTES.join(' | ')}`, { routes: ROUTES });
  });
  app.use(errorHandler(service, options.log));
  return app;
}

function keepRaw(req: express.Request, _res: express.Response, buffer: Buffer): void {
  (req as express.Request & { rawBody?: string }).rawBody = buffer.toString('utf8');
}
