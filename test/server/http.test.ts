/**
 * The HTTP API against a real server (Fastify on an ephemeral port, SQLite in a temp dir, the real
 * accounts module): health, the notebook life cycle, import/export round trips, and the error
 * contract (`{error:{code,message,ko,en}}`, fitting status, never a stack trace).
 */
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import zlib from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { readMeta, setTitle } from '../../shared/schema/notebook.ts';
import { setMember } from '../../server/auth/memberships.ts';
import { parseNotebookMarkdown, serializeNotebookMarkdown } from '../../shared/notebookFile.ts';
import { precompressDir } from '../../server/http/precompress.ts';
import { startTestServer, type TestClient, type TestResponse, type TestServer } from '../harness/testServer.ts';


// Real servers, sockets and argon2 on a busy 2-core CI box: allow more than the 5 s default.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const repoRoot = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

/** A canonical notebook file: parse + serialise gives back these bytes (checked below). */
const canonical = [
  '---',
  'title: 자전거 대여 시간대',
  'lang: ko',
  'extracts:',
  '  - bike_rentals',
  '---',
  '',
  '# 시간대별 대여',
  '',
  '서울 공공자전거 대여 건수를 시간대별로 봅니다.',
  '',
  '```sql by_hour',
  'SELECT hour, count(*) AS n FROM bike_rentals GROUP BY hour',
  '```',
  '',
  '```chart',
  '{',
  '  "mark": "barY",',
  '  "x": "hour",',
  '  "y": "n"',
  '}',
  '```',
  '',
].join('\n');

/** Polls `check` until true; the deadline only turns a hang into a failure with a message. */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A y-websocket client in Node carrying a session cookie. */
function connectDoc(collabUrl: string, notebookId: string, cookie: string): { doc: Y.Doc; provider: WebsocketProvider; closes: number[] } {
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } });
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(collabUrl, notebookId, doc, {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 100,
  });
  const closes: number[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push(event.code);
  });
  return { doc, provider, closes };
}

/** Waits until the clock shows a new millisecond, so rows created after it sort strictly later. */
async function nextMillisecond(): Promise<void> {
  const start = Date.now();
  while (Date.now() === start) await new Promise((r) => setTimeout(r, 1));
}

/** The error contract: exactly `{error:{code,message,ko,en}}`, no stack, no internals. */
function expectErrorShape(res: TestResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = res.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'en', 'ko', 'message']);
  expect(body.error.code).toBe(code);
  for (const key of ['message', 'ko', 'en']) {
    expect(typeof body.error[key]).toBe('string');
    expect(body.error[key].length).toBeGreaterThan(0);
  }
  expect(res.text).not.toMatch(/\n\s+at |stack|node_modules|\.ts:\d+/);
}

describe('HTTP API', () => {
  let t: TestServer;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    t = await startTestServer();
    alice = await t.signUpAndIn({ role: 'analyst', org: '서울환경연합' });
    bob = await t.signUpAndIn({ role: 'analyst', org: 'Urban Lab', orgKind: 'expert' });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function createNotebook(client: TestClient, title: string): Promise<string> {
    const res = await client.post('/api/notebooks', { title });
    expect(res.status, res.text).toBe(201);
    return res.json().id as string;
  }

  it('GET /api/health answers ok with the package version, without a session', async () => {
    const res = await t.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, version: pkg.version });
  });

  it('creates, lists, reads, renames and deletes a notebook', async () => {
    const id = await createNotebook(alice, '  따릉이 대여 분석  ');

    const list = await alice.get('/api/notebooks');
    expect(list.status).toBe(200);
    const mine = list.json().notebooks.find((n: { id: string }) => n.id === id);
    expect(mine).toMatchObject({ id, title: '따릉이 대여 분석', role: 'owner' });
    expect(typeof mine.updatedAt).toBe('string');

    const one = await alice.get(`/api/notebooks/${id}`);
    expect(one.status).toBe(200);
    expect(one.json()).toMatchObject({ id, title: '따릉이 대여 분석', role: 'owner' });

    const renamed = await alice.patch(`/api/notebooks/${id}`, { title: 'Bike rentals by hour' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json()).toMatchObject({ id, title: 'Bike rentals by hour' });
    // The doc's meta.title changed too (export reads the doc, not the row).
    const exported = await alice.get(`/api/notebooks/${id}/export`);
    expect(parseNotebookMarkdown(exported.text).title).toBe('Bike rentals by hour');

    const deleted = await alice.delete(`/api/notebooks/${id}`);
    expect(deleted.status).toBe(204);
    expectErrorShape(await alice.get(`/api/notebooks/${id}`), 404, 'not_found');
    expectErrorShape(await alice.get(`/api/notebooks/${id}/export`), 404, 'not_found');
    const after = await alice.get('/api/notebooks');
    expect(after.json().notebooks.map((n: { id: string }) => n.id)).not.toContain(id);

    // Each step is in the audit log, by whom.
    const audit = await t.server.db.selectFrom('audit_log').select(['actor_id', 'action', 'detail_json']).where('target', '=', id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['notebook.created', 'notebook.renamed', 'notebook.exported', 'notebook.deleted']);
    expect(new Set(audit.map((a) => a.actor_id))).toEqual(new Set([alice.user!.viewer.userId]));
    expect(JSON.parse(audit[1].detail_json)).toEqual({ from: '따릉이 대여 분석', to: 'Bike rentals by hour' });
  });

  it('a rename reaches open clients through the room; export reads the live doc; delete disconnects them', async () => {
    const id = await createNotebook(alice, 'before');
    const client = connectDoc(t.collabUrl, id, alice.cookie!);
    try {
      await waitFor(() => client.provider.synced, 'first sync');
      expect(readMeta(client.doc).title).toBe('before');
      expect((await alice.patch(`/api/notebooks/${id}`, { title: '바뀐 제목' })).status).toBe(200);
      await waitFor(() => readMeta(client.doc).title === '바뀐 제목', 'the rename to reach the client');

      // A client's edit shows in the export (the room is loaded: export reads its doc).
      client.doc.getMap('meta').set('lang', 'en');
      let exported = '';
      while (!exported.includes('lang: en')) {
        exported = (await alice.get(`/api/notebooks/${id}/export`)).text;
      }
      expect(parseNotebookMarkdown(exported)).toMatchObject({ title: '바뀐 제목', lang: 'en' });

      // A rename typed into the doc (the notebook page edits meta.title) reaches the row and the list.
      setTitle(client.doc, '  페이지에서 바꾼 제목 ');
      let row = { title: '' };
      while (row.title !== '페이지에서 바꾼 제목') row = (await alice.get(`/api/notebooks/${id}`)).json();
      const listed = (await alice.get('/api/notebooks')).json().notebooks.find((n: { id: string }) => n.id === id);
      expect(listed.title).toBe('페이지에서 바꾼 제목');

      expect((await alice.delete(`/api/notebooks/${id}`)).status).toBe(204);
      await waitFor(() => client.closes.includes(4404), 'close code 4404 (notebook not found)');
    } finally {
      client.provider.destroy();
      client.doc.destroy();
    }
  });

  it('lists only the notebooks the signed-in person may read, newest first', async () => {
    const a1 = await createNotebook(alice, 'alice first');
    await nextMillisecond();
    const b1 = await createNotebook(bob, 'bob only');
    await nextMillisecond();
    const a2 = await createNotebook(alice, 'alice second');
    const ids = (await alice.get('/api/notebooks')).json().notebooks.map((n: { id: string }) => n.id);
    expect(ids).not.toContain(b1);
    expect(ids.indexOf(a2)).toBeLessThan(ids.indexOf(a1));
    expect(ids.indexOf(a2)).toBeGreaterThanOrEqual(0);
  });

  it('export of an imported canonical file gives back the same bytes (text/markdown and JSON bodies)', async () => {
    expect(serializeNotebookMarkdown(parseNotebookMarkdown(canonical))).toBe(canonical);
    const imported = await alice.request('/api/notebooks/import', {
      method: 'POST', body: canonical, headers: { 'content-type': 'text/markdown; charset=utf-8' },
    });
    expect(imported.status, imported.text).toBe(201);
    const { id, title } = imported.json();
    expect(title).toBe('자전거 대여 시간대');

    const exported = await alice.get(`/api/notebooks/${id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const disposition = exported.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; filename="[^"]+\.md"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe('자전거 대여 시간대.md');
    expect(exported.text).toBe(canonical);
    expect(exported.headers.get('x-content-type-options')).toBe('nosniff');

    const viaJson = await alice.post('/api/notebooks/import', { markdown: canonical });
    expect(viaJson.status).toBe(201);
    expect(viaJson.json().id).not.toBe(id); // importing always makes a NEW notebook
    expect((await alice.get(`/api/notebooks/${viaJson.json().id}/export`)).text).toBe(canonical);
  });

  it('every sample notebook in notebooks/ round-trips through import and export', async () => {
    const dir = path.join(repoRoot, 'notebooks');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.md'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = await readFile(path.join(dir, f), 'utf8');
      const res = await alice.request('/api/notebooks/import', { method: 'POST', body: text, headers: { 'content-type': 'text/markdown' } });
      expect(res.status, `${f}: ${res.text}`).toBe(201);
      const exported = await alice.get(`/api/notebooks/${res.json().id}/export`);
      // Imports pin unpinned extracts to their newest live version (v1 on a fresh server).
      const end = text.indexOf('\n---\n', 4);
      const pinned = text.slice(0, end).replace(/^( {2}- [A-Za-z_][A-Za-z0-9_]*)$/gm, '$1@1') + text.slice(end);
      expect(pinned, f).not.toBe(text);
      expect(exported.text, f).toBe(pinned);
    }
  });

  it('rejects malformed notebook files with invalid_input naming the line', async () => {
    const unknownKey = '---\ntitle: x\nbogus: 1\n---\n';
    const r1 = await alice.request('/api/notebooks/import', { method: 'POST', body: unknownKey, headers: { 'content-type': 'text/markdown' } });
    expectErrorShape(r1, 400, 'invalid_input');
    const unclosed = '---\ntitle: x\nlang: ko\n---\n\n```sql q\nSELECT 1\n';
    const r2 = await alice.post('/api/notebooks/import', { markdown: unclosed });
    expectErrorShape(r2, 400, 'invalid_input');
    expect(r2.json().error.en).toMatch(/line \d+/);
    expectErrorShape(await alice.post('/api/notebooks/import', { text: 'wrong field' }), 400, 'invalid_input');
  });

  it('rejects an oversized import with 413', async () => {
    const huge = canonical + 'x'.repeat(5 * 1024 * 1024);
    const res = await alice.request('/api/notebooks/import', { method: 'POST', body: huge, headers: { 'content-type': 'text/markdown' } });
    expectErrorShape(res, 413, 'payload_too_large');
  });

  it('validates titles: trimmed, 1-200 characters, no control characters', async () => {
    for (const title of ['', '   ', 'x'.repeat(201), 'a\u0007b', 'two\nlines', 'tab\there', 42, null]) {
      expectErrorShape(await alice.post('/api/notebooks', { title }), 400, 'invalid_input');
    }
    expectErrorShape(await alice.post('/api/notebooks', {}), 400, 'invalid_input');
    expectErrorShape(await alice.post('/api/notebooks', ['title']), 400, 'invalid_input');
    expect((await alice.post('/api/notebooks', { title: '🚲'.repeat(200) })).status).toBe(201); // 200 characters, 400 UTF-16 units
    expectErrorShape(await alice.post('/api/notebooks', { title: '🚲'.repeat(201) }), 400, 'invalid_input');
    const ok = await alice.post('/api/notebooks', { title: '가'.repeat(200) });
    expect(ok.status).toBe(201);
    const id = ok.json().id;
    expectErrorShape(await alice.patch(`/api/notebooks/${id}`, { title: ' ' }), 400, 'invalid_input');
    expect((await alice.get(`/api/notebooks/${id}`)).json().title).toBe('가'.repeat(200));
  });

  it('answers malformed JSON and unsupported content types in the error shape', async () => {
    const bad = await alice.request('/api/notebooks', { method: 'POST', body: '{"title": ', headers: { 'content-type': 'application/json' } });
    expectErrorShape(bad, 400, 'bad_request');
    const xml = await alice.request('/api/notebooks', { method: 'POST', body: '<title/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expect(xml.json().error.code).toBe('bad_request');
  });

  it('answers 404 for malformed and unknown notebook ids', async () => {
    for (const id of ['abc', 'not%20valid', 'x'.repeat(65), 'AAAAAAAAAAAAAAAAAAAAA']) {
      expectErrorShape(await alice.get(`/api/notebooks/${id}`), 404, 'not_found');
      expectErrorShape(await alice.patch(`/api/notebooks/${id}`, { title: 'x' }), 404, 'not_found');
      expectErrorShape(await alice.get(`/api/notebooks/${id}/export`), 404, 'not_found');
    }
  });

  it('answers unknown API routes with a JSON 404', async () => {
    expectErrorShape(await alice.get('/api/nope'), 404, 'not_found');
    expectErrorShape(await t.get('/api'), 404, 'not_found');
    expectErrorShape(await alice.request('/api/notebooks', { method: 'PUT', json: {} }), 404, 'not_found');
    expectErrorShape(await t.get('/no-client-here'), 404, 'not_found');
  });

  it('answers 401 to every notebook route without a session', async () => {
    const id = await createNotebook(alice, 'private');
    const anon = t.anonymous();
    expectErrorShape(await anon.get('/api/notebooks'), 401, 'unauthenticated');
    expectErrorShape(await anon.post('/api/notebooks', { title: 'x' }), 401, 'unauthenticated');
    expectErrorShape(await anon.get(`/api/notebooks/${id}`), 401, 'unauthenticated');
    expectErrorShape(await anon.patch(`/api/notebooks/${id}`, { title: 'x' }), 401, 'unauthenticated');
    expectErrorShape(await anon.delete(`/api/notebooks/${id}`), 401, 'unauthenticated');
    expectErrorShape(await anon.get(`/api/notebooks/${id}/export`), 401, 'unauthenticated');
    expectErrorShape(await anon.post('/api/notebooks/import', { markdown: canonical }), 401, 'unauthenticated');
    // The session is checked before the body is read: no session, no 413 for a huge upload.
    const huge = await anon.request('/api/notebooks/import', { method: 'POST', body: 'x'.repeat(6 * 1024 * 1024), headers: { 'content-type': 'text/markdown' } });
    expectErrorShape(huge, 401, 'unauthenticated');
    expectErrorShape(await anon.get('/api/notebooks', { cookie: 'madang_session=forged-token' }), 401, 'unauthenticated');
  });

  it('enforces notebook roles: no role hides the notebook, a viewer may read and export but not rename or delete', async () => {
    const id = await createNotebook(alice, 'shared later');
    expectErrorShape(await bob.get(`/api/notebooks/${id}`), 404, 'not_found');
    expectErrorShape(await bob.delete(`/api/notebooks/${id}`), 404, 'not_found');

    await setMember(t.server.db, { notebookId: id, principal: { kind: 'user', id: bob.user!.viewer.userId }, role: 'viewer', addedBy: null });
    expect((await bob.get(`/api/notebooks/${id}`)).json()).toMatchObject({ id, role: 'viewer' });
    expect((await bob.get(`/api/notebooks/${id}/export`)).status).toBe(200);
    expect((await bob.get('/api/notebooks')).json().notebooks.map((n: { id: string }) => n.id)).toContain(id);
    expectErrorShape(await bob.patch(`/api/notebooks/${id}`, { title: 'mine now' }), 403, 'forbidden');
    expectErrorShape(await bob.delete(`/api/notebooks/${id}`), 403, 'forbidden');

    await setMember(t.server.db, { notebookId: id, principal: { kind: 'user', id: bob.user!.viewer.userId }, role: 'editor', addedBy: null });
    expect((await bob.patch(`/api/notebooks/${id}`, { title: 'edited by bob' })).status).toBe(200);
    expectErrorShape(await bob.delete(`/api/notebooks/${id}`), 403, 'forbidden'); // owner only
    expect((await alice.delete(`/api/notebooks/${id}`)).status).toBe(204);
  });

  it('refuses state-changing requests from another site', async () => {
    const res = await alice.post('/api/notebooks', { title: 'csrf' }, { headers: { origin: 'https://evil.example' } });
    expectErrorShape(res, 403, 'forbidden');
    // A browser on our own origin passes.
    const ok = await alice.post('/api/notebooks', { title: 'same site' }, { headers: { origin: t.url } });
    expect(ok.status).toBe(201);
  });
});

/** Compressible like real wasm: repetitive, with some variety. */
const bigAsset = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `chunk ${i % 97} ${'x'.repeat(i % 13)}`).join('\n'));

/** A GET whose body is not decoded (fetch would undo the content encoding under test). */
function rawGet(url: string, acceptEncoding: string): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('static client', () => {
  let t: TestServer;
  let clientDir: string;

  beforeAll(async () => {
    clientDir = await mkdtemp(path.join(os.tmpdir(), 'madang-client-'));
    await mkdir(path.join(clientDir, 'assets'));
    await writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>Madang</title><div id="root"></div>');
    await writeFile(path.join(clientDir, 'assets', 'index-Abc123.js'), 'console.log(1)');
    await writeFile(path.join(clientDir, 'assets', 'engine-Def456.wasm'), bigAsset);
    expect(await precompressDir(clientDir)).toBe(1); // only the big wasm is worth compressing
    t = await startTestServer({ clientDir });
  });
  afterAll(async () => {
    await t?.close();
    await rm(clientDir, { recursive: true, force: true });
  });

  it('serves index.html for the app and for client routes (SPA fallback), revalidated', async () => {
    for (const p of ['/', '/notebooks/V1StGXR8_Z5jdHi6B-myT', '/login']) {
      const res = await t.get(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves hashed assets as immutable, and a missing asset is a 404, not the app', async () => {
    const js = await t.get('/assets/index-Abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await t.get('/assets/missing-Zzz.js')).status).toBe(404);
  });

  it('sends the build-time Brotli or gzip copy the browser accepts, with the original type', async () => {
    const url = `${t.url}/assets/engine-Def456.wasm`;
    const br = await rawGet(url, 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toBe('application/wasm');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(bigAsset.length / 4);
    expect(zlib.brotliDecompressSync(br.body).equals(bigAsset)).toBe(true);
    expect(br.headers['x-uncompressed-length']).toBe(String(bigAsset.length));
    const gz = await rawGet(url, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(bigAsset)).toBe(true);
    const plain = await rawGet(url, 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(bigAsset)).toBe(true);
    // A small file has no copies and goes as is.
    expect((await rawGet(`${t.url}/assets/index-Abc123.js`, 'br')).headers['content-encoding']).toBeUndefined();
  });

  it('keeps API 404s as JSON', async () => {
    expectErrorShape(await t.get('/api/unknown'), 404, 'not_found');
    expect((await t.get('/api/health')).json().ok).toBe(true);
  });
});

describe('unexpected failures', () => {
  it('answer a generic 500 in the error shape, with no stack or internals', async () => {
    const t = await startTestServer();
    try {
      const someone = await t.signUpAndIn();
      // Pull the database away under the running server: every query now throws inside a route.
      await t.server.db.destroy();
      const res = await someone.get('/api/notebooks');
      expectErrorShape(res, 500, 'internal');
      expect(res.json().error.en).toBe('internal server error');
      expect(res.text).not.toMatch(/sqlite|kysely|driver|destroy/i);
    } finally {
      await t.close();
    }
  });
});
