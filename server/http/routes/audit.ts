/**
 * The audit log for admins:
 *
 *   GET /api/audit?before=SEQ&limit=N&action=A  -> {entries} newest first, with actorEmail/actorName
 *   GET /api/audit/verify                       -> {ok, firstBrokenSeq}
 *   GET /api/audit/export                       -> the whole log as JSON lines (a download)
 *
 * Exporting is itself recorded.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { appendAudit, exportAuditJsonLines, listAudit, verifyAuditChain } from '../../audit/auditLog.ts';
import { systemClock } from '../../auth/clock.ts';
import { requireViewer, requireWorkspace } from '../../auth/requireViewer.ts';
import type { AuthRouteDeps } from './authCommon.ts';

const listQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  action: z.string().max(100).optional(),
});

export async function registerAuditRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  const clock = deps.clock ?? systemClock;

  app.get('/api/audit', async (request) => {
    const viewer = await requireViewer(request, deps.access);
    requireWorkspace(viewer, 'workspace.readAudit');
    const q = listQuery.parse(request.query);
    const entries = await listAudit(deps.db, { beforeSeq: q.before, limit: q.limit, action: q.action });
    // Who is behind each actor id, for reading (the chain itself keeps only ids).
    const ids = [...new Set(entries.map((e) => e.actorId).filter((id): id is string => id !== null))];
    const people = ids.length === 0 ? [] : await deps.db.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', ids).execute();
    const byId = new Map(people.map((p) => [p.id, p]));
    return {
      entries: entries.map((e) => ({ ...e, actorEmail: e.actorId ? (byId.get(e.actorId)?.email ?? null) : null, actorName: e.actorId ? (byId.get(e.actorId)?.name ?? null) : null })),
    };
  });

  app.get('/api/audit/verify', async (request) => {
    const viewer = await requireViewer(request, deps.access);
    requireWorkspace(viewer, 'workspace.readAudit');
    const firstBrokenSeq = await verifyAuditChain(deps.db);
    return { ok: firstBrokenSeq === null, firstBrokenSeq };
  });

  app.get('/api/audit/export', async (request, reply) => {
    const viewer = await requireViewer(request, deps.access);
    requireWorkspace(viewer, 'workspace.readAudit');
    await appendAudit(deps.db, { actorId: viewer.userId, action: 'audit.exported', target: null }, clock);
    const stamp = clock().toISOString().slice(0, 10);
    reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="madang-audit-${stamp}.jsonl"`);
    return reply.send(Readable.from(exportAuditJsonLines(deps.db)));
  });
}

export function auditRoutesPlugin(deps: AuthRouteDeps): FastifyPluginAsync {
  return async (app) => registerAuditRoutes(app, deps);
}
