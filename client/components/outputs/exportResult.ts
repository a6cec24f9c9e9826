/**
 * Downloading a cell's whole result as CSV or Parquet, in slices, so a 10,000,000-row result
 * neither stalls the engine nor holds the whole table in the page at once.
 *
 * Why slices: DuckDB-WASM's in-memory files grow by copying as they are written, so one `COPY` of
 * a 100 MB CSV took ~110 s on the test machine and held the engine's only worker (the grid and
 * every other cell waited). Many small COPYs, joined here, cost time linear in the rows. Parquet
 * is written by parquet-wasm's streaming writer from Arrow slices of the same size.
 *
 * A sorted grid is exported in its order: the sort runs once into a temporary table, and the
 * slices read that table in order (the grid's `windowSql`: row ids on result tables, `LIMIT/OFFSET`
 * otherwise, both in insertion order), instead of sorting the whole result again for every slice.
 *
 * Parquet keeps exact numbers: the engine hands BIGINT, DECIMAL and HUGEINT to JS as doubles (so
 * the grid and charts get plain numbers), which rounds integers past 2^53 and decimals past 15-17
 * digits, and would make every DECIMAL a DOUBLE in the file. Parquet slices read those columns as
 * DuckDB's text and rebuild them as Int64, Uint64 or Decimal (`exactType`), so other tools read
 * back the values and types the result had.
 */
import type { Table } from 'apache-arrow';
import type { ColumnInfo, EngineApi, WindowRequest } from '../../runtime/engineApi.ts';
import { quoteIdent, windowSql } from '../../runtime/engineApi.ts';
import { nestedAsDouble } from '../../../shared/pageTypes.ts';

export interface ExportSlice {
  offset: number;
  limit: number;
}

/** Rows per slice: about 400k values (a few MB of CSV), at least 1,000 and at most 200,000 rows. */
export function sliceRows(columnCount: number): number {
  return Math.min(200_000, Math.max(1_000, Math.floor(400_000 / Math.max(1, columnCount))));
}

/** The slices covering `rowCount` rows; one (possibly empty) slice for an empty result. */
export function exportSlices(rowCount: number, rows: number): ExportSlice[] {
  if (rowCount <= 0) return [{ offset: 0, limit: 0 }];
  const out: ExportSlice[] = [];
  for (let offset = 0; offset < rowCount; offset += rows) out.push({ offset, limit: Math.min(rows, rowCount - offset) });
  return out;
}

/**
 * Byte length of a CSV's first record (the header line DuckDB writes before every slice),
 * newline included. Quoted names may contain commas, doubled quotes or newlines.
 */
export function headerLength(csv: Uint8Array): number {
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const b = csv[i];
    if (b === 0x22) quoted = !quoted; // a doubled quote toggles twice: still inside
    else if (b === 0x0a && !quoted) return i + 1;
  }
  return csv.length;
}

export interface ExportProgress {
  rowsDone: number;
  rowCount: number;
}

let exportCounter = 0;

/** Runs `body` over the rows in export order: the result table, or a sorted copy dropped after. */
async function withOrderedSource<T>(api: EngineApi, table: string, orderBy: WindowRequest['orderBy'], body: (source: string) => Promise<T>): Promise<T> {
  if (!orderBy) return body(table);
  const sorted = `__export_sorted_${++exportCounter}`;
  await api.query(`CREATE TEMP TABLE ${quoteIdent(sorted)} AS SELECT * FROM ${quoteIdent(table)} ORDER BY ${quoteIdent(orderBy.column)} ${orderBy.descending ? 'DESC' : 'ASC'} NULLS LAST`, []);
  try {
    return await body(sorted);
  } finally {
    await api.dropTable(sorted).catch(() => undefined);
  }
}

/** The whole result as CSV (DuckDB's own writer, slice by slice), as parts of one file. */
export async function resultCsvParts(api: EngineApi, table: string, rowCount: number, columnCount: number, orderBy: WindowRequest['orderBy'], onProgress: (p: ExportProgress) => void): Promise<Uint8Array[]> {
  return withOrderedSource(api, table, orderBy, async (source) => {
    const slices = exportSlices(rowCount, sliceRows(columnCount));
    if (slices.length === 1) {
      const whole = await api.exportCsv(source);
      onProgress({ rowsDone: rowCount, rowCount });
      return [whole];
    }
    const view = `__export_slice_${++exportCounter}`;
    const parts: Uint8Array[] = [];
    try {
      for (const s of slices) {
        // the grid's own window query (row ids on result tables), so a slice holds the rows the grid shows
        await api.query(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS ${windowSql(source, { ...s, orderBy: null })}`, []);
        const csv = await api.exportCsv(view);
        parts.push(parts.length === 0 ? csv : csv.subarray(headerLength(csv)));
        onProgress({ rowsDone: s.offset + s.limit, rowCount });
      }
    } finally {
      await api.dropView(view).catch(() => undefined);
    }
    return parts;
  });
}

type ArrowModule = typeof import('apache-arrow');

/**
 * The Arrow type a column is written to Parquet as when the engine cannot hand it over exactly:
 * BIGINT, UBIGINT and DECIMAL arrive as doubles (`castBigIntToDouble`, `castDecimalToDouble`: kept
 * for the grid and charts), HUGEINT too, and UHUGEINT as 16 raw bytes. Such columns are read as
 * DuckDB's own text and rebuilt here. HUGEINT and UHUGEINT become DECIMAL(38,0), DuckDB's widest
 * DECIMAL, so DuckDB and other readers get an exact integer back (DuckDB's own Parquet writer
 * makes them DOUBLE). A value of 39 digits does not fit, and fails the download (`exactData`)
 * rather than be written rounded.
 */
export type ExactType = { kind: 'int64' } | { kind: 'uint64' } | { kind: 'decimal'; precision: number; scale: number };

/** The exact type for a column of DuckDB type `type` (as DESCRIBE spells it), or null if the engine's value is already exact. */
export function exactType(type: string): ExactType | null {
  if (type === 'BIGINT') return { kind: 'int64' };
  if (type === 'UBIGINT') return { kind: 'uint64' };
  if (type === 'HUGEINT' || type === 'UHUGEINT') return { kind: 'decimal', precision: 38, scale: 0 };
  const m = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  return m ? { kind: 'decimal', precision: Number(m[1]), scale: Number(m[2]) } : null;
}

/**
 * One Parquet slice: the grid's window query (as the CSV slices use it), with the columns that
 * `exactType` rebuilds read as text over it, names and order unchanged.
 */
export function parquetSliceSql(source: string, slice: ExportSlice, columns: readonly ColumnInfo[]): string {
  const window = windowSql(source, { ...slice, orderBy: null });
  if (!columns.some((c) => exactType(c.type) || nestedAsDouble(c.type))) return window;
  // Nested wide numbers would arrive garbled (`shared/pageTypes.ts`): as doubles they are right,
  // if no longer exact.
  const list = columns.map((c) => {
    const nested = nestedAsDouble(c.type);
    if (exactType(c.type)) return `CAST(${quoteIdent(c.name)} AS VARCHAR) AS ${quoteIdent(c.name)}`;
    return nested ? `CAST(${quoteIdent(c.name)} AS ${nested}) AS ${quoteIdent(c.name)}` : quoteIdent(c.name);
  });
  return `SELECT ${list.join(', ')} FROM (${window}) AS w`;
}

/** A decimal number's text scaled to an integer of `scale` digits after the point; throws on text DuckDB would not write. */
function scaledInteger(text: string, scale: number): bigint {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  const fraction = m?.[3] ?? '';
  if (!m || fraction.length > scale) throw new Error(`Not a decimal of scale ${scale}: ${text}`);
  const v = BigInt(m[2]! + fraction.padEnd(scale, '0'));
  return m[1] ? -v : v;
}

type ExactArrow = Pick<ArrowModule, 'Decimal' | 'Field' | 'Int64' | 'RecordBatch' | 'Schema' | 'Struct' | 'Table' | 'Uint64' | 'makeData'>;

function arrowType(type: ExactType, arrow: ExactArrow) {
  if (type.kind === 'int64') return new arrow.Int64();
  if (type.kind === 'uint64') return new arrow.Uint64();
  return new arrow.Decimal(type.scale, type.precision, 128);
}

/**
 * Arrow Data of `type` from the text of a slice's column: BigInt64/BigUint64 values, or 128-bit
 * decimals (apache-arrow 17 keeps them as four little-endian 32-bit words, written here as two
 * 64-bit halves), negatives in two's complement. Nulls stay null.
 */
function exactData(text: readonly (string | null)[], type: ExactType, name: string, arrow: ExactArrow) {
  const length = text.length;
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (text[i] == null) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
  const common = { offset: 0, length, nullCount, nullBitmap };
  if (type.kind === 'int64') return arrow.makeData({ ...common, type: new arrow.Int64(), data: BigInt64Array.from(text, (t) => BigInt(t ?? 0)) });
  if (type.kind === 'uint64') return arrow.makeData({ ...common, type: new arrow.Uint64(), data: BigUint64Array.from(text, (t) => BigInt(t ?? 0)) });
  const { precision, scale } = type;
  const limit = 10n ** BigInt(precision);
  const words = new Uint32Array(length * 4);
  const halves = new BigUint64Array(words.buffer); // little-endian, as Arrow's own buffers
  text.forEach((t, i) => {
    if (t == null) return;
    const v = scaledInteger(t, scale);
    if (v >= limit || v <= -limit) {
      throw new Error(`Parquet 파일로 내려받을 수 없습니다: 열 "${name}"의 값 ${t}은(는) ${precision}자리를 넘어 Parquet DECIMAL(${precision},${scale})에 정확히 담기지 않습니다. CSV로 내려받으세요. / `
        + `Cannot download as Parquet: column "${name}" holds ${t}, more than ${precision} digits, which Parquet DECIMAL(${precision},${scale}) cannot hold exactly. Download it as CSV instead.`);
    }
    halves[2 * i] = BigInt.asUintN(64, v);
    halves[2 * i + 1] = BigInt.asUintN(64, v >> 64n);
  });
  return arrow.makeData({ ...common, type: new arrow.Decimal(scale, precision, 128), data: words });
}

/**
 * A slice read by `parquetSliceSql`, with its text columns rebuilt as their `exactType`.
 * (Table.setChildAt keeps the old field type in the schema in apache-arrow 17, so the batches
 * are rebuilt.)
 */
function withExactTypes(t: Table, columns: readonly ColumnInfo[], arrow: ExactArrow): Table {
  const types = t.schema.fields.map((_f, i) => exactType(columns[i]?.type ?? ''));
  if (!types.some(Boolean)) return t;
  const fields = t.schema.fields.map((f, i) => {
    const type = types[i];
    return type ? new arrow.Field(f.name, arrowType(type, arrow), f.nullable, f.metadata) : f;
  });
  const schema = new arrow.Schema(fields, t.schema.metadata);
  const batches = t.batches.map((b) => {
    const children = b.data.children.map((d, i) => {
      const type = types[i];
      return type ? exactData(b.getChildAt(i)!.toArray() as (string | null)[], type, fields[i]!.name, arrow) : d;
    });
    return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length: b.numRows, nullCount: 0, children }));
  });
  return new arrow.Table(schema, batches);
}

/** The whole result as Parquet, written by parquet-wasm's streaming writer from Arrow slices. */
export async function resultParquetParts(api: EngineApi, table: string, rowCount: number, columns: readonly ColumnInfo[], orderBy: WindowRequest['orderBy'], onProgress: (p: ExportProgress) => void): Promise<Uint8Array[]> {
  const columnCount = columns.length;
  const [arrow, pw, { default: wasmUrl }] = await Promise.all([
    import('apache-arrow'), import('parquet-wasm/esm'), import('parquet-wasm/esm/parquet_wasm_bg.wasm?url'),
  ]);
  await pw.default({ module_or_path: wasmUrl });
  return withOrderedSource(api, table, orderBy, async (source) => {
    const slices = exportSlices(rowCount, sliceRows(columnCount));
    let next = 0;
    // parquet-wasm reports an error from the stream it reads as "Dyn casting error": the slice's
    // own error (a failed query, a value Parquet cannot hold exactly) is kept and thrown instead.
    let failure = null as { error: unknown } | null;
    const batches = new ReadableStream<unknown>({
      async pull(controller) {
        const s = slices[next++];
        if (!s) {
          controller.close();
          return;
        }
        try {
          const slice = withExactTypes(await api.query(parquetSliceSql(source, s, columns), []), columns, arrow);
          for (const batch of pw.Table.fromIPCStream(arrow.tableToIPC(slice, 'stream')).recordBatches()) controller.enqueue(batch);
        } catch (error) {
          failure = { error };
          throw error;
        }
        onProgress({ rowsDone: s.offset + s.limit, rowCount });
      },
    });
    try {
      const bytes = (await pw.transformParquetStream(batches)) as ReadableStream<Uint8Array>;
      const parts: Uint8Array[] = [];
      const reader = bytes.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
      }
      return parts;
    } catch (error) {
      throw failure ? failure.error : error;
    }
  });
}
