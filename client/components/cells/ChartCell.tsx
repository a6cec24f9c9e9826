/**
 * A chart cell: its spec drawn over the result of the SQL cell it names (`spec.data`), or, in
 * place, what is in the way (spec problems, the data cell missing, still running, failed).
 * Editors open the form + JSON editor; every edit writes the spec into the doc.
 *
 * `ChartCell` connects to the notebook runtime (`useCellResult`); `ChartCellView` takes the data
 * as props, so tests and the published-story page can draw without a runtime.
 */
import { useMemo, useState } from 'react';
import type { Table } from 'apache-arrow';
import { parseChartSpec, tooManyRows, type ChartRow } from '../../../shared/chartSpec.ts';
import { ChartView, ProblemList } from '../../charts/ChartView.tsx';
import { toPlainRows } from '../../charts/tableRows.ts';
import { useChartText } from '../../charts/strings.ts';
import { chartRowLimit, useCellResult, useRuntimeInstance } from '../../runtime/notebookRuntime.ts';
import { ChartEditor, type ColumnOption } from './ChartEditor.tsx';
import '../../charts/charts.css';

/** The data a chart draws, as the runtime reports it. */
export interface ChartSource {
  /** `missing`: no SQL cell has that name. */
  status: 'idle' | 'queued' | 'running' | 'done' | 'error' | 'blocked' | 'missing';
  table?: Table | readonly ChartRow[] | null;
  columns?: readonly ColumnOption[];
  rowCount?: number | null;
  error?: string | null;
}

export interface ChartCellViewProps {
  spec: unknown;
  readOnly: boolean;
  source: ChartSource;
  sqlNames?: readonly string[];
  onSpecChange?(spec: unknown): void;
}

export function ChartCellView({ spec, readOnly, source, sqlNames = [], onSpecChange }: ChartCellViewProps) {
  const { lang, t } = useChartText();
  // A new cell has no settings yet: open its editor straight away.
  const [editing, setEditing] = useState(() => spec === null || spec === undefined);
  const parsed = useMemo(() => parseChartSpec(spec), [spec]);
  // A result too large to chart is refused before its rows are copied out of Arrow.
  const tooMany = parsed.ok && typeof source.rowCount === 'number' ? tooManyRows(parsed.spec, source.rowCount) : null;
  const plain = useMemo(() => toPlainRows(tooMany ? null : source.table ?? null), [source.table, tooMany]);
  const columns = useMemo(
    () => (source.columns && source.columns.length > 0 ? source.columns : plain.columns.map((name) => ({ name }))),
    [source.columns, plain.columns],
  );
  const columnNames = useMemo(() => columns.map((c) => c.name), [columns]);
  const dataName = parsed.ok ? parsed.spec.data : typeof (spec as { data?: unknown } | null)?.data === 'string' ? (spec as { data: string }).data : '';
  const canEdit = !readOnly && onSpecChange !== undefined;

  let body;
  if (!parsed.ok) body = <ProblemList title={t('specProblems')} problems={parsed.problems} lang={lang} />;
  else if (source.status === 'missing') body = <p className="chart-error" role="alert">{t('noSuchCell', { name: dataName })}</p>;
  else if (source.status === 'error') body = <p className="chart-error" role="alert">{t('sourceFailed', { name: dataName, error: source.error ?? '' })}</p>;
  else if (tooMany) body = <ProblemList title={t('specProblems')} problems={[tooMany]} lang={lang} />;
  else if (source.status === 'blocked') body = <p className="chart-error" role="alert">{t('sourceBlocked', { name: dataName })}</p>;
  else if (!source.table) {
    body = <p className="muted" role="status">{t(source.status === 'running' ? 'running' : 'waitingFor', { name: dataName })}</p>;
  } else {
    body = <ChartView spec={parsed.spec} rows={plain.rows} columns={columnNames} totalRows={source.rowCount ?? undefined} />;
  }

  return (
    <figure className="chart-cell" data-testid="chart-cell" data-status={source.status}>
      {canEdit && (
        <div className="chart-cell-tools">
          <button type="button" data-testid="chart-edit-toggle" aria-expanded={editing} onClick={() => setEditing((v) => !v)}>
            {editing ? t('closeEditor') : t('edit')}
          </button>
        </div>
      )}
      <div className={editing ? 'chart-cell-split' : undefined}>
        <div className="chart-cell-preview" data-testid="chart-preview">{body}</div>
        {canEdit && editing && (
          <ChartEditor spec={spec} columns={columns} sqlNames={sqlNames} onChange={onSpecChange} />
        )}
      </div>
    </figure>
  );
}

export interface ChartCellProps {
  spec: unknown;
  readOnly: boolean;
  sqlNames?: readonly string[];
  onSpecChange?(spec: unknown): void;
}

/** The chart cell wired to the notebook runtime. */
export function ChartCell(props: ChartCellProps) {
  const runtime = useRuntimeInstance();
  const data = (props.spec as { data?: unknown } | null)?.data;
  const name = typeof data === 'string' ? data : '';
  const result = useCellResult(name, { withTable: name !== '' });
  // Names are case-insensitive, as in SQL; the page passes the SQL cells' names.
  const known = props.sqlNames
    ? props.sqlNames.some((n) => n.toLowerCase() === name.toLowerCase())
    : runtime?.cellIdByName(name) !== undefined;
  const source: ChartSource = {
    status: name !== '' && !known && (props.sqlNames !== undefined || runtime) ? 'missing' : result.status,
    table: result.table,
    columns: result.columns,
    rowCount: result.rowCount,
    error: result.error,
  };
  return <ChartCellView {...props} source={source} />;
}

export { chartRowLimit };
