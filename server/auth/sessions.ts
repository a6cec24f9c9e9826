/**
 * Server-side sessions. The cookie holds a random 256-bit token; the database holds only its
 * SHA-256, the user, and the expiry. Expiry slides forward with use (idle timeout) but never past
 * an absolute maximum from sign-in, so a stolen cookie cannot be kept alive forever.
 */
import type { AuthDb } from './authSchema.ts';
import { systemClock, type Clock } from './clock.ts';
import { hashToken, newToken } from './tokens.ts';

export interface SessionPolicy {
  /** A session unused this long expires. */
  idleMs: number;
  /** No session lives longer than this from sign-in, used or not. */
  absoluteMs: number;
  /** `last_seen_at` is written at most this often (saves a write per request). */
  touchEveryMs: number;
}

const day = 24 * 60 * 60 * 1000;
export const defaultSessionPolicy: SessionPolicy = { idleMs: 7 * day, absoluteMs: 30 * day, touchEveryMs: 60 * 1000 };

export interface NewSession {
  /** Goes in the cookie; never stored. */
  token: string;
  expiresAt: Date;
}

export async function createSession(
  db: AuthDb,
  userId: string,
  clock: Clock = systemClock,
  policy: SessionPolicy = defaultSessionPolicy,
): Promise<NewSession> {
  const token = newToken();
  const now = clock();
  const expiresAt = new Date(now.getTime() + Math.min(policy.idleMs, policy.absoluteMs));
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashToken(token), user_id: userId, created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(), last_seen_at: now.toISOString(),
    })
    .execute();
  return { token, expiresAt };
}

/**
 * The user id behind a cookie token, or null (unknown, forged or expired — an expired row is
 * deleted on sight). Slides the expiry forward.
 */
export async function lookupSession(
  db: AuthDb,
  token: string,
  clock: Clock = systemClock,
  policy: SessionPolicy = defaultSessionPolicy,
): Promise<string | null> {
  if (token.length === 0 || token.length > 200) return null;
  const idHash = hashToken(token);
  const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!row) return null;
  const now = clock();
  if (now.toISOString() >= row.expires_at) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  if (now.getTime() - Date.parse(row.last_seen_at) >= policy.touchEveryMs) {
    const cap = Date.parse(row.created_at) + policy.absoluteMs;
    const expiresAt = new Date(Math.min(now.getTime() + policy.idleMs, cap));
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString(), expires_at: expiresAt.toISOString() })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return row.user_id;
}

/** Ends one session (sign-out). */
export async function revokeSession(db: AuthDb, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', hashToken(token)).execute();
}

/** Ends every session of a person except, optionally, the one given (after a password change). */
export async function revokeUserSessions(db: AuthDb, userId: string, exceptToken?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptToken !== undefined) q = q.where('id_hash', '!=', hashToken(exceptToken));
  await q.execute();
}

/** Deletes expired rows (housekeeping; lookups already refuse them). */
export async function purgeExpiredSessions(db: AuthDb, clock: Clock = systemClock): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<=', clock().toISOString()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
