/**
 * Pieces the accounts routes share: their dependencies, the JSON shape of a person, the session
 * cookie's `Secure` decision and the client address used by the login limiter.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessControl, Viewer } from '../../auth/access.ts';
import type { AuthDb } from '../../auth/authSchema.ts';
import type { Clock } from '../../auth/clock.ts';
import { serializeClearedSessionCookie, serializeSessionCookie } from '../../auth/cookies.ts';
import type { LoginLimiter } from '../../auth/loginLimiter.ts';
import type { SessionPolicy } from '../../auth/sessions.ts';

export interface AuthRouteDeps {
  db: AuthDb;
  access: AccessControl;
  /** Where browsers reach us (invite links; `https:` makes the cookie `Secure`). Undefined: from the request. */
  publicOrigin?: string;
  clock?: Clock;
  /** Shared across the process; one is created per registration when omitted. */
  limiter?: LoginLimiter;
  sessionPolicy?: SessionPolicy;
  /** Whether a live (not deleted) notebook has this id; members routes answer 404 otherwise. */
  notebookExists?: (id: string) => Promise<boolean>;
}

/** A person as the API sends them (`GET /api/auth/me`, login, user search). */
export interface UserJson {
  id: string;
  email: string;
  name: string;
  orgId: string;
  orgName: string;
  orgKind: string | null;
  color: string;
  workspaceRole: string;
}

export function toUserJson(v: Viewer): UserJson {
  return {
    id: v.userId, email: v.email, name: v.name, orgId: v.orgId, orgName: v.orgName,
    orgKind: v.orgKind ?? null, color: v.color, workspaceRole: v.workspaceRole,
  };
}

function isSecure(request: FastifyRequest, deps: AuthRouteDeps): boolean {
  if (deps.publicOrigin !== undefined) return deps.publicOrigin.startsWith('https:');
  return request.protocol === 'https';
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, deps: AuthRouteDeps, token: string, maxAgeMs: number): void {
  reply.header('set-cookie', serializeSessionCookie(token, { secure: isSecure(request, deps), maxAgeSeconds: maxAgeMs / 1000 }));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, deps: AuthRouteDeps): void {
  reply.header('set-cookie', serializeClearedSessionCookie(isSecure(request, deps)));
}

/** The client's address (Fastify resolves `X-Forwarded-For` only when the app trusts the proxy). */
export function clientAddress(request: FastifyRequest): string {
  return request.ip || 'unknown';
}

/** The origin invite links point at: the configured public origin, else the request's own. */
export function linkOrigin(request: FastifyRequest, deps: AuthRouteDeps): string {
  return deps.publicOrigin ?? `${request.protocol}://${request.host}`;
}
