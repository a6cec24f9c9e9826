/**
 * The Fastify app: plugins, the one error handler, the JSON 404, the Origin check on
 * state-changing requests, our routes, routes owned by other modules (accounts, members, audit)
 * and the static client. It receives every dependency; `server/index.ts` wires the real ones.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { AccessControl } from '../auth/access.ts';
import type { Logger } from '../log.ts';
import type { NotebookService } from '../notebooks/service.ts';
import { httpErrors, toHttpError } from './errors.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerNotebookRoutes, type NotebookRoutesDeps } from './routes/notebooks.ts';
import { canServeAppShell, hasBuiltClient, isServerPath, registerStaticClient, sendAppShell } from './staticClient.ts';
import { requireSameSite } from '../auth/requireViewer.ts';

export interface AppDeps {
  logger: Logger;
  access: AccessControl;
  notebooks: NotebookService;
  /** `package.json` version, shown by `/api/health`. */
  version: string;
  /** Built client to serve; skipped when it has no `index.html` (tests, API-only). */
  clientDir?: string;
  /** Records notebook actions in the audit log. */
  audit?: NotebookRoutesDeps['audit'];
  /** Fast path for listing: every notebook the viewer has a role on (accounts module). */
  readableNotebooks?: NotebookRoutesDeps['readableNotebooks'];
  /** Route plugins owned by other modules (e.g. `/api/auth/*`, members, audit). */
  plugins?: FastifyPluginAsync[];
  /** Default request body limit in bytes (import has its own, larger one). */
  bodyLimit?: number;
  /** Requests behind a reverse proxy: trust `X-Forwarded-*`. */
  trustProxy?: boolean;
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the plain default one.
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
    // Ids and slugs are case-sensitive; a trailing slash is the same route.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });

  await app.register(fastifyCookie);

  // An empty JSON body (a DELETE sent by a generic fetch wrapper with a JSON content type) is
  // "no body", not a parse error; anything else goes through Fastify's own safe JSON parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    return parseJson(req, text, done);
  });

  app.setErrorHandler((err, req, reply) => {
    const mapped = toHttpError(err);
    if (mapped.isServerFault) req.log.error({ err }, 'request failed');
    else req.log.info({ code: mapped.body.error.code, status: mapped.status }, mapped.body.error.en);
    return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
  });

  // The cross-site rule (accounts module: allowed Origin, or `X-Requested-With: madang` from
  // non-browser clients) runs before any API route that changes state, including routes other
  // modules add, so a route that forgets its own check is still covered.
  app.addHook('onRequest', async (req) => {
    if (stateChanging.has(req.method) && isServerPath(req.url)) requireSameSite(req, deps.access);
  });

  // Cheap defaults for every response: no MIME sniffing of downloads (an exported .md must never
  // be run as HTML), and no notebook URLs leaking to other sites through Referer.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });

  registerHealthRoutes(app, { version: deps.version });
  registerNotebookRoutes(app, { access: deps.access, notebooks: deps.notebooks, readableNotebooks: deps.readableNotebooks, audit: deps.audit });
  for (const plugin of deps.plugins ?? []) await app.register(plugin);

  const serveClient = deps.clientDir !== undefined && hasBuiltClient(deps.clientDir);
  if (serveClient && deps.clientDir) await registerStaticClient(app, deps.clientDir);

  app.setNotFoundHandler((req, reply) => {
    if (serveClient && canServeAppShell(req)) return sendAppShell(reply);
    const mapped = toHttpError(httpErrors.routeNotFound(req.method, req.url.split('?')[0]));
    return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
  });

  return app;
}
