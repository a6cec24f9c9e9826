import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendAudit, computeAuditHash, exportAuditJsonLines, genesisHash, listAudit, verifyAuditChain, type AuditEntry,
} from '../../server/audit/auditLog.ts';
import { canonicalJson } from '../../server/audit/canonicalJson.ts';
import { openDatabase } from '../../server/persistence/database.ts';
import type { DatabaseSchema } from '../../server/persistence/schema.ts';

let dir: string;
let db: Kysely<DatabaseSchema>;
let tick = 0;
const clock = () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000);

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'madang-audit-'));
  db = await openDatabase({ dataDir: dir });
  tick = 0;
});
afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function appendFive(): Promise<void> {
  await appendAudit(db, { actorId: null, action: 'auth.login_failed', target: 'a@x.org', detail: { ip: '127.0.0.1' } }, clock);
  await appendAudit(db, { actorId: 'u1', action: 'auth.login', target: 'u1', detail: { ip: '127.0.0.1' } }, clock);
  await appendAudit(db, { actorId: 'u1', action: 'notebook.member_added', target: 'notebook:n1', detail: { role: 'viewer', principalId: 'u2' } }, clock);
  await appendAudit(db, { actorId: 'u1', action: 'user.invited', target: 'b@x.org', detail: { nested: { z: 1, a: [1, 'two'] } } }, clock);
  await appendAudit(db, { actorId: 'u1', action: 'auth.logout', target: 'u1' }, clock);
}

describe('audit log', () => {
  it('an empty log verifies', async () => {
    expect(await verifyAuditChain(db)).toBe(null);
  });

  it('entries chain from the genesis hash and the chain verifies', async () => {
    await appendFive();
    const entries = (await listAudit(db)).reverse();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0].prevHash).toBe(genesisHash);
    for (let i = 1; i < entries.length; i++) expect(entries[i].prevHash).toBe(entries[i - 1].hash);
    expect(await verifyAuditChain(db)).toBe(null);
  });

  it('editing a row is detected at that seq', async () => {
    await appendFive();
    await sql`update audit_log set detail_json = ${'{"role":"owner","principalId":"u2"}'} where seq = 3`.execute(db);
    expect(await verifyAuditChain(db)).toBe(3);
  });

  it('changing the actor, action or time of a row is detected at that seq', async () => {
    await appendFive();
    await sql`update audit_log set actor_id = 'someone-else' where seq = 2`.execute(db);
    expect(await verifyAuditChain(db)).toBe(2);
  });

  it('recomputing a tampered row\'s own hash still breaks the next link', async () => {
    await appendFive();
    const row = await db.selectFrom('audit_log').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
    const forged = computeAuditHash(row.prev_hash, { seq: 3, at: row.at, actorId: row.actor_id, action: 'forged', target: row.target, detail: JSON.parse(row.detail_json) });
    await sql`update audit_log set action = 'forged', hash = ${forged} where seq = 3`.execute(db);
    expect(await verifyAuditChain(db)).toBe(4);
  });

  it('deleting a row is detected at the row after it', async () => {
    await appendFive();
    await sql`delete from audit_log where seq = 2`.execute(db);
    expect(await verifyAuditChain(db)).toBe(3);
  });

  it('concurrent appends never fork the chain', async () => {
    await Promise.all(Array.from({ length: 25 }, (_, i) => appendAudit(db, { actorId: `u${i}`, action: 'test.concurrent', detail: { i } }, clock)));
    expect(await verifyAuditChain(db)).toBe(null);
    expect((await listAudit(db, { limit: 1000 })).length).toBe(25);
  });

  it('the export is one JSON entry per line, oldest first, and re-verifies on its own', async () => {
    await appendFive();
    let text = '';
    for await (const line of exportAuditJsonLines(db)) text += line;
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const entries = lines.map((l) => JSON.parse(l) as AuditEntry);
    let prev = genesisHash;
    for (const e of entries) {
      expect(e.prevHash).toBe(prev);
      expect(computeAuditHash(prev, e)).toBe(e.hash);
      prev = e.hash;
    }
    expect(entries[3].detail).toEqual({ nested: { a: [1, 'two'], z: 1 } });
  });

  it('lists newest first with paging and an action filter', async () => {
    await appendFive();
    expect((await listAudit(db, { limit: 2 })).map((e) => e.seq)).toEqual([5, 4]);
    expect((await listAudit(db, { beforeSeq: 4, limit: 2 })).map((e) => e.seq)).toEqual([3, 2]);
    expect((await listAudit(db, { action: 'auth.login' })).map((e) => e.seq)).toEqual([2]);
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson('한글 <script>')).toBe('"한글 <script>"');
  });
});
