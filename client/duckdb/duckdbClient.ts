/**
 * The tab's one DuckDB-WASM engine, in a web worker, started on the first query. Progress (the
 * wasm download dominates: about 7.6 MB gzipped) is published to `engineStatus` for the page's
 * indicator. Right after opening, extension auto-install/auto-load are switched off: offline they
 * hang or call the internet (stack notes §2). BIGINT and DECIMAL come back as doubles.
 *
 * Load this module with `import()` only; pages that never query never download DuckDB.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { loadingBytes } from '../../shared/downloadProgress.ts';
import { pickBundle, rememberWasm, startWorker, wasmSeenBefore } from './worker.ts';
import { mark } from './marks.ts';

export type AsyncDuckDB = duckdb.AsyncDuckDB;
export type AsyncDuckDBConnection = duckdb.AsyncDuckDBConnection;

export interface Engine {
  db: duckdb.AsyncDuckDB;
  /** The connection every cell runs on (DuckDB-WASM executes one query at a time anyway). */
  conn: duckdb.AsyncDuckDBConnection;
  /** A second connection for the grid's row windows and autocomplete, so they never wait in the cells' queue. */
  side: duckdb.AsyncDuckDBConnection;
  version: string;
}

export interface EngineProgress {
  phase: 'loading' | 'ready' | 'error';
  loadedBytes: number;
  totalBytes: number;
  error?: string;
}

let engine: Promise<Engine> | null = null;

/** The wasm's uncompressed size (`X-Uncompressed-Length`, set by the static server), or null. */
async function wasmSize(url: string): Promise<number | null> {
  try {
    const res = await fetch(url, { method: 'HEAD' });
    const n = Number(res.headers.get('x-uncompressed-length'));
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}


async function open(onProgress: (p: EngineProgress) => void): Promise<Engine> {
  mark('engine-start');
  const bundle = await pickBundle();
  const seen = wasmSeenBefore(bundle.mainModule);
  const worker = startWorker(bundle, seen);
  // The wasm travels compressed (server/http/precompress.ts): DuckDB-WASM counts decoded bytes
  // against the compressed Content-Length, so the real total comes from our own header.
  let rawTotal: number | null = null;
  if (!seen) void wasmSize(bundle.mainModule).then((n) => { rawTotal = n; });
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, null, (p: duckdb.InstantiationProgress) => {
    onProgress({ phase: 'loading', ...loadingBytes(p.bytesLoaded, p.bytesTotal, rawTotal) });
  });
  mark('engine-instantiated');
  rememberWasm(bundle.mainModule);
  await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  const conn = await db.connect();
  // Posted together (the worker answers in order): one wait instead of four.
  const [, side, version] = await Promise.all([
    conn.query('SET autoinstall_known_extensions=false; SET autoload_known_extensions=false'),
    db.connect(),
    db.getVersion(),
  ]);
  onProgress({ phase: 'ready', loadedBytes: 0, totalBytes: 0 });
  mark('engine-ready');
  return { db, conn, side, version };
}

/** The engine, starting it on first call; a failed start can be retried by calling again. */
export function getEngine(onProgress: (p: EngineProgress) => void): Promise<Engine> {
  engine ??= open(onProgress).catch((err: unknown) => {
    engine = null;
    onProgress({ phase: 'error', loadedBytes: 0, totalBytes: 0, error: err instanceof Error ? err.message : String(err) });
    throw err;
  });
  return engine;
}
