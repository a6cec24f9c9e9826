import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../server/audit/auditLog.ts';
import { hashToken } from '../../server/auth/tokens.ts';
import { createHarness, sessionCookieFrom, type Harness } from './authHarness.ts';

let h: Harness;
beforeEach(async () => { h = await createHarness(); });
afterEach(async () => { await h.close(); });

const minute = 60_000;
const day = 24 * 60 * minute;

async function auditActions(): Promise<string[]> {
  const rows = await h.db.selectFrom('audit_log').select('action').orderBy('seq').execute();
  return rows.map((r) => r.action);
}

function errorOf(r: { json(): unknown }): { code: string; ko: string; en: string } {
  return (r.json() as { error: { code: string; ko: string; en: string } }).error;
}

describe('sign in and sessions', () => {
  it('signs in with the right password and sets a HttpOnly, SameSite=Lax session cookie', async () => {
    const { alice } = h.users;
    const r = await h.request({ method: 'POST', url: '/api/auth/login', payload: { email: '  ALICE@green.or.kr ', password: alice.password } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      user: { id: alice.userId, email: 'alice@green.or.kr', name: 'Alice', orgId: h.orgs.cso.id, orgName: '서울환경연합', orgKind: 'cso', color: h.orgs.cso.color, workspaceRole: 'analyst' },
    });
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(/^madang_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    // Only the token's hash is stored.
    const token = sessionCookieFrom(r).split('=')[1];
    const rows = await h.db.selectFrom('sessions').selectAll().execute();
    expect(rows.map((s) => s.id_hash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
    const me = await h.request({ url: '/api/auth/me', cookie: sessionCookieFrom(r) });
    expect(me.statusCode).toBe(200);
    expect((me.json() as { user: { id: string } }).user.id).toBe(alice.userId);
    expect(await auditActions()).toContain('auth.login');
  });

  it('marks the cookie Secure when the public origin is https', async () => {
    const hs = await createHarness({ publicOrigin: 'https://madang.example.kr' });
    try {
      const r = await hs.request({ method: 'POST', url: '/api/auth/login', payload: { email: hs.users.bob.email, password: hs.users.bob.password } });
      expect(r.statusCode).toBe(200);
      expect(String(r.headers['set-cookie'])).toContain('; Secure');
    } finally {
      await hs.close();
    }
  });

  it('refuses a wrong password and an unknown email with the same bilingual 401, and records both', async () => {
    const wrong = await h.request({ method: 'POST', url: '/api/auth/login', payload: { email: h.users.alice.email, password: 'not-her-password' } });
    const unknown = await h.request({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@nowhere.kr', password: 'whatever-123' } });
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(401);
      expect(r.headers['set-cookie']).toBeUndefined();
      expect(errorOf(r)).toMatchObject({ code: 'unauthenticated', ko: '이메일 또는 비밀번호가 맞지 않습니다.', en: 'wrong email or password' });
    }
    expect(await auditActions()).toEqual(['auth.login_failed', 'auth.login_failed']);
    const details = await h.db.selectFrom('audit_log').select('detail_json').execute();
    expect(details.map((d) => JSON.parse(d.detail_json).reason)).toEqual(['wrong_password', 'unknown_email']);
  });

  it('answers 401 to a missing, forged or malformed session cookie', async () => {
    expect((await h.request({ url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await h.request({ url: '/api/auth/me', cookie: `madang_session=${'A'.repeat(43)}` })).statusCode).toBe(401);
    expect((await h.request({ url: '/api/auth/me', cookie: 'madang_session=%E0%A4%A' })).statusCode).toBe(401);
    expect((await h.request({ url: '/api/auth/me', cookie: `madang_session=${'x'.repeat(5000)}` })).statusCode).toBe(401);
    expect((await h.request({ url: '/api/notebooks' })).statusCode).toBe(401);
    const r = await h.request({ url: '/api/auth/me' });
    expect(errorOf(r).code).toBe('unauthenticated');
  });

  it('expires a session left unused for the idle timeout, and any session at the absolute maximum', async () => {
    const idle = await h.login(h.users.alice.email, h.users.alice.password);
    h.advance(6 * day);
    expect((await h.request({ url: '/api/auth/me', cookie: idle })).statusCode).toBe(200); // slides forward
    h.advance(6 * day);
    expect((await h.request({ url: '/api/auth/me', cookie: idle })).statusCode).toBe(200);
    h.advance(7 * day + minute);
    expect((await h.request({ url: '/api/auth/me', cookie: idle })).statusCode).toBe(401);

    const busy = await h.login(h.users.bob.email, h.users.bob.password);
    for (let i = 0; i < 29; i++) {
      h.advance(day);
      expect((await h.request({ url: '/api/auth/me', cookie: busy })).statusCode).toBe(200);
    }
    h.advance(day + minute);
    expect((await h.request({ url: '/api/auth/me', cookie: busy })).statusCode).toBe(401);
  });

  it('drops expired session rows at the next sign-in', async () => {
    await h.login(h.users.alice.email, h.users.alice.password);
    await h.login(h.users.bob.email, h.users.bob.password);
    h.advance(8 * day);
    await h.login(h.users.carol.email, h.users.carol.password);
    const rows = await h.db.selectFrom('sessions').select('user_id').execute();
    expect(rows.map((r) => r.user_id)).toEqual([h.users.carol.userId]);
  });

  it('sign-out revokes the session on the server, so replaying the old cookie fails', async () => {
    const cookie = await h.login(h.users.alice.email, h.users.alice.password);
    const out = await h.request({ method: 'POST', url: '/api/auth/logout', cookie });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^madang_session=; .*Max-Age=0/);
    expect((await h.request({ url: '/api/auth/me', cookie })).statusCode).toBe(401);
    expect(await h.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    expect(await auditActions()).toEqual(['auth.login', 'auth.logout']);
  });

  it('a disabled account\'s sessions stop working and it cannot sign in', async () => {
    const admin = await h.login(h.users.admin.email, h.users.admin.password);
    const bob = await h.login(h.users.bob.email, h.users.bob.password);
    const r = await h.request({ method: 'PATCH', url: `/api/users/${h.users.bob.userId}`, cookie: admin, payload: { disabled: true } });
    expect(r.statusCode).toBe(200);
    expect((await h.request({ url: '/api/auth/me', cookie: bob })).statusCode).toBe(401);
    const again = await h.request({ method: 'POST', url: '/api/auth/login', payload: { email: h.users.bob.email, password: h.users.bob.password } });
    expect(again.statusCode).toBe(401);
    expect(await auditActions()).toContain('user.disabled');
  });
});

describe('password change', () => {
  it('needs the current password, then ends the other sessions but keeps this one', async () => {
    const { alice } = h.users;
    const here = await h.login(alice.email, alice.password);
    const elsewhere = await h.login(alice.email, alice.password);
    const bad = await h.request({ method: 'POST', url: '/api/auth/password', cookie: here, payload: { current: 'wrong-password', next: 'new-password-123' } });
    expect(bad.statusCode).toBe(403);
    const short = await h.request({ method: 'POST', url: '/api/auth/password', cookie: here, payload: { current: alice.password, next: 'short' } });
    expect(short.statusCode).toBe(400);
    const ok = await h.request({ method: 'POST', url: '/api/auth/password', cookie: here, payload: { current: alice.password, next: 'new-password-123' } });
    expect(ok.statusCode).toBe(200);
    expect((await h.request({ url: '/api/auth/me', cookie: here })).statusCode).toBe(200);
    expect((await h.request({ url: '/api/auth/me', cookie: elsewhere })).statusCode).toBe(401);
    const old = await h.request({ method: 'POST', url: '/api/auth/login', payload: { email: alice.email, password: alice.password } });
    expect(old.statusCode).toBe(401);
    await h.login(alice.email, 'new-password-123');
    const hash = await h.db.selectFrom('users').select('password_hash').where('id', '=', alice.userId).executeTakeFirstOrThrow();
    expect(hash.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('needs a session', async () => {
    const r = await h.request({ method: 'POST', url: '/api/auth/password', payload: { current: 'a', next: 'new-password-123' } });
    expect(r.statusCode).toBe(401);
  });
});

describe('brute-force sign-in', () => {
  it('locks after 5 failures with a bilingual 429 and Retry-After, even for the right password, until the lock ends', async () => {
    const { alice } = h.users;
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await h.request({ method: 'POST', url: '/api/auth/login', payload: { email: alice.email, password: `guess-${i}-xxxx` } });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const locked = await h.request({ method: 'POST', url: '/api/auth/login', payload: { email: alice.email, password: alice.password } });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('900');
    expect(errorOf(locked)).toMatchObject({
      code: 'rate_limited',
      ko: '로그인 실패가 너무 많습니다. 15분 후에 다시 시도하세요.',
      en: 'too many failed sign-in attempts; try again in 15 minutes',
    });
    expect(locked.headers['set-cookie']).toBeUndefined();
    expect(await auditActions()).toContain('auth.login_rate_limited');
    // Other people are not affected.
    await h.login(h.users.bob.email, h.users.bob.password);
    h.advance(15 * minute + 1000);
    await h.login(alice.email, alice.password);
  });
});

describe('cross-site requests (Origin / CSRF)', () => {
  it('refuses a state-changing request from another origin with 403 and changes nothing', async () => {
    const { alice } = h.users;
    const evil = await h.request({ method: 'POST', url: '/api/auth/login', headers: { origin: 'https://evil.example' }, payload: { email: alice.email, password: alice.password } });
    expect(evil.statusCode).toBe(403);
    expect(evil.headers['set-cookie']).toBeUndefined();
    const cookie = await h.login(alice.email, alice.password);
    const nb = await h.request({ method: 'POST', url: '/api/notebooks', cookie, payload: { title: 'Trips' } });
    const id = (nb.json() as { id: string }).id;
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { origin: '' }, { origin: 'http://localhost:8787.evil.example' }]) {
      const r = await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie, headers, payload: { email: h.users.bob.email, role: 'owner' } });
      expect(r.statusCode, JSON.stringify(headers)).toBe(403);
      const pw = await h.request({ method: 'POST', url: '/api/auth/password', cookie, headers, payload: { current: alice.password, next: 'attacker-choice-1' } });
      expect(pw.statusCode).toBe(403);
    }
    const members = await h.db.selectFrom('notebook_members').select(['principal_id', 'role']).where('notebook_id', '=', id).execute();
    expect(members).toEqual([{ principal_id: alice.userId, role: 'owner' }]);
    await h.login(alice.email, alice.password); // password unchanged
  });

  it('lets non-browser clients change state only with X-Requested-With: madang', async () => {
    const { alice } = h.users;
    const bare = await h.request({ method: 'POST', url: '/api/auth/login', headers: { origin: '' }, payload: { email: alice.email, password: alice.password } });
    expect(bare.statusCode).toBe(403);
    const cli = await h.request({ method: 'POST', url: '/api/auth/login', headers: { origin: '', 'x-requested-with': 'madang' }, payload: { email: alice.email, password: alice.password } });
    expect(cli.statusCode).toBe(200);
    // Reads without Origin are fine (the cookie still has to be valid).
    expect((await h.request({ url: '/api/auth/me', cookie: sessionCookieFrom(cli) })).statusCode).toBe(200);
  });

  it('accepts the request\'s own host as origin', async () => {
    const r = await h.request({ method: 'POST', url: '/api/auth/login', headers: { origin: 'http://madang.lan:8787', host: 'madang.lan:8787' }, payload: { email: h.users.bob.email, password: h.users.bob.password } });
    expect(r.statusCode).toBe(200);
  });
});

describe('invites', () => {
  it('an admin invites by link; the link works once, signs the person in, and the token is not stored', async () => {
    const admin = await h.login(h.users.admin.email, h.users.admin.password);
    const r = await h.request({ method: 'POST', url: '/api/invites', cookie: admin, payload: { email: 'New.Person@Green.or.kr', orgId: h.orgs.cso.id, workspaceRole: 'analyst' } });
    expect(r.statusCode).toBe(201);
    const { link, email } = r.json() as { link: string; email: string };
    expect(email).toBe('new.person@green.or.kr');
    expect(link).toMatch(/^http:\/\/localhost:80\/invite\/accept#token=[A-Za-z0-9_-]{43}$/);
    const token = decodeURIComponent(link.split('#token=')[1]);
    expect(JSON.stringify(await h.db.selectFrom('invites').selectAll().execute())).not.toContain(token);

    const name = '<img src=x onerror="alert(1)">김 & "Kim"';
    const accept = await h.request({ method: 'POST', url: '/api/invites/accept', payload: { token, name, password: 'a-good-password' } });
    expect(accept.statusCode).toBe(201);
    expect(accept.headers['content-type']).toContain('application/json');
    const me = await h.request({ url: '/api/auth/me', cookie: sessionCookieFrom(accept) });
    expect(me.json()).toMatchObject({ user: { email: 'new.person@green.or.kr', name, orgId: h.orgs.cso.id, workspaceRole: 'analyst' } });

    const again = await h.request({ method: 'POST', url: '/api/invites/accept', payload: { token, name: 'Someone', password: 'another-password' } });
    expect(again.statusCode).toBe(404);
    expect(errorOf(again).en).toBe('this invite link is invalid, expired or already used');
    expect(await auditActions()).toEqual(['auth.login', 'user.invited', 'user.invite_accepted']);
  });

  it('an expired invite does not work', async () => {
    const admin = await h.login(h.users.admin.email, h.users.admin.password);
    const r = await h.request({ method: 'POST', url: '/api/invites', cookie: admin, payload: { email: 'late@lab.ac.kr', orgId: h.orgs.lab.id, workspaceRole: 'analyst' } });
    const token = decodeURIComponent((r.json() as { link: string }).link.split('#token=')[1]);
    h.advance(7 * day + 1000);
    const accept = await h.request({ method: 'POST', url: '/api/invites/accept', payload: { token, name: 'Late', password: 'a-good-password' } });
    expect(accept.statusCode).toBe(404);
    expect(await h.db.selectFrom('users').select('id').where('email', '=', 'late@lab.ac.kr').execute()).toEqual([]);
  });

  it('only admins may invite, and a forged token is refused', async () => {
    const steward = await h.login(h.users.carol.email, h.users.carol.password);
    const r = await h.request({ method: 'POST', url: '/api/invites', cookie: steward, payload: { email: 'x@y.kr', orgId: h.orgs.city.id, workspaceRole: 'admin' } });
    expect(r.statusCode).toBe(403);
    const forged = await h.request({ method: 'POST', url: '/api/invites/accept', payload: { token: 'A'.repeat(43), name: 'X', password: 'a-good-password' } });
    expect(forged.statusCode).toBe(404);
    const noSession = await h.request({ method: 'POST', url: '/api/invites', payload: { email: 'x@y.kr', orgId: h.orgs.city.id, workspaceRole: 'admin' } });
    expect(noSession.statusCode).toBe(401);
  });
});

describe('notebook members (sharing)', () => {
  async function aliceNotebook(): Promise<{ alice: string; id: string }> {
    const alice = await h.login(h.users.alice.email, h.users.alice.password);
    const r = await h.request({ method: 'POST', url: '/api/notebooks', cookie: alice, payload: { title: '따릉이 이용 분석' } });
    expect(r.statusCode).toBe(201);
    return { alice, id: (r.json() as { id: string }).id };
  }

  it('the creator is the owner; owners share with people and whole organisations; roles take the strongest grant', async () => {
    const { alice, id } = await aliceNotebook();
    const list = await h.request({ url: `/api/notebooks/${id}/members`, cookie: alice });
    expect(list.json()).toMatchObject({ role: 'owner', members: [{ kind: 'user', id: h.users.alice.userId, role: 'owner', name: 'Alice', orgName: '서울환경연합' }] });

    const addBob = await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: alice, payload: { email: 'BOB@green.or.kr', role: 'viewer' } });
    expect(addBob.statusCode).toBe(201);
    expect(addBob.json()).toMatchObject({ previousRole: null, member: { kind: 'user', id: h.users.bob.userId, role: 'viewer', email: 'bob@green.or.kr' } });
    const addCity = await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: alice, payload: { orgId: h.orgs.city.id, role: 'commenter' } });
    expect(addCity.statusCode).toBe(201);

    expect(await h.access.notebookRole(h.users.bob, id)).toBe('viewer');
    expect(await h.access.notebookRole(h.users.carol, id)).toBe('commenter');
    expect(await h.access.notebookRole(h.users.dave, id)).toBe(null);
    // Bob's organisation gets editor: his own viewer grant is weaker, so he is an editor now.
    await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: alice, payload: { orgId: h.orgs.cso.id, role: 'editor' } });
    expect(await h.access.notebookRole(h.users.bob, id)).toBe('editor');

    const change = await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: alice, payload: { email: h.users.bob.email, role: 'commenter' } });
    expect(change.statusCode).toBe(200);
    expect(change.json()).toMatchObject({ previousRole: 'viewer' });
    const actions = await auditActions();
    expect(actions.filter((a) => a.startsWith('notebook.'))).toEqual(['notebook.member_added', 'notebook.member_added', 'notebook.member_added', 'notebook.member_role_changed']);
    expect(await verifyAuditChain(h.db)).toBe(null);
  });

  it('a viewer can list members but cannot share, change or remove anyone', async () => {
    const { alice, id } = await aliceNotebook();
    await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: alice, payload: { email: h.users.bob.email, role: 'viewer' } });
    const bob = await h.login(h.users.bob.email, h.users.bob.password);
    expect((await h.request({ url: `/api/notebooks/${id}/members`, cookie: bob })).statusCode).toBe(200);
    const share = await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: bob, payload: { email: h.users.dave.email, role: 'viewer' } });
    expect(share.statusCode).toBe(403);
    expect(errorOf(share).en).toBe('your role on this notebook (viewer) does not allow notebook.share');
    const promote = await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: bob, payload: { email: h.users.bob.email, role: 'owner' } });
    expect(promote.statusCode).toBe(403);
    const remove = await h.request({ method: 'DELETE', url: `/api/notebooks/${id}/members/user/${h.users.alice.userId}`, cookie: bob });
    expect(remove.statusCode).toBe(403);
    // …but may leave.
    const leave = await h.request({ method: 'DELETE', url: `/api/notebooks/${id}/members/user/${h.users.bob.userId}`, cookie: bob });
    expect(leave.statusCode).toBe(200);
    expect(await h.access.notebookRole(h.users.bob, id)).toBe(null);
  });

  it('the last owner can be neither removed nor demoted', async () => {
    const { alice, id } = await aliceNotebook();
    const aliceId = h.users.alice.userId;
    const demote = await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: alice, payload: { email: h.users.alice.email, role: 'editor' } });
    expect(demote.statusCode).toBe(409);
    const remove = await h.request({ method: 'DELETE', url: `/api/notebooks/${id}/members/user/${aliceId}`, cookie: alice });
    expect(remove.statusCode).toBe(409);
    expect(errorOf(remove).en).toContain('last owner');
    await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: alice, payload: { email: h.users.bob.email, role: 'owner' } });
    const leave = await h.request({ method: 'DELETE', url: `/api/notebooks/${id}/members/user/${aliceId}`, cookie: alice });
    expect(leave.statusCode).toBe(200);
    expect(await h.access.notebookRole(h.users.alice, id)).toBe(null);
  });

  it('someone with no role, a guessed id and another person\'s notebook all look like "not found"', async () => {
    const { id } = await aliceNotebook();
    const dave = await h.login(h.users.dave.email, h.users.dave.password);
    for (const url of [`/api/notebooks/${id}/members`, '/api/notebooks/AAAAAAAAAAAAAAAAAAAAA/members']) {
      expect((await h.request({ url, cookie: dave })).statusCode).toBe(404);
    }
    const add = await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: dave, payload: { email: h.users.dave.email, role: 'owner' } });
    expect(add.statusCode).toBe(404);
    expect((await h.request({ url: `/api/notebooks/${id}`, cookie: dave })).statusCode).toBe(404);
    expect((await h.request({ url: `/api/notebooks/${id}/members`, cookie: '' })).statusCode).toBe(401);
    expect(await h.access.notebookRole(h.users.dave, id)).toBe(null);
  });

  it('validates input: unknown email, unknown organisation, bad role, extra fields, bad id', async () => {
    const { alice, id } = await aliceNotebook();
    const cases: Array<[unknown, number]> = [
      [{ email: 'stranger@nowhere.kr', role: 'viewer' }, 404],
      [{ orgId: 'no-such-org', role: 'viewer' }, 404],
      [{ email: h.users.bob.email, role: 'superuser' }, 400],
      [{ email: h.users.bob.email }, 400],
      [{ email: h.users.bob.email, role: 'viewer', orgId: h.orgs.lab.id }, 400],
      [['an', 'array'], 400],
    ];
    for (const [payload, status] of cases) {
      const r = await h.request({ method: 'POST', url: `/api/notebooks/${id}/members`, cookie: alice, payload: payload as object });
      expect(r.statusCode, JSON.stringify(payload)).toBe(status);
    }
    expect((await h.request({ url: '/api/notebooks/bad%20id!/members', cookie: alice })).statusCode).toBe(404);
    const members = await h.db.selectFrom('notebook_members').select('principal_id').where('notebook_id', '=', id).execute();
    expect(members).toHaveLength(1);
  });
});

describe('people, organisations, audit for admins', () => {
  it('signed-in people can search people and list organisations; names come back exactly as stored', async () => {
    const cookie = await h.login(h.users.bob.email, h.users.bob.password);
    const r = await h.request({ url: '/api/users?query=ali', cookie });
    expect(r.statusCode).toBe(200);
    expect((r.json() as { users: Array<{ email: string }> }).users.map((u) => u.email)).toEqual(['alice@green.or.kr']);
    const wild = await h.request({ url: '/api/users?query=%25', cookie });
    expect((wild.json() as { users: unknown[] }).users).toEqual([]);
    const orgs = await h.request({ url: '/api/orgs', cookie });
    expect((orgs.json() as { orgs: Array<{ name: string }> }).orgs.map((o) => o.name).sort()).toEqual(['Urban Data Lab', '서울환경연합', '서울특별시 데이터전략과'].sort());
    expect((await h.request({ url: '/api/users?query=a' })).statusCode).toBe(401);
  });

  it('only admins read, verify and export the audit log', async () => {
    const analyst = await h.login(h.users.bob.email, h.users.bob.password);
    expect((await h.request({ url: '/api/audit', cookie: analyst })).statusCode).toBe(403);
    expect((await h.request({ url: '/api/audit/export', cookie: analyst })).statusCode).toBe(403);
    const admin = await h.login(h.users.admin.email, h.users.admin.password);
    const list = await h.request({ url: '/api/audit?limit=10', cookie: admin });
    expect(list.statusCode).toBe(200);
    const entries = (list.json() as { entries: Array<{ action: string; actorEmail: string | null }> }).entries;
    expect(entries.map((e) => [e.action, e.actorEmail])).toEqual([['auth.login', h.users.admin.email], ['auth.login', h.users.bob.email]]);
    expect((await h.request({ url: '/api/audit/verify', cookie: admin })).json()).toEqual({ ok: true, firstBrokenSeq: null });
    const exp = await h.request({ url: '/api/audit/export', cookie: admin });
    expect(exp.statusCode).toBe(200);
    expect(exp.headers['content-type']).toContain('application/x-ndjson');
    expect(exp.body.trimEnd().split('\n').map((l) => (JSON.parse(l) as { action: string }).action)).toEqual(['auth.login', 'auth.login', 'audit.exported']);
  });

  it('an admin changes a workspace role (recorded) but not their own', async () => {
    const admin = await h.login(h.users.admin.email, h.users.admin.password);
    const r = await h.request({ method: 'PATCH', url: `/api/users/${h.users.dave.userId}`, cookie: admin, payload: { workspaceRole: 'steward' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ user: { id: h.users.dave.userId, workspaceRole: 'steward', disabled: false } });
    const self = await h.request({ method: 'PATCH', url: `/api/users/${h.users.admin.userId}`, cookie: admin, payload: { workspaceRole: 'analyst' } });
    expect(self.statusCode).toBe(409);
    const byAnalyst = await h.request({ method: 'PATCH', url: `/api/users/${h.users.admin.userId}`, cookie: await h.login(h.users.bob.email, h.users.bob.password), payload: { workspaceRole: 'analyst' } });
    expect(byAnalyst.statusCode).toBe(403);
    const entry = await h.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.role_changed').executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail_json)).toEqual({ from: 'analyst', to: 'steward' });
  });

  it('refuses an oversize body with 413', async () => {
    const r = await h.request({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.kr', password: 'x'.repeat(2 * 1024 * 1024) } });
    expect(r.statusCode).toBe(413);
  });
});
