/**
 * Accounts over HTTP: sign in/out, who am I, password, invites, notebook members, people search.
 * Every response is validated with zod at this edge; failures arrive as `HttpError` (see http.ts)
 * carrying the server's Korean and English message.
 */
import { z } from 'zod';
import { notebookRoles, orgKinds, workspaceRoles, type NotebookRole, type WorkspaceRole } from '../../shared/roles.ts';
import { HttpError, request } from './http.ts';

const userJsonSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  orgKind: z.enum(orgKinds).nullable(),
  color: z.string(),
  workspaceRole: z.enum(workspaceRoles),
});
const userBody = z.object({ user: userJsonSchema });

/** A signed-in person as the client keeps them (the `CurrentUser` shape plus organisation details). */
export interface SessionUser {
  userId: string;
  email: string;
  name: string;
  orgId: string;
  orgName: string;
  orgKind: (typeof orgKinds)[number] | null;
  color: string;
  workspaceRole: WorkspaceRole;
}

function toSessionUser(u: z.infer<typeof userJsonSchema>): SessionUser {
  return { userId: u.id, email: u.email, name: u.name, orgId: u.orgId, orgName: u.orgName, orgKind: u.orgKind, color: u.color, workspaceRole: u.workspaceRole };
}

/** Who is signed in; null when nobody is (401). Other failures throw. */
export async function me(signal?: AbortSignal): Promise<SessionUser | null> {
  try {
    return toSessionUser((await request('/api/auth/me', { schema: userBody, signal })).user);
  } catch (err) {
    if (err instanceof HttpError && err.status === 401) return null;
    throw err;
  }
}

export async function login(email: string, password: string): Promise<SessionUser> {
  return toSessionUser((await request('/api/auth/login', { method: 'POST', body: { email, password }, schema: userBody })).user);
}

export async function logout(): Promise<void> {
  await request('/api/auth/logout', { method: 'POST', body: {} });
}

export async function changePassword(current: string, next: string): Promise<void> {
  await request('/api/auth/password', { method: 'POST', body: { current, next } });
}

export async function acceptInvite(token: string, name: string, password: string): Promise<SessionUser> {
  return toSessionUser((await request('/api/invites/accept', { method: 'POST', body: { token, name, password }, schema: userBody })).user);
}

const inviteSchema = z.object({ link: z.string(), email: z.string(), expiresAt: z.string() });
export type CreatedInvite = z.infer<typeof inviteSchema>;

export async function createInvite(email: string, orgId: string, workspaceRole: WorkspaceRole): Promise<CreatedInvite> {
  return request('/api/invites', { method: 'POST', body: { email, orgId, workspaceRole }, schema: inviteSchema });
}

/** The invite token from a link's fragment (`#token=…`), or null. */
export function readInviteToken(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && /^[A-Za-z0-9_-]{10,200}$/.test(token) ? token : null;
}

export const memberSchema = z.object({
  kind: z.enum(['user', 'org', 'workspace']),
  id: z.string(),
  role: z.enum(notebookRoles),
  name: z.string(),
  email: z.string().nullable(),
  orgId: z.string().nullable(),
  orgName: z.string().nullable(),
  color: z.string().nullable(),
  addedAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;
const membersBody = z.object({ role: z.enum(notebookRoles), members: z.array(memberSchema) });

export async function listMembers(notebookId: string, signal?: AbortSignal): Promise<{ role: NotebookRole; members: Member[] }> {
  return request(`/api/notebooks/${encodeURIComponent(notebookId)}/members`, { schema: membersBody, signal });
}

/** Whom to add: a person by email, a whole organisation, or everyone signed in. */
export type MemberTarget = { email: string } | { orgId: string } | { everyone: true };

export async function addMember(notebookId: string, target: MemberTarget, role: NotebookRole): Promise<void> {
  await request(`/api/notebooks/${encodeURIComponent(notebookId)}/members`, { method: 'POST', body: { ...target, role } });
}

export async function removeMember(notebookId: string, member: Pick<Member, 'kind' | 'id'>): Promise<void> {
  const id = member.kind === 'workspace' ? '*' : member.id;
  await request(`/api/notebooks/${encodeURIComponent(notebookId)}/members/${member.kind}/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

const usersBody = z.object({ users: z.array(userJsonSchema) });
export async function searchUsers(query: string, signal?: AbortSignal): Promise<SessionUser[]> {
  const body = await request(`/api/users?query=${encodeURIComponent(query)}`, { schema: usersBody, signal });
  return body.users.map(toSessionUser);
}

const orgSchema = z.object({ id: z.string(), name: z.string(), kind: z.enum(orgKinds), color: z.string() });
export type OrgSummary = z.infer<typeof orgSchema>;
export async function listOrgs(signal?: AbortSignal): Promise<OrgSummary[]> {
  return (await request('/api/orgs', { schema: z.object({ orgs: z.array(orgSchema) }), signal })).orgs;
}

/** Mirrors the server's rule (`server/auth/passwords.ts`) so people see it before sending. */
export const passwordMinLength = 8;

export async function createOrg(name: string, kind: OrgSummary['kind']): Promise<OrgSummary> {
  return (await request('/api/orgs', { method: 'POST', body: { name, kind }, schema: z.object({ org: orgSchema }) })).org;
}

const auditEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
  actorEmail: z.string().nullable(),
  actorName: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Newest first; `before` pages back from a seq. Admins only. */
export async function listAudit(options: { before?: number; limit?: number } = {}, signal?: AbortSignal): Promise<AuditEntry[]> {
  const q = new URLSearchParams();
  if (options.before !== undefined) q.set('before', String(options.before));
  q.set('limit', String(options.limit ?? 100));
  return (await request(`/api/audit?${q}`, { schema: z.object({ entries: z.array(auditEntrySchema) }), signal })).entries;
}

export async function verifyAudit(signal?: AbortSignal): Promise<{ ok: boolean; firstBrokenSeq: number | null }> {
  return request('/api/audit/verify', { schema: z.object({ ok: z.boolean(), firstBrokenSeq: z.number().nullable() }), signal });
}

/** The download link of the whole audit log (JSON lines). */
export const auditExportUrl = '/api/audit/export';
