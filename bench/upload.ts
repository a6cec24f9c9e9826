/**
 * `npm run bench:upload`: a ~2 GB CSV through the real import path, measured once (not part of
 * `npm test`; it writes several GB to the temp dir and takes minutes).
 *
 * 1. Generates a seeded synthetic trips CSV just over 2 GiB in the temp dir (UTF-8, Korean
 *    district names, ~22 M rows), after checking there is room for it and the copies the import
 *    makes (original, normalized.csv, data.parquet) plus the baseline's Parquet.
 * 2. Refused: a real server (child process) with the default limit (2 GiB) gets the file with an
 *    honest Content-Length; records the status, the message and how many bytes the client had
 *    sent when the 413 arrived (it must be a small fraction of the file), and that nothing is left
 *    in the staging folder.
 * 3. Imported: a real server with the limit raised to 3 GiB gets the same file streamed over
 *    HTTP (POST /api/datasets/import as a steward): wall time of the upload and of the
 *    conversion + profile that follow, the server's CPU time, and its peak RSS (VmHWM of the
 *    server process, which includes native DuckDB) — it must stay far below the file size.
 * 4. Baseline: native DuckDB (same threads) reading the same file with `read_csv` and writing
 *    Parquet (`COPY ... TO`), the bare work of turning the CSV into a typed table, no upload, no
 *    checks, no profile. ratio = ours / baseline.
 *
 * Writes bench/results/upload.json: {"name","machine","results":[{case,metric,ours,baseline,baselineName,ratio}]}.
 * The machine has 2 cores shared with other jobs: wall times are noisy, CPU seconds less so.
 * `MADANG_BENCH_UPLOAD_BYTES` changes the file size (default 2 GiB + a little).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../test/harness/seededRandom.ts';

const self = fileURLToPath(import.meta.url);
const benchDir = path.dirname(self);
const gib = 1024 ** 3;

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

// ---------------------------------------------------------------------------------------------
// Child: a real Madang server (startTestServer = startServer on 127.0.0.1 with a temp data dir).

async function serveChild(limit: string): Promise<void> {
  process.env.MADANG_DATASET_MAX_BYTES = limit;
  const { startTestServer } = await import('../test/harness/testServer.ts');
  const t = await startTestServer();
  const steward = await t.clientFor(await t.createUser({ role: 'steward' }));
  process.send!({ type: 'ready', url: t.url, cookie: steward.cookie, dataDir: t.dataDir });
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'stats') {
      const u = process.resourceUsage();
      process.send!({ type: 'stats', maxRssKb: u.maxRSS, cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6 });
    } else if (msg.type === 'close') {
      void t.close().then(() => process.exit(0));
    }
  });
}

// Child: the baseline, native DuckDB read_csv -> Parquet of the same file.
async function baselineChild(file: string, out: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  await conn.run(`COPY (SELECT * FROM read_csv('${file}')) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
  const rows = Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE FROM read_parquet('${out}')`)).getRows()[0][0]);
  conn.closeSync();
  instance.closeSync();
  const cpu = process.cpuUsage(cpu0);
  process.send!({ type: 'done', wallS: (performance.now() - started) / 1000, cpuS: (cpu.user + cpu.system) / 1e6, maxRssKb: process.resourceUsage().maxRSS, rows });
}

// ---------------------------------------------------------------------------------------------
// Parent.


const districts = ['강남구', '강동구', '강북구', '강서구', '관악구', '광진구', '구로구', '금천구', '노원구', '도봉구', '동대문구', '동작구', '마포구', '서대문구', '서초구', '성동구', '성북구', '송파구', '양천구', '영등포구', '용산구', '은평구', '종로구', '중구', '중랑구'];
const header = 'rental_id,birth_year,gender,rental_time,station_from,station_to,gu,distance_m,duration_min\n';

/** A seeded trips CSV of at least `targetBytes`; returns its size and row count. */
async function generateCsv(file: string, targetBytes: number): Promise<{ bytes: number; rows: number }> {
  const rnd = mulberry32(20261128);
  const out = createWriteStream(file);
  let bytes = Buffer.byteLength(header);
  out.write(header);
  let rows = 0;
  const base = Date.UTC(2024, 0, 1);
  while (bytes < targetBytes) {
    let chunk = '';
    for (let i = 0; i < 20_000; i++) {
      const t = new Date(base + Math.floor(rnd() * 366 * 86400) * 1000).toISOString().slice(0, 19).replace('T', ' ');
      const from = `ST-${String(Math.floor(rnd() * 3000)).padStart(4, '0')}`;
      const to = `ST-${String(Math.floor(rnd() * 3000)).padStart(4, '0')}`;
      chunk += `R${String(rows).padStart(9, '0')},${1940 + Math.floor(rnd() * 70)},${rnd() < 0.5 ? 'F' : 'M'},${t},${from},${to},${districts[Math.floor(rnd() * districts.length)]},${Math.floor(rnd() * 20000)},${(rnd() * 120).toFixed(1)}\n`;
      rows++;
    }
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { bytes, rows };
}

interface ServerChild {
  child: ChildProcess;
  url: string;
  cookie: string;
  dataDir: string;
  stats(): Promise<{ maxRssKb: number; cpuS: number }>;
  close(): Promise<void>;
}

async function startServerChild(limit: number): Promise<ServerChild> {
  const child = fork(self, ['serve', String(limit)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(child, 'message')) as [{ url: string; cookie: string; dataDir: string }];
  return {
    child, url: ready.url, cookie: ready.cookie, dataDir: ready.dataDir,
    async stats() {
      child.send({ type: 'stats' });
      const [msg] = (await once(child, 'message')) as [{ maxRssKb: number; cpuS: number }];
      return msg;
    },
    async close() {
      const exited = once(child, 'exit');
      child.send({ type: 'close' });
      await exited;
    },
  };
}

/** Peak resident memory of a process, sampled from /proc every 200 ms while `during` runs. */
async function sampleRss<T>(pid: number, during: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peakKb = 0;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb > peakKb) peakKb = kb;
    } catch { /* the process may be gone */ }
  };
  const timer = setInterval(() => void sample(), 200);
  try {
    const value = await during();
    await sample();
    return { value, peakMb: peakKb / 1024 };
  } finally {
    clearInterval(timer);
  }
}

interface UploadOutcome {
  status: number;
  body: string;
  /** Bytes read from disk into the request when the answer arrived (an upper bound on what the server received). */
  sentAtAnswer: number;
  /** From the first byte to the last byte handed to the socket (null when refused first). */
  uploadS: number | null;
  /** From the first byte to the complete answer. */
  totalS: number;
}

function uploadFile(server: ServerChild, file: string, size: number): Promise<UploadOutcome> {
  return new Promise((resolve, reject) => {
    const url = new URL(`/api/datasets/import?${new URLSearchParams({ name: 'trips_2gb', filename: 'trips_2gb.csv' })}`, server.url);
    const started = performance.now();
    let uploadS: number | null = null;
    let sent = 0;
    let answered = false;
    const req = http.request(url, {
      method: 'POST',
      headers: { cookie: server.cookie, 'x-requested-with': 'madang', 'content-type': 'application/octet-stream', 'content-length': String(size) },
    });
    const input = createReadStream(file, { highWaterMark: 1024 * 1024 });
    input.on('data', (b) => { sent += b.length; });
    input.pipe(req);
    req.on('finish', () => { uploadS = (performance.now() - started) / 1000; });
    req.on('response', (res) => {
      answered = true;
      const sentAtAnswer = sent;
      input.unpipe(req);
      input.destroy();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sentAtAnswer, uploadS, totalS: (performance.now() - started) / 1000 }));
    });
    // After an early answer the server closes the connection; the rest of our writes fail (EPIPE).
    req.on('error', (err) => { if (!answered) reject(err); });
  });
}

async function leftovers(dataDir: string): Promise<string[]> {
  const incoming = path.join(dataDir, 'raw', '.incoming');
  try {
    return await readdir(incoming);
  } catch {
    return [];
  }
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function main(): Promise<void> {
  const started = performance.now();
  const target = Number(process.env.MADANG_BENCH_UPLOAD_BYTES ?? 2 * gib + 16 * 1024 * 1024);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'madang-bench-upload-'));
  const fs = await statfs(tmp);
  const free = fs.bavail * fs.bsize;
  // The file, the import's copies of it (original + normalized.csv, Parquet smaller) and the
  // baseline's Parquet: about 3.5 times the file.
  if (free < target * 3.5) throw new Error(`not enough room in ${os.tmpdir()}: ${round(free / gib, 1)} GiB free, ${round((target * 3.5) / gib, 1)} GiB needed (set MADANG_BENCH_UPLOAD_BYTES lower)`);
  const file = path.join(tmp, 'trips_2gb.csv');
  const results: { case: string; metric: string; ours: number; baseline: number | null; baselineName: string | null; ratio: number | null }[] = [];
  const loadAtStart = os.loadavg().map((n) => round(n, 2));
  let config: Record<string, unknown>;
  try {
    const t0 = performance.now();
    const { bytes, rows } = await generateCsv(file, target);
    console.log(`generated ${round(bytes / gib, 3)} GiB, ${rows} rows in ${round((performance.now() - t0) / 1000, 1)} s`);
    const sizeCase = `${round(bytes / gib, 2)} GiB CSV (${rows.toLocaleString('en-US')} rows)`;

    // 2. Over the default limit: refused before reading (a smaller limit for a smaller trial file).
    const refusedLimit = bytes > 2 * gib ? 2 * gib : Math.floor(bytes / 4);
    const limitCase = refusedLimit === 2 * gib ? 'default limit 2 GiB' : `limit ${refusedLimit} B`;
    const limited = await startServerChild(refusedLimit);
    const refused = await uploadFile(limited, file, bytes);
    const refusedLeft = await leftovers(limited.dataDir);
    const refusedMessage = (JSON.parse(refused.body) as { error: { en: string } }).error.en;
    await limited.close();
    console.log(`default limit: ${refused.status} after ${round(refused.totalS, 2)} s, ${refused.sentAtAnswer} bytes sent; leftovers ${refusedLeft.length}; ${refusedMessage}`);
    if (refused.status !== 413 || refusedLeft.length > 0) throw new Error('the default limit did not refuse the file cleanly');
    results.push({ case: `${sizeCase}, ${limitCase}: refused`, metric: 'time_to_413_s', ours: round(refused.totalS), baseline: null, baselineName: null, ratio: null });
    results.push({ case: `${sizeCase}, ${limitCase}: refused`, metric: 'bytes_sent_before_413', ours: refused.sentAtAnswer, baseline: bytes, baselineName: 'the whole file', ratio: round(refused.sentAtAnswer / bytes, 6) });

    // 3. Limit raised: streamed, converted, profiled.
    const server = await startServerChild(3 * gib);
    const before = await server.stats();
    const { value: imported, peakMb } = await sampleRss(server.child.pid!, () => uploadFile(server, file, bytes));
    const after = await server.stats();
    const importedLeft = await leftovers(server.dataDir);
    if (imported.status !== 201) throw new Error(`import failed: ${imported.status} ${imported.body}`);
    const version = (JSON.parse(imported.body) as { version: { rowCount: number; byteSize: number; columns: { name: string; type: string }[] } }).version;
    const rawBytes = await dirBytes(path.join(server.dataDir, 'raw'));
    await server.close();
    const importS = imported.totalS - (imported.uploadS ?? imported.totalS);
    const serverCpuS = after.cpuS - before.cpuS;
    console.log(`imported: ${version.rowCount} rows, upload ${round(imported.uploadS ?? 0, 1)} s + convert/profile ${round(importS, 1)} s; server CPU ${round(serverCpuS, 1)} s; peak RSS ${round(after.maxRssKb / 1024, 0)} MB (sampled ${round(peakMb, 0)} MB); leftovers ${importedLeft.length}`);
    if (version.rowCount !== rows || importedLeft.length > 0) throw new Error('import incomplete or left staging files');

    // 4. Baseline.
    const out = path.join(tmp, 'baseline.parquet');
    const child = fork(self, ['baseline', file, out], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const [base] = (await once(child, 'message')) as [{ wallS: number; cpuS: number; maxRssKb: number; rows: number }];
    await once(child, 'exit');
    console.log(`baseline: ${base.rows} rows in ${round(base.wallS, 1)} s, CPU ${round(base.cpuS, 1)} s, peak RSS ${round(base.maxRssKb / 1024, 0)} MB`);
    const baselineName = 'native DuckDB read_csv -> Parquet (COPY, zstd, 2 threads) of the same file on local disk: no upload, no checks, no profile';
    const okCase = `${sizeCase}, limit 3 GiB: streamed upload + import + profile`;
    results.push({ case: okCase, metric: 'wall_s', ours: round(imported.totalS), baseline: round(base.wallS), baselineName, ratio: round(imported.totalS / base.wallS) });
    results.push({ case: okCase, metric: 'cpu_s', ours: round(serverCpuS), baseline: round(base.cpuS), baselineName: `${baselineName}; ours = the server process's CPU`, ratio: round(serverCpuS / base.cpuS) });
    results.push({ case: okCase, metric: 'peak_rss_mb', ours: round(after.maxRssKb / 1024, 0), baseline: round(base.maxRssKb / 1024, 0), baselineName: `${baselineName}; ours = the whole server process (VmHWM), including DuckDB`, ratio: round(after.maxRssKb / base.maxRssKb) });
    results.push({ case: okCase, metric: 'peak_rss_over_file_size', ours: round((after.maxRssKb * 1024) / bytes, 4), baseline: null, baselineName: null, ratio: null });
    results.push({ case: okCase, metric: 'upload_s', ours: round(imported.uploadS ?? 0), baseline: null, baselineName: null, ratio: null });
    results.push({ case: okCase, metric: 'convert_and_profile_s', ours: round(importS), baseline: null, baselineName: null, ratio: null });
    results.push({ case: okCase, metric: 'raw_store_bytes', ours: rawBytes, baseline: bytes, baselineName: 'the file', ratio: round(rawBytes / bytes) });
    results.push({ case: okCase, metric: 'rows_imported', ours: version.rowCount, baseline: base.rows, baselineName: 'rows DuckDB read', ratio: round(version.rowCount / base.rows) });
    config = {
      fileBytes: bytes, rows, columns: version.columns.map((c) => `${c.name}:${c.type}`), refusedMessage,
      serverRssBeforeUploadMb: round(before.maxRssKb / 1024, 0), sampledPeakRssMb: round(peakMb, 0),
      loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg().map((n) => round(n, 2)),
      note: 'one run each (minutes per run); the machine has 2 cores shared with other jobs, so wall times are noisy, CPU seconds less so; ratio = ours / baseline, lower is better. peak_rss_mb is the server process high-water mark over its whole life (start-up included); raw_store_bytes = original + normalized.csv + data.parquet kept per version',
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  const report = {
    name: 'upload',
    machine: { platform: `${os.platform()} ${os.release()}`, arch: os.arch(), cpuModel: cpus[0]?.model ?? 'unknown', cpuCount: cpus.length, memoryGb: round(os.totalmem() / gib, 1), node: process.version },
    config,
    durationS: round((performance.now() - started) / 1000, 1),
    results,
  };
  await writeFile(path.join(benchDir, 'results', 'upload.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'serve') await serveChild(a);
else if (mode === 'baseline') await baselineChild(a, b);
else await main();
