/**
 * Draws a validated chart spec over plain rows: Plot (and, for maps, the district layer) load on
 * first use, so a notebook without charts never downloads them. A spec that does not fit the data
 * shows its problems in place; nothing here can break another cell. Below the chart: notes
 * (missing alt text, districts that did not join) and a "show data table" toggle.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type * as PlotModule from '@observablehq/plot';
import { ChartSpecError, chartNotes, type ChartRow, type ChartSpec, type SpecProblem } from '../../shared/chartSpec.ts';
import { loadSeoulGu, type DistrictLayer } from '../../shared/geo/seoulGu.ts';
import { renderChart } from './renderPlot.ts';
import { useChartText } from './strings.ts';

let plotPromise: Promise<typeof PlotModule> | null = null;
let geoPromise: Promise<DistrictLayer> | null = null;
// Once loaded, later charts draw in their first render (no "loading" flash).
let loadedPlot: typeof PlotModule | null = null;
let loadedGeo: DistrictLayer | null = null;

export function loadPlot(): Promise<typeof PlotModule> {
  plotPromise ??= import('@observablehq/plot').then((m) => (loadedPlot = m), (err: unknown) => {
    plotPromise = null;
    throw err;
  });
  return plotPromise;
}

export function loadGeoLayer(): Promise<DistrictLayer> {
  geoPromise ??= loadSeoulGu().then((g) => (loadedGeo = g), (err: unknown) => {
    geoPromise = null;
    throw err;
  });
  return geoPromise;
}

function loadedModules(needsGeo: boolean): { Plot: typeof PlotModule; geo?: DistrictLayer } | null {
  if (!loadedPlot || (needsGeo && !loadedGeo)) return null;
  return { Plot: loadedPlot, geo: needsGeo ? loadedGeo! : undefined };
}

export interface ChartViewProps {
  spec: ChartSpec;
  rows: readonly ChartRow[];
  columns?: readonly string[];
  /** Total rows in the result (the rows given may be the first N). */
  totalRows?: number;
}

type DrawState = { kind: 'loading' } | { kind: 'drawn' } | { kind: 'problems'; problems: SpecProblem[] } | { kind: 'failed'; message: string };

const tableRowLimit = 200;

export function ChartView({ spec, rows, columns, totalRows }: ChartViewProps) {
  const { lang, t } = useChartText();
  const hostRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState<number | undefined>(undefined);
  const needsGeo = spec.mark === 'geo';
  const [modules, setModules] = useState(() => loadedModules(needsGeo));
  const [loadError, setLoadError] = useState<string | null>(null);
  const [state, setState] = useState<DrawState>({ kind: 'loading' });
  const [showTable, setShowTable] = useState(false);
  const tableId = useId();

  useEffect(() => {
    if (modules && (!needsGeo || modules.geo)) return;
    let live = true;
    Promise.all([loadPlot(), needsGeo ? loadGeoLayer() : Promise.resolve(undefined)]).then(
      ([Plot, geo]) => live && setModules({ Plot, geo }),
      (err: unknown) => live && setLoadError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [needsGeo, modules]);

  // Follow the container's width (charts stay readable on phones).
  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const measure = () => {
      const w = host.clientWidth;
      if (w > 0) setWidth((prev) => (prev === undefined || Math.abs(prev - w) > 8 ? Math.round(w) : prev));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(host);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const host = hostRef.current;
    if (!host || !modules) return;
    try {
      const el = renderChart({ Plot: modules.Plot, document, spec, rows, lang, geo: modules.geo, width, columns });
      host.replaceChildren(el);
      setState({ kind: 'drawn' });
    } catch (err) {
      host.replaceChildren();
      if (err instanceof ChartSpecError) setState({ kind: 'problems', problems: err.problems });
      else setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  }, [modules, spec, rows, columns, lang, width]);

  const notes = state.kind === 'drawn' ? chartNotes(spec, rows, { geo: modules?.geo }) : [];
  const shownRows = rows.slice(0, tableRowLimit);
  const tableColumns = columns ?? (rows.length > 0 ? Object.keys(rows[0]) : []);

  return (
    <div className="chart-view" data-testid="chart-view" data-state={loadError ? 'failed' : state.kind}>
      <div ref={hostRef} className="chart-host" data-testid="chart-host" />
      {loadError && <p className="chart-error" role="alert">{t('drawFailed', { error: loadError })}</p>}
      {!loadError && !modules && <p className="muted" role="status">{t('loadingChart')}</p>}
      {state.kind === 'problems' && <ProblemList title={t('specProblems')} problems={state.problems} lang={lang} />}
      {state.kind === 'failed' && <p className="chart-error" role="alert">{t('drawFailed', { error: state.message })}</p>}
      {notes.length > 0 && (
        <ul className="chart-notes" data-testid="chart-notes" aria-label={t('notes')}>
          {notes.map((n, i) => <li key={i} data-path={n.path}>{lang === 'en' ? n.en : n.ko}</li>)}
        </ul>
      )}
      <button
        type="button"
        className="chart-table-toggle"
        data-testid="chart-table-toggle"
        aria-expanded={showTable}
        aria-controls={tableId}
        onClick={() => setShowTable((v) => !v)}
      >
        {showTable ? t('hideTable') : t('showTable')}
      </button>
      {showTable && (
        <div className="chart-table-wrap" id={tableId}>
          <table className="chart-table" data-testid="chart-table">
            <caption>{t('tableCaption', { name: spec.data, shown: shownRows.length, total: totalRows ?? rows.length })}</caption>
            <thead>
              <tr>{tableColumns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
            </thead>
            <tbody>
              {shownRows.map((row, i) => (
                <tr key={i}>{tableColumns.map((c) => <td key={c}>{formatCell(row[c], lang)}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function formatCell(v: unknown, lang: 'ko' | 'en'): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().replace('T00:00:00.000Z', '').replace('.000Z', 'Z');
  if (typeof v === 'number') return v.toLocaleString(lang === 'en' ? 'en-US' : 'ko-KR', { maximumFractionDigits: 6 });
  return String(v);
}

export function ProblemList({ title, problems, lang }: { title: string; problems: readonly SpecProblem[]; lang: 'ko' | 'en' }) {
  return (
    <div className="spec-problems" role="alert" data-testid="spec-problems">
      <p className="spec-problems-title">{title}</p>
      <ul>
        {problems.map((p, i) => (
          <li key={i} data-path={p.path} lang={lang}>{lang === 'en' ? p.en : p.ko}</li>
        ))}
      </ul>
    </div>
  );
}
