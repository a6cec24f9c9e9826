/**
 * Parquet -> Arrow IPC stream with native DuckDB (`@duckdb/node-api`). Browsers receive extracts
 * as Arrow IPC because DuckDB-WASM has no Parquet reader offline (see stack notes §2); the server
 * keeps Parquet. Column types map to the Arrow types DuckDB-WASM reads back as the same SQL types;
 * anything unusual is sent as text rather than guessed.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  Bool, DateDay, Float64, Int32, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray,
  Table, type DataType, type Vector,
} from 'apache-arrow';
import type { ExtractColumn } from '../../shared/extracts.ts';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

type Kind = 'int' | 'float' | 'bigint' | 'text' | 'bool' | 'date' | 'timestamp';

function kindOf(duckType: string): Kind {
  if (/^(TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT)$/.test(duckType)) return 'int';
  if (/^(BIGINT|UINTEGER|UBIGINT|HUGEINT|UHUGEINT)$/.test(duckType)) return 'bigint';
  if (/^(FLOAT|DOUBLE|DECIMAL.*)$/.test(duckType)) return 'float';
  if (duckType === 'BOOLEAN') return 'bool';
  if (duckType === 'DATE') return 'date';
  if (/^TIMESTAMP/.test(duckType)) return 'timestamp';
  return 'text';
}

function arrowType(kind: Kind): DataType {
  switch (kind) {
    case 'int': return new Int32();
    case 'float': case 'bigint': return new Float64();
    case 'bool': return new Bool();
    case 'date': return new DateDay();
    case 'timestamp': return new TimestampMillisecond();
    default: return new Utf8();
  }
}

/** The columns of a Parquet file, as DuckDB names their types. */
export async function describeParquet(conn: DuckDBConnection, parquetPath: string): Promise<ExtractColumn[]> {
  const r = await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(parquetPath)}) LIMIT 0`);
  const names = r.columnNames();
  return r.columnTypes().map((t, i) => ({ name: names[i]!, type: t.toString() }));
}

/**
 * Reads the whole Parquet file and encodes it as one Arrow IPC stream. BIGINTs become DOUBLE
 * (the client casts them anyway: `castBigIntToDouble`), so counts read as plain numbers.
 */
export async function parquetToArrowIpc(conn: DuckDBConnection, parquetPath: string): Promise<Uint8Array> {
  const columns = await describeParquet(conn, parquetPath);
  const kinds = columns.map((c) => kindOf(c.type));
  const select = columns.map((c, i) => {
    const q = quoteIdent(c.name);
    if (kinds[i] === 'text' && c.type !== 'VARCHAR') return `CAST(${q} AS VARCHAR) AS ${q}`;
    if (kinds[i] === 'bigint') return `CAST(${q} AS DOUBLE) AS ${q}`;
    if (kinds[i] === 'float') return `CAST(${q} AS DOUBLE) AS ${q}`;
    return q;
  });
  const reader = await conn.runAndReadAll(`SELECT ${select.join(', ') || '*'} FROM read_parquet(${quoteLiteral(parquetPath)})`);
  const data = reader.getColumnsObjectJS() as Record<string, unknown[]>;
  const vectors: Record<string, Vector> = {};
  columns.forEach((c, i) => {
    const values = data[c.name] ?? [];
    vectors[c.name] = vectorFromArray(values, arrowType(kinds[i]!));
  });
  return tableToIPC(new Table(vectors), 'stream');
}
