/**
 * Stories end to end, in headless Chromium against the real server and built client: an owner
 * publishes through the notebook's publish dialog; a citizen with no account reads the story on a
 * phone-sized screen with JavaScript disabled, sees the chart SVG and opens its data table,
 * switches to English, and the page loads no script at all. The notebook shows the extract
 * version it computes on; the story's data table opens from the keyboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { builtClientDir, isLocalUrl, launchBrowser, openPerson, screenshot, signInThroughPage, type Person } from '../harness/browser.ts';
import { importNotebook, startTestServer, type TestServer, type TestUser } from '../harness/testServer.ts';
import { addTripsExtract, storyNotebookMd } from '../stories/fixtures.ts';


let server: TestServer;
let browser: Browser;
let owner: TestUser;
let person: Person;
let notebookId = '';
let storyUrl = '';

beforeAll(async () => {
  const clientDir = builtClientDir();
  server = await startTestServer({ clientDir });
  owner = await server.createUser({ name: '김민지', org: '마포 자전거 시민모임', role: 'analyst' });
  const { catalog } = await addTripsExtract(server.server, server.dataDir);
  await catalog.close();
  const client = await server.clientFor(owner);
  notebookId = await importNotebook(client, storyNotebookMd);
  browser = await launchBrowser();
  person = await openPerson(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('story', () => {
  it('an owner publishes through the publish dialog', async () => {
    const { page } = person;
    await signInThroughPage(page, owner.email, owner.password, `/n/${notebookId}`);
    // The notebook computes on trips v1 and says so above the cells; the publish request then
    // carries that version for the server's consistency check.
    const line = page.locator('[data-testid="extract-status"][data-extract="trips"]');
    await line.locator('[data-testid="extract-version"]').waitFor({ timeout: 60_000 });
    expect(await line.getAttribute('data-version')).toBe('1');
    expect(await line.locator('[data-testid="extract-version"]').textContent()).toMatch(/^v1 · /);
    await page.getByTestId('publish-button').click();
    const dialog = page.getByTestId('publish-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByTestId('publish-title-en').fill('Bike trips by district');
    await dialog.getByTestId('publish-pick-markdown').first().check();
    await dialog.getByTestId('publish-pick-chart').first().check();
    await dialog.getByTestId('publish-submit').click();
    const link = dialog.getByTestId('publish-story-link');
    await link.waitFor({ timeout: 30_000 });
    storyUrl = (await link.getAttribute('href')) ?? '';
    expect(storyUrl).toMatch(/^\/stories\//);
    await screenshot(page, 'story-publish-dialog');
    person.assertClean([/status of 401/]);
  });

  it('an editor moves the pin to a newer version: one click, stored in the doc, the runtime loads it', async () => {
    const { page } = person;
    const { catalog } = await addTripsExtract(server.server, server.dataDir, { seed: 8 });
    await catalog.close();
    await page.reload();
    const button = page.getByTestId('extract-update');
    await button.waitFor({ timeout: 60_000 });
    expect(await button.textContent()).toBe('v2으로 바꾸기');
    await button.click();
    const line = page.locator('[data-testid="extract-status"][data-extract="trips"][data-version="2"][data-phase="ready"]');
    await line.waitFor({ timeout: 60_000 });
    expect(await line.locator('[data-testid="extract-version"]').textContent()).toBe('v2 · 고정');
    const res = await (await server.clientFor(owner)).get(`/api/notebooks/${notebookId}/export`);
    expect(res.text).toContain('extracts:\n  - trips@2\n');
  });

  it('a citizen reads it on a phone with JavaScript off: SVG chart, data table, English', async () => {
    const context = await browser.newContext({
      baseURL: server.url, javaScriptEnabled: false, locale: 'ko-KR', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
    });
    const requests: string[] = [];
    await context.route('**/*', (route) => (isLocalUrl(route.request().url()) ? route.continue() : route.abort()));
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    expect(await context.cookies()).toEqual([]);
    const res = await page.goto(storyUrl);
    expect(res?.status()).toBe(200);
    const svg = page.locator('figure.chart svg[role="img"]').first();
    await expect.poll(() => svg.isVisible()).toBe(true);
    const box = await svg.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    expect(await page.locator('figure.chart table').first().isVisible()).toBe(false);
    // Keyboard: the first Tab lands on the skip link; the data table opens with Enter on its summary.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.locator('figure.chart details summary').first().focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('figure.chart table').first().isVisible()).toBe(true);
    expect(await page.locator('figure.chart table tbody tr').count()).toBe(6);
    await screenshot(page, 'story-phone-ko');
    // The story page loads no script: no <script> element and no .js request.
    expect(await page.locator('script').count()).toBe(0);
    expect(requests.filter((u) => /\.js(\?|$)/.test(u))).toEqual([]);

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Bike trips by district');
    expect(await page.locator('figure.chart figcaption').first().textContent()).toContain('Trips by district');
    await screenshot(page, 'story-phone-en');
    await context.close();
  });
});
