/**
 * The real `AccessControl`: session cookie -> `Viewer`, notebook memberships -> role, and the
 * Origin rule that keeps other sites from acting with a signed-in person's cookie.
 *
 * CSRF rule (all of it):
 * 1. The session cookie is `SameSite=Lax`, so browsers do not attach it to cross-site
 *    subresource or form POST requests in the first place.
 * 2. A request that carries an `Origin` header must come from an allowed origin: one listed in
 *    `allowedOrigins` (the public origin, `http://localhost:PORT`, ...) or, with `sameHost`, an
 *    origin whose host:port equals the request's `Host` (a browser cannot forge either header,
 *    and a cross-site page always differs from the target host). `Origin: null` is refused.
 *    This applies to every method and to websocket upgrades.
 * 3. A state-changing request (anything but GET/HEAD/OPTIONS) must carry an allowed `Origin` *or*
 *    the header `X-Requested-With: madang`. Browsers send `Origin` on every state-changing
 *    request, and another site cannot add a custom header without a CORS preflight we never
 *    approve; so a request with neither is from a non-browser client (CLI, tests), which must say
 *    so with the header.
 * Read requests and websocket upgrades without `Origin` (non-browser clients) are allowed; they
 * still need a valid session cookie for anything private.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { NotebookRole } from '../../shared/roles.ts';
import type { AccessControl, Viewer } from './access.ts';
import type { AuthDb } from './authSchema.ts';
import { systemClock, type Clock } from './clock.ts';
import { readCookie, sessionCookieName } from './cookies.ts';
import { notebookRoleOf } from './memberships.ts';
import { defaultSessionPolicy, lookupSession, type SessionPolicy } from './sessions.ts';
import { getViewer } from './users.ts';

export const csrfHeaderName = 'x-requested-with';
export const csrfHeaderValue = 'madang';

export interface AccessControlOptions {
  db: AuthDb;
  /** Exact origins (`scheme://host[:port]`) browsers may send requests from. */
  allowedOrigins: string[];
  /** Also allow an Origin whose host:port equals the request's Host header (default true). */
  sameHost?: boolean;
  clock?: Clock;
  sessionPolicy?: SessionPolicy;
}

/** Extra helpers beyond the `AccessControl` contract. */
export interface MadangAccessControl extends AccessControl {
  /** The session token in the request's cookie, or null. */
  sessionToken(headers: IncomingHttpHeaders): string | null;
  /** Rule 3 above: may this request change state (given its method)? */
  isStateChangeAllowed(method: string, headers: IncomingHttpHeaders): boolean;
}

/** The origins of a server listening on `port`, plus its public origin if configured. */
export function defaultAllowedOrigins(port: number, publicOrigin?: string): string[] {
  const out = [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`];
  if (publicOrigin) out.unshift(normalizeOrigin(publicOrigin) ?? publicOrigin);
  return out;
}

function normalizeOrigin(origin: string): string | null {
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createAccessControl(opts: AccessControlOptions): MadangAccessControl {
  const clock = opts.clock ?? systemClock;
  const policy = opts.sessionPolicy ?? defaultSessionPolicy;
  const allowed = new Set(opts.allowedOrigins.map((o) => normalizeOrigin(o)).filter((o): o is string => o !== null));
  const sameHost = opts.sameHost ?? true;

  function originVerdict(headers: IncomingHttpHeaders): 'absent' | 'allowed' | 'refused' {
    const origin = headerValue(headers, 'origin');
    if (origin === undefined) return 'absent';
    const normal = normalizeOrigin(origin);
    if (normal === null) return 'refused';
    if (allowed.has(normal)) return 'allowed';
    const host = headerValue(headers, 'host');
    if (sameHost && host !== undefined && new URL(normal).host === host.toLowerCase()) return 'allowed';
    return 'refused';
  }

  const access: MadangAccessControl = {
    sessionToken(headers) {
      return readCookie(headers, sessionCookieName);
    },
    async identify(headers): Promise<Viewer | null> {
      const token = access.sessionToken(headers);
      if (token === null) return null;
      const userId = await lookupSession(opts.db, token, clock, policy);
      if (userId === null) return null;
      return getViewer(opts.db, userId);
    },
    async notebookRole(viewer, notebookId): Promise<NotebookRole | null> {
      return notebookRoleOf(opts.db, viewer, notebookId);
    },
    isOriginAllowed(headers) {
      return originVerdict(headers) !== 'refused';
    },
    isStateChangeAllowed(method, headers) {
      const verdict = originVerdict(headers);
      if (verdict === 'refused') return false;
      if (safeMethods.has(method.toUpperCase())) return true;
      if (verdict === 'allowed') return true;
      return headerValue(headers, csrfHeaderName)?.toLowerCase() === csrfHeaderValue;
    },
  };
  return access;
}
