/**
 * Policy routes (issue 5). History and reviews are open to every signed-in member (the approval
 * record is public to members); drafting and the live preview need `policy.draft` (stewards);
 * approving and requesting changes need `policy.approve`; commenting needs only to be a member.
 *
 *   GET  /api/datasets/:id/policies             every version with preview, reviews and state
 *   POST /api/datasets/:id/policies/preview     {policy} -> the sanitise report (nothing stored)
 *   POST /api/datasets/:id/policies             {policy, note} -> a new immutable version (201)
 *   POST /api/policies/:versionId/reviews       {decision: approve|request_changes|comment, comment}
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccessControl } from '../../auth/access.ts';
import { requireViewer, requireWorkspace } from '../../auth/requireViewer.ts';
import { appendAudit } from '../../audit/auditLog.ts';
import type { PolicyService } from '../../policies/policyService.ts';
import type { AuthDb } from '../../auth/authSchema.ts';

export const policyAuditActions = {
  draft: 'policy.draft',
  approve: 'policy.approve',
  requestChanges: 'policy.request_changes',
  comment: 'policy.comment',
} as const;

const idParams = z.object({ id: z.string().min(1).max(64) });
const versionParams = z.object({ versionId: z.string().min(1).max(64) });
const draftBody = z.object({ policy: z.unknown(), note: z.string().max(2000).default('') });
const previewBody = z.object({ policy: z.unknown() });
const reviewBody = z.object({ decision: z.enum(['approve', 'request_changes', 'comment']), comment: z.string().max(4000).default('') });

export function registerPolicyRoutes(app: FastifyInstance, deps: { access: AccessControl; db: AuthDb; policies: PolicyService }): void {
  const { access, policies } = deps;

  app.get('/api/datasets/:id/policies', async (req) => {
    await requireViewer(req, access);
    const { id } = idParams.parse(req.params);
    return { requiredApprovals: policies.requiredApprovals, versions: await policies.history(id) };
  });

  app.post('/api/datasets/:id/policies/preview', async (req) => {
    const viewer = await requireViewer(req, access);
    requireWorkspace(viewer, 'policy.draft');
    const { id } = idParams.parse(req.params);
    const { policy } = previewBody.parse(req.body);
    return { report: await policies.preview(id, policy) };
  });

  app.post('/api/datasets/:id/policies', async (req, reply) => {
    const viewer = await requireViewer(req, access);
    requireWorkspace(viewer, 'policy.draft');
    const { id } = idParams.parse(req.params);
    const { policy, note } = draftBody.parse(req.body);
    const version = await policies.draft(id, policy, note, { userId: viewer.userId, orgId: viewer.orgId });
    await appendAudit(deps.db, {
      actorId: viewer.userId, action: policyAuditActions.draft, target: version.id,
      detail: { datasetId: id, version: version.version, datasetVersion: version.datasetVersion, k: version.preview.k, status: version.preview.status },
    });
    return reply.code(201).send({ version });
  });

  app.post('/api/policies/:versionId/reviews', async (req, reply) => {
    const viewer = await requireViewer(req, access);
    const { versionId } = versionParams.parse(req.params);
    const { decision, comment } = reviewBody.parse(req.body);
    if (decision !== 'comment') requireWorkspace(viewer, 'policy.approve');
    const before = await policies.get(versionId);
    const version = await policies.review(versionId, decision, comment, { userId: viewer.userId, orgId: viewer.orgId });
    const action = decision === 'approve' ? policyAuditActions.approve : decision === 'request_changes' ? policyAuditActions.requestChanges : policyAuditActions.comment;
    await appendAudit(deps.db, {
      actorId: viewer.userId, action, target: versionId,
      detail: { datasetId: version.datasetId, version: version.version, comment, stateBefore: before.state.status, stateAfter: version.state.status },
    });
    return reply.code(201).send({ version });
  });
}
