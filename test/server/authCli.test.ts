/**
 * `madang user add|list` and `madang audit verify|export`: in process through `main()` (fast),
 * plus one real child process for `--password-stdin` (stdin is the point of that flag).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../server/auth/passwords.ts';
import { main, type CliIo } from '../../server/cli.ts';
import { openDatabase } from '../../server/persistence/database.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let dataDir: string;

beforeEach(async () => { dataDir = await mkdtemp(path.join(os.tmpdir(), 'madang-usercli-')); });
afterEach(async () => { await rm(dataDir, { recursive: true, force: true }); });

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { TZ: 'Asia/Seoul' } };
  const code = await main(['node', 'madang', ...args, '--data', dataDir], io);
  return { code, stdout, stderr };
}

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

describe('madang user', () => {
  it('add creates the organisation if missing, prints a generated password once, and records it', async () => {
    const r = await run(['user', 'add', '--email', 'Kim@Green.or.kr', '--name', '김<b>시민</b>', '--org', '서울환경연합', '--role', 'steward']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^created kim@green\.or\.kr \(steward, 서울환경연합\) id \S+\npassword: (\S{4}-){3}\S{4}\n$/);
    const password = /password: (\S+)/.exec(r.stdout)![1];
    await withDb(async (db) => {
      const user = await db.selectFrom('users').innerJoin('orgs', 'orgs.id', 'users.org_id')
        .select(['users.name', 'users.password_hash', 'orgs.kind', 'orgs.name as org']).executeTakeFirstOrThrow();
      expect(user).toMatchObject({ name: '김<b>시민</b>', kind: 'cso', org: '서울환경연합' });
      expect(await verifyPassword(user.password_hash, password)).toBe(true);
      expect((await db.selectFrom('audit_log').select('action').execute()).map((a) => a.action)).toEqual(['user.created']);
    });

    const second = await run(['user', 'add', '--email', 'lee@green.or.kr', '--name', 'Lee', '--org', '서울환경연합', '--role', 'analyst']);
    expect(second.code).toBe(0);
    await withDb(async (db) => expect((await db.selectFrom('orgs').select('id').execute()).length).toBe(1));
    const list = await run(['user', 'list']);
    expect(list.stdout).toBe('kim@green.or.kr\tsteward\t서울환경연합\nlee@green.or.kr\tanalyst\t서울환경연합\n');
  });

  it('refuses a taken email, a bad role and a bad email with exit 1 and a message', async () => {
    await run(['user', 'add', '--email', 'a@b.kr', '--name', 'A', '--org', 'City', '--org-kind', 'city', '--role', 'admin']);
    const dup = await run(['user', 'add', '--email', 'A@B.kr', '--name', 'A2', '--org', 'City', '--role', 'admin']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('an account with this email exists: a@b.kr');
    const role = await run(['user', 'add', '--email', 'c@b.kr', '--name', 'C', '--org', 'City', '--role', 'boss']);
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('--role');
    const email = await run(['user', 'add', '--email', 'not-an-email', '--name', 'C', '--org', 'City', '--role', 'analyst']);
    expect(email.code).toBe(1);
    expect(email.stderr).toContain('--email');
  });

  it('--password-stdin takes the first line of stdin and prints no password', async () => {
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'server/bin/madang.mjs'), 'user', 'add', '--email', 'op@city.kr', '--name', 'Op',
        '--org', 'City', '--org-kind', 'city', '--role', 'admin', '--password-stdin', '--data', dataDir], {
        cwd: repoRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir() }, stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end('correct horse battery\nsecond line ignored\n');
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('password');
    await withDb(async (db) => {
      const row = await db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow();
      expect(await verifyPassword(row.password_hash, 'correct horse battery')).toBe(true);
    });
  }, 30_000);
});

describe('madang audit', () => {
  it('verify exits 0 on an intact chain and 3 naming the first broken entry; export prints JSON lines', async () => {
    await run(['user', 'add', '--email', 'a@b.kr', '--name', 'A', '--org', 'City', '--role', 'admin']);
    await run(['user', 'add', '--email', 'b@b.kr', '--name', 'B', '--org', 'City', '--role', 'analyst']);
    const ok = await run(['audit', 'verify']);
    expect(ok).toMatchObject({ code: 0, stdout: 'audit chain ok\n' });
    const exported = await run(['audit', 'export']);
    expect(exported.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2]);
    await withDb((db) => sql`update audit_log set detail_json = '{}' where seq = 2`.execute(db));
    const broken = await run(['audit', 'verify']);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toContain('audit chain broken at seq 2');
  });
});
