/**
 * The accounts screens in jsdom against a real Madang server process (real routes, SQLite,
 * sessions): sign-in errors in both languages including the 429 lockout, accepting an invite,
 * changing a password, the share dialog for an owner and for a viewer, the read-only notice.
 */
import { act } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminPage } from '../../client/components/auth/AdminPage.tsx';
import { AcceptInvitePage } from '../../client/components/auth/AcceptInvitePage.tsx';
import { ChangePasswordDialog } from '../../client/components/auth/ChangePasswordDialog.tsx';
import { LoginPage } from '../../client/components/auth/LoginPage.tsx';
import { ReadOnlyNotice } from '../../client/components/auth/ReadOnlyNotice.tsx';
import { ShareDialog } from '../../client/components/auth/ShareDialog.tsx';
import { configureHttp } from '../../client/api/http.ts';
import { useCurrentUserStore } from '../../client/state/currentUser.ts';
import { click, mount, typeInto, waitFor, type Mounted } from '../client/reactDom.tsx';
import { startChildServer, type ChildServer } from '../harness/childServer.ts';

interface Started {
  url: string;
  admin: { cookie: string };
  alice: { cookie: string; userId: string; password: string };
  bob: { cookie: string; userId: string };
  lee: { email: string; password: string };
  notebookId: string;
  inviteLink: string;
}

let child: ChildServer<Started>;
let s: Started;
let mounted: Mounted | null = null;

/** Page requests go to the test server, with `cookie` standing in for the browser's cookie jar. */
function actAs(cookie: string | null) {
  configureHttp({
    fetch: (path, init) => {
      const headers = new Headers(init.headers);
      if (cookie) headers.set('cookie', cookie);
      return fetch(new URL(path, s.url), { ...init, headers });
    },
  });
}

async function api(path: string, cookie: string): Promise<unknown> {
  return (await fetch(new URL(path, s.url), { headers: { cookie } })).json();
}

beforeAll(async () => {
  child = await startChildServer<Started>('test/server/authUiServer.ts');
  s = child.started;
}, 60_000);

afterAll(async () => {
  configureHttp();
  await child?.stop();
});

afterEach(() => {
  mounted?.unmount();
  mounted = null;
  useCurrentUserStore.setState({ user: null, status: 'loading' });
  history.replaceState(null, '', '/');
});

const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector<T>(sel);

/** Picks an option the way a person does: value set, `change` fired, inside React's act. */
function choose(select: HTMLSelectElement, value: string): void {
  act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

describe('sign-in page', () => {
  it('shows a wrong password in Korean with English below, then the lockout message after repeated failures', async () => {
    actAs(null);
    mounted = mount(<LoginPage next="/n/abc" />);
    click($('[data-testid="login-submit"]')!);
    expect($('[data-testid="login-error"]')!.textContent).toContain('이메일과 비밀번호를 입력하세요.');

    const attempt = async (password: string) => {
      typeInto($<HTMLInputElement>('[data-testid="login-email"]')!, s.lee.email);
      typeInto($<HTMLInputElement>('[data-testid="login-password"]')!, password);
      click($('[data-testid="login-submit"]')!);
      await waitFor(() => expect($<HTMLButtonElement>('[data-testid="login-submit"]')!.disabled).toBe(false));
      return $('[data-testid="login-error"]')!;
    };
    const first = await attempt('wrong-password-1');
    expect([...first.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['이메일 또는 비밀번호가 맞지 않습니다.', 'wrong email or password']);
    for (let i = 2; i <= 4; i++) await attempt(`wrong-password-${i}`);
    const locked = await attempt('wrong-password-5');
    expect(locked.textContent).toContain('로그인 실패가 너무 많습니다. 15분 후에 다시 시도하세요.');
    expect(locked.textContent).toContain('too many failed sign-in attempts; try again in 15 minutes');
    const stillLocked = await attempt(s.lee.password);
    expect(stillLocked.textContent).toContain('15분 후에 다시 시도하세요');
    expect(useCurrentUserStore.getState().user).toBe(null);
  });

  it('signs in, stores who is signed in and goes to `next`', async () => {
    actAs(null);
    mounted = mount(<LoginPage next="/n/abc" />, 'en');
    expect($('h1')!.textContent).toBe('Sign in');
    typeInto($<HTMLInputElement>('[data-testid="login-email"]')!, 'ALICE@green.or.kr');
    typeInto($<HTMLInputElement>('[data-testid="login-password"]')!, s.alice.password);
    click($('[data-testid="login-submit"]')!);
    await waitFor(() => expect(location.pathname).toBe('/n/abc'));
    expect(useCurrentUserStore.getState()).toMatchObject({ status: 'signedIn', user: { userId: s.alice.userId, name: 'Alice', orgName: '서울환경연합' } });
  });
});

describe('invite page', () => {
  it('reads the token from the link fragment, checks the passwords, and creates the account with the name as plain text', async () => {
    const url = new URL(s.inviteLink);
    history.replaceState(null, '', url.pathname + url.hash);
    actAs(null);
    mounted = mount(<AcceptInvitePage token="accept" />);
    const name = '<img src=x onerror="window.__pwned=1">새 회원';
    typeInto($<HTMLInputElement>('[data-testid="invite-name"]')!, name);
    typeInto($<HTMLInputElement>('[data-testid="invite-password"]')!, 'a-long-password');
    typeInto($<HTMLInputElement>('[data-testid="invite-confirm"]')!, 'a-different-one');
    click($('[data-testid="invite-submit"]')!);
    expect($('[data-testid="invite-error"]')!.textContent).toContain('두 비밀번호가 다릅니다.');
    typeInto($<HTMLInputElement>('[data-testid="invite-confirm"]')!, 'a-long-password');
    click($('[data-testid="invite-submit"]')!);
    await waitFor(() => expect(location.pathname).toBe('/'));
    expect(useCurrentUserStore.getState().user).toMatchObject({ name, email: 'new@green.or.kr', workspaceRole: 'analyst' });
    expect(document.querySelector('img')).toBe(null);
  });

  it('says so when the link has no token', () => {
    history.replaceState(null, '', '/invite/accept');
    mounted = mount(<AcceptInvitePage token="accept" />, 'en');
    expect($('[data-testid="invite-error"]')!.textContent).toContain('This invitation link has no token.');
    expect($('[data-testid="invite-submit"]')).toBe(null);
  });
});

describe('change password dialog', () => {
  it('shows the server\'s refusal of a wrong current password', async () => {
    actAs(s.bob.cookie);
    let closed = false;
    mounted = mount(<ChangePasswordDialog onClose={() => { closed = true; }} />);
    typeInto($<HTMLInputElement>('[data-testid="password-current"]')!, 'not-my-password');
    typeInto($<HTMLInputElement>('[data-testid="password-next"]')!, 'brand-new-password');
    typeInto($<HTMLInputElement>('[data-testid="password-confirm"]')!, 'brand-new-password');
    click($('[data-testid="password-submit"]')!);
    await waitFor(() => expect($('[data-testid="password-error"]')!.textContent).toContain('현재 비밀번호가 맞지 않습니다.'));
    expect(closed).toBe(false);
  });
});

describe('share dialog', () => {
  it('an owner adds a person and an organisation, changes a role and removes a member', async () => {
    actAs(s.alice.cookie);
    useCurrentUserStore.getState().set({ userId: s.alice.userId, name: 'Alice', email: 'alice@green.or.kr', orgName: '서울환경연합', color: '#000000', workspaceRole: 'analyst' });
    mounted = mount(<ShareDialog notebookId={s.notebookId} title="따릉이 분석" onClose={() => {}} />);
    const names = () => [...document.querySelectorAll('[data-testid="member"] .member-name')].map((e) => e.textContent);
    await waitFor(() => expect(names()).toEqual(['Alice (나)', 'Bob <i>B</i>']));
    expect(document.querySelector('[data-testid="member-list"] i')).toBe(null); // a name is text, never markup

    typeInto($<HTMLInputElement>('[data-testid="share-email"]')!, 'admin@city.seoul.kr');
    click($('[data-testid="share-add"]')!);
    await waitFor(() => expect(names()).toContain('관리자'));

    click($('[data-testid="share-kind-org"]')!);
    await waitFor(() => expect($<HTMLSelectElement>('[data-testid="share-org"]')!.options.length).toBeGreaterThan(1));
    const orgSelect = $<HTMLSelectElement>('[data-testid="share-org"]')!;
    const lab = [...orgSelect.options].find((o) => o.textContent === 'Urban Data Lab')!;
    choose(orgSelect, lab.value);
    const roleSelect = $<HTMLSelectElement>('[data-testid="share-role"]')!;
    choose(roleSelect, 'commenter');
    click($('[data-testid="share-add"]')!);
    await waitFor(() => expect(names()).toContain('Urban Data Lab'));

    const members = (await api(`/api/notebooks/${s.notebookId}/members`, s.alice.cookie)) as { members: Array<{ kind: string; name: string; role: string }> };
    expect(members.members.map((m) => [m.kind, m.name, m.role])).toEqual([
      ['user', 'Alice', 'owner'], ['user', 'Bob <i>B</i>', 'viewer'], ['user', '관리자', 'editor'], ['org', 'Urban Data Lab', 'commenter'],
    ]);

    // Remove the admin again.
    const adminRow = [...document.querySelectorAll<HTMLElement>('[data-testid="member"]')].find((li) => li.textContent?.includes('관리자'))!;
    click(adminRow.querySelector('button')!);
    await waitFor(() => expect(names()).not.toContain('관리자'));

    // The last owner cannot demote themself: the server's 409 shows in place.
    const aliceRow = [...document.querySelectorAll<HTMLElement>('[data-testid="member"]')].find((li) => li.textContent?.includes('Alice'))!;
    const aliceRole = aliceRow.querySelector('select')!;
    choose(aliceRole, 'viewer');
    await waitFor(() => expect($('[data-testid="share-error"]')!.textContent).toContain('마지막 소유자'));
  });

  it('a viewer sees who has access and why they cannot change it', async () => {
    actAs(s.bob.cookie);
    mounted = mount(<ShareDialog notebookId={s.notebookId} title="따릉이 분석" onClose={() => {}} />, 'en');
    await waitFor(() => expect($('[data-testid="share-owner-only"]')!.textContent).toBe('Only owners can change sharing. Your role: Viewer.'));
    expect($('[data-testid="share-add"]')).toBe(null);
    expect(document.querySelectorAll('[data-testid="member"]').length).toBeGreaterThanOrEqual(2);
  });
});

describe('admin page', () => {
  it('an admin creates an invite link and reads the verified audit log; others see "admins only"', async () => {
    actAs(s.admin.cookie);
    useCurrentUserStore.getState().set({ userId: 'admin', name: '관리자', email: 'admin@city.seoul.kr', orgName: '서울특별시 데이터전략과', color: '#000000', workspaceRole: 'admin' });
    mounted = mount(<AdminPage />);
    await waitFor(() => expect($('[data-testid="audit-verdict"]')!.textContent).toBe('기록이 온전합니다 (해시 사슬 확인됨).'));
    await waitFor(() => expect(document.querySelectorAll('[data-testid="audit-row"]').length).toBeGreaterThan(3));
    const actions = [...document.querySelectorAll('[data-testid="audit-row"] code')].map((c) => c.textContent);
    expect(actions).toContain('user.invited');
    expect(actions).toContain('notebook.member_added');
    expect($('[data-testid="audit-table"]')!.textContent).toContain('Alice (alice@green.or.kr)');
    expect($<HTMLAnchorElement>('[data-testid="audit-export"]')!.getAttribute('href')).toBe('/api/audit/export');

    await waitFor(() => expect($<HTMLSelectElement>('[data-testid="admin-invite-org"]')!.options.length).toBeGreaterThan(1));
    typeInto($<HTMLInputElement>('[data-testid="admin-invite-email"]')!, 'park@lab.ac.kr');
    const org = $<HTMLSelectElement>('[data-testid="admin-invite-org"]')!;
    choose(org, [...org.options].find((o) => o.textContent === 'Urban Data Lab')!.value);
    click($('[data-testid="admin-invite-submit"]')!);
    await waitFor(() => expect($('[data-testid="admin-invite-link"] code')!.textContent).toMatch(/\/invite\/accept#token=[A-Za-z0-9_-]{43}$/));
    expect($('[data-testid="admin-invite-link"]')!.textContent).toContain('park@lab.ac.kr');
    mounted.unmount();

    actAs(s.bob.cookie);
    useCurrentUserStore.getState().set({ userId: s.bob.userId, name: 'Bob', email: 'bob@green.or.kr', orgName: '서울환경연합', color: '#000000', workspaceRole: 'analyst' });
    mounted = mount(<AdminPage />, 'en');
    expect($('[data-testid="admin-only"]')!.textContent).toBe('Only administrators can see this page.');
    expect($('[data-testid="audit-table"]')).toBe(null);
  });
});

describe('read-only notice', () => {
  it('explains the role calmly, in either language, and tells a commenter they may still comment', () => {
    mounted = mount(<ReadOnlyNotice role="viewer" />);
    const notice = $('[data-testid="read-only-notice"]')!;
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toContain('이 노트북에서 당신의 역할은 ‘보기 전용’입니다.');
    expect(notice.textContent).not.toContain('댓글은 달 수 있습니다');
    mounted.unmount();
    mounted = mount(<ReadOnlyNotice role="commenter" />, 'en');
    expect($('[data-testid="read-only-notice"]')!.textContent).toContain('Your role on this notebook is “Commenter”.');
    expect($('[data-testid="read-only-notice"]')!.textContent).toContain('You can still comment.');
  });
});
