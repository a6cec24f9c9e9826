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

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A UTF-8 copy of a CP949 file in a private temp dir, or undefined when it is not CP949 either. */
async function utf8CopyOfCp949(file: string): Promise<{ path: string; dispose: () => Promise<void> } | undefined> {
  const bytes = await readFile(file);
  if (isUtf8(bytes)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('euc-kr', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'madang-check-'));
  const copy = path.join(dir, 'input.csv');
  await writeFile(copy, text, 'utf8');
  return { path: copy, dispose: () => rm(dir, { recursive: true, force: true }) };
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
  let converted: Awaited<ReturnType<typeof utf8CopyOfCp949>>;
  try {
    await connection.run('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
    let source: string;
    if (format === 'parquet') {
      source = `read_parquet(${sqlString(file)})`;
    } else {
      converted = await utf8CopyOfCp949(file);
      const delim = detectDelimiter(head.toString('utf8'));
      source = `read_csv(${sqlString(converted?.path ?? file)}, delim = ${sqlString(delim)}, header = true)`;
    }
    try {
      await connection.run(`CREATE TABLE data AS SELECT * FROM ${source}`);
    } catch (err) {
      throw badInput(`cannot read ${file} as ${format.toUpperCase()}: ${firstLine(err)}`, `${file}을(를) ${format.toUpperCase()}로 읽을 수 없음: ${firstLine(err)}`);
    }
    // From here on the query sees `data` and nothing else.
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
  } catch (err) {
    close();
    throw err;
  } finally {
    await converted?.dispose();
  }
  return { connection, format, close };
}
