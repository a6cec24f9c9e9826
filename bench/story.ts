/**
 * `npm run bench:story`: a published story with 5 charts, loaded in headless Chromium with a
 * mid-range phone profile (CDP: CPU throttled 4x, Lighthouse's "slow 4G" network: 150 ms RTT x
 * 3.75 request latency, 1.47 Mbps down, 675 kbps up; 390x844 viewport), cold cache each run.
 * Measured: JavaScript bytes, total bytes (as received, headers included, workers included), first contentful paint, and the time
 * until the last chart's SVG is in the page and laid out.
 *
 * Baseline in the same run: the same story built as a static page with Observable Framework
 * (bench/frameworkBaseline.ts: title, summary, the five charts drawn by Plot from the story's
 * published CSVs), runs interleaved with ours. Also, as a reference, the same notebook opened in
 * Madang's own notebook page (signed in; the charts appear after DuckDB-WASM and the extract load
 * in the browser). Writes bench/results/story.json.
 *
 * Env: BENCH_RUNS (story and Framework runs, default 5), BENCH_BASELINE_RUNS (notebook-page runs, default 1: on slow 4G the
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
import { importNotebook, startTestServer, sessionCookieFrom } from '../test/harness/testServer.ts';
import { addTripsExtract, cellsOf } from '../test/stories/fixtures.ts';
import { buildFrameworkSite, type FrameworkFigure } from './frameworkBaseline.ts';

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

/** The story's figure CSV (header + plain fields, as `writeFigureCsv` writes them) as typed rows. */
function csvRows(csv: string): Array<Record<string, string | number | null>> {
  const [head, ...lines] = csv.trim().split(/\r?\n/);
  const names = head!.split(',').map((h) => h.replace(/^"|"$/g, ''));
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => {
    const text = v.replace(/^"|"$/g, '');
    return [names[i]!, text === '' ? null : Number.isFinite(Number(text)) ? Number(text) : text];
  })));
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
    const notebookId = await importNotebook(owner, notebookMd());
    const cells = await cellsOf(server.server, notebookId);
    const picks = cells.filter((c) => c.kind === 'markdown' || c.kind === 'chart').map((c) => ({ cellId: c.id }));
    const published = await owner.post(`/api/notebooks/${notebookId}/story/publish`, { title: { ko: '벤치마크 이야기', en: 'Benchmark story' }, summary: { ko: '다섯 그림', en: 'Five charts' }, cells: picks });
    if (published.status !== 201) throw new Error(`publish failed: ${published.status} ${published.text}`);
    const storyUrl = `${server.url}${published.json().url as string}`;
    const cookieHeader = owner.cookie ?? '';
    const [name, value] = cookieHeader.split('=');
    const cookie = { name: name!, value: decodeURIComponent(value ?? ''), url: server.url };
    void sessionCookieFrom;

    // The same story as an Observable Framework page: its published CSVs, the same five charts.
    const storyHtml = await (await fetch(storyUrl)).text();
    const csvPaths = [...new Set([...storyHtml.matchAll(/href="([^"]*\/figures\/\d+\.csv)"/g)].map((m) => m[1]!))];
    if (csvPaths.length !== queries.length) throw new Error(`expected ${queries.length} figure CSVs on the story page, found ${csvPaths.length}`);
    const figures: FrameworkFigure[] = [];
    for (const [i, [name, , chart]] of queries.entries()) {
      const csv = (await (await fetch(new URL(csvPaths[i]!, storyUrl))).text()).replace(/^\uFEFF/, '');
      const plot = chart.mark === 'geo'
        ? `Plot.plot({title: ${JSON.stringify(name)}, projection: {type: "mercator", domain: seoul}, color: {legend: true}, marks: [Plot.geo(seoul, {fill: (d) => new Map(data.map((r) => [r[${JSON.stringify(chart.join.field)}], r[${JSON.stringify(chart.fill)}]])).get(d.properties.name)})]})`
        : `Plot.plot({title: ${JSON.stringify(name)}, marks: [Plot.${chart.mark}(data, {x: ${JSON.stringify(chart.x)}, y: ${JSON.stringify(chart.y)}})]})`;
      figures.push({ file: `${name}.json`, rows: csvRows(csv), plot });
    }
    const framework = await buildFrameworkSite({ title: '벤치마크 이야기', summary: '다섯 그림', figures });

    const story: Sample[] = [];
    const baseline: Sample[] = [];
    const notebookPage: Sample[] = [];
    try {
      for (let i = 0; i < runs; i++) {
        story.push(await measure(browser, storyUrl, { chartSelector: 'figure.chart svg[role="img"]', charts: 5, timeoutMs: 60_000 }));
        baseline.push(await measure(browser, framework.url, { chartSelector: '#observablehq-main figure > svg:not([class$="-ramp"])', charts: 5, timeoutMs: 120_000 }));
      }
    } finally {
      await framework.close();
    }
    for (let i = 0; i < baselineRuns; i++) {
      notebookPage.push(await measure(browser, `${server.url}/n/${notebookId}`, { cookie, chartSelector: '[data-testid="chart-host"] svg', charts: 5, timeoutMs: baselineTimeout }));
    }

    const baselineName = 'Observable Framework 1.13.4 static page: same title, summary and five Plot charts from the published CSVs';
    const notebookName = 'Madang notebook page (/n/:id), same notebook (DuckDB-WASM + the extract in the browser)';
    const metrics: Array<{ metric: string; key: keyof Sample; unit: string; goal?: number }> = [
      { metric: 'jsBytes', key: 'jsBytes', unit: 'B', goal: 30 * 1024 },
      { metric: 'totalBytes', key: 'totalBytes', unit: 'B', goal: 150 * 1024 },
      { metric: 'firstContentfulPaintMs', key: 'fcpMs', unit: 'ms', goal: 1000 },
      { metric: 'lastChartVisibleMs', key: 'lastChartMs', unit: 'ms' },
    ];
    const compare = (label: string, against: Sample[], name: string, n: number) => metrics.map((m) => {
      const ours = median(story.map((s) => Number(s[m.key] ?? NaN)));
      const baseValues = against.map((s) => s[m.key]).filter((v): v is number => typeof v === 'number');
      const base = baseValues.length > 0 ? median(baseValues) : null;
      return { case: `story with 5 charts, mid-range phone (4x CPU, slow 4G)${label}`, metric: m.metric, unit: m.unit, ours: Math.round(ours), baseline: base === null ? null : Math.round(base), baselineName: name, ratio: base ? Number((ours / base).toFixed(4)) : null, goal: m.goal ?? null, runs, baselineRuns: n };
    });
    const results = [...compare('', baseline, baselineName, runs), ...compare(' vs the notebook page', notebookPage, notebookName, baselineRuns)];
    const out = { name: 'story', machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${process.platform} node ${process.version}`, results, samples: { story, framework: baseline, notebookPage } };
    await mkdir(path.join(benchDir, 'results'), { recursive: true });
    await writeFile(path.join(benchDir, 'results', 'story.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(`bench:story (${runs} story and ${runs} Framework runs, ${baselineRuns} notebook-page runs; medians)`);
    console.log(`Baseline: ${baselineName} (${runs} runs); also ${notebookName} (${baselineRuns} runs).`);
    for (const r of results) {
      if (r.case.endsWith('notebook page') && r.metric === 'jsBytes') console.log('  vs the notebook page:');
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
