/**
 * Two people co-editing one notebook in headless Chromium against the real production server
 * (`startServer` on a temp data dir, serving the `vite build` output). They sign in through the
 * login page, one creates the notebook on the home page and shares it with the other (two
 * organisations), and then both edit at once: Monaco text, cell moves, presence, reload, an
 * offline edit, the saved indicator. Also: the home page never downloads Monaco.
 *
 * The cases run in order and build on each other (one browser, one server for the file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { builtClientDir, launchBrowser, openPerson, screenshot, signInThroughPage, type Person } from '../harness/browser.ts';
import { startTestServer, type TestServer, type TestUser } from '../harness/testServer.ts';


let server: TestServer;
let browser: Browser;
const names = { minji: '김민지', alice: 'Alice Park' };
let minji: TestUser;
let alice: TestUser;
let a: Person;
let b: Person;
let notebookPath = '';

// Console noise that is not a product error: the 401 of "who am I?" before signing in, and
// the socket errors Chromium logs while a context is deliberately offline.
const expectedConsole = [/status of 401/, /WebSocket connection to .* failed/, /ERR_INTERNET_DISCONNECTED/];

beforeAll(async () => {
  const clientDir = builtClientDir();
  server = await startTestServer({ clientDir });
  minji = await server.createUser({ name: names.minji, org: '마포 자전거 시민모임', orgKind: 'cso', role: 'analyst' });
  alice = await server.createUser({ name: names.alice, org: 'Seoul Data Lab', orgKind: 'expert', role: 'analyst' });
  browser = await launchBrowser();
  a = await openPerson(browser, server.url);
  b = await openPerson(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

// ---- helpers reading the page the way the app shows it ----

function cells(page: Page) {
  return page.getByTestId('cell');
}

async function cellIds(page: Page): Promise<string[]> {
  return cells(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-cell-id') ?? ''));
}

/** The text of a SQL cell's Monaco model (editors are exposed for tests, see SqlEditor.tsx). */
async function editorText(page: Page, cellId: string): Promise<string | null> {
  return page.evaluate((id) => {
    const editors = (window as unknown as { __madangEditors?: Map<string, { getValue(): string }> }).__madangEditors;
    return editors?.get(id)?.getValue() ?? null;
  }, cellId);
}

async function waitForEditorText(page: Page, cellId: string, expected: (text: string) => boolean): Promise<string> {
  let last: string | null = null;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    last = await editorText(page, cellId);
    if (last !== null && expected(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`editor ${cellId} never showed the expected text; last: ${JSON.stringify(last)}`);
}

/** Clicks at the end of a SQL cell's editor and types like a person. */
async function typeInSqlCell(page: Page, cellId: string, text: string): Promise<void> {
  const editor = page.locator(`[data-testid="cell"][data-cell-id="${cellId}"] .monaco-editor`);
  await editor.waitFor();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

async function status(page: Page): Promise<string | null> {
  return page.getByTestId('connection-status').getAttribute('data-status');
}

async function waitForConnected(page: Page): Promise<void> {
  await expect.poll(() => status(page), { timeout: 15_000 }).toBe('connected');
}

async function waitForSaved(page: Page, saved: boolean): Promise<void> {
  await expect.poll(() => page.getByTestId('saved-indicator').getAttribute('data-saved'), { timeout: 15_000 }).toBe(String(saved));
}

/** The title as shown (a heading, or the input when the person may rename). */
async function notebookTitle(page: Page): Promise<string | null> {
  return page.getByTestId('notebook-title').first().evaluate((el) => (el instanceof HTMLInputElement ? el.value : el.textContent));
}

async function addCellAtEnd(page: Page, kind: 'markdown' | 'sql'): Promise<void> {
  const before = await cells(page).count();
  const bar = before === 0 ? page.getByTestId('add-cell-bar-empty') : cells(page).last().getByTestId(kind === 'sql' ? 'add-sql-below' : 'add-markdown-below');
  if (before === 0) await bar.getByRole('button').nth(kind === 'sql' ? 1 : 0).click();
  else await bar.click();
  await expect.poll(() => cells(page).count()).toBe(before + 1);
}

describe('co-editing a notebook', () => {
  it('loads the home page without Monaco', async () => {
    await signInThroughPage(a.page, minji.email, minji.password, '/');
    await a.page.getByTestId('new-notebook-button').waitFor();
    const monacoRequests = a.requests.filter((u) => /monaco|editor\.worker/i.test(u));
    expect(monacoRequests).toEqual([]);
  });

  it('creates a notebook, shares it, and text typed in Monaco on one side appears on the other', async () => {
    await a.page.getByTestId('new-notebook-button').click();
    await a.page.getByTestId('new-notebook-title').fill('따릉이 대여 분석');
    await a.page.getByTestId('new-notebook-submit').click();
    await a.page.waitForURL(/\/n\/[^/]+$/);
    notebookPath = new URL(a.page.url()).pathname;
    const notebookId = decodeURIComponent(notebookPath.split('/').pop()!);
    await waitForConnected(a.page);

    const owner = await server.signIn(minji.email, minji.password);
    const share = await owner.post(`/api/notebooks/${encodeURIComponent(notebookId)}/members`, { email: alice.email, role: 'editor' });
    expect(share.status, share.text).toBeLessThan(300);

    await addCellAtEnd(a.page, 'sql');
    await addCellAtEnd(a.page, 'markdown');
    await addCellAtEnd(a.page, 'sql');
    const ids = await cellIds(a.page);
    expect(ids).toHaveLength(3);

    await signInThroughPage(b.page, alice.email, alice.password, notebookPath);
    await waitForConnected(b.page);
    await expect.poll(() => cellIds(b.page)).toEqual(ids);

    await typeInSqlCell(a.page, ids[0], 'SELECT station, count(*) AS rentals');
    await waitForEditorText(b.page, ids[0], (t) => t === 'SELECT station, count(*) AS rentals');
    await typeInSqlCell(b.page, ids[0], ' -- 대여소별');
    await waitForEditorText(a.page, ids[0], (t) => t === 'SELECT station, count(*) AS rentals -- 대여소별');
    await typeInSqlCell(b.page, ids[2], 'SELECT 1');
    await waitForEditorText(a.page, ids[2], (t) => t === 'SELECT 1');
  });

  it('shows both people: avatars, the cell marker and the named cursor', async () => {
    const ids = await cellIds(a.page);
    for (const [page, other] of [[a.page, names.alice], [b.page, names.minji]] as const) {
      await page.locator(`[data-testid="presence-avatar"][data-user-name="${other}"]`).waitFor({ timeout: 15_000 });
    }
    // Minji's cursor is in the first cell: Alice sees her marker there and her named caret.
    await typeInSqlCell(a.page, ids[0], '');
    await b.page.locator(`[data-testid="cell"][data-cell-id="${ids[0]}"] [data-testid="cell-presence"][data-user-name="${names.minji}"]`)
      .waitFor({ timeout: 15_000 });
    await b.page.locator(`[data-testid="cell"][data-cell-id="${ids[0]}"] .yRemoteSelectionHead`).waitFor({ timeout: 15_000 });
    await typeInSqlCell(b.page, ids[2], '');
    await a.page.locator(`[data-testid="cell"][data-cell-id="${ids[2]}"] [data-testid="cell-presence"][data-user-name="${names.alice}"]`)
      .waitFor({ timeout: 15_000 });
    await screenshot(b.page, 'co-editing');
  });

  it('converges when both move cells at the same time, keeping every cell once', async () => {
    const before = await cellIds(a.page);
    // Both offline, so neither sees the other's move before making their own: truly concurrent.
    await Promise.all([a.context.setOffline(true), b.context.setOffline(true)]);
    try {
      await expect.poll(() => status(a.page)).toBe('offline');
      await expect.poll(() => status(b.page)).toBe('offline');
      await a.page.locator(`[data-testid="cell"][data-cell-id="${before[0]}"]`).getByTestId('cell-move-down').click();
      await expect.poll(() => cellIds(a.page)).toEqual([before[1], before[0], before[2]]);
      await b.page.locator(`[data-testid="cell"][data-cell-id="${before[2]}"]`).getByTestId('cell-move-up').click();
      await expect.poll(() => cellIds(b.page)).toEqual([before[0], before[2], before[1]]);
      await b.page.locator(`[data-testid="cell"][data-cell-id="${before[0]}"]`).getByTestId('cell-move-down').click();
      await expect.poll(() => cellIds(b.page)).toEqual([before[2], before[0], before[1]]);
    } finally {
      await Promise.all([a.context.setOffline(false), b.context.setOffline(false)]);
    }
    await Promise.all([waitForConnected(a.page), waitForConnected(b.page)]);
    await expect.poll(async () => {
      const [x, y] = [await cellIds(a.page), await cellIds(b.page)];
      return x.join() === y.join() && x.length === 3;
    }, { timeout: 15_000 }).toBe(true);
    const after = await cellIds(a.page);
    expect([...after].sort()).toEqual([...before].sort());
    await Promise.all([waitForSaved(a.page, true), waitForSaved(b.page, true)]);
  });

  it('takes Korean typed through an input method (composition) once, and shares it', async () => {
    const cell = (await a.page.locator('[data-testid="cell"][data-kind="sql"]').last().getAttribute('data-cell-id'))!;
    const before = (await editorText(a.page, cell))!;
    await typeInSqlCell(a.page, cell, ' -- ');
    // What a Korean IME sends while "한글" is typed: compositions that change syllable by syllable.
    const cdp = await a.context.newCDPSession(a.page);
    for (const [composing, commit] of [[['ㅎ', '하', '한'], '한'], [['ㄱ', '그', '글'], '글']] as const) {
      for (const text of composing) await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
      await cdp.send('Input.insertText', { text: commit });
    }
    await cdp.detach();
    const expected = `${before} -- 한글`;
    await waitForEditorText(a.page, cell, (t) => t === expected);
    await waitForEditorText(b.page, cell, (t) => t === expected);
  });

  it('undoes only my own typing with Ctrl+Z, leaving the other person’s', async () => {
    const cell = (await a.page.locator('[data-testid="cell"][data-kind="sql"]').last().getAttribute('data-cell-id'))!;
    const before = (await editorText(a.page, cell))!;
    await typeInSqlCell(a.page, cell, ' mine');
    await waitForEditorText(b.page, cell, (t) => t === `${before} mine`);
    await typeInSqlCell(b.page, cell, ' theirs');
    await waitForEditorText(a.page, cell, (t) => t === `${before} mine theirs`);
    await a.page.locator(`[data-testid="cell"][data-cell-id="${cell}"] .monaco-editor .view-lines`).click();
    await a.page.keyboard.press('Control+z');
    // Typing within the capture window joins one undo step, so the step may reach back further
    // than " mine"; what matters is that it removes mine and keeps theirs.
    const undone = await waitForEditorText(a.page, cell, (t) => !t.includes(' mine') && t.endsWith(' theirs'));
    await waitForEditorText(b.page, cell, (t) => t === undone);
    await a.page.keyboard.press('Control+Shift+z');
    await waitForEditorText(a.page, cell, (t) => t === `${before} mine theirs`);
    await waitForEditorText(b.page, cell, (t) => t === `${before} mine theirs`);
  });

  it('shows saved once an edit is stored', async () => {
    const ids = await cellIds(a.page);
    const sqlCell = await a.page.locator('[data-testid="cell"][data-kind="sql"]').first().getAttribute('data-cell-id');
    expect(ids).toContain(sqlCell);
    await typeInSqlCell(a.page, sqlCell!, '\nFROM rentals');
    await waitForSaved(a.page, true);
    await waitForSaved(b.page, true);
  });

  it('keeps an offline edit and merges it after reconnecting, without duplicated or lost cells', async () => {
    const ids = await cellIds(a.page);
    const sqlCell = (await a.page.locator('[data-testid="cell"][data-kind="sql"]').first().getAttribute('data-cell-id'))!;
    const textBefore = (await editorText(a.page, sqlCell))!;

    await a.context.setOffline(true);
    try {
      await expect.poll(() => status(a.page), { timeout: 15_000 }).toBe('offline');
      await typeInSqlCell(a.page, sqlCell, '\nGROUP BY station');
      await addCellAtEnd(a.page, 'markdown');
      await waitForSaved(a.page, false);
      // Meanwhile Alice keeps working online.
      await typeInSqlCell(b.page, sqlCell, '\n-- online');
      expect(await cellIds(a.page)).toHaveLength(4);
    } finally {
      await a.context.setOffline(false);
    }
    await waitForConnected(a.page);
    await expect.poll(async () => {
      const [x, y] = [await cellIds(a.page), await cellIds(b.page)];
      return x.length === 4 && x.join() === y.join();
    }, { timeout: 20_000 }).toBe(true);
    const merged = await waitForEditorText(b.page, sqlCell, (t) => t.includes('GROUP BY station') && t.includes('-- online'));
    expect(await editorText(a.page, sqlCell)).toBe(merged);
    expect(merged.startsWith(textBefore.split('\n')[0])).toBe(true);
    expect(new Set(await cellIds(a.page)).size).toBe(4);
    expect((await cellIds(a.page)).filter((id) => ids.includes(id))).toHaveLength(3);
    await waitForSaved(a.page, true);
  });

  it('shows the same notebook after a reload', async () => {
    const ids = await cellIds(b.page);
    const sqlCell = (await b.page.locator('[data-testid="cell"][data-kind="sql"]').first().getAttribute('data-cell-id'))!;
    const text = (await editorText(b.page, sqlCell))!;
    const title = await notebookTitle(b.page);
    await b.page.reload();
    await waitForConnected(b.page);
    await expect.poll(() => cellIds(b.page)).toEqual(ids);
    await waitForEditorText(b.page, sqlCell, (t) => t === text);
    expect(title).toBe('따릉이 대여 분석');
    await expect.poll(() => notebookTitle(b.page)).toBe(title);
  });

  it('a viewer sees live edits, cannot type, and is told why', async () => {
    const viewer = await server.createUser({ name: '박서준', org: '마포 자전거 시민모임', orgKind: 'cso', role: 'analyst' });
    const owner = await server.signIn(minji.email, minji.password);
    const notebookId = decodeURIComponent(notebookPath.split('/').pop()!);
    const share = await owner.post(`/api/notebooks/${encodeURIComponent(notebookId)}/members`, { email: viewer.email, role: 'viewer' });
    expect(share.status, share.text).toBeLessThan(300);
    const c = await openPerson(browser, server.url);
    try {
      await signInThroughPage(c.page, viewer.email, viewer.password, notebookPath);
      await waitForConnected(c.page);
      const cell = (await c.page.locator('[data-testid="cell"][data-kind="sql"]').first().getAttribute('data-cell-id'))!;
      const text = await waitForEditorText(c.page, cell, (t) => t.length > 0);
      await expect.poll(() => c.page.locator(`[data-testid="sql-editor"][data-cell-id="${cell}"]`).getAttribute('data-read-only')).toBe('true');
      await c.page.locator(`[data-testid="cell"][data-cell-id="${cell}"] .monaco-editor .view-lines`).click();
      await c.page.keyboard.type('DROP TABLE rentals');
      expect(await editorText(c.page, cell)).toBe(text);
      // The viewer is told why, calmly: a status notice naming the role, not an error.
      const notice = c.page.getByTestId('read-only-notice');
      await notice.waitFor();
      expect(await notice.getAttribute('data-role')).toBe('viewer');
      expect(await notice.getAttribute('role')).toBe('status');
      // Minji still sees her text unchanged and sees the viewer arrive.
      await a.page.locator(`[data-testid="presence-avatar"][data-user-name="박서준"]`).waitFor();
      expect(await editorText(a.page, cell)).toBe(text);
      // Live edits still reach the viewer.
      await typeInSqlCell(a.page, cell, ' -- 뷰어도 봅니다');
      await waitForEditorText(c.page, cell, (t) => t === `${text} -- 뷰어도 봅니다`);
      c.assertClean(expectedConsole);
    } finally {
      await c.context.close();
    }
  });

  it('stayed on 127.0.0.1 and logged no errors', () => {
    a.assertClean(expectedConsole);
    b.assertClean(expectedConsole);
  });
});
