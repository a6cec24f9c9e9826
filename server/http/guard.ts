/**
 * Who may call a notebook route, decided in one order for every route: the cross-site rule and a
 * session (403 / 401, via the accounts module's `requireViewer`), then the id (404 when malformed
 * or no live notebook has it), then the role (`requireNotebook`: 404 with no role at all, so ids
 * of private notebooks cannot be probed; 403 when the role lacks the right).
 */
import type { FastifyRequest } from 'fastify';
import type { AccessControl, Viewer } from '../auth/access.ts';
import { requireNotebook, requireViewer as requireSignedIn } from '../auth/requireViewer.ts';
import type { NotebookAction, NotebookRole } from '../../shared/roles.ts';
import { isValidNotebookId } from '../../shared/ids.ts';
import { httpErrors } from './errors.ts';

/** The signed-in viewer (after the cross-site check), or a 403/401. */
export function requireViewer(access: AccessControl, req: FastifyRequest): Promise<Viewer> {
  return requireSignedIn(req, access);
}

export interface NotebookGrant {
  viewer: Viewer;
  role: NotebookRole;
}

/** Checks `action` on notebook `id`; `exists` says whether a live (not deleted) notebook has it. */
export async function requireNotebookAction(
  access: AccessControl,
  req: FastifyRequest,
  id: string,
  action: NotebookAction,
  exists: (id: string) => Promise<boolean>,
): Promise<NotebookGrant> {
  const viewer = await requireViewer(access, req);
  if (!isValidNotebookId(id) || !(await exists(id))) throw httpErrors.notebookNotFound(id);
  const role = await requireNotebook(viewer, id, action, access);
  return { viewer, role };
}
