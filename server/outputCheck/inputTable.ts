/**
 * Opens a private in-memory DuckDB (native, `@duckdb/node-api`) with one table, `data`, loaded
 * from a CSV (`,` or `;`, detected) or Parquet file, then locks it down: no file or network
 * access and no settings changes, so the query being checked can read `data` and nothing else
 * (no `read_csv('/etc/passwd')`, no `COPY … TO`).
 *
 * CSV text is UTF-8; a file that is not valid UTF-8 but decodes as CP949/EUC-KR (common for
 * Korean public data) is converted in memory first.
 */
import { open, readFile, stat, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { MadangError } from '../../shared/errors.ts';

export interface InputTable {
  connection: DuckDBConnection;
  format: 'csv' | 'parquet';
  close: () => void;
}

function badInput(en: string, ko: string): MadangError {
  return new MadangError('invalid_input', { ko, en });
}

/** First line of a DuckDB error: the part that says what is wrong. */
export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n').find((l) => l.trim() !== '')?.trim() ?? message;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** DuckDB's CSV errors put the cause after the line number; keep both, drop the echoed line and hints. */
export function describeCsvError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const lines = message.split('\n').map((l) => l.trim())
    .filter((l) => l !== '' && !/^(Original Line|Possible Solution)/i.test(l));
  return lines.slice(0, 2).join(' — ');
}

/** `,` or `;`: whichever appears more often outside quotes in the header line. */
export function detectDelimiter(head: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of head) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
  }
  return semicolons > commas ? ';' : ',';
}

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A UTF-8 copy of a CP949 file in a private temp dir, or undefined when it is not CP949 either. */
async function utf8CopyOfCp949(file: string): Promise<{ path: string; dispose: () => Promise<void> } | undefined> {
  let text: string;
  try {
    text = new TextDecoder('euc-kr', { fatal: true }).decode(await readFile(file));
  } catch {
    return undefined;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'madang-check-'));
  const copy = path.join(dir, 'input.csv');
  await writeFile(copy, text, 'utf8');
  return { path: copy, dispose: () => rm(dir, { recursive: true, force: true }) };
}

const csvSource = (file: string, delim: string) => `read_csv(${sqlString(file)}, delim = ${sqlString(delim)}, header = true)`;

/** Loads a CSV; only when DuckDB says it is not UTF-8 is it tried again as CP949 (one full read). */
async function createFromCsv(connection: DuckDBConnection, file: string, delim: string): Promise<void> {
  try {
    await connection.run(`CREATE TABLE data AS SELECT * FROM ${csvSource(file, delim)}`);
    return;
  } catch (err) {
    if (!/not utf-8 encoded|invalid unicode/i.test(firstLine(err) + String(err))) throw err;
    const converted = await utf8CopyOfCp949(file);
    if (!converted) throw err;
    try {
      await connection.run(`CREATE TABLE data AS SELECT * FROM ${csvSource(converted.path, delim)}`);
    } finally {
      await converted.dispose();
    }
  }
}

/** Opens `file` as table `data`. Throws a bilingual `invalid_input` MadangError for bad files. */
export async function openInputTable(file: string): Promise<InputTable> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw badInput(`cannot read ${file}: it is a directory`, `${file}을(를) 읽을 수 없음: 폴더임`);
  } catch (err) {
    if (err instanceof MadangError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw badInput(`cannot read ${file}: no such file`, `${file}을(를) 읽을 수 없음: 파일이 없음`);
    throw badInput(`cannot read ${file}: ${code ?? firstLine(err)}`, `${file}을(를) 읽을 수 없음: ${code ?? firstLine(err)}`);
  }
  const head = await readHead(file, 64 * 1024);
  const format = head.subarray(0, 4).toString('latin1') === 'PAR1' ? 'parquet' : 'csv';
  if (format === 'csv' && /\.parquet$/i.test(file)) {
    throw badInput(`cannot read ${file}: not a Parquet file`, `${file}을(를) 읽을 수 없음: Parquet 파일이 아님`);
  }

  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const close = () => {
    connection.closeSync();
    instance.closeSync();
  };
  try {
    await connection.run('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
    try {
      if (format === 'parquet') await connection.run(`CREATE TABLE data AS SELECT * FROM read_parquet(${sqlString(file)})`);
      else await createFromCsv(connection, file, detectDelimiter(head.toString('utf8')));
    } catch (err) {
      const why = describeCsvError(err);
      throw badInput(`cannot read ${file} as ${format.toUpperCase()}: ${why}`, `${file}을(를) ${format.toUpperCase()}로 읽을 수 없음: ${why}`);
    }
    // From here on the query sees `data` and nothing else.
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
  } catch (err) {
    close();
    throw err;
  }
  return { connection, format, close };
}
