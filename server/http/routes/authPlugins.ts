/**
 * Every accounts route as Fastify plugins, for `buildApp({ plugins })`:
 *
 * @example
 *   const access = createAccessControl({ db, allowedOrigins });
 *   buildApp({ ..., access, plugins: accountsPlugins({ db, access, publicOrigin, notebookExists }) });
 */
import type { FastifyPluginAsync } from 'fastify';
import { createLoginLimiter } from '../../auth/loginLimiter.ts';
import { systemClock } from '../../auth/clock.ts';
import { auditRoutesPlugin } from './audit.ts';
import { authRoutesPlugin } from './auth.ts';
import type { AuthRouteDeps } from './authCommon.ts';
import { memberRoutesPlugin } from './members.ts';
import { userRoutesPlugin } from './users.ts';

export type { AuthRouteDeps } from './authCommon.ts';

export function accountsPlugins(deps: AuthRouteDeps): FastifyPluginAsync[] {
  const shared: AuthRouteDeps = { ...deps, limiter: deps.limiter ?? createLoginLimiter({}, deps.clock ?? systemClock) };
  return [authRoutesPlugin(shared), memberRoutesPlugin(shared), userRoutesPlugin(shared), auditRoutesPlugin(shared)];
}
