/**
 * Notebook rows over HTTP (`/api/notebooks`). Content is not here: it lives in the Y.Doc and moves
 * over the collab socket. Responses are validated with zod at this edge.
 */
import { z } from 'zod';
import { notebookRoles } from '../../shared/roles.ts';
import { request } from './http.ts';

export const notebookSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  role: z.enum(notebookRoles),
});
export type NotebookSummary = z.infer<typeof notebookSummarySchema>;

const listSchema = z.object({ notebooks: z.array(notebookSummarySchema) });
const createdSchema = z.object({ id: z.string(), title: z.string() });

export const maxTitleLength = 200;

/**
 * Why a title would be refused, as an i18n key in the `notebook` namespace; null when fine.
 * Mirrors the server's rule (trimmed, 1-200 characters, no control characters) so people see the
 * problem before sending; the server still decides.
 */
export function describeTitleProblem(title: string): 'titleEmpty' | 'titleTooLong' | 'titleControl' | null {
  const t = title.trim();
  if (t.length === 0) return 'titleEmpty';
  if ([...t].length > maxTitleLength) return 'titleTooLong';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(t)) return 'titleControl';
  return null;
}

export async function listNotebooks(signal?: AbortSignal): Promise<NotebookSummary[]> {
  const body = await request('/api/notebooks', { schema: listSchema, signal });
  return body.notebooks;
}

export function getNotebook(id: string, signal?: AbortSignal): Promise<NotebookSummary> {
  return request(`/api/notebooks/${encodeURIComponent(id)}`, { schema: notebookSummarySchema, signal });
}

export function createNotebook(title: string): Promise<{ id: string; title: string }> {
  return request('/api/notebooks', { method: 'POST', body: { title: title.trim() }, schema: createdSchema });
}

export function renameNotebook(id: string, title: string): Promise<NotebookSummary> {
  return request(`/api/notebooks/${encodeURIComponent(id)}`, { method: 'PATCH', body: { title: title.trim() }, schema: notebookSummarySchema });
}

export function deleteNotebook(id: string): Promise<void> {
  return request(`/api/notebooks/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Imports a notebook file (`.md`); the server makes a new notebook from it. */
export function importNotebook(markdown: string): Promise<{ id: string; title: string }> {
  return request('/api/notebooks/import', { method: 'POST', body: markdown, contentType: 'text/markdown; charset=utf-8', schema: createdSchema });
}

/** A plain link: the server answers with `Content-Disposition: attachment`. */
export function exportUrl(id: string): string {
  return `/api/notebooks/${encodeURIComponent(id)}/export`;
}
