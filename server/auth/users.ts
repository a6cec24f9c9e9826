/**
 * People and organisations: create, find, change password, change workspace role, disable.
 * Names are stored exactly as typed (HTML included): rendering them inert is the renderer's job,
 * and altering them here would corrupt legitimate names.
 */
import { sql } from 'kysely';
import { MadangError } from '../../shared/errors.ts';
import type { OrgKind, WorkspaceRole } from '../../shared/roles.ts';
import type { Viewer } from './access.ts';
import type { AuthDb, OrgsTable } from './authSchema.ts';
import { systemClock, type Clock } from './clock.ts';
import { assertAcceptablePassword, hashPassword, verifyPassword } from './passwords.ts';
import { newId } from './tokens.ts';

export type Org = Pick<OrgsTable, 'id' | 'name' | 'kind' | 'color'>;

/** Emails compare case-insensitively; we store them trimmed and lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Distinct, readable-on-white colours; an organisation gets one from its name unless given one. */
const orgPalette = ['#1b7f5b', '#2a5db0', '#b0452a', '#7a3fb0', '#a07800', '#00838f', '#c2185b', '#5d6d1e'];

export function colorForName(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return orgPalette[h % orgPalette.length];
}

export async function createOrg(
  db: AuthDb,
  input: { name: string; kind: OrgKind; color?: string },
  clock: Clock = systemClock,
): Promise<Org> {
  const name = input.name.trim();
  if (name.length === 0) {
    throw new MadangError('invalid_input', { ko: '조직 이름이 비어 있습니다.', en: 'organisation name is empty' });
  }
  if (await findOrgByName(db, name)) {
    throw new MadangError('conflict', { ko: `이미 있는 조직입니다: ${name}`, en: `organisation already exists: ${name}` });
  }
  const org: Org = { id: newId(), name, kind: input.kind, color: input.color ?? colorForName(name) };
  await db.insertInto('orgs').values({ ...org, created_at: clock().toISOString() }).execute();
  return org;
}

export async function findOrgByName(db: AuthDb, name: string): Promise<Org | null> {
  const row = await db.selectFrom('orgs').select(['id', 'name', 'kind', 'color']).where('name', '=', name.trim()).executeTakeFirst();
  return row ?? null;
}

export async function findOrgById(db: AuthDb, id: string): Promise<Org | null> {
  const row = await db.selectFrom('orgs').select(['id', 'name', 'kind', 'color']).where('id', '=', id).executeTakeFirst();
  return row ?? null;
}

/** The organisation called `name`, created with `kind` if missing. */
export async function ensureOrg(db: AuthDb, input: { name: string; kind: OrgKind }, clock: Clock = systemClock): Promise<Org> {
  return (await findOrgByName(db, input.name)) ?? createOrg(db, input, clock);
}

export async function listOrgs(db: AuthDb): Promise<Org[]> {
  return db.selectFrom('orgs').select(['id', 'name', 'kind', 'color']).orderBy('name').execute();
}

export interface NewUser {
  email: string;
  name: string;
  orgId: string;
  workspaceRole: WorkspaceRole;
  password: string;
}

/** Creates an account; `conflict` when the email is taken. Returns the person as a `Viewer`. */
export async function createUser(db: AuthDb, input: NewUser, clock: Clock = systemClock): Promise<Viewer> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  if (name.length === 0) throw new MadangError('invalid_input', { ko: '이름이 비어 있습니다.', en: 'name is empty' });
  assertAcceptablePassword(input.password);
  const org = await findOrgById(db, input.orgId);
  if (!org) throw new MadangError('not_found', { ko: '조직을 찾을 수 없습니다.', en: `no such organisation: ${input.orgId}` });
  if (await findUserByEmail(db, email)) {
    throw new MadangError('conflict', { ko: `이미 가입된 이메일입니다: ${email}`, en: `an account with this email exists: ${email}` });
  }
  const id = newId();
  await db
    .insertInto('users')
    .values({
      id, email, name, org_id: org.id, workspace_role: input.workspaceRole,
      password_hash: await hashPassword(input.password), created_at: clock().toISOString(), disabled_at: null,
    })
    .execute();
  return { userId: id, email, name, orgId: org.id, orgName: org.name, orgKind: org.kind, color: org.color, workspaceRole: input.workspaceRole };
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  org_id: string;
  workspace_role: WorkspaceRole;
  password_hash: string;
  disabled_at: string | null;
}

export async function findUserByEmail(db: AuthDb, email: string): Promise<UserRow | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'org_id', 'workspace_role', 'password_hash', 'disabled_at'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row ?? null;
}

function viewerQuery(db: AuthDb) {
  return db
    .selectFrom('users')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .select([
      'users.id as userId', 'users.email as email', 'users.name as name', 'users.org_id as orgId',
      'orgs.name as orgName', 'orgs.kind as orgKind', 'orgs.color as color', 'users.workspace_role as workspaceRole',
    ]);
}

/** An active (not disabled) person as a `Viewer`, or null. */
export async function getViewer(db: AuthDb, userId: string): Promise<Viewer | null> {
  const row = await viewerQuery(db).where('users.id', '=', userId).where('users.disabled_at', 'is', null).executeTakeFirst();
  return row ?? null;
}

/** Active people whose name or email contains `query` (case-insensitive), for the sharing dialog. */
export async function searchUsers(db: AuthDb, query: string, limit = 20): Promise<Viewer[]> {
  const pattern = `%${query.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return viewerQuery(db)
    .where('users.disabled_at', 'is', null)
    .where((eb) => eb.or([
      eb(sql<string>`lower(users.name)`, 'like', sql<string>`${pattern} escape '\\'`),
      eb('users.email', 'like', sql<string>`${pattern} escape '\\'`),
    ]))
    .orderBy('users.name')
    .limit(limit)
    .execute();
}

/** Sets a new password without checking the old one (operators, invites). */
export async function setPassword(db: AuthDb, userId: string, next: string): Promise<void> {
  assertAcceptablePassword(next);
  await db.updateTable('users').set({ password_hash: await hashPassword(next) }).where('id', '=', userId).execute();
}

/** Changes a password after checking the current one; `forbidden` when it does not match. */
export async function changePassword(db: AuthDb, userId: string, current: string, next: string): Promise<void> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  if (!row || !(await verifyPassword(row.password_hash, current))) {
    throw new MadangError('forbidden', { ko: '현재 비밀번호가 맞지 않습니다.', en: 'current password is wrong' });
  }
  await setPassword(db, userId, next);
}

export async function setWorkspaceRole(db: AuthDb, userId: string, role: WorkspaceRole): Promise<void> {
  await db.updateTable('users').set({ workspace_role: role }).where('id', '=', userId).execute();
}

/** Disables (or re-enables) an account; a disabled person's sessions stop working at once. */
export async function setUserDisabled(db: AuthDb, userId: string, disabled: boolean, clock: Clock = systemClock): Promise<void> {
  await db.updateTable('users').set({ disabled_at: disabled ? clock().toISOString() : null }).where('id', '=', userId).execute();
  if (disabled) await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function countUsers(db: AuthDb): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
