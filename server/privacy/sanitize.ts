/**
 * `sanitizeFile` (input file + policy -> Parquet extract + report) and `previewSanitize` (the same
 * search, no output: the policy editor's live preview). Standalone: no server, no data dir.
 *
 * The extract holds, in input order, every column that is not an identifier or unlisted; each
 * quasi-identifier replaced by its label at the chosen level; records of suppressed classes
 * removed. Writes are atomic: the Parquet file and the report go to temp files in the target
 * folder and are renamed into place only when both are complete, so a failure leaves nothing
 * half-written (and an old extract at the same path untouched).
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { withDuckDB } from '../duckdb.ts';
import { MadangError } from '../../shared/errors.ts';
import { anonymize, type EngineResult } from '../../shared/privacy/engine.ts';
import type { Policy } from '../../shared/privacy/policy.ts';
import type { SanitizeReport } from '../../shared/privacy/report.ts';
import { quoteIdent } from './csvInput.ts';
import { prepareInput, textOf, type PreparedInput } from './sanitizeInput.ts';

export interface SanitizeOptions {
  input: string;
  policy: Policy;
  /** Folder that relative hierarchy paths resolve against (the policy file's folder). */
  policyDir: string;
  /** Benchmark baseline only: evaluate every transformation, no pruning (same result, slower). */
  exhaustive?: boolean;
  /** Called after each phase with its wall and CPU time (CPU: the whole process, DuckDB's threads included); for benchmarks. */
  onPhase?: (phase: SanitizePhase, wallMs: number, cpuMs: number) => void;
}

/** read: checking and loading the input; encode: dictionaries, hierarchies, distinct tuples; search; write: the extract. */
export type SanitizePhase = 'read' | 'encode' | 'search' | 'write';

/** A timer that reports the time since its previous mark to `onPhase`. */
function phaseTimer(onPhase: SanitizeOptions['onPhase']): (phase: SanitizePhase) => void {
  if (!onPhase) return () => {};
  let wall = performance.now();
  let cpu = process.cpuUsage();
  return (phase) => {
    const used = process.cpuUsage(cpu);
    onPhase(phase, performance.now() - wall, (used.user + used.system) / 1000);
    wall = performance.now();
    cpu = process.cpuUsage();
  };
}

export interface SanitizeFileOptions extends SanitizeOptions {
  /** The extract (.parquet). */
  out: string;
  /** Where to write the report JSON (optional). */
  report?: string;
}

function withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return withDuckDB({}, fn);
}

async function runEngine(conn: DuckDBConnection, opts: SanitizeOptions, mark: (phase: SanitizePhase) => void): Promise<{ prepared: PreparedInput; result: EngineResult }> {
  const started = performance.now();
  const prepared = await prepareInput(conn, opts.input, opts.policy, opts.policyDir, () => mark('read'));
  mark('encode');
  const searchStarted = performance.now();
  const result = anonymize(opts.policy, prepared.encoded, { exhaustive: opts.exhaustive });
  result.report.searchMs = Math.round(performance.now() - searchStarted);
  result.report.elapsedMs = Math.round(performance.now() - started);
  mark('search');
  return { prepared, result };
}

/** Runs the search and returns the report; writes nothing. */
export async function previewSanitize(opts: SanitizeOptions): Promise<SanitizeReport> {
  return withConnection(async (conn) => (await runEngine(conn, opts, phaseTimer(opts.onPhase))).result.report);
}

function tempPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

async function assertFolder(file: string, what: { ko: string; en: string }): Promise<void> {
  const folder = path.dirname(path.resolve(file));
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) {
    throw new MadangError('invalid_input', { ko: `${what.ko}를 쓸 폴더 ${folder}가 없습니다`, en: `the folder for the ${what.en}, ${folder}, does not exist` });
  }
}

/** Writes the extract (when there is a solution) and the report; returns the report. */
export async function sanitizeFile(opts: SanitizeFileOptions): Promise<SanitizeReport> {
  await assertFolder(opts.out, { ko: '추출본', en: 'extract' });
  if (opts.report) await assertFolder(opts.report, { ko: '보고서', en: 'report' });
  const mark = phaseTimer(opts.onPhase);
  return withConnection(async (conn) => {
    const { prepared, result } = await runEngine(conn, opts, mark);
    const temps: { temp: string; target: string }[] = [];
    try {
      if (result.optimum) {
        const temp = tempPath(opts.out);
        temps.push({ temp, target: opts.out });
        const started = performance.now();
        const written = await writeExtract(conn, prepared, result, temp);
        if (written !== result.report.outputRows) {
          throw new Error(`internal: wrote ${written} rows, expected ${result.report.outputRows}`);
        }
        result.report.elapsedMs += Math.round(performance.now() - started);
      }
      if (opts.report) {
        const temp = tempPath(opts.report);
        temps.push({ temp, target: opts.report });
        await writeFile(temp, `${JSON.stringify(result.report, null, 2)}\n`);
      }
      for (const { temp, target } of temps) await rename(temp, target);
      mark('write');
      return result.report;
    } catch (err) {
      await Promise.all(temps.map(({ temp }) => rm(temp, { force: true })));
      throw err;
    }
  });
}

async function createTable(conn: DuckDBConnection, name: string, columns: [string, 'VARCHAR' | 'INTEGER'][], rows: Iterable<(string | number)[]>): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} (${columns.map(([c, type]) => `${c} ${type}`).join(', ')})`);
  const appender = await conn.createAppender(name);
  for (const row of rows) {
    row.forEach((v, i) => (columns[i][1] === 'INTEGER' ? appender.appendInteger(v as number) : appender.appendVarchar(v as string)));
    appender.endRow();
  }
  appender.closeSync();
}

/** COPY of the generalised, suppression-filtered input to `file`; returns the rows written. */
async function writeExtract(conn: DuckDBConnection, prepared: PreparedInput, result: EngineResult, file: string): Promise<number> {
  const { encoded } = prepared;
  const optimum = result.optimum!;
  const qiIndex = new Map(encoded.qiColumns.map((c, j) => [c, j]));
  for (const [j, h] of encoded.hierarchies.entries()) {
    // madang_gen_j(v, g): each value's label at the chosen level, joined from prepareInput's
    // dictionary madang_qi_j(v, code) so only integers and the level's labels cross from JS.
    const level = optimum.levels[j];
    if (level === 0) {
      await conn.run(`CREATE OR REPLACE TEMP TABLE madang_gen_${j} AS SELECT v, v AS g FROM madang_qi_${j}`);
      continue;
    }
    await createTable(conn, `madang_label_${j}`, [['gcode', 'INTEGER'], ['g', 'VARCHAR']], h.labels[level].map((label, code) => [code, label]));
    const codes = h.codes[level];
    await createTable(conn, `madang_map_${j}`, [['code', 'INTEGER'], ['gcode', 'INTEGER']], Array.from(codes, (gcode, leaf) => [leaf, gcode]));
    await conn.run(`CREATE OR REPLACE TEMP TABLE madang_gen_${j} AS SELECT q.v, l.g FROM madang_qi_${j} q JOIN madang_map_${j} m ON q.code = m.code JOIN madang_label_${j} l ON m.gcode = l.gcode`);
  }
  const { classes, table } = optimum;
  const suppressedKeys: string[][] = [];
  for (let c = 0; c < classes.classes; c++) {
    if (!classes.ok[c]) suppressedKeys.push(encoded.hierarchies.map((h, j) => h.labels[optimum.levels[j]][table.qi[j][classes.rep[c]]]));
  }
  const select = encoded.outputColumns.map((c) => {
    const j = qiIndex.get(c);
    return j === undefined ? `src.${quoteIdent(c)}` : `madang_gen_${j}.g AS ${quoteIdent(c)}`;
  });
  const joins = encoded.qiColumns.map((c, j) => `JOIN madang_gen_${j} ON ${textOf(c)} = madang_gen_${j}.v`);
  let anti = '';
  if (suppressedKeys.length) {
    await createTable(conn, 'madang_suppressed', encoded.qiColumns.map((_, j) => [`g${j}`, 'VARCHAR']), suppressedKeys);
    anti = ` ANTI JOIN madang_suppressed ON ${encoded.qiColumns.map((_, j) => `madang_gen_${j}.g = madang_suppressed.g${j}`).join(' AND ')}`;
  }
  const query = `SELECT ${select.join(', ') || '1 AS empty'} FROM src ${joins.join(' ')}${anti}`;
  await conn.run(`COPY (${query}) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`);
  const counted = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${file.replace(/'/g, "''")}')`);
  return Number(counted.getColumnsJS()[0][0]);
}
