/**
 * Who may do what. One pure table, used by the server to enforce and by the client to shape the
 * UI (hiding a button is a courtesy; the server's check is the rule).
 */
export const workspaceRoles = ['admin', 'steward', 'analyst'] as const;
export type WorkspaceRole = (typeof workspaceRoles)[number];

export const notebookRoles = ['owner', 'editor', 'commenter', 'viewer'] as const;
export type NotebookRole = (typeof notebookRoles)[number];

/** Actions on one notebook. */
export type NotebookAction =
  | 'notebook.read'
  | 'notebook.edit'
  | 'notebook.comment'
  | 'notebook.rename'
  | 'notebook.delete'
  | 'notebook.share'
  | 'notebook.export';

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
