/**
 * The audit log: append-only and tamper-evident. Each entry stores the hash of the entry before it
 * and its own hash, `sha256(prev_hash + canonicalJson({seq, at, actorId, action, target, detail}))`,
 * so changing, deleting or reordering any row breaks the chain from that row on, and
 * `verifyAuditChain` names the first broken `seq`. (Cutting entries off the *end* leaves a valid
 * shorter chain; export the log regularly to keep an outside copy of the head hash.)
 *
 * Records sign-ins (success and failure), sign-outs, password changes, invites, account changes,
 * sharing and role changes; later features add imports, approvals, downloads and publications.
 */
import { createHash } from 'node:crypto';
import type { AuthDb } from '../auth/authSchema.ts';
import { systemClock, type Clock } from '../auth/clock.ts';
import { canonicalJson } from './canonicalJson.ts';

/** The chain starts from this value (64 zeros), like a genesis block. */
export const genesisHash = '0'.repeat(64);

/** Well-known action names (free text is allowed; these keep the log greppable). */
export const auditActions = {
  loginSucceeded: 'auth.login',
  loginFailed: 'auth.login_failed',
  loginLocked: 'auth.login_rate_limited',
  logout: 'auth.logout',
  passwordChanged: 'auth.password_changed',
  inviteCreated: 'user.invited',
  inviteAccepted: 'user.invite_accepted',
  userCreated: 'user.created',
  userRoleChanged: 'user.role_changed',
  userDisabled: 'user.disabled',
  userEnabled: 'user.enabled',
  memberAdded: 'notebook.member_added',
  memberRoleChanged: 'notebook.member_role_changed',
  memberRemoved: 'notebook.member_removed',
} as const;

export interface AuditInput {
  actorId: string | null;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The hash an entry must carry, given the previous entry's hash. */
export function computeAuditHash(
  prevHash: string,
  entry: { seq: number; at: string; actorId: string | null; action: string; target: string | null; detail: unknown },
): string {
  const body = canonicalJson({ seq: entry.seq, at: entry.at, actorId: entry.actorId, action: entry.action, target: entry.target, detail: entry.detail });
  return createHash('sha256').update(prevHash + body, 'utf8').digest('hex');
}

/**
 * Appends one entry. Reading the last hash and inserting happen in one transaction (SQLite runs
 * them on a single connection), so concurrent appends cannot fork the chain.
 */
export async function appendAudit(db: AuthDb, input: AuditInput, clock: Clock = systemClock): Promise<AuditEntry> {
  return db.transaction().execute(async (tx) => {
    const last = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? genesisHash;
    const at = clock().toISOString();
    // Round-trip through JSON so what we hash is exactly what a later reader parses back.
    const detail = JSON.parse(canonicalJson(input.detail ?? {})) as Record<string, unknown>;
    const target = input.target ?? null;
    const hash = computeAuditHash(prevHash, { seq, at, actorId: input.actorId, action: input.action, target, detail });
    await tx
      .insertInto('audit_log')
      .values({ seq, at, actor_id: input.actorId, action: input.action, target, detail_json: canonicalJson(detail), prev_hash: prevHash, hash })
      .execute();
    return { seq, at, actorId: input.actorId, action: input.action, target, detail, prevHash, hash };
  });
}

type AuditRow = { seq: number; at: string; actor_id: string | null; action: string; target: string | null; detail_json: string; prev_hash: string; hash: string };

function toEntry(r: AuditRow): AuditEntry {
  let detail: Record<string, unknown>;
  try {
    detail = JSON.parse(r.detail_json) as Record<string, unknown>;
  } catch {
    detail = { unparseable: r.detail_json };
  }
  return { seq: r.seq, at: r.at, actorId: r.actor_id, action: r.action, target: r.target, detail, prevHash: r.prev_hash, hash: r.hash };
}

/**
 * Walks the whole chain; returns the seq of the first entry that does not verify (edited,
 * inserted, or following a deleted one), or null when every entry does.
 */
export async function verifyAuditChain(db: AuthDb): Promise<number | null> {
  let prevHash = genesisHash;
  let expectedSeq = 1;
  const pageSize = 1000;
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    for (const r of rows) {
      let detail: unknown;
      try {
        detail = JSON.parse(r.detail_json);
      } catch {
        return r.seq;
      }
      const hash = computeAuditHash(prevHash, { seq: r.seq, at: r.at, actorId: r.actor_id, action: r.action, target: r.target, detail });
      if (r.seq !== expectedSeq || r.prev_hash !== prevHash || r.hash !== hash) return r.seq;
      prevHash = r.hash;
      expectedSeq++;
    }
    if (rows.length < pageSize) return null;
    after = rows[rows.length - 1].seq;
  }
}

export interface AuditQuery {
  /** Entries with seq below this (paging backwards from the newest). */
  beforeSeq?: number;
  limit?: number;
  action?: string;
  actorId?: string;
}

/** Newest first. */
export async function listAudit(db: AuthDb, q: AuditQuery = {}): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(Math.min(Math.max(q.limit ?? 100, 1), 1000));
  if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
  if (q.action !== undefined) query = query.where('action', '=', q.action);
  if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
  return (await query.execute()).map(toEntry);
}

/** The whole log, oldest first, one JSON object per line (with hashes, so a copy can be re-verified). */
export async function* exportAuditJsonLines(db: AuthDb): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(1000).execute();
    for (const r of rows) yield `${JSON.stringify(toEntry(r))}\n`;
    if (rows.length < 1000) return;
    after = rows[rows.length - 1].seq;
  }
}
