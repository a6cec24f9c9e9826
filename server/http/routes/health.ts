/** `GET /api/health`: liveness for operators and tests; no session needed, no internals shown. */
import type { FastifyInstance } from 'fastify';

export function registerHealthRoutes(app: FastifyInstance, deps: { version: string }): void {
  app.get('/api/health', async () => ({ ok: true, version: deps.version }));
}
