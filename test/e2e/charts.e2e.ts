/**
 * Charts and inputs end to end: real server, production build, headless Chromium, DuckDB-WASM.
 * - an input feeds a SQL cell (`$year`, a bound parameter) that feeds a bar chart and a district map;
 * - changing the input re-runs the SQL cell and the chart redraws with the new year's numbers
 *   (checked against native DuckDB on the same CSV);
 * - editing the SQL redraws the chart; the map joins districts by name;
 * - a person's input value never reaches the shared document or another person; nothing leaves
 *   127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtClientDir, launchBrowser, openPerson, screenshot, signInThroughPage, type Person } from '../harness/browser.ts';
import { importNotebook, startTestServer, type TestServer, type TestUser } from '../harness/testServer.ts';

// The gate builds dist/client first; MADANG_E2E_CLIENT_DIR lets a developer test a private build.
const bikeCsv = path.resolve('server/data/public/bike_accidents_by_gu/bike.csv');

const notebook = `---
title: 차트 시험 / Chart test
lang: ko
extracts:
  - bike_accidents_by_gu
---

\`\`\`input year
{
  "type": "range",
  "label": { "ko": "연도", "en": "Year" },
  "min": 2005,
  "max": 2023,
  "step": 1,
  "default": 2023
}
\`\`\`

\`\`\`sql by_gu
SELECT 자치구, 가해_발생건수 AS at_fault
FROM bike_accidents_by_gu
WHERE 자치구 <> '소계' AND 연도 = $year
ORDER BY at_fault DESC, 자치구
\`\`\`

\`\`\`chart
{
  "mark": "barY",
  "data": "by_gu",
  "x": "자치구",
  "y": "at_fault",
  "sort": { "x": "-y" },
  "title": { "ko": "자치구별 가해 사고", "en": "At-fault accidents by district" },
  "alt": { "ko": "자치구별 자전거 가해 사고 막대 그래프", "en": "Bars: accidents caused by cyclists per district" }
}
\`\`\`

\`\`\`chart
{
  "mark": "geo",
  "data": "by_gu",
  "join": { "by": "name", "field": "자치구" },
  "fill": "at_fault",
  "districtNames": true,
  "alt": { "ko": "자치구 지도", "en": "District map" }
}
\`\`\`
`;

let server: TestServer;
let browser: Browser;
let minji: TestUser;
let alice: TestUser;
let a: Person;
let b: Person;
let notebookId = '';
const expectedConsole = [/status of 401/];

/** Districts for a year, most at-fault accidents first (ties by name), from native DuckDB. */
async function nativeRanking(year: number): Promise<string[]> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const r = await c.runAndReadAll(`SELECT 자치구 FROM read_csv('${bikeCsv}') WHERE 자치구 <> '소계' AND 연도 = ${year} ORDER BY 가해_발생건수 DESC, 자치구`);
  const names = r.getRows().map((row) => String(row[0]));
  c.closeSync();
  inst.closeSync();
  return names;
}

beforeAll(async () => {
  const clientDir = builtClientDir();
  server = await startTestServer({ clientDir });
  minji = await server.createUser({ name: '김민지', org: '마포 자전거 시민모임', orgKind: 'cso', role: 'analyst' });
  const owner = await server.clientFor(minji);
  notebookId = await importNotebook(owner, notebook);
  alice = await server.createUser({ name: 'Alice Park', org: 'Seoul Data Lab', orgKind: 'expert', role: 'analyst' });
  const share = await owner.post(`/api/notebooks/${encodeURIComponent(notebookId)}/members`, { email: alice.email, role: 'viewer' });
  expect(share.status, share.text).toBeLessThan(300);
  browser = await launchBrowser();
  a = await openPerson(browser, server.url);
  b = await openPerson(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const chart = (page: Page, n: number): Locator => page.locator('[data-testid="cell"][data-kind="chart"]').nth(n);

/** The bar chart's x labels, in drawn order (sorted by value). */
async function barLabels(page: Page): Promise<string[]> {
  return chart(page, 0).locator('svg g[aria-label="x-axis tick label"] text').allTextContents();
}

describe('charts and inputs', () => {
  it('a SQL cell bound to an input feeds a bar chart and a district map', async () => {
    await signInThroughPage(a.page, minji.email, minji.password, `/n/${encodeURIComponent(notebookId)}`);
    const expected = await nativeRanking(2023);
    expect(expected.length).toBe(25);
    await expect.poll(() => barLabels(a.page), { timeout: 90_000 }).toEqual(expected);
    expect(await chart(a.page, 0).locator('svg g[aria-label="bar"] rect').count()).toBe(25);
    expect(await chart(a.page, 0).locator('svg[aria-label]').first().getAttribute('aria-label')).toBe('자치구별 자전거 가해 사고 막대 그래프');
    // The map: every district drawn, every district joined by name.
    const geo = chart(a.page, 1).locator('svg g[aria-label="geo"]');
    await expect.poll(() => geo.count(), { timeout: 30_000 }).toBe(2);
    expect(await geo.nth(0).locator('path').count()).toBe(25);
    expect(await geo.nth(1).locator('path').count()).toBe(25);
    expect(await chart(a.page, 1).getByTestId('chart-notes').count()).toBe(0);
    await screenshot(a.page, 'charts-2023');
  });

  it('changing the input re-runs the SQL cell and the chart redraws; the doc keeps the default; others keep theirs', async () => {
    const numberBox = a.page.getByTestId('input-control-range-number');
    await numberBox.fill('2010');
    await numberBox.press('Enter');
    const expected = await nativeRanking(2010);
    await expect.poll(() => barLabels(a.page), { timeout: 30_000 }).toEqual(expected);
    await expect.poll(() => a.page.evaluate(() => (window as any).__madangRuntime.getInputValue('year'))).toBe(2010);
    // The viewer's own value: the notebook's default is still 2023 on the server.
    const exported = await (await server.clientFor(minji)).get(`/api/notebooks/${encodeURIComponent(notebookId)}/export`);
    expect(exported.text).toContain('"default": 2023');
    // Another person (a viewer) still sees the default year, and can pick their own.
    await signInThroughPage(b.page, alice.email, alice.password, `/n/${encodeURIComponent(notebookId)}`);
    await expect.poll(() => barLabels(b.page), { timeout: 90_000 }).toEqual(await nativeRanking(2023));
    expect(await b.page.getByTestId('input-control-range-number').inputValue()).toBe('2023');
    expect(await b.page.getByTestId('input-set-default').count()).toBe(0);
    await b.page.getByTestId('input-control-range-number').fill('2015');
    await b.page.getByTestId('input-control-range-number').press('Enter');
    await expect.poll(() => barLabels(b.page), { timeout: 30_000 }).toEqual(await nativeRanking(2015));
    await expect.poll(() => barLabels(a.page)).toEqual(expected);
    b.assertClean(expectedConsole);
    // The data table shows the same numbers the chart draws.
    await chart(a.page, 0).getByTestId('chart-table-toggle').click();
    const firstRow = await chart(a.page, 0).locator('[data-testid="chart-table"] tbody tr').first().locator('td').allTextContents();
    expect(firstRow[0]).toBe(expected[0]);
  });

  it('editing the SQL redraws the chart and the map', async () => {
    const id = await a.page.evaluate(() => (window as any).__madangRuntime.cellIdByName('by_gu') as string);
    const editor = a.page.locator(`[data-testid="cell"][data-cell-id="${id}"] .monaco-editor`);
    await editor.locator('.view-lines').click();
    await a.page.keyboard.press('Control+End');
    await a.page.keyboard.type('\nLIMIT 5');
    const expected = (await nativeRanking(2010)).slice(0, 5);
    await expect.poll(() => barLabels(a.page), { timeout: 30_000 }).toEqual(expected);
    expect(await chart(a.page, 0).locator('svg g[aria-label="bar"] rect').count()).toBe(5);
    // Hovering a bar shows its values (Plot's tip).
    await chart(a.page, 0).locator('svg g[aria-label="bar"] rect').first().hover();
    const tip = chart(a.page, 0).locator('svg g[aria-label="tip"]');
    await expect.poll(() => tip.textContent(), { timeout: 10_000 }).toContain(expected[0]);
    expect(await tip.textContent()).toContain('at_fault');
    const geo = chart(a.page, 1).locator('svg g[aria-label="geo"]');
    await expect.poll(() => geo.nth(1).locator('path').count(), { timeout: 30_000 }).toBe(5);
    expect(await geo.nth(0).locator('path').count()).toBe(25);
    await screenshot(a.page, 'charts-2010-top5');
    a.assertClean(expectedConsole);
  });

  it.each(['bike-accidents-by-gu.md', 'fine-dust-and-traffic.md'])('every chart of the sample %s draws, with its alt text', async (file) => {
    const owner = await server.clientFor(minji);
    const id = await importNotebook(owner, readFileSync(path.resolve('notebooks', file), 'utf8'));
    const firstRequest = a.requests.length;
    await a.page.goto(`/n/${encodeURIComponent(id)}`);
    const charts = a.page.locator('[data-testid="cell"][data-kind="chart"]');
    await charts.first().waitFor();
    const n = await charts.count();
    expect(n).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < n; i++) {
      const svg = charts.nth(i).locator('[data-testid="chart-host"] svg[aria-label]').first();
      await svg.waitFor({ timeout: 90_000 });
      expect((await svg.getAttribute('aria-label'))!.length).toBeGreaterThan(10);
      expect(await charts.nth(i).locator('[data-testid="spec-problems"], .chart-error').count()).toBe(0);
    }
    // The district layer is its own chunk, fetched only by a page with a map.
    const hasMap = readFileSync(path.resolve('notebooks', file), 'utf8').includes('"mark": "geo"');
    expect(a.requests.slice(firstRequest).some((u) => /seoulGu-[\w-]+\.js/.test(u))).toBe(hasMap);
    await screenshot(a.page, `sample-${file.replace(/\.md$/, '')}`);
    a.assertClean(expectedConsole);
  });
});
