/**
 * `/api/auth/*` and `/api/invites*`: sign in, sign out, who am I, change password, invite by
 * link, accept an invite. Every outcome that matters is in the audit log.
 *
 *   POST /api/auth/login     {email, password}        -> 200 {user} + session cookie | 401 | 429
 *   POST /api/auth/logout                             -> 200 {ok}, session revoked, cookie cleared
 *   GET  /api/auth/me                                 -> 200 {user} | 401
 *   POST /api/auth/password  {current, next}          -> 200 {ok}; other sessions end
 *   POST /api/invites        {email, orgId, workspaceRole}  (admin) -> 201 {link, email, expiresAt}
 *   POST /api/invites/accept {token, name, password}  -> 201 {user} + session cookie
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { MadangError } from '../../../shared/errors.ts';
import { workspaceRoles } from '../../../shared/roles.ts';
import { appendAudit, auditActions } from '../../audit/auditLog.ts';
import { systemClock } from '../../auth/clock.ts';
import { readCookie, sessionCookieName } from '../../auth/cookies.ts';
import { acceptInvite, createInvite, inviteLink } from '../../auth/invites.ts';
import { createLoginLimiter } from '../../auth/loginLimiter.ts';
import { verifyAgainstNothing, verifyPassword } from '../../auth/passwords.ts';
import { requireSameSite, requireViewer, requireWorkspace } from '../../auth/requireViewer.ts';
import { createSession, defaultSessionPolicy, purgeExpiredSessions, revokeSession, revokeUserSessions } from '../../auth/sessions.ts';
import { changePassword, findUserByEmail, getViewer, normalizeEmail } from '../../auth/users.ts';
import {
  clearSessionCookie, clientAddress, linkOrigin, setSessionCookie, toUserJson, type AuthRouteDeps,
} from './authCommon.ts';

const loginBody = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1000) });
const passwordBody = z.object({ current: z.string().min(1).max(1000), next: z.string().min(1).max(1000) });
const inviteBody = z.object({
  email: z.email().max(320),
  orgId: z.string().min(1).max(64),
  workspaceRole: z.enum(workspaceRoles),
});
const acceptBody = z.object({
  token: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(1000),
});

const badCredentials = new MadangError('unauthenticated', {
  ko: '이메일 또는 비밀번호가 맞지 않습니다.',
  en: 'wrong email or password',
});

export function tooManyAttempts(retryAfterMs: number): MadangError {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return new MadangError('rate_limited', {
    ko: `로그인 실패가 너무 많습니다. ${minutes}분 후에 다시 시도하세요.`,
    en: `too many failed sign-in attempts; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
  });
}

export async function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  const clock = deps.clock ?? systemClock;
  const limiter = deps.limiter ?? createLoginLimiter({}, clock);
  const policy = deps.sessionPolicy ?? defaultSessionPolicy;
  const audit = (actorId: string | null, action: string, target: string | null, detail: Record<string, unknown> = {}) =>
    appendAudit(deps.db, { actorId, action, target, detail }, clock);

  app.post('/api/auth/login', async (request, reply) => {
    requireSameSite(request, deps.access);
    const body = loginBody.parse(request.body);
    const email = normalizeEmail(body.email);
    const ip = clientAddress(request);
    const wait = limiter.retryAfterMs(email, ip);
    if (wait > 0) {
      await audit(null, auditActions.loginLocked, email, { ip });
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw tooManyAttempts(wait);
    }
    const user = await findUserByEmail(deps.db, email);
    const ok = user !== null && user.disabled_at === null
      ? await verifyPassword(user.password_hash, body.password)
      : await verifyAgainstNothing(body.password);
    if (!ok || user === null) {
      const lock = limiter.recordFailure(email, ip);
      await audit(null, auditActions.loginFailed, email, {
        ip, reason: user === null ? 'unknown_email' : user.disabled_at !== null ? 'disabled' : 'wrong_password',
      });
      if (lock > 0) {
        reply.header('retry-after', String(Math.ceil(lock / 1000)));
        throw tooManyAttempts(lock);
      }
      throw badCredentials;
    }
    limiter.recordSuccess(email, ip);
    const viewer = await getViewer(deps.db, user.id);
    if (!viewer) throw badCredentials;
    // Housekeeping at a moment that is rare and already slow (argon2): drop dead session rows.
    await purgeExpiredSessions(deps.db, clock);
    const session = await createSession(deps.db, user.id, clock, policy);
    setSessionCookie(request, reply, deps, session.token, policy.absoluteMs);
    await audit(user.id, auditActions.loginSucceeded, user.id, { ip });
    return { user: toUserJson(viewer) };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    requireSameSite(request, deps.access);
    const viewer = await deps.access.identify(request.headers);
    const token = readCookie(request.headers, sessionCookieName);
    if (token !== null) await revokeSession(deps.db, token);
    clearSessionCookie(request, reply, deps);
    if (viewer) await audit(viewer.userId, auditActions.logout, viewer.userId);
    return { ok: true };
  });

  app.get('/api/auth/me', async (request) => {
    const viewer = await requireViewer(request, deps.access);
    return { user: toUserJson(viewer) };
  });

  app.post('/api/auth/password', async (request, reply) => {
    const viewer = await requireViewer(request, deps.access);
    const body = passwordBody.parse(request.body);
    // A stolen session must not become a way to guess the password: same limiter as sign-in.
    const ip = clientAddress(request);
    const wait = limiter.retryAfterMs(viewer.email, ip);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw tooManyAttempts(wait);
    }
    try {
      await changePassword(deps.db, viewer.userId, body.current, body.next);
    } catch (err) {
      if (err instanceof MadangError && err.code === 'forbidden') {
        limiter.recordFailure(viewer.email, ip);
        await audit(viewer.userId, auditActions.passwordChanged, viewer.userId, { ok: false, ip });
      }
      throw err;
    }
    const token = readCookie(request.headers, sessionCookieName) ?? undefined;
    await revokeUserSessions(deps.db, viewer.userId, token);
    await audit(viewer.userId, auditActions.passwordChanged, viewer.userId, { ok: true, ip });
    return { ok: true };
  });

  app.post('/api/invites', async (request, reply) => {
    const viewer = await requireViewer(request, deps.access);
    requireWorkspace(viewer, 'workspace.manageUsers');
    const body = inviteBody.parse(request.body);
    const invite = await createInvite(deps.db, { ...body, createdBy: viewer.userId }, clock);
    await audit(viewer.userId, auditActions.inviteCreated, invite.email, { orgId: body.orgId, workspaceRole: body.workspaceRole, expiresAt: invite.expiresAt });
    reply.code(201);
    return { link: inviteLink(linkOrigin(request, deps), invite.token), email: invite.email, expiresAt: invite.expiresAt };
  });

  app.post('/api/invites/accept', async (request, reply) => {
    requireSameSite(request, deps.access);
    const body = acceptBody.parse(request.body);
    const viewer = await acceptInvite(deps.db, body, clock);
    await audit(viewer.userId, auditActions.inviteAccepted, viewer.userId, { email: viewer.email, orgId: viewer.orgId, workspaceRole: viewer.workspaceRole });
    const session = await createSession(deps.db, viewer.userId, clock, policy);
    setSessionCookie(request, reply, deps, session.token, policy.absoluteMs);
    reply.code(201);
    return { user: toUserJson(viewer) };
  });
}

/** The same routes as a Fastify plugin, for `buildApp({ plugins })`. */
export function authRoutesPlugin(deps: AuthRouteDeps): FastifyPluginAsync {
  return async (app) => registerAuthRoutes(app, deps);
}
