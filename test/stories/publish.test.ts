/**
 * Publishing against the real server: the server re-runs and checks every figure, renders the
 * story page (SVG, data tables, CSV), blocks flagged figures until a steward approves (audited),
 * explains failing queries, local-only tables and withdrawn extracts, and takes citizens' feedback
 * (honeypot, moderation, rate limit). Also the index, search, JSON list and Atom feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { startTestServer, type TestClient, type TestServer } from '../harness/testServer.ts';
import { listAudit } from '../../server/audit/auditLog.ts';
import { addTripsExtract, cellId, cellsOf, storyNotebookMd } from './fixtures.ts';
import type { CellSnapshot } from '../../shared/schema/notebook.ts';
import type { ExtractCatalog } from '../../server/extracts/catalog.ts';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { extractVersionIndex, pinExtractRefs } from '../../server/extracts/pins.ts';
import { NotebookService, loadDocFromStore } from '../../server/notebooks/service.ts';
import { MadangError } from '../../shared/errors.ts';
import { readMeta, setExtractPin } from '../../shared/schema/notebook.ts';

let server: TestServer;
let owner: TestClient;
let steward: TestClient;
let editor: TestClient;
let notebookId: string;
let cells: CellSnapshot[];
let catalog: ExtractCatalog;
let slug: string;

const byName = (name: string) => cellId(cells, (c) => c.name === name);
const chartFor = (data: string) => cellId(cells, (c) => c.kind === 'chart' && (c.spec as { data?: string }).data === data);
const markdownCell = () => cellId(cells, (c) => c.kind === 'markdown' && c.source.includes('따릉이는'));

const base = {
  title: { ko: '자치구별 따릉이 이용 <script>alert(1)</script>', en: 'Bike trips by district' },
  summary: { ko: '어느 구에서 많이 탈까요?', en: 'Where do people ride most?' },
  problem: '자전거 안전',
  districts: ['마포구', '강남구'],
};

beforeAll(async () => {
  server = await startTestServer();
  owner = await server.signUpAndIn({ role: 'analyst', name: 'Owner Kim' });
  steward = await server.signUpAndIn({ role: 'steward', name: 'Steward Lee', org: '서울특별시' });
  editor = await server.signUpAndIn({ role: 'analyst' });
  ({ catalog } = await addTripsExtract(server.server, server.dataDir));
  const res = await owner.post('/api/notebooks/import', { markdown: storyNotebookMd });
  expect(res.status).toBe(201);
  notebookId = res.json().id;
  cells = await cellsOf(server.server, notebookId);
  expect((await owner.post(`/api/notebooks/${notebookId}/members`, { email: editor.user!.email, role: 'editor' })).status).toBeLessThan(300);
}, 60_000);

afterAll(async () => {
  await catalog?.close();
  await server?.close();
});

describe('publish', () => {
  it('publishes passing figures: server-side numbers, SVG with xmlns, data tables, CSV of exactly the published numbers', async () => {
    const res = await owner.post(`/api/notebooks/${notebookId}/story/publish`, {
      ...base,
      cells: [
        { cellId: markdownCell() },
        { cellId: chartFor('by_gu'), caption: { ko: '<b>캡션</b>', en: 'caption' } },
        { cellId: byName('by_band') },
        { cellId: chartFor('by_band'), alt: { ko: '나이대별 이용 막대', en: 'Trips by age band' } },
      ],
    });
    expect(res.status, res.text).toBe(201);
    const body = res.json();
    expect(body.status).toBe('published');
    expect(body.version).toBe(1);
    expect(body.flagged).toEqual([]);
    slug = body.slug;
    expect(slug).toBe('자치구별-따릉이-이용-script-alert-1-script');

    const page = await server.anonymous().get(body.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = page.text;
    // No script at all: the Markdown's <script> and onerror are gone, the title's is text.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/onerror/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;캡션&lt;/b&gt;');
    const dom = new JSDOM(html);
    const doc = dom.window.document;
    expect(doc.documentElement.lang).toBe('ko');
    expect(doc.querySelectorAll('h1')).toHaveLength(1);
    const svgs = [...doc.querySelectorAll('figure.chart svg[role="img"]')];
    expect(svgs).toHaveLength(2);
    expect(svgs[0]!.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(svgs[0]!.getAttribute('aria-label')).toBe('여섯 자치구의 따릉이 이용 건수 막대 그래프');
    expect(svgs[0]!.querySelectorAll('rect').length).toBeGreaterThanOrEqual(6);
    // Every chart has a data table behind <details>, every figure a CSV and "how this was made".
    expect(doc.querySelectorAll('figure.chart details table')).toHaveLength(2);
    expect(doc.querySelector('meta[property="og:title"]')!.getAttribute('content')).toContain('자치구별 따릉이 이용');
    expect(html).toContain('policy-trips-v3');
    expect(html).toContain('WHERE hour &gt;= $min_hour');

    // The numbers are the server's: recompute the by_gu counts independently from the CSV source.
    const csv = await server.anonymous().get(`/stories/${encodeURIComponent(slug)}/v/1/figures/1.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('gu,trips,mean_distance');
    const { tripsCsv } = await import('./fixtures.ts');
    const expected = new Map<string, number>();
    for (const l of tripsCsv().trim().split('\n').slice(1)) {
      const [gu, , hour] = l.split(',');
      if (Number(hour) >= 6) expected.set(gu!, (expected.get(gu!) ?? 0) + 1);
    }
    const got = new Map(lines.slice(1).map((l) => { const [gu, n] = l.split(','); return [gu!, Number(n)]; }));
    expect(got).toEqual(expected);
    // The data table on the page shows the same counts.
    const firstTable = doc.querySelector('#figure-1 table')!;
    const pageCounts = [...firstTable.querySelectorAll('tbody tr')].map((tr) => Number(tr.children[1]!.textContent!.replace(/,/g, '')));
    expect(pageCounts).toEqual([...got.values()]);

    const en = await server.anonymous().get(`${body.url}?lang=en`);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Trips by district');
  });

  it('blocks a flagged figure until a steward approves it, and audits the decision', async () => {
    const res = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { ...base, cells: [{ cellId: byName('by_gu') }, { cellId: byName('too_fine') }] });
    expect(res.status, res.text).toBe(200);
    const body = res.json();
    expect(body.status).toBe('blocked');
    expect(body.version).toBeNull();
    const flagged = body.flagged as Array<{ cellName: string; status: string; cells: Array<{ rule: string; reason: string; reasonKo: string }> }>;
    expect(flagged.map((f) => f.cellName)).toEqual(['too_fine']);
    expect(flagged[0]!.cells.some((c) => c.rule === 'threshold' && c.reasonKo.length > 0)).toBe(true);
    // Still version 1 for readers.
    expect((await server.anonymous().get(`/stories/${encodeURIComponent(slug)}/v/2`)).status).toBe(404);

    // Only owners ask for review; only stewards decide.
    expect((await editor.post(`/api/story-drafts/${body.draftId}/request-review`, { note: 'x' })).status).toBe(403);
    expect((await owner.post(`/api/story-drafts/${body.draftId}/request-review`, { note: '구 단위로 합쳐 보았습니다' })).status).toBe(204);
    expect((await owner.post(`/api/story-drafts/${body.draftId}/approve`, { note: 'me' })).status).toBe(403);
    const reviews = await steward.get('/api/story-reviews');
    expect(reviews.json().reviews.map((r: { draftId: string }) => r.draftId)).toContain(body.draftId);
    const approved = await steward.post(`/api/story-drafts/${body.draftId}/approve`, { note: '시간대별 칸은 공개 자료와 같은 수준이라 승인' });
    expect(approved.status).toBe(200);
    expect(approved.json().version).toBe(2);
    const audit = await listAudit(server.server.db, {});
    const entry = audit.find((a) => a.action === 'story.approved');
    expect(entry?.actorId).toBe(steward.user!.viewer.userId);
    expect(JSON.stringify(entry?.detail)).toContain('too_fine');
    const page = await server.anonymous().get(`/stories/${encodeURIComponent(slug)}`);
    expect(page.text).toContain('버전 2');
    expect((await server.anonymous().get(`/stories/${encodeURIComponent(slug)}/v/1`)).text).toContain('예전 버전');
  });

  it('explains what cannot be published: failing SQL, local-only tables, missing alt text, non-owners', async () => {
    const failing = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { ...base, cells: [{ cellId: byName('broken') }] });
    expect(failing.status).toBe(400);
    expect(failing.json().error.ko).toContain('broken');
    expect(failing.json().error.en).toMatch(/failed on the server/);
    const local = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { ...base, cells: [{ cellId: byName('local_file') }] });
    expect(local.status).toBe(400);
    expect(local.json().error.en).toMatch(/Local-only files cannot be published/);
    const noAlt = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { ...base, cells: [{ cellId: chartFor('by_band') }] });
    expect(noAlt.status).toBe(400);
    expect(noAlt.json().error.en).toMatch(/alt text/);
    const notOwner = await editor.post(`/api/notebooks/${notebookId}/story/publish`, { ...base, cells: [{ cellId: byName('by_gu') }] });
    expect(notOwner.status).toBe(403);
  });

  it('inlines upstream cells (with their inputs fixed) and sends what the engine cannot analyse to review', async () => {
    const res = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { ...base, cells: [{ cellId: byName('busy') }] });
    const body = res.json();
    expect(body.status).toBe('blocked');
    expect(body.flagged[0].status).toBe('review');
    expect(body.flagged[0].issues[0].code).toBe('unanalysable');
    const story = (await owner.get(`/api/notebooks/${notebookId}/story`)).json().story;
    expect(story.versions[0].flagged[0].cellName).toBe('busy');
  });

  it('caps a huge result at 1,000 published rows and tells the author', async () => {
    const res = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { ...base, cells: [{ cellId: byName('all_rows') }] });
    const body = res.json();
    expect(body.status).toBe('blocked'); // row-level output fails the checks too
    expect(body.flagged[0].cells.some((c: { rule: string }) => c.rule === 'row-level')).toBe(true);
    expect(body.notices.map((n: { en: string }) => n.en)).toContain('cell all_rows: only the first 1,000 of 2,400 rows are published.');
    expect(body.notices[0].ko).toContain('1,000행만 공개');
  });
});

describe('workspace rules', () => {
  it('reads <dataDir>/output-check-rules.json at each publish', async () => {
    const { writeFile, rm } = await import('node:fs/promises');
    const file = `${server.dataDir}/output-check-rules.json`;
    await writeFile(file, JSON.stringify({ threshold: 1000 }));
    try {
      const res = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { ...base, cells: [{ cellId: byName('by_band') }] });
      expect(res.json().status).toBe('blocked');
      expect(res.json().flagged[0].cells[0].rule).toBe('threshold');
    } finally {
      await rm(file);
    }
  });
});

describe('reading', () => {
  it('lists, searches and filters stories; JSON list; Atom feed parses', async () => {
    const list = await server.anonymous().get('/api/stories');
    expect(list.json().stories).toHaveLength(1);
    expect((await server.anonymous().get('/api/stories?district=마포구')).json().stories).toHaveLength(1);
    expect((await server.anonymous().get('/api/stories?district=노원구')).json().stories).toHaveLength(0);
    const index = await server.anonymous().get('/stories?q=따릉이');
    expect(index.status).toBe(200);
    expect(index.text).toContain(encodeURIComponent(slug));
    expect((await server.anonymous().get('/stories?q=없는낱말')).text).toContain('조건에 맞는 이야기가 없습니다');
    const feed = await server.anonymous().get('/stories/feed.xml');
    expect(feed.headers.get('content-type')).toContain('application/atom+xml');
    const xml = new JSDOM(feed.text, { contentType: 'application/xml' }).window.document;
    expect(xml.documentElement.namespaceURI).toBe('http://www.w3.org/2005/Atom');
    expect(xml.querySelectorAll('entry')).toHaveLength(1);
    expect(xml.querySelector('entry > title')!.textContent).toContain('<script>');
    expect(xml.querySelector('entry > link')!.getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/stories\//);
  });

  it('filters by problem and district on the index page too, with the choices offered as options', async () => {
    expect((await server.anonymous().get(`/api/stories?problem=${encodeURIComponent('자전거 안전')}`)).json().stories).toHaveLength(1);
    expect((await server.anonymous().get(`/api/stories?problem=${encodeURIComponent('대기질')}`)).json().stories).toHaveLength(0);
    const page = (await server.anonymous().get(`/stories?problem=${encodeURIComponent('자전거 안전')}&district=${encodeURIComponent('마포구')}`)).text;
    const doc = new JSDOM(page).window.document;
    expect(doc.querySelectorAll('.card')).toHaveLength(1);
    expect(doc.querySelector('#problem option[selected]')!.textContent).toBe('자전거 안전');
    expect([...doc.querySelectorAll('#district option')].map((o) => o.textContent)).toEqual(['전체', '강남구', '마포구']);
    const none = new JSDOM((await server.anonymous().get(`/stories?district=${encodeURIComponent('강남구')}&q=${encodeURIComponent('없는낱말')}`)).text).window.document;
    expect(none.querySelectorAll('.card')).toHaveLength(0);
  });

  it('story pages: Open Graph tags, an English toggle, and "how this was made" with SQL, extract and policy versions and the checks passed', async () => {
    const page = await server.anonymous().get(`/stories/${encodeURIComponent(slug)}`);
    const doc = new JSDOM(page.text).window.document;
    const og = (p: string) => doc.querySelector(`meta[property="og:${p}"]`)?.getAttribute('content');
    expect(og('type')).toBe('article');
    expect(og('description')).toBe('어느 구에서 많이 탈까요?');
    expect(og('url')).toBe(`${server.url}/stories/${encodeURIComponent(slug)}`);
    expect(og('locale')).toBe('ko_KR');
    const toggle = doc.querySelector('header.site a[hreflang="en"]')!;
    expect(toggle.textContent).toBe('English');
    const en = new JSDOM((await server.anonymous().get(toggle.getAttribute('href')!)).text).window.document;
    expect(en.documentElement.lang).toBe('en');
    expect(en.querySelector('meta[property="og:locale"]')!.getAttribute('content')).toBe('en_US');
    expect(en.querySelector('header.site a[hreflang="ko"]')!.textContent).toBe('한국어');
    const how = [...doc.querySelectorAll('#figure-1 details')].find((d) => d.querySelector('summary')!.textContent === '어떻게 만들었나요?')!;
    const dd = [...how.querySelectorAll('dd')].map((d) => d.textContent ?? '');
    expect(dd[0]).toContain('count(*) AS trips');
    expect(dd.some((t) => /trips v1 \(sha256 [0-9a-f]{12}…\)/.test(t))).toBe(true);
    expect(dd.some((t) => t.includes('policy-trips-v3'))).toBe(true);
    expect(dd.some((t) => t.includes('최소 건수·지배성·p-비율·0 검사를 모두 통과했습니다.'))).toBe(true);
    expect(how.querySelector('a[download]')!.getAttribute('href')).toBe(`/stories/${encodeURIComponent(slug)}/v/2/figures/1.csv`);
  });
});

describe('feedback', () => {
  const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    server.anonymous().request(`/stories/${encodeURIComponent(slug)}/feedback`, {
      method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });

  it('takes form posts without JS, drops honeypot posts, shows feedback only after moderation, escaped, with replies', async () => {
    const bot = await post({ body: 'buy now', website: 'http://spam.example' });
    expect(bot.status).toBe(303);
    const sent = await post({ name: '<i>시민</i>', body: '<script>alert(2)</script> 좋은 분석이에요' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toContain('feedback=sent');
    const all = (await owner.get(`/api/notebooks/${notebookId}/story/feedback`)).json().feedback;
    expect(all).toHaveLength(1);
    expect(all[0].status).toBe('pending');
    let page = (await server.anonymous().get(`/stories/${encodeURIComponent(slug)}`)).text;
    expect(page).not.toContain('좋은 분석이에요');
    expect((await editor.post(`/api/story-feedback/${all[0].id}/reply`, { text: '고맙습니다 <b>!</b>' })).status).toBe(204);
    page = (await server.anonymous().get(`/stories/${encodeURIComponent(slug)}`)).text;
    expect(page).toContain('&lt;script&gt;alert(2)&lt;/script&gt; 좋은 분석이에요');
    expect(page).toContain('&lt;i&gt;시민&lt;/i&gt;');
    expect(page).toContain('고맙습니다 &lt;b&gt;!&lt;/b&gt;');
    expect(page).not.toMatch(/<script/i);
  });

  it('refuses another site\'s form and rate-limits with a clear 429', async () => {
    expect((await post({ body: 'x' }, { origin: 'https://evil.example' })).status).toBe(403);
    let last = await post({ body: 'again' });
    for (let i = 0; i < 6 && last.status !== 429; i++) last = await post({ body: `again ${i}` });
    expect(last.status).toBe(429);
    expect(last.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last.text).toContain('너무 자주');
  });

  it('unpublishing keeps the record and answers 410', async () => {
    expect((await owner.post(`/api/notebooks/${notebookId}/story/unpublish`, {})).status).toBe(204);
    const gone = await server.anonymous().get(`/stories/${encodeURIComponent(slug)}`);
    expect(gone.status).toBe(410);
    const story = (await owner.get(`/api/notebooks/${notebookId}/story`)).json().story;
    expect(story.versions.filter((v: { status: string }) => v.status === 'published')).toHaveLength(2);
    expect((await server.anonymous().get('/api/stories')).json().stories).toHaveLength(0);
  });

  it('re-publishing after unpublishing makes a new version; earlier versions stay readable', async () => {
    const res = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { ...base, cells: [{ cellId: byName('by_band') }] });
    expect(res.status, res.text).toBe(201);
    expect(res.json()).toMatchObject({ status: 'published', version: 3, slug });
    expect((await server.anonymous().get(`/stories/${encodeURIComponent(slug)}`)).text).toContain('버전 3');
    const v1 = await server.anonymous().get(`/stories/${encodeURIComponent(slug)}/v/1`);
    expect(v1.status).toBe(200);
    expect(v1.text).toContain('예전 버전');
    const story = (await owner.get(`/api/notebooks/${notebookId}/story`)).json().story;
    expect(story.versions.filter((v: { status: string }) => v.status === 'published').map((v: { version: number }) => v.version).sort()).toEqual([1, 2, 3]);
  });
});

describe('transfer', () => {
  it('sends pages gzipped to readers that accept it', async () => {
    const res = await fetch(`${server.url}/stories`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toContain('<html lang="ko">');
  });
});

describe('pinned extract versions', () => {
  const pinnedMd = storyNotebookMd.replace('extracts:\n  - trips\n', 'extracts:\n  - trips@1\n');
  const pinnedBase = { ...base, title: { ko: '고정된 버전의 따릉이', en: 'Pinned trips' } };
  let pinnedId: string;
  let pinnedCells: CellSnapshot[];
  let newer: number;
  const byGuOf = () => cellId(pinnedCells, (c) => c.name === 'by_gu');

  /** Moves the pin in the stored notebook document, as a collaborator's edit would. */
  const movePin = async (version: number) => {
    const doc = await loadDocFromStore(server.server.store, pinnedId);
    const before = Y.encodeStateVector(doc);
    expect(setExtractPin(doc, 'trips', version)).toBe(true);
    await server.server.store.appendUpdate(pinnedId, Y.encodeStateAsUpdate(doc, before));
    doc.destroy();
  };
  const storyPage = async (url: string) => (await server.anonymous().get(url)).text;

  beforeAll(async () => {
    expect(pinnedMd).toContain('trips@1');
    const res = await owner.post('/api/notebooks/import', { markdown: pinnedMd });
    expect(res.status, res.text).toBe(201);
    pinnedId = res.json().id;
    pinnedCells = await cellsOf(server.server, pinnedId);
    // A newer live version with different rows.
    const added = await addTripsExtract(server.server, server.dataDir, { seed: 9 });
    newer = added.version;
    await added.catalog.close();
    expect(newer).toBeGreaterThan(1);
  }, 60_000);

  it('publishes on the version the notebook pins, not the newest, and shows it under "how this was made"', async () => {
    const res = await owner.post(`/api/notebooks/${pinnedId}/story/publish`, { ...pinnedBase, cells: [{ cellId: byGuOf() }] });
    expect(res.status, res.text).toBe(201);
    const html = await storyPage(res.json().url);
    expect(html).toMatch(/<code>trips<\/code> v1 /);
    expect(html).not.toMatch(new RegExp(`<code>trips</code> v${newer} `));
    // The CSV holds the pinned version's numbers (seed 7), not the newer rows (seed 9).
    const csv = await server.anonymous().get(`/stories/${encodeURIComponent(res.json().slug)}/v/1/figures/1.csv`);
    const total = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).reduce((n, l) => n + Number(l.split(',')[1]), 0);
    const { tripsCsv } = await import('./fixtures.ts');
    const expected = (seed: number) => tripsCsv(2400, seed).trim().split('\n').slice(1).filter((l) => Number(l.split(',')[2]) >= 6).length;
    expect(expected(7)).not.toBe(expected(9));
    expect(total).toBe(expected(7));
  });

  it('refuses when the browser computed on another version than the document names (409, both languages)', async () => {
    const res = await owner.post(`/api/notebooks/${pinnedId}/story/publish`, { ...pinnedBase, cells: [{ cellId: byGuOf() }], extractVersions: { trips: newer } });
    expect(res.status).toBe(409);
    expect(res.json().error.en).toBe(`the results on your screen were computed on extract trips v${newer}, but the notebook now uses v1. Re-run the notebook, check the v1 results, then publish.`);
    expect(res.json().error.ko).toContain(`trips v${newer}`);
    // The same versions pass.
    const ok = await owner.post(`/api/notebooks/${pinnedId}/story/publish`, { ...pinnedBase, cells: [{ cellId: byGuOf() }], extractVersions: { trips: 1 } });
    expect(ok.status, ok.text).toBe(201);
  });

  it('a pinned version since withdrawn: the author is told which, and to move to the newest', async () => {
    const { catalog: c } = await addTripsExtract(server.server, server.dataDir, { rows: 10, seed: 1 }).then(async (a) => {
      // Only a handle on the catalog is needed; that extra version is withdrawn straight away.
      await a.catalog.withdraw('trips', a.version);
      return a;
    });
    await c.withdraw('trips', 1);
    await c.close();
    const res = await owner.post(`/api/notebooks/${pinnedId}/story/publish`, { ...pinnedBase, cells: [{ cellId: byGuOf() }] });
    expect(res.status).toBe(400);
    const { en, ko } = res.json().error as { en: string; ko: string };
    expect(en).toMatch(new RegExp(`^extract trips v1, which the notebook is pinned to, has been withdrawn \\(\\d{4}-\\d{2}-\\d{2}\\)\\. Move the notebook to v${newer} `));
    expect(ko).toContain('trips v1');
    expect(ko).toContain('회수');
    expect(ko).toContain(`v${newer}`);
  });

  it('after a collaborator moves the pin, publishing uses the new version', async () => {
    await movePin(newer);
    const res = await owner.post(`/api/notebooks/${pinnedId}/story/publish`, { ...pinnedBase, cells: [{ cellId: byGuOf() }] });
    expect(res.status, res.text).toBe(201);
    expect(res.json().version).toBe(3);
    expect(await storyPage(res.json().url)).toMatch(new RegExp(`<code>trips</code> v${newer} `));
  });

  it('publishes on the live room doc: a pin moved by a connected collaborator counts at once', async () => {
    const added = await addTripsExtract(server.server, server.dataDir, { seed: 10 });
    await added.catalog.close();
    class CookieWebSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie: owner.cookie! } });
      }
    }
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/collab`, pinnedId, doc, {
      WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket, disableBc: true,
    });
    try {
      await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
      expect(readMeta(doc).extracts).toEqual([`trips@${newer}`]);
      setExtractPin(doc, 'trips', added.version);
      // Stored before relayed: once storage has it, the live room doc has it.
      for (let i = 0; i < 200; i++) {
        const stored = await loadDocFromStore(server.server.store, pinnedId);
        const seen = readMeta(stored).extracts[0];
        stored.destroy();
        if (seen === `trips@${added.version}`) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const res = await owner.post(`/api/notebooks/${pinnedId}/story/publish`, { ...pinnedBase, cells: [{ cellId: byGuOf() }] });
      expect(res.status, res.text).toBe(201);
      expect(await storyPage(res.json().url)).toMatch(new RegExp(`<code>trips</code> v${added.version} `));
    } finally {
      provider.destroy();
      doc.destroy();
    }
  });

  it('a second notebook publishing under a taken title gets the next free address, and the author is told', async () => {
    const res = await owner.post('/api/notebooks/import', { markdown: storyNotebookMd });
    const otherCells = await cellsOf(server.server, res.json().id);
    const published = await owner.post(`/api/notebooks/${res.json().id}/story/publish`, { ...base, cells: [{ cellId: cellId(otherCells, (c) => c.name === 'by_band') }] });
    expect(published.status, published.text).toBe(201);
    expect(published.json().slug).toBe(`${slug}-2`);
    expect(published.json().notices.map((n: { en: string }) => n.en)).toContain(`the address ${slug} is taken by another story; this one is at ${slug}-2`);
    // The first story is untouched.
    expect((await server.anonymous().get(`/stories/${encodeURIComponent(slug)}`)).text).toContain('버전 3');
  });

  it('imports pin unpinned refs to the newest live version, keep pins, and refuse missing or withdrawn pins', async () => {
    const notebooks = new NotebookService({ store: server.server.store, pinExtracts: (refs) => pinExtractRefs(refs, extractVersionIndex(server.server.db)) });
    const metaOf = async (id: string) => {
      const doc = await loadDocFromStore(server.server.store, id);
      try {
        return readMeta(doc).extracts;
      } finally {
        doc.destroy();
      }
    };
    const latest = Math.max(...(await extractVersionIndex(server.server.db).versions('trips')).filter((v) => v.withdrawnAt === null).map((v) => v.version));
    expect(latest).toBeGreaterThanOrEqual(newer);
    const unpinned = await notebooks.importMarkdown(storyNotebookMd);
    expect(await metaOf(unpinned.id)).toEqual([`trips@${latest}`]);
    const kept = await notebooks.importMarkdown(storyNotebookMd.replace('  - trips\n', `  - trips@${newer}\n  - not_here_yet\n`));
    expect(await metaOf(kept.id)).toEqual([`trips@${newer}`, 'not_here_yet']);
    const missing = await notebooks.importMarkdown(storyNotebookMd.replace('  - trips\n', '  - trips@99\n')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MadangError);
    expect((missing as MadangError).detail.en).toBe(`extract trips has no version 99: change it to trips@${latest} (the newest version) in the file's extracts, or drop the @version, and import again.`);
    const withdrawn = await notebooks.importMarkdown(storyNotebookMd.replace('  - trips\n', '  - trips@1\n')).catch((e: unknown) => e);
    expect((withdrawn as MadangError).detail.en).toMatch(/^extract trips v1 has been withdrawn \(\d{4}-\d{2}-\d{2}\): change it to trips@/);
    expect((withdrawn as MadangError).detail.ko).toContain('회수');
  });
});
