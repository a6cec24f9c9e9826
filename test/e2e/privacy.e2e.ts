/**
 * The privacy flow end to end: real server, production build, headless Chromium.
 * - a steward imports a CSV through the data page (streamed upload with a progress bar);
 * - drafts a policy in the editor and sees the live preview (k reached, levels, histogram);
 * - two members of a CSO approve it on their own screens;
 * - the steward builds the extract, which appears with its report and in the extract catalog.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtClientDir, launchBrowser, openPerson, screenshot, signInThroughPage, type Person } from '../harness/browser.ts';
import { startTestServer, type TestServer, type TestUser } from '../harness/testServer.ts';
import { tripsCsv } from '../datasets/fixtures.ts';

// The gate builds dist/client first; MADANG_E2E_CLIENT_DIR lets a developer test a private build.

let server: TestServer;
let browser: Browser;
let tmp: string;
let steward: TestUser;
let cso1: TestUser;
let cso2: TestUser;
const people: Person[] = [];

beforeAll(async () => {
  const clientDir = builtClientDir();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'madang-privacy-e2e-'));
  server = await startTestServer({ clientDir });
  steward = await server.createUser({ role: 'steward', name: '김관리', org: '서울특별시 데이터전략과', orgKind: 'city' });
  cso1 = await server.createUser({ role: 'analyst', name: '이활동', org: '서울환경연합', orgKind: 'cso' });
  cso2 = await server.createUser({ role: 'analyst', name: '박시민', org: '서울환경연합', orgKind: 'cso' });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  for (const p of people) await p.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function personFor(user: TestUser, next: string): Promise<Person> {
  const p = await openPerson(browser, server.url);
  people.push(p);
  await signInThroughPage(p.page, user.email, user.password, next);
  return p;
}

describe('import -> policy -> CSO approval -> extract', () => {
  let datasetPath = '';

  it('a steward imports a CSV through the data page', async () => {
    const file = path.join(tmp, 'trips.csv');
    await writeFile(file, tripsCsv(400));
    const s = await personFor(steward, '/data');
    await s.page.getByTestId('data-link').waitFor();
    await s.page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => s.page.getByTestId('import-name').inputValue()).toBe('trips');
    await s.page.getByTestId('import-submit').click();
    await s.page.waitForURL(/\/data\/[A-Za-z0-9_-]+$/, { timeout: 30_000 });
    datasetPath = new URL(s.page.url()).pathname;
    await expect.poll(() => s.page.getByTestId('dataset-name').textContent()).toBe('trips');
    await expect.poll(() => s.page.getByTestId('profile-table').locator('tbody tr').count()).toBe(6);
    s.assertClean();
  }, 60_000);

  it('drafts a policy and sees the live preview', async () => {
    const s = people[0];
    const page = s.page;
    await page.getByTestId('role-rental_id').selectOption('identifier');
    await page.getByTestId('role-birth_year').selectOption('quasi');
    await page.getByTestId('role-gender').selectOption('quasi');
    await page.getByTestId('role-gu').selectOption('quasi');
    await page.getByTestId('hierarchy-gu').selectOption('map');
    await page.getByTestId('policy-column-gu').locator('textarea').fill('강남구 = 동남권\n서초구 = 동남권\n송파구 = 동남권\n마포구 = 서북권\n종로구 = 도심권\n중구 = 도심권');
    await page.getByTestId('role-purpose').selectOption('sensitive');
    await page.getByTestId('ldiv-purpose').selectOption('distinct');
    await expect.poll(() => page.getByTestId('policy-preview').getByTestId('report-status').textContent(), { timeout: 30_000 }).toMatch(/k=5 달성/);
    await expect.poll(() => page.getByTestId('policy-preview').getByTestId('report-levels').textContent()).toMatch(/birth_year/);
    expect(await page.getByTestId('report-histogram').locator('.data-histogram-row').count()).toBeGreaterThan(0);
    const shot = await screenshot(page, 'privacy-policy-editor');
    expect(existsSync(shot)).toBe(true);
    await page.getByTestId('policy-note').fill('첫 정책: 출생연도 10년 구간, 자치구는 권역으로');
    await page.getByTestId('policy-submit').click();
    await page.getByTestId('policy-submitted').waitFor();
    await expect.poll(() => page.getByTestId('policy-version-1').getByTestId('policy-state').textContent()).toBe('승인 대기');
    // No extract before approval: the server says why.
    await page.getByTestId('build-extract').click();
    await expect.poll(() => page.getByTestId('build-error').textContent()).toMatch(/승인된 정책이 없어/);
    s.assertClean([/409/]);
  }, 60_000);

  it('two CSO members approve on their own screens', async () => {
    for (const [i, user] of [cso1, cso2].entries()) {
      const p = await personFor(user, datasetPath);
      const item = p.page.getByTestId('policy-version-1');
      await item.waitFor();
      // Approvers see the profile summary, never values.
      expect(await p.page.getByTestId('profile-table').locator('thead th').count()).toBe(4);
      await item.getByTestId('review-comment').fill(i === 0 ? '미리보기 확인했습니다' : '동의합니다');
      await item.getByTestId('review-approve').click();
      await expect.poll(() => item.locator('.data-reviews li').count()).toBe(i + 1);
      p.assertClean();
    }
    const last = people.at(-1)!;
    await expect.poll(() => last.page.getByTestId('policy-version-1').getByTestId('policy-state').textContent()).toBe('승인됨 · 효력 있음');
  }, 60_000);

  it('the steward builds the extract, which appears with its report and in the catalog', async () => {
    const s = people[0];
    await s.page.reload();
    await s.page.getByTestId('build-extract').click();
    const build = s.page.getByTestId('extract-build-1');
    await build.waitFor({ timeout: 30_000 });
    expect(await build.getByTestId('report-status').textContent()).toMatch(/k=5 달성/);
    const catalog = await s.page.evaluate(async () => (await fetch('/api/extracts')).json() as Promise<{ extracts: { name: string; latest: { kind: string } }[] }>);
    expect(catalog.extracts.find((e) => e.name === 'trips')?.latest.kind).toBe('sanitised');
    s.assertClean([/409/]);
  }, 60_000);
});
