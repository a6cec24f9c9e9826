/**
 * Dataset upload in the browser (issue 5, "a 2 GB upload"), scaled down: the server's limit is
 * 16 MiB here.
 * - a 20 MB file is refused on the page before any byte is sent, with the server's bilingual
 *   message (limit, `madang dataset import`, MADANG_DATASET_MAX_BYTES), and the button stays off;
 * - the same refusal from the server itself (a browser that did not check) reaches the page as
 *   413 with the message, not as a dropped connection;
 * - a 12 MB file uploaded on a throttled link shows the progress bar moving (bytes sent of the
 *   total), then the converting state, then the new dataset.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtClientDir, launchBrowser, openPerson, screenshot, signInThroughPage, type Person } from '../harness/browser.ts';
import { startTestServer, type TestServer, type TestUser } from '../harness/testServer.ts';
import { tripsCsv } from '../datasets/fixtures.ts';

const limit = 16 * 1024 * 1024;

let server: TestServer;
let browser: Browser;
let tmp: string;
let steward: TestUser;
const people: Person[] = [];

/** A trips CSV of at least `bytes` bytes (the fixture's rows repeated with fresh ids). */
function tripsOfSize(bytes: number): Buffer {
  const block = tripsCsv(5000).split('\n').slice(1).join('\n');
  const parts = [Buffer.from('rental_id,birth_year,gender,gu,purpose,distance_m\n')];
  for (let i = 0, size = parts[0].length; size < bytes; i++) {
    parts.push(Buffer.from(block.replaceAll('RAWSECRET-', `R${i}-`)));
    size += parts[parts.length - 1].length;
  }
  return Buffer.concat(parts);
}

beforeAll(async () => {
  const clientDir = builtClientDir();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'madang-upload-e2e-'));
  const before = process.env.MADANG_DATASET_MAX_BYTES;
  process.env.MADANG_DATASET_MAX_BYTES = String(limit);
  try {
    server = await startTestServer({ clientDir });
  } finally {
    if (before === undefined) delete process.env.MADANG_DATASET_MAX_BYTES;
    else process.env.MADANG_DATASET_MAX_BYTES = before;
  }
  steward = await server.createUser({ role: 'steward', name: '김관리', org: '서울특별시 데이터전략과', orgKind: 'city' });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  for (const p of people) await p.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('dataset upload in the browser', () => {
  let s: Person;

  it('refuses a file over the limit on the page, before sending it, in the page language', async () => {
    const file = path.join(tmp, 'too_big.csv');
    await writeFile(file, tripsOfSize(20 * 1024 * 1024));
    s = await openPerson(browser, server.url);
    people.push(s);
    await signInThroughPage(s.page, steward.email, steward.password, '/data');
    await s.page.getByTestId('import-file').setInputFiles(file);
    const alert = s.page.getByTestId('import-error');
    await expect.poll(() => alert.textContent()).toContain('파일이 너무 큽니다. 최대 16.0 MiB (16,777,216바이트)까지');
    expect(await alert.textContent()).toContain('MADANG_DATASET_MAX_BYTES');
    expect(await s.page.getByTestId('import-submit').isDisabled()).toBe(true);
    // Nothing was sent.
    expect(s.requests.filter((u) => u.includes('/api/datasets/import'))).toEqual([]);
    await screenshot(s.page, 'upload-refused');
  }, 60_000);

  it('a refusal from the server itself reaches the page as 413 with the message', async () => {
    const answer = await s.page.evaluate(async (size) => new Promise<{ status: number; text: string }>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/datasets/import?name=direct&filename=direct.csv');
      xhr.setRequestHeader('X-Requested-With', 'madang');
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
      xhr.onerror = () => resolve({ status: xhr.status, text: 'network error' });
      xhr.send(new Blob([new Uint8Array(size).fill(0x61)]));
    }), 20 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error.en).toMatch(/^the file is too large: at most 16\.0 MiB/);
  }, 60_000);

  it('shows the progress of a large upload, then the conversion, then the dataset', async () => {
    const file = path.join(tmp, 'trips_12mb.csv');
    const content = tripsOfSize(12 * 1024 * 1024);
    expect(content.length).toBeLessThan(limit);
    await writeFile(file, content);
    await s.page.goto('/data');
    // A slow link (about 3 MB/s up), so the bar is seen part-way.
    const cdp = await s.context.newCDPSession(s.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 3 * 1024 * 1024 });
    await s.page.getByTestId('import-file').setInputFiles(file);
    await s.page.getByTestId('import-name').fill('trips_12mb');
    expect(await s.page.getByTestId('import-error').count()).toBe(0);
    await s.page.getByTestId('import-submit').click();
    const bar = s.page.getByTestId('import-progress');
    const seen = new Set<string>();
    await expect.poll(async () => {
      const value = Number(await bar.getAttribute('value').catch(() => null));
      if (value > 0 && value < 1) seen.add('partial');
      return seen.has('partial');
    }, { timeout: 30_000, interval: 100 }).toBe(true);
    expect(await s.page.getByRole('status').textContent()).toMatch(new RegExp(`올리는 중… \\d+% \\([\\d.]+ (B|kB|MB) / ${(content.length / 1e6).toFixed(1)} MB\\)`));
    await screenshot(s.page, 'upload-progress');
    await s.page.waitForURL(/\/data\/[A-Za-z0-9_-]+$/, { timeout: 120_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await expect.poll(() => s.page.getByTestId('dataset-name').textContent()).toBe('trips_12mb');
    // The only console error is the 413 the second test provoked on purpose.
    s.assertClean([/status of 413 .*\/api\/datasets\/import\?name=direct/]);
  }, 180_000);
});
