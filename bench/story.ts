/**
 * `npm run bench:story`: a published story with 5 charts, loaded in headless Chromium with a
 * mid-range phone profile (CDP: CPU throttled 4x, Lighthouse's "slow 4G" network: 150 ms RTT x
 * 3.75 request latency, 1.47 Mbps down, 675 kbps up; 390x844 viewport), cold cache each run.
 * Measured: JavaScript bytes, total bytes (as received, headers included, workers included), first contentful paint, and the time
 * until the last chart's SVG is in the page and laid out.
 *
 * Baseline in the same run: Observable Framework cannot be installed offline here, so the same
 * notebook opened in Madang's own notebook page (signed in; the charts appear after DuckDB-WASM
 * and the extract load in the browser) is the comparison. Writes bench/results/story.json.
 *
 * Env: BENCH_RUNS (story runs, default 5), BENCH_BASELINE_RUNS (default 1: on slow 4G the
 * notebook page downloads tens of MB), BENCH_BASELINE_TIMEOUT_MS (default 600000),
 * MADANG_BENCH_CLIENT_DIR (built client; default dist/client, built if missing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { isLocalUrl, launchBrowser } from '../test/harness/browser.ts';
import { startTestServer, sessionCookieFrom } from '../test/harness/testServer.ts';
import { addTripsExtract, cellsOf } from '../test/stories/fixtures.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const clientDir = path.resolve(process.env.MADANG_BENCH_CLIENT_DIR ?? path.join(benchDir, '..', 'dist', 'client'));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const baselineRuns = Number(process.env.BENCH_BASELINE_RUNS ?? 1);
const baselineTimeout = Number(process.env.BENCH_BASELINE_TIMEOUT_MS ?? 600_000);

const slow4g = { offline: false, latency: 150 * 3.75, downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8, uploadThroughput: (750 * 1024 * 0.9) / 8 };

const queries = [
  ['by_gu', 'SELECT gu, count(*) AS trips FROM trips GROUP BY gu ORDER BY gu', { mark: 'barY', x: 'gu', y: 'trips' }],
  ['by_band', 'SELECT age_band, count(*) AS trips FROM trips GROUP BY age_band ORDER BY age_band', { mark: 'barX', x: 'trips', y: 'age_band' }],
  ['by_hour', 'SELECT hour, count(*) AS trips FROM trips GROUP BY hour ORDER BY hour', { mark: 'line', x: 'hour', y: 'trips' }],
  ['dist_by_gu', 'SELECT gu, avg(distance_m) AS mean_distance FROM trips GROUP BY gu ORDER BY gu', { mark: 'dot', x: 'gu', y: 'mean_distance' }],
  ['gu_map', 'SELECT gu, count(*) AS trips FROM trips GROUP BY gu', { mark: 'geo', join: { by: 'name', field: 'gu' }, fill: 'trips' }],
] as const;

function notebookMd(): string {
  const parts = ['---', 'title: 벤치마크 이야기 (5 charts)', 'lang: ko', 'extracts:', '  - trips', '---', '', '# 따릉이 이용 다섯 가지 그림', '', '합성 자료로 만든 벤치마크용 이야기입니다.'];
  for (const [name, sql, chart] of queries) {
    parts.push('', `\`\`\`sql ${name}`, sql, '```', '', '```chart', JSON.stringify({ ...chart, data: name, title: { ko: name, en: name }, alt: { ko: `${name} 그림`, en: `${name} chart` } }, null, 2), '```');
  }
  return `${parts.join('\n')}\n`;
}

interface Sample {
  jsBytes: number;
  totalBytes: number;
  fcpMs: number;
  lastChartMs: number | null;
}

async function measure(browser: Browser, url: string, opts: { cookie?: { name: string; value: string; url: string }; chartSelector: string; charts: number; timeoutMs: number }): Promise<Sample> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'ko-KR' });
  if (opts.cookie) await context.addCookies([opts.cookie]);
  await context.route('**/*', (route) => (isLocalUrl(route.request().url()) ? route.continue() : route.abort()));
  const page: Page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', slow4g);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  // Bytes as received (encoded) for every request of the context, workers included (the notebook
  // page's DuckDB-WASM and extract downloads happen inside a worker the page's CDP session misses).
  let jsBytes = 0;
  let totalBytes = 0;
  const pending: Promise<void>[] = [];
  context.on('requestfinished', (r) => {
    pending.push(r.sizes().then((sz) => {
      const n = sz.responseBodySize + sz.responseHeadersSize;
      totalBytes += n;
      if (r.resourceType() === 'script' || /\.m?js(\?|$)/.test(r.url())) jsBytes += n;
    }, () => undefined));
  });
  cdp.on('Network.webSocketFrameReceived', (e) => { totalBytes += e.response.payloadData.length; });
  await page.goto(url, { waitUntil: 'commit' });
  let lastChartMs: number | null = null;
  try {
    await page.waitForFunction(({ sel, n }) => {
      const svgs = [...document.querySelectorAll(sel)];
      return svgs.length >= n && svgs.every((s) => s.getBoundingClientRect().width > 0);
    }, { sel: opts.chartSelector, n: opts.charts }, { timeout: opts.timeoutMs, polling: 100 });
    lastChartMs = await page.evaluate(() => performance.now());
  } catch {
    // did not finish within the timeout: reported as null
  }
  await page.waitForLoadState('load').catch(() => undefined);
  const fcpMs = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
  await page.waitForTimeout(500);
  await Promise.all(pending);
  await context.close();
  return { jsBytes, totalBytes, fcpMs, lastChartMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(clientDir, 'index.html'))) {
    const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  const server = await startTestServer({ clientDir });
  const browser = await launchBrowser();
  try {
    const user = await server.createUser({ role: 'analyst', name: 'Bench' });
    const owner = await server.clientFor(user);
    const { catalog } = await addTripsExtract(server.server, server.dataDir);
    await catalog.close();
    const imported = await owner.post('/api/notebooks/import', { markdown: notebookMd() });
    const notebookId = imported.json().id as string;
    const cells = await cellsOf(server.server, notebookId);
    const picks = cells.filter((c) => c.kind === 'markdown' || c.kind === 'chart').map((c) => ({ cellId: c.id }));
    const published = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { title: { ko: '벤치마크 이야기', en: 'Benchmark story' }, summary: { ko: '다섯 그림', en: 'Five charts' }, cells: picks });
    if (published.status !== 201) throw new Error(`publish failed: ${published.status} ${published.text}`);
    const storyUrl = `${server.url}${published.json().url as string}`;
    const cookieHeader = owner.cookie ?? '';
    const [name, value] = cookieHeader.split('=');
    const cookie = { name: name!, value: decodeURIComponent(value ?? ''), url: server.url };
    void sessionCookieFrom;

    const story: Sample[] = [];
    for (let i = 0; i < runs; i++) story.push(await measure(browser, storyUrl, { chartSelector: 'figure.chart svg[role="img"]', charts: 5, timeoutMs: 60_000 }));
    const baseline: Sample[] = [];
    for (let i = 0; i < baselineRuns; i++) {
      baseline.push(await measure(browser, `${server.url}/n/${notebookId}`, { cookie, chartSelector: '[data-testid="chart-host"] svg', charts: 5, timeoutMs: baselineTimeout }));
    }

    const baselineName = 'Madang notebook page (/n/:id), same notebook; Observable Framework cannot be installed offline here';
    const metrics: Array<{ metric: string; key: keyof Sample; unit: string; goal?: number }> = [
      { metric: 'jsBytes', key: 'jsBytes', unit: 'B', goal: 30 * 1024 },
      { metric: 'totalBytes', key: 'totalBytes', unit: 'B', goal: 150 * 1024 },
      { metric: 'firstContentfulPaintMs', key: 'fcpMs', unit: 'ms', goal: 1000 },
      { metric: 'lastChartVisibleMs', key: 'lastChartMs', unit: 'ms' },
    ];
    const results = metrics.map((m) => {
      const ours = median(story.map((s) => Number(s[m.key] ?? NaN)));
      const baseValues = baseline.map((s) => s[m.key]).filter((v): v is number => typeof v === 'number');
      const base = baseValues.length > 0 ? median(baseValues) : null;
      return { case: 'story with 5 charts, mid-range phone (4x CPU, slow 4G)', metric: m.metric, unit: m.unit, ours: Math.round(ours), baseline: base === null ? null : Math.round(base), baselineName, ratio: base ? Number((ours / base).toFixed(4)) : null, goal: m.goal ?? null, runs, baselineRuns };
    });
    const out = { name: 'story', machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${process.platform} node ${process.version}`, results, samples: { story, baseline } };
    await mkdir(path.join(benchDir, 'results'), { recursive: true });
    await writeFile(path.join(benchDir, 'results', 'story.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(`bench:story (${runs} story runs, ${baselineRuns} baseline runs; medians)`);
    console.log('Baseline: Observable Framework cannot be installed offline here; comparing with the same notebook in Madang\'s notebook page.');
    for (const r of results) {
      const goal = r.goal === null ? '' : `  goal < ${r.goal}${r.unit}: ${r.ours < r.goal ? 'met' : 'NOT met'}`;
      console.log(`  ${r.metric.padEnd(24)} ours ${String(r.ours).padStart(9)} ${r.unit}   baseline ${String(r.baseline ?? 'n/a (did not finish)').padStart(9)} ${r.unit}   ratio ${r.ratio ?? 'n/a'}${goal}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
