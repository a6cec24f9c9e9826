/**
 * Policies per dataset, in immutable versions. Drafting validates the JSON (H7's `parsePolicy`),
 * checks every column against the dataset version it is drafted on (a column renamed between
 * dataset versions is named in the message), runs the sanitiser's preview and stores it with the
 * version: approvers approve exactly what they saw. Reviews (approve / request changes / comment)
 * are rows too; whether a version is in effect is `approvalState` (`shared/datasets/approval.ts`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { MadangError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { parsePolicy, type Policy } from '../../shared/privacy/policy.ts';
import type { SanitizeReport } from '../../shared/privacy/report.ts';
import { approvalState, type ApprovalState, type PolicyReview, type ReviewDecision } from '../../shared/datasets/approval.ts';
import { previewSanitize } from '../privacy/sanitize.ts';
import type { DatasetService, DatasetVersionInfo } from '../datasets/datasetService.ts';
import { asPrivacyDb, type PolicyVersionsTable, type PrivacyDb } from '../datasets/privacySchema.ts';

export interface ReviewInfo extends PolicyReview {
  id: string;
  userName: string;
  orgName: string;
  comment: string;
}

export interface PolicyVersionInfo {
  id: string;
  datasetId: string;
  version: number;
  datasetVersion: number;
  datasetVersionId: string;
  policy: unknown;
  note: string;
  authorId: string;
  authorName: string;
  authorOrgId: string;
  authorOrgName: string;
  preview: SanitizeReport;
  createdAt: string;
  reviews: ReviewInfo[];
  state: ApprovalState;
}

export interface Author {
  userId: string;
  orgId: string;
}

export interface PolicyService {
  requiredApprovals: number;
  /** Validates a policy against the dataset's latest version (no preview). */
  validate(datasetId: string, json: unknown): Promise<{ policy: Policy; datasetVersion: DatasetVersionInfo }>;
  preview(datasetId: string, json: unknown): Promise<SanitizeReport>;
  draft(datasetId: string, json: unknown, note: string, author: Author): Promise<PolicyVersionInfo>;
  review(policyVersionId: string, decision: ReviewDecision, comment: string, reviewer: Author): Promise<PolicyVersionInfo>;
  history(datasetId: string): Promise<PolicyVersionInfo[]>;
  get(policyVersionId: string): Promise<PolicyVersionInfo>;
  /** The approved version to build from (the newest approved one by default); 409 when none. */
  approved(datasetId: string, policyVersionId?: string): Promise<PolicyVersionInfo>;
}

function invalid(ko: string, en: string): MadangError {
  return new MadangError('invalid_input', { ko, en });
}

/**
 * Every policy column must exist in the dataset version. A column that was in the previous
 * dataset version but is not in this one was renamed or removed: the message says so by name.
 */
export function checkPolicyColumns(policy: Policy, version: DatasetVersionInfo, previous: DatasetVersionInfo | null): void {
  const present = new Set(version.columns.map((c) => c.name));
  const missing = Object.keys(policy.columns).filter((c) => !present.has(c));
  if (missing.length === 0) return;
  const before = new Set(previous?.columns.map((c) => c.name) ?? []);
  const renamed = missing.filter((c) => before.has(c));
  const added = previous ? version.columns.map((c) => c.name).filter((c) => !before.has(c)) : [];
  if (renamed.length > 0) {
    const hint = added.length ? ` (new columns: ${added.join(', ')})` : '';
    const hintKo = added.length ? ` (새 열: ${added.join(', ')})` : '';
    throw invalid(
      `데이터셋 버전 ${previous!.version}에 있던 열 ${renamed.map((c) => `"${c}"`).join(', ')}이(가) 버전 ${version.version}에는 없습니다. 이름이 바뀌었거나 빠졌습니다${hintKo}. 정책의 열 이름을 고치세요`,
      `column ${renamed.map((c) => `"${c}"`).join(', ')} of dataset version ${previous!.version} is not in version ${version.version}: renamed or removed${hint}; update the policy's column names`,
    );
  }
  throw invalid(
    `정책의 열 ${missing.map((c) => `"${c}"`).join(', ')}이(가) 데이터셋(버전 ${version.version})에 없습니다. 있는 열: ${[...present].join(', ')}`,
    `policy column ${missing.map((c) => `"${c}"`).join(', ')} is not in the dataset (version ${version.version}); its columns are: ${[...present].join(', ')}`,
  );
}

/** Web policies have no folder to resolve hierarchy files against: inline hierarchies only. */
function refuseFileHierarchies(policy: Policy): void {
  for (const [name, col] of Object.entries(policy.columns)) {
    if (col.role === 'quasi' && col.hierarchy.kind === 'file') {
      throw invalid(
        `열 "${name}": 웹에서는 계층 파일(file)을 쓸 수 없습니다. map, bands, truncate, mask 또는 levels를 쓰세요 (파일은 madang sanitize에서 쓸 수 있습니다)`,
        `column "${name}": hierarchy files cannot be used on the web; use map, bands, truncate, mask or levels (files work with \`madang sanitize\`)`,
      );
    }
  }
}

export function createPolicyService(opts: { db: Kysely<any>; datasets: DatasetService; requiredApprovals: number }): PolicyService {
  const db: PrivacyDb = asPrivacyDb(opts.db);
  const { datasets, requiredApprovals } = opts;

  const runPreview = async (file: string, policy: Policy): Promise<SanitizeReport> => {
    // No hierarchy files on the web, so the policy folder is an empty temp folder.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'madang-policy-'));
    try {
      return await previewSanitize({ input: file, policy, policyDir: dir });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  const people = async (ids: string[]) => {
    if (ids.length === 0) return new Map<string, { name: string; orgName: string }>();
    const rows = await db.selectFrom('users').innerJoin('orgs', 'orgs.id', 'users.org_id')
      .select(['users.id as id', 'users.name as name', 'orgs.name as orgName']).where('users.id', 'in', [...new Set(ids)]).execute();
    return new Map(rows.map((r) => [r.id, { name: r.name, orgName: r.orgName }]));
  };

  const expand = async (rows: PolicyVersionsTable[]): Promise<PolicyVersionInfo[]> => {
    if (rows.length === 0) return [];
    const reviews = await db.selectFrom('policy_reviews').selectAll().where('policy_version_id', 'in', rows.map((r) => r.id)).orderBy('created_at').orderBy('id').execute();
    const names = await people([...rows.map((r) => r.author_id), ...reviews.map((r) => r.user_id)]);
    const orgRows = await db.selectFrom('orgs').select(['id', 'name']).execute();
    const orgName = new Map(orgRows.map((o) => [o.id, o.name]));
    const out: PolicyVersionInfo[] = [];
    for (const row of rows) {
      const dv = await datasets.versionById(row.dataset_version_id);
      const mine: ReviewInfo[] = reviews.filter((r) => r.policy_version_id === row.id).map((r) => ({
        id: r.id, userId: r.user_id, orgId: r.org_id, decision: r.decision, at: r.created_at, comment: r.comment,
        userName: names.get(r.user_id)?.name ?? '?', orgName: orgName.get(r.org_id) ?? '?',
      }));
      const ref = { authorId: row.author_id, authorOrgId: row.author_org_id };
      out.push({
        id: row.id, datasetId: row.dataset_id, version: Number(row.version), datasetVersion: dv.version, datasetVersionId: dv.id,
        policy: JSON.parse(row.policy_json), note: row.note, authorId: row.author_id, authorName: names.get(row.author_id)?.name ?? '?',
        authorOrgId: row.author_org_id, authorOrgName: orgName.get(row.author_org_id) ?? '?',
        preview: JSON.parse(row.preview_json) as SanitizeReport, createdAt: row.created_at, reviews: mine,
        state: approvalState(ref, mine, requiredApprovals),
      });
    }
    return out;
  };

  const service: PolicyService = {
    requiredApprovals,

    async validate(datasetId, json) {
      const policy = parsePolicy(json, 'policy');
      refuseFileHierarchies(policy);
      const versions = await datasets.versions(datasetId);
      const latest = versions.at(-1);
      if (!latest) throw new MadangError('conflict', { ko: '데이터셋에 버전이 없습니다', en: 'the dataset has no version yet' });
      // The dataset version the previous policy was written for, to name renamed columns.
      const lastPolicy = await db.selectFrom('policy_versions').select(['dataset_version_id']).where('dataset_id', '=', datasetId).orderBy('version', 'desc').executeTakeFirst();
      const previous = lastPolicy && lastPolicy.dataset_version_id !== latest.id
        ? versions.find((v) => v.id === lastPolicy.dataset_version_id) ?? null
        : versions.length > 1 ? versions.at(-2)! : null;
      checkPolicyColumns(policy, latest, previous);
      return { policy, datasetVersion: latest };
    },

    async preview(datasetId, json) {
      const { policy, datasetVersion } = await service.validate(datasetId, json);
      return runPreview(await datasets.dataFile(datasetVersion.id), policy);
    },

    async draft(datasetId, json, note, author) {
      const { policy, datasetVersion } = await service.validate(datasetId, json);
      const preview = await runPreview(await datasets.dataFile(datasetVersion.id), policy);
      const id = newId();
      await db.transaction().execute(async (tx) => {
        const last = await tx.selectFrom('policy_versions').select(['version']).where('dataset_id', '=', datasetId).orderBy('version', 'desc').executeTakeFirst();
        await tx.insertInto('policy_versions').values({
          id, dataset_id: datasetId, version: (last ? Number(last.version) : 0) + 1, dataset_version_id: datasetVersion.id,
          // The policy as sent (validated): what people wrote, in interfaces.md's form.
          policy_json: JSON.stringify(json), note, author_id: author.userId, author_org_id: author.orgId,
          preview_json: JSON.stringify(preview), created_at: new Date().toISOString(),
        }).execute();
      });
      return service.get(id);
    },

    async review(policyVersionId, decision, comment, reviewer) {
      const version = await service.get(policyVersionId);
      if (decision !== 'comment' && reviewer.userId === version.authorId) {
        throw new MadangError('forbidden', {
          ko: '자기가 쓴 정책 버전은 승인하거나 변경을 요청할 수 없습니다. 다른 단체의 구성원이 검토해야 합니다',
          en: 'you cannot approve or request changes on a policy version you drafted; another member must review it',
        });
      }
      if (decision === 'request_changes' && comment.trim() === '') {
        throw invalid('변경을 요청할 때는 무엇을 바꿔야 하는지 적어 주세요', 'say what should change when requesting changes');
      }
      await db.insertInto('policy_reviews').values({
        id: newId(), policy_version_id: policyVersionId, user_id: reviewer.userId, org_id: reviewer.orgId,
        decision, comment, created_at: new Date().toISOString(),
      }).execute();
      return service.get(policyVersionId);
    },

    async history(datasetId) {
      await datasets.get(datasetId);
      const rows = await db.selectFrom('policy_versions').selectAll().where('dataset_id', '=', datasetId).orderBy('version').execute();
      return expand(rows);
    },

    async get(policyVersionId) {
      const row = await db.selectFrom('policy_versions').selectAll().where('id', '=', policyVersionId).executeTakeFirst();
      if (!row) throw new MadangError('not_found', { ko: `정책 버전을 찾을 수 없습니다: ${policyVersionId}`, en: `policy version not found: ${policyVersionId}` });
      return (await expand([row]))[0];
    },

    async approved(datasetId, policyVersionId) {
      const all = await service.history(datasetId);
      const need = `${requiredApprovals}명 이상(다른 단체 1명 이상 포함)`;
      const needEn = `${requiredApprovals} members including one from another organisation`;
      if (policyVersionId !== undefined) {
        const v = all.find((p) => p.id === policyVersionId);
        if (!v) throw new MadangError('not_found', { ko: `이 데이터셋의 정책 버전이 아닙니다: ${policyVersionId}`, en: `not a policy version of this dataset: ${policyVersionId}` });
        if (v.state.status !== 'approved') {
          throw new MadangError('conflict', { ko: `정책 버전 ${v.version}은(는) 아직 승인되지 않았습니다 (${need}의 승인이 필요합니다). 승인된 정책 없이는 추출본을 만들 수 없습니다`, en: `policy version ${v.version} is not approved (it needs ${needEn}); no extract without an approved policy` });
        }
        return v;
      }
      const approved = all.filter((p) => p.state.status === 'approved').at(-1);
      if (!approved) {
        throw new MadangError('conflict', { ko: `승인된 정책이 없어 추출본을 만들 수 없습니다. 정책 버전은 ${need}의 승인을 받아야 효력이 생깁니다`, en: `no approved policy, so no extract: a policy version takes effect when approved by ${needEn}` });
      }
      return approved;
    },
  };
  return service;
}
