/**
 * The real `madang` bin as a child process (node + tsx, as `npx madang` runs it): help, the
 * notebook import/export round trip through a data dir, and exit code 1 with a message for bad input.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli.ts';
import { openDatabase } from '../../server/persistence/database.ts';
import { createUser, ensureOrg } from '../../server/auth/users.ts';
import { notebookRoleOf } from '../../server/auth/memberships.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'server', 'bin', 'madang.mjs');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runMadang(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), TZ: 'Asia/Seoul', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

describe('madang CLI', () => {
  let dataDir: string;
  let scratch: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'madang-cli-data-'));
    scratch = await mkdtemp(path.join(os.tmpdir(), 'madang-cli-files-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  // Each run of the bin starts node + tsx (a second or more), so only what must be a real process is one.
  it('--help lists the subcommands and exits 0', async () => {
    const r = await runMadang(['--help']);
    expect(r.code, r.stderr).toBe(0);
    for (const word of ['serve', 'notebook', 'user']) expect(r.stdout).toContain(word);
    let nb = '';
    expect(await main(['node', 'madang', 'notebook', '--help'], { stdout: (t) => { nb += t; }, stderr: () => {}, env: {} })).toBe(0);
    for (const word of ['list', 'import', 'export']) expect(nb).toContain(word);
  }, 60_000);

  it('notebook import then export round-trips a sample file byte for byte', async () => {
    const samples = (await readdir(path.join(repoRoot, 'notebooks'))).filter((f) => f.endsWith('.md')).sort();
    expect(samples.length).toBeGreaterThan(0);
    const file = path.join(repoRoot, 'notebooks', samples[0]);
    const imported = await runMadang(['notebook', 'import', file, '--data', dataDir]);
    expect(imported.code, imported.stderr).toBe(0);
    const id = imported.stdout.trim();
    expect(id).toMatch(/^[A-Za-z0-9_-]{6,64}$/);
    // MADANG_DATA works as well as --data.
    const exported = await runMadang(['notebook', 'export', id], { MADANG_DATA: dataDir });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe(await readFile(file, 'utf8'));
  }, 60_000);

  it('the bin exits 1 with a message for a malformed file', async () => {
    const bad = path.join(scratch, 'bad.md');
    await writeFile(bad, '---\ntitle: broken\nlang: ko\n---\n\n```sql q\nSELECT 1\n');
    const r = await runMadang(['notebook', 'import', bad, '--data', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line \d+/);
    expect(r.stdout).toBe('');
  }, 60_000);

  it('serve starts on the given port, prints the URL and demo accounts, and stops cleanly on SIGTERM', async () => {
    const serveData = path.join(scratch, 'serve-data');
    // A client dir of our own choosing is never built by `serve`, so this stays API-only and fast.
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', serveData], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), MADANG_CLIENT_DIR: path.join(scratch, 'no-client') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      while (!/running at (http:\/\/\S+)\n/.test(stdout)) {
        if (child.exitCode !== null) throw new Error(`serve exited early: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const url = /running at (http:\/\/\S+)\n/.exec(stdout)![1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${url}/api/health`)).json()).toMatchObject({ ok: true });
      while (!stdout.includes('expert@')) await new Promise((r) => setTimeout(r, 20));
      expect(stdout).toContain('admin@demo.madang.example');
      expect(stdout).toContain(`Data / 데이터: ${serveData}`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM received');
  }, 60_000);

  it('notebook import --owner makes that account the owner; an unknown owner creates nothing', async () => {
    const run = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(['node', 'madang', ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: {} });
      return { code, stdout, stderr };
    };
    const ownerDir = path.join(scratch, 'owner-data');
    const db = await openDatabase({ dataDir: ownerDir });
    try {
      const org = await ensureOrg(db, { name: '마포 시민모임', kind: 'cso' });
      const person = await createUser(db, { email: 'minji@example.kr', name: '김민지', orgId: org.id, workspaceRole: 'analyst', password: 'correct horse battery' });
      const sample = path.join(repoRoot, 'notebooks', (await readdir(path.join(repoRoot, 'notebooks'))).filter((f) => f.endsWith('.md')).sort()[0]);

      const ok = await run(['notebook', 'import', sample, '--owner', 'MINJI@example.kr', '--data', ownerDir]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toBe('');
      expect(await notebookRoleOf(db, person, ok.stdout.trim())).toBe('owner');

      const before = await db.selectFrom('notebooks').select('id').execute();
      const nobody = await run(['notebook', 'import', sample, '--owner', 'nobody@example.kr', '--data', ownerDir]);
      expect(nobody.code).toBe(1);
      expect(nobody.stderr).toContain('no active account with email nobody@example.kr');
      expect(await db.selectFrom('notebooks').select('id').execute()).toEqual(before);

      const orphan = await run(['notebook', 'import', sample, '--data', ownerDir]);
      expect(orphan.code).toBe(0);
      expect(orphan.stderr).toContain('--owner EMAIL');

      const listed = await run(['notebook', 'list', '--data', ownerDir]);
      expect(listed.code).toBe(0);
      const lines = listed.stdout.trim().split('\n').map((l) => l.split('\t'));
      expect(lines.map((l) => l[0]).sort()).toEqual([ok.stdout.trim(), orphan.stdout.trim()].sort());
      for (const l of lines) expect(l).toHaveLength(3);
    } finally {
      await db.destroy();
    }
  }, 60_000);

  // The same `main` the bin calls, in process (no node + tsx start-up per case).
  it('returns 1 with a message for a missing file, an unknown id, an empty data dir, a bad command or flag', async () => {
    const run = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(['node', 'madang', ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: {} });
      return { code, stdout, stderr };
    };
    const missing = await run(['notebook', 'import', path.join(scratch, 'missing.md'), '--data', dataDir]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain('no such file');
    expect(missing.stderr.indexOf('파일이 없습니다')).toBeLessThan(missing.stderr.indexOf('no such file')); // Korean first

    const unknown = await run(['notebook', 'export', 'AAAAAAAAAAAAAAAAAAAAA', '--data', dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('notebook not found');

    const empty = await run(['notebook', 'export', 'AAAAAAAAAAAAAAAAAAAAA', '--data', path.join(scratch, 'nothing-here')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no Madang data in');

    const command = await run(['frobnicate']);
    expect(command.code).toBe(1);
    expect(command.stderr).toContain('unknown command');

    const port = await run(['serve', '--port', 'eighty', '--data', dataDir]);
    expect(port.code).toBe(1);
    expect(port.stderr).toContain('port must be an integer');

    const help = await run(['notebook', 'import', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--data <dir>');
  }, 60_000);
});
