/**
 * `npm run bench:sanitize`: the anonymisation engine on 1,000,000 synthetic bike trips (seeded)
 * with five quasi-identifiers — birth year (bands 5/10/20), gender, rental time (hour/day/month),
 * rental station and return station (station -> district -> city, real Seoul stations and
 * districts from bench/fixtures/seoul_station_hierarchy.csv) — at k=5 and k=10 with 2% suppression.
 *
 * Measured per case (each run in its own child process, so peak RSS is that run's): time from
 * input CSV to the optimal Parquet extract (read, search, write), the search alone, peak RSS,
 * transformations evaluated vs lattice size. Baseline, same run and data: the same pipeline with
 * an exhaustive search (every transformation grouped, no pruning, no early stop; otherwise
 * the same grouping machinery, nodes visited bottom-up and rolled up from cached predecessors), so
 * the ratio is what pruning and predictive tagging save.
 * BENCH_ROWS overrides the row count (the baseline uses BENCH_BASELINE_ROWS, default the same).
 *
 * Writes bench/results/sanitize.json: {"name","machine","results":[{case,metric,ours,baseline,baselineName,ratio}]}.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { parsePolicy } from '../shared/privacy/policy.ts';
import { sanitizeFile } from '../server/privacy/sanitize.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const rows = Number(env.BENCH_ROWS ?? 1_000_000);
const baselineRows = Number(env.BENCH_BASELINE_ROWS ?? rows);
const reps = Number(env.BENCH_REPS ?? 3);
const ks = [5, 10];

interface RunResult {
  totalS: number;
  /** CPU time of the run (user + system, all threads): robust when other processes share the cores. */
  cpuS: number;
  searchS: number;
  peakRssMb: number;
  nodesEvaluated: number;
  latticeSize: number;
  inputRows: number;
  outputRows: number;
  suppressed: number;
  levels: Record<string, number>;
  loss: number | null;
  /** Wall and CPU seconds per phase (read, encode, search, write): where the time outside the search goes. */
  phases: Record<string, { wallS: number; cpuS: number }>;
}

/** Writes the synthetic trips CSV with DuckDB (deterministic: every field is a hash of the row number). */
async function generateTrips(file: string, n: number): Promise<void> {
  const stationFile = path.join(benchDir, 'fixtures', 'seoul_station_hierarchy.csv');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`CREATE TABLE st AS SELECT column0 AS id, column1 AS gu, row_number() OVER () - 1 AS i FROM read_csv('${stationFile}', delim=';', header=false)`);
  // Skewed station popularity (a few busy stations), returns mostly in the same district.
  await conn.run(`COPY (
    WITH r AS (SELECT i, hash(i, 'a') AS h1, hash(i, 'b') AS h2, hash(i, 'c') AS h3, hash(i, 'd') AS h4 FROM range(${n}) t(i)),
    n AS (SELECT count(*) AS c FROM st)
    SELECT 'T' || r.i AS rental_id,
           1950 + CAST(sqrt((h1 % 3136)::DOUBLE) AS INTEGER) AS birth_year,
           CASE WHEN h1 % 7 < 4 THEN 'M' ELSE 'F' END AS gender,
           TIMESTAMP '2024-01-01 05:00:00' + to_minutes(CAST(h2 % (366 * 24 * 60) AS BIGINT)) AS rented_at,
           s1.id AS rent_station,
           CASE WHEN h3 % 10 < 6 THEN s2.id ELSE s3.id END AS return_station,
           (h4 % 8000)::INTEGER AS distance_m
    FROM r, n
    JOIN st s1 ON s1.i = CAST(floor(pow((h3 % 100000)::DOUBLE / 100000, 2) * n.c) AS BIGINT)
    JOIN st s2 ON s2.i = (s1.i + h4 % 7) % n.c
    JOIN st s3 ON s3.i = h4 % n.c
    ORDER BY r.i
  ) TO '${file}' (FORMAT csv, HEADER true)`);
  // Every trip must survive the station joins (a rounding CAST once dropped 56 of 1,000,000).
  const written = Number((await conn.runAndReadAll(`SELECT count(*) FROM read_csv('${file}')`)).getColumnsJS()[0][0]);
  if (written !== n) throw new Error(`generated ${written} trips, expected ${n}`);
  conn.closeSync();
  db.closeSync();
}

function policyFor(k: number) {
  return parsePolicy({
    k,
    suppressionLimit: 0.02,
    metric: 'entropy',
    columns: {
      rental_id: { role: 'identifier' },
      birth_year: { role: 'quasi', hierarchy: { bands: [5, 10, 20] } },
      gender: { role: 'quasi', hierarchy: { levels: 1 } },
      rented_at: { role: 'quasi', hierarchy: { truncate: ['hour', 'day', 'month'] } },
      rent_station: { role: 'quasi', hierarchy: { file: 'seoul_station_hierarchy.csv' } },
      return_station: { role: 'quasi', hierarchy: { file: 'seoul_station_hierarchy.csv' } },
      distance_m: { role: 'other' },
    },
  });
}

async function child(args: { input: string; out: string; k: number; exhaustive: boolean }): Promise<void> {
  const started = performance.now();
  const phases: RunResult['phases'] = {};
  const onPhase = (phase: string, wallMs: number, cpuMs: number) => (phases[phase] = { wallS: round(wallMs / 1000), cpuS: round(cpuMs / 1000) });
  const report = await sanitizeFile({ input: args.input, out: args.out, policy: policyFor(args.k), policyDir: path.join(benchDir, 'fixtures'), exhaustive: args.exhaustive, onPhase });
  const totalS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage();
  const result: RunResult = {
    totalS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    searchS: report.searchMs / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    nodesEvaluated: report.nodesEvaluated,
    latticeSize: report.latticeSize,
    inputRows: report.inputRows,
    outputRows: report.outputRows,
    suppressed: report.suppressed,
    levels: report.levels,
    loss: report.loss,
    phases,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(args: object): RunResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`benchmark child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as RunResult;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, d = 3) => Number(x.toFixed(d));

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'madang-bench-sanitize-'));
  const input = path.join(dir, 'trips.csv');
  process.stdout.write(`generating ${rows} trips…\n`);
  await generateTrips(input, rows);
  const baselineInput = baselineRows === rows ? input : path.join(dir, 'trips-baseline.csv');
  if (baselineInput !== input) await generateTrips(baselineInput, baselineRows);
  const results: object[] = [];
  const started = Date.now();
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  for (const k of ks) {
    const caseName = `${rows.toLocaleString('en')} trips, 5 QIs, k=${k}, 2% suppression`;
    const ours: RunResult[] = [];
    for (let i = 0; i < reps; i++) ours.push(runChild({ input, out: path.join(dir, `ours-${k}.parquet`), k, exhaustive: false }));
    if (ours[0].inputRows !== rows) throw new Error(`the engine read ${ours[0].inputRows} trips, expected ${rows}`);
    process.stdout.write(`k=${k} ours: ${ours.map((r) => `${r.totalS.toFixed(2)} s (cpu ${r.cpuS.toFixed(2)} s, search ${r.searchS.toFixed(2)} s, ${r.nodesEvaluated} nodes)`).join(', ')}\n`);
    process.stdout.write(`  phases, wall/cpu s: ${ours.map((r) => Object.entries(r.phases).map(([p, t]) => `${p} ${t.wallS.toFixed(2)}/${t.cpuS.toFixed(2)}`).join(' ')).join(' | ')}\n`);
    const base = runChild({ input: baselineInput, out: path.join(dir, `base-${k}.parquet`), k, exhaustive: true });
    process.stdout.write(`k=${k} exhaustive: ${base.totalS.toFixed(2)} s (cpu ${base.cpuS.toFixed(2)} s, search ${base.searchS.toFixed(2)} s)\n`);
    if (baselineInput === input && JSON.stringify(base.levels) !== JSON.stringify(ours[0].levels)) throw new Error('exhaustive search found a different optimum');
    const baselineName = baselineInput === input ? 'exhaustive search (every node grouped, no pruning; same roll-up), same data' : `exhaustive search (every node grouped, no pruning; same roll-up) on ${baselineRows.toLocaleString('en')} rows`;
    const metric = (name: string, o: number, b: number) => results.push({ case: caseName, metric: name, ours: round(o), baseline: round(b), baselineName, ratio: b === 0 ? null : round(o / b) });
    metric('time_to_extract_s', median(ours.map((r) => r.totalS)), base.totalS);
    metric('cpu_s', median(ours.map((r) => r.cpuS)), base.cpuS);
    metric('search_s', median(ours.map((r) => r.searchS)), base.searchS);
    metric('peak_rss_mb', median(ours.map((r) => r.peakRssMb)), base.peakRssMb);
    for (const phase of Object.keys(ours[0].phases)) metric(`${phase}_cpu_s`, median(ours.map((r) => r.phases[phase].cpuS)), base.phases[phase]?.cpuS ?? 0);
    metric('nodes_evaluated', ours[0].nodesEvaluated, base.nodesEvaluated);
    results.push({ case: caseName, metric: 'lattice_size', ours: ours[0].latticeSize, baseline: base.latticeSize, baselineName, ratio: 1 });
    process.stdout.write(`  optimum ${JSON.stringify(ours[0].levels)}, ${ours[0].suppressed} suppressed, loss ${ours[0].loss}\n`);
  }
  const cpus = os.cpus();
  const out = {
    name: 'sanitize',
    machine: { platform: `${os.platform()} ${os.release()}`, arch: os.arch(), cpuModel: cpus[0]?.model ?? 'unknown', cpuCount: cpus.length, memoryGb: round(os.totalmem() / 2 ** 30, 1), node: process.version },
    config: {
      rows, baselineRows, reps,
      loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
      note: 'medians of ours over reps (baseline 1 run); ratio = ours / baseline, lower is better; time_to_extract_s (wall) includes reading the CSV and writing the Parquet extract; cpu_s is that run\'s CPU time (all threads), less sensitive to other load on the machine',
    },
    durationS: round((Date.now() - started) / 1000, 1),
    results,
  };
  fs.mkdirSync(path.join(benchDir, 'results'), { recursive: true });
  fs.writeFileSync(path.join(benchDir, 'results', 'sanitize.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.table(results);
  fs.rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]));
else if (process.argv[2] === '--generate') await generateTrips(path.resolve(process.argv[3]), Number(process.argv[4] ?? rows)); // for profiling by hand
else await main();
