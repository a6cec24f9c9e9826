/**
 * `npm run bench:query`: a 1,000,000-row synthetic bike-trip extract (plus 800 stations) and five
 * fixed queries, timed side by side in one run:
 *
 *   native      @duckdb/node-api on the same data (the server's engine)
 *   wasm-node   raw DuckDB-WASM, Node blocking bundle (`conn.query`)
 *   wasm-chrome raw DuckDB-WASM in headless Chromium: the page's own engine, `conn.query`
 *   ours        our full path in Chromium: "run" on a SQL cell -> result table materialised ->
 *               view + row count + column types + first grid window -> rows in the DOM
 *               (a MutationObserver notes the moment the first row's text is rendered). The
 *               first window is read by every run, so a re-run of an unchanged cell pays for
 *               it too (before, the grid kept its rows for an unchanged result key and the
 *               re-runs this file times never fetched a window).
 *
 * The five query rows re-run unchanged cells (Shift+Enter): the result key is unchanged, so the
 * column types and the cell's view are already known, and a statement that was short last time
 * goes with its first window in one worker message. One more row edits a comment in top-20 routes
 * before each run: a new key, so the pending (cancellable) statement and then the view and column
 * types; the dependency analysis is kept (only a comment changed; an edit of names would also ask
 * the server's parser, one HTTP round trip), against the same raw baseline.
 *
 * Also: first result on a cold page (engine + 1M-row extract from the browser cache, from
 * navigation to the first rendered grid row) and a warm re-run after an input change (an
 * aggregate over 1M rows and its dependant, from `setInputValue` to both rendered).
 *
 * Load-robust figures beside the wall times (two cores shared with other jobs make wall time
 * noisy): for each query, the messages the page posts to the DuckDB worker per run (each is a
 * round trip) and the page's main-thread task time per run (Chrome's `Performance.getMetrics`
 * TaskDuration, read over CDP before and after each run), for ours and for the raw baseline.
 * And where our run's time goes, from the page's worker message log: until the query is posted,
 * the query, the reads behind it (view, count, types, first window) and rendering.
 *
 * Measurement notes (fixes to earlier versions of this file, stated plainly):
 * - The browser context is opened WITHOUT Playwright request interception. The e2e harness routes
 *   every request (to refuse anything outside 127.0.0.1), and Playwright disables the HTTP cache
 *   while routing, so every "cold page" reload downloaded the 34 MB DuckDB wasm again and could
 *   never use Chromium's compiled-code cache: no person's browser behaves like that (assets are
 *   `immutable` for a year). Requests are still watched and the run fails on any non-loopback one.
 *   The cold-page row is a reload with the browser's caches as they are after a first visit.
 * - Worker messages are counted by wrapping `Worker.prototype.postMessage` in the page (the same
 *   wrapper is active for the baseline, so it costs both sides alike).
 *
 * Writes bench/results/query.json ({name, machine, results: [{case, metric, ours, baseline,
 * baselineName, ratio, ...}]}, ratio = ours / raw DuckDB-WASM in Chromium) and prints medians.
 * Loopback only. BENCH_REPS (default 5) sets repetitions per query; BENCH_CLIENT_DIR uses a client
 * built elsewhere (default dist/client, built when missing); BENCH_PROFILE=1 also prints, for one
 * extra run per query, where the time goes: the worker messages and replies with page times,
 * Chrome's main-thread metrics, a CPU profile's heaviest functions, a trace of the main thread's
 * events (Paint, Layerize, ...), and the query alone through the engine API (materialise vs a
 * plain SELECT), none of which enters the medians above.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDatabase } from '../server/persistence/database.ts';
import { createExtractCatalog } from '../server/extracts/catalog.ts';
import { importNotebook, startTestServer } from '../test/harness/testServer.ts';
import { isLocalUrl, launchBrowser, signInThroughPage } from '../test/harness/browser.ts';
import { openBlockingDuckDB } from '../test/engine/wasmDuck.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const reps = Number(process.env.BENCH_REPS ?? 5);
const rowCount = 1_000_000;

const queries: Array<{ name: string; sql: string }> = [
  { name: 'group by station and hour', sql: 'SELECT start_station, hour(start_time) AS h, count(*) AS trips, avg(duration_min) AS avg_min FROM bench_trips GROUP BY ALL' },
  { name: 'top-20 routes', sql: 'SELECT start_station, end_station, count(*) AS trips FROM bench_trips GROUP BY ALL ORDER BY trips DESC, start_station, end_station LIMIT 20' },
  { name: 'duration percentiles', sql: 'SELECT quantile_cont(duration_min, 0.5) AS p50, quantile_cont(duration_min, 0.9) AS p90, quantile_cont(duration_min, 0.99) AS p99 FROM bench_trips' },
  { name: 'join with stations', sql: 'SELECT s.gu, count(*) AS trips, avg(t.distance_m) AS avg_m FROM bench_trips AS t JOIN bench_stations AS s ON t.start_station = s.station_id GROUP BY ALL ORDER BY trips DESC' },
  { name: 'filtered scan', sql: 'SELECT count(*) AS trips, avg(distance_m) AS avg_m FROM bench_trips WHERE duration_min > 30 AND hour(start_time) BETWEEN 7 AND 9' },
];

// Deterministic synthetic data (no RNG state: every value is a function of the row number).
const tripsSql = `SELECT range::INTEGER AS trip_id,
  ((range * 7919) % 800)::INTEGER AS start_station,
  ((range * 104729 + 13) % 800)::INTEGER AS end_station,
  TIMESTAMP '2024-01-01' + to_seconds((range * 2654435761) % (366 * 86400)) AS start_time,
  round(2 + ((range * 40503) % 9000) / 100.0 * (1 + (range % 7) / 10.0), 2)::DOUBLE AS duration_min,
  round(200 + (range * 69069) % 12000, 0)::DOUBLE AS distance_m
FROM range(${rowCount})`;
const gus = ['강남구', '강동구', '강북구', '강서구', '관악구', '광진구', '구로구', '금천구', '노원구', '도봉구', '동대문구', '동작구', '마포구', '서대문구', '서초구', '성동구', '성북구', '송파구', '양천구', '영등포구', '용산구', '은평구', '종로구', '중구', '중랑구'];
const stationsSql = `SELECT range::INTEGER AS station_id, 'station ' || range AS name, (${JSON.stringify(gus).replaceAll('"', "'")})[(range % 25) + 1] AS gu FROM range(800)`;

/** In the page: counts (and on request logs) every message posted to a worker. */
type BenchWin = { __benchWorker: { count: number; record: boolean; log: Array<[number, string]> } };
const workerCounterScript = `(() => {
  const state = { count: 0, record: false, log: [] };
  window.__benchWorker = state;
  const Base = window.Worker;
  // Replies, as the page sees them (this listener is added before the engine's own).
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (state.record) state.log.push([Math.round(performance.now() * 100) / 100, 'reply ' + String(e.data && e.data.type)]);
      });
    }
  };
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    state.count++;
    if (state.record) state.log.push([Math.round(performance.now() * 100) / 100, String(message && message.type)]);
    return post.call(this, message, ...rest);
  };
})();`;

/** The heaviest functions of a CDP CPU profile by self time (ms), for BENCH_PROFILE. */
function topSelfTime(profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples?: number[]; timeDeltas?: number[] }): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    const name = f ? `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}` : '?';
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => [k, Math.round(v * 10) / 10]);
}

/**
 * Where one run's time went, from the page's worker message log: until the query is posted,
 * until the engine's first reply (the result table exists), until the last reply before the row
 * is rendered (view, count, column types, first window), and rendering after it.
 */
function runPhases(log: Array<[number, string]>): Record<string, number> {
  const start = log.find((e) => e[1] === 'run')?.[0] ?? NaN;
  const end = log.find((e) => e[1] === 'rendered')?.[0] ?? NaN;
  const inRun = log.filter((e) => e[0] >= start && e[0] <= end);
  const firstPost = inRun.find((e) => e[1] !== 'run' && !e[1].startsWith('reply'))?.[0] ?? NaN;
  const replies = inRun.filter((e) => e[1].startsWith('reply'));
  const materialised = replies[0]?.[0] ?? NaN;
  const lastReply = replies.at(-1)?.[0] ?? NaN;
  return { toPost: firstPost - start, query: materialised - firstPost, present: lastReply - materialised, render: end - lastReply };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
const round = (x: number) => Math.round(x * 10) / 10;

async function main() {
  const started = performance.now();
  const work = await mkdtemp(path.join(os.tmpdir(), 'madang-bench-query-'));
  const dataDir = path.join(work, 'data');
  await mkdir(dataDir, { recursive: true });
  const clientDir = process.env.BENCH_CLIENT_DIR ? path.resolve(process.env.BENCH_CLIENT_DIR) : path.join(repoRoot, 'dist/client');
  if (!existsSync(path.join(clientDir, 'index.html'))) {
    const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', cwd: repoRoot });
    if (r.status !== 0) throw new Error('vite build failed');
  }

  // ---- data: Parquet with native DuckDB, registered as extracts in a fresh data dir ----
  const instance = await DuckDBInstance.create(':memory:');
  const native = await instance.connect();
  const tripsFile = path.join(work, 'bench_trips.parquet');
  const stationsFile = path.join(work, 'bench_stations.parquet');
  await native.run(`COPY (${tripsSql}) TO '${tripsFile}' (FORMAT parquet)`);
  await native.run(`COPY (${stationsSql}) TO '${stationsFile}' (FORMAT parquet)`);
  {
    const db = await openDatabase({ dataDir });
    const catalog = await createExtractCatalog({ db, dataDir });
    const attribution = { ko: '합성 자료 (벤치마크)', en: 'synthetic data (benchmark)', source: 'bench/query.ts', licence: 'none (generated)' };
    await catalog.add({ name: 'bench_trips', kind: 'public', sourceFile: tripsFile, attribution });
    await catalog.add({ name: 'bench_stations', kind: 'public', sourceFile: stationsFile, attribution });
    await catalog.arrow('bench_trips', 1);
    await catalog.arrow('bench_stations', 1);
    await catalog.close();
    await db.destroy();
  }

  // ---- native DuckDB ----
  await native.run(`CREATE TABLE bench_trips AS SELECT * FROM read_parquet('${tripsFile}')`);
  await native.run(`CREATE TABLE bench_stations AS SELECT * FROM read_parquet('${stationsFile}')`);
  const nativeMs: Record<string, number> = {};
  for (const q of queries) {
    const times: number[] = [];
    for (let i = 0; i < reps + 1; i++) {
      const t0 = performance.now();
      await native.runAndReadAll(q.sql);
      if (i > 0) times.push(performance.now() - t0); // first run warms caches
    }
    nativeMs[q.name] = median(times);
  }
  native.closeSync();
  instance.closeSync();

  // ---- the server (for the Arrow streams and the browser) ----
  const server = await startTestServer({ dataDir, clientDir, keepDataDir: true });
  const user = await server.createUser({ name: 'Bench', role: 'analyst' });
  const client = await server.clientFor(user);

  // ---- raw DuckDB-WASM in Node (blocking bundle), fed the same Arrow streams ----
  const wasm = await openBlockingDuckDB();
  for (const name of ['bench_trips', 'bench_stations']) {
    const res = await fetch(`${server.url}/api/extracts/${name}/1/arrow`, { headers: { cookie: client.cookie! } });
    wasm.conn.insertArrowFromIPCStream(new Uint8Array(await res.arrayBuffer()), { name });
  }
  const wasmNodeMs: Record<string, number> = {};
  for (const q of queries) {
    const times: number[] = [];
    for (let i = 0; i < reps + 1; i++) {
      const t0 = performance.now();
      wasm.conn.query(q.sql);
      if (i > 0) times.push(performance.now() - t0);
    }
    wasmNodeMs[q.name] = median(times);
  }

  // ---- Chromium: a notebook with one cell per query, an input and a dependant ----
  const cellNames = queries.map((_, i) => `q${i + 1}`);
  const markdown = `---
title: bench
lang: ko
extracts:
  - bench_trips
  - bench_stations
---

${queries.map((q, i) => `\`\`\`sql ${cellNames[i]}\n${q.sql}\n\`\`\`\n`).join('\n')}
\`\`\`input min_minutes
{
  "type": "range",
  "min": 0,
  "max": 120,
  "step": 1,
  "default": 30
}
\`\`\`

\`\`\`sql by_hour
SELECT hour(start_time) AS h, count(*) AS trips, avg(distance_m) AS avg_m FROM bench_trips WHERE duration_min > $min_minutes GROUP BY ALL ORDER BY h
\`\`\`

\`\`\`sql peak
SELECT h, trips FROM by_hour ORDER BY trips DESC LIMIT 3
\`\`\`
`;
  const notebookPath = `/n/${encodeURIComponent(await importNotebook(client, markdown))}`;

  const browser = await launchBrowser();
  // No request interception here (it would switch Chromium's HTTP cache off, see the header):
  // requests are only watched, and any outside 127.0.0.1 fails the run.
  const context = await browser.newContext({ baseURL: server.url, locale: 'ko-KR', timezoneId: 'Asia/Seoul', viewport: { width: 1280, height: 900 } });
  // tsx (esbuild keepNames) wraps named functions in page.evaluate callbacks with `__name`.
  await context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
  await context.addInitScript(workerCounterScript);
  // The page registers its editors for tests (the edited-cell row sets a cell's text through it).
  await context.addInitScript('window.__madangE2E = true;');
  const page = await context.newPage();
  const outside: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (r) => { if (!isLocalUrl(r.url())) outside.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) pageErrors.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  /** The page's main-thread task time so far, in ms (Chrome's TaskDuration metric). */
  const mainThreadMs = async () => (await mainThreadMetrics()).TaskDuration ?? NaN;
  /** Chrome's cumulative main-thread metrics (TaskDuration, ScriptDuration, LayoutDuration, ...), in ms. */
  const mainThreadMetrics = async (): Promise<Record<string, number>> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(metrics.filter((m) => m.name.endsWith('Duration')).map((m) => [m.name, m.value * 1000]));
  };
  const workerMessages = () => page.evaluate(() => (window as unknown as BenchWin).__benchWorker.count);
  await signInThroughPage(page, user.email, user.password, '/');
  type Win = { __madangRuntime: { cellIdByName(n: string): string; runCell(id: string): void; setInputValue(n: string, v: unknown): void; whenIdle(): Promise<void>; engine(): Promise<{ query(sql: string, p: unknown[]): Promise<unknown> }> } };

  /** Resolves (in the page) with ms from `start()` until every named cell shows a fresh first row. */
  const timeRendered = (names: string[], action: 'run' | 'input' | 'edit', value?: number | string) => page.evaluate(async ({ names: ns, action: act, value: v }) => {
    const w = window as unknown as Win;
    const rt = w.__madangRuntime;
    const ids = ns.map((n) => rt.cellIdByName(n));
    const outputs = ids.map((id) => document.querySelector(`[data-testid="cell-output"][data-cell-id="${id}"]`)!);
    const before = outputs.map((o) => o.getAttribute('data-status') === 'done' ? o.querySelector('[data-testid="cell-status"]')?.textContent : null);
    const seenBusy = ids.map(() => false);
    let t0 = NaN;
    const bench = (window as unknown as Partial<BenchWin>).__benchWorker;
    return new Promise<number>((resolve, reject) => {
      const check = () => {
        const ok = outputs.every((o, i) => {
          const status = o.getAttribute('data-status');
          if (status === 'queued' || status === 'running') seenBusy[i] = true;
          if (status !== 'done' || !seenBusy[i]) return false;
          const cell = o.querySelector('[data-testid="result-grid-row"][data-row="0"] [role="gridcell"]');
          return cell !== null && cell.textContent !== '…';
        });
        if (ok) {
          if (bench?.record) { bench.log.push([Math.round(performance.now() * 100) / 100, 'rendered']); performance.mark('bench:rendered'); }
          observer.disconnect();
          resolve(performance.now() - t0);
        }
      };
      const observer = new MutationObserver(check);
      for (const o of outputs) observer.observe(o, { subtree: true, childList: true, attributes: true, characterData: true });
      setTimeout(() => { observer.disconnect(); reject(new Error(`timeout; before ${JSON.stringify(before)}`)); }, 120_000);
      // What a person does to edit: change the text in the editor (typing, before the clock).
      if (act === 'edit') (window as unknown as { __madangEditors: Map<string, { setValue(text: string): void }> }).__madangEditors.get(ids[0]!)!.setValue(String(v));
      // The clock starts here, after the observer is set up (setting it up is the bench's work).
      t0 = performance.now();
      if (bench?.record) { bench.log.push([Math.round(t0 * 100) / 100, 'run']); performance.mark('bench:run'); }
      if (act === 'run') for (const id of ids) rt.runCell(id);
      else if (act === 'edit') rt.runCell(ids[0]!); // then Shift+Enter
      else rt.setInputValue('min_minutes', v);
    });
  }, { names, action, value });

  // Cold page: first navigation downloads and caches the extract; then reloads measure
  // navigation -> first rendered row of q1 with the engine loaded fresh and the extract from cache.
  await page.goto(notebookPath);
  await page.waitForFunction(() => (window as unknown as Partial<Win>).__madangRuntime !== undefined);
  await page.evaluate(() => (window as unknown as Win).__madangRuntime.whenIdle());
  await page.waitForSelector(`[data-testid="cell-output"][data-status="done"] [data-testid="result-grid-row"]`, { timeout: 120_000 });
  const coldMs: number[] = [];
  const phaseSamples: Record<string, number[]> = {};
  for (let i = 0; i < Math.min(reps, 3); i++) {
    await page.reload();
    // Resolves with the page clock at the moment the first row was seen (polled every 10 ms).
    const seenAt = await page.waitForFunction(() => {
      const w = window as unknown as Partial<Win>;
      const id = w.__madangRuntime?.cellIdByName('q1');
      const row = id ? document.querySelector(`[data-testid="cell-output"][data-cell-id="${id}"] [data-testid="result-grid-row"][data-row="0"] [role="gridcell"]`) : null;
      return row !== null && row.textContent !== '…' ? performance.now() : false;
    }, undefined, { timeout: 120_000, polling: 10 });
    coldMs.push(Number(await seenAt.jsonValue()));
    // Where the cold page's time went: the runtime's performance marks and the wasm download.
    const phases = await page.evaluate(() => {
      const out: Record<string, number> = {};
      for (const m of performance.getEntriesByType('mark')) if (m.name.startsWith('madang:')) out[m.name.slice(7)] ??= m.startTime;
      const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm')) as PerformanceResourceTiming | undefined;
      if (wasm) out['wasm response end (main thread fetch)'] = wasm.responseEnd;
      return out;
    });
    for (const [k, v] of Object.entries(phases)) (phaseSamples[k] ??= []).push(v);
    const fromCache = await page.locator('[data-testid="extract-status"][data-extract="bench_trips"]').getAttribute('data-from-cache');
    if (fromCache !== 'true') throw new Error('the cold-page run did not read the extract from the browser cache');
  }
  const coldPhases = Object.fromEntries(Object.entries(phaseSamples).map(([k, v]) => [k, round(median(v))]).sort((a, b) => Number(a[1]) - Number(b[1])));
  await page.evaluate(() => (window as unknown as Win).__madangRuntime.whenIdle());

  const wasmChromeMs: Record<string, number> = {};
  const oursMs: Record<string, number> = {};
  const perRun: Record<string, { oursMessages: number; baselineMessages: number; oursMainMs: number; baselineMainMs: number; phases: Record<string, number> }> = {};
  const timelines: Record<string, unknown> = {};
  /** Lets trailing work (effects, a frame) finish so the main-thread figure covers the whole run. */
  const settle = () => page.evaluate(async () => {
    await (window as unknown as Win).__madangRuntime.whenIdle();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  });
  const rawRun = (sql: string) => page.evaluate(async (text) => {
    const api = await (window as unknown as Win).__madangRuntime.engine();
    const t0 = performance.now();
    await api.query(text, []);
    return performance.now() - t0;
  }, sql);
  /** Runs `fn`, returning its result with the worker messages and main-thread ms it cost. */
  const costed = async <T>(fn: () => Promise<T>) => {
    await settle();
    const [m0, t0] = [await workerMessages(), await mainThreadMs()];
    const value = await fn();
    await settle();
    const [m1, t1] = [await workerMessages(), await mainThreadMs()];
    return { value, messages: m1 - m0, mainMs: t1 - t0 };
  };
  for (const [i, q] of queries.entries()) {
    // Interleaved (baseline, ours) pairs: load from other jobs hits both sides alike.
    const phases: Array<Record<string, number>> = [];
    const base: Array<{ value: number; messages: number; mainMs: number }> = [];
    const ours: Array<{ value: number; messages: number; mainMs: number }> = [];
    for (let k = 0; k < reps + 1; k++) {
      const b = await costed(() => rawRun(q.sql));
      await page.evaluate(() => { const w = (window as unknown as BenchWin).__benchWorker; w.log.length = 0; w.record = true; });
      const o = await costed(() => timeRendered([cellNames[i]!], 'run'));
      const log = await page.evaluate(() => { const w = (window as unknown as BenchWin).__benchWorker; w.record = false; return w.log.splice(0); });
      if (k > 0) phases.push(runPhases(log));
      if (k > 0) {
        base.push(b);
        ours.push(o);
      }
    }
    wasmChromeMs[q.name] = median(base.map((x) => x.value));
    oursMs[q.name] = median(ours.map((x) => x.value));
    perRun[q.name] = {
      oursMessages: median(ours.map((x) => x.messages)),
      baselineMessages: median(base.map((x) => x.messages)),
      oursMainMs: median(ours.map((x) => x.mainMs)),
      baselineMainMs: median(base.map((x) => x.mainMs)),
      phases: Object.fromEntries(Object.keys(phases[0] ?? {}).map((key) => [key, round(median(phases.map((p) => p[key]!)))])),
    };
    if (process.env.BENCH_PROFILE) {
      await settle();
      await page.evaluate(() => { const w = (window as unknown as BenchWin).__benchWorker; w.log.length = 0; w.record = true; });
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_SAMPLE_US ?? 100) });
      await cdp.send('Profiler.start');
      const before = await mainThreadMetrics();
      const ms = await timeRendered([cellNames[i]!], 'run');
      await settle();
      const after = await mainThreadMetrics();
      const { profile } = await cdp.send('Profiler.stop');
      // The same query through the engine API alone, interleaved with the raw query: what the
      // materialising statement itself costs beside a plain SELECT in this browser.
      const engineOnly = await page.evaluate(async ({ sql, n }) => {
        const api = await (window as unknown as { __madangRuntime: { engine(): Promise<{ query(s: string, p: unknown[]): Promise<unknown>; materialise(t: string, s: string, p: unknown[]): Promise<void> }> } }).__madangRuntime.engine();
        const raw: number[] = [];
        const ctas: number[] = [];
        for (let k = 0; k < n; k++) {
          let t0 = performance.now();
          await api.query(sql, []);
          raw.push(performance.now() - t0);
          t0 = performance.now();
          await api.materialise('__r_bench_diag', sql, []);
          ctas.push(performance.now() - t0);
        }
        const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        return { raw: med(raw), materialise: med(ctas) };
      }, { sql: q.sql, n: 5 });
      // One traced run: the renderer main thread's events by total duration (what the page did).
      const traceEvents: Array<{ name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } }> = [];
      const collect = (e: { value: object[] }) => { traceEvents.push(...(e.value as typeof traceEvents)); };
      cdp.on('Tracing.dataCollected', collect);
      const traced = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8,blink.user_timing', transferMode: 'ReportEvents' });
      await page.evaluate(() => { (window as unknown as BenchWin).__benchWorker.record = true; });
      await timeRendered([cellNames[i]!], 'run');
      await settle();
      await cdp.send('Tracing.end');
      await traced;
      cdp.off('Tracing.dataCollected', collect);
      const mainTid = traceEvents.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
      const byName = new Map<string, number>();
      for (const e of traceEvents) {
        if (e.ph !== 'X' || !mainTid || e.tid !== mainTid.tid || e.pid !== mainTid.pid) continue;
        byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
      }
      const mainEvents = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => [k, round(v)]);
      // Every thread's busy time between the run and the rendered row (union of its complete
      // events), and the page's and the engine worker's tasks in that span: whether painting,
      // raster or compositing competes with the DuckDB worker, and where each side waits.
      const markTs = (n: string) => traceEvents.find((e) => e.name === n && (e as { ts?: number }).ts !== undefined) as { ts: number } | undefined;
      const [runMark, doneMark] = [markTs('bench:run'), markTs('bench:rendered')];
      const threadNames = new Map(traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name ?? '?']));
      const busyInRun: Record<string, number> = {};
      const tasksInRun: Array<[number, string, string, number]> = [];
      if (runMark && doneMark) {
        const spans = new Map<string, Array<[number, number]>>();
        for (const e of traceEvents as Array<typeof traceEvents[number] & { ts: number }>) {
          if (e.ph !== 'X' || e.dur === undefined) continue;
          const a = Math.max(e.ts, runMark.ts), b = Math.min(e.ts + e.dur, doneMark.ts);
          if (b <= a) continue;
          const key = `${e.pid}:${e.tid}`;
          (spans.get(key) ?? spans.set(key, []).get(key)!).push([a, b]);
          const thread = threadNames.get(key) ?? key;
          if (/CrRendererMain|DedicatedWorker/.test(thread) && e.dur > 50) tasksInRun.push([round((e.ts - runMark.ts) / 1000), e.name, thread, round(e.dur / 1000)]);
        }
        for (const [key, list] of spans) {
          list.sort((x, y) => x[0] - y[0]);
          let total = 0, end = -Infinity;
          for (const [a, b] of list) { if (b > end) { total += b - Math.max(a, end); end = b; } }
          const name = threadNames.get(key) ?? key;
          busyInRun[name] = round((busyInRun[name] ?? 0) + total / 1000);
        }
        busyInRun['(run -> rendered)'] = round((doneMark.ts - runMark.ts) / 1000);
      }
      timelines[q.name] = {
        ms,
        mainEvents,
        busyInRun,
        tasksInRun: tasksInRun.sort((x, y) => x[0] - y[0]),
        engineOnly,
        messages: await page.evaluate(() => { const w = (window as unknown as BenchWin).__benchWorker; w.record = false; return w.log.splice(0); }),
        mainThread: Object.fromEntries(Object.keys(after).map((k) => [k, round(after[k]! - (before[k] ?? 0))])),
        topSelfMs: topSelfTime(profile),
      };
    }
  }
  const warmMs: number[] = [];
  for (let k = 0; k < reps + 1; k++) {
    const ms = await timeRendered(['by_hour', 'peak'], 'input', 20 + k); // a new value each time: no cache hit
    if (k > 0) warmMs.push(ms);
  }
  // Runs above re-run unchanged cells: the result key is the same, so the column types and the
  // view are known. An edited cell has a new key: its view and column types are read after the
  // query. Measured on top-20 routes with a different comment each time (comments are part of
  // the key; the analysis is kept, see the header).
  const editedMs: number[] = [];
  const top20 = queries.findIndex((q) => q.name === 'top-20 routes');
  for (let k = 0; k < reps + 1; k++) {
    await settle();
    const ms = await timeRendered([cellNames[top20]!], 'edit', `${queries[top20]!.sql}\n-- edit ${k}`);
    if (k > 0) editedMs.push(ms);
  }
  if (outside.length > 0) throw new Error(`requests outside 127.0.0.1: ${outside.join(', ')}`);
  if (pageErrors.length > 0) throw new Error(`page errors:\n${pageErrors.join('\n')}`);
  await browser.close();
  await server.close();
  await rm(work, { recursive: true, force: true });

  // ---- report ----
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  const machine = `${cpu} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}, ${os.platform()} ${os.release()}`;
  type ResultRow = {
    case: string; metric: string; ours: number; baseline: number; baselineName: string; ratio: number; nativeMs: number; wasmNodeMs: number;
    workerMessagesPerRun?: { ours: number; baseline: number }; mainThreadMsPerRun?: { ours: number; baseline: number }; phases?: Record<string, number>; oursPhasesMs?: Record<string, number>;
  };
  const results: ResultRow[] = queries.map((q) => ({
    case: q.name,
    metric: 'median ms, run -> rendered',
    ours: round(oursMs[q.name]!),
    baseline: round(wasmChromeMs[q.name]!),
    baselineName: 'raw DuckDB-WASM in Chromium (conn.query)',
    ratio: Math.round((oursMs[q.name]! / wasmChromeMs[q.name]!) * 100) / 100,
    nativeMs: round(nativeMs[q.name]!),
    wasmNodeMs: round(wasmNodeMs[q.name]!),
    workerMessagesPerRun: { ours: perRun[q.name]!.oursMessages, baseline: perRun[q.name]!.baselineMessages },
    mainThreadMsPerRun: { ours: round(perRun[q.name]!.oursMainMs), baseline: round(perRun[q.name]!.baselineMainMs) },
    oursPhasesMs: perRun[q.name]!.phases,
  }));
  results.push({
    case: 'cold page: first result (engine + 1M-row extract from browser cache)', metric: 'median ms, navigation -> first row rendered',
    ours: round(median(coldMs)), baseline: 3000, baselineName: 'goal (3 s)', ratio: Math.round((median(coldMs) / 3000) * 100) / 100, nativeMs: NaN, wasmNodeMs: NaN,
    phases: coldPhases,
  });
  results.push({
    case: 'top-20 routes, a comment edited before each run (new key: view and column types read)', metric: 'median ms, run (after the edit) -> rendered',
    ours: round(median(editedMs)), baseline: round(wasmChromeMs['top-20 routes']!), baselineName: 'raw DuckDB-WASM in Chromium (conn.query)',
    ratio: Math.round((median(editedMs) / wasmChromeMs['top-20 routes']!) * 100) / 100, nativeMs: NaN, wasmNodeMs: NaN,
  });
  results.push({
    case: 'warm re-run: input change -> aggregate over 1M rows + dependant', metric: 'median ms, setInputValue -> both rendered',
    ours: round(median(warmMs)), baseline: 200, baselineName: 'goal (200 ms)', ratio: Math.round((median(warmMs) / 200) * 100) / 100, nativeMs: NaN, wasmNodeMs: NaN,
  });
  const out = { name: 'query', machine, rows: rowCount, reps, results: results.map((r) => ({ ...r, nativeMs: Number.isNaN(r.nativeMs) ? null : r.nativeMs, wasmNodeMs: Number.isNaN(r.wasmNodeMs) ? null : r.wasmNodeMs })) };
  await mkdir(path.join(benchDir, 'results'), { recursive: true });
  await writeFile(path.join(benchDir, 'results', 'query.json'), `${JSON.stringify(out, null, 2)}\n`);

  console.log(`bench:query — ${rowCount.toLocaleString('en')} trips, median of ${reps} (${machine})`);
  console.log(['case'.padEnd(40), 'native', 'wasm-node', 'wasm-chrome', 'ours', 'ours/wasm'].join('\t'));
  for (const r of out.results) {
    console.log([r.case.slice(0, 40).padEnd(40), r.nativeMs ?? '-', r.wasmNodeMs ?? '-', r.baselineName.startsWith('goal') ? r.baselineName : r.baseline, r.ours, r.ratio].join('\t'));
  }
  console.log('\nper run (medians; robust to load): worker messages and main-thread task ms, ours vs raw');
  console.log(['case'.padEnd(40), 'msgs ours', 'msgs raw', 'main ms ours', 'main ms raw', 'ours: to post / query / reads / render ms'].join('\t'));
  for (const r of results.slice(0, queries.length)) {
    const p = r.oursPhasesMs ?? {};
    console.log([r.case.padEnd(40), r.workerMessagesPerRun?.ours, r.workerMessagesPerRun?.baseline, r.mainThreadMsPerRun?.ours, r.mainThreadMsPerRun?.baseline, `${p.toPost} / ${p.query} / ${p.present} / ${p.render}`].join('\t'));
  }
  console.log(`cold page phases (median ms since navigation): ${JSON.stringify(coldPhases)}`);
  if (process.env.BENCH_PROFILE) console.log(JSON.stringify(timelines, null, 1));
  console.log(`wrote bench/results/query.json in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
