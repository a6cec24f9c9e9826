import { describe, expect, it } from 'vitest';
import {
  can, canInWorkspace, canOnNotebook, canWriteComments, canWriteDoc, notebookActions, notebookRoles,
  publicActions, strongerNotebookRole, workspaceActions, workspaceRoles,
  type NotebookAction, type NotebookRole, type WorkspaceAction, type WorkspaceRole,
} from '../../shared/roles.ts';

// The expected tables, written out by hand: a change to the rules must change these lines too.
//                              read  edit  comment rename delete share export
const notebookExpected: Record<NotebookRole, Record<NotebookAction, boolean>> = {
  owner: { 'notebook.read': true, 'notebook.edit': true, 'notebook.comment': true, 'notebook.rename': true, 'notebook.delete': true, 'notebook.share': true, 'notebook.export': true },
  editor: { 'notebook.read': true, 'notebook.edit': true, 'notebook.comment': true, 'notebook.rename': true, 'notebook.delete': false, 'notebook.share': false, 'notebook.export': true },
  commenter: { 'notebook.read': true, 'notebook.edit': false, 'notebook.comment': true, 'notebook.rename': false, 'notebook.delete': false, 'notebook.share': false, 'notebook.export': true },
  viewer: { 'notebook.read': true, 'notebook.edit': false, 'notebook.comment': false, 'notebook.rename': false, 'notebook.delete': false, 'notebook.share': false, 'notebook.export': true },
};

const workspaceExpected: Record<WorkspaceRole, Record<WorkspaceAction, boolean>> = {
  admin: {
    'workspace.manageUsers': true, 'workspace.readAudit': true, 'workspace.listPeople': true, 'notebook.create': true,
    'dataset.import': true, 'policy.draft': true, 'policy.approve': true, 'extract.build': true, 'extract.download': true,
    'story.publish': true, 'story.review': true,
  },
  steward: {
    'workspace.manageUsers': false, 'workspace.readAudit': false, 'workspace.listPeople': true, 'notebook.create': true,
    'dataset.import': true, 'policy.draft': true, 'policy.approve': true, 'extract.build': true, 'extract.download': true,
    'story.publish': true, 'story.review': true,
  },
  analyst: {
    'workspace.manageUsers': false, 'workspace.readAudit': false, 'workspace.listPeople': true, 'notebook.create': true,
    'dataset.import': false, 'policy.draft': false, 'policy.approve': true, 'extract.build': false, 'extract.download': true,
    'story.publish': true, 'story.review': false,
  },
};

describe('notebook roles', () => {
  for (const role of notebookRoles) {
    for (const action of notebookActions) {
      it(`${role} ${notebookExpected[role][action] ? 'may' : 'may not'} ${action}`, () => {
        expect(canOnNotebook(role, action)).toBe(notebookExpected[role][action]);
        expect(can(role, action)).toBe(notebookExpected[role][action]);
      });
    }
  }

  it('no membership (null) may do nothing on a notebook', () => {
    for (const action of notebookActions) {
      expect(canOnNotebook(null, action)).toBe(false);
      expect(can(null, action)).toBe(false);
    }
  });

  it('only owners and editors may write the document; commenters may also write comments', () => {
    expect(notebookRoles.filter((r) => canWriteDoc(r))).toEqual(['owner', 'editor']);
    expect(notebookRoles.filter((r) => canWriteComments(r))).toEqual(['owner', 'editor', 'commenter']);
    expect(canWriteDoc(null)).toBe(false);
    expect(canWriteComments(null)).toBe(false);
  });

  it('the stronger of two roles wins, and null is weakest', () => {
    expect(strongerNotebookRole('viewer', 'editor')).toBe('editor');
    expect(strongerNotebookRole('owner', 'commenter')).toBe('owner');
    expect(strongerNotebookRole(null, 'viewer')).toBe('viewer');
    expect(strongerNotebookRole('commenter', null)).toBe('commenter');
    expect(strongerNotebookRole(null, null)).toBe(null);
  });
});

describe('workspace roles', () => {
  for (const role of workspaceRoles) {
    for (const action of workspaceActions) {
      it(`${role} ${workspaceExpected[role][action] ? 'may' : 'may not'} ${action}`, () => {
        expect(canInWorkspace(role, action)).toBe(workspaceExpected[role][action]);
        expect(can(role, action)).toBe(workspaceExpected[role][action]);
      });
    }
  }

  it('signed out (null) may do no workspace action', () => {
    for (const action of workspaceActions) {
      expect(canInWorkspace(null, action)).toBe(false);
      expect(can(null, action)).toBe(false);
    }
  });

  it('the expected tables cover every role and action', () => {
    expect(Object.keys(workspaceExpected).sort()).toEqual([...workspaceRoles].sort());
    for (const role of workspaceRoles) expect(Object.keys(workspaceExpected[role]).sort()).toEqual([...workspaceActions].sort());
    for (const role of notebookRoles) expect(Object.keys(notebookExpected[role]).sort()).toEqual([...notebookActions].sort());
  });
});

describe('mixing role kinds', () => {
  it('a workspace role grants no notebook action, and a notebook role no workspace action', () => {
    for (const role of workspaceRoles) for (const action of notebookActions) expect(can(role, action)).toBe(false);
    for (const role of notebookRoles) for (const action of workspaceActions) expect(can(role, action)).toBe(false);
  });

  it('public actions are allowed to everyone, including anonymous citizens', () => {
    for (const action of publicActions) {
      expect(can(null, action)).toBe(true);
      for (const role of [...workspaceRoles, ...notebookRoles]) expect(can(role, action)).toBe(true);
    }
  });
});
