/**
 * The session cookie, read from and written to raw headers. Done by hand (a few lines) rather than
 * through @fastify/cookie so the websocket upgrade, which never reaches Fastify's routing, reads it
 * the same way, and so the app does not depend on plugin registration order.
 */
import type { IncomingHttpHeaders } from 'node:http';

export const sessionCookieName = 'madang_session';

/** The value of cookie `name` in a `Cookie` header, or null. */
export function readCookie(headers: IncomingHttpHeaders, name: string): string | null {
  const header = headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return null;
    }
  }
  return null;
}

export interface SessionCookieOptions {
  /** Add `Secure` (the public origin is https). */
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAgeSeconds: number;
}

/** `Set-Cookie` value: HttpOnly (no script can read it), SameSite=Lax, Path=/. */
export function serializeSessionCookie(token: string, opts: SessionCookieOptions): string {
  const parts = [
    `${sessionCookieName}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`,
  ];
  if (opts.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

export function serializeClearedSessionCookie(secure: boolean): string {
  return serializeSessionCookie('', { secure, maxAgeSeconds: 0 });
}
