/**
 * `/api/notebooks`: list, create, read, rename, delete, export and import notebooks. Every route
 * asks `AccessControl` who is calling and checks the role with `canOnNotebook` (shared/roles.ts)
 * through `http/guard.ts`; bodies are validated with zod; errors are thrown and mapped in one place.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AccessControl, Viewer } from '../../auth/access.ts';
import type { NotebookRecord } from '../../persistence/adapter.ts';
import type { NotebookRole } from '../../../shared/roles.ts';
import { MadangError } from '../../../shared/errors.ts';
import { maxNotebookFileBytes, type NotebookService } from '../../notebooks/service.ts';
import { requireNotebookAction, requireViewer } from '../guard.ts';

export interface NotebookRoutesDeps {
  access: AccessControl;
  notebooks: NotebookService;
  /**
   * Appends to the audit log (the processing record): who created, imported, renamed, deleted or
   * exported (downloaded) which notebook. Absent: nothing is recorded.
   */
  audit?: (entry: { actorId: string; action: NotebookAuditAction; target: string; detail?: Record<string, unknown> }) => Promise<void>;
  /** Every notebook id the viewer has a role on, in one query (else one `notebookRole` per row). */
  readableNotebooks?: (viewer: Viewer) => Promise<Map<string, NotebookRole>>;
}

export const notebookAuditActions = {
  created: 'notebook.created',
  imported: 'notebook.imported',
  renamed: 'notebook.renamed',
  deleted: 'notebook.deleted',
  exported: 'notebook.exported',
} as const;
export type NotebookAuditAction = (typeof notebookAuditActions)[keyof typeof notebookAuditActions];

/** A notebook as the API shows it: the row plus the caller's role. */
export interface NotebookView {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  role: NotebookRole;
}

export function toNotebookView(row: NotebookRecord, role: NotebookRole): NotebookView {
  return { id: row.id, title: row.title, createdAt: row.createdAt, updatedAt: row.updatedAt, role };
}

const idParams = z.object({ id: z.string().max(200) });
const titleBody = z.object({ title: z.unknown() }, { error: 'expected a JSON object {"title": "…"}' });
const importJsonBody = z.object({ markdown: z.string() }, { error: 'expected {"markdown": "…"} or a text/markdown body' });

/** `filename` (ASCII fallback) and `filename*` (RFC 5987, UTF-8) so Korean titles survive. */
export function contentDisposition(title: string, id: string): string {
  const ascii = title.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  const fallback = `${ascii || `notebook-${id}`}.md`;
  const utf8 = encodeURIComponent(`${title}.md`).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${utf8}`;
}

export function registerNotebookRoutes(app: FastifyInstance, deps: NotebookRoutesDeps): void {
  const { access, notebooks } = deps;
  const exists = (id: string) => notebooks.exists(id);
  const audit = deps.audit ?? (async () => {});

  // Notebook files arrive as text; Fastify only parses JSON and text/plain by itself.
  app.addContentTypeParser(['text/markdown', 'text/x-markdown'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/api/notebooks', async (req) => {
    const viewer = await requireViewer(access, req);
    const rows = await notebooks.list();
    const roles = deps.readableNotebooks ? await deps.readableNotebooks(viewer) : undefined;
    const views: NotebookView[] = [];
    for (const row of rows) {
      const role = roles ? (roles.get(row.id) ?? null) : await access.notebookRole(viewer, row.id);
      if (role !== null) views.push(toNotebookView(row, role));
    }
    return { notebooks: views };
  });

  app.post('/api/notebooks', async (req, reply) => {
    const viewer = await requireViewer(access, req);
    const body = titleBody.parse(req.body);
    const row = await notebooks.create({ title: body.title, ownerId: viewer.userId });
    await audit({ actorId: viewer.userId, action: notebookAuditActions.created, target: row.id, detail: { title: row.title } });
    return reply.code(201).send({ id: row.id, title: row.title });
  });

  // The session is checked in onRequest, before Fastify reads up to 4 MiB of body for nobody.
  const importers = new WeakMap<FastifyRequest, Viewer>();
  const importOptions = {
    bodyLimit: maxNotebookFileBytes + 64 * 1024,
    onRequest: async (req: FastifyRequest) => {
      importers.set(req, await requireViewer(access, req));
    },
  };
  app.post('/api/notebooks/import', importOptions, async (req, reply) => {
    const viewer = importers.get(req) ?? (await requireViewer(access, req));
    const markdown = typeof req.body === 'string' ? req.body : importJsonBody.parse(req.body).markdown;
    const row = await notebooks.importMarkdown(markdown, { ownerId: viewer.userId });
    await audit({ actorId: viewer.userId, action: notebookAuditActions.imported, target: row.id, detail: { title: row.title, bytes: Buffer.byteLength(markdown, 'utf8') } });
    return reply.code(201).send({ id: row.id, title: row.title });
  });

  app.get('/api/notebooks/:id', async (req) => {
    const { id } = idParams.parse(req.params);
    const { role } = await requireNotebookAction(access, req, id, 'notebook.read', exists);
    const row = await notebooks.get(id);
    if (!row) throw gone(id);
    return toNotebookView(row, role);
  });

  app.patch('/api/notebooks/:id', async (req) => {
    const { id } = idParams.parse(req.params);
    const { viewer, role } = await requireNotebookAction(access, req, id, 'notebook.rename', exists);
    const body = titleBody.parse(req.body);
    const before = await notebooks.get(id);
    const row = await notebooks.rename(id, body.title);
    await audit({ actorId: viewer.userId, action: notebookAuditActions.renamed, target: id, detail: { from: before?.title ?? null, to: row.title } });
    return toNotebookView(row, role);
  });

  app.delete('/api/notebooks/:id', async (req, reply) => {
    const { id } = idParams.parse(req.params);
    const { viewer } = await requireNotebookAction(access, req, id, 'notebook.delete', exists);
    await notebooks.delete(id);
    await audit({ actorId: viewer.userId, action: notebookAuditActions.deleted, target: id });
    return reply.code(204).send();
  });

  app.get('/api/notebooks/:id/export', async (req, reply) => {
    const { id } = idParams.parse(req.params);
    const { viewer } = await requireNotebookAction(access, req, id, 'notebook.export', exists);
    const { record, markdown } = await notebooks.exportMarkdown(id);
    await audit({ actorId: viewer.userId, action: notebookAuditActions.exported, target: id });
    return reply
      .header('content-type', 'text/markdown; charset=utf-8')
      .header('content-disposition', contentDisposition(record.title, record.id))
      .header('cache-control', 'no-store')
      .send(markdown);
  });
}

/** Deleted between the access check and the read. */
function gone(id: string): MadangError {
  return new MadangError('not_found', { ko: `노트북을 찾을 수 없습니다: ${id}`, en: `notebook not found: ${id}` });
}
