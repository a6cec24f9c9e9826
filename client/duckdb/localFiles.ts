/**
 * A person's own CSV or Parquet file, explored in their browser only: it is read into the engine
 * and never uploaded (no request carries it), and the UI marks it local-only. CSV text is decoded
 * as UTF-8, or as CP949/EUC-KR (Korean public data is often saved that way) when UTF-8 fails.
 * Parquet is decoded by parquet-wasm into Arrow IPC (DuckDB-WASM has no Parquet reader offline).
 */
import type { Bilingual } from '../../shared/errors.ts';

export interface LocalTable {
  name: string;
  fileName: string;
  kind: 'csv' | 'parquet';
  /** Only for CSV: which decoding worked. */
  encoding: 'utf-8' | 'euc-kr' | null;
  rowCount: number;
  /** Size + last-modified: changes when the person drops a new copy (result cache key). */
  fingerprint: string;
}

export class LocalFileError extends Error {
  readonly detail: Bilingual;
  constructor(detail: Bilingual) {
    super(`${detail.ko} / ${detail.en}`);
    this.detail = detail;
  }
}

/** `Seoul Trips (2020).csv` -> `local_seoul_trips_2020`. */
export function localTableName(fileName: string): string {
  const stem = fileName.replace(/\.[^.]+$/, '').toLowerCase().normalize('NFC');
  const safe = stem.replace(/[^\p{L}\p{N}_]+/gu, '_').replace(/^_+|_+$/g, '').slice(0, 50);
  return `local_${safe || 'file'}`;
}

/** UTF-8 if the bytes are valid UTF-8, else CP949 (a superset of EUC-KR; browsers map the label to it). */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'euc-kr' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('euc-kr').decode(bytes), encoding: 'euc-kr' };
  }
}

export interface LocalSink {
  registerCsvText(name: string, text: string): Promise<number>;
  registerArrow(name: string, ipc: Uint8Array): Promise<void>;
  count(name: string): Promise<number>;
}

export async function parquetToIpc(bytes: Uint8Array): Promise<Uint8Array> {
  const [{ default: init, readParquet }, { default: wasmUrl }] = await Promise.all([
    import('parquet-wasm/esm'),
    import('parquet-wasm/esm/parquet_wasm_bg.wasm?url'),
  ]);
  await init({ module_or_path: wasmUrl });
  return readParquet(bytes).intoIPCStream();
}

export async function registerLocalFile(file: File, sink: LocalSink): Promise<LocalTable> {
  const lower = file.name.toLowerCase();
  const kind = lower.endsWith('.parquet') ? 'parquet' : lower.endsWith('.csv') || lower.endsWith('.tsv') || lower.endsWith('.txt') ? 'csv' : null;
  if (!kind) throw new LocalFileError({ ko: `CSV나 Parquet 파일만 열 수 있습니다: ${file.name}`, en: `only CSV or Parquet files can be opened: ${file.name}` });
  const name = localTableName(file.name);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const fingerprint = `${file.size}:${file.lastModified}`;
  if (kind === 'csv') {
    const { text, encoding } = decodeCsvBytes(bytes);
    try {
      const rowCount = await sink.registerCsvText(name, text);
      return { name, fileName: file.name, kind, encoding, rowCount, fingerprint };
    } catch (err) {
      throw new LocalFileError({ ko: `CSV를 읽지 못했습니다 (${file.name}): ${(err as Error).message}`, en: `could not read the CSV (${file.name}): ${(err as Error).message}` });
    }
  }
  try {
    await sink.registerArrow(name, await parquetToIpc(bytes));
  } catch (err) {
    throw new LocalFileError({ ko: `Parquet 파일을 읽지 못했습니다 (${file.name}): ${(err as Error).message}`, en: `could not read the Parquet file (${file.name}): ${(err as Error).message}` });
  }
  return { name, fileName: file.name, kind, encoding: null, rowCount: await sink.count(name), fingerprint };
}
