/**
 * `npm run bench:collab`: our collab server (SQLite persistence on) against the reference
 * `@y/websocket-server` (in memory), same run, same machine, each server in its own child process.
 *
 * Live cases: N simulated editors (see simEditor.ts) type at a fixed rate for a bounded time.
 * Measured per run: delivery latency p50/p95/p99 (send -> receipt at each other editor of that
 * notebook), updates delivered per second, server CPU (% of one core, from the child's
 * process.cpuUsage) and peak RSS. Each case runs BENCH_REPS times (ours and reference alternate)
 * and the table shows medians.
 * Cold load: a 200-cell, ~1 MB notebook with 10k edits of history, time from connect to synced
 * with a real y-websocket client; ours loads it from SQLite, the reference holds it in memory.
 *
 * Writes bench/results/collab.json. Loopback only; every loop is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { listCells } from '../shared/schema/notebook.ts';
import { generateHistory, writeHistory } from './history.ts';
import { mulberry32 as seededRandom } from '../test/harness/seededRandom.ts';
import { SimEditor, type DeliveryLog } from './simEditor.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const env = process.env;
const cfg = {
  // 1 edit/s per editor keeps the 200-editor room (40k deliveries/s) below saturation on 2 cores;
  // at 2/s both servers (and the editors' process) saturate and latency becomes queueing delay.
  ratePerSec: Number(env.BENCH_RATE ?? 1),
  warmupMs: Number(env.BENCH_WARMUP_MS ?? 1000),
  windowMs: Number(env.BENCH_WINDOW_MS ?? 4000),
  drainMs: 1000,
  reps: Number(env.BENCH_REPS ?? 3),
  coldReps: Number(env.BENCH_COLD_REPS ?? 3),
};
const cases = [
  { name: '10 editors, 1 notebook', notebooks: 1, editors: 10 },
  { name: '50 editors, 1 notebook', notebooks: 1, editors: 50 },
  { name: '200 editors, 1 notebook', notebooks: 1, editors: 200 },
  { name: '20 notebooks x 10 editors', notebooks: 20, editors: 10 },
].filter((c) => !env.BENCH_CASES || env.BENCH_CASES.split(',').some((s) => c.name.startsWith(s)));

type Kind = 'ours' | 'ours-memory' | 'reference';
/** BENCH_OURS_STORE=memory runs our server on the in-memory store everywhere. */
const oursKind: Kind = env.BENCH_OURS_STORE === 'memory' ? 'ours-memory' : 'ours';
/** This case also runs ours on the in-memory store (same reference runs), to show what SQLite costs. */
const memoryCase = '50 editors, 1 notebook';

interface ServerChild {
  port: number;
  rpc<T>(cmd: string, args?: object): Promise<T>;
  stop(): Promise<void>;
}

async function startServer(kind: Kind): Promise<ServerChild> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madang-bench-'));
  const prof = env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(env.BENCH_PROF, kind)}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...prof, '--import', 'tsx', path.join(benchDir, 'collabServerProcess.ts'), kind, dataDir], {
    cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' },
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; port?: number; id?: number; result?: unknown; error?: string }) => {
      if (m.ready) return resolve(m.port ?? 0);
      const w = m.id !== undefined ? waiting.get(m.id) : undefined;
      if (!w) return;
      waiting.delete(m.id as number);
      if (m.error) w.reject(new Error(m.error));
      else w.resolve(m.result);
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
  return {
    port,
    rpc: (cmd, args = {}) => new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ id, cmd, ...args });
    }),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      // SIGTERM lets a traced/profiled child write its report; otherwise no waiting.
      child.kill(env.BENCH_TRACE || env.BENCH_PROF ? 'SIGTERM' : 'SIGKILL');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Stats { cpu: { user: number; system: number }; rss: number; loopDelayP99Ms: number; loopDelayMaxMs: number }

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runLiveCase(kind: Kind, c: (typeof cases)[number], rep: number): Promise<Record<string, number>> {
  const server = await startServer(kind);
  try {
    const ids = Array.from({ length: c.notebooks }, (_, i) => `bench-notebook-${i}`);
    await server.rpc('createNotebooks', { ids });
    const latencies: number[] = [];
    let t0 = Infinity;
    let t1 = Infinity;
    const log: DeliveryLog = {
      sentAt: new Map(),
      onDelivery(latency, sentAt) {
        if (sentAt >= t0 && sentAt < t1) latencies.push(latency);
      },
    };
    const editors: SimEditor[] = [];
    for (const id of ids) {
      for (let k = 0; k < c.editors; k++) {
        editors.push(new SimEditor(`ws://127.0.0.1:${server.port}/collab/${id}?ack=1`, editors.length, log));
      }
    }
    await Promise.all(editors.map((e) => e.synced));
    const rand = seededRandom(1000 + rep);
    const period = 1000 / cfg.ratePerSec;
    let editsInWindow = 0;
    const timers: NodeJS.Timeout[] = [];
    let isEditing = true;
    for (const e of editors) {
      const start = setTimeout(() => {
        const tick = () => {
          if (!isEditing) return;
          const now = performance.now();
          if (now >= t0 && now < t1) editsInWindow++;
          e.edit();
        };
        tick();
        timers.push(setInterval(tick, period));
      }, rand() * period);
      timers.push(start);
    }
    await sleep(cfg.warmupMs);
    await server.rpc('resetLoopDelay');
    const before = await server.rpc<Stats>('stats');
    t0 = performance.now();
    t1 = t0 + cfg.windowMs;
    let peakRss = before.rss;
    while (performance.now() < t1) {
      await sleep(Math.min(250, Math.max(1, t1 - performance.now())));
      peakRss = Math.max(peakRss, (await server.rpc<Stats>('stats')).rss);
    }
    const after = await server.rpc<Stats>('stats');
    if (env.BENCH_TRACE) console.error(`  ${kind}: server event-loop delay p99 ${after.loopDelayP99Ms.toFixed(1)} ms, max ${after.loopDelayMaxMs.toFixed(1)} ms`);
    isEditing = false;
    for (const t of timers) clearTimeout(t);
    await sleep(cfg.drainMs);
    await Promise.all(editors.map((e) => e.close()));
    latencies.sort((a, b) => a - b);
    const seconds = cfg.windowMs / 1000;
    const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
    const expected = editsInWindow * (c.editors - 1);
    return {
      latency_p50_ms: percentile(latencies, 50),
      latency_p95_ms: percentile(latencies, 95),
      latency_p99_ms: percentile(latencies, 99),
      updates_delivered_per_s: latencies.length / seconds,
      server_cpu_percent: (cpuMs / cfg.windowMs) * 100,
      server_rss_mb: peakRss / (1024 * 1024),
      delivered_fraction: expected > 0 ? latencies.length / expected : NaN,
    };
  } finally {
    await server.stop();
  }
}

async function coldLoad(kind: Kind, historyFile: string, mode: 'compacted' | 'log'): Promise<number[]> {
  const server = await startServer(kind);
  try {
    // A log-only notebook is compacted when its room closes, so each run gets its own copy.
    const ids = mode === 'log' ? Array.from({ length: cfg.coldReps }, (_, i) => `cold-log-${i}`) : ['cold-compacted'];
    for (const id of ids) await server.rpc('loadHistory', { notebookId: id, file: historyFile, mode });
    const times: number[] = [];
    for (let i = 0; i < cfg.coldReps; i++) {
      const id = ids[i % ids.length];
      while ((await server.rpc<number>('roomCount')) > (kind === 'ours' ? 0 : ids.length)) await sleep(20);
      const doc = new Y.Doc();
      const start = performance.now();
      const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}/collab`, id, doc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true, params: { ack: '1' },
      });
      // The stock client logs unknown message types; ours sends `saved` to ack clients only.
      provider.messageHandlers[100] = () => {};
      await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
      times.push(performance.now() - start);
      if (listCells(doc).length !== 200) throw new Error(`${kind} cold load: expected 200 cells, got ${listCells(doc).length}`);
      provider.destroy();
      doc.destroy();
    }
    return times;
  } finally {
    await server.stop();
  }
}

interface Row { case: string; metric: string; ours: number; baseline: number; baselineName: string; ratio: number }

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const rows: Row[] = [];
  const push = (caseName: string, metric: string, ours: number, baseline: number) =>
    rows.push({ case: caseName, metric, ours, baseline, baselineName: '@y/websocket-server', ratio: ours / baseline });

  for (const c of cases) {
    const runs: Record<'ours' | 'reference', Record<string, number>[]> = { ours: [], reference: [] };
    for (let rep = 0; rep < cfg.reps; rep++) {
      const order: Array<'ours' | 'reference'> = rep % 2 === 0 ? ['ours', 'reference'] : ['reference', 'ours'];
      for (const side of order) {
        const kind: Kind = side === 'ours' ? oursKind : 'reference';
        const r = await runLiveCase(kind, c, rep);
        runs[side].push(r);
        console.error(`  ${c.name} [${kind} #${rep + 1}] p50 ${r.latency_p50_ms.toFixed(2)} ms, p99 ${r.latency_p99_ms.toFixed(2)} ms, ${r.updates_delivered_per_s.toFixed(0)}/s, cpu ${r.server_cpu_percent.toFixed(1)}%, rss ${r.server_rss_mb.toFixed(0)} MB, delivered ${(r.delivered_fraction * 100).toFixed(1)}%`);
      }
    }
    for (const metric of Object.keys(runs.ours[0])) {
      push(c.name, metric, median(runs.ours.map((r) => r[metric])), median(runs.reference.map((r) => r[metric])));
    }
    if (c.name === memoryCase && oursKind === 'ours' && !env.BENCH_SKIP_MEMORY) {
      const memoryRuns: Record<string, number>[] = [];
      for (let rep = 0; rep < cfg.reps; rep++) {
        const r = await runLiveCase('ours-memory', c, rep);
        memoryRuns.push(r);
        console.error(`  ${c.name} [ours-memory #${rep + 1}] p50 ${r.latency_p50_ms.toFixed(2)} ms, p99 ${r.latency_p99_ms.toFixed(2)} ms, ${r.updates_delivered_per_s.toFixed(0)}/s, cpu ${r.server_cpu_percent.toFixed(1)}%, rss ${r.server_rss_mb.toFixed(0)} MB`);
      }
      for (const metric of Object.keys(memoryRuns[0])) {
        push(`${c.name} (ours with the in-memory store)`, metric, median(memoryRuns.map((r) => r[metric])), median(runs.reference.map((r) => r[metric])));
      }
    }
  }

  if (!env.BENCH_SKIP_COLD) {
    const t = performance.now();
    const history = generateHistory();
    const historyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'madang-bench-history-')), 'history.bin');
    fs.writeFileSync(historyFile, writeHistory(history));
    const full = new Y.Doc();
    for (const u of history) Y.applyUpdate(full, u);
    const docBytes = Y.encodeStateAsUpdate(full).byteLength;
    console.error(`  cold-load notebook: ${history.length} updates, ${(docBytes / 1e6).toFixed(2)} MB encoded, generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    for (const mode of ['compacted', 'log'] as const) {
      const ours = await coldLoad('ours', historyFile, mode);
      const ref = await coldLoad('reference', historyFile, mode);
      console.error(`  cold load (${mode}) ours ${ours.map((x) => x.toFixed(0)).join(', ')} ms; reference ${ref.map((x) => x.toFixed(0)).join(', ')} ms`);
      const name = mode === 'compacted'
        ? 'cold load: 200 cells, 1 MB, 10k edits (stored as snapshot)'
        : 'cold load: 200 cells, 1 MB, 10k edits (stored as a 10k-update log)';
      push(name, 'connect_to_synced_ms', median(ours), median(ref));
    }
    fs.rmSync(path.dirname(historyFile), { recursive: true, force: true });
  }

  printTable(rows);
  const cpus = os.cpus();
  const out = {
    name: 'collab',
    machine: {
      platform: `${os.platform()} ${os.release()}`, arch: os.arch(), cpuModel: cpus[0]?.model ?? 'unknown',
      cpuCount: cpus.length, memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)), node: process.version,
      // Other work on the machine during the run (1-minute load average at start and end).
      loadAverage1mStart: Number(loadBefore[0].toFixed(2)), loadAverage1mEnd: Number(os.loadavg()[0].toFixed(2)),
    },
    config: { ...cfg, note: 'medians over reps; ratio = ours / baseline (latency, cpu, rss: lower is better; updates_delivered_per_s: higher is better)' },
    durationS: Number(((performance.now() - started) / 1000).toFixed(1)),
    results: rows.map((r) => ({ ...r, ours: round(r.ours), baseline: round(r.baseline), ratio: round(r.ratio) })),
  };
  fs.mkdirSync(path.join(benchDir, 'results'), { recursive: true });
  fs.writeFileSync(path.join(benchDir, 'results', 'collab.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote bench/results/collab.json in ${out.durationS} s`);
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

function printTable(rows: Row[]): void {
  const header = ['case', 'metric', 'ours', '@y/websocket-server', 'ours/ref'];
  const body = rows.map((r) => [r.case, r.metric, fmt(r.ours), fmt(r.baseline), fmt(r.ratio)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const b of body) console.log(line(b));
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3);
}

await main();
