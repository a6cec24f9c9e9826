/**
 * Turning an uploaded file into the raw store's working copy:
 *
 *   CSV:     original bytes --(encoding detected, decoded fatally)--> records (checked line by line)
 *            --> normalized.csv (UTF-8, `,`, no BOM) + inferred column types
 *            --> data.parquet (native DuckDB, each column CAST to its type)
 *   Parquet: original --> data.parquet (columns cast to the nearest import type)
 *
 * One streaming pass over the CSV, so a 2 GB file is never held in memory. The normalized copy is
 * kept so that a steward's type correction re-reads text exactly as written ("007" stays "007").
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { rm, stat } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { MadangError } from '../../shared/errors.ts';
import { CsvReader, checkHeader, detectDelimiter, formatCsvRecord, type CsvDelimiter } from '../../shared/datasets/csv.ts';
import { decoderLabel, detectEncoding, unknownEncoding, type DetectedEncoding, type EncodingChoice } from '../../shared/datasets/encoding.ts';
import { TypeTracker, duckdbTypeOf, type ColumnType } from '../../shared/datasets/types.ts';

export interface CsvConversion {
  encoding: DetectedEncoding;
  delimiter: CsvDelimiter;
  header: string[];
  types: ColumnType[];
  rows: number;
}

export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A file writer whose failures surface where we await it. An fs write that fails after `write()`
 * returned (a full disk) or completes after the stream was destroyed (we abandoned a bad file)
 * emits 'error' later; with no listener that is an uncaught exception that stops the server.
 */
function openOutput(file: string): { out: WriteStream; failure: () => Error | null } {
  const out = createWriteStream(file);
  let failed: Error | null = null;
  out.on('error', (err) => {
    failed ??= err;
  });
  return { out, failure: () => failed };
}

async function write(out: WriteStream, failure: () => Error | null, text: string): Promise<void> {
  const failed = failure();
  if (failed) throw failed;
  if (!out.write(text)) await once(out, 'drain');
}

/** UTF-8 guessed from the first chunk, contradicted later (an ASCII head on a CP949 file). */
class LateUtf8Failure extends Error {}

/**
 * Decodes, checks and normalises a CSV file in one pass; infers each column's type. With `auto`,
 * a file whose first chunk looked like UTF-8 but whose later bytes are not is read again as CP949
 * (Korean public files often start with pages of ASCII codes and numbers).
 */
export async function normalizeCsv(file: string, choice: EncodingChoice, normalizedOut: string): Promise<CsvConversion> {
  try {
    return await normalizeCsvOnce(file, choice, normalizedOut);
  } catch (err) {
    if (!(err instanceof LateUtf8Failure)) throw err;
    return normalizeCsvOnce(file, 'cp949', normalizedOut);
  }
}

async function normalizeCsvOnce(file: string, choice: EncodingChoice, normalizedOut: string): Promise<CsvConversion> {
  const size = (await stat(file)).size;
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  const { out, failure } = openOutput(normalizedOut);
  let encoding: DetectedEncoding | null = null;
  let decoder: TextDecoder | null = null;
  let reader: CsvReader | null = null;
  let trackers: TypeTracker[] = [];
  let rows = 0;
  let pending = '';
  let lineApprox = 1;
  const take = async (records: { fields: string[] }[]) => {
    if (!reader) return;
    if (trackers.length === 0 && reader.header) {
      trackers = reader.header.map(() => new TypeTracker());
      await write(out, failure, `${formatCsvRecord(reader.header)}\n`);
    }
    let chunk = '';
    for (const r of records) {
      const fields = r.fields;
      for (let i = 0; i < fields.length; i++) trackers[i].add(fields[i]);
      chunk += `${formatCsvRecord(fields)}\n`;
      rows++;
    }
    if (chunk) await write(out, failure, chunk);
  };
  const feed = async (text: string) => {
    if (!reader) {
      // The delimiter is detected from the first lines; hold text until there are a few.
      pending += text;
      if (pending.length < 64 * 1024 && !/(\r\n|\n|\r)[\s\S]*(\r\n|\n|\r)[\s\S]*(\r\n|\n|\r)/.test(pending)) return;
      reader = new CsvReader(detectDelimiter(pending));
      text = pending;
      pending = '';
    }
    await take(reader.push(text));
  };
  try {
    for await (const chunk of input) {
      const bytes = chunk as Buffer;
      if (!encoding) {
        encoding = detectEncoding(bytes, choice, bytes.length >= size);
        decoder = new TextDecoder(decoderLabel(encoding), { fatal: true });
      }
      let text: string;
      try {
        text = decoder!.decode(bytes, { stream: true });
      } catch {
        if (choice === 'auto' && encoding === 'utf-8') throw new LateUtf8Failure();
        throw unknownEncoding({
          ko: `${lineApprox}번째 줄 근처에 ${encoding === 'cp949' ? 'CP949' : 'UTF-8'}가 아닌 바이트가 있습니다`,
          en: `bytes that are not ${encoding === 'cp949' ? 'CP949' : 'UTF-8'} near line ${lineApprox}`,
        });
      }
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineApprox++;
      await feed(text);
    }
    if (!encoding) throw new MadangError('invalid_input', { ko: '비어 있는 파일입니다', en: 'the file is empty' });
    try {
      const rest = decoder!.decode();
      if (rest) await feed(rest);
    } catch {
      if (choice === 'auto' && encoding === 'utf-8') throw new LateUtf8Failure();
      throw unknownEncoding({ ko: '파일 끝에 잘린 글자가 있습니다', en: 'the file ends inside a multi-byte character' });
    }
    if (!reader) {
      reader = new CsvReader(detectDelimiter(`${pending}\n`));
      const text = pending;
      pending = '';
      await take(reader.push(text));
    }
    await take(reader.end());
    if (trackers.length === 0 && reader.header) await take([]);
    out.end();
    // Rejects if any write failed (unlike waiting for 'finish', which never comes after an error).
    await finished(out);
    return { encoding, delimiter: reader.delimiter, header: reader.header!, types: trackers.map((t) => t.type), rows };
  } catch (err) {
    out.destroy();
    input.destroy();
    // Closed only once an in-flight write is done: a retry (as CP949) reopens the same file, and a
    // late write through the old descriptor must not land in it.
    await finished(out).catch(() => undefined);
    throw err;
  }
}

/**
 * `COPY` of the normalized CSV to Parquet with each column cast to `types`. A value that does not
 * fit a type the steward chose is an error naming the column and how many values fail.
 */
export async function csvToParquet(conn: DuckDBConnection, normalized: string, header: string[], types: ColumnType[], out: string): Promise<void> {
  const columns = header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  // buffer_size: DuckDB's default is 16 x max_line_size (256 MiB per read buffer); 2 x is enough.
  const reader = `read_csv(${sqlString(normalized)}, header = true, delim = ',', quote = '"', escape = '"', columns = {${columns}}, encoding = 'utf-8', strict_mode = true, max_line_size = 16777216, buffer_size = 33554432)`;
  await conn.run(`CREATE OR REPLACE TEMP VIEW madang_norm AS SELECT * FROM ${reader}`);
  const select = header.map((name, i) => `CAST(c${i} AS ${duckdbTypeOf[types[i]]}) AS ${quoteIdent(name)}`).join(', ');
  await copyOrExplain(conn, `COPY (SELECT ${select} FROM madang_norm) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`, out,
    () => checkCasts(conn, 'madang_norm', header.map((name, i) => ({ name, source: `c${i}`, type: types[i] }))));
}

/**
 * One read of the input: the COPY casts directly. Only when it fails (a type the steward chose
 * that some values do not fit) is the input read again to say which column and how many values.
 */
async function copyOrExplain(conn: DuckDBConnection, copy: string, out: string, explain: () => Promise<void>): Promise<void> {
  try {
    await conn.run(copy);
  } catch (err) {
    await rm(out, { force: true });
    await explain();
    throw err;
  }
}

async function checkCasts(conn: DuckDBConnection, view: string, cols: { name: string; source: string; type: ColumnType }[]): Promise<void> {
  const typed = cols.filter((c) => c.type !== 'text');
  if (typed.length === 0) return;
  const failing = typed.map((c) => `count(*) FILTER (WHERE ${quoteIdent(c.source)} IS NOT NULL AND TRY_CAST(${quoteIdent(c.source)} AS ${duckdbTypeOf[c.type]}) IS NULL)`);
  const counts = (await conn.runAndReadAll(`SELECT ${failing.join(', ')} FROM ${view}`)).getRows()[0];
  typed.forEach((c, i) => {
    const n = Number(counts[i]);
    if (n > 0) {
      throw new MadangError('invalid_input', {
        ko: `열 "${c.name}"의 값 ${n}개를 ${c.type} 형식으로 바꿀 수 없습니다. 다른 형식(예: text)을 고르세요`,
        en: `column "${c.name}": ${n} values cannot be read as ${c.type}; pick another type (e.g. text)`,
      });
    }
  });
}

/** The import type closest to a DuckDB column type (Parquet input). */
export function columnTypeFromDuckdb(duckType: string): ColumnType {
  const t = duckType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t)) return 'integer';
  if (/^(FLOAT|DOUBLE|REAL)$/.test(t) || t.startsWith('DECIMAL')) return 'double';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  return 'text';
}

/** Parquet input: its columns (names checked like a CSV header) and their import types. */
export async function describeParquetInput(conn: DuckDBConnection, file: string): Promise<{ header: string[]; types: ColumnType[]; rows: number }> {
  let described;
  try {
    described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`)).getRows();
  } catch (err) {
    throw new MadangError('invalid_input', { ko: `Parquet 파일을 읽을 수 없습니다: ${(err as Error).message}`, en: `cannot read the Parquet file: ${(err as Error).message}` });
  }
  const header = checkHeader(described.map((r) => String(r[0])), 1);
  const types = described.map((r) => columnTypeFromDuckdb(String(r[1])));
  const rows = Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE FROM read_parquet(${sqlString(file)})`)).getRows()[0][0]);
  return { header, types, rows };
}

/** Parquet input -> data.parquet with the chosen types (TRY-checked first, like CSV). */
export async function parquetToParquet(conn: DuckDBConnection, file: string, header: string[], types: ColumnType[], out: string): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP VIEW madang_pq AS SELECT * FROM read_parquet(${sqlString(file)})`);
  const select = header.map((name, i) => `CAST(${quoteIdent(name)} AS ${duckdbTypeOf[types[i]]}) AS ${quoteIdent(name)}`).join(', ');
  await copyOrExplain(conn, `COPY (SELECT ${select} FROM madang_pq) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`, out,
    () => checkCasts(conn, 'madang_pq', header.map((name, i) => ({ name, source: name, type: types[i] }))));
}
