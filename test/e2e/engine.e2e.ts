/**
 * The analysis engine end to end: real server, production build, headless Chromium.
 * - the home page never downloads DuckDB;
 * - a three-cell chain computes on the bike-accident extract; editing the first cell re-runs the
 *   other two, and the numbers match native DuckDB on the same CSV;
 * - a 1,000,000-row result scrolls (rows far down are fetched as they come into view);
 * - cycles, unknown names, query errors (with the line) and 0-row results show in place;
 * - a second person sees the same cells and computes the same numbers in their own browser;
 * - a reload takes the extract from the browser cache; nothing leaves 127.0.0.1.
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtClientDir, launchBrowser, openPerson, signInThroughPage, type Person } from '../harness/browser.ts';
import { importNotebook, startTestServer, type TestServer, type TestUser } from '../harness/testServer.ts';
import { cellIdOf, gridRow, output, waitStatus } from '../harness/notebookPage.ts';

const bikeCsv = path.resolve('server/data/public/bike_accidents_by_gu/bike.csv');

const notebook = `---
title: 엔진 시험 / Engine test
lang: ko
extracts:
  - bike_accidents_by_gu
---

\`\`\`sql base
SELECT 연도, 가해_발생건수 AS n
FROM bike_accidents_by_gu
WHERE 자치구 = '소계'
\`\`\`

\`\`\`sql doubled
SELECT 연도, n * 2 AS n2 FROM base
\`\`\`

\`\`\`sql total
SELECT sum(n2) AS total, count(*) AS years FROM doubled
\`\`\`

\`\`\`chart
{
  "mark": "barY",
  "data": "doubled",
  "x": "연도",
  "y": "n2"
}
\`\`\`

\`\`\`input min_year
{
  "type": "range",
  "min": 2005,
  "max": 2023,
  "step": 1,
  "default": 2005
}
\`\`\`

\`\`\`sql since
SELECT count(*) AS years FROM base WHERE 연도 >= $min_year
\`\`\`

\`\`\`sql big
SELECT range AS i, range % 97 AS g FROM range(1000000)
\`\`\`

\`\`\`sql cyc_a
SELECT * FROM cyc_b
\`\`\`

\`\`\`sql cyc_b
SELECT * FROM cyc_a
\`\`\`

\`\`\`sql broken
SELECT 연도,
       no_such_column
FROM base
\`\`\`

\`\`\`sql lost
SELECT * FROM nowhere_table
\`\`\`

\`\`\`sql nothing
SELECT * FROM base WHERE n < 0
\`\`\`

\`\`\`sql mine
SELECT 측정소명, "미세먼지농도(㎍/㎥)" AS pm10 FROM local_air_2018_head ORDER BY pm10 DESC NULLS LAST LIMIT 1
\`\`\`
`;

let server: TestServer;
let browser: Browser;
let minji: TestUser;
let alice: TestUser;
let a: Person;
let b: Person;
let c: Person;
let notebookPath = '';
const expectedConsole = [/status of 401/];

async function nativeTotal(fromYear: number): Promise<{ total: number; years: number }> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const r = await c.runAndReadAll(`SELECT sum(가해_발생건수 * 2)::DOUBLE AS total, count(*)::DOUBLE AS years FROM read_csv('${bikeCsv}') WHERE 자치구 = '소계' AND 연도 >= ${fromYear}`);
  const [total, years] = r.getRows()[0]!.map(Number);
  c.closeSync();
  inst.closeSync();
  return { total: total!, years: years! };
}

beforeAll(async () => {
  const clientDir = builtClientDir();
  server = await startTestServer({ clientDir });
  minji = await server.createUser({ name: '김민지', org: '마포 자전거 시민모임', orgKind: 'cso', role: 'analyst' });
  alice = await server.createUser({ name: 'Alice Park', org: 'Seoul Data Lab', orgKind: 'expert', role: 'analyst' });
  const owner = await server.clientFor(minji);
  const id = await importNotebook(owner, notebook);
  const share = await owner.post(`/api/notebooks/${encodeURIComponent(id)}/members`, { email: alice.email, role: 'editor' });
  expect(share.status, share.text).toBeLessThan(300);
  notebookPath = `/n/${encodeURIComponent(id)}`;
  browser = await launchBrowser();
  a = await openPerson(browser, server.url);
  b = await openPerson(browser, server.url);
  c = await openPerson(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the analysis engine', () => {
  it('the home page does not download DuckDB', async () => {
    await signInThroughPage(a.page, minji.email, minji.password, '/');
    await a.page.getByTestId('new-notebook-button').waitFor();
    expect(a.requests.filter((u) => /duckdb|\.wasm|parquet/i.test(u))).toEqual([]);
  });

  it('computes a three-cell chain on the extract, with the engine and extract progress shown', async () => {
    await a.page.goto(notebookPath);
    await a.page.getByTestId('runtime-panel').waitFor();
    const totalId = await waitStatus(a.page, 'total', 'done', 90_000);
    const expected = await nativeTotal(0);
    expect(await gridRow(a.page, totalId, 0)).toEqual([String(expected.total), String(expected.years)]);
    await expect.poll(() => a.page.locator('[data-testid="extract-status"][data-extract="bike_accidents_by_gu"]').getAttribute('data-phase')).toBe('ready');
    expect(a.requests.some((u) => /duckdb-(eh|mvp)[^/]*\.wasm/.test(u))).toBe(true);
    expect(a.requests.some((u) => u.includes('/api/extracts/bike_accidents_by_gu/1/arrow'))).toBe(true);
  });

  it('the chart draws the chain; changing an input re-runs only its dependants', async () => {
    const bars = a.page.locator('[data-testid="chart-cell"] [data-testid="chart-host"] svg rect, [data-testid="chart-cell"] [data-testid="chart-host"] svg path[aria-label]');
    await expect.poll(() => a.page.locator('[data-testid="chart-cell"] [data-testid="chart-host"] svg').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await bars.count()).toBeGreaterThan(0);
    const since = await waitStatus(a.page, 'since', 'done');
    expect(await gridRow(a.page, since, 0)).toEqual(['19']);
    const totalKey = await a.page.evaluate(() => JSON.stringify((window as any).__madangRuntime.store.getState().cells[(window as any).__madangRuntime.cellIdByName('total')].result.key));
    const field = a.page.getByTestId('input-control-range-number');
    await field.fill('2020');
    await field.press('Enter');
    await expect.poll(async () => (await gridRow(a.page, since, 0)).join('|'), { timeout: 30_000 }).toBe('4');
    // cells that do not read $min_year kept their result
    expect(await a.page.evaluate(() => JSON.stringify((window as any).__madangRuntime.store.getState().cells[(window as any).__madangRuntime.cellIdByName('total')].result.key))).toBe(totalKey);
  });

  it('shows cycles, unknown names, query errors with their line, and 0-row results in place', async () => {
    const cycA = await waitStatus(a.page, 'cyc_a', 'blocked');
    await expect(output(a.page, cycA).getByTestId('cell-problem').textContent()).resolves.toContain('cyc_a → cyc_b');
    const lost = await waitStatus(a.page, 'lost', 'blocked');
    await expect(output(a.page, lost).getByTestId('cell-problem').textContent()).resolves.toContain('nowhere_table');
    const broken = await waitStatus(a.page, 'broken', 'error');
    const errorText = await output(a.page, broken).getByTestId('cell-error').textContent();
    expect(errorText).toContain('no_such_column');
    expect(errorText).toMatch(/2번째 줄|line 2/);
    // Monaco draws the error marker (a squiggle) in the failing cell's editor
    await expect.poll(() => a.page.locator(`[data-testid="cell"][data-cell-id="${broken}"] .monaco-editor .squiggly-error`).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const nothing = await waitStatus(a.page, 'nothing', 'done');
    await expect(output(a.page, nothing).getByTestId('cell-empty').isVisible()).resolves.toBe(true);
  });

  it('a 1,000,000-row result scrolls: rows far down are fetched from DuckDB as they come into view', async () => {
    const big = await waitStatus(a.page, 'big', 'done');
    const grid = output(a.page, big).getByTestId('result-grid');
    expect(await grid.getAttribute('data-row-count')).toBe('1000000');
    expect(await gridRow(a.page, big, 0)).toEqual(['0', '0']);
    const body = output(a.page, big).getByTestId('result-grid-body');
    await body.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
    const firstRow = () => output(a.page, big).getByTestId('result-grid-row').first().getAttribute('data-row');
    await expect.poll(async () => Number(await firstRow())).toBeGreaterThan(400_000);
    const firstShown = Number(await firstRow());
    expect(firstShown).toBeLessThan(600_000);
    expect(await gridRow(a.page, big, firstShown)).toEqual([String(firstShown), String(firstShown % 97)]);
    await body.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await expect.poll(() => output(a.page, big).getByTestId('result-grid-row').last().getAttribute('data-row')).toBe('999999');
    expect(await gridRow(a.page, big, 999_999)).toEqual(['999999', String(999_999 % 97)]);
    // only a window of rows is in the DOM
    expect(await output(a.page, big).getByTestId('result-grid-row').count()).toBeLessThan(40);
    // sorting re-queries with ORDER BY: ascending, then descending
    const header = output(a.page, big).getByTestId('result-grid-th').first();
    await header.click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    await header.click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    expect(await gridRow(a.page, big, 0)).toEqual(['999999', String(999_999 % 97)]);
  });

  it('editing the first cell re-runs its dependants; a second person computes the same numbers locally', async () => {
    const baseId = await cellIdOf(a.page, 'base');
    const totalId = await cellIdOf(a.page, 'total');
    const editor = a.page.locator(`[data-testid="cell"][data-cell-id="${baseId}"] .monaco-editor`);
    await editor.locator('.view-lines').click();
    await a.page.keyboard.press('Control+End');
    await a.page.keyboard.type(' AND 연도 >= 2015');
    const expected = await nativeTotal(2015);
    await expect.poll(async () => (await gridRow(a.page, totalId, 0)).join('|'), { timeout: 30_000 }).toBe(`${expected.total}|${expected.years}`);
    // the chart follows its data cell: one bar per remaining year
    await expect.poll(() => a.page.locator('[data-testid="chart-cell"] [data-testid="chart-host"] svg g[aria-label="bar"] rect').count(), { timeout: 30_000 }).toBe(expected.years);
    // $min_year = 2020 still applies to the edited base: 2020..2023
    const since = await cellIdOf(a.page, 'since');
    await expect.poll(async () => (await gridRow(a.page, since, 0)).join('|'), { timeout: 30_000 }).toBe('4');

    await signInThroughPage(b.page, alice.email, alice.password, notebookPath);
    const bTotal = await waitStatus(b.page, 'total', 'done', 90_000);
    expect(bTotal).toBe(totalId);
    await expect.poll(async () => (await gridRow(b.page, bTotal, 0)).join('|'), { timeout: 30_000 }).toBe(`${expected.total}|${expected.years}`);
    expect(b.requests.some((u) => /duckdb-(eh|mvp)[^/]*\.wasm/.test(u))).toBe(true);
  });

  it('a reload takes the extract from the browser cache; nothing left 127.0.0.1', async () => {
    const before = a.requests.filter((u) => u.includes('/arrow')).length;
    await a.page.reload();
    await waitStatus(a.page, 'total', 'done', 90_000);
    await expect.poll(() => a.page.locator('[data-testid="extract-status"][data-extract="bike_accidents_by_gu"]').getAttribute('data-from-cache')).toBe('true');
    expect(a.requests.filter((u) => u.includes('/arrow')).length).toBe(before);
    a.assertClean(expectedConsole);
    b.assertClean(expectedConsole);
  });

  it('a CP949 CSV dropped as a local file is read in the browser, marked local-only, never uploaded', async () => {
    const mine = await cellIdOf(a.page, 'mine');
    await expect.poll(() => output(a.page, mine).getAttribute('data-status')).toBe('blocked');
    const uploadsBefore = a.requests.filter((u) => !u.includes('/assets/')).length;
    await a.page.getByTestId('local-file-input').setInputFiles(path.resolve('test/fixtures/cp949/air_2018_head.csv'));
    const local = a.page.locator('[data-testid="local-table"][data-name="local_air_2018_head"]');
    await expect.poll(() => local.textContent(), { timeout: 20_000 }).toContain('CP949');
    await waitStatus(a.page, 'mine', 'done');
    expect(await gridRow(a.page, mine, 0)).toEqual(['신촌로', '58']);
    // reading the file made no request (an upload would be one)
    expect(a.requests.filter((u) => !u.includes('/assets/')).length).toBe(uploadsBefore);
  });

  it('an extract download that breaks off halfway says so and can be retried', async () => {
    let cut = true;
    await c.page.route('**/api/extracts/bike_accidents_by_gu/1/arrow', async (route) => {
      if (!cut) return route.fallback();
      const res = await route.fetch({ headers: { ...route.request().headers(), 'accept-encoding': 'identity' } });
      const body = await res.body();
      return route.fulfill({ status: 200, headers: { 'content-type': 'application/vnd.apache.arrow.stream', 'x-uncompressed-length': String(body.byteLength) }, body: body.subarray(0, body.byteLength >> 1) });
    });
    await signInThroughPage(c.page, alice.email, alice.password, notebookPath);
    const status = c.page.locator('[data-testid="extract-status"][data-extract="bike_accidents_by_gu"]');
    await expect.poll(() => status.getAttribute('data-phase'), { timeout: 90_000 }).toBe('error');
    expect(await status.textContent()).toMatch(/중간에 끊겼습니다|stopped halfway/);
    const baseId = await waitStatus(c.page, 'base', 'error');
    await expect(output(c.page, baseId).getByTestId('cell-error').textContent()).resolves.toContain('bike_accidents_by_gu');
    const totalId = await waitStatus(c.page, 'total', 'blocked');
    await expect(output(c.page, totalId).getByTestId('cell-problem').textContent()).resolves.toContain('doubled');
    // other cells are not held up: the 1M-row cell computed
    await waitStatus(c.page, 'big', 'done');
    cut = false;
    await status.getByRole('button').click();
    await expect.poll(() => status.getAttribute('data-phase'), { timeout: 30_000 }).toBe('ready');
    await waitStatus(c.page, 'total', 'done');
  });
});
