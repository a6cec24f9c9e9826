/**
 * The one place that decides who is asking and what they may do with a notebook. HTTP routes and
 * the collab websocket both go through an `AccessControl`; `server/index.ts` wires the real one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { NotebookRole, OrgKind, WorkspaceRole } from '../../shared/roles.ts';

/** A signed-in person, as the server knows them for one request. */
export interface Viewer {
  userId: string;
  email: string;
  name: string;
  orgId: string;
  orgName: string;
  /** Organisation colour, `#rrggbb`; shown in presence and on authored content. */
  color: string;
  workspaceRole: WorkspaceRole;
  /** Kind of organisation (CSO, city, expert); set by the real access control. */
  orgKind?: OrgKind;
}

export interface AccessControl {
  /** Who is asking, from the session cookie in `headers`; null when not signed in or expired. */
  identify(headers: IncomingHttpHeaders): Promise<Viewer | null>;
  /** The viewer's role on a notebook, or null for none. */
  notebookRole(viewer: Viewer, notebookId: string): Promise<NotebookRole | null>;
  /** False for a browser request from another site (Origin header present and not allowed). */
  isOriginAllowed(headers: IncomingHttpHeaders): boolean;
}
