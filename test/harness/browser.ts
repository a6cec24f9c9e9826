/**
 * Headless Debian Chromium for end-to-end tests (playwright-core, no downloaded browser). One
 * browser per test file; each simulated person gets a fresh context (own cookies, IndexedDB).
 *
 * Every context records, and aborts, any request to a host other than 127.0.0.1/localhost (the
 * product must work air-gapped), and collects console errors and page crashes; `assertClean()`
 * fails the test on either.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

const launchArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Waits (up to `timeoutMs`) for the Chromium binary: it may still be installing on a fresh machine. */
export async function waitForChromium(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(chromiumPath)) {
    if (Date.now() > deadline) throw new Error(`${chromiumPath} not found: apt-get install chromium`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function launchBrowser(): Promise<Browser> {
  await waitForChromium();
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs });
}

const localHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for URLs the product may load in tests: loopback, or in-page schemes (data:, blob:). */
export function isLocalUrl(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return localHosts.has(u.hostname);
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Requests (and websockets) to anything but loopback; aborted, and a test failure. */
  outsideRequests: string[];
  consoleErrors: string[];
  /** Every request URL the page made, in order (e.g. to check which chunks loaded). */
  requests: string[];
  /** Throws if the page went outside 127.0.0.1 or logged console errors (except `allow` matches). */
  assertClean(allow?: RegExp[]): void;
}

export async function openPerson(browser: Browser, baseUrl: string, options: { locale?: string } = {}): Promise<Person> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: options.locale ?? 'ko-KR',
    timezoneId: 'Asia/Seoul',
    viewport: { width: 1280, height: 900 },
  });
  // Asks the client to expose its Monaco editors on window.__madangEditors (see SqlEditor.tsx).
  await context.addInitScript(() => { (window as unknown as { __madangE2E: boolean }).__madangE2E = true; });
  const outsideRequests: string[] = [];
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLocalUrl(url)) return route.continue();
    outsideRequests.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const watch = (p: Page) => {
    p.on('request', (r) => requests.push(r.url()));
    p.on('websocket', (ws) => { if (!isLocalUrl(ws.url())) outsideRequests.push(ws.url()); });
    p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${m.text()} @ ${m.location().url}`); });
    p.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    p.on('crash', () => consoleErrors.push('page crashed'));
  };
  watch(page);
  context.on('page', watch);
  return {
    context, page, outsideRequests, consoleErrors, requests,
    assertClean(allow = []) {
      if (outsideRequests.length > 0) throw new Error(`requests outside 127.0.0.1: ${outsideRequests.join(', ')}`);
      const errors = consoleErrors.filter((e) => !allow.some((re) => re.test(e)));
      if (errors.length > 0) throw new Error(`console errors:\n${errors.join('\n')}`);
    },
  };
}

/** Signs in through the real login page, like a person: type email and password, submit. */
export async function signInThroughPage(page: Page, email: string, password: string, next = '/'): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.locator('input[type="email"], input[name="email"]').first().fill(email);
  await page.locator('input[type="password"]').first().fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/login', { timeout: 15_000 }),
    page.locator('form button[type="submit"], form [type="submit"]').first().click(),
  ]);
}

/** Saves a full-page screenshot under `test-results/` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.resolve('test-results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The production client the e2e tests drive: `MADANG_E2E_CLIENT_DIR` (a client built elsewhere,
 * e.g. while dist/ is in use), else `dist/client`. `npm test` builds before vitest; a lone
 * `vitest run --project e2e` builds here when nothing is built yet.
 */
export function builtClientDir(): string {
  const dir = path.resolve(process.env.MADANG_E2E_CLIENT_DIR ?? 'dist/client');
  if (existsSync(path.join(dir, 'index.html'))) return dir;
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
  return dir;
}
