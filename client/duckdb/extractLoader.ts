/**
 * Extracts into the browser's engine: for each name the notebook lists, ask the server for the
 * newest version, then take its Arrow IPC stream from the browser cache (Cache Storage, keyed by
 * the content hash: a reload downloads nothing, a new version downloads once) or download it with
 * progress (bytes and ETA; `X-Uncompressed-Length` is the total the reader sees after gzip), and
 * register it as a table under the extract's name. A download that breaks off halfway is an
 * error the person can retry; nothing half-downloaded is cached.
 */
import { extractArrowPath, extractVersionsSchema, latestVersion, type ExtractVersion } from '../../shared/extracts.ts';
import type { Bilingual } from '../../shared/errors.ts';
import { request, HttpError } from '../api/http.ts';

export interface ExtractProgress {
  name: string;
  phase: 'checking' | 'downloading' | 'registering' | 'ready' | 'error';
  version: number | null;
  contentHash: string | null;
  loadedBytes: number;
  totalBytes: number | null;
  startedAt: number;
  fromCache: boolean;
  rowCount: number | null;
  attribution?: ExtractVersion['attribution'];
  error?: Bilingual;
}

export interface ArrowSink {
  /** Replaces the table `name` with the stream's rows. */
  registerArrow(name: string, ipc: Uint8Array): Promise<void>;
}

const cacheName = 'madang-extracts-v1';

function cacheKey(hash: string): string {
  // A synthetic same-origin URL: Cache Storage keys are requests.
  return `/__madang_cache/extracts/${hash}`;
}

async function openCache(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(cacheName);
  } catch {
    return null; // private mode or an insecure origin: download every time
  }
}

export async function readCached(hash: string): Promise<Uint8Array | null> {
  const cache = await openCache();
  const hit = await cache?.match(cacheKey(hash));
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}

async function writeCached(hash: string, bytes: Uint8Array): Promise<void> {
  const cache = await openCache();
  await cache?.put(cacheKey(hash), new Response(bytes as BlobPart, { headers: { 'content-type': 'application/vnd.apache.arrow.stream' } }));
}

const halfway: Bilingual = {
  ko: '추출본 내려받기가 중간에 끊겼습니다. 다시 시도해 주세요.',
  en: 'the extract download stopped halfway; try again',
};

/** Reads a response body to the end, reporting bytes; throws when it ends short of `total`. */
export async function readWithProgress(res: Response, total: number | null, onBytes: (loaded: number) => void): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onBytes(loaded);
  }
  if (total !== null && loaded !== total) throw new Error(`short body: ${loaded} of ${total} bytes`);
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function describe(err: unknown): Bilingual {
  if (err instanceof HttpError) return err.detail;
  return halfway;
}

/** Loads one extract; `report` gets every progress change. Resolves with the final progress. */
export async function loadExtract(name: string, sink: ArrowSink, report: (p: ExtractProgress) => void): Promise<ExtractProgress> {
  let p: ExtractProgress = {
    name, phase: 'checking', version: null, contentHash: null, loadedBytes: 0, totalBytes: null,
    startedAt: performance.now(), fromCache: false, rowCount: null,
  };
  const set = (next: Partial<ExtractProgress>) => {
    p = { ...p, ...next };
    report(p);
  };
  set({});
  try {
    const { versions } = await request(`/api/extracts/${encodeURIComponent(name)}`, { schema: extractVersionsSchema });
    const v = latestVersion(versions);
    if (!v) throw new HttpError(404, 'not_found', { ko: `추출본을 찾을 수 없습니다: ${name}`, en: `extract not found: ${name}` });
    set({ version: v.version, contentHash: v.contentHash, rowCount: v.rowCount, attribution: v.attribution });
    let bytes = await readCached(v.contentHash);
    if (bytes) set({ fromCache: true, loadedBytes: bytes.byteLength, totalBytes: bytes.byteLength });
    else {
      set({ phase: 'downloading', startedAt: performance.now() });
      let res: Response;
      try {
        res = await fetch(extractArrowPath(name, v.version), { credentials: 'same-origin' });
      } catch {
        throw new HttpError(0, 'network', halfway);
      }
      if (!res.ok) {
        const { readHttpError } = await import('../api/http.ts');
        throw await readHttpError(res);
      }
      const total = Number(res.headers.get('x-uncompressed-length') ?? res.headers.get('content-length'));
      const totalBytes = Number.isFinite(total) && total > 0 ? total : null;
      set({ totalBytes });
      let last = 0;
      bytes = await readWithProgress(res, totalBytes, (loaded) => {
        // A progress update per ~1% keeps React renders cheap on a fast local link.
        if (totalBytes === null || loaded - last > totalBytes / 100 || loaded === totalBytes) {
          last = loaded;
          set({ loadedBytes: loaded });
        }
      });
      await writeCached(v.contentHash, bytes);
    }
    set({ phase: 'registering' });
    await sink.registerArrow(name, bytes);
    set({ phase: 'ready' });
  } catch (err) {
    set({ phase: 'error', error: describe(err) });
  }
  return p;
}

/** Seconds left at the current rate, or null before there is a rate. */
export function etaSeconds(p: Pick<ExtractProgress, 'loadedBytes' | 'totalBytes' | 'startedAt'>, now: number): number | null {
  if (!p.totalBytes || p.loadedBytes <= 0) return null;
  const elapsed = (now - p.startedAt) / 1000;
  if (elapsed <= 0) return null;
  const rate = p.loadedBytes / elapsed;
  return Math.max(0, (p.totalBytes - p.loadedBytes) / rate);
}
