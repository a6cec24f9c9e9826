/**
 * A person's own CSV or Parquet file, explored in their browser only: it is read into the engine
 * and never uploaded (no request carries it), and the UI marks it local-only. CSV text is decoded
 * as UTF-8, or as CP949/EUC-KR (Korean public data is often saved that way) when UTF-8 fails;
 * bytes that are neither are refused with the line where reading stops.
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

/** 1-based line of the first character `decoder` could not read (it replaces it with U+FFFD). */
function firstBadLine(bytes: Uint8Array, label: string): number {
  const text = new TextDecoder(label).decode(bytes);
  const at = text.indexOf('\uFFFD');
  if (at < 0) return 1;
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * UTF-8 if the bytes are valid UTF-8, else CP949 (a superset of EUC-KR; browsers map the label to
 * it). Bytes that are neither are refused rather than shown as U+FFFD in the table: a person would
 * otherwise group by district names that silently lost characters. The message names the line
 * where the more plausible encoding stops.
 */
export function decodeCsvBytes(bytes: Uint8Array, fileName = 'CSV'): { text: string; encoding: 'utf-8' | 'euc-kr' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // not UTF-8: try CP949 below
  }
  try {
    return { text: new TextDecoder('euc-kr', { fatal: true }).decode(bytes), encoding: 'euc-kr' };
  } catch {
    const utf8Line = firstBadLine(bytes, 'utf-8');
    const cp949Line = firstBadLine(bytes, 'euc-kr');
    const [encoding, line] = cp949Line > utf8Line ? ['CP949', cp949Line] : ['UTF-8', utf8Line];
    throw new LocalFileError({
      ko: `${fileName}: UTF-8로도 CP949(EUC-KR)로도 읽을 수 없는 글자가 있습니다 (${encoding}로 읽으면 ${line}번째 줄에서 막힙니다). 파일을 UTF-8로 다시 저장한 뒤 열어 보세요.`,
      en: `${fileName}: this file is neither UTF-8 nor CP949 (EUC-KR) text (read as ${encoding}, it breaks at line ${line}). Save it as UTF-8 and open it again.`,
    });
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
    const { text, encoding } = decodeCsvBytes(bytes, file.name);
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
