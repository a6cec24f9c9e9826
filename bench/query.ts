/**
 * `npm run bench:query`: a 1,000,000-row synthetic bike-trip extract (plus 800 stations) and five
 * fixed queries, timed side by side in one run:
 *
 *   native      @duckdb/node-api on the same data (the server's engine)
 *   wasm-node   raw DuckDB-WASM, Node blocking bundle (`conn.query`)
 *   wasm-chrome raw DuckDB-WASM in headless Chromium: the page's own engine, `conn.query`
 *   ours        our full path in Chromium: "run" on a SQL cell -> result table materialised ->
 *               row count + columns -> view -> first grid window fetched -> rows in the DOM
 *               (a MutationObserver notes the moment the first row's text is rendered)
 *
 * Also: first result on a cold page (engine + 1M-row extract from the browser cache, from
 * navigation to the first rendered grid row) and a warm re-run after an input change (an
 * aggregate over 1M rows and its dependant, from `setInputValue` to both rendered).
 *
 * Writes bench/results/query.json ({name, machine, results: [{case, metric, ours, baseline,
 * baselineName, ratio}]}, ratio = ours / raw DuckDB-WASM in Chromium) and prints medians.
 * Loopback only. BENCH_REPS (default 5) sets repetitions per query.
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
import { startTestServer } from '../test/harness/testServer.ts';
import { launchBrowser, openPerson, signInThroughPage } from '../test/harness/browser.ts';
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
  const clientDir = path.join(repoRoot, 'dist/client');
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
  const imported = await client.post('/api/notebooks/import', { markdown });
  if (imported.status !== 201) throw new Error(`import failed: ${imported.text}`);
  const notebookPath = `/n/${encodeURIComponent(imported.json<{ id: string }>().id)}`;

  const browser = await launchBrowser();
  const person = await openPerson(browser, server.url);
  // tsx (esbuild keepNames) wraps named functions in page.evaluate callbacks with `__name`.
  await person.context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
  const page = person.page;
  await signInThroughPage(page, user.email, user.password, '/');
  type Win = { __madangRuntime: { cellIdByName(n: string): string; runCell(id: string): void; setInputValue(n: string, v: unknown): void; whenIdle(): Promise<void>; engine(): Promise<{ query(sql: string, p: unknown[]): Promise<unknown> }> } };

  /** Resolves (in the page) with ms from `start()` until every named cell shows a fresh first row. */
  const timeRendered = (names: string[], action: 'run' | 'input', value?: number) => page.evaluate(async ({ names: ns, action: act, value: v }) => {
    const w = window as unknown as Win;
    const rt = w.__madangRuntime;
    const ids = ns.map((n) => rt.cellIdByName(n));
    const outputs = ids.map((id) => document.querySelector(`[data-testid="cell-output"][data-cell-id="${id}"]`)!);
    const before = outputs.map((o) => o.getAttribute('data-status') === 'done' ? o.querySelector('[data-testid="cell-status"]')?.textContent : null);
    const seenBusy = ids.map(() => false);
    const t0 = performance.now();
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
          observer.disconnect();
          resolve(performance.now() - t0);
        }
      };
      const observer = new MutationObserver(check);
      for (const o of outputs) observer.observe(o, { subtree: true, childList: true, attributes: true, characterData: true });
      setTimeout(() => { observer.disconnect(); reject(new Error(`timeout; before ${JSON.stringify(before)}`)); }, 120_000);
      if (act === 'run') for (const id of ids) rt.runCell(id);
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
  for (let i = 0; i < Math.min(reps, 3); i++) {
    await page.reload();
    await page.waitForFunction(() => {
      const w = window as unknown as Partial<Win>;
      const id = w.__madangRuntime?.cellIdByName('q1');
      const row = id ? document.querySelector(`[data-testid="cell-output"][data-cell-id="${id}"] [data-testid="result-grid-row"][data-row="0"] [role="gridcell"]`) : null;
      return row !== null && row.textContent !== '…';
    }, undefined, { timeout: 120_000, polling: 10 });
    coldMs.push(await page.evaluate(() => performance.now()));
    const fromCache = await page.locator('[data-testid="extract-status"][data-extract="bench_trips"]').getAttribute('data-from-cache');
    if (fromCache !== 'true') throw new Error('the cold-page run did not read the extract from the browser cache');
  }
  await page.evaluate(() => (window as unknown as Win).__madangRuntime.whenIdle());

  const wasmChromeMs: Record<string, number> = {};
  const oursMs: Record<string, number> = {};
  for (const [i, q] of queries.entries()) {
    wasmChromeMs[q.name] = median(await page.evaluate(async ({ sql, n }) => {
      const api = await (window as unknown as Win).__madangRuntime.engine();
      const times: number[] = [];
      for (let k = 0; k < n + 1; k++) {
        const t0 = performance.now();
        await api.query(sql, []);
        if (k > 0) times.push(performance.now() - t0);
      }
      return times;
    }, { sql: q.sql, n: reps }));
    const times: number[] = [];
    for (let k = 0; k < reps + 1; k++) {
      const ms = await timeRendered([cellNames[i]!], 'run');
      if (k > 0) times.push(ms);
    }
    oursMs[q.name] = median(times);
  }
  const warmMs: number[] = [];
  for (let k = 0; k < reps + 1; k++) {
    const ms = await timeRendered(['by_hour', 'peak'], 'input', 20 + k); // a new value each time: no cache hit
    if (k > 0) warmMs.push(ms);
  }
  person.assertClean([/status of 401/]);
  await browser.close();
  await server.close();
  await rm(work, { recursive: true, force: true });

  // ---- report ----
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  const machine = `${cpu} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}, ${os.platform()} ${os.release()}`;
  const results = queries.map((q) => ({
    case: q.name,
    metric: 'median ms, run -> rendered',
    ours: round(oursMs[q.name]!),
    baseline: round(wasmChromeMs[q.name]!),
    baselineName: 'raw DuckDB-WASM in Chromium (conn.query)',
    ratio: Math.round((oursMs[q.name]! / wasmChromeMs[q.name]!) * 100) / 100,
    nativeMs: round(nativeMs[q.name]!),
    wasmNodeMs: round(wasmNodeMs[q.name]!),
  }));
  results.push({
    case: 'cold page: first result (engine + 1M-row extract from browser cache)', metric: 'median ms, navigation -> first row rendered',
    ours: round(median(coldMs)), baseline: 3000, baselineName: 'goal (3 s)', ratio: Math.round((median(coldMs) / 3000) * 100) / 100, nativeMs: NaN, wasmNodeMs: NaN,
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
  console.log(`wrote bench/results/query.json in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
