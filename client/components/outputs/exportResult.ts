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
 */
import type { Table } from 'apache-arrow';
import type { ColumnInfo, EngineApi, WindowRequest } from '../../runtime/engineApi.ts';
import { quoteIdent, windowSql } from '../../runtime/engineApi.ts';

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
 * The engine hands BIGINT columns to JS as doubles (`castBigIntToDouble`, so the grid and charts
 * get plain numbers); a Parquet file should say BIGINT again, or ids and counts arrive in other
 * tools as 12.0. Values beyond 2^53 were already rounded by that cast and stay rounded.
 */
export function withIntegerTypes(t: Table, columns: readonly ColumnInfo[], arrow: Pick<ArrowModule, 'Field' | 'Int64' | 'RecordBatch' | 'Schema' | 'Struct' | 'Table' | 'Type' | 'makeData'>): Table {
  const fix = t.schema.fields.map((f, i) => columns[i]?.type === 'BIGINT' && f.type.typeId === arrow.Type.Float);
  if (!fix.includes(true)) return t;
  // (Table.setChildAt keeps the old field type in the schema in apache-arrow 17, so the batches
  // are rebuilt here: same null bitmaps, integer values.)
  const fields = t.schema.fields.map((f, i) => (fix[i] ? new arrow.Field(f.name, new arrow.Int64(), f.nullable, f.metadata) : f));
  const schema = new arrow.Schema(fields, t.schema.metadata);
  const batches = t.batches.map((b) => {
    const children = b.data.children.map((d, i) => {
      if (!fix[i]) return d;
      const ints = BigInt64Array.from(d.values as Float64Array, (v) => (Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n));
      return arrow.makeData({ type: new arrow.Int64(), offset: d.offset, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, data: ints });
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
    const batches = new ReadableStream<unknown>({
      async pull(controller) {
        const s = slices[next++];
        if (!s) {
          controller.close();
          return;
        }
        const slice = withIntegerTypes(await api.window(source, { offset: s.offset, limit: s.limit, orderBy: null }), columns, arrow);
        for (const batch of pw.Table.fromIPCStream(arrow.tableToIPC(slice, 'stream')).recordBatches()) controller.enqueue(batch);
        onProgress({ rowsDone: s.offset + s.limit, rowCount });
      },
    });
    const bytes = (await pw.transformParquetStream(batches)) as ReadableStream<Uint8Array>;
    const parts: Uint8Array[] = [];
    const reader = bytes.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    return parts;
  });
}
