/**
 * The home page against a real in-process Madang server (real SQLite, real routes, real session
 * cookie): jsdom renders, and the page's requests go to 127.0.0.1 through `configureHttp`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act } from 'react';
import HomePage from '../../client/components/home/HomePage.tsx';
import { configureHttp } from '../../client/api/http.ts';
import { useToastStore } from '../../client/state/toastStore.ts';
import { click, key, mount, typeInto, waitFor, type Mounted } from './reactDom.tsx';
import { startChildServer, type ChildServer } from '../harness/childServer.ts';

/** A session-bound client for setting up and checking server state directly. */
interface Client {
  cookie: string | null;
  get(path: string): Promise<Response>;
  post(path: string, json: unknown): Promise<Response>;
}

let child: ChildServer<{ url: string; cookie: string }>;
let serverUrl: string;
let alice: Client;
const anonymous = (): Client => client(null);
let mounted: Mounted | null = null;

function client(cookie: string | null): Client {
  const headers = (extra: Record<string, string> = {}) => ({ ...(cookie ? { cookie } : {}), ...extra });
  return {
    cookie,
    get: (path) => fetch(new URL(path, serverUrl), { headers: headers() }),
    post: (path, json) => fetch(new URL(path, serverUrl), {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json', 'x-requested-with': 'madang' }),
      body: JSON.stringify(json),
    }),
  };
}

function useClient(c: Client) {
  configureHttp({
    fetch: (path, init) => {
      const headers = new Headers(init.headers);
      if (c.cookie) headers.set('cookie', c.cookie);
      return fetch(new URL(path, serverUrl), { ...init, headers });
    },
  });
}

beforeAll(async () => {
  child = await startChildServer('test/client/fixtures/serveForDom.ts');
  serverUrl = child.started.url;
  alice = client(child.started.cookie);
}, 60_000);

afterAll(async () => {
  configureHttp();
  await child?.stop();
});

afterEach(() => {
  mounted?.unmount();
  mounted = null;
  useToastStore.setState({ toasts: [] });
  history.replaceState(null, '', '/');
});

const items = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>('[data-testid="notebook-item"]')];
const titles = (root: HTMLElement) => items(root).map((li) => li.querySelector('.notebook-item-title')?.textContent);

async function serverTitles(c: Client): Promise<string[]> {
  const res = await c.get('/api/notebooks');
  return ((await res.json()).notebooks as { title: string }[]).map((n) => n.title).sort();
}

describe('home page', () => {
  it('shows the empty state, then lists notebooks from the server with role and link', async () => {
    useClient(alice);
    mounted = mount(<HomePage />);
    await waitFor(() => expect(mounted!.container.querySelector('[data-testid="notebook-list-empty"]')).not.toBeNull());
    mounted.unmount();

    const created = (await (await alice.post('/api/notebooks', { title: '마포구 따릉이' })).json()).id as string;
    await alice.post('/api/notebooks', { title: '공원 소음 민원' });
    mounted = mount(<HomePage />);
    await waitFor(() => expect(items(mounted!.container)).toHaveLength(2));
    expect(titles(mounted.container).sort()).toEqual(['공원 소음 민원', '마포구 따릉이']);
    const row = mounted.container.querySelector<HTMLElement>(`[data-notebook-id="${created}"]`)!;
    expect(row.querySelector('a.notebook-item-title')!.getAttribute('href')).toBe(`/n/${created}`);
    expect(row.textContent).toContain('소유자');
    expect(row.querySelector('[data-testid="export-notebook"]')!.getAttribute('href')).toBe(`/api/notebooks/${created}/export`);
  });

  it('creates a notebook after checking the title, then opens it', async () => {
    useClient(alice);
    mounted = mount(<HomePage />);
    await waitFor(() => expect(items(mounted!.container).length).toBeGreaterThan(0));
    click(mounted.container.querySelector('[data-testid="new-notebook-button"]')!);
    const input = document.querySelector<HTMLInputElement>('[data-testid="new-notebook-title"]')!;
    click(document.querySelector('[data-testid="new-notebook-submit"]')!);
    expect(document.querySelector('.field-error')?.textContent).toBe('제목을 입력해 주세요');

    typeInto(input, '  은평구 버스 정류장  ');
    click(document.querySelector('[data-testid="new-notebook-submit"]')!);
    await waitFor(() => expect(location.pathname).toMatch(/^\/n\/[A-Za-z0-9_-]+$/));
    const id = location.pathname.slice(3);
    const res = await alice.get(`/api/notebooks/${id}`);
    expect(await res.json()).toMatchObject({ id, title: '은평구 버스 정류장', role: 'owner' });
  });

  it('renames in place and deletes after a confirmation naming the notebook', async () => {
    const id = (await (await alice.post('/api/notebooks', { title: '이름 바꿀 노트북' })).json()).id as string;
    useClient(alice);
    mounted = mount(<HomePage />);
    await waitFor(() => expect(mounted!.container.querySelector(`[data-notebook-id="${id}"]`)).not.toBeNull());
    const row = () => mounted!.container.querySelector<HTMLElement>(`[data-notebook-id="${id}"]`)!;

    click(row().querySelector('[data-testid="rename-notebook"]')!);
    const input = row().querySelector<HTMLInputElement>('[data-testid="rename-notebook-input"]')!;
    typeInto(input, '새 이름');
    key(input, { key: 'Enter' });
    await waitFor(() => expect(row().querySelector('.notebook-item-title')?.textContent).toBe('새 이름'));
    expect((await (await alice.get(`/api/notebooks/${id}`)).json()).title).toBe('새 이름');

    click(row().querySelector('[data-testid="delete-notebook"]')!);
    const dialog = document.querySelector('[data-testid="delete-notebook-dialog"]')!;
    expect(dialog.textContent).toContain('“새 이름”');
    click(dialog.querySelector('[data-testid="confirm-delete"]')!);
    await waitFor(() => expect(mounted!.container.querySelector(`[data-notebook-id="${id}"]`)).toBeNull());
    expect(await serverTitles(alice)).not.toContain('새 이름');
    expect((await alice.get(`/api/notebooks/${id}`)).status).toBe(404);
  });

  it('shows an error state with retry, and a bilingual toast, when the server cannot be reached', async () => {
    configureHttp({ fetch: () => Promise.reject(new TypeError('fetch failed')) });
    mounted = mount(<HomePage />);
    await waitFor(() => expect(mounted!.container.querySelector('[data-testid="notebook-list-error"]')).not.toBeNull());
    const toast = useToastStore.getState().toasts.at(-1)!;
    expect(toast.kind).toBe('error');
    expect(toast.title.ko).toBe('노트북 목록을 불러오지 못했습니다');
    expect(toast.detail?.en).toBe('cannot reach the server; check your network');

    useClient(alice);
    click(mounted.container.querySelector('[data-testid="notebook-list-error"] button')!);
    await waitFor(() => expect(items(mounted!.container).length).toBeGreaterThan(0));
  });

  it('imports a .md notebook file and opens the new notebook', async () => {
    useClient(alice);
    mounted = mount(<HomePage />);
    await waitFor(() => expect(mounted!.container.querySelector('[data-testid="notebook-list"]')).not.toBeNull());
    const file = new File(['---\ntitle: 가져온 노트북\n---\n\n# 안녕\n\n```sql by_gu\nSELECT 1\n```\n'], 'imported.md', { type: 'text/markdown' });
    const input = mounted.container.querySelector<HTMLInputElement>('[data-testid="import-notebook-input"]')!;
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    act(() => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await waitFor(() => expect(location.pathname).toMatch(/^\/n\/[A-Za-z0-9_-]+$/));
    const id = location.pathname.slice(3);
    expect((await (await alice.get(`/api/notebooks/${id}`)).json()).title).toBe('가져온 노트북');
    const exported = await (await alice.get(`/api/notebooks/${id}/export`)).text();
    expect(exported).toContain('```sql by_gu\nSELECT 1\n```');
  });

  it('sends a signed-out person to the sign-in page', async () => {
    useClient(anonymous());
    history.replaceState(null, '', '/');
    mounted = mount(<HomePage />);
    await waitFor(() => expect(location.pathname + location.search).toBe('/login?next=%2F'));
    expect(useToastStore.getState().toasts).toEqual([]);
  });
});
