/**
 * Dataset routes (issue 5): import (stewards), metadata and profiles, type corrections, extract
 * builds; policies are in `./policies.ts` and registered by the same plugin.
 *
 *   POST /api/datasets/import?name=N&filename=F[&encoding=auto|utf-8|cp949]
 *        body: the file's bytes (application/octet-stream), streamed to the raw store, at most
 *        `maxUploadBytes` (413 otherwise)                                      steward -> 201 {version}
 *   GET  /api/datasets                        every dataset with its latest version, and the
 *                                             upload limit {maxBytes, tooLarge: {ko, en}}   members
 *   GET  /api/datasets/:id                    the dataset and all its versions          members
 *   POST /api/datasets/:id/versions/:version/types {types: {col: type}} -> new version steward
 *   GET  /api/datasets/:id/extracts           builds with their reports                 members
 *   POST /api/datasets/:id/extracts           {policyVersionId?} -> build (409 unless approved) steward
 *
 * No route reads a file from the raw store into a response. Stewards see full column profiles
 * (values that occur at least twice); other members see the summary (type, nulls, distinct).
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { canInWorkspace } from '../../../shared/roles.ts';
import { encodingChoices } from '../../../shared/datasets/encoding.ts';
import { summarizeProfile } from '../../../shared/datasets/profile.ts';
import { columnTypes } from '../../../shared/datasets/types.ts';
import type { AccessControl, Viewer } from '../../auth/access.ts';
import { requireViewer, requireWorkspace } from '../../auth/requireViewer.ts';
import { appendAudit } from '../../audit/auditLog.ts';
import type { AuthDb } from '../../auth/authSchema.ts';
import type { ExtractCatalog } from '../../extracts/catalog.ts';
import { checkDatasetName, createDatasetService, datasetFormat, type DatasetService, type DatasetVersionInfo } from '../../datasets/datasetService.ts';
import { parseMaxUploadBytes, receiveToFile, uploadTooLarge } from '../../datasets/upload.ts';
import { parseRequiredApprovals } from '../../../shared/datasets/approval.ts';
import { createPolicyService } from '../../policies/policyService.ts';
import { buildExtract, listExtractBuilds } from '../../privacy/extractBuild.ts';
import { registerPolicyRoutes } from './policies.ts';

export const datasetAuditActions = {
  imported: 'dataset.import',
  retyped: 'dataset.retype',
  extractBuilt: 'extract.build',
} as const;

export interface DatasetRouteDeps {
  db: Kysely<any>;
  dataDir: string;
  access: AccessControl;
  catalog: ExtractCatalog;
  /** `MADANG_POLICY_APPROVALS` (default 2). */
  requiredApprovals: number;
  /** `MADANG_DATASET_MAX_BYTES` (default 2 GiB). */
  maxUploadBytes: number;
}

const importQuery = z.object({
  name: z.string().min(1).max(64),
  filename: z.string().min(1).max(255),
  encoding: z.enum(encodingChoices).default('auto'),
});
const idParams = z.object({ id: z.string().min(1).max(64) });
const versionParams = z.object({ id: z.string().min(1).max(64), version: z.coerce.number().int().positive() });
const typesBody = z.object({ types: z.record(z.string(), z.enum(columnTypes)) });
const buildBody = z.object({ policyVersionId: z.string().min(1).max(64).optional() }).default({});

function isSteward(viewer: Viewer): boolean {
  return canInWorkspace(viewer.workspaceRole, 'dataset.import');
}

/** What a member may see of a version: stewards the profile, others the summary. */
export function versionView(v: DatasetVersionInfo, steward: boolean) {
  const { columns, ...rest } = v;
  return steward ? { ...rest, columns, profile: 'full' as const } : { ...rest, columns: summarizeProfile(columns), profile: 'summary' as const };
}

export function registerDatasetRoutes(app: FastifyInstance, deps: DatasetRouteDeps, datasets: DatasetService): void {
  const { access } = deps;
  const auditDb = deps.db as AuthDb;
  const policies = createPolicyService({ db: deps.db, datasets, requiredApprovals: deps.requiredApprovals });

  // The import body is a stream: no parser reads it, the route pipes `req.raw` to disk.
  app.addContentTypeParser(['application/octet-stream', 'text/csv'], (_req, _payload, done) => done(null, undefined));

  app.post('/api/datasets/import', async (req, reply) => {
    try {
      // Everything that can refuse the upload is checked before the first body byte is read, so
      // a steward is not made to send 2 GB to learn that the name or the extension is wrong.
      const viewer = await requireViewer(req, access);
      requireWorkspace(viewer, 'dataset.import');
      const query = importQuery.parse(req.query);
      checkDatasetName(query.name);
      datasetFormat(query.filename);
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > deps.maxUploadBytes) throw uploadTooLarge(deps.maxUploadBytes);
      const staged = await datasets.stage();
      try {
        await receiveToFile(req.raw, staged.originalPath(query.filename), deps.maxUploadBytes);
      } catch (err) {
        await staged.discard();
        throw err;
      }
      const version = await datasets.importStaged(staged, { name: query.name, originalName: query.filename, encoding: query.encoding, actorId: viewer.userId });
      await appendAudit(auditDb, {
        actorId: viewer.userId, action: datasetAuditActions.imported, target: version.datasetId,
        detail: { name: version.name, version: version.version, file: query.filename, bytes: version.byteSize, rows: version.rowCount, encoding: version.encoding, sha256: version.sourceHash, via: 'web' },
      });
      return reply.code(201).send({ version: versionView(version, true) });
    } catch (err) {
      // Refused before the body ended: close the connection after the answer. Otherwise Node
      // would read and discard the rest of the body to keep the connection alive, i.e. receive
      // the whole 2 GB it has just refused.
      if (!req.raw.complete) reply.header('connection', 'close');
      throw err;
    }
  });

  app.get('/api/datasets', async (req) => {
    const viewer = await requireViewer(req, access);
    const steward = isSteward(viewer);
    const list = await datasets.list();
    // The upload limit and its message, so the browser can refuse a file that is too large
    // before sending any of it (the server checks again; this only spares the wait).
    const upload = { maxBytes: deps.maxUploadBytes, tooLarge: uploadTooLarge(deps.maxUploadBytes).detail };
    return { datasets: list.map((d) => ({ ...d, latest: d.latest ? versionView(d.latest, steward) : null })), upload };
  });

  app.get('/api/datasets/:id', async (req) => {
    const viewer = await requireViewer(req, access);
    const { id } = idParams.parse(req.params);
    const steward = isSteward(viewer);
    const dataset = await datasets.get(id);
    const versions = await datasets.versions(id);
    return { dataset: { id: dataset.id, name: dataset.name, createdAt: dataset.createdAt }, versions: versions.map((v) => versionView(v, steward)), canManage: steward };
  });

  app.post('/api/datasets/:id/versions/:version/types', async (req, reply) => {
    const viewer = await requireViewer(req, access);
    requireWorkspace(viewer, 'dataset.import');
    const { id, version } = versionParams.parse(req.params);
    const { types } = typesBody.parse(req.body);
    const created = await datasets.retype(id, version, types, viewer.userId);
    await appendAudit(auditDb, {
      actorId: viewer.userId, action: datasetAuditActions.retyped, target: id,
      detail: { from: version, version: created.version, types },
    });
    return reply.code(201).send({ version: versionView(created, true) });
  });

  app.get('/api/datasets/:id/extracts', async (req) => {
    await requireViewer(req, access);
    const { id } = idParams.parse(req.params);
    await datasets.get(id);
    return { builds: await listExtractBuilds(deps.db, id) };
  });

  app.post('/api/datasets/:id/extracts', async (req, reply) => {
    const viewer = await requireViewer(req, access);
    requireWorkspace(viewer, 'extract.build');
    const { id } = idParams.parse(req.params);
    const { policyVersionId } = buildBody.parse(req.body ?? {});
    const { build, extract } = await buildExtract({ db: deps.db, datasets, policies, catalog: deps.catalog }, { datasetId: id, policyVersionId, actorId: viewer.userId });
    await appendAudit(auditDb, {
      actorId: viewer.userId, action: datasetAuditActions.extractBuilt, target: `${extract.name}@${extract.version}`,
      detail: { datasetId: id, policyVersionId: build.policyVersionId, policyVersion: build.policyVersion, inputHash: build.inputHash, contentHash: extract.contentHash, rows: build.report.outputRows, suppressed: build.report.suppressed, k: build.report.k, levels: build.report.levels, loss: build.report.loss },
    });
    return reply.code(201).send({ build, extract });
  });

  registerPolicyRoutes(app, { access, db: auditDb, policies });
}

/**
 * Settings from the environment (until `server/config.ts` carries them):
 * `MADANG_POLICY_APPROVALS` (default 2) and `MADANG_DATASET_MAX_BYTES` (default 2 GiB).
 */
export function privacySettingsFromEnv(env: NodeJS.ProcessEnv): Pick<DatasetRouteDeps, 'requiredApprovals' | 'maxUploadBytes'> {
  return { requiredApprovals: parseRequiredApprovals(env.MADANG_POLICY_APPROVALS), maxUploadBytes: parseMaxUploadBytes(env.MADANG_DATASET_MAX_BYTES) };
}

/** The plugin `server/index.ts` registers (one encapsulated scope: the stream parser stays here). */
export function datasetRoutesPlugin(deps: DatasetRouteDeps): FastifyPluginAsync {
  return async (app) => {
    const datasets = createDatasetService({ db: deps.db, dataDir: deps.dataDir });
    registerDatasetRoutes(app, deps, datasets);
  };
}

