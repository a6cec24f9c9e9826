/**
 * A real app for the accounts tests: SQLite in a temp dir, H3's `buildApp` with the accounts
 * plugins, and a clock the tests move. Requests go through `app.inject` (the whole Fastify
 * pipeline: hooks, parsing, body limit, error handler) without opening a port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { createAccessControl, type MadangAccessControl } from '../../server/auth/accessControl.ts';
import { createLoginLimiter } from '../../server/auth/loginLimiter.ts';
import { addCreatorAsOwner } from '../../server/auth/memberships.ts';
import { createOrg, createUser, type Org } from '../../server/auth/users.ts';
import type { Viewer } from '../../server/auth/access.ts';
import { buildApp } from '../../server/http/app.ts';
import { accountsPlugins } from '../../server/http/routes/authPlugins.ts';
import { createLogger } from '../../server/log.ts';
import { NotebookService } from '../../server/notebooks/service.ts';
import { openDatabase } from '../../server/persistence/database.ts';
import type { DatabaseSchema } from '../../server/persistence/schema.ts';
import { createSqlNotebookStore } from '../../server/persistence/sqlStore.ts';

export const origin = 'http://localhost:8787';

export interface Harness {
  app: FastifyInstance;
  db: Kysely<DatabaseSchema>;
  access: MadangAccessControl;
  notebooks: NotebookService;
  /** Moves the clock forward. */
  advance(ms: number): void;
  now(): Date;
  orgs: { cso: Org; city: Org; lab: Org };
  users: Record<'admin' | 'alice' | 'bob' | 'carol' | 'dave', Viewer & { password: string }>;
  /** `app.inject` with a same-origin `Origin` on state-changing requests unless `headers` says otherwise. */
  request(opts: InjectOptions & { cookie?: string }): Promise<LightMyRequestResponse>;
  /** Signs in and returns the `Cookie` header value. */
  login(email: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export async function createHarness(opts: { publicOrigin?: string } = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'madang-auth-'));
  const db = await openDatabase({ dataDir: dir });
  let now = Date.UTC(2026, 2, 1, 9, 0, 0);
  const clock = () => new Date(now);
  const access = createAccessControl({ db, allowedOrigins: [origin], clock });
  const store = createSqlNotebookStore(db);
  const notebooks = new NotebookService({ store, grantOwner: (id, userId) => addCreatorAsOwner(db, id, userId, clock) });
  const app = await buildApp({
    logger: createLogger('silent'),
    access,
    notebooks,
    version: 'test',
    plugins: accountsPlugins({
      db, access, clock, publicOrigin: opts.publicOrigin, limiter: createLoginLimiter({}, clock),
      notebookExists: (id) => notebooks.exists(id),
    }),
  });
  await app.ready();

  const cso = await createOrg(db, { name: '서울환경연합', kind: 'cso' }, clock);
  const city = await createOrg(db, { name: '서울특별시 데이터전략과', kind: 'city' }, clock);
  const lab = await createOrg(db, { name: 'Urban Data Lab', kind: 'expert' }, clock);
  const mk = async (email: string, name: string, orgId: string, workspaceRole: 'admin' | 'steward' | 'analyst') => {
    const password = `pw-${email}-secret`;
    return { ...(await createUser(db, { email, name, orgId, workspaceRole, password }, clock)), password };
  };
  const users = {
    admin: await mk('admin@city.seoul.kr', '관리자', city.id, 'admin'),
    alice: await mk('alice@green.or.kr', 'Alice', cso.id, 'analyst'),
    bob: await mk('bob@green.or.kr', 'Bob', cso.id, 'analyst'),
    carol: await mk('carol@city.seoul.kr', 'Carol', city.id, 'steward'),
    dave: await mk('dave@lab.ac.kr', 'Dave', lab.id, 'analyst'),
  };

  const request: Harness['request'] = (o) => {
    const method = (o.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) headers.origin = origin;
    if (o.cookie) headers.cookie = o.cookie;
    Object.assign(headers, o.headers ?? {});
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    return app.inject({ ...o, method: method as InjectOptions['method'], headers });
  };

  return {
    app, db, access, notebooks,
    advance: (ms) => { now += ms; },
    now: clock,
    orgs: { cso, city, lab },
    users,
    request,
    async login(email, password) {
      const r = await request({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      if (r.statusCode !== 200) throw new Error(`login failed: ${r.statusCode} ${r.body}`);
      return sessionCookieFrom(r);
    },
    async close() {
      await app.close();
      await store.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `madang_session=…` from a response's Set-Cookie. */
export function sessionCookieFrom(r: LightMyRequestResponse): string {
  const raw = r.headers['set-cookie'];
  const line = (Array.isArray(raw) ? raw : [raw]).find((l) => typeof l === 'string' && l.startsWith('madang_session='));
  if (!line) throw new Error('no session cookie in response');
  return line.split(';')[0];
}
