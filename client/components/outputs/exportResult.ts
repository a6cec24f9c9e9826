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
 * slices read that table in order (`LIMIT/OFFSET` over a table keeps insertion order, as the grid
 * relies on), instead of sorting the whole result again for every slice.
 */
import type { EngineApi, WindowRequest } from '../../runtime/engineApi.ts';
import { quoteIdent } from '../../runtime/engineApi.ts';

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
        await api.query(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS SELECT * FROM ${quoteIdent(source)} LIMIT ${s.limit} OFFSET ${s.offset}`, []);
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

/** The whole result as Parquet, written by parquet-wasm's streaming writer from Arrow slices. */
export async function resultParquetParts(api: EngineApi, table: string, rowCount: number, columnCount: number, orderBy: WindowRequest['orderBy'], onProgress: (p: ExportProgress) => void): Promise<Uint8Array[]> {
  const [{ tableToIPC }, pw, { default: wasmUrl }] = await Promise.all([
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
        const arrow = await api.window(source, { offset: s.offset, limit: s.limit, orderBy: null });
        for (const batch of pw.Table.fromIPCStream(tableToIPC(arrow, 'stream')).recordBatches()) controller.enqueue(batch);
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
