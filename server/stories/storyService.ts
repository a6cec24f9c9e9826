/**
 * Stories: publish (build + check), the review path for flagged figures, published versions,
 * unpublishing, and citizens' feedback. Route handlers call this; it talks to the database, the
 * extract catalog, the notebook docs and the audit log through `StoryServiceDeps`.
 *
 * States of a version: `blocked` (a figure was flagged; the author may change the query and
 * publish again, or ask for review) -> `review` (waiting for a steward) -> `published` |
 * `rejected`. A version whose checks all pass is `published` at once. Published content is never
 * updated; a new publish makes a new version; unpublishing hides the story but keeps every row.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type * as Y from 'yjs';
import { MadangError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { safeParseOutputCheckRules, type OutputCheckRulesInput } from '../../shared/outputCheck/rules.ts';
import { listCells, readMeta } from '../../shared/schema/notebook.ts';
import {
  flaggedFigures, pick,
  type FlaggedFigure, type PublishRequest, type StoryContent,
} from '../../shared/stories/model.ts';
import { slugFromTitle, storyPath, uniqueSlug } from '../../shared/stories/slug.ts';
import type { ExtractCatalog } from '../extracts/catalog.ts';
import { buildStory, type BuildNotice, type ResolvedExtract } from './buildStory.ts';
import type { FeedbackStatus, StoriesTable, StoryFeedbackTable, StoryTables, StoryVersionsTable } from './storeSchema.ts';

export interface StoryAudit {
  (entry: { actorId: string | null; action: string; target: string; detail?: Record<string, unknown> }): Promise<void>;
}

export interface StoryServiceDeps {
  db: Kysely<any>;
  dataDir: string;
  catalog: ExtractCatalog;
  /** The notebook's current doc (live room or storage); `release` when done. */
  loadDoc(notebookId: string): Promise<{ doc: Y.Doc; release(): void }>;
  audit: StoryAudit;
  /**
   * Output-check rules for this workspace. Default: `<dataDir>/output-check-rules.json` when it
   * exists (the same format as `madang check-output --rules`), else the SACRO/ACRO defaults.
   */
  rules?: OutputCheckRulesInput;
  now?: () => Date;
}

export interface PublishResult {
  status: 'published' | 'blocked';
  draftId: string;
  slug: string;
  url: string;
  version: number | null;
  flagged: FlaggedFigure[];
  notices: BuildNotice[];
}

export interface PublishedStory {
  story: StoriesTable;
  version: number;
  publishedAt: string;
  content: StoryContent;
  /** Newest published version number (for "a newer version exists"). */
  latest: number;
}

export interface StorySummary {
  slug: string;
  url: string;
  title: { ko: string; en: string };
  summary: { ko: string; en: string };
  problem: string | null;
  districts: string[];
  version: number;
  publishedAt: string;
  figures: number;
}

export interface StoryListQuery {
  q?: string;
  problem?: string;
  district?: string;
}

function notFoundStory(): MadangError {
  return new MadangError('not_found', { ko: '이야기를 찾을 수 없습니다.', en: 'story not found' });
}

export class StoryService {
  readonly #deps: StoryServiceDeps;
  readonly #db: Kysely<StoryTables>;

  constructor(deps: StoryServiceDeps) {
    this.#deps = deps;
    this.#db = deps.db as Kysely<StoryTables>;
  }

  #now(): string {
    return (this.#deps.now ?? (() => new Date()))().toISOString();
  }

  /**
   * A notebook's extract ref -> the version's file. Pinned (`version` set): exactly that version,
   * and a withdrawn one is refused with what to do (move the pin to the newest live version).
   * Unpinned legacy refs: the newest live version.
   */
  async #resolveExtract(name: string, version: number | null): Promise<ResolvedExtract> {
    const { catalog } = this.#deps;
    const latest = await catalog.get(name);
    const v = version === null ? latest : await catalog.get(name, version);
    if (!v) {
      if (version === null) {
        throw new MadangError('invalid_input', {
          ko: `추출본 ${name}에 쓸 수 있는 버전이 없습니다 (없거나 모두 회수됨). 노트북의 추출본 목록에서 빼거나 데이터 관리자(steward)에게 문의하세요.`,
          en: `extract ${name} has no live version (it does not exist or every version was withdrawn). Remove it from the notebook's extracts or ask a data steward.`,
        });
      }
      throw new MadangError('invalid_input', {
        ko: `노트북이 쓰는 추출본 ${name} v${version}이(가) 없습니다. ${latest ? `v${latest.version}(최신)으로 바꾸고 결과를 확인한 뒤 다시 공개하세요.` : '데이터 관리자(steward)에게 문의하세요.'}`,
        en: `extract ${name} v${version}, which the notebook uses, does not exist. ${latest ? `Update the notebook to v${latest.version} (the newest), check the results, and publish again.` : 'Ask a data steward.'}`,
      });
    }
    if (v.withdrawnAt !== null) {
      const when = v.withdrawnAt.slice(0, 10);
      throw new MadangError('invalid_input', latest
        ? {
          ko: `노트북이 쓰는 추출본 ${name} v${v.version}은(는) ${when}에 회수되었습니다. 셀 위 추출본 줄의 "v${latest.version}으로 바꾸기"로 최신 버전으로 옮기고, 결과를 확인한 뒤 다시 공개하세요.`,
          en: `extract ${name} v${v.version}, which the notebook is pinned to, has been withdrawn (${when}). Move the notebook to v${latest.version} with "update to v${latest.version}" on the extract line above the cells, check the results, and publish again.`,
        }
        : {
          ko: `노트북이 쓰는 추출본 ${name} v${v.version}은(는) ${when}에 회수되었고 쓸 수 있는 다른 버전이 없습니다. 데이터 관리자(steward)에게 문의하세요.`,
          en: `extract ${name} v${v.version}, which the notebook is pinned to, has been withdrawn (${when}) and no other version is available. Ask a data steward.`,
        });
    }
    const row = await (this.#deps.db as Kysely<any>).selectFrom('extracts').select(['parquet_file']).where('name', '=', name).where('version', '=', v.version).executeTakeFirstOrThrow();
    return {
      use: { name, version: v.version, contentHash: v.contentHash, kind: v.kind, policyVersionId: v.policyVersionId },
      file: path.join(this.#deps.dataDir, 'extracts', String(row.parquet_file)),
    };
  }

  /** The workspace's rules, read at each publish so a steward's change applies without a restart. */
  async #rules(): Promise<OutputCheckRulesInput | undefined> {
    if (this.#deps.rules) return this.#deps.rules;
    const file = path.join(this.#deps.dataDir, 'output-check-rules.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = null;
    }
    const parsed = safeParseOutputCheckRules(raw);
    if (!parsed.ok) {
      const detail = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new MadangError('internal', { ko: `작업 공간의 검사 규칙 파일이 잘못되었습니다 (${file}): ${detail}`, en: `the workspace's output-check rules file is invalid (${file}): ${detail}` });
    }
    return parsed.rules;
  }

  async #storyOf(notebookId: string): Promise<StoriesTable | undefined> {
    return this.#db.selectFrom('stories').selectAll().where('notebook_id', '=', notebookId).executeTakeFirst();
  }

  /** Builds a version from the notebook's current doc; published at once when every check passes. */
  async publish(actorId: string, notebookId: string, request: PublishRequest): Promise<PublishResult> {
    const { doc, release } = await this.#deps.loadDoc(notebookId);
    let built;
    try {
      built = await buildStory({
        notebookId, meta: readMeta(doc), cells: listCells(doc), request,
        resolveExtract: (n, v) => this.#resolveExtract(n, v), rules: await this.#rules(), now: this.#deps.now,
      });
    } finally {
      release();
    }
    const { content, notices } = built;
    const flagged = flaggedFigures(content);
    const now = this.#now();

    let story = await this.#storyOf(notebookId);
    if (!story) {
      const base = slugFromTitle(content.title.ko || content.title.en);
      const taken = new Set((await this.#db.selectFrom('stories').select('slug').where('slug', 'like', `${base}%`).execute()).map((r) => r.slug));
      const slug = uniqueSlug(base, (s) => taken.has(s));
      if (slug !== base) {
        notices.push({ cellId: '', ko: `주소 ${base}은(는) 이미 다른 이야기가 쓰고 있어 ${slug}(으)로 정했습니다.`, en: `the address ${base} is taken by another story; this one is at ${slug}` });
      }
      story = { id: newId(), notebook_id: notebookId, slug, created_by: actorId, created_at: now, current_version: null, unpublished_at: null };
      await this.#db.insertInto('stories').values(story).execute();
    }
    const draftId = newId();
    const row: StoryVersionsTable = {
      id: draftId, story_id: story.id, version: null, status: 'blocked', content_json: JSON.stringify(content),
      created_by: actorId, created_at: now, review_requested_at: null, review_note: null, reviewed_by: null, reviewed_at: null, published_at: null,
    };
    await this.#db.insertInto('story_versions').values(row).execute();
    // Earlier drafts of the same story that never went out are superseded by this one.
    await this.#db.updateTable('story_versions').set({ status: 'discarded' })
      .where('story_id', '=', story.id).where('id', '<>', draftId).where('status', 'in', ['blocked', 'review']).execute();
    let version: number | null = null;
    if (flagged.length === 0) version = await this.#release(story, draftId, actorId, null);
    await this.#deps.audit({
      actorId, action: flagged.length === 0 ? 'story.published' : 'story.blocked', target: `story:${story.slug}`,
      detail: { notebookId, draftId, version, flagged: flagged.map((f) => ({ cell: f.cellName, status: f.status, flags: f.cells.length, issues: f.issues.length })), extracts: content.extracts.map((e) => `${e.name}@${e.version}`) },
    });
    return { status: flagged.length === 0 ? 'published' : 'blocked', draftId, slug: story.slug, url: storyPath(story.slug), version, flagged, notices };
  }

  /** Makes a draft the next published version; returns its number. */
  async #release(story: StoriesTable, draftId: string, actorId: string, reviewer: { id: string; note: string } | null): Promise<number> {
    return this.#db.transaction().execute(async (tx) => {
      const last = await tx.selectFrom('story_versions').select((eb) => eb.fn.max('version').as('max')).where('story_id', '=', story.id).executeTakeFirst();
      const version = Number(last?.max ?? 0) + 1;
      const now = this.#now();
      await tx.updateTable('story_versions').set({
        status: 'published', version, published_at: now,
        ...(reviewer ? { reviewed_by: reviewer.id, reviewed_at: now, review_note: reviewer.note } : {}),
      }).where('id', '=', draftId).execute();
      await tx.updateTable('stories').set({ current_version: version, unpublished_at: null }).where('id', '=', story.id).execute();
      return version;
    });
  }

  async #draft(draftId: string): Promise<{ draft: StoryVersionsTable; story: StoriesTable }> {
    const draft = await this.#db.selectFrom('story_versions').selectAll().where('id', '=', draftId).executeTakeFirst();
    const story = draft && await this.#db.selectFrom('stories').selectAll().where('id', '=', draft.story_id).executeTakeFirst();
    if (!draft || !story) throw new MadangError('not_found', { ko: '공개 초안을 찾을 수 없습니다.', en: 'draft not found' });
    return { draft, story };
  }

  async notebookOfDraft(draftId: string): Promise<string> {
    return (await this.#draft(draftId)).story.notebook_id;
  }

  async requestReview(actorId: string, draftId: string, note: string): Promise<void> {
    const { draft, story } = await this.#draft(draftId);
    if (draft.status !== 'blocked') {
      throw new MadangError('conflict', { ko: '검토를 요청할 수 있는 초안이 아닙니다.', en: `this draft is ${draft.status}; only a blocked draft can be sent for review` });
    }
    await this.#db.updateTable('story_versions').set({ status: 'review', review_requested_at: this.#now(), review_note: note || null }).where('id', '=', draftId).execute();
    await this.#deps.audit({ actorId, action: 'story.review_requested', target: `story:${story.slug}`, detail: { draftId, note } });
  }

  /** A steward's decision on a flagged draft; audited with the flags it accepted. */
  async decide(reviewerId: string, draftId: string, decision: 'approve' | 'reject', note: string): Promise<{ version: number | null; slug: string }> {
    const { draft, story } = await this.#draft(draftId);
    if (draft.status !== 'review' && draft.status !== 'blocked') {
      throw new MadangError('conflict', { ko: '이미 처리된 초안입니다.', en: `this draft is already ${draft.status}` });
    }
    const content = JSON.parse(draft.content_json) as StoryContent;
    const flagged = flaggedFigures(content);
    let version: number | null = null;
    if (decision === 'approve') version = await this.#release(story, draftId, reviewerId, { id: reviewerId, note });
    else {
      await this.#db.updateTable('story_versions').set({ status: 'rejected', reviewed_by: reviewerId, reviewed_at: this.#now(), review_note: note }).where('id', '=', draftId).execute();
    }
    await this.#deps.audit({
      actorId: reviewerId, action: decision === 'approve' ? 'story.approved' : 'story.rejected', target: `story:${story.slug}`,
      detail: { draftId, version, note, flagged: flagged.map((f) => ({ cell: f.cellName, rules: [...new Set(f.cells.map((c) => c.rule))], issues: f.issues.map((i) => i.code) })) },
    });
    return { version, slug: story.slug };
  }

  /** Drafts waiting for a steward. */
  async reviews(): Promise<Array<{ draftId: string; slug: string; notebookId: string; title: { ko: string; en: string }; requestedAt: string | null; note: string | null; flagged: FlaggedFigure[] }>> {
    const rows = await this.#db.selectFrom('story_versions').innerJoin('stories', 'stories.id', 'story_versions.story_id')
      .select(['story_versions.id', 'story_versions.content_json', 'story_versions.review_requested_at', 'story_versions.review_note', 'stories.slug', 'stories.notebook_id'])
      .where('story_versions.status', '=', 'review').orderBy('story_versions.review_requested_at').execute();
    return rows.map((r) => {
      const content = JSON.parse(r.content_json) as StoryContent;
      return { draftId: r.id, slug: r.slug, notebookId: r.notebook_id, title: content.title, requestedAt: r.review_requested_at, note: r.review_note, flagged: flaggedFigures(content) };
    });
  }

  /** The notebook's story for its members: address, versions and open drafts with their flags. */
  async forNotebook(notebookId: string): Promise<null | {
    slug: string; url: string; currentVersion: number | null; unpublishedAt: string | null;
    versions: Array<{ draftId: string; version: number | null; status: string; createdAt: string; publishedAt: string | null; reviewNote: string | null; flagged: FlaggedFigure[] }>;
  }> {
    const story = await this.#storyOf(notebookId);
    if (!story) return null;
    const rows = await this.#db.selectFrom('story_versions').selectAll().where('story_id', '=', story.id).orderBy('created_at', 'desc').execute();
    return {
      slug: story.slug, url: storyPath(story.slug), currentVersion: story.current_version, unpublishedAt: story.unpublished_at,
      versions: rows.map((r) => ({
        draftId: r.id, version: r.version, status: r.status, createdAt: r.created_at, publishedAt: r.published_at, reviewNote: r.review_note,
        flagged: r.status === 'published' || r.status === 'discarded' ? [] : flaggedFigures(JSON.parse(r.content_json) as StoryContent),
      })),
    };
  }

  async unpublish(actorId: string, notebookId: string): Promise<void> {
    const story = await this.#storyOf(notebookId);
    if (!story || story.current_version === null) throw notFoundStory();
    await this.#db.updateTable('stories').set({ unpublished_at: this.#now() }).where('id', '=', story.id).execute();
    await this.#deps.audit({ actorId, action: 'story.unpublished', target: `story:${story.slug}`, detail: { notebookId, version: story.current_version } });
  }

  /** A published version (the newest when `version` is omitted); null when none or unpublished. */
  async published(slug: string, version?: number): Promise<PublishedStory | null> {
    const story = await this.#db.selectFrom('stories').selectAll().where('slug', '=', slug).executeTakeFirst();
    if (!story || story.current_version === null || story.unpublished_at !== null) return null;
    const v = version ?? story.current_version;
    const row = await this.#db.selectFrom('story_versions').selectAll().where('story_id', '=', story.id).where('version', '=', v).where('status', '=', 'published').executeTakeFirst();
    if (!row) return null;
    return { story, version: v, publishedAt: row.published_at ?? row.created_at, content: JSON.parse(row.content_json) as StoryContent, latest: story.current_version };
  }

  /** Whether the slug belonged to a story that is now unpublished (a 410 rather than a 404). */
  async wasUnpublished(slug: string): Promise<boolean> {
    const story = await this.#db.selectFrom('stories').select(['unpublished_at']).where('slug', '=', slug).executeTakeFirst();
    return !!story?.unpublished_at;
  }

  /** Published stories, newest first, filtered by words (title/summary/text), problem and district. */
  async list(query: StoryListQuery = {}): Promise<StorySummary[]> {
    const rows = await this.#db.selectFrom('stories').innerJoin('story_versions', (j) => j.onRef('story_versions.story_id', '=', 'stories.id').onRef('story_versions.version', '=', 'stories.current_version'))
      .select(['stories.slug', 'story_versions.content_json', 'story_versions.version', 'story_versions.published_at'])
      .where('stories.unpublished_at', 'is', null).where('story_versions.status', '=', 'published')
      .orderBy('story_versions.published_at', 'desc').execute();
    const words = (query.q ?? '').normalize('NFC').toLowerCase().split(/\s+/).filter(Boolean);
    const out: StorySummary[] = [];
    for (const r of rows) {
      const c = JSON.parse(r.content_json) as StoryContent;
      if (query.problem && c.problem !== query.problem) continue;
      if (query.district && !c.districts.includes(query.district)) continue;
      if (words.length > 0) {
        const text = [c.title.ko, c.title.en, c.summary.ko, c.summary.en, c.problem ?? '', ...c.districts,
          ...c.blocks.map((b) => (b.kind === 'text' ? b.html.replace(/<[^>]+>/g, ' ') : b.kind === 'chart' ? `${b.title.ko} ${b.title.en} ${b.caption.ko} ${b.caption.en}` : `${b.caption.ko} ${b.caption.en}`))]
          .join(' ').normalize('NFC').toLowerCase();
        if (!words.every((w) => text.includes(w))) continue;
      }
      out.push({
        slug: r.slug, url: storyPath(r.slug), title: c.title, summary: c.summary, problem: c.problem, districts: c.districts,
        version: Number(r.version), publishedAt: r.published_at ?? '', figures: c.blocks.filter((b) => b.kind !== 'text').length,
      });
    }
    return out;
  }

  // ---- feedback -------------------------------------------------------------------------------

  async submitFeedback(slug: string, input: { name: string; body: string }): Promise<void> {
    const found = await this.published(slug);
    if (!found) throw notFoundStory();
    await this.#db.insertInto('story_feedback').values({
      id: newId(), story_id: found.story.id, version: found.version, name: input.name || null, body: input.body,
      status: 'pending', created_at: this.#now(), moderated_by: null, moderated_at: null, reply: null, reply_by: null, reply_at: null,
    }).execute();
  }

  async feedbackForNotebook(notebookId: string): Promise<StoryFeedbackTable[]> {
    const story = await this.#storyOf(notebookId);
    if (!story) return [];
    return this.#db.selectFrom('story_feedback').selectAll().where('story_id', '=', story.id).orderBy('created_at', 'desc').execute();
  }

  /** Approved feedback and replies of a story, oldest first (what the page shows). */
  async publicFeedback(storyId: string): Promise<StoryFeedbackTable[]> {
    return this.#db.selectFrom('story_feedback').selectAll().where('story_id', '=', storyId).where('status', '=', 'approved').orderBy('created_at').execute();
  }

  async notebookOfFeedback(feedbackId: string): Promise<string> {
    const row = await this.#db.selectFrom('story_feedback').innerJoin('stories', 'stories.id', 'story_feedback.story_id').select(['stories.notebook_id']).where('story_feedback.id', '=', feedbackId).executeTakeFirst();
    if (!row) throw new MadangError('not_found', { ko: '의견을 찾을 수 없습니다.', en: 'feedback not found' });
    return row.notebook_id;
  }

  async moderate(actorId: string, feedbackId: string, status: Exclude<FeedbackStatus, 'pending'>): Promise<void> {
    await this.#db.updateTable('story_feedback').set({ status, moderated_by: actorId, moderated_at: this.#now() }).where('id', '=', feedbackId).execute();
    await this.#deps.audit({ actorId, action: `story.feedback_${status}`, target: `feedback:${feedbackId}` });
  }

  /** A member's public reply; replying approves the feedback (it is shown with the reply). */
  async reply(actorId: string, feedbackId: string, text: string): Promise<void> {
    const now = this.#now();
    await this.#db.updateTable('story_feedback').set({ reply: text, reply_by: actorId, reply_at: now, status: 'approved', moderated_by: actorId, moderated_at: now }).where('id', '=', feedbackId).execute();
    await this.#deps.audit({ actorId, action: 'story.feedback_replied', target: `feedback:${feedbackId}` });
  }

  /** Display names of members who replied (shown with their replies). */
  async names(userIds: readonly string[]): Promise<Map<string, { name: string; org: string }>> {
    if (userIds.length === 0) return new Map();
    const rows = await (this.#deps.db as Kysely<any>).selectFrom('users').leftJoin('orgs', 'orgs.id', 'users.org_id')
      .select(['users.id as id', 'users.name as name', 'orgs.name as org']).where('users.id', 'in', [...userIds]).execute();
    return new Map(rows.map((r: { id: string; name: string; org: string | null }) => [r.id, { name: r.name, org: r.org ?? '' }]));
  }
}

export { pick };
