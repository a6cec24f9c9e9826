/**
 * What a SQL cell shows under its editor: the status line (idle, queued, running with elapsed
 * time, done in N ms with the row count, error), then the problem or error in place (both
 * languages, the line marked in Monaco), or the result grid with downloads.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useRuntimeInstance, useRuntimeSnapshot } from '../../runtime/notebookRuntime.ts';
import { setCellErrorMarker } from '../../runtime/monacoBridge.ts';
import type { WindowRequest } from '../../runtime/engineApi.ts';
import { ResultGrid } from './ResultGrid.tsx';
import { resultCsvParts, resultParquetParts, type ExportProgress } from './exportResult.ts';
import { formatMs, problemText, useOutputText } from './outputText.ts';
import type { CellRunState } from '../../../shared/reactivity/cellState.ts';
import './outputs.css';

function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

// Spreadsheet apps on Korean Windows read a CSV without a byte-order mark as CP949, so 자치구
// would arrive as mojibake; with the BOM they read UTF-8 (other tools skip it).
const utf8Bom = new Uint8Array([0xef, 0xbb, 0xbf]);

function download(parts: Uint8Array[], name: string, type: string) {
  const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** How long a run may take before the status line says so. */
const busyDelayMs = 150;

/**
 * The status the line shows. Most runs finish in tens of milliseconds: flashing "running" for a
 * frame and back costs a repaint of the page while the engine computes (on two cores that
 * slowed the query itself, bench:query trace) and makes screen readers announce every run. So
 * a run shows as busy only once it has lasted `busyDelayMs`; until then the line keeps what it
 * said. `data-status` on the output always tells the truth at once (tests and tools read it).
 */
function useBusyShown(status: CellRunState['status']): boolean {
  const busy = status === 'running' || status === 'queued';
  const [busyShown, setBusyShown] = useState(false);
  useEffect(() => {
    if (!busy) {
      setBusyShown(false);
      return;
    }
    const timer = setTimeout(() => setBusyShown(true), busyDelayMs);
    return () => clearTimeout(timer);
  }, [busy]);
  return busy && busyShown;
}

export function CellOutput({ cellId, cellName }: { cellId: string; cellName: string }) {
  const runtime = useRuntimeInstance();
  const { t, lang } = useOutputText();
  const view = useRuntimeSnapshot((s) => s.cells[cellId]);
  const state = view?.state ?? { status: 'idle' as const };
  const result = view?.result ?? null;
  const busyShown = useBusyShown(state.status);
  const now = useTicker(state.status === 'running' && busyShown);
  // The state the status line shows: the last settled one while a run is young.
  const lastSettled = useRef<CellRunState | null>(null);
  const busy = state.status === 'running' || state.status === 'queued';
  if (!busy) lastSettled.current = state;
  const line: CellRunState = busy && !busyShown && lastSettled.current ? lastSettled.current : state;
  const [orderBy, setOrderBy] = useState<WindowRequest['orderBy']>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<({ kind: 'csv' | 'parquet' } & ExportProgress) | null>(null);
  const errorForMarker = state.status === 'error' ? state.error : null;
  // Stable, so the (memoised) grid does not render again for every status change of a run.
  const engine = useCallback(() => (runtime ? runtime.engine() : Promise.reject(new Error('no notebook runtime'))), [runtime]);

  useEffect(() => {
    void setCellErrorMarker(cellId, errorForMarker ? { message: errorForMarker.message, line: errorForMarker.line } : null).catch(() => undefined);
  }, [cellId, errorForMarker]);

  if (!runtime) return null;

  let status: string;
  switch (line.status) {
    case 'idle': status = t('idle'); break;
    case 'queued': status = t('queued'); break;
    case 'running': status = t('running', { s: (Math.max(0, now - line.startedAt) / 1000).toFixed(1) }); break;
    case 'done': status = t('done', { rows: line.rowCount.toLocaleString(lang), ms: formatMs(line.elapsedMs) }); break;
    case 'error': status = t('error'); break;
    case 'blocked': status = t('blocked'); break;
  }

  const baseName = cellName || 'result';
  // One download at a time per cell, with rows written so far (a 10M-row result takes seconds).
  const runExport = async (kind: 'csv' | 'parquet') => {
    if (!result || exporting) return;
    setDownloadError(null);
    const progress = (p: ExportProgress) => setExporting({ kind, ...p });
    progress({ rowsDone: 0, rowCount: result.rowCount });
    try {
      const api = await engine();
      const parts = kind === 'csv'
        ? await resultCsvParts(api, result.table, result.rowCount, result.columns.length, orderBy, progress)
        : await resultParquetParts(api, result.table, result.rowCount, result.columns, orderBy, progress);
      if (kind === 'csv') download([utf8Bom, ...parts], `${baseName}.csv`, 'text/csv;charset=utf-8');
      else download(parts, `${baseName}.parquet`, 'application/vnd.apache.parquet');
    } catch (err) {
      setDownloadError((err as Error).message);
    } finally {
      setExporting(null);
    }
  };

  return (
    <div className="cell-output" data-testid="cell-output" data-status={state.status} data-cell-id={cellId}>
      <div className="cell-status" role="status" aria-live="polite">
        <span className={`cell-status-dot status-${line.status}`} aria-hidden="true" />
        <span data-testid="cell-status">{status}</span>
        {/* Follows the line, not the run: buttons vanishing for a young run would relayout and
            repaint the page while the engine computes (the flash `useBusyShown` avoids). A click
            then exports the result still shown; a run replacing it mid-export ends in the
            download error below, never in rows from two results. */}
        {line.status === 'done' && result && result.rowCount > 0 && (
          <span className="cell-output-actions">
            <button type="button" className="button button-quiet" data-testid="download-csv" disabled={exporting !== null} onClick={() => void runExport('csv')}>{t('downloadCsv')}</button>
            <button type="button" className="button button-quiet" data-testid="download-parquet" disabled={exporting !== null} onClick={() => void runExport('parquet')}>{t('downloadParquet')}</button>
            {exporting && (
              <span className="muted" data-testid="download-progress" data-kind={exporting.kind}>
                {lang === 'ko'
                  ? `${exporting.kind === 'csv' ? 'CSV' : 'Parquet'} 만드는 중 ${exporting.rowsDone.toLocaleString(lang)} / ${exporting.rowCount.toLocaleString(lang)}행`
                  : `Writing ${exporting.kind === 'csv' ? 'CSV' : 'Parquet'} ${exporting.rowsDone.toLocaleString(lang)} / ${exporting.rowCount.toLocaleString(lang)} rows`}
                <progress max={exporting.rowCount} value={exporting.rowsDone} />
              </span>
            )}
          </span>
        )}
      </div>
      {state.status === 'blocked' && (
        <div className="cell-problem" role="alert" data-testid="cell-problem" data-problem={state.problem.kind}>
          <p lang="ko">{problemText(state.problem).ko}</p>
          <p lang="en">{problemText(state.problem).en}</p>
        </div>
      )}
      {state.status === 'error' && (
        <div className="cell-error" role="alert" data-testid="cell-error">
          {state.error.ko && <p lang="ko">{state.error.ko}</p>}
          <pre lang="en">{state.error.line !== null ? `${t('line', { n: state.error.line })}: ` : ''}{state.error.message}</pre>
        </div>
      )}
      {downloadError && <p className="cell-error" role="alert">{downloadError}</p>}
      {result && state.status !== 'blocked' && state.status !== 'error' && (
        result.rowCount === 0
          ? <p className="cell-empty" data-testid="cell-empty">{t('noRows')} <span className="muted">({result.columns.map((c) => c.name).join(', ')})</span></p>
          : <ResultGrid table={result.table} rowCount={result.rowCount} columns={result.columns} firstRows={result.firstRows} engine={engine} orderBy={orderBy} onSort={setOrderBy} />
      )}
    </div>
  );
}
