/**
 * Kysely row types of the tables migration `002_auth` creates. `server/persistence/schema.ts`
 * merges them into `DatabaseSchema` (`interface DatabaseSchema extends AuthTables { ... }`); the
 * auth and audit modules only need these tables, so they accept any `Kysely<AuthTables>`.
 *
 * Timestamps are ISO 8601 strings in UTC (`Date#toISOString()`), so they sort and compare as text.
 */
import type { Generated, Kysely } from 'kysely';
import type { NotebookRole, OrgKind, WorkspaceRole } from '../../shared/roles.ts';

export interface OrgsTable {
  id: string;
  name: string;
  kind: OrgKind;
  /** `#rrggbb`, shown in presence and on authored content. */
  color: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  /** Stored lowercased and trimmed; unique. */
  email: string;
  name: string;
  org_id: string;
  workspace_role: WorkspaceRole;
  /** argon2id PHC string. */
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the cookie token; the token itself is never stored. */
  id_hash: string;
  user_id: string;
  created_at: string;
  /** Sliding: moves forward on use, never past `created_at` + the absolute maximum. */
  expires_at: string;
  last_seen_at: string;
}

export type PrincipalKind = 'user' | 'org' | 'workspace';

export interface NotebookMembersTable {
  notebook_id: string;
  /** `user`, `org` (everyone in that organisation), or `workspace` (every signed-in person; id `*`). */
  principal_kind: PrincipalKind;
  principal_id: string;
  role: NotebookRole;
  added_by: string | null;
  added_at: string;
}

export interface InvitesTable {
  /** SHA-256 (hex) of the single-use token in the invite link. */
  token_hash: string;
  email: string;
  org_id: string;
  workspace_role: WorkspaceRole;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  created_by: string | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  actor_id: string | null;
  action: string;
  target: string | null;
  detail_json: string;
  prev_hash: string;
  hash: string;
}

export interface AuthTables {
  orgs: OrgsTable;
  users: UsersTable;
  sessions: SessionsTable;
  notebook_members: NotebookMembersTable;
  invites: InvitesTable;
  audit_log: AuditLogTable;
}

/** What the auth and audit modules need: a Kysely over (at least) these tables. */
export type AuthDb = Kysely<AuthTables>;
