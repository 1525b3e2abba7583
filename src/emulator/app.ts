/** The emulator's Express application: routes, body limits, and errors that never leak internals. */
import express, { type Express } from 'express';
import { testerRoutes } from './routes/tester';
import { sinkRoutes } from './routes/sinks';
import { datafileRoutes, type ServedDatafile } from './routes/datafiles';
import { errorHandler, jsonBody, sendError } from './http';
import type { EmulatorService } from './service';

export const ROUTES = [
  'GET  /manifest',
  'POST /trackEvent',
  'POST /trackEvent/eventKey',
  'POST /authenticate',
  'POST /delete',
  'POST /v1/events',
  'POST /v2/subject-access-requests',
  'GET  /datafiles/<name>.json',
];

/** Body limits per route: the Event API takes up to 3.5 MB; tester calls are single events. */
const LIMITS = { tester: '1mb', eventApi: '3500kb', gdpr: '64kb' };

export function createEmulatorApp(service: EmulatorService, options: { datafiles: ServedDatafile[]; log: (message: string) => void }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('json spaces', 0);
  app.use(['/trackEvent', '/authenticate', '/delete'], jsonBody(LIMITS.tester));
  app.use('/v1/events', jsonBody(LIMITS.eventApi), express.text({ limit: LIMITS.eventApi, type: 'text/plain', verify: keepRaw }));
  app.use('/v2/subject-access-requests', jsonBody(LIMITS.gdpr));
  app.use(testerRoutes(service));
  app.use(sinkRoutes(service));
  app.use(datafileRoutes(options.datafiles));
  app.use((req, res) => {
    sendError(res, 404, 'not_found', `There is no route ${req.method} ${req.path}.`, `Routes: ${ROUTES.join(' | ')}`, { routes: ROUTES });
  });
  app.use(errorHandler(options.log));
  return app;
}

function keepRaw(req: express.Request, _res: express.Response, buffer: Buffer): void {
  (req as express.Request & { rawBody?: string }).rawBody = buffer.toString('utf8');
}
