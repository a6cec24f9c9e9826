/**
 * Invitations by link. An admin names the email, organisation and workspace role; the link holds
 * a random single-use token (only its hash is stored) and expires. Accepting creates the account.
 * The token travels in the URL fragment (`/invite/accept#token=…`), which browsers never send to
 * a server, so it does not end up in access logs or Referer headers.
 */
import { MadangError } from '../../shared/errors.ts';
import type { WorkspaceRole } from '../../shared/roles.ts';
import type { Viewer } from './access.ts';
import type { AuthDb } from './authSchema.ts';
import { systemClock, type Clock } from './clock.ts';
import { hashToken, newToken } from './tokens.ts';
import { assertAcceptablePassword } from './passwords.ts';
import { createUser, findOrgById, findUserByEmail, normalizeEmail } from './users.ts';

export const defaultInviteTtlMs = 7 * 24 * 60 * 60 * 1000;

export interface CreatedInvite {
  token: string;
  email: string;
  expiresAt: string;
}

export async function createInvite(
  db: AuthDb,
  input: { email: string; orgId: string; workspaceRole: WorkspaceRole; createdBy: string | null; ttlMs?: number },
  clock: Clock = systemClock,
): Promise<CreatedInvite> {
  const email = normalizeEmail(input.email);
  if (!(await findOrgById(db, input.orgId))) {
    throw new MadangError('not_found', { ko: '조직을 찾을 수 없습니다.', en: `no such organisation: ${input.orgId}` });
  }
  if (await findUserByEmail(db, email)) {
    throw new MadangError('conflict', { ko: `이미 가입된 이메일입니다: ${email}`, en: `an account with this email exists: ${email}` });
  }
  const token = newToken();
  const now = clock();
  const expiresAt = new Date(now.getTime() + (input.ttlMs ?? defaultInviteTtlMs)).toISOString();
  await db
    .insertInto('invites')
    .values({
      token_hash: hashToken(token), email, org_id: input.orgId, workspace_role: input.workspaceRole,
      created_at: now.toISOString(), expires_at: expiresAt, used_at: null, created_by: input.createdBy,
    })
    .execute();
  return { token, email, expiresAt };
}

export function inviteLink(publicOrigin: string, token: string): string {
  return `${publicOrigin.replace(/\/$/, '')}/invite/accept#token=${encodeURIComponent(token)}`;
}

const invalidInvite = new MadangError('not_found', {
  ko: '초대 링크가 잘못되었거나 만료되었거나 이미 사용되었습니다.',
  en: 'this invite link is invalid, expired or already used',
});

/**
 * Uses an invite: marks it used (only if unused and unexpired — one atomic update, so two
 * simultaneous accepts cannot both succeed) and creates the account in the same transaction.
 */
export async function acceptInvite(
  db: AuthDb,
  input: { token: string; name: string; password: string },
  clock: Clock = systemClock,
): Promise<Viewer> {
  assertAcceptablePassword(input.password);
  const now = clock().toISOString();
  const tokenHash = hashToken(input.token);
  return db.transaction().execute(async (tx) => {
    const used = await tx
      .updateTable('invites')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw invalidInvite;
    const invite = await tx.selectFrom('invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirstOrThrow();
    return createUser(tx, { email: invite.email, name: input.name, orgId: invite.org_id, workspaceRole: invite.workspace_role, password: input.password }, clock);
  });
}
