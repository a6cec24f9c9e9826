import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../server/audit/auditLog.ts';
import { assertDemoSafe, ensureDemoAccounts, hasDemoAccounts, isLocalOrigin } from '../../server/auth/demo.ts';
import { verifyPassword } from '../../server/auth/passwords.ts';
import { createOrg, createUser, setUserDisabled } from '../../server/auth/users.ts';
import { openDatabase } from '../../server/persistence/database.ts';
import type { DatabaseSchema } from '../../server/persistence/schema.ts';

let dir: string;
let db: Kysely<DatabaseSchema>;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'madang-demo-'));
  db = await openDatabase({ dataDir: dir });
});
afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo accounts', () => {
  it('on an empty install: three organisations of the three kinds, one account per role, working random passwords', async () => {
    const accounts = await ensureDemoAccounts(db);
    expect(accounts.map((a) => [a.email, a.workspaceRole])).toEqual([
      ['admin@demo.madang.example', 'admin'],
      ['steward@demo.madang.example', 'steward'],
      ['analyst@demo.madang.example', 'analyst'],
      ['expert@demo.madang.example', 'analyst'],
    ]);
    const orgs = await db.selectFrom('orgs').select(['name', 'kind']).orderBy('kind').execute();
    expect(orgs.map((o) => o.kind)).toEqual(['city', 'cso', 'expert']);
    expect(orgs.find((o) => o.kind === 'cso')!.name).toContain('서울환경연합');
    expect(new Set(accounts.map((a) => a.password)).size).toBe(4);
    for (const a of accounts) {
      const row = await db.selectFrom('users').select('password_hash').where('email', '=', a.email).executeTakeFirstOrThrow();
      expect(await verifyPassword(row.password_hash, a.password)).toBe(true);
    }
    expect(await hasDemoAccounts(db)).toBe(true);
    expect(await verifyAuditChain(db)).toBe(null);
    // Once only: a second start creates nothing and prints nothing.
    expect(await ensureDemoAccounts(db)).toEqual([]);
    expect((await db.selectFrom('users').select('id').execute()).length).toBe(4);
  });

  it('never touches an install that already has people', async () => {
    const org = await createOrg(db, { name: 'City', kind: 'city' });
    await createUser(db, { email: 'real@city.kr', name: 'Real', orgId: org.id, workspaceRole: 'admin', password: 'a-real-password' });
    expect(await ensureDemoAccounts(db)).toEqual([]);
    expect(await hasDemoAccounts(db)).toBe(false);
  });

  it('disabled demo accounts no longer count', async () => {
    await ensureDemoAccounts(db);
    for (const u of await db.selectFrom('users').select('id').execute()) await setUserDisabled(db, u.id, true);
    expect(await hasDemoAccounts(db)).toBe(false);
  });
});

describe('refusing demo accounts on a public origin', () => {
  it('knows loopback origins', () => {
    for (const o of ['http://localhost:8787', 'http://127.0.0.1', 'http://127.3.2.1:80', 'http://[::1]:8787', 'https://madang.localhost']) expect(isLocalOrigin(o), o).toBe(true);
    for (const o of ['https://madang.example.kr', 'http://192.168.0.10:8787', 'http://localhost.evil.example', 'not a url']) expect(isLocalOrigin(o), o).toBe(false);
  });

  it('throws only with demo accounts and a non-loopback public origin', () => {
    expect(() => assertDemoSafe({ demoAccountsExist: true, publicOrigin: 'https://madang.example.kr' })).toThrow(/refusing to start/);
    expect(() => assertDemoSafe({ demoAccountsExist: true, publicOrigin: 'http://localhost:8787' })).not.toThrow();
    expect(() => assertDemoSafe({ demoAccountsExist: true, publicOrigin: undefined })).not.toThrow();
    expect(() => assertDemoSafe({ demoAccountsExist: false, publicOrigin: 'https://madang.example.kr' })).not.toThrow();
  });
});
