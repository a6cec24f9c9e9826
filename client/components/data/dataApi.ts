/**
 * Browser calls for datasets, policies and extract builds (`server/http/routes/datasets.ts`,
 * `policies.ts`). Bodies are checked with zod; the sanitise report is kept loose (extra keys are
 * fine) because the engine may add fields.
 */
import { z } from 'zod';
import { request, readHttpError, HttpError } from '../../api/http.ts';
import { columnTypes, type ColumnType } from '../../../shared/datasets/types.ts';
import type { EncodingChoice } from '../../../shared/datasets/encoding.ts';

const columnSchema = z.object({
  name: z.string(),
  type: z.enum(columnTypes),
  inferredType: z.enum(columnTypes).optional(),
  nulls: z.number(),
  distinct: z.number(),
  min: z.string().nullable().optional(),
  max: z.string().nullable().optional(),
  top: z.array(z.object({ value: z.string(), count: z.number() })).optional(),
});
export type DatasetColumn = z.infer<typeof columnSchema>;

const versionSchema = z.object({
  id: z.string(),
  datasetId: z.string(),
  name: z.string(),
  version: z.number(),
  originalName: z.string(),
  format: z.string(),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  rowCount: z.number(),
  byteSize: z.number(),
  createdAt: z.string(),
  columns: z.array(columnSchema),
  profile: z.enum(['full', 'summary']),
});
export type DatasetVersion = z.infer<typeof versionSchema>;

const uploadLimitSchema = z.object({ maxBytes: z.number(), tooLarge: z.object({ ko: z.string(), en: z.string() }) });
/** The server's upload limit and its refusal message (the browser refuses a larger file itself). */
export type UploadLimit = z.infer<typeof uploadLimitSchema>;

const datasetListSchema = z.object({
  datasets: z.array(z.object({ id: z.string(), name: z.string(), createdAt: z.string(), latest: versionSchema.nullable() })),
  upload: uploadLimitSchema.optional(),
});
export type DatasetListItem = z.infer<typeof datasetListSchema>['datasets'][number];

/** The refusal for a file over the limit, in both languages, or null when it may be sent. */
export function uploadRefusal(file: { size: number }, limit: UploadLimit | undefined): UploadLimit['tooLarge'] | null {
  return limit && file.size > limit.maxBytes ? limit.tooLarge : null;
}

const datasetSchema = z.object({
  dataset: z.object({ id: z.string(), name: z.string(), createdAt: z.string() }),
  versions: z.array(versionSchema),
  canManage: z.boolean(),
});

export const reportSchema = z.looseObject({
  status: z.enum(['ok', 'no-solution']),
  reason: z.object({ ko: z.string(), en: z.string() }).optional(),
  inputRows: z.number(),
  outputRows: z.number(),
  suppressed: z.number(),
  maxSuppressed: z.number(),
  k: z.number(),
  l: z.number().nullable(),
  minClassSize: z.number(),
  classes: z.number(),
  classSizeHistogram: z.array(z.object({ from: z.number(), to: z.number().nullable(), classes: z.number(), records: z.number() })),
  levels: z.record(z.string(), z.number()),
  levelNames: z.record(z.string(), z.string()),
  loss: z.number().nullable(),
  metric: z.string(),
  droppedColumns: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type Report = z.infer<typeof reportSchema>;

const reviewSchema = z.object({
  id: z.string(), userId: z.string(), userName: z.string(), orgName: z.string(),
  decision: z.enum(['approve', 'request_changes', 'comment']), comment: z.string(), at: z.string(),
});
export type Review = z.infer<typeof reviewSchema>;

const policyVersionSchema = z.object({
  id: z.string(),
  version: z.number(),
  datasetVersion: z.number(),
  policy: z.unknown(),
  note: z.string(),
  authorId: z.string(),
  authorName: z.string(),
  authorOrgName: z.string(),
  preview: reportSchema,
  createdAt: z.string(),
  reviews: z.array(reviewSchema),
  state: z.looseObject({ status: z.enum(['approved', 'changes_requested', 'pending']), approvers: z.array(z.string()) }),
});
export type PolicyVersion = z.infer<typeof policyVersionSchema>;

const buildSchema = z.object({
  id: z.string(), policyVersion: z.number(), extractName: z.string(), extractVersion: z.number(), builtAt: z.string(), report: reportSchema,
});
export type ExtractBuild = z.infer<typeof buildSchema>;

export const listDatasets = (signal?: AbortSignal) => request('/api/datasets', { schema: datasetListSchema, signal });
export const getDataset = (id: string, signal?: AbortSignal) => request(`/api/datasets/${encodeURIComponent(id)}`, { schema: datasetSchema, signal });
export const retypeVersion = (id: string, version: number, types: Record<string, ColumnType>) =>
  request(`/api/datasets/${encodeURIComponent(id)}/versions/${version}/types`, { method: 'POST', body: { types }, schema: z.object({ version: versionSchema }) });
export const listPolicies = (id: string, signal?: AbortSignal) =>
  request(`/api/datasets/${encodeURIComponent(id)}/policies`, { schema: z.object({ requiredApprovals: z.number(), versions: z.array(policyVersionSchema) }), signal });
export const previewPolicy = (id: string, policy: unknown, signal?: AbortSignal) =>
  request(`/api/datasets/${encodeURIComponent(id)}/policies/preview`, { method: 'POST', body: { policy }, schema: z.object({ report: reportSchema }), signal });
export const draftPolicy = (id: string, policy: unknown, note: string) =>
  request(`/api/datasets/${encodeURIComponent(id)}/policies`, { method: 'POST', body: { policy, note }, schema: z.object({ version: policyVersionSchema }) });
export const reviewPolicy = (versionId: string, decision: Review['decision'], comment: string) =>
  request(`/api/policies/${encodeURIComponent(versionId)}/reviews`, { method: 'POST', body: { decision, comment }, schema: z.object({ version: policyVersionSchema }) });
export const listBuilds = (id: string, signal?: AbortSignal) =>
  request(`/api/datasets/${encodeURIComponent(id)}/extracts`, { schema: z.object({ builds: z.array(buildSchema) }), signal });
export const buildExtract = (id: string, policyVersionId?: string) =>
  request(`/api/datasets/${encodeURIComponent(id)}/extracts`, { method: 'POST', body: policyVersionId ? { policyVersionId } : {}, schema: z.object({ build: buildSchema }) });

/**
 * Uploads a file as a stream of bytes (XMLHttpRequest: fetch cannot report upload progress).
 * Resolves with the new version; rejects with an `HttpError` carrying the server's message.
 */
export function uploadDataset(file: File, name: string, encoding: EncodingChoice, onProgress: (sent: number, total: number) => void): Promise<DatasetVersion> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const q = new URLSearchParams({ name, filename: file.name, encoding });
    xhr.open('POST', `/api/datasets/import?${q}`);
    xhr.setRequestHeader('X-Requested-With', 'madang');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new HttpError(0, 'network', { ko: '업로드 중 연결이 끊겼습니다', en: 'the connection dropped during the upload' }));
    xhr.onload = () => {
      const res = new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': 'application/json' } });
      if (xhr.status >= 200 && xhr.status < 300) {
        const parsed = z.object({ version: versionSchema }).safeParse(JSON.parse(xhr.responseText));
        if (parsed.success) resolve(parsed.data.version);
        else reject(new HttpError(xhr.status, 'internal', { ko: '서버 응답의 형식이 예상과 다릅니다', en: 'the server answered in an unexpected shape' }));
      } else {
        void readHttpError(res).then(reject);
      }
    };
    xhr.send(file);
  });
}
