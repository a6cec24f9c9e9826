/**
 * First start and restart of the real server on one data dir: the sample notebooks and demo
 * accounts are created once, a restart (even after every sample was deleted) seeds nothing again,
 * and notebooks survive the restart.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseNotebookMarkdown } from '../../shared/notebookFile.ts';
import { startTestServer, type TestClient } from '../harness/testServer.ts';


// Real servers, sockets and argon2 on a busy 2-core CI box: allow more than the 5 s default.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const repoRoot = path.resolve(import.meta.dirname, '../..');
const samplesDir = path.join(repoRoot, 'notebooks');

/** The demo admin's email and one-time password, from the lines the server prints at first start. */
function demoAdminFrom(notices: string[]): { email: string; password: string } {
  const line = notices.find((l) => l.trim().startsWith('admin@'));
  if (!line) throw new Error(`no demo admin in notices:\n${notices.join('\n')}`);
  const [email, password] = line.trim().split(/\s+/);
  return { email, password };
}

async function sampleTitles(): Promise<string[]> {
  const files = (await readdir(samplesDir)).filter((f) => f.endsWith('.md'));
  return Promise.all(files.map(async (f) => parseNotebookMarkdown(await readFile(path.join(samplesDir, f), 'utf8')).title || f.replace(/\.md$/, '')));
}

describe('startServer on a data dir', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'madang-start-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds the sample notebooks and demo accounts on first start, once', async () => {
    const titles = await sampleTitles();
    expect(titles.length).toBeGreaterThan(0);

    const first = await startTestServer({ dataDir, demo: true });
    let admin: { email: string; password: string };
    let ids: string[];
    try {
      expect(first.server.notices.some((l) => l.includes(`${titles.length} sample notebooks`))).toBe(true);
      admin = demoAdminFrom(first.server.notices);
      const asAdmin: TestClient = await first.signIn(admin.email, admin.password);
      const list = (await asAdmin.get('/api/notebooks')).json().notebooks as Array<{ id: string; title: string; role: string }>;
      expect(list.map((n) => n.title).sort()).toEqual([...titles].sort());
      expect(new Set(list.map((n) => n.role))).toEqual(new Set(['owner']));
      ids = list.map((n) => n.id);

      // Every signed-in person can open the samples (shared with the whole workspace).
      const someone = await first.signUpAndIn({ role: 'analyst' });
      const theirs = (await someone.get('/api/notebooks')).json().notebooks as Array<{ id: string; role: string }>;
      expect(theirs.map((n) => n.id).sort()).toEqual([...ids].sort());
      expect(new Set(theirs.map((n) => n.role))).toEqual(new Set(['editor']));
    } finally {
      await first.close();
    }

    const second = await startTestServer({ dataDir, demo: true });
    try {
      expect(second.server.notices).toEqual([]); // nothing seeded, no new demo passwords
      const asAdmin = await second.signIn(admin.email, admin.password);
      const list = (await asAdmin.get('/api/notebooks')).json().notebooks as Array<{ id: string }>;
      expect(list.map((n) => n.id).sort()).toEqual([...ids].sort());
      for (const id of ids) expect((await asAdmin.delete(`/api/notebooks/${id}`)).status).toBe(204);
    } finally {
      await second.close();
    }

    const third = await startTestServer({ dataDir, demo: true });
    try {
      const asAdmin = await third.signIn(admin.email, admin.password);
      expect((await asAdmin.get('/api/notebooks')).json().notebooks).toEqual([]);
    } finally {
      await third.close();
    }
  });

  it('creates no demo content with demo off, and a new data dir is private to its owner', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'madang-start-parent-'));
    const t = await startTestServer({ demo: false, dataDir: path.join(parent, 'fresh'), keepDataDir: false });
    try {
      expect((await stat(path.join(parent, 'fresh'))).mode & 0o777).toBe(0o700);
      expect(t.server.notices).toEqual([]);
      expect(await t.server.store.listNotebooks()).toEqual([]);
    } finally {
      await t.close();
      await rm(parent, { recursive: true, force: true });
    }
  });
});
