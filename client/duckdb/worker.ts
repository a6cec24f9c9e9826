/**
 * Which DuckDB-WASM build this browser runs, and its worker. The wasm and worker files come in
 * through Vite `?url` imports (hashed, served by us: no CDN). Only the `mvp` and `eh` builds: the
 * threaded `coi` build needs COOP/COEP headers and 34 MB more (stack notes §3).
 *
 * Compiled-code cache: DuckDB-WASM compiles its 34 MB module with `instantiateStreaming` on a
 * Response it rebuilds around the download to count bytes for its progress callback; a rebuilt
 * Response has no URL, so Chromium can neither take the compiled code from its cache nor store
 * it, and every page compiles the module again. When the wasm is already in the HTTP cache (every
 * visit after the first: assets are immutable), there are no bytes worth a progress bar, so the
 * worker starts with `TransformStream` hidden, which makes DuckDB-WASM stream the plain `fetch`
 * Response: compiled code is then cached and reused. The first visit keeps the progress bar.
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
  // Absolute: a worker started from a blob: URL resolves relative URLs against that URL.
  return { mainModule: new URL(bundle.mainModule, location.href).href, mainWorker: new URL(bundle.mainWorker!, location.href).href };
}

const seenKey = 'madang.engine.wasm';

/**
 * True when this browser has loaded this very wasm before (the URL is content-hashed), so it is
 * in the HTTP cache unless the cache was cleared (then the download just shows no progress bar).
 * Asking the cache directly (`cache: 'only-if-cached'`) logs a console error on every miss.
 */
export function wasmSeenBefore(url: string): boolean {
  try {
    return localStorage.getItem(seenKey) === url;
  } catch {
    return false;
  }
}

export function rememberWasm(url: string): void {
  try {
    localStorage.setItem(seenKey, url);
  } catch {
    // storage off (private mode): the next visit shows the progress bar again
  }
}

/** The engine's worker; `cachedWasm` starts it so the compiled module can come from (and go to) the code cache. */
export function startWorker(bundle: EngineBundle, cachedWasm: boolean): Worker {
  if (!cachedWasm || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') return new Worker(bundle.mainWorker);
  const source = `self.TransformStream = undefined;\nimportScripts(${JSON.stringify(bundle.mainWorker)});\n`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return new Worker(url);
  } finally {
    // The worker has its script once started; revoking later keeps the URL from leaking.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
