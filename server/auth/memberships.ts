/**
 * Who may open which notebook. A person's role on a notebook is the strongest of: their direct
 * membership, their organisation's membership, and the workspace-wide grant (every signed-in
 * person; used for shared sample notebooks). No row means no access — workspace admins included:
 * notebooks may hold a group's unpublished work, so an admin gets in by being shared, like anyone.
 */
import { MadangError } from '../../shared/errors.ts';
import { strongerNotebookRole, type NotebookRole } from '../../shared/roles.ts';
import type { Viewer } from './access.ts';
import type { AuthDb, PrincipalKind } from './authSchema.ts';
import { systemClock, type Clock } from './clock.ts';

export type Principal =
  | { kind: 'user'; id: string }
  | { kind: 'org'; id: string }
  | { kind: 'workspace'; id?: '*' };

function principalId(p: Principal): string {
  return p.kind === 'workspace' ? '*' : p.id;
}

/** The principals a viewer acts as: themself, their organisation, and the workspace. */
function principalsOf(viewer: Pick<Viewer, 'userId' | 'orgId'>): Array<[PrincipalKind, string]> {
  return [['user', viewer.userId], ['org', viewer.orgId], ['workspace', '*']];
}

/** The viewer's role on a notebook (strongest of their memberships), or null. */
export async function notebookRoleOf(db: AuthDb, viewer: Pick<Viewer, 'userId' | 'orgId'>, notebookId: string): Promise<NotebookRole | null> {
  const rows = await db
    .selectFrom('notebook_members')
    .select('role')
    .where('notebook_id', '=', notebookId)
    .where((eb) => eb.or(principalsOf(viewer).map(([k, id]) => eb.and([eb('principal_kind', '=', k), eb('principal_id', '=', id)]))))
    .execute();
  return rows.reduce<NotebookRole | null>((best, r) => strongerNotebookRole(best, r.role), null);
}

/** Every notebook the viewer has a role on, with that role (for listing notebooks). */
export async function readableNotebooks(db: AuthDb, viewer: Pick<Viewer, 'userId' | 'orgId'>): Promise<Map<string, NotebookRole>> {
  const rows = await db
    .selectFrom('notebook_members')
    .select(['notebook_id', 'role'])
    .where((eb) => eb.or(principalsOf(viewer).map(([k, id]) => eb.and([eb('principal_kind', '=', k), eb('principal_id', '=', id)]))))
    .execute();
  const out = new Map<string, NotebookRole>();
  for (const r of rows) out.set(r.notebook_id, strongerNotebookRole(out.get(r.notebook_id) ?? null, r.role)!);
  return out;
}

export interface Member {
  kind: PrincipalKind;
  id: string;
  role: NotebookRole;
  /** Person's or organisation's name; "everyone" for the workspace grant. */
  name: string;
  email: string | null;
  orgId: string | null;
  orgName: string | null;
  color: string | null;
  addedAt: string;
}

export async function listMembers(db: AuthDb, notebookId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('notebook_members as m')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'm.principal_id').on('m.principal_kind', '=', 'user'))
    .leftJoin('orgs as o', (j) =>
      j.on((eb) => eb.or([
        eb.and([eb('m.principal_kind', '=', 'org'), eb('o.id', '=', eb.ref('m.principal_id'))]),
        eb.and([eb('m.principal_kind', '=', 'user'), eb('o.id', '=', eb.ref('u.org_id'))]),
      ])))
    .select([
      'm.principal_kind as kind', 'm.principal_id as id', 'm.role as role', 'm.added_at as addedAt',
      'u.name as userName', 'u.email as email', 'o.id as orgId', 'o.name as orgName', 'o.color as color',
    ])
    .where('m.notebook_id', '=', notebookId)
    .orderBy('m.added_at')
    .execute();
  return rows.map((r) => ({
    kind: r.kind, id: r.id, role: r.role, addedAt: r.addedAt,
    name: r.kind === 'user' ? (r.userName ?? '') : r.kind === 'org' ? (r.orgName ?? '') : '*',
    email: r.email ?? null, orgId: r.orgId ?? null, orgName: r.orgName ?? null, color: r.color ?? null,
  }));
}

async function ownerCount(db: AuthDb, notebookId: string): Promise<number> {
  const row = await db
    .selectFrom('notebook_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('notebook_id', '=', notebookId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const lastOwner = new MadangError('conflict', {
  ko: '마지막 소유자는 빼거나 역할을 바꿀 수 없습니다. 먼저 다른 소유자를 추가하세요.',
  en: 'the last owner cannot be removed or demoted; add another owner first',
});

export interface SetMemberResult {
  previousRole: NotebookRole | null;
  role: NotebookRole;
}

/**
 * Adds a member or changes their role. Refuses to demote the notebook's last owner. The check and
 * the write run in one transaction so two concurrent demotions cannot both pass.
 */
export async function setMember(
  db: AuthDb,
  input: { notebookId: string; principal: Principal; role: NotebookRole; addedBy: string | null },
  clock: Clock = systemClock,
): Promise<SetMemberResult> {
  const id = principalId(input.principal);
  return db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('notebook_members')
      .select('role')
      .where('notebook_id', '=', input.notebookId)
      .where('principal_kind', '=', input.principal.kind)
      .where('principal_id', '=', id)
      .executeTakeFirst();
    if (existing) {
      if (existing.role === 'owner' && input.role !== 'owner' && (await ownerCount(tx, input.notebookId)) <= 1) throw lastOwner;
      await tx
        .updateTable('notebook_members')
        .set({ role: input.role })
        .where('notebook_id', '=', input.notebookId)
        .where('principal_kind', '=', input.principal.kind)
        .where('principal_id', '=', id)
        .execute();
      return { previousRole: existing.role, role: input.role };
    }
    await tx
      .insertInto('notebook_members')
      .values({
        notebook_id: input.notebookId, principal_kind: input.principal.kind, principal_id: id,
        role: input.role, added_by: input.addedBy, added_at: clock().toISOString(),
      })
      .execute();
    return { previousRole: null, role: input.role };
  });
}

/** The creator of a notebook becomes its owner. Call right after creating the notebook row. */
export async function addCreatorAsOwner(db: AuthDb, notebookId: string, userId: string, clock: Clock = systemClock): Promise<void> {
  await setMember(db, { notebookId, principal: { kind: 'user', id: userId }, role: 'owner', addedBy: userId }, clock);
}

/** Removes a member; refuses the last owner. Returns the removed role, or null if there was none. */
export async function removeMember(db: AuthDb, notebookId: string, principal: Principal): Promise<NotebookRole | null> {
  const id = principalId(principal);
  return db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('notebook_members')
      .select('role')
      .where('notebook_id', '=', notebookId)
      .where('principal_kind', '=', principal.kind)
      .where('principal_id', '=', id)
      .executeTakeFirst();
    if (!existing) return null;
    if (existing.role === 'owner' && (await ownerCount(tx, notebookId)) <= 1) throw lastOwner;
    await tx
      .deleteFrom('notebook_members')
      .where('notebook_id', '=', notebookId)
      .where('principal_kind', '=', principal.kind)
      .where('principal_id', '=', id)
      .execute();
    return existing.role;
  });
}
