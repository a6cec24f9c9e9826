/**
 * Who is signed in, for the header and for presence. Loaded once by the app shell from
 * `GET /api/auth/me`; null after sign-out or a 401.
 */
import { create } from 'zustand';
import type { WorkspaceRole } from '../../shared/roles.ts';

export interface CurrentUser {
  userId: string;
  name: string;
  email: string;
  orgName: string;
  /** Organisation colour `#rrggbb`. */
  color: string;
  workspaceRole: WorkspaceRole;
}

export type UserStatus = 'loading' | 'signedIn' | 'signedOut' | 'error';

interface CurrentUserState {
  user: CurrentUser | null;
  status: UserStatus;
  set(user: CurrentUser | null, status?: UserStatus): void;
  setStatus(status: UserStatus): void;
}

export const useCurrentUserStore = create<CurrentUserState>()((set) => ({
  user: null,
  status: 'loading',
  set: (user, status) => set({ user, status: status ?? (user ? 'signedIn' : 'signedOut') }),
  setStatus: (status) => set({ status }),
}));
