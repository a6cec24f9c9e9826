/**
 * Sharing a notebook (docs/interfaces):
 *
 *   GET    /api/notebooks/:id/members                 (any role)   -> {role, members}
 *   POST   /api/notebooks/:id/members {email, role}   (owner)      -> {member, previousRole}
 *          or {orgId, role} (a whole organisation), or {everyone: true, role} (every signed-in person)
 *   DELETE /api/notebooks/:id/members/:kind/:principalId  (owner; anyone may remove themself)
 *
 * role: owner | editor | commenter | viewer. The last owner can be neither removed nor demoted
 * (409). A person with no role gets 404 for the notebook, as if it did not exist.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { MadangError } from '../../../shared/errors.ts';
import { notebookRoles } from '../../../shared/roles.ts';
import { appendAudit, auditActions } from '../../audit/auditLog.ts';
import { systemClock } from '../../auth/clock.ts';
import { listMembers, removeMember, setMember, type Principal } from '../../auth/memberships.ts';
import { requireNotebook, requireViewer } from '../../auth/requireViewer.ts';
import { findOrgById, findUserByEmail } from '../../auth/users.ts';
import type { AuthRouteDeps } from './authCommon.ts';

const notebookParams = z.object({ id: z.string() });
const memberParams = notebookParams.extend({
  kind: z.enum(['user', 'org', 'workspace']),
  principalId: z.string().min(1).max(64),
});
const role = z.enum(notebookRoles);
const addBody = z.union([
  z.object({ email: z.string().trim().min(1).max(320), role }).strict(),
  z.object({ orgId: z.string().min(1).max(64), role }).strict(),
  z.object({ everyone: z.literal(true), role }).strict(),
]);

const notFound = (id: string) => new MadangError('not_found', { ko: '노트북을 찾을 수 없습니다.', en: `notebook not found: ${id}` });

export async function registerMemberRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  const clock = deps.clock ?? systemClock;

  /** A malformed id is "not found" too, like the notebook routes answer. */
  async function checkExists(id: string): Promise<void> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw notFound(id.slice(0, 64));
    if (deps.notebookExists && !(await deps.notebookExists(id))) throw notFound(id);
  }

  app.get('/api/notebooks/:id/members', async (request) => {
    const viewer = await requireViewer(request, deps.access);
    const { id } = notebookParams.parse(request.params);
    await checkExists(id);
    const myRole = await requireNotebook(viewer, id, 'notebook.read', deps.access);
    return { role: myRole, members: await listMembers(deps.db, id) };
  });

  app.post('/api/notebooks/:id/members', async (request, reply) => {
    const viewer = await requireViewer(request, deps.access);
    const { id } = notebookParams.parse(request.params);
    await checkExists(id);
    await requireNotebook(viewer, id, 'notebook.share', deps.access);
    const body = addBody.parse(request.body);
    let principal: Principal;
    if ('email' in body) {
      const user = await findUserByEmail(deps.db, body.email);
      if (!user || user.disabled_at !== null) {
        throw new MadangError('not_found', {
          ko: `이 이메일로 가입한 사람이 없습니다: ${body.email}. 관리자에게 초대를 요청하세요.`,
          en: `no account with this email: ${body.email}; ask an admin to invite them`,
        });
      }
      principal = { kind: 'user', id: user.id };
    } else if ('orgId' in body) {
      if (!(await findOrgById(deps.db, body.orgId))) {
        throw new MadangError('not_found', { ko: '조직을 찾을 수 없습니다.', en: `no such organisation: ${body.orgId}` });
      }
      principal = { kind: 'org', id: body.orgId };
    } else {
      principal = { kind: 'workspace' };
    }
    const result = await setMember(deps.db, { notebookId: id, principal, role: body.role, addedBy: viewer.userId }, clock);
    const principalId = principal.kind === 'workspace' ? '*' : principal.id;
    await appendAudit(deps.db, {
      actorId: viewer.userId,
      action: result.previousRole === null ? auditActions.memberAdded : auditActions.memberRoleChanged,
      target: `notebook:${id}`,
      detail: { principalKind: principal.kind, principalId, role: body.role, previousRole: result.previousRole },
    }, clock);
    const member = (await listMembers(deps.db, id)).find((m) => m.kind === principal.kind && m.id === principalId);
    reply.code(result.previousRole === null ? 201 : 200);
    return { member, previousRole: result.previousRole };
  });

  app.delete('/api/notebooks/:id/members/:kind/:principalId', async (request) => {
    const viewer = await requireViewer(request, deps.access);
    const { id, kind, principalId } = memberParams.parse(request.params);
    await checkExists(id);
    const leavingSelf = kind === 'user' && principalId === viewer.userId;
    await requireNotebook(viewer, id, leavingSelf ? 'notebook.read' : 'notebook.share', deps.access);
    const principal: Principal = kind === 'workspace' ? { kind } : { kind, id: principalId };
    const removed = await removeMember(deps.db, id, principal);
    if (removed === null) {
      throw new MadangError('not_found', { ko: '그런 구성원이 없습니다.', en: `no such member: ${kind}/${principalId}` });
    }
    await appendAudit(deps.db, {
      actorId: viewer.userId, action: auditActions.memberRemoved, target: `notebook:${id}`,
      detail: { principalKind: kind, principalId: kind === 'workspace' ? '*' : principalId, previousRole: removed },
    }, clock);
    return { ok: true };
  });
}

export function memberRoutesPlugin(deps: AuthRouteDeps): FastifyPluginAsync {
  return async (app) => registerMemberRoutes(app, deps);
}
