/**
 * Extract routes (issue 3). Signed-in members only (any workspace role); never anonymous.
 *
 *   GET /api/extracts                        newest live version of each extract
 *   GET /api/extracts/:name                  every version of one extract
 *   GET /api/extracts/:name/:version/arrow   the version as an Arrow IPC stream
 *
 * The stream is immutable per version, so it carries a strong ETag (the Parquet content hash),
 * `Cache-Control: private, immutable`, and answers `If-None-Match` with 304. It is sent gzipped
 * (precompressed, with Content-Length) to clients that accept gzip; `X-Uncompressed-Length` lets
 * the browser show progress in the bytes its reader actually sees. Every 200 is an audit entry.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { MadangError } from '../../../shared/errors.ts';
import type { AccessControl } from '../../auth/access.ts';
import { requireViewer, requireWorkspace } from '../../auth/requireViewer.ts';
import { appendAudit } from '../../audit/auditLog.ts';
import type { ExtractCatalog } from '../../extracts/catalog.ts';

export interface ExtractRouteDeps {
  catalog: ExtractCatalog;
  access: AccessControl;
  /** The database holding the audit log. */
  db: Kysely<any>;
  /** Start-up registration (public datasets), started by the first extract request; routes answer after it. */
  ready?: () => Promise<void>;
}

export const extractDownloadAction = 'extract.download';

const nameParams = z.object({ name: z.string().min(1).max(64) });
const versionParams = z.object({ name: z.string().min(1).max(64), version: z.coerce.number().int().positive() });

function notFound(name: string, version?: number): MadangError {
  const label = version === undefined ? name : `${name} v${version}`;
  return new MadangError('not_found', { ko: `추출본을 찾을 수 없습니다: ${label}`, en: `extract not found: ${label}` });
}

/** True when `If-None-Match` names this ETag (or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').map((s) => s.trim().replace(/^W\//, '')).some((t) => t === etag || t === '*');
}

export function registerExtractRoutes(app: FastifyInstance, deps: ExtractRouteDeps): void {
  const { catalog, access } = deps;
  app.addHook('onRequest', async (req) => {
    if (deps.ready && req.url.startsWith('/api/extracts')) await deps.ready();
  });

  app.get('/api/extracts', async (req) => {
    await requireViewer(req, access);
    return { extracts: (await catalog.list()).map((latest) => ({ name: latest.name, latest })) };
  });

  app.get('/api/extracts/:name', async (req) => {
    await requireViewer(req, access);
    const { name } = nameParams.parse(req.params);
    const versions = await catalog.versions(name);
    if (versions.length === 0) throw notFound(name);
    return { name, versions };
  });

  app.get('/api/extracts/:name/:version/arrow', async (req, reply) => {
    const viewer = await requireViewer(req, access);
    requireWorkspace(viewer, 'extract.download');
    const { name, version } = versionParams.parse(req.params);
    const v = await catalog.get(name, version);
    if (!v) throw notFound(name, version);
    if (v.withdrawnAt !== null) {
      throw new MadangError('not_found', { ko: `회수된 추출본입니다: ${name} v${version}`, en: `extract withdrawn: ${name} v${version}` });
    }
    const etag = `"${v.contentHash}"`;
    reply.header('etag', etag);
    reply.header('cache-control', 'private, immutable, max-age=31536000');
    reply.header('vary', 'Accept-Encoding, Cookie');
    if (etagMatches(req.headers['if-none-match'], etag)) return reply.code(304).send();

    const artifact = await catalog.arrow(name, version);
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    await appendAudit(deps.db, {
      actorId: viewer.userId,
      action: extractDownloadAction,
      target: `${name}@${version}`,
      detail: { contentHash: v.contentHash, bytes: gzip ? artifact.gzipBytes : artifact.ipcBytes, encoding: gzip ? 'gzip' : 'identity' },
    });
    reply.header('content-type', 'application/vnd.apache.arrow.stream');
    reply.header('x-uncompressed-length', String(artifact.ipcBytes));
    reply.header('x-extract-rows', String(v.rowCount));
    if (gzip) {
      reply.header('content-encoding', 'gzip');
      reply.header('content-length', String(artifact.gzipBytes));
      return reply.send(createReadStream(artifact.gzipPath));
    }
    reply.header('content-length', String(artifact.ipcBytes));
    return reply.send(createReadStream(artifact.ipcPath));
  });
}

export function extractRoutesPlugin(deps: ExtractRouteDeps): FastifyPluginAsync {
  return async (app) => registerExtractRoutes(app, deps);
}
