/**
 * Extracts: named, versioned, immutable tables the server hands to browsers (issue 3). Public
 * open data is registered directly; sanitised extracts come from the privacy pipeline. This file
 * holds the wire types (zod, checked where the client reads them) and the pure naming rules.
 */
import { z } from 'zod';
import type { Bilingual } from './errors.ts';

export const extractKinds = ['public', 'sanitised'] as const;
export type ExtractKind = (typeof extractKinds)[number];

/** Same rule as a SQL cell name: a DuckDB identifier a query can use without quotes. */
export const extractNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function isValidExtractName(name: string): boolean {
  return extractNamePattern.test(name);
}

export const attributionSchema = z.object({
  ko: z.string().min(1),
  en: z.string().min(1),
  /** Where the data came from (publisher, dataset id, URL). */
  source: z.string().min(1),
  licence: z.string().min(1),
});
export type Attribution = z.infer<typeof attributionSchema>;

export const extractColumnSchema = z.object({ name: z.string(), type: z.string() });
export type ExtractColumn = z.infer<typeof extractColumnSchema>;

export const extractVersionSchema = z.object({
  name: z.string(),
  version: z.number().int().positive(),
  kind: z.enum(extractKinds),
  /** sha256 (hex) of the stored Parquet: the ETag and the browser's cache key. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  rowCount: z.number().int().nonnegative(),
  /** Parquet size on the server (the download is Arrow IPC, see `X-Uncompressed-Length`). */
  byteSize: z.number().int().nonnegative(),
  columns: z.array(extractColumnSchema),
  attribution: attributionSchema,
  datasetId: z.string().nullable(),
  policyVersionId: z.string().nullable(),
  createdAt: z.string(),
  withdrawnAt: z.string().nullable(),
});
export type ExtractVersion = z.infer<typeof extractVersionSchema>;

export const extractListSchema = z.object({
  extracts: z.array(z.object({ name: z.string(), latest: extractVersionSchema })),
});
export const extractVersionsSchema = z.object({ name: z.string(), versions: z.array(extractVersionSchema) });

/** URL of one version's Arrow IPC stream. */
export function extractArrowPath(name: string, version: number): string {
  return `/api/extracts/${encodeURIComponent(name)}/${version}/arrow`;
}

/** The newest version that is not withdrawn, or null. */
export function latestVersion(versions: readonly ExtractVersion[]): ExtractVersion | null {
  let best: ExtractVersion | null = null;
  for (const v of versions) if (v.withdrawnAt === null && (!best || v.version > best.version)) best = v;
  return best;
}

/**
 * How a notebook names an extract it uses: `name` follows the newest live version; `name@3` pins
 * version 3, so every collaborator (and the publisher) computes on the same rows until someone
 * deliberately moves the pin.
 */
export interface ExtractRef {
  name: string;
  version: number | null;
}

const extractRefPattern = /^([A-Za-z_][A-Za-z0-9_]{0,63})(?:@([1-9][0-9]{0,8}))?$/;

/** `name` or `name@version` -> parts, or null when malformed. */
export function parseExtractRef(ref: string): ExtractRef | null {
  const m = extractRefPattern.exec(ref);
  return m ? { name: m[1]!, version: m[2] === undefined ? null : Number(m[2]) } : null;
}

export function formatExtractRef(ref: ExtractRef): string {
  return ref.version === null ? ref.name : `${ref.name}@${ref.version}`;
}

/** The table name a ref registers under (the ref itself when malformed, so errors can name it). */
export function extractRefName(ref: string): string {
  return parseExtractRef(ref)?.name ?? ref;
}

export type ExtractVersionChoice =
  | { ok: true; version: ExtractVersion; latest: ExtractVersion | null }
  | { ok: false; error: Bilingual; latest: ExtractVersion | null };

/**
 * Which version a notebook's ref loads: the pinned one when the ref pins (it must exist and not be
 * withdrawn: computing on other rows than the notebook says would be silently wrong), else the
 * newest live one. `latest` (the newest live version) lets the page offer "update to vN".
 */
export function chooseExtractVersion(versions: readonly ExtractVersion[], ref: string): ExtractVersionChoice {
  const parsed = parseExtractRef(ref);
  const latest = latestVersion(versions);
  if (!parsed) {
    return { ok: false, latest, error: { ko: `추출본 이름이 올바르지 않습니다: ${ref}`, en: `not a valid extract reference: ${ref}` } };
  }
  const { name, version } = parsed;
  const moveTo = latest
    ? { ko: ` 편집자에게 노트북을 버전 ${latest.version}(으)로 옮겨 달라고 요청하세요.`, en: `; ask an editor to move the notebook to version ${latest.version}` }
    : { ko: ' 사용할 수 있는 버전이 없으니 데이터 관리자에게 문의하세요.', en: '; no version is available now: ask a data steward' };
  if (version === null) {
    return latest
      ? { ok: true, version: latest, latest }
      : { ok: false, latest, error: { ko: `추출본을 찾을 수 없습니다: ${name}`, en: `extract not found: ${name}` } };
  }
  const pinned = versions.find((v) => v.version === version);
  if (!pinned) {
    return { ok: false, latest, error: { ko: `추출본 ${name}에 버전 ${version}이(가) 없습니다.${moveTo.ko}`, en: `extract ${name} has no version ${version}${moveTo.en}` } };
  }
  if (pinned.withdrawnAt !== null) {
    return { ok: false, latest, error: { ko: `추출본 ${name}의 버전 ${version}은(는) 철회되었습니다.${moveTo.ko}`, en: `version ${version} of extract ${name} was withdrawn${moveTo.en}` } };
  }
  return { ok: true, version: pinned, latest };
}
