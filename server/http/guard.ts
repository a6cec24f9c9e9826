/**
 * Who may call a route: every notebook route goes through these three checks, so "401 when not
 * signed in, 404 for an unknown or malformed id, 403 when the role lacks the right" is decided in
 * one place, in that order.
 */
import type { FastifyRequest } from 'fastify';
import type { AccessControl, Viewer } from '../auth/access.ts';
import { canOnNotebook, type NotebookAction, type NotebookRole } from '../../shared/roles.ts';
import { isValidNotebookId } from '../../shared/ids.ts';
import { httpErrors } from './errors.ts';

/** The signed-in viewer, or a 401. */
export async function requireViewer(access: AccessControl, req: FastifyRequest): Promise<Viewer> {
  const viewer = await access.identify(req.headers);
  if (!viewer) throw httpErrors.unauthenticated();
  return viewer;
}

export interface NotebookGrant {
  viewer: Viewer;
  role: NotebookRole;
}

/**
 * Checks `action` on notebook `id` for the request's viewer. `exists` says whether a live (not
 * deleted) notebook has that id. No role at all, or a role without the right, is a 403 (the
 * collab socket answers the same way with close code 4403).
 */
export async function requireNotebookAction(
  access: AccessControl,
  req: FastifyRequest,
  id: string,
  action: NotebookAction,
  exists: (id: string) => Promise<boolean>,
): Promise<NotebookGrant> {
  const viewer = await requireViewer(access, req);
  if (!isValidNotebookId(id) || !(await exists(id))) throw httpErrors.notebookNotFound(id);
  const role = await access.notebookRole(viewer, id);
  if (role === null) throw httpErrors.forbidden('you have no access to this notebook', '이 노트북에 접근할 권한이 없습니다');
  if (!canOnNotebook(role, action)) {
    throw httpErrors.forbidden(`your role (${role}) may not do ${action}`, `이 노트북에서 ${role} 역할로는 할 수 없는 작업입니다 (${action})`);
  }
  return { viewer, role };
}
