/**
 * Who may do what. One pure table, used by the server to enforce and by the client to shape the
 * UI (hiding a button is a courtesy; the server's check is the rule).
 *
 * Two kinds of role never mix: a person's *workspace* role (admin, steward, analyst) says what
 * they may do in the workspace as a whole; their *notebook* role (owner, editor, commenter,
 * viewer) says what they may do with one notebook. Citizens have no account and no role (`null`):
 * they may only do the public actions.
 *
 * @example
 *   can('viewer', 'notebook.edit')      // false
 *   can('steward', 'dataset.import')    // true
 *   can(null, 'story.read')             // true: public
 */
export const workspaceRoles = ['admin', 'steward', 'analyst'] as const;
export type WorkspaceRole = (typeof workspaceRoles)[number];

export const notebookRoles = ['owner', 'editor', 'commenter', 'viewer'] as const;
export type NotebookRole = (typeof notebookRoles)[number];

/** Organisation kinds: civil-society organisation, the city government, experts/academia. */
export const orgKinds = ['cso', 'city', 'expert'] as const;
export type OrgKind = (typeof orgKinds)[number];

/** Actions on one notebook. */
export type NotebookAction =
  | 'notebook.read'
  | 'notebook.edit'
  | 'notebook.comment'
  | 'notebook.rename'
  | 'notebook.delete'
  | 'notebook.share'
  | 'notebook.export';

export const notebookActions: readonly NotebookAction[] = [
  'notebook.read', 'notebook.edit', 'notebook.comment', 'notebook.rename', 'notebook.delete',
  'notebook.share', 'notebook.export',
];

const notebookTable: Record<NotebookRole, ReadonlySet<NotebookAction>> = {
  owner: new Set<NotebookAction>(['notebook.read', 'notebook.edit', 'notebook.comment', 'notebook.rename', 'notebook.delete', 'notebook.share', 'notebook.export']),
  editor: new Set<NotebookAction>(['notebook.read', 'notebook.edit', 'notebook.comment', 'notebook.rename', 'notebook.export']),
  commenter: new Set<NotebookAction>(['notebook.read', 'notebook.comment', 'notebook.export']),
  viewer: new Set<NotebookAction>(['notebook.read', 'notebook.export']),
};

/** `canOnNotebook('viewer', 'notebook.edit') === false`. A null role (no membership) may do nothing. */
export function canOnNotebook(role: NotebookRole | null, action: NotebookAction): boolean {
  return role !== null && notebookTable[role].has(action);
}

/** Whether a collab connection with this role may send document updates. */
export function canWriteDoc(role: NotebookRole | null): boolean {
  return canOnNotebook(role, 'notebook.edit');
}

/** Whether a collab connection with this role may write the notebook's comments document. */
export function canWriteComments(role: NotebookRole | null): boolean {
  return canOnNotebook(role, 'notebook.comment');
}

/** Rank for "the strongest of several memberships" (direct vs. through the organisation). */
const notebookRank: Record<NotebookRole, number> = { owner: 4, editor: 3, commenter: 2, viewer: 1 };

/** The stronger of two notebook roles; null means "no role". */
export function strongerNotebookRole(a: NotebookRole | null, b: NotebookRole | null): NotebookRole | null {
  if (a === null) return b;
  if (b === null) return a;
  return notebookRank[a] >= notebookRank[b] ? a : b;
}

/**
 * Actions in the workspace as a whole (not tied to one notebook). Later features (datasets,
 * policies, extracts, stories) check these; an approval rule that depends on *which* organisation
 * approves (e.g. a CSO must approve a policy the city drafted) lives with that feature.
 */
export type WorkspaceAction =
  | 'workspace.manageUsers' // invite people, change workspace roles, disable accounts
  | 'workspace.readAudit' // view and export the audit log
  | 'workspace.listPeople' // look people and organisations up (sharing dialog)
  | 'notebook.create'
  | 'dataset.import'
  | 'policy.draft'
  | 'policy.approve'
  | 'extract.build'
  | 'extract.download'
  | 'story.publish'
  | 'story.review';

export const workspaceActions: readonly WorkspaceAction[] = [
  'workspace.manageUsers', 'workspace.readAudit', 'workspace.listPeople', 'notebook.create',
  'dataset.import', 'policy.draft', 'policy.approve', 'extract.build', 'extract.download',
  'story.publish', 'story.review',
];

const workspaceTable: Record<WorkspaceRole, ReadonlySet<WorkspaceAction>> = {
  // The admin manages people and the record, and may stand in for a steward.
  admin: new Set<WorkspaceAction>(workspaceActions),
  steward: new Set<WorkspaceAction>([
    'workspace.listPeople', 'notebook.create', 'dataset.import', 'policy.draft', 'policy.approve',
    'extract.build', 'extract.download', 'story.publish', 'story.review',
  ]),
  analyst: new Set<WorkspaceAction>([
    'workspace.listPeople', 'notebook.create', 'policy.approve', 'extract.download', 'story.publish',
  ]),
};

/** `canInWorkspace('analyst', 'dataset.import') === false`. Null (signed out) may do none of these. */
export function canInWorkspace(role: WorkspaceRole | null, action: WorkspaceAction): boolean {
  return role !== null && workspaceTable[role].has(action);
}

/** What anyone may do, signed in or not (citizens reading and responding to published work). */
export type PublicAction = 'story.read' | 'story.feedback' | 'problem.read' | 'problem.propose';
export const publicActions: readonly PublicAction[] = ['story.read', 'story.feedback', 'problem.read', 'problem.propose'];

export type Role = WorkspaceRole | NotebookRole;
export type Action = NotebookAction | WorkspaceAction | PublicAction;

function isNotebookRole(role: Role): role is NotebookRole {
  return (notebookRoles as readonly string[]).includes(role);
}
function isNotebookAction(action: Action): action is NotebookAction {
  return (notebookActions as readonly string[]).includes(action);
}
function isPublicAction(action: Action): action is PublicAction {
  return (publicActions as readonly string[]).includes(action);
}

/**
 * The one question: may `role` do `action`? A notebook action needs a notebook role, a workspace
 * action a workspace role (asking with the other kind is simply "no"); public actions are always
 * allowed, even for `null` (an anonymous citizen).
 */
export function can(role: Role | null, action: Action): boolean {
  if (isPublicAction(action)) return true;
  if (role === null) return false;
  if (isNotebookAction(action)) return isNotebookRole(role) && canOnNotebook(role, action);
  return !isNotebookRole(role) && canInWorkspace(role, action);
}
