/**
 * Building a sanitised extract from an approved policy version:
 *
 *   approved policy version (else 409) -> its dataset version's data.parquet
 *   -> `sanitizeFile` into a private temp folder under the raw store
 *   -> `catalog.add({kind: 'sanitised'})` (a new immutable extract version analysts can download)
 *   -> the report stored with the build (extract_builds) -> audit `extract.build`
 *
 * Atomic as a whole: a policy with no solution, a failed write or a failed catalog step leaves no
 * extract version behind (a catalog version whose build row could not be written is withdrawn),
 * and the temp folder is always removed.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { MadangError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { ExtractVersion } from '../../shared/extracts.ts';
import { parsePolicy } from '../../shared/privacy/policy.ts';
import type { SanitizeReport } from '../../shared/privacy/report.ts';
import type { ExtractCatalog } from '../extracts/catalog.ts';
import type { DatasetService } from '../datasets/datasetService.ts';
import { asPrivacyDb, type ExtractBuildsTable } from '../datasets/privacySchema.ts';
import type { PolicyService } from '../policies/policyService.ts';
import { sanitizeFile } from './sanitize.ts';

export interface ExtractBuildInfo {
  id: string;
  datasetId: string;
  policyVersionId: string;
  policyVersion: number;
  extractName: string;
  extractVersion: number;
  inputHash: string;
  report: SanitizeReport;
  builtBy: string | null;
  builtAt: string;
}

export interface ExtractBuildDeps {
  db: Kysely<any>;
  datasets: DatasetService;
  policies: PolicyService;
  catalog: ExtractCatalog;
}

export async function buildExtract(deps: ExtractBuildDeps, input: { datasetId: string; policyVersionId?: string; actorId: string | null }): Promise<{ build: ExtractBuildInfo; extract: ExtractVersion }> {
  const db = asPrivacyDb(deps.db);
  const dataset = await deps.datasets.get(input.datasetId);
  const approved = await deps.policies.approved(input.datasetId, input.policyVersionId);
  const existing = await deps.catalog.versions(dataset.name);
  if (existing.some((v) => v.kind !== 'sanitised')) {
    throw new MadangError('conflict', {
      ko: `"${dataset.name}"은(는) 공개 데이터 추출본의 이름이라 쓸 수 없습니다. 다른 이름으로 데이터셋을 가져오세요`,
      en: `"${dataset.name}" is the name of a public extract; import the dataset under another name`,
    });
  }
  const datasetVersion = await deps.datasets.versionById(approved.datasetVersionId);
  const policy = parsePolicy(approved.policy, `policy v${approved.version}`);
  const buildsDir = path.join(deps.datasets.rawRoot, '.builds');
  await mkdir(buildsDir, { recursive: true, mode: 0o700 });
  const tmp = await mkdtemp(path.join(buildsDir, 'b-'));
  try {
    const out = path.join(tmp, 'extract.parquet');
    const report = await sanitizeFile({ input: await deps.datasets.dataFile(datasetVersion.id), policy, policyDir: tmp, out });
    if (report.status !== 'ok') {
      throw new MadangError('conflict', {
        ko: `이 정책으로는 추출본을 만들 수 없습니다: ${report.reason?.ko ?? '조건을 만족하는 변환이 없습니다'}`,
        en: `no extract can be made with this policy: ${report.reason?.en ?? 'no transformation meets it'}`,
      });
    }
    const extract = await deps.catalog.add({
      name: dataset.name,
      kind: 'sanitised',
      sourceFile: out,
      attribution: {
        ko: `${dataset.name} (데이터셋 버전 ${datasetVersion.version}, 승인된 정책 버전 ${approved.version}, k=${report.k})`,
        en: `${dataset.name} (dataset version ${datasetVersion.version}, approved policy version ${approved.version}, k=${report.k})`,
        source: `Madang dataset ${dataset.name} v${datasetVersion.version} (sha256 ${datasetVersion.sourceHash.slice(0, 12)}), policy v${approved.version}`,
        licence: 'k-anonymous extract under an approved Madang policy; for workspace members only',
      },
      datasetId: dataset.id,
      policyVersionId: approved.id,
    });
    const row: ExtractBuildsTable = {
      id: newId(), dataset_id: dataset.id, policy_version_id: approved.id, extract_name: extract.name, extract_version: extract.version,
      input_hash: datasetVersion.sourceHash, report_json: JSON.stringify(report), built_by: input.actorId, built_at: extract.createdAt,
    };
    try {
      await db.insertInto('extract_builds').values(row).execute();
    } catch (err) {
      await deps.catalog.withdraw(extract.name, extract.version).catch(() => undefined);
      throw err;
    }
    return { build: toBuild(row, approved.version), extract };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function toBuild(row: ExtractBuildsTable, policyVersion: number): ExtractBuildInfo {
  return {
    id: row.id, datasetId: row.dataset_id, policyVersionId: row.policy_version_id, policyVersion,
    extractName: row.extract_name, extractVersion: Number(row.extract_version), inputHash: row.input_hash,
    report: JSON.parse(row.report_json) as SanitizeReport, builtBy: row.built_by, builtAt: row.built_at,
  };
}

/** Every build of a dataset, newest first, with its report. */
export async function listExtractBuilds(dbIn: Kysely<any>, datasetId: string): Promise<ExtractBuildInfo[]> {
  const db = asPrivacyDb(dbIn);
  const rows = await db.selectFrom('extract_builds').innerJoin('policy_versions', 'policy_versions.id', 'extract_builds.policy_version_id')
    .selectAll('extract_builds').select(['policy_versions.version as pv']).where('extract_builds.dataset_id', '=', datasetId)
    .orderBy('extract_builds.built_at', 'desc').execute();
  return rows.map((r) => toBuild(r, Number(r.pv)));
}
