/**
 * Extracts into the browser's engine: for each ref the notebook lists (`name`, or `name@3` pinned),
 * ask the server for the versions and pick one (`chooseExtractVersion`: the pinned one, else the
 * newest live one), then take its Arrow IPC stream from the browser cache (Cache Storage, keyed by
 * the content hash: a reload downloads nothing, a new version downloads once) or download it with
 * progress (bytes and ETA; `X-Uncompressed-Length` is the total the reader sees after gzip), and
 * register it as a table under the extract's name. A download that breaks off halfway is an
 * error the person can retry; nothing half-downloaded is cached. A pin to a missing or withdrawn
 * version is an error naming the extract and version and what to do.
 *
 * The engine may still be starting: the sink is awaited only to register, so on a cold page the
 * version list and the cache read overlap the engine's download and compile.
 */
import { chooseExtractVersion, extractArrowPath, extractRefName, extractVersionsSchema, type ExtractVersion } from '../../shared/extracts.ts';
import type { Bilingual } from '../../shared/errors.ts';
import { request, HttpError } from '../api/http.ts';
import { mark } from './marks.ts';

export interface ExtractProgress {
  /** The extract (and table) name, without any `@version`. */
  name: string;
  phase: 'checking' | 'downloading' | 'registering' | 'ready' | 'error';
  /** The version loaded (the pinned one, or the newest live one for an unpinned ref). */
  version: number | null;
  /** The newest live version on the server (null before the list is read, or when none is live). */
  latestVersion: number | null;
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

/**
 * Loads one extract by ref (`name` or `name@version`); `report` gets every progress change.
 * Resolves with the final progress (never rejects: failures end in phase `error`).
 */
export async function loadExtract(ref: string, sink: ArrowSink | Promise<ArrowSink>, report: (p: ExtractProgress) => void): Promise<ExtractProgress> {
  const name = extractRefName(ref);
  let p: ExtractProgress = {
    name, phase: 'checking', version: null, latestVersion: null, contentHash: null, loadedBytes: 0, totalBytes: null,
    startedAt: performance.now(), fromCache: false, rowCount: null,
  };
  const set = (next: Partial<ExtractProgress>) => {
    p = { ...p, ...next };
    report(p);
  };
  set({});
  try {
    const { versions } = await request(`/api/extracts/${encodeURIComponent(name)}`, { schema: extractVersionsSchema });
    const choice = chooseExtractVersion(versions, ref);
    set({ latestVersion: choice.latest?.version ?? null });
    if (!choice.ok) throw new HttpError(404, 'not_found', choice.error);
    const v = choice.version;
    set({ version: v.version, contentHash: v.contentHash, rowCount: v.rowCount, attribution: v.attribution });
    let bytes = await readCached(v.contentHash);
    mark(`extract-bytes:${name}`);
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
    let target: ArrowSink;
    try {
      target = await sink;
    } catch {
      throw new HttpError(0, 'internal', { ko: '분석 엔진을 시작하지 못해 추출본을 올리지 못했습니다. 다시 시도해 주세요.', en: 'the analysis engine did not start, so the extract could not be loaded; try again' });
    }
    await target.registerArrow(name, bytes);
    mark(`extract-ready:${name}`);
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
