/** Client calls for the publish flow and the feedback panel (`server/http/routes/stories.ts`). */
import { z } from 'zod';
import type { PublishRequest } from '../../../shared/stories/model.ts';
import { request } from '../../api/http.ts';

const flaggedSchema = z.object({
  cellId: z.string(), cellName: z.string(), index: z.number(), status: z.string(),
  cells: z.array(z.object({ row: z.number(), column: z.string(), rule: z.string(), reason: z.string(), reasonKo: z.string() }).passthrough()),
  issues: z.array(z.object({ code: z.string(), reason: z.string(), reasonKo: z.string() }).passthrough()),
});
export type FlaggedFigureView = z.infer<typeof flaggedSchema>;

export const publishResultSchema = z.object({
  status: z.enum(['published', 'blocked']),
  draftId: z.string(), slug: z.string(), url: z.string(), version: z.number().nullable(),
  flagged: z.array(flaggedSchema),
  notices: z.array(z.object({ cellId: z.string(), ko: z.string(), en: z.string() })),
});
export type PublishResultView = z.infer<typeof publishResultSchema>;

const storySchema = z.object({
  story: z.object({
    slug: z.string(), url: z.string(), currentVersion: z.number().nullable(), unpublishedAt: z.string().nullable(),
    versions: z.array(z.object({ draftId: z.string(), version: z.number().nullable(), status: z.string(), createdAt: z.string(), publishedAt: z.string().nullable(), reviewNote: z.string().nullable(), flagged: z.array(flaggedSchema) })),
  }).nullable(),
});
export type NotebookStoryView = z.infer<typeof storySchema>['story'];

const feedbackSchema = z.object({
  feedback: z.array(z.object({ id: z.string(), version: z.number(), name: z.string().nullable(), body: z.string(), status: z.string(), createdAt: z.string(), reply: z.string().nullable(), replyAt: z.string().nullable() })),
});
export type FeedbackItem = z.infer<typeof feedbackSchema>['feedback'][number];

export async function fetchNotebookStory(notebookId: string): Promise<NotebookStoryView> {
  return (await request(`/api/notebooks/${encodeURIComponent(notebookId)}/story`, { schema: storySchema })).story;
}

export function publishStory(notebookId: string, body: PublishRequest): Promise<PublishResultView> {
  return request(`/api/notebooks/${encodeURIComponent(notebookId)}/story/publish`, { method: 'POST', body, schema: publishResultSchema });
}

export async function requestReview(draftId: string, note: string): Promise<void> {
  await request(`/api/story-drafts/${encodeURIComponent(draftId)}/request-review`, { method: 'POST', body: { note } });
}

export async function decideDraft(draftId: string, decision: 'approve' | 'reject', note: string): Promise<void> {
  await request(`/api/story-drafts/${encodeURIComponent(draftId)}/${decision}`, { method: 'POST', body: { note }, schema: z.unknown() });
}

export async function unpublishStory(notebookId: string): Promise<void> {
  await request(`/api/notebooks/${encodeURIComponent(notebookId)}/story/unpublish`, { method: 'POST', body: {} });
}

export async function fetchFeedback(notebookId: string): Promise<FeedbackItem[]> {
  return (await request(`/api/notebooks/${encodeURIComponent(notebookId)}/story/feedback`, { schema: feedbackSchema })).feedback;
}

export async function moderateFeedback(id: string, action: 'approve' | 'reject'): Promise<void> {
  await request(`/api/story-feedback/${encodeURIComponent(id)}/moderate`, { method: 'POST', body: { action } });
}

export async function replyToFeedback(id: string, text: string): Promise<void> {
  await request(`/api/story-feedback/${encodeURIComponent(id)}/reply`, { method: 'POST', body: { text } });
}
