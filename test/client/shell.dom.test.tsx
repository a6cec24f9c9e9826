/** The shell's pure parts and edges: routes, language choice, the error shape, toasting rules. */
import { afterEach, describe, expect, it } from 'vitest';
import { matchRoute } from '../../client/router.tsx';
import { createI18n, readStoredLanguage } from '../../client/i18n/index.ts';
import { ko } from '../../client/i18n/locales/ko.ts';
import { en } from '../../client/i18n/locales/en.ts';
import { HttpError, configureHttp, readHttpError, request, toasting } from '../../client/api/http.ts';
import { useToastStore } from '../../client/state/toastStore.ts';
import { formatRelative } from '../../client/components/ui/relativeTime.ts';
import { describeTitleProblem } from '../../client/api/notebooks.ts';

afterEach(() => {
  configureHttp();
  useToastStore.setState({ toasts: [] });
  localStorage.clear();
  history.replaceState(null, '', '/');
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('matchRoute', () => {
  it('matches the app\'s routes and nothing else', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/n/abc_DEF-123')).toEqual({ name: 'notebook', id: 'abc_DEF-123' });
    expect(matchRoute('/n/abc/')).toEqual({ name: 'notebook', id: 'abc' });
    expect(matchRoute('/admin')).toEqual({ name: 'admin' });
    expect(matchRoute('/invite/tok123')).toEqual({ name: 'invite', token: 'tok123' });
    expect(matchRoute('/login', '?next=%2Fn%2Fabc')).toEqual({ name: 'login', next: '/n/abc' });
    expect(matchRoute('/n/a b')).toEqual({ name: 'notFound' });
    expect(matchRoute('/nope')).toEqual({ name: 'notFound' });
  });

  it('refuses an off-site next (no open redirect after sign-in)', () => {
    expect(matchRoute('/login', '?next=https://evil.example')).toEqual({ name: 'login', next: null });
    expect(matchRoute('/login', '?next=//evil.example')).toEqual({ name: 'login', next: null });
  });
});

describe('i18n', () => {
  it('starts in Korean, remembers the choice, and keeps <html lang> in step', async () => {
    expect(readStoredLanguage()).toBe('ko');
    const i18n = createI18n();
    expect(i18n.t('common:signOut')).toBe('로그아웃');
    expect(document.documentElement.lang).toBe('ko');
    await i18n.changeLanguage('en');
    expect(i18n.t('common:signOut')).toBe('Sign out');
    expect(document.documentElement.lang).toBe('en');
    expect(readStoredLanguage()).toBe('en');
    expect(createI18n().language).toBe('en');
  });

  it('includes the accounts and real-time namespaces', () => {
    const i18n = createI18n('ko');
    expect(i18n.t('auth:signInTitle')).toBe('로그인');
    expect(i18n.t('sync:saved')).toBe('저장됨');
  });

  it('has the same keys in Korean and English', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`])).sort();
    expect(keys(en)).toEqual(keys(ko));
  });
});

describe('http', () => {
  it('reads the bilingual error body into an HttpError', async () => {
    const err = await readHttpError(json(409, { error: { code: 'conflict', message: 'x', ko: '이미 있습니다', en: 'already exists' } }));
    expect(err).toBeInstanceOf(HttpError);
    expect([err.status, err.code, err.detail.ko, err.detail.en]).toEqual([409, 'conflict', '이미 있습니다', 'already exists']);
    const bare = await readHttpError(new Response('<html>bad gateway</html>', { status: 502 }));
    expect([bare.code, bare.detail.en]).toEqual(['internal', 'the server could not handle the request (HTTP 502)']);
  });

  it('sends the CSRF header only on state-changing requests', async () => {
    const seen: { method: string; header: string | null }[] = [];
    configureHttp({
      fetch: async (_path, init) => {
        seen.push({ method: String(init.method), header: new Headers(init.headers).get('x-requested-with') });
        return new Response(null, { status: 204 });
      },
    });
    await request('/api/x');
    await request('/api/x', { method: 'POST', body: {} });
    expect(seen).toEqual([{ method: 'GET', header: null }, { method: 'POST', header: 'madang' }]);
  });

  it('toasts a failure with its human title, shows 403 as a calm notice, and rethrows', async () => {
    configureHttp({ fetch: async () => json(500, { error: { code: 'internal', message: 'm', ko: '서버 오류', en: 'server error' } }) });
    await expect(toasting('notebooks.create', () => request('/api/notebooks', { method: 'POST', body: { title: 't' } }))).rejects.toThrow(HttpError);
    configureHttp({ fetch: async () => json(403, { error: { code: 'forbidden', message: 'm', ko: '권한 없음', en: 'no access' } }) });
    await expect(toasting('notebooks.rename', () => request('/api/notebooks/x', { method: 'PATCH', body: {} }))).rejects.toThrow(HttpError);
    expect(useToastStore.getState().toasts.map((t) => [t.kind, t.title.en, t.detail?.ko])).toEqual([
      ['error', 'Could not create the notebook', '서버 오류'],
      ['notice', 'Could not rename the notebook', '권한 없음'],
    ]);
  });

  it('rejects a success body of the wrong shape instead of passing it on', async () => {
    configureHttp({ fetch: async () => json(200, { notebooks: [{ id: 1 }] }) });
    const { listNotebooks } = await import('../../client/api/notebooks.ts');
    await expect(listNotebooks()).rejects.toMatchObject({ detail: { en: 'the server answered in an unexpected shape' } });
  });
});

describe('small pure helpers', () => {
  it('words relative times in both languages', () => {
    const now = Date.UTC(2026, 10, 28, 3, 0, 0);
    expect(formatRelative(now - 3 * 60_000, now, 'ko')).toBe('3분 전');
    expect(formatRelative(now - 3 * 60_000, now, 'en')).toBe('3 minutes ago');
    expect(formatRelative(now - 2 * 86_400_000, now, 'ko')).toBe('그저께');
    expect(formatRelative(now - 2_000, now, 'en')).toBe('now');
  });

  it('checks titles like the server does', () => {
    expect(describeTitleProblem('  ')).toBe('titleEmpty');
    expect(describeTitleProblem('가'.repeat(201))).toBe('titleTooLong');
    expect(describeTitleProblem('a\nb')).toBe('titleControl');
    expect(describeTitleProblem(' 마포구 따릉이 ')).toBeNull();
  });
});
