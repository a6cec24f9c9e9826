/**
 * People and organisations, for the sharing dialog and for admins:
 *
 *   GET   /api/users?query=text          (signed in)  -> {users}   name or email contains text
 *   GET   /api/orgs                      (signed in)  -> {orgs}
 *   POST  /api/orgs {name, kind, color?} (admin)      -> 201 {org}
 *   PATCH /api/users/:id {workspaceRole?, disabled?}  (admin) -> {user}; not on one's own account
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { MadangError } from '../../../shared/errors.ts';
import { orgKinds, workspaceRoles } from '../../../shared/roles.ts';
import { appendAudit, auditActions } from '../../audit/auditLog.ts';
import { systemClock } from '../../auth/clock.ts';
import { requireViewer, requireWorkspace } from '../../auth/requireViewer.ts';
import { createOrg, listOrgs, searchUsers, setUserDisabled, setWorkspaceRole } from '../../auth/users.ts';
import { toUserJson, type AuthRouteDeps } from './authCommon.ts';

const searchQuery = z.object({ query: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(50).optional() });
const orgBody = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(orgKinds),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/).optional(),
});
const userParams = z.object({ id: z.string().min(1).max(64) });
const patchBody = z.object({ workspaceRole: z.enum(workspaceRoles).optional(), disabled: z.boolean().optional() }).strict();

export async function registerUserRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  const clock = deps.clock ?? systemClock;

  app.get('/api/users', async (request) => {
    const viewer = await requireViewer(request, deps.access);
    requireWorkspace(viewer, 'workspace.listPeople');
    const q = searchQuery.parse(request.query);
    const users = await searchUsers(deps.db, q.query ?? '', q.limit ?? 20);
    return { users: users.map(toUserJson) };
  });

  app.get('/api/orgs', async (request) => {
    const viewer = await requireViewer(request, deps.access);
    requireWorkspace(viewer, 'workspace.listPeople');
    return { orgs: await listOrgs(deps.db) };
  });

  app.post('/api/orgs', async (request, reply) => {
    const viewer = await requireViewer(request, deps.access);
    requireWorkspace(viewer, 'workspace.manageUsers');
    const body = orgBody.parse(request.body);
    const org = await createOrg(deps.db, body, clock);
    await appendAudit(deps.db, { actorId: viewer.userId, action: 'org.created', target: org.id, detail: { name: org.name, kind: org.kind } }, clock);
    reply.code(201);
    return { org };
  });

  app.patch('/api/users/:id', async (request) => {
    const viewer = await requireViewer(request, deps.access);
    requireWorkspace(viewer, 'workspace.manageUsers');
    const { id } = userParams.parse(request.params);
    const body = patchBody.parse(request.body);
    // An admin changing their own role or disabling themself could leave nobody able to manage.
    if (id === viewer.userId) {
      throw new MadangError('conflict', { ko: '자기 계정의 역할이나 상태는 바꿀 수 없습니다.', en: 'you cannot change your own role or status' });
    }
    const before = await deps.db.selectFrom('users').select(['workspace_role', 'disabled_at']).where('id', '=', id).executeTakeFirst();
    if (!before) throw new MadangError('not_found', { ko: '사용자를 찾을 수 없습니다.', en: `no such user: ${id}` });
    if (body.workspaceRole !== undefined && body.workspaceRole !== before.workspace_role) {
      await setWorkspaceRole(deps.db, id, body.workspaceRole);
      await appendAudit(deps.db, { actorId: viewer.userId, action: auditActions.userRoleChanged, target: id, detail: { from: before.workspace_role, to: body.workspaceRole } }, clock);
    }
    if (body.disabled !== undefined && body.disabled !== (before.disabled_at !== null)) {
      await setUserDisabled(deps.db, id, body.disabled, clock);
      await appendAudit(deps.db, { actorId: viewer.userId, action: body.disabled ? auditActions.userDisabled : auditActions.userEnabled, target: id }, clock);
    }
    const row = await deps.db
      .selectFrom('users').innerJoin('orgs', 'orgs.id', 'users.org_id')
      .select(['users.id', 'users.email', 'users.name', 'users.org_id', 'orgs.name as org_name', 'orgs.kind', 'orgs.color', 'users.workspace_role', 'users.disabled_at'])
      .where('users.id', '=', id).executeTakeFirstOrThrow();
    return {
      user: {
        ...toUserJson({ userId: row.id, email: row.email, name: row.name, orgId: row.org_id, orgName: row.org_name, orgKind: row.kind, color: row.color, workspaceRole: row.workspace_role }),
        disabled: row.disabled_at !== null,
      },
    };
  });
}

export function userRoutesPlugin(deps: AuthRouteDeps): FastifyPluginAsync {
  return async (app) => registerUserRoutes(app, deps);
}
