/**
 * Above the cells: the engine's loading progress (first query only), each extract's download
 * (bytes, ETA, from the browser cache or not, retry on failure), Run all, and the drop zone for
 * a person's own CSV/Parquet files, which stay in their browser and are marked local-only.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useRuntimeInstance, useRuntimeSnapshot } from '../../runtime/notebookRuntime.ts';
import { etaSeconds, type ExtractProgress } from '../../duckdb/extractLoader.ts';
import { formatBytes, useOutputText } from './outputText.ts';
import type { Bilingual } from '../../../shared/errors.ts';
import './outputs.css';

function ExtractLine({ p, onRetry }: { p: ExtractProgress; onRetry(): void }) {
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
  return (
    <div className={`runtime-row${p.phase === 'error' ? ' runtime-error' : ''}`} data-testid="extract-status" data-extract={p.name} data-phase={p.phase} data-from-cache={p.fromCache ? 'true' : 'false'}>
      <span>{text}</span>
      {p.phase === 'downloading' && p.totalBytes ? <progress max={p.totalBytes} value={p.loadedBytes} /> : null}
      {p.phase === 'error' && <button type="button" className="button" onClick={onRetry}>{t('retry')}</button>}
      {p.phase === 'ready' && p.attribution && <span className="muted" title={p.attribution.source}>{lang === 'ko' ? p.attribution.ko : p.attribution.en}</span>}
    </div>
  );
}

export function RuntimePanel() {
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
      </div>
      {Object.entries(extracts).map(([ref, p]) => <ExtractLine key={ref} p={p} onRetry={() => runtime.retryExtract(ref)} />)}
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
