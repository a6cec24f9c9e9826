/**
 * Guards for HTTP routes, shared by every `/api` route (auth's and everyone else's):
 * `requireViewer` = the CSRF/Origin rule for the request's method + a valid session, else a
 * `MadangError` (403 / 401) for the app's one error handler to send.
 *
 * @example
 *   app.post('/api/notebooks', async (request) => {
 *     const viewer = await requireViewer(request, access);
 *     requireWorkspace(viewer, 'notebook.create');
 *   });
 */
import type { IncomingHttpHeaders } from 'node:http';
import { MadangError } from '../../shared/errors.ts';
import { canInWorkspace, canOnNotebook, type NotebookAction, type NotebookRole, type WorkspaceAction } from '../../shared/roles.ts';
import type { AccessControl, Viewer } from './access.ts';
import type { MadangAccessControl } from './accessControl.ts';

/** The part of a Fastify request these guards read. */
export interface RequestLike {
  method: string;
  headers: IncomingHttpHeaders;
}

export const crossSiteRefused = new MadangError('forbidden', {
  ko: '다른 사이트에서 보낸 요청은 받을 수 없습니다.',
  en: 'cross-site request refused (Origin not allowed or X-Requested-With missing)',
});

export const signInRequired = new MadangError('unauthenticated', {
  ko: '로그인이 필요합니다. 세션이 만료되었을 수 있습니다.',
  en: 'sign in required (the session may have expired)',
});

function hasStateCheck(access: AccessControl): access is MadangAccessControl {
  return typeof (access as Partial<MadangAccessControl>).isStateChangeAllowed === 'function';
}

/** Throws 403 for a request that fails the Origin/CSRF rule (see `accessControl.ts`). */
export function requireSameSite(request: RequestLike, access: AccessControl): void {
  const ok = hasStateCheck(access) ? access.isStateChangeAllowed(request.method, request.headers) : access.isOriginAllowed(request.headers);
  if (!ok) throw crossSiteRefused;
}

/** The signed-in person, after the Origin/CSRF rule; 403 or 401 otherwise. */
export async function requireViewer(request: RequestLike, access: AccessControl): Promise<Viewer> {
  requireSameSite(request, access);
  const viewer = await access.identify(request.headers);
  if (!viewer) throw signInRequired;
  return viewer;
}

/** 403 unless the person's workspace role allows `action`. */
export function requireWorkspace(viewer: Viewer, action: WorkspaceAction): void {
  if (!canInWorkspace(viewer.workspaceRole, action)) {
    throw new MadangError('forbidden', {
      ko: '이 작업을 할 권한이 없습니다.',
      en: `your workspace role (${viewer.workspaceRole}) does not allow ${action}`,
    });
  }
}

/**
 * The person's role on a notebook if it allows `action`. No role at all is 404, not 403, so ids
 * cannot be probed to learn which notebooks exist; a role that is too weak is 403.
 */
export async function requireNotebook(viewer: Viewer, notebookId: string, action: NotebookAction, access: AccessControl): Promise<NotebookRole> {
  const role = await access.notebookRole(viewer, notebookId);
  if (role === null) {
    throw new MadangError('not_found', { ko: '노트북을 찾을 수 없습니다.', en: `notebook not found: ${notebookId}` });
  }
  if (!canOnNotebook(role, action)) {
    throw new MadangError('forbidden', {
      ko: `이 노트북에서 '${role}' 역할로는 할 수 없는 작업입니다.`,
      en: `your role on this notebook (${role}) does not allow ${action}`,
    });
  }
  return role;
}
