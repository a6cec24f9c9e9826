/**
 * Which DuckDB-WASM build this browser runs, and its worker. The wasm and worker files come in
 * through Vite `?url` imports (hashed, served by us: no CDN). Only the `mvp` and `eh` builds: the
 * threaded `coi` build needs COOP/COEP headers and 34 MB more (stack notes §3).
 *
 * Imported only from `duckdbClient.ts`, itself loaded on a notebook's first query.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';

export interface EngineBundle {
  mainModule: string;
  mainWorker: string;
}

export async function pickBundle(): Promise<EngineBundle> {
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
    eh: { mainModule: ehWasm, mainWorker: ehWorker },
  });
  return { mainModule: bundle.mainModule, mainWorker: bundle.mainWorker! };
}

export function startWorker(bundle: EngineBundle): Worker {
  return new Worker(bundle.mainWorker);
}
