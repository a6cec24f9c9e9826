/**
 * `POST /api/sql/analyse {sql: string[]}` -> `{results: SqlAnalysisResult[]}`: table references
 * and `$parameters` of SQL cells, from DuckDB's parser (see `server/extracts/sqlAnalysis.ts`).
 * The notebook runtime builds its dependency graph from this. Signed-in people only.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AccessControl } from '../../auth/access.ts';
import { requireViewer } from '../../auth/requireViewer.ts';
import type { SqlAnalyser } from '../../extracts/sqlAnalysis.ts';

export const analyseBody = z.object({ sql: z.array(z.string().max(100_000)).max(200) });

export function registerSqlAnalysisRoutes(app: FastifyInstance, deps: { analyser: SqlAnalyser; access: AccessControl }): void {
  app.post('/api/sql/analyse', async (req) => {
    await requireViewer(req, deps.access);
    const { sql } = analyseBody.parse(req.body);
    return { results: await deps.analyser.analyse(sql) };
  });
}

export function sqlAnalysisRoutesPlugin(deps: { analyser: SqlAnalyser; access: AccessControl }): FastifyPluginAsync {
  return async (app) => registerSqlAnalysisRoutes(app, deps);
}
