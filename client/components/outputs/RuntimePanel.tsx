/**
 * Above the cells: the engine's loading progress (first query only), each extract's download
 * (bytes, ETA, from the browser cache or not, retry on failure), Run all, and the drop zone for
 * a person's own CSV/Parquet files, which stay in their browser and are marked local-only.
 *
 * Each extract line shows the version loaded and whether the notebook pins it (`name@3`, what
 * publishing uses) or follows the newest (`name`). When a newer live version exists, editors get
 * "update to vN": one edit of `meta.extracts` (one transaction with the session's local origin),
 * after which every collaborator's runtime loads the new version.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type * as Y from 'yjs';
import { useRuntimeInstance, useRuntimeSnapshot } from '../../runtime/notebookRuntime.ts';
import { etaSeconds, type ExtractProgress } from '../../duckdb/extractLoader.ts';
import { formatBytes, useOutputText } from './outputText.ts';
import type { Bilingual } from '../../../shared/errors.ts';
import { extractListSchema, extractRefName, parseExtractRef, type ExtractVersion } from '../../../shared/extracts.ts';
import { addExtract, getNotebookRoots, readMeta, setExtractPin } from '../../../shared/schema/notebook.ts';
import { HttpError, request } from '../../api/http.ts';
import './outputs.css';

/** Where pin edits go: the notebook's doc, whether this person may edit, their undoable origin. */
export interface ExtractPinTarget {
  doc: Y.Doc;
  canEdit: boolean;
  origin?: unknown;
  /** Called after a pin move (e.g. `undoManager.stopCapturing()`, so it is its own undo step). */
  afterEdit?: () => void;
}

export interface PinView {
  /** The version the notebook pins, or null when it follows the newest. */
  pinned: number | null;
  /** The version this browser loaded (null until known). */
  loaded: number | null;
  /** A newer live version to offer ("update to vN"), or null. */
  offer: number | null;
}

/**
 * What the extract line says about versions. `latestVersion` comes from the loader (the newest live
 * version on the server); an update is offered only for a pinned ref (an unpinned one already
 * follows the newest on its next load).
 */
export function pinView(ref: string, p: Pick<ExtractProgress, 'version'> & { latestVersion?: number | null }): PinView {
  const pinned = parseExtractRef(ref)?.version ?? null;
  const loaded = p.version ?? pinned;
  const latest = p.latestVersion ?? null;
  const offer = pinned !== null && latest !== null && latest > pinned ? latest : null;
  return { pinned, loaded, offer };
}

const pinText = {
  ko: {
    version: (v: number) => `v${v}`,
    pinned: '고정',
    follows: '최신을 따름',
    pinnedTitle: '노트북이 이 버전에 고정되어 있습니다. 모든 참여자와 이야기 공개가 같은 버전을 씁니다.',
    followsTitle: '노트북이 버전을 고정하지 않아 불러올 때마다 최신 버전을 씁니다.',
    newer: (v: number) => `새 버전 v${v}이 있습니다`,
    update: (v: number) => `v${v}으로 바꾸기`,
    updateTitle: (name: string, v: number) => `노트북의 ${name}을(를) v${v}으로 옮깁니다. 모든 참여자가 새 버전으로 다시 계산합니다. 되돌리기로 취소할 수 있습니다.`,
    addOpen: '추출본 추가',
    addLabel: '추가할 추출본',
    add: '추가',
    addNone: '더 추가할 추출본이 없습니다.',
    addOption: (e: ExtractVersion) => `${e.name} (v${e.version}, ${e.rowCount.toLocaleString('ko-KR')}행)`,
    addHint: '최신 버전에 고정해 추가합니다. SQL에서 이 이름으로 읽을 수 있습니다.',
    addFailed: '추출본 목록을 불러오지 못했습니다',
  },
  en: {
    version: (v: number) => `v${v}`,
    pinned: 'pinned',
    follows: 'follows the newest',
    pinnedTitle: 'The notebook is pinned to this version: every collaborator and the published story use it.',
    followsTitle: 'The notebook does not pin a version, so each load uses the newest.',
    newer: (v: number) => `newer version v${v} available`,
    update: (v: number) => `Update to v${v}`,
    updateTitle: (name: string, v: number) => `Moves the notebook's ${name} to v${v}; every collaborator recomputes on it. Undo reverts it.`,
    addOpen: 'Add an extract',
    addLabel: 'Extract to add',
    add: 'Add',
    addNone: 'No more extracts to add.',
    addOption: (e: ExtractVersion) => `${e.name} (v${e.version}, ${e.rowCount.toLocaleString('en')} rows)`,
    addHint: 'Added pinned to its newest version; SQL reads it by this name.',
    addFailed: 'Could not load the list of extracts',
  },
} as const;

export function ExtractLine({ p, refText, pins, onRetry }: { p: ExtractProgress; refText?: string; pins?: ExtractPinTarget; onRetry(): void }) {
  const { t, lang } = useOutputText();
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (p.phase !== 'downloading') return;
    const timer = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(timer);
  }, [p.phase]);
  let text: string;
  switch (p.phase) {
    case 'checking': text = t('extractChecking', { name: p.name }); break;
    case 'downloading': {
      const eta = etaSeconds(p, now);
      text = t('extractDownloading', { name: p.name, loaded: formatBytes(p.loadedBytes), total: p.totalBytes ? formatBytes(p.totalBytes) : '?', eta: eta === null ? '' : t('extractEta', { s: Math.ceil(eta) }) });
      break;
    }
    case 'registering': text = t('extractRegistering', { name: p.name }); break;
    case 'ready': text = t('extractReady', { name: p.name, rows: (p.rowCount ?? 0).toLocaleString(lang), cached: p.fromCache ? t('extractCached') : '' }); break;
    case 'error': text = t('extractError', { name: p.name, error: p.error ? `${p.error.ko} / ${p.error.en}` : '' }); break;
  }
  const pt = pinText[lang];
  const view = pinView(refText ?? p.name, p as ExtractProgress & { latestVersion?: number | null });
  // The table name comes from the notebook's ref (a loader may report the ref itself as the name).
  const name = extractRefName(refText ?? p.name);
  const update = (version: number) => {
    if (!pins) return;
    setExtractPin(pins.doc, name, version, pins.origin);
    pins.afterEdit?.();
  };
  return (
    <div className={`runtime-row${p.phase === 'error' ? ' runtime-error' : ''}`} data-testid="extract-status" data-extract={p.name} data-phase={p.phase} data-from-cache={p.fromCache ? 'true' : 'false'}
      data-version={view.loaded ?? ''} data-pinned={view.pinned ?? ''}>
      <span>{text}</span>
      {view.loaded !== null && (
        <span className="muted" data-testid="extract-version" title={view.pinned !== null ? pt.pinnedTitle : pt.followsTitle}>
          {pt.version(view.loaded)} · {view.pinned !== null ? pt.pinned : pt.follows}
        </span>
      )}
      {view.offer !== null && (pins?.canEdit
        ? <button type="button" className="button" data-testid="extract-update" title={pt.updateTitle(name, view.offer)} onClick={() => update(view.offer!)}>{pt.update(view.offer)}</button>
        : <span className="muted" data-testid="extract-newer">{pt.newer(view.offer)}</span>)}
      {p.phase === 'downloading' && p.totalBytes ? <progress max={p.totalBytes} value={p.loadedBytes} /> : null}
      {p.phase === 'error' && <button type="button" className="button" onClick={onRetry}>{t('retry')}</button>}
      {p.phase === 'ready' && p.attribution && <span className="muted" title={p.attribution.source}>{lang === 'ko' ? p.attribution.ko : p.attribution.en}</span>}
    </div>
  );
}

/** The notebook's extract refs, kept current as collaborators edit them. */
function useExtractRefs(doc: Y.Doc | undefined): string[] {
  const [refs, setRefs] = useState<string[]>(() => (doc ? readMeta(doc).extracts : []));
  useEffect(() => {
    if (!doc) return;
    const meta = getNotebookRoots(doc).meta;
    const update = () => setRefs(readMeta(doc).extracts);
    update();
    meta.observe(update);
    return () => meta.unobserve(update);
  }, [doc]);
  return refs;
}

/**
 * Editors add an extract from the server's catalog; it goes into `meta.extracts` pinned to the
 * newest live version (`name@N`), so everyone computes, and the story publishes, on those rows.
 */
export function AddExtract({ pins }: { pins: ExtractPinTarget }) {
  const { lang } = useOutputText();
  const pt = pinText[lang];
  const refs = useExtractRefs(pins.doc);
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<ExtractVersion[] | null>(null);
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const used = new Set(refs.map((r) => (parseExtractRef(r)?.name ?? r).toLowerCase()));
  const available = (list ?? []).filter((e) => !used.has(e.name.toLowerCase()));
  const show = async () => {
    setOpen(true);
    setError(null);
    try {
      const res = await request('/api/extracts', { schema: extractListSchema });
      setList(res.extracts.map((e) => e.latest).sort((a, b) => a.name.localeCompare(b.name)));
    } catch (err) {
      setError(`${pt.addFailed}: ${err instanceof HttpError ? (lang === 'en' ? err.detail.en : err.detail.ko) : String(err)}`);
    }
  };
  const add = () => {
    const picked = available.find((e) => e.name === (choice || available[0]?.name));
    if (!picked) return;
    if (addExtract(pins.doc, picked.name, picked.version, pins.origin)) pins.afterEdit?.();
    setChoice('');
    setOpen(false);
  };
  if (!pins.canEdit) return null;
  if (!open) return <button type="button" className="button button-quiet" data-testid="extract-add-open" onClick={() => void show()}>{pt.addOpen}</button>;
  return (
    <div className="runtime-row" data-testid="extract-add">
      {error && <span className="runtime-error" role="alert">{error}</span>}
      {list && available.length === 0 && <span className="muted">{pt.addNone}</span>}
      {available.length > 0 && (
        <>
          <label>
            {pt.addLabel}{' '}
            <select data-testid="extract-add-select" value={choice || available[0]!.name} onChange={(e) => setChoice(e.target.value)}>
              {available.map((e) => <option key={e.name} value={e.name}>{pt.addOption(e)}</option>)}
            </select>
          </label>
          <button type="button" className="button" data-testid="extract-add-submit" onClick={add}>{pt.add}</button>
          <span className="muted">{pt.addHint}</span>
        </>
      )}
    </div>
  );
}

/** `pins`: the notebook's doc and this person's right to edit it (absent: versions shown, no update button). */
export function RuntimePanel({ pins }: { pins?: ExtractPinTarget } = {}) {
  const runtime = useRuntimeInstance();
  const { t } = useOutputText();
  const engine = useRuntimeSnapshot((s) => s.engine);
  const extracts = useRuntimeSnapshot((s) => s.extracts);
  const locals = useRuntimeSnapshot((s) => s.locals);
  const [over, setOver] = useState(false);
  const [localError, setLocalError] = useState<Bilingual | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  if (!runtime) return null;

  const addFiles = async (files: FileList | null) => {
    if (!files) return;
    setLocalError(null);
    const { registerLocalFile, LocalFileError } = await import('../../duckdb/localFiles.ts');
    for (const file of Array.from(files)) {
      try {
        await runtime.addLocalTable((api) => registerLocalFile(file, { registerCsvText: api.registerCsvText, registerArrow: api.registerArrow, count: api.count }));
      } catch (err) {
        setLocalError(err instanceof LocalFileError ? err.detail : { ko: String(err), en: String(err) });
      }
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void addFiles(e.dataTransfer.files);
  };

  return (
    <section className="runtime-panel" data-testid="runtime-panel" aria-label="DuckDB">
      <div className="runtime-row">
        <button type="button" className="button" data-testid="run-all" onClick={() => runtime.runAll()}>{t('runAll')}</button>
        {engine?.phase === 'loading' && (
          <span data-testid="engine-status" data-phase="loading">
            {t('engineLoading', { loaded: formatBytes(engine.loadedBytes), total: engine.totalBytes ? formatBytes(engine.totalBytes) : '?' })}
            {engine.totalBytes > 0 && <progress max={engine.totalBytes} value={engine.loadedBytes} />}
          </span>
        )}
        {engine?.phase === 'ready' && <span className="muted" data-testid="engine-status" data-phase="ready">{t('engineReady')}</span>}
        {engine?.phase === 'error' && <span className="runtime-error" data-testid="engine-status" data-phase="error">{t('engineError', { error: engine.error ?? '' })}</span>}
        {pins && <AddExtract pins={pins} />}
      </div>
      {Object.entries(extracts).map(([ref, p]) => <ExtractLine key={ref} p={p} refText={ref} pins={pins} onRetry={() => runtime.retryExtract(ref)} />)}
      {locals.map((l) => (
        <div key={l.name} className="runtime-row" data-testid="local-table" data-name={l.name}>
          <code>{l.name}</code> <span>{l.fileName} · {l.rowCount.toLocaleString()}</span>
          <span className="local-badge">{t('localOnly')}</span>
          {l.encoding === 'euc-kr' && <span className="muted">{t('localCp949')}</span>}
        </div>
      ))}
      <div className={`local-drop${over ? ' is-over' : ''}`} data-testid="local-drop"
        onDragOver={(e) => { if (e.dataTransfer.types.includes('Files')) { e.preventDefault(); setOver(true); } }}
        onDragLeave={() => setOver(false)} onDrop={onDrop}>
        {t('localDrop')}{' '}
        <button type="button" className="button button-quiet" onClick={() => fileInput.current?.click()}>{t('localChoose')}</button>
        <input ref={fileInput} type="file" accept=".csv,.tsv,.txt,.parquet" multiple hidden data-testid="local-file-input" onChange={(e) => void addFiles(e.target.files)} />
      </div>
      {localError && <div className="runtime-error" role="alert"><p lang="ko">{localError.ko}</p><p lang="en">{localError.en}</p></div>}
    </section>
  );
}
