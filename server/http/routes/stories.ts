/**
 * Story API for members (JSON), plus the public list:
 *
 *   GET  /api/stories                              published stories (q, problem, district): anyone
 *   GET  /api/notebooks/:id/story                  address, versions, drafts with flags (notebook.read)
 *   POST /api/notebooks/:id/story/publish          build + check + publish or block (owner + story.publish)
 *   POST /api/notebooks/:id/story/unpublish        (owner)
 *   POST /api/story-drafts/:draftId/request-review {note}   (owner)
 *   GET  /api/story-reviews                        drafts waiting for a steward (story.review)
 *   POST /api/story-drafts/:draftId/approve|reject {note}   (story.review; audited)
 *   GET  /api/notebooks/:id/story/feedback         every feedback entry (notebook.read)
 *   POST /api/story-feedback/:id/moderate {action} (notebook.comment)
 *   POST /api/story-feedback/:id/reply {text}      (notebook.comment)
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { MadangError } from '../../../shared/errors.ts';
import { publishRequestSchema } from '../../../shared/stories/model.ts';
import type { AccessControl } from '../../auth/access.ts';
import { requireWorkspace } from '../../auth/requireViewer.ts';
import type { StoryService } from '../../stories/storyService.ts';
import { requireNotebookAction, requireViewer } from '../guard.ts';

export interface StoryRouteDeps {
  stories: StoryService;
  access: AccessControl;
  notebookExists(id: string): Promise<boolean>;
}

const idParams = z.object({ id: z.string().min(1).max(64) });
const draftParams = z.object({ draftId: z.string().min(1).max(64) });
const noteBody = z.object({ note: z.string().max(2000).default('') }).default({ note: '' });
const listQuery = z.object({ q: z.string().max(200).optional(), problem: z.string().max(200).optional(), district: z.string().max(40).optional() });

function ownersOnly(): MadangError {
  return new MadangError('forbidden', { ko: '노트북 소유자만 이야기를 공개할 수 있습니다.', en: 'only the notebook\'s owners can publish its story' });
}

export function registerStoryRoutes(app: FastifyInstance, deps: StoryRouteDeps): void {
  const { stories, access } = deps;
  const owner = async (req: Parameters<typeof requireViewer>[1], id: string) => {
    const grant = await requireNotebookAction(access, req, id, 'notebook.read', deps.notebookExists);
    if (grant.role !== 'owner') throw ownersOnly();
    return grant;
  };

  app.get('/api/stories', async (req) => {
    const q = listQuery.parse(req.query);
    return { stories: await stories.list(q) };
  });

  app.get('/api/notebooks/:id/story', async (req) => {
    const { id } = idParams.parse(req.params);
    await requireNotebookAction(access, req, id, 'notebook.read', deps.notebookExists);
    return { story: await stories.forNotebook(id) };
  });

  app.post('/api/notebooks/:id/story/publish', { bodyLimit: 256 * 1024 }, async (req, reply) => {
    const { id } = idParams.parse(req.params);
    const { viewer } = await owner(req, id);
    requireWorkspace(viewer, 'story.publish');
    const request = publishRequestSchema.parse(req.body);
    const result = await stories.publish(viewer.userId, id, request);
    return reply.code(result.status === 'published' ? 201 : 200).send(result);
  });

  app.post('/api/notebooks/:id/story/unpublish', async (req, reply) => {
    const { id } = idParams.parse(req.params);
    const { viewer } = await owner(req, id);
    await stories.unpublish(viewer.userId, id);
    return reply.code(204).send();
  });

  app.post('/api/story-drafts/:draftId/request-review', async (req, reply) => {
    const { draftId } = draftParams.parse(req.params);
    const notebookId = await stories.notebookOfDraft(draftId).catch(() => null);
    const viewer = await requireViewer(access, req);
    if (!notebookId) throw new MadangError('not_found', { ko: '공개 초안을 찾을 수 없습니다.', en: 'draft not found' });
    await owner(req, notebookId);
    await stories.requestReview(viewer.userId, draftId, noteBody.parse(req.body).note);
    return reply.code(204).send();
  });

  app.get('/api/story-reviews', async (req) => {
    const viewer = await requireViewer(access, req);
    requireWorkspace(viewer, 'story.review');
    return { reviews: await stories.reviews() };
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/api/story-drafts/:draftId/${decision}`, async (req) => {
      const viewer = await requireViewer(access, req);
      requireWorkspace(viewer, 'story.review');
      const { draftId } = draftParams.parse(req.params);
      return stories.decide(viewer.userId, draftId, decision, noteBody.parse(req.body).note);
    });
  }

  app.get('/api/notebooks/:id/story/feedback', async (req) => {
    const { id } = idParams.parse(req.params);
    await requireNotebookAction(access, req, id, 'notebook.read', deps.notebookExists);
    const rows = await stories.feedbackForNotebook(id);
    return {
      feedback: rows.map((r) => ({ id: r.id, version: r.version, name: r.name, body: r.body, status: r.status, createdAt: r.created_at, reply: r.reply, replyAt: r.reply_at })),
    };
  });

  const feedbackParams = z.object({ id: z.string().min(1).max(64) });
  app.post('/api/story-feedback/:id/moderate', async (req, reply) => {
    const { id } = feedbackParams.parse(req.params);
    await requireViewer(access, req);
    const notebookId = await stories.notebookOfFeedback(id);
    const { viewer } = await requireNotebookAction(access, req, notebookId, 'notebook.comment', deps.notebookExists);
    const { action } = z.object({ action: z.enum(['approve', 'reject']) }).parse(req.body);
    await stories.moderate(viewer.userId, id, action === 'approve' ? 'approved' : 'rejected');
    return reply.code(204).send();
  });

  app.post('/api/story-feedback/:id/reply', async (req, reply) => {
    const { id } = feedbackParams.parse(req.params);
    await requireViewer(access, req);
    const notebookId = await stories.notebookOfFeedback(id);
    const { viewer } = await requireNotebookAction(access, req, notebookId, 'notebook.comment', deps.notebookExists);
    const { text } = z.object({ text: z.string().trim().min(1).max(2000) }).parse(req.body);
    await stories.reply(viewer.userId, id, text);
    return reply.code(204).send();
  });
}

export function storyRoutesPlugin(deps: StoryRouteDeps): FastifyPluginAsync {
  return async (app) => registerStoryRoutes(app, deps);
}
